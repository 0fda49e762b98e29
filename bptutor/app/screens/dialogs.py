"""Small modal screens: resume or start over, the lesson's introduction, one step worked in
full (from the ledger), and the errors of a lesson that cannot be opened."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Markdown, Static

from bptutor.core.notation import fmt
from bptutor.core.session import OUTCOME_WORDS, StepRecord
from bptutor.core.steps import Step

from .base import TutorModal


class ResumeDialog(TutorModal[bool]):
    """Saved progress was found: resume it (True) or start over (False). For a lesson already
    finished, resuming is seeing its summary."""

    BINDINGS = [
        Binding("r", "choose(True)", "Resume"),
        Binding("s", "choose(False)", "Start over"),
        Binding("escape", "choose(True)", "Resume", show=False),
    ]

    def __init__(self, data: dict, finished: bool = False) -> None:
        super().__init__()
        self.data = data
        self.finished = finished

    def compose_body(self) -> ComposeResult:
        done, total = self.data.get("done", 0), self.data.get("total", 0)
        with Vertical(classes="dialog"):
            if self.finished:
                yield Static("Lesson finished", classes="dialog-title", markup=False)
                yield Static(f"You have done all {total} steps of this lesson.", markup=False)
            else:
                yield Static("Saved progress found", classes="dialog-title", markup=False)
                yield Static(f"You have done {done} of {total} steps of this lesson.", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("See the summary" if self.finished else "Resume", id="resume", variant="primary")
                yield Button("Start over", id="start-over")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "resume")

    def action_choose(self, resume: bool) -> None:
        self.dismiss(resume)


class IntroScreen(TutorModal[None]):
    """The lesson's summary, shown before the first step."""

    BINDINGS = [Binding("enter,escape,space", "close", "Begin")]

    def __init__(self, title: str, summary: str) -> None:
        super().__init__()
        self.lesson_title = title
        self.summary = summary

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.lesson_title, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Markdown(self.summary)
            yield Static("Press Enter to begin.", classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class StepDetailScreen(TutorModal[None]):
    """One finished step worked in full, opened from the ledger."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, step: Step, record: StepRecord | None, digits: int) -> None:
        super().__init__()
        self.step = step
        self.record = record
        self.digits = digits

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.step.label, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(detail_text(self.step, self.record, self.digits), markup=False)
            yield Static("Escape closes.", classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def detail_text(step: Step, record: StepRecord | None, digits: int) -> Content:
    parts: list = [
        (step.question, "bold"),
        ("\n\nEquation: ", "$text-muted"),
        step.equation,
        ("\nIn general:   ", "$text-muted"),
        step.general,
        ("\nThis step:    ", "$text-muted"),
        step.indexed,
        ("\nWith numbers: ", "$text-muted"),
        step.substituted,
        ("\nValue:        ", "$text-muted"),
        (f"{step.label} = {fmt(step.value, digits)}", "$accent bold"),
        ("  (full precision ", "$text-muted"),
        (repr(step.value), "$text-muted"),
        (")", "$text-muted"),
    ]
    if not step.asked:
        parts.append(("\n\nShown worked: this lesson does not ask you to type it.", "$text-muted"))
    elif record is not None:
        how = OUTCOME_WORDS.get(record.outcome or "", "not finished")
        parts.append(("\n\nYou: ", "$text-muted"))
        parts.append(how)
        if record.attempts:
            parts.append(("\nYou typed: ", "$text-muted"))
            parts.append("   ".join(record.attempts[-6:]))
        if record.hints:
            parts.append(("\nHints used: ", "$text-muted"))
            parts.append(str(record.hints))
    if step.note:
        parts.append(("\n\nNote: ", "$warning"))
        parts.append((step.note, "italic"))
    return Content.assemble(*parts)


class LessonErrorsScreen(TutorModal[None]):
    """Why a lesson cannot be opened: each problem as FILE:LINE:COL: message."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, name: str, errors: list[str]) -> None:
        super().__init__()
        self.name_ = name
        self.errors = errors

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="dialog wide errors"):
            yield Static(f"{self.name_} cannot be opened", classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static("\n".join(self.errors), classes="error-list", markup=False)
            yield Static("Fix the file and reopen bptutor. Escape closes.", classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
