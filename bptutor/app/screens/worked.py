"""Every step of the lesson worked out (from the command palette)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from bptutor.core.steps import StepList

from ..widgets.worked_list import WorkedList
from .base import TutorScreen


class WorkedSolutionScreen(TutorScreen):
    BINDINGS = [Binding("escape,q", "close", "Back to lesson")]

    def __init__(self, steps: StepList, title: str) -> None:
        super().__init__()
        self.steps = steps
        self.lesson_title = title

    def compose_body(self) -> ComposeResult:
        counts = f"{len(self.steps)} steps, {len(self.steps.asked)} of them typed in the lesson"
        yield Static(f"Worked solution: {self.lesson_title}  ({counts})", id="worked-title", markup=False)
        yield WorkedList(self.steps, id="worked")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(WorkedList).focus()

    def action_close(self) -> None:
        self.dismiss(None)
