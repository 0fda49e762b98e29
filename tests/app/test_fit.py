"""Everything fits the terminal: dialogs scroll, the ledger follows the learner, the network
keeps the step's layers in view, and header and footer stay readable (80x24 and 100x30)."""

from __future__ import annotations

from pathlib import Path

from bptutor.app.app import make_app
from bptutor.app.screens.help import KEYS, HelpScreen
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.widgets.ledger import Ledger
from bptutor.app.widgets.network_view import NetworkView
from bptutor.core.progress import ProgressStore

LESSONS = Path(__file__).resolve().parent.parent.parent / "lessons"
FOUR_LAYERS = LESSONS / "05-bp2-recursion.yaml"
MINI_BATCH = LESSONS / "07-mini-batch.yaml"




def ledger_text(screen: LessonScreen, text: str) -> list[str]:
    """The screen's text inside the ledger's region, header first."""
    region = screen.query_one(Ledger).content_region
    return [line[region.x : region.right] for line in text.splitlines()[region.y : region.bottom]]


def newest_label(screen: LessonScreen) -> str:
    session = screen.session
    return session.ledger(session.current_index - 1, session.current_index)[0][0].label


def shows_row(rows: list[str], label: str) -> bool:
    return any(f" {label} " in row for row in rows[1:])


async def test_help_scrolls_to_its_last_line_at_80x24(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await helpers.open_lesson(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = helpers.text(app)
        assert "Escape closes." in text  # the hint is always on screen
        assert "Answers" not in text  # the table is longer than the screen...
        dialog = app.screen.query_one("#help")
        assert app.screen.region.contains_region(dialog.region)
        await pilot.press("end")  # ...and scrolls
        await pilot.pause()
        flat = " ".join(helpers.text(app).split())
        assert "Answers" in flat
        assert KEYS[-1][1].split()[-1] in flat  # the last line of the table
        assert "Escape closes." in flat
        await pilot.press("home", "pagedown")
        await pilot.pause()
        assert "Answers" not in helpers.text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_ledger_follows_the_newest_row_after_a_review_at_100x30(home, helpers):
    app = make_app(FOUR_LAYERS)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await helpers.open_lesson(pilot)
        for n in range(6):
            await helpers.type_answer(pilot, helpers.value(app))
            assert shows_row(ledger_text(screen, helpers.text(app)), newest_label(screen)), n
        await pilot.press("f4", "home", "f4")  # review the first rows, then back to the answer box
        await pilot.pause()
        assert not shows_row(ledger_text(screen, helpers.text(app)), newest_label(screen))
        for n in range(2):
            await helpers.type_answer(pilot, helpers.value(app))
            assert shows_row(ledger_text(screen, helpers.text(app)), newest_label(screen)), n
        # while reviewing (the ledger has focus, away from the end) it stays where the learner is
        await pilot.press("f4", "home")
        await pilot.pause()
        ledger = screen.query_one(Ledger)
        screen.sync()
        await pilot.pause()
        assert ledger.cursor == 0 and ledger.scroll_offset.y == 0


async def test_80x24_shows_the_last_ledger_rows_below_the_network(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await helpers.open_lesson(pilot)
        for _ in range(4):
            await helpers.type_answer(pilot, helpers.value(app))
        text = helpers.text(app)
        assert "layer 3" in text and "z²" in text  # the network
        ledger = screen.query_one(Ledger)
        assert ledger.content_region.height >= 4  # its header and at least three rows
        rows = ledger_text(screen, text)
        assert "value" in rows[0]
        assert shows_row(rows, newest_label(screen))
        assert screen.query_one(NetworkView).region.bottom <= ledger.region.y
        # F4 reviews it in place; Escape goes back to the answer box
        await pilot.press("f4", "up")
        await pilot.pause()
        assert ledger.has_focus and "layer 3" in helpers.text(app)


async def test_four_layers_keep_the_asked_layer_in_view(home, helpers):
    for n, size in enumerate(((80, 24), (100, 30), (60, 20))):
        app = make_app(FOUR_LAYERS, store=ProgressStore(home / f"progress-{n}"))
        async with app.run_test(size=size) as pilot:
            screen = await helpers.open_lesson(pilot)
            assert screen.session.current.label == "δ⁴₁"
            text = helpers.text(app)
            assert "δ⁴" in text and "?" in text, size  # the output layer's δ column, asked for
            view = screen.query_one(NetworkView)
            if size[0] >= 80:  # all four layers, narrow columns
                assert "L1" in text and "L4" in text, size
                assert view.region.right <= size[0]
            # walk to a step of layer 2: its δ column comes into view
            while screen.session.current.layer != 2:
                await helpers.type_answer(pilot, helpers.value(app))
            assert "δ²" in helpers.text(app), size


async def test_header_keeps_the_count_when_the_title_is_long(home, helpers):
    for lesson, total in ((FOUR_LAYERS, 12), (MINI_BATCH, 16)):
        app = make_app(lesson)
        async with app.run_test(size=(80, 24)) as pilot:
            await helpers.open_lesson(pilot)
            first = helpers.text(app).splitlines()[0]
            assert f"0 of {total} done" in first, first


async def test_footer_stays_readable_with_the_ledger_focused(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await helpers.open_lesson(pilot)
        await helpers.type_answer(pilot, helpers.value(app))
        await pilot.press("f4")
        await pilot.pause()
        assert screen.query_one(Ledger).has_focus
        footer = helpers.text(app).splitlines()[-1]
        for key in ("Open", "f2 Hint", "f4 Ledger", "f1 Help", "^p palette"):
            assert key in footer, footer
