"""A [784, 30, 10] lesson with every step asked: the screen must stay fast, because nothing
renders per weight or per step (network view, ledger and worked solution are windowed)."""

from __future__ import annotations

import pytest

from bptutor.app.app import make_app
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.widgets.ledger import Ledger
from bptutor.app.widgets.network_view import NetworkView, render_network
from bptutor.app.widgets.step_panel import prompt_text


@pytest.fixture
def big_lesson(tmp_path):
    xs = ", ".join(f"{(i % 17) / 17:.3f}" for i in range(784))
    y = ", ".join("1" if i == 3 else "0" for i in range(10))
    path = tmp_path / "mnist-like.yaml"
    path.write_text(
        "title: Big\n"
        "network:\n"
        "  sizes: [784, 30, 10]\n"
        "  activation: sigmoid\n"
        "  init: {seed: 1, scale: 0.1}\n"
        "cost: cross_entropy\n"
        f"samples:\n  - {{x: [{xs}], y: [{y}]}}\n"
        "learning_rate: 3.0\n",
        encoding="utf-8",
    )
    return path


async def test_big_lesson_stays_fast(big_lesson, home, helpers):
    app = make_app(big_lesson)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        session = screen.session
        assert len(session.steps) > 40_000
        # the first step is z²₁, a sum over 784 inputs: the prompt lists a few operands only
        assert "more)" in helpers.text(app)
        # Work per refresh is bounded by what is on screen, never by the network's size (speed
        # itself is measured in bench/app.py, not asserted here): count the steps made.
        built = []
        steps_type = type(session.steps)
        original_getitem = steps_type.__getitem__

        def counting_getitem(self, i):
            built.append(i)
            return original_getitem(self, i)

        steps_type.__getitem__ = counting_getitem
        try:
            screen.sync()
            step = session.current
            render_network(session, step)
            prompt_text(session, step)
            screen.query_one(Ledger).show(session)
        finally:
            steps_type.__getitem__ = original_getitem
        assert len(built) <= 50, len(built)
        # a dense layer shows a window of neurons, no edges
        text = str(render_network(session, session.current))
        assert "⋮" in text and "layer 1 · input (784)" in text
        assert "┼" not in text
        # jump far ahead (reveal is one call each) and check the ledger only fetches its window
        for _ in range(60):
            session.reveal()
        calls = []
        original = session.ledger

        def spy(start=0, stop=None):
            calls.append((start, stop))
            return original(start, stop)

        session.ledger = spy
        screen.sync()
        await pilot.press("f4", "end", "pageup", "home")
        await pilot.pause()
        assert screen.query_one(Ledger).has_focus
        assert calls and all(stop is not None and stop - start <= 40 for start, stop in calls)
        screen.query_one(NetworkView).show(session, session.current)
        assert len(str(render_network(session, session.current)).splitlines()) < 60  # a window, not 784 rows
