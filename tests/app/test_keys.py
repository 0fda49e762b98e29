"""Help (F1), the command palette (ctrl+p) and the lesson's commands, next unsolved (ctrl+n)."""

from __future__ import annotations

from textual.command import CommandPalette

from bptutor.app.app import make_app
from bptutor.app.screens.help import KEYS, HelpScreen
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.screens.worked import WorkedSolutionScreen
from bptutor.app.widgets.answer_box import AnswerBox


async def run_command(pilot, name: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*name)
    await pilot.pause(0.3)  # the palette searches in a worker
    await pilot.press("enter")
    await pilot.pause()


async def test_f1_lists_every_key_while_typing(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await helpers.open_lesson(pilot)
        await pilot.press("0", ".", "5")  # F1 works with the answer box focused
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = helpers.text(app)
        for key in ("F2", "F3", "F4", "ctrl+n", "ctrl+p", "ctrl+q"):
            assert key in text
        assert len([k for k, _ in KEYS if k]) >= 10
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one(AnswerBox).value == "0.5"


async def test_palette_restart_lesson(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await helpers.open_lesson(pilot)
        for _ in range(2):
            await helpers.type_answer(pilot, helpers.value(app))
        assert screen.session.position == 2
        await run_command(pilot, "Restart lesson")
        assert app.screen is screen
        assert screen.session.position == 0 and screen.session.done_count() == 0
        assert "restarted" in helpers.text(app)
        assert "Step 1 of 11" in helpers.text(app)
        assert screen.query_one(AnswerBox).has_focus


async def test_palette_worked_solution(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        await helpers.open_lesson(pilot)
        await run_command(pilot, "worked solution")
        assert isinstance(app.screen, WorkedSolutionScreen)
        text = helpers.text(app)
        assert "z²₁ = 0.3775" in text and "(67 steps)" in text
        await pilot.press("end")
        await pilot.pause()
        assert "C′" in helpers.text(app)  # the last step: the cost after the update
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_ctrl_n_returns_to_the_next_unsolved_step(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await helpers.open_lesson(pilot)
        await helpers.type_answer(pilot, helpers.value(app))
        await pilot.press("f4")  # into the ledger
        await pilot.pause()
        assert not screen.query_one(AnswerBox).has_focus
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.query_one(AnswerBox).has_focus
        assert screen.session.position == 1
        assert "next unsolved" in helpers.text(app)
