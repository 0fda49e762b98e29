"""The lesson picker: bundled and user lessons, progress, and invalid lessons shown as errors."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import OptionList, Static

from bptutor.app.app import make_app
from bptutor.app.screens.dialogs import IntroScreen, LessonErrorsScreen
from bptutor.app.screens.picker import PickerScreen
from bptutor.core.locations import user_lessons_dir

BAD = """title: broken
network:
  sizes: [2, oops]
"""


async def test_no_target_lists_bundled_and_user_lessons(bp2_lesson, home, helpers):
    user = user_lessons_dir()
    user.mkdir(parents=True)
    mine = user / "mine.yaml"
    shutil.copy(bp2_lesson, mine)
    mine.write_text(mine.read_text(encoding="utf-8").replace('title: "BP2:', 'title: "Mine:'), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickerScreen)
        titles = [e.title for e in screen.entries]
        assert "BP2: three neurons feeding two" in titles
        assert "Mine: three neurons feeding two" in titles
        text = helpers.text(app)
        assert "2-3-2, sigmoid, quadratic" in text
        assert "not started" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_invalid_lesson_shows_its_errors_in_the_picker(tmp_path, home, bp2_lesson, helpers, size):
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(bp2_lesson, folder / "a-good.yaml")
    bad = folder / "b-bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = helpers.text(app)
        assert "✗ b-bad.yaml" in text
        assert "cannot be opened: 5 errors" in text
        prompt = str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)
        assert f"{bad}:1:1: missing required key" in prompt  # its first error, in the list
        await pilot.press("down")
        await pilot.pause()
        assert screen_option(app) == 1
        detail = str(app.screen.query_one("#picker-detail", Static).render())
        assert f"{bad}:3:14: network.sizes[1]" in detail  # all of them under the list
        await pilot.press("enter")  # choosing it shows every error, never opens it
        await pilot.pause()
        assert isinstance(app.screen, LessonErrorsScreen)
        errors = error_list(app)
        assert f"{bad}:3:14: network.sizes[1]" in errors
        assert f"{bad}:1:1: missing required key" in errors
        await pilot.press("escape", "up", "enter")  # the good one still opens
        await pilot.pause()
        assert isinstance(app.screen, IntroScreen)


def screen_option(app) -> int | None:
    return app.screen.query_one(OptionList).highlighted


def error_list(app) -> str:
    """The text of the errors dialog (long paths wrap on screen, so read the widget)."""
    return str(app.screen.query_one(".error-list", Static).render())


async def test_invalid_lesson_opened_directly_shows_errors(tmp_path, home, helpers):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    app = make_app(bad)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonErrorsScreen)
        assert f"{bad}:3:14:" in error_list(app)


async def test_missing_lesson_file_is_an_error_entry(tmp_path, home, helpers):
    app = make_app(tmp_path / "nope.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonErrorsScreen)
        assert f"{tmp_path / 'nope.yaml'}:1:1: cannot read" in error_list(app)


async def test_back_to_the_lesson_list_from_a_lesson(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter")  # open the lesson, past the introduction
        await helpers.type_answer(pilot, helpers.value(app))
        app.screen.action_lessons()
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert "1/11 done" in helpers.text(app)


async def test_back_to_the_lesson_list_from_a_lesson_opened_directly(bp2_lesson, home):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.action_lessons()  # the palette's "Back to the lesson list"
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert any(e.path.name == bp2_lesson.name for e in app.screen.entries)
        assert len(app.screen_stack) == 2  # the lesson screen is gone, not hidden underneath
