"""The end of a lesson: how each step went, by phase, what the update did to the cost, the
learner's recurring slips, and the lesson's closing words."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown, Static

from bptutor.core.mistakes import SLIP_TITLES
from bptutor.core.notation import fmt
from bptutor.core.session import AFTER_HINTS, AFTER_TRIES, FIRST_TRY, OUTCOME_WORDS, PHASES, REVEALED, Session, Summary

from .base import TutorScreen
from .palette import ScreenCommands
from .worked import WorkedSolutionScreen

ORDER = (FIRST_TRY, AFTER_TRIES, AFTER_HINTS, REVEALED)
SHORT = {FIRST_TRY: "first try", AFTER_TRIES: "retry", AFTER_HINTS: "hints", REVEALED: "revealed"}


def counts_text(summary: Summary) -> str:
    width = max(len(OUTCOME_WORDS[k]) for k in ORDER)
    return "\n".join(f"{OUTCOME_WORDS[k]:<{width}}  {summary.outcomes.get(k, 0):>3}" for k in ORDER)


def phase_table(summary: Summary) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("phase")
    for k in ORDER:
        table.add_column(SHORT[k], justify="right")
    for phase in PHASES:
        row = summary.by_phase.get(phase)
        if row:
            table.add_row(phase, *(str(row.get(k, 0)) for k in ORDER))
    return table


def cost_text(summary: Summary, digits: int) -> str:
    before = fmt(summary.cost_before, digits)
    if summary.cost_after is None:
        return f"Cost C = {before} (this lesson takes no gradient-descent step)."
    after, drop = fmt(summary.cost_after, digits), summary.cost_drop or 0.0
    step = f"one gradient-descent step with η = {fmt(summary.learning_rate or 0.0, digits)}"
    if drop > 0:
        return f"Cost before the update {before}, after it {after} ({step}): lowered by {fmt(drop, digits)}."
    return f"Cost before the update {before}, after it {after} ({step}): not lowered (by {fmt(drop, digits)}); the step was too big."


def slips_text(summary: Summary) -> str:
    if not summary.slips:
        return "No named slips."
    return "\n".join(f"• {SLIP_TITLES.get(slip, slip.replace('_', ' '))}  ×{count}" for slip, count in summary.slips[:8])


class SummaryCommands(ScreenCommands):
    """The summary's commands in the command palette (ctrl+p)."""

    COMMANDS = (
        ("Restart lesson", "choose('restart')", "Forget this lesson's progress and start from the first step"),
        ("Back to the lesson list", "choose('lessons')", "Progress is saved; you can come back"),
        ("Show worked solution", "worked_solution", "Every step worked out: equation, numbers, value"),
        ("Back to the lesson", "choose(None)", "The finished lesson, with its ledger"),
    )


class SummaryScreen(TutorScreen):
    """Dismisses with "restart", "lessons" or None (back to the finished lesson)."""

    COMMANDS = {SummaryCommands}
    BINDINGS = [
        Binding("r", "choose('restart')", "Restart"),
        Binding("l", "choose('lessons')", "Lesson list"),
        Binding("escape", "choose(None)", "Back to lesson"),
    ]

    def __init__(self, session: Session, lesson) -> None:
        super().__init__()
        self.session = session
        self.lesson = lesson

    def compose_body(self) -> ComposeResult:
        summary = self.session.summary()
        digits = self.session.digits
        with VerticalScroll(id="summary"):
            yield Static("Lesson complete", id="summary-title", markup=False)
            yield Static(self.lesson.title, classes="muted", markup=False)
            yield Static("How the steps went", classes="section", markup=False)
            yield Static(counts_text(summary), id="counts", markup=False)
            yield Static("By phase", classes="section", markup=False)
            yield Static(phase_table(summary), id="phases")
            yield Static("The update", classes="section", markup=False)
            yield Static(cost_text(summary, digits), id="cost", markup=False)
            yield Static("Slips noticed", classes="section", markup=False)
            yield Static(slips_text(summary), id="slips", markup=False)
            closing = getattr(self.lesson, "closing", None)
            if closing:
                yield Markdown(closing, id="closing")
        yield Footer()

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)

    def action_worked_solution(self) -> None:
        self.app.push_screen(WorkedSolutionScreen(self.session.steps, self.lesson.title))
