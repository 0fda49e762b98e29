"""The progress file on disk: every value is checked on load, stale temporary files are swept."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from bptutor.core.lesson import load_lesson
from bptutor.core.progress import STALE_AFTER, ProgressStore
from bptutor.core.session import FIRST_TRY, start_session

ROOT = Path(__file__).resolve().parents[2]
BP2 = ROOT / "lessons" / "04-bp2-three-feed-two.yaml"
FIRST, SECOND = "s1.dC_da.l3.j1", "s1.sigma_prime.l3.j1"  # the first two asked steps of BP2
GONE = object()  # a mutation that deletes the key


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path)


def saved_by_a_session(store: ProgressStore) -> dict:
    """A real progress file: the first step answered right, one hint on the second."""
    lesson, _ = load_lesson(BP2)
    session = start_session(lesson, store)
    assert session.current.id == FIRST
    session.submit(repr(session.current.value))
    session.hint()
    assert session.current.id == SECOND
    return json.loads(store.path_for(session.lesson_hash).read_text(encoding="utf-8"))


def write(store: ProgressStore, lesson_hash: str, data: dict) -> None:
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path_for(lesson_hash).write_text(json.dumps(data), encoding="utf-8")


def mutated(data: dict, path: tuple[str, ...], value: object) -> dict:
    data = json.loads(json.dumps(data))
    *outer, last = path
    target = data
    for key in outer:
        target = target[key]
    if value is GONE:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    "path,value",
    [
        (("records", FIRST, "outcome"), "bogus"),  # KeyError in the ledger's MARKS[outcome]
        (("records", FIRST, "outcome"), 1),  # not a word at all
        (("records", SECOND, "hints"), "x"),  # TypeError in Session.hint()
        (("records", SECOND, "hints"), -1),  # a negative count of rungs
        (("records", SECOND, "hints"), True),  # a bool is an int to Python, not a count here
        (("records", SECOND, "hints"), 10**9),  # the hint panel would draw a billion rungs
        (("records", SECOND, "attempts"), 5),  # AttributeError on the next submit (append)
        (("records", FIRST, "attempts"), [1.5]),  # the step dialog joins attempts as text
        (("records", FIRST, "diagnoses"), "factor_2"),  # a string, counted letter by letter
        (("records", FIRST, "value"), "0.5"),  # the ledger formats the value as a number
        (("records", FIRST, "value"), False),  # a bool, not a number
        (("records", FIRST, "step_id"), SECOND),  # not its own key: names() looks the id up
        (("records", FIRST, "step_id"), GONE),  # a record must say which step it is
        (("records", FIRST), "x"),  # a record that is not an object
        (("verdicts",), [1, 2]),  # dict([1, 2]) raises in resume
        (("verdicts", "right"), "many"),  # a verdict count that is not a number
        (("current",), 5),  # not a step id
        (("done",), "two"),  # the picker and the resume dialog show done of total
        (("total",), -3),  # a negative total
    ],
)
def test_a_bad_value_is_moved_aside_like_a_corrupt_file(store, path, value):
    data = mutated(saved_by_a_session(store), path, value)
    write(store, "h", data)
    loaded = store.load("h")
    assert loaded.data is None and "unreadable" in loaded.notice and "moved to" in loaded.notice
    assert not store.path_for("h").exists()
    assert [p.name.startswith("h.corrupt-") for p in store.folder.iterdir()].count(True) == 1


@pytest.mark.parametrize(
    "path,value",
    [
        (("records", FIRST, "diagnoses"), GONE),  # a missing field takes the StepRecord default
        (("records", SECOND, "hints"), 3),  # the last rung, still a valid count
        (("records", FIRST, "value"), 2),  # an int is a number
        (("records", SECOND, "value"), None),  # an open step has no value yet
        (("verdicts",), GONE),  # no verdicts saved: none counted
        (("current",), None),  # a finished lesson has no current step
    ],
)
def test_good_values_load(store, path, value):
    data = mutated(saved_by_a_session(store), path, value)
    write(store, "h", data)
    loaded = store.load("h")
    assert loaded.notice is None and loaded.data == data


def test_a_record_for_a_step_that_no_longer_exists_is_ignored(store):
    """A lesson edited since: its old step ids load fine and resume drops them, as before."""
    data = saved_by_a_session(store)
    data["records"]["s9.z.l2.j1"] = {"step_id": "s9.z.l2.j1", "attempts": ["1"], "value": 1.0, "outcome": FIRST_TRY}
    lesson, _ = load_lesson(BP2)
    write(store, lesson.content_hash, data)
    loaded = store.load(lesson.content_hash)
    assert loaded.notice is None
    session = start_session(lesson, store)
    session.resume(loaded.data)
    assert set(session.records) == {FIRST, SECOND} and session.current.id == SECOND


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.mark.parametrize(
    "name,seconds_old,removed",
    [
        (".progress-abc123.tmp", STALE_AFTER + 60, True),  # left by a kill mid-save
        (".progress-abc123.tmp", 1, False),  # young: maybe another process's save under way
        ("h.json", 10 * STALE_AFTER, False),  # a real progress file, however old
        ("h.corrupt-20240101-000000.json", 10 * STALE_AFTER, False),  # a file moved aside
        (".progress-notes.txt", 10 * STALE_AFTER, False),  # not a temporary file of ours
        ("progress-abc.tmp", 10 * STALE_AFTER, False),  # no leading dot: not our pattern
    ],
)
@pytest.mark.parametrize("action", ["save", "load"])
def test_stale_temporary_files_are_removed_on_save_and_load(store, name, seconds_old, removed, action):
    store.folder.mkdir(parents=True, exist_ok=True)
    path = store.folder / name
    path.write_text("{}", encoding="utf-8")
    age(path, seconds_old)
    if action == "save":
        store.save("other", {"records": {}})
    else:
        store.load("other")
    assert path.exists() != removed
    assert not [p for p in store.folder.iterdir() if p.name != name and p.suffix == ".tmp"]  # the save's own is gone


def test_a_folder_named_like_a_temporary_file_is_left_alone(store):
    folder = store.folder / ".progress-x.tmp"
    folder.mkdir(parents=True)
    age(folder, 10 * STALE_AFTER)
    store.save("h", {"records": {}})
    assert folder.is_dir()


def test_progress_of_an_earlier_version_is_found_by_the_lesson_file(store):
    data = saved_by_a_session(store)
    mine = data["lesson_file"]
    assert mine == str(BP2.resolve())
    write(store, "old", {**data, "lesson_hash": "old"})
    time.sleep(0.01)
    write(store, "newer", {**data, "lesson_hash": "newer", "done": 5})  # the newest wins
    write(store, "other", {**data, "lesson_file": "/elsewhere/other.yaml", "done": 7})  # another lesson
    store.folder.joinpath("junk.json").write_text("{not json", encoding="utf-8")  # skipped, not moved
    found = store.load_earlier_version(mine, "current-hash")
    assert found.data is not None and found.data["done"] == 5 and "changed since" in found.notice
    assert store.folder.joinpath("junk.json").is_file()
    assert store.load_earlier_version("/no/such/lesson.yaml", "current-hash").data is None
    # the lesson's own hash is never its own earlier version
    assert store.load_earlier_version(mine, data["lesson_hash"]).data["lesson_hash"] != data["lesson_hash"]
