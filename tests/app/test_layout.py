"""Small terminals and symbol widths (CASES.md C17)."""

from __future__ import annotations

from textual.widget import Widget

from bptutor.app.app import make_app
from bptutor.app.symbols import ENLARGE
from bptutor.app.widgets.answer_box import AnswerBox
from bptutor.app.widgets.enlarge import EnlargeNotice
from bptutor.app.widgets.feedback import FeedbackLine
from bptutor.app.widgets.step_panel import StepPanel

VS16 = "\ufe0f"




def inside(widget: Widget, screen_region) -> bool:
    return widget.region.area > 0 and screen_region.contains_region(widget.region)


async def test_80x24_prompt_input_and_feedback_fully_visible(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await helpers.open_lesson(pilot)
        # walk to the step with the longest question (a BP2 term) and answer wrongly once
        while screen.session.current.kind != "bp2_term":
            await helpers.type_answer(pilot, helpers.value(app))
        await helpers.type_answer(pilot, "1")
        step = screen.session.current
        text = helpers.text(app)
        flat = " ".join(text.split())
        assert step.label in text
        assert step.question in flat  # every word of the question, wrapped but not cut
        assert "Not 1." in text
        box = screen.query_one(AnswerBox)
        assert box.has_focus
        region = screen.region
        for widget in (box, screen.query_one(FeedbackLine), screen.query_one(StepPanel)):
            assert inside(widget, region), widget
        panel = screen.query_one(StepPanel)
        assert panel.region.height >= panel.virtual_size.height  # not scrolled out of view


async def test_40x12_shows_the_enlarge_message_and_survives_resizing(bp2_lesson, home, helpers):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        flat = " ".join(helpers.text(app).split())
        assert ENLARGE in flat
        await pilot.press("enter")  # keys still work underneath: past the introduction
        await pilot.pause()
        assert ENLARGE in " ".join(helpers.text(app).split())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        text = helpers.text(app)
        assert "Please enlarge" not in text
        assert "Step 1 of 11" in text
        assert not app.screen.query_one(EnlargeNotice).display or not app.screen.query_one(EnlargeNotice).region.area
        await pilot.resize_terminal(59, 24)
        await pilot.pause()
        assert "Please enlarge" in helpers.text(app)


async def test_no_rendered_string_contains_vs16(bp2_lesson, home, helpers, tmp_path):
    app = make_app(bp2_lesson)
    async with app.run_test(size=(120, 40)) as pilot:
        seen = []
        seen.append(helpers.text(app))
        screen = await helpers.open_lesson(pilot)
        await helpers.type_answer(pilot, "2")
        await pilot.press("f2", "f2")
        await pilot.pause()
        seen.append(helpers.text(app))
        for _ in range(screen.session.total):
            if screen.session.current is None:
                break
            await pilot.press("f3")
            await pilot.pause()
        seen.append(helpers.text(app))  # the summary
        await pilot.press("f1")
        await pilot.pause()
        seen.append(helpers.text(app))
        for text in seen:
            assert VS16 not in text
        # and in every widget's own rendering, on every screen still in the stack
        for s in app.screen_stack:
            for widget in s.walk_children(with_self=False):
                assert VS16 not in str(widget.render()), widget
