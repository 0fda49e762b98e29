"""Progress across runs: quit, reopen, resume or start over; a corrupt file is a notice."""

from __future__ import annotations

import json

import pytest

from bptutor.app.app import make_app
from bptutor.app.screens.dialogs import IntroScreen, ResumeDialog
from bptutor.app.screens.lesson import LessonScreen
from bptutor.core.lesson import load_lesson
from bptutor.core.progress import ProgressStore


async def answer_two_then_quit(bp2_lesson, helpers, size=(80, 24)) -> str:
    """Open the lesson, answer two steps, quit with ctrl+q; the id of the step left open."""
    app = make_app(bp2_lesson)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # past the introduction
        for _ in range(2):
            await helpers.type_answer(pilot, helpers.value(app))
        await pilot.press("f2")  # one hint on the third step, saved too
        await pilot.pause()
        left_at = app.screen.session.current.id
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    return left_at


def record_notices(app) -> list[str]:
    """Every notification the app shows, as text, in order."""
    notices: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (notices.append(str(message)), notify(message, **kw))[1]
    return notices


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_quit_reopen_and_resume_on_the_same_step(bp2_lesson, home, helpers, size):
    left_at = await answer_two_then_quit(bp2_lesson, helpers, size)
    app = make_app(bp2_lesson)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ResumeDialog)
        assert "2 of 11" in helpers.text(app)
        await pilot.press("enter")  # the Resume button has focus
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen.session.current.id == left_at
        assert screen.session.done_count() == 2
        assert screen.session.record.hints == 1
        assert "Hint 1 ·" in helpers.text(app)


async def test_reopen_and_start_over(bp2_lesson, home, helpers):
    await answer_two_then_quit(bp2_lesson, helpers)
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("s")  # start over: the introduction again, then step 1
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.position == 0 and app.screen.session.done_count() == 0


async def test_picker_shows_saved_progress(bp2_lesson, home, helpers):
    await answer_two_then_quit(bp2_lesson, helpers)
    app = make_app(bp2_lesson.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "2/11 done" in helpers.text(app)


async def test_corrupt_progress_is_a_notice_not_a_crash(bp2_lesson, store, helpers):
    lesson, _ = load_lesson(bp2_lesson)
    assert store.folder == ProgressStore().folder  # the app's default store, under BPTUTOR_HOME
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path_for(lesson.content_hash).write_text("{not json", encoding="utf-8")
    app = make_app(bp2_lesson)
    notices = record_notices(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)  # nothing to resume
        assert any("unreadable" in m for m in notices), notices
        await pilot.press("enter")
        await helpers.type_answer(pilot, helpers.value(app))
    saved = json.loads(store.path_for(lesson.content_hash).read_text(encoding="utf-8"))
    assert saved["done"] == 1


async def test_a_bad_value_in_progress_is_a_notice_not_a_crash(bp2_lesson, store, helpers):
    """Valid JSON with an unknown outcome used to reach the ledger and raise KeyError there."""
    await answer_two_then_quit(bp2_lesson, helpers)
    lesson, _ = load_lesson(bp2_lesson)
    path = store.path_for(lesson.content_hash)
    data = json.loads(path.read_text(encoding="utf-8"))
    first = next(iter(data["records"]))
    data["records"][first]["outcome"] = "bogus"
    path.write_text(json.dumps(data), encoding="utf-8")
    app = make_app(bp2_lesson)
    notices = record_notices(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)  # moved aside: nothing to resume
        assert any("unreadable" in m for m in notices), notices
    assert any(p.name.startswith(f"{lesson.content_hash}.corrupt-") for p in store.folder.iterdir())


@pytest.mark.parametrize(
    "old, new, kept",
    [
        # a reworded summary changes no value: both answers carry over
        ("summary: |", "summary: |\n  (Reworded.)", 2),
        # y1 moves: dC/da3_1 = a3_1 - y1 changes and is dropped; sigma'(z3_1) does not and is kept
        ("y: [0.01, 0.99]", "y: [0.2, 0.99]", 1),
    ],
    ids=["wording", "numbers"],
)
async def test_editing_a_lesson_keeps_the_answers_still_right(bp2_lesson, tmp_path, home, helpers, old, new, kept):
    lesson = tmp_path / "mine.yaml"
    lesson.write_text(bp2_lesson.read_text(encoding="utf-8"), encoding="utf-8")
    await answer_two_then_quit(lesson, helpers)
    text = lesson.read_text(encoding="utf-8")
    assert old in text
    lesson.write_text(text.replace(old, new, 1), encoding="utf-8")  # the author edits: a new hash
    app = make_app(lesson)
    notices = record_notices(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDialog)
        assert f"{kept} of 11" in helpers.text(app)
        assert any("changed since you last worked on it" in n for n in notices), notices
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.done_count() == kept
