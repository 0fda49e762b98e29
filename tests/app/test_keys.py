"""Help (F1), the command palette (ctrl+p) and the lesson's commands, next unsolved (ctrl+n)."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Static

from bptutor.app.app import make_app
from bptutor.app.screens.help import HelpScreen
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


# how the help page spells a key (other keys: the binding's name, in any case)
SPELLED = {"↑": "up", "↓": "down", "pgup": "pageup", "pgdn": "pagedown"}


def lesson_keys(screen: LessonScreen) -> dict[str, str]:
    """The keys that do something on the lesson screen now (its own, the focused widget's
    and the app's), key -> action. Left out: bindings bptutor inherits unchanged from
    Textual (the answer box's text editing, tab focus cycling, copy), except ctrl+p, the
    command palette, which is part of the app."""
    keys = {}
    for key, active in screen.active_bindings.items():
        declared = any(
            active.binding in vars(cls).get("BINDINGS", ())
            for cls in type(active.node).__mro__
            if cls.__module__.startswith("bptutor.")
        )
        if declared or active.binding.action == "command_palette":
            keys[key] = active.binding.action
    return keys


def help_keys(help_screen: HelpScreen) -> dict[str, set[str]]:
    """The help page's key column, read from its table: section -> key names."""
    table = help_screen.query_one(".dialog-body Static", Static).content
    sections: dict[str, set[str]] = {}
    section = ""
    for key, does in zip(table.columns[0].cells, table.columns[1].cells):
        key = str(key)
        if key and not str(does):
            section = key.removeprefix("[u]").removesuffix("[/u]")
            continue
        names = (SPELLED.get(name, name) for name in key.lower().replace("/", " ").split())
        sections.setdefault(section, set()).update(names)
    return sections


async def test_f1_lists_every_key_while_typing(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await helpers.open_lesson(pilot)
        active = lesson_keys(screen)  # typing in the answer box
        await pilot.press("f4")  # reviewing the ledger: its own keys
        await pilot.pause()
        active |= lesson_keys(screen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("0", ".", "5")  # F1 works with the answer box focused
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = helpers.text(app)
        for key in ("F2", "F3", "F4", "ctrl+n", "ctrl+p", "ctrl+q"):
            assert key in text
        listed = help_keys(app.screen)
        documented = listed["Lesson"] | listed["Anywhere"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one(AnswerBox).value == "0.5"
        # and once every step is done, F5 (the summary) is live instead of F2 and F3
        for _ in range(screen.session.total):
            screen.session.reveal()
        screen.sync()
        finished = lesson_keys(screen)
        assert "f5" in finished and "f2" not in finished
        active |= finished
        assert {"f1", "f2", "f3", "f4", "f5", "ctrl+n", "ctrl+p", "ctrl+q", "escape", "enter", "up"} <= set(active)
        missing = {key: action for key, action in active.items() if key not in documented}
        assert not missing, f"live on the lesson screen, not on the help page: {missing}"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_palette_restart_lesson(bp2_lesson, home, helpers, size):
    app = make_app(bp2_lesson)
    async with app.run_test(size=size) as pilot:
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
        assert "z²₁ = 0.3775" in text and "(67 steps, 11 of them typed in the lesson)" in text
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
