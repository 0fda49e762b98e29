"""What the screen says about an answer and about where the learner is: the parser's notes
(once, whatever the verdict), and the sample of a mini-batch lesson."""

from __future__ import annotations

from pathlib import Path

import pytest

from bptutor.app.app import make_app
from bptutor.app.widgets.feedback import FeedbackLine
from bptutor.app.widgets.ledger import Ledger
from bptutor.app.widgets.step_panel import StepPanel

MINI_BATCH = Path(__file__).resolve().parent.parent.parent / "lessons" / "07-mini-batch.yaml"
POWER_NOTE = "^ read as power (same as **)"




@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        ("right", lambda v: f"({v!r})^1"),
        ("close", lambda v: f"({v * 1.02!r})^1"),
        ("wrong", lambda v: "0.3^1"),
        ("wrong", lambda v: f"({2 * v!r})^1"),  # the factor-2 slip, named
    ],
)
async def test_parser_notes_are_shown_once_for_every_verdict(bp2_lesson, home, helpers, kind, typed):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await helpers.open_lesson(pilot)
        value = screen.session.current.value
        await helpers.type_answer(pilot, typed(value))
        feedback = screen.query_one(FeedbackLine)
        assert f"-{kind}" in feedback.classes
        flat = " ".join(helpers.text(app).split())
        assert flat.count(POWER_NOTE) == 1, flat
        assert str(feedback.render()).count(POWER_NOTE) == 1
        assert feedback.region.height <= 3 and screen.region.contains_region(feedback.region)


async def test_unreadable_answer_has_no_notes(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await helpers.open_lesson(pilot)
        await helpers.type_answer(pilot, "2^^")
        assert "-not_understood" in screen.query_one(FeedbackLine).classes
        assert "read as" not in helpers.text(app)


async def test_mini_batch_says_which_sample(home, helpers):
    app = make_app(MINI_BATCH)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await helpers.open_lesson(pilot)
        session = screen.session
        assert "sample 1 of 3" in str(screen.query_one(StepPanel).render())
        while session.current.sample != 2:
            await helpers.type_answer(pilot, helpers.value(app))
        text = helpers.text(app)
        assert "sample 2 of 3" in text
        assert "x, z, a, δ, y = (0) of sample 2 of 3" in text  # the network says whose values it shows
        ledger = screen.query_one(Ledger)
        region = ledger.content_region
        rows = [line[region.x : region.right] for line in text.splitlines()[region.y : region.bottom]]
        assert rows[0].split()[:2] == ["sample", "step"]
        assert any(row.startswith(" #1 ") for row in rows) and any(row.startswith(" #2 ") for row in rows)
        while session.current.sample is not None:  # on to the batch steps
            await helpers.type_answer(pilot, helpers.value(app))
        text = helpers.text(app)
        assert "whole batch of 3" in text and "this step uses every sample" in text


async def test_one_sample_lessons_have_no_sample_column(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await helpers.open_lesson(pilot)
        await helpers.type_answer(pilot, helpers.value(app))
        text = helpers.text(app)
        assert "sample" not in text and " #1 " not in text
        assert "-samples" not in screen.query_one(Ledger).classes
