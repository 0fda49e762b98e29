"""A classic slip typed in the app is named on screen, not just marked wrong (case C01)."""

from __future__ import annotations

from pathlib import Path

from bptutor.app.app import make_app
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.widgets.feedback import FeedbackLine

C01 = Path(__file__).resolve().parent.parent / "data" / "cases" / "C01.yaml"


async def test_transposed_weight_answer_shows_its_diagnosis(tmp_path, home, helpers):
    lesson = tmp_path / "c01-bp4.yaml"
    lesson.write_text(C01.read_text() + "ask: [{kind: grad_w, layer: 3, neuron: 1, from: 2}]\n", encoding="utf-8")
    app = make_app(lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen.session.current.id == "s1.grad_w.l3.j1.k2"
        # a2_1 * delta3_2 = 0.0831445 is dC/dw3_21: the learner read w3_12 as "from 1 to 2"
        await helpers.type_answer(pilot, "0.0831445")
        assert screen.session.current.id == "s1.grad_w.l3.j1.k2"  # still on the step
        assert "-wrong" in screen.query_one(FeedbackLine).classes
        text = helpers.text(app)
        assert "You used w_kj" in text and "j is the neuron in layer 3" in text
        assert screen.session.records["s1.grad_w.l3.j1.k2"].diagnoses == ["transposed_w"]
        # the right value (a2_2 * delta3_1) is then accepted
        await helpers.type_answer(pilot, "-0.0648849")
        assert screen.session.finished
