"""Every bundled lesson is completed in the app by typing the core's values, key by key."""

from __future__ import annotations

import re

import pytest

from bptutor.app.app import make_app
from bptutor.app.screens.dialogs import IntroScreen
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.screens.summary import SummaryScreen
from bptutor.app.widgets.network_view import DENSE, NetworkView, render_network
from bptutor.core.locations import bundled_lessons_dir

LESSONS = sorted(bundled_lessons_dir().glob("*.yaml"))
NEURON = re.compile(r"([●○])(\d+)")  # a neuron's row: ● when the step uses it, ○ when not
TITLE = re.compile(r"(?:layer |L)(\d+) ")  # a layer's title: "layer 2 · sigmoid", narrow "L2 sigmoid"


def layer_rows(drawing: str, layer: int) -> list[str]:
    """The drawing's lines cut to one layer's column (from its title to the next layer's)."""
    lines = drawing.splitlines()
    starts = {int(m[1]): m.start() for m in TITLE.finditer(lines[0])}
    assert layer in starts, lines[0]
    end = min((x for x in starts.values() if x > starts[layer]), default=None)
    return [line[starts[layer] : end] for line in lines]


def check_network_view(screen, step) -> None:
    """The network view draws what render_network gives for this step, and in the step's layer
    every neuron is drawn, the step's own neuron highlighted and, for a z, a or δ, marked ?."""
    session = screen.session
    view = screen.query_one(NetworkView)
    drawing = str(view.render())
    assert drawing == str(render_network(session, step, view._fitted_to))
    net = session.steps.solution.problem.network
    layer = step.layer or net.L  # a cost step has no layer: it is read off the output layer
    n = net.sizes[layer - 1]
    assert n <= DENSE  # a bundled lesson draws every neuron (no windows)
    rows = layer_rows(drawing, layer)
    drawn = {int(j): (mark, row) for row in rows for mark, j in NEURON.findall(row)}
    assert set(drawn) == set(range(1, n + 1)), (step.id, rows)
    if step.neuron is not None:
        mark, row = drawn[step.neuron]
        assert mark == "●", (step.id, rows)
        if step.kind in ("z", "a", "delta"):
            assert "?" in row, (step.id, rows)  # the value being asked for
    else:
        assert all(mark == "●" for mark, _ in drawn.values()), (step.id, rows)  # the whole layer


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
async def test_lesson_is_completed_by_typing_the_core_values(path, home, helpers):
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        if isinstance(app.screen, IntroScreen):
            await pilot.press("enter")
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen), helpers.text(app)
        session = screen.session
        # every asked step typed as a learner would; the network view draws each one
        while session.current is not None:
            step = session.current
            check_network_view(screen, step)
            await helpers.type_answer(pilot, helpers.value(app))
            assert session.current is None or session.current.id != step.id, f"{step.id} not accepted"
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = helpers.text(app)
        assert "Lesson complete" in text
        assert "\ufe0f" not in text
        summary = session.summary()
        assert summary.outcomes["first_try"] == session.total
        assert summary.outcomes["revealed"] == 0
