"""One learner walking one lesson, without a terminal: submit, hints, reveal, resume, summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bptutor.core.answers import CLOSE, NOT_UNDERSTOOD, RIGHT, WRONG
from bptutor.core.lesson import load_lesson
from bptutor.core.progress import ProgressStore
from bptutor.core.session import AFTER_HINTS, AFTER_TRIES, FIRST_TRY, HINT_RUNGS, PHASES, REVEALED, start_session
from bptutor.core.steps import BP2 as BP2_PHASE
from bptutor.core.steps import PHASE

ROOT = Path(__file__).resolve().parents[2]
BP2 = ROOT / "lessons" / "04-bp2-three-feed-two.yaml"


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress")


@pytest.fixture
def session(store):
    lesson, _ = load_lesson(BP2)
    return start_session(lesson, store)


def test_walks_only_the_asked_steps_in_order(session):
    assert session.total == 11
    asked = [session.steps[int(i)] for i in session.asked]
    assert all(st.asked for st in asked)
    assert [st.kind for st in asked[:3]] == ["dC_da", "sigma_prime", "delta"]
    assert asked[-1].id == "s1.delta.l2.j1"


def test_right_wrong_close_and_not_understood(session):
    step = session.current
    assert session.submit("2,5").kind == NOT_UNDERSTOOD
    assert session.current is step and not session.records[step.id].attempts  # not counted as a try
    assert session.submit(repr(-step.value)).kind == WRONG
    assert session.submit(repr(step.value * 1.02)).kind == CLOSE
    verdict = session.submit(repr(step.value))
    assert verdict.kind == RIGHT and session.position == 1
    rec = session.records[step.id]
    assert rec.outcome == AFTER_TRIES and len(rec.attempts) == 3 and rec.value == pytest.approx(step.value)
    assert session.verdicts == {NOT_UNDERSTOOD: 1, WRONG: 1, CLOSE: 1, RIGHT: 1}


def test_hint_ladder_then_reveal(session):
    step = session.current
    rungs = [session.hint() for _ in range(HINT_RUNGS)]
    assert [h.rung for h in rungs] == [1, 2, 3]
    assert rungs[0].text == step.general and rungs[1].text == step.indexed and rungs[2].text == step.substituted
    assert rungs[-1].last and not rungs[0].last
    assert session.hint() is None  # one more reveals
    assert session.records[step.id].outcome == REVEALED and session.position == 1


def test_right_after_a_hint_is_counted_with_hints(session):
    step = session.current
    session.hint()
    session.submit(repr(step.value))
    assert session.records[step.id].outcome == AFTER_HINTS


def test_answers_may_use_earned_and_given_values(session):
    # dC/da³₁ = a³₁ − y₁ for the quadratic cost: both are on screen
    assert session.submit("a31 - y1").kind == RIGHT
    # σ′(z³₁) = a(1 − a) with the label of an earned value
    assert session.submit("a31 * (1 - a31)").kind == RIGHT


def test_progress_is_saved_after_every_action_and_resumes(session, store):
    first = session.current
    session.submit(repr(first.value))
    session.hint()
    saved = json.loads(store.path_for(session.lesson_hash).read_text())
    assert saved["current"] == session.current.id and saved["records"][first.id]["outcome"] == FIRST_TRY
    lesson, _ = load_lesson(BP2)
    again = start_session(lesson, store)
    loaded = store.load(again.lesson_hash)
    again.resume(loaded.data)
    assert again.current.id == session.current.id
    assert again.records[session.current.id].hints == 1


def test_restart_and_jump_to_next_unsolved(session, store):
    s1 = session.current
    session.reveal()
    s2 = session.current
    session.submit(repr(s2.value))
    session.position = 0
    assert session.jump_to_next_unsolved() and session.position == 2
    session.restart()
    assert session.position == 0 and session.current.id == s1.id and not session.records
    assert not store.path_for(session.lesson_hash).exists()


def test_summary_counts_phases_costs_and_slips(session):
    while not session.finished:
        step = session.current
        if step.kind == "dC_da":
            session.submit(repr(2 * step.value))  # the factor 2 kept: a named slip
        if step.kind == "sigma_prime":
            session.reveal()
            continue
        session.submit(repr(step.value))
    summary = session.summary()
    assert summary.outcomes == {FIRST_TRY: 6, AFTER_TRIES: 2, AFTER_HINTS: 0, REVEALED: 3}
    assert set(summary.by_phase) == {"BP1", "BP2"}
    assert summary.cost_after < summary.cost_before and summary.cost_drop == pytest.approx(summary.cost_before - summary.cost_after)
    assert summary.slips[0] == ("factor_2", 2)


def test_every_phase_is_in_the_summary():
    """Lesson 02 asks 2 gradient checks; the breakdown by phase used to drop them."""
    assert set(PHASE.values()) | {BP2_PHASE} <= set(PHASES)  # Step.phase returns these
    lesson, _ = load_lesson(ROOT / "lessons" / "02-why-partial-derivatives.yaml")
    session = start_session(lesson)
    while not session.finished:
        session.reveal()
    by_phase = session.summary().by_phase
    assert by_phase["gradient check"] == {REVEALED: 2}
    assert sum(n for row in by_phase.values() for n in row.values()) == session.total == 5


def test_progress_survives_a_kill_mid_write(tmp_path):
    """A process killed while saving leaves the old file or the new one, never half of one."""
    import time

    store = ProgressStore(tmp_path)
    store.save("h", {"records": {}, "n": 0})
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from bptutor.core.progress import ProgressStore\n"
        f"s = ProgressStore(Path({str(tmp_path)!r}))\n"
        "for n in range(1, 10**9):\n"
        "    s.save('h', {'records': {str(i): {'step_id': str(i)} for i in range(200)}, 'n': n})\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30  # a busy machine may take a while to start the child
        while json.loads(store.path_for("h").read_text())["n"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # let it go on saving, so the kill lands in the middle of one
    finally:
        proc.kill()
        proc.wait()
    loaded = store.load("h")
    assert loaded.notice is None and loaded.data["n"] >= 1  # the child saved, and its last file is whole
    leftovers = [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    assert len(leftovers) <= 1  # at most the one temporary file being written at the kill


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"format": 99}', ""])
def test_corrupt_progress_is_moved_aside_with_a_notice(tmp_path, content):
    store = ProgressStore(tmp_path)
    store.path_for("h").write_text(content)
    loaded = store.load("h")
    assert loaded.data is None and "moved to" in loaded.notice
    assert not store.path_for("h").exists()
    assert any(p.name.startswith("h.corrupt-") for p in tmp_path.iterdir())
