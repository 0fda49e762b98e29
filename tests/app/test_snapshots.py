"""Three SVG snapshots (pytest-textual-snapshot): the picker, a lesson mid-way, the summary.

Deterministic: a fresh BPTUTOR_HOME, relative lesson paths (the test runs in tmp_path),
a fixed terminal size, a fixed sequence of keys, and no cursor blink.
Regenerate after a deliberate UI change with `pytest tests/app --snapshot-update`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bptutor.app.app import make_app
from bptutor.app.widgets.answer_box import AnswerBox

BAD = "title: broken\nnetwork:\n  sizes: [2, oops]\n"


@pytest.fixture
def lesson_folder(tmp_path, home, bp2_lesson, monkeypatch) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(bp2_lesson, folder / "a-bp2.yaml")
    (folder / "b-bad.yaml").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return Path("lessons")


async def no_blink(pilot) -> None:
    for box in pilot.app.screen.query(AnswerBox):
        box.cursor_blink = False
    await pilot.pause()


def test_snapshot_picker(lesson_folder, snap_compare):
    assert snap_compare(make_app(lesson_folder), press=["down"], terminal_size=(80, 24))


def test_snapshot_lesson_midway(lesson_folder, snap_compare, helpers):
    async def run_before(pilot) -> None:
        await pilot.press("enter")  # past the introduction
        for _ in range(6):
            await helpers.type_answer(pilot, helpers.value(pilot.app))
        await helpers.type_answer(pilot, "0.3")  # wrong
        await pilot.press("f2")  # first hint
        await no_blink(pilot)

    assert snap_compare(make_app(lesson_folder / "a-bp2.yaml"), terminal_size=(100, 30), run_before=run_before)


def test_snapshot_summary(lesson_folder, snap_compare, helpers):
    async def run_before(pilot) -> None:
        await pilot.press("enter")
        for n in range(11):
            if n == 0:  # the classic slip: the 2 of the square kept, then right
                step = pilot.app.screen.session.current
                await helpers.type_answer(pilot, repr(2 * step.value))
                await helpers.type_answer(pilot, helpers.value(pilot.app))
            elif n in (4, 9):
                await pilot.press("f3")  # revealed
            elif n == 7:
                await helpers.type_answer(pilot, "1")  # wrong once, then right: a retry
                await helpers.type_answer(pilot, helpers.value(pilot.app))
            else:
                await helpers.type_answer(pilot, helpers.value(pilot.app))
        await pilot.pause()

    assert snap_compare(make_app(lesson_folder / "a-bp2.yaml"), terminal_size=(80, 34), run_before=run_before)
