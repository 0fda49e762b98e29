"""The end of a lesson: the summary's commands in the palette, and reopening a finished lesson."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

from bptutor.app.app import make_app
from bptutor.app.screens.dialogs import IntroScreen, ResumeDialog
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.screens.picker import PickerScreen
from bptutor.app.screens.summary import SummaryScreen
from bptutor.app.screens.worked import WorkedSolutionScreen


async def finish_by_revealing(pilot) -> LessonScreen:
    """Past the introduction, then F3 on every step: the summary opens."""
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    for _ in range(screen.session.total):
        await pilot.press("f3")
        await pilot.pause()
    assert isinstance(pilot.app.screen, SummaryScreen)
    return screen


async def palette(pilot, query: str) -> list[str]:
    """Open ctrl+p, type `query`; the commands it offers."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    await pilot.pause(0.3)  # the palette searches in a worker
    options = pilot.app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_summary_palette_offers_the_lesson_commands(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        lesson_screen = await finish_by_revealing(pilot)
        summary = app.screen
        offered = " ".join(await palette(pilot, "worked"))
        assert "Show worked solution" in offered
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkedSolutionScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is summary
        assert "Back to the lesson list" in " ".join(await palette(pilot, "lesson list"))
        await pilot.press("escape")
        await pilot.pause()
        assert "Restart lesson" in " ".join(await palette(pilot, "restart"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is lesson_screen
        assert lesson_screen.session.position == 0 and not lesson_screen.session.records
        assert "restarted" in helpers.text(app)


async def test_summary_palette_back_to_the_lesson_list(bp2_lesson, home):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        await finish_by_revealing(pilot)
        await palette(pilot, "lesson list")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_reopening_a_finished_lesson_offers_its_summary(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish_by_revealing(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDialog)
        text = helpers.text(app)
        assert "See the summary" in text and "Start over" in text
        assert "Resume" not in text
        assert "all 11 steps" in text
        assert "11 of 11 done" in text and "0 of 11 done" not in text  # behind the dialog: the saved state
        await pilot.press("enter")  # the first button has focus
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Lesson complete" in helpers.text(app)


async def test_reopening_a_finished_lesson_and_starting_over(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish_by_revealing(pilot)
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.position == 0 and app.screen.session.done_count() == 0
        assert "0 of 11 done" in helpers.text(app)


async def test_reopening_midway_shows_the_saved_count_behind_the_dialog(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(3):
            await helpers.type_answer(pilot, helpers.value(app))
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDialog)
        text = helpers.text(app)
        assert "Resume" in text and "3 of 11 steps" in text
        assert "3 of 11 done" in text and "0 of 11 done" not in text
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.position == 3
