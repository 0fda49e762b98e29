"""Every bundled lesson is completed in the app by typing the core's values, key by key."""

from __future__ import annotations

import pytest

from bptutor.app.app import make_app
from bptutor.app.screens.dialogs import IntroScreen
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.screens.summary import SummaryScreen
from bptutor.app.widgets.network_view import render_network
from bptutor.core.locations import bundled_lessons_dir

LESSONS = sorted(bundled_lessons_dir().glob("*.yaml"))


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
            render_network(session, step)
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
