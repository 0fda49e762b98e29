"""Shared fixtures for the app tests: a private BPTUTOR_HOME, the bundled lessons, helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bptutor.core.locations import bundled_lessons_dir
from bptutor.core.progress import ProgressStore

ROOT = Path(__file__).resolve().parent.parent
BP2_LESSON = ROOT / "lessons" / "04-bp2-three-feed-two.yaml"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory: progress and user lessons never touch the real one."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("BPTUTOR_HOME", str(path))
    return path


@pytest.fixture
def store(home: Path) -> ProgressStore:
    return ProgressStore(home / "progress")


@pytest.fixture
def bp2_lesson() -> Path:
    assert BP2_LESSON.is_file()
    assert bundled_lessons_dir() == BP2_LESSON.parent
    return BP2_LESSON


def render_text(app) -> str:
    """The current screen as plain text, the way the SVG snapshot would draw it."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


@pytest.fixture
def screen_text():
    return render_text


async def type_answer(pilot, text: str) -> None:
    """Type `text` into the focused answer box key by key, then press Enter."""
    await pilot.press(*text, "enter")
    await pilot.pause()


def current_value_text(app, digits: int = 6) -> str:
    """The true value of the step being asked, as a learner would copy it (6 significant figures)."""
    from bptutor.core.notation import fmt

    step = app.screen.session.current
    assert step is not None, "no step is being asked"
    return fmt(step.value, digits)


async def open_lesson(pilot):
    """Wait for the lesson screen, step past its introduction, and return it."""
    from bptutor.app.screens.lesson import LessonScreen

    await pilot.pause()
    await pilot.press("enter")  # past the introduction
    await pilot.pause()
    assert isinstance(pilot.app.screen, LessonScreen)
    return pilot.app.screen


@pytest.fixture
def helpers():
    """type_answer / current_value_text / render_text / open_lesson, for tests that cannot import conftest."""
    from types import SimpleNamespace

    return SimpleNamespace(type_answer=type_answer, value=current_value_text, text=render_text, open_lesson=open_lesson)
