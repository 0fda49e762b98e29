"""Working the bundled BP2 lesson through the app, key by key."""

from __future__ import annotations

import pytest

from bptutor.app.app import make_app
from bptutor.app.messages import LessonFinished
from bptutor.app.screens.dialogs import IntroScreen
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.screens.summary import SummaryScreen
from bptutor.app.widgets.answer_box import AnswerBox
from bptutor.app.widgets.feedback import FeedbackLine
from bptutor.app.widgets.ledger import Ledger, row_cells
from bptutor.app.widgets.step_panel import StepPanel
from bptutor.core.locations import bundled_lessons_dir
from bptutor.core.session import AFTER_HINTS, AFTER_TRIES, FIRST_TRY, REVEALED

# the required behaviours run at the smallest supported terminal and at a roomy one
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def start(pilot) -> LessonScreen:
    """Past the lesson's introduction, on the first step."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, IntroScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    return screen


def prompt_shows(app, helpers, text: str) -> bool:
    """Whether `text` is drawn in the part of the prompt (question and hints) on screen now.
    Long lines wrap, so whitespace is ignored; a line scrolled out of the prompt does not count."""
    region = app.screen.query_one("#prompt").scrollable_content_region
    lines = helpers.text(app).splitlines()[region.y : region.bottom]
    shown = "".join(line[region.x : region.right] for line in lines)
    return "".join(text.split()) in "".join(shown.split())


def prompt_lines(app, helpers) -> str:
    region = app.screen.query_one("#prompt").region
    return "\n".join(helpers.text(app).splitlines()[region.y : region.bottom])


async def climb_hint_ladder(pilot, helpers) -> None:
    """F2 three times on the current step: after each press the newest rung, title and text,
    is on screen in full (the prompt scrolls to it on a short terminal)."""
    app = pilot.app
    screen = app.screen
    step = screen.session.current
    for rung, expected in ((1, step.general), (2, step.indexed), (3, step.substituted)):
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()  # the prompt scrolls after the refresh that lays out the new rung
        hint = screen.session.hint_text(step, rung)
        assert hint.text == expected
        assert f"Hint {rung} of 3" in str(screen.query_one(FeedbackLine).render())
        rung_line = f"Hint {rung} · {hint.title}: {hint.text}"
        assert prompt_shows(app, helpers, rung_line), f"{step.label}, rung {rung} not on screen:\n{prompt_lines(app, helpers)}"
    assert screen.session.record.hints == 3


async def test_complete_bp2_lesson_typing_right_values(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        total = screen.session.total
        assert total == 11
        for n in range(total):
            assert f"Step {n + 1} of {total}" in str(screen.query_one(StepPanel).render())
            await helpers.type_answer(pilot, helpers.value(app))
            assert "-right" in screen.query_one(FeedbackLine).classes
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = helpers.text(app)
        assert "Lesson complete" in text
        assert "right first time      11" in text
        assert "revealed               0" in text
        assert "lowered by 0.02898" in text  # cost 0.3049 -> 0.2759 after the update
        assert "BP1" in text and "BP2" in text
        record = screen.session.records
        assert len(record) == 11 and all(r.outcome == FIRST_TRY for r in record.values())


@SIZES
async def test_wrong_value_keeps_the_step_and_shows_feedback(bp2_lesson, home, helpers, size):
    app = make_app(bp2_lesson)
    async with app.run_test(size=size) as pilot:
        screen = await start(pilot)
        first = screen.session.current
        await helpers.type_answer(pilot, "0.3")
        assert screen.session.current is not None and screen.session.current.id == first.id
        feedback = screen.query_one(FeedbackLine)
        assert "-wrong" in feedback.classes
        assert "Not 0.3" in helpers.text(app)
        # typing again replaces the selected wrong answer; a right one moves on, marked as a retry
        await helpers.type_answer(pilot, helpers.value(app))
        assert screen.session.records[first.id].outcome == AFTER_TRIES
        assert screen.session.current.id != first.id
        assert screen.query_one(AnswerBox).value == ""


async def test_unreadable_answer_is_not_understood(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        await helpers.type_answer(pilot, "0.3 +* ")
        assert "-not_understood" in screen.query_one(FeedbackLine).classes
        assert screen.session.position == 0


@SIZES
async def test_hint_ladder_then_reveal(bp2_lesson, home, helpers, size):
    app = make_app(bp2_lesson)
    async with app.run_test(size=size) as pilot:
        screen = await start(pilot)
        step = screen.session.current
        await climb_hint_ladder(pilot, helpers)
        assert "(F2 again reveals the answer)" in " ".join(helpers.text(app).split())
        await pilot.press("f2")  # past the last rung: revealed
        await pilot.pause()
        assert screen.session.records[step.id].outcome == REVEALED
        assert screen.session.position == 1
        assert "Revealed" in helpers.text(app)
        assert "Hint 1 ·" not in helpers.text(app)  # the next step starts without hints


LESSONS = bundled_lessons_dir()


@pytest.mark.parametrize(
    "lesson,labels",
    [
        # BP2's first step is climbed at 80x24 by test_hint_ladder_then_reveal above
        ("02-why-partial-derivatives.yaml", ["ΔC/Δw²₁₁", "ΔC/Δb³₁"]),  # both gradient checks: long question, note
        ("09-cross-entropy-cancellation.yaml", ["δ²₁"]),  # the longest rung 1 of all: it wraps to 3 lines
    ],
    ids=["02-grad-check", "09-delta"],
)
async def test_each_hint_rung_is_visible_at_80x24(lesson, labels, home, helpers):
    app = make_app(LESSONS / lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        session = screen.session
        for label in labels:
            assert label in [session.steps[int(i)].label for i in session.asked[session.position :]]
            while session.current.label != label:  # typed right, as a learner would
                await helpers.type_answer(pilot, helpers.value(app))
            await climb_hint_ladder(pilot, helpers)


async def test_right_after_hints_is_counted_with_hints(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        step = screen.session.current
        await pilot.press("f2")
        await helpers.type_answer(pilot, helpers.value(app))
        assert screen.session.records[step.id].outcome == AFTER_HINTS


@SIZES
async def test_reveal_marks_the_step_in_ledger_and_record(bp2_lesson, home, helpers, size):
    app = make_app(bp2_lesson)
    async with app.run_test(size=size) as pilot:
        screen = await start(pilot)
        step = screen.session.current
        index = screen.session.current_index
        await pilot.press("f3")
        await pilot.pause()
        assert screen.session.records[step.id].outcome == REVEALED
        # the ledger's row for that step says revealed, and the learner's column is empty
        cells, style = row_cells(*screen.session.ledger(index, index + 1)[0], screen.session.digits)
        assert "revealed" in cells[3] and cells[2] == "—" and style == "wrong"
        await pilot.press("f4")  # the ledger (at 80x24 it replaces the network view)
        await pilot.pause()
        ledger = screen.query_one(Ledger)
        assert ledger.has_focus and ledger.cursor == index
        text = helpers.text(app)
        assert "✗ revealed" in text and step.label in text
        await pilot.press("enter")  # the full worked step
        await pilot.pause()
        text = helpers.text(app)
        assert step.indexed in text and "revealed" in text
        await pilot.press("escape", "escape")  # close it, then back to the answer box
        await pilot.pause()
        assert app.screen is screen and screen.query_one(AnswerBox).has_focus
        assert screen.session.position == 1  # reviewing did not move the learner


async def test_ledger_review_keeps_the_place(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        for _ in range(3):
            await helpers.type_answer(pilot, helpers.value(app))
        current = screen.session.current.id
        await pilot.press("f4", "home", "down", "enter")
        await pilot.pause()
        first_two = screen.session.steps[1]
        assert first_two.indexed in helpers.text(app)  # a²₁, shown worked
        assert "Shown worked" in helpers.text(app)
        await pilot.press("escape", "f4")
        await pilot.pause()
        assert screen.session.current.id == current
        assert screen.query_one(AnswerBox).has_focus


async def test_answer_box_keeps_fractions_and_typing_in_the_ledger_returns_to_it(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        box = screen.query_one(AnswerBox)
        await pilot.press("1", "/", "4")
        assert box.value == "1/4"  # a plain text Input: type="number" would make it 14
        await pilot.press("f4", "2")
        await pilot.pause()
        assert box.has_focus and box.value == "1/42"


async def test_summary_counts_phases_cost_and_slips(bp2_lesson, home, helpers):
    """Drive the session directly (typing is tested above), then read the summary screen."""
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(pilot)
        session = screen.session
        for n in range(session.total):
            step = session.current
            if n in (0, 3):  # the same slip twice: the 2 of the square kept
                assert session.submit(repr(2 * step.value)).diagnosis == "factor_2"
            if n == 5:
                session.hint()
            if n == 6:
                session.reveal()
                continue
            assert session.submit(repr(step.value)).right
        screen.post_message(LessonFinished())
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = helpers.text(app)
        assert "right first time       7" in text
        assert "right after a retry    2" in text
        assert "right with hints       1" in text
        assert "revealed               1" in text
        assert "factor 2 kept (the ½ of the quadratic cost ignored)  ×2" in text
        flat = " ".join(text.split())  # the line may wrap
        assert "Cost before the update 0.3049, after it 0.2759 (one gradient-descent step with η = 0.5): lowered by 0.02898." in flat
        assert "You have just run the chain rule through a fork" in text  # the lesson's closing
        await pilot.press("r")  # restart from the summary
        await pilot.pause()
        assert app.screen is screen and session.position == 0 and not session.records
