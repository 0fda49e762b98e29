"""The lesson screen: one learner working one lesson, step by step.

The Session is the only state. Every key becomes a session call; the screen then posts a
message saying what happened, and its handlers re-render the widgets from the session.
"""

from __future__ import annotations

from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Static

from bptutor.core.notation import fmt
from bptutor.core.progress import Loaded, ProgressStore
from bptutor.core.session import Session, start_session

from ..messages import (
    AnswerChecked,
    AnswerSubmitted,
    HintShown,
    LedgerStepChosen,
    LessonFinished,
    LessonRestarted,
    PositionChanged,
    StepCompleted,
    StepRevealed,
)
from ..widgets.answer_box import AnswerBox
from ..widgets.feedback import FeedbackLine
from ..widgets.ledger import Ledger
from ..widgets.network_view import NetworkPane, NetworkView
from ..widgets.step_panel import HintPanel, StepPanel
from .base import TutorScreen
from .dialogs import IntroScreen, ResumeDialog, StepDetailScreen
from .palette import ScreenCommands
from .summary import SummaryScreen
from .worked import WorkedSolutionScreen


class LessonCommands(ScreenCommands):
    """The lesson's commands in the command palette (ctrl+p)."""

    COMMANDS = (
        ("Restart lesson", "restart", "Forget this lesson's progress and start from the first step"),
        ("Jump to next unsolved step", "next_unsolved", "Go to the first step you have not finished"),
        ("Show worked solution", "worked_solution", "Every step worked out: equation, numbers, value"),
        ("Show summary", "summary", "The lesson's summary (when every step is done)"),
        ("Back to the lesson list", "lessons", "Progress is saved; you can come back"),
    )


MIN_LEDGER_ROWS = 3  # below the network, the ledger shows at least this many rows or none


class TopRow(Horizontal):
    """The network and the ledger. On a screen neither wide nor tall, when the network leaves
    room for a few rows below it, the ledger's last rows go there (class -room, see app.tcss);
    else F4 swaps the ledger in for the network."""

    def fit(self) -> None:
        screen = self.screen
        spare = self.size.height - self.query_one(NetworkView).height_needed - 1  # 1: the ledger's rule
        room = not (screen.has_class("-wide") or screen.has_class("-tall")) and spare >= 1 + MIN_LEDGER_ROWS
        self.set_class(room, "-room")

    def on_resize(self) -> None:
        self.fit()


class LessonScreen(TutorScreen):
    COMMANDS = {LessonCommands}
    BINDINGS = [
        Binding("f2", "hint", "Hint"),
        Binding("f3", "reveal", "Reveal"),
        Binding("f4", "ledger", "Ledger"),
        Binding("ctrl+n", "next_unsolved", "Next"),
        Binding("f5", "summary", "Summary"),
        Binding("escape", "answer", "Back to answer", show=False),
    ]

    pane: reactive[str] = reactive("network")  # on a narrow screen: "network" or "ledger"

    def __init__(self, lesson, store: ProgressStore | None = None) -> None:
        super().__init__()
        self.lesson = lesson
        self.store = store
        self.session: Session = start_session(lesson, store)
        self._prompt_for: str | None = None  # the step the prompt was last scrolled for

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="header"):
            yield Static(id="title", markup=False)  # the lesson's title, cut with … when narrow
            yield Static(id="done", markup=False)
        with TopRow(id="top"):
            with NetworkPane(id="network-pane"):
                yield NetworkView(id="network")
            yield Ledger(id="ledger")
        with VerticalScroll(id="prompt"):
            yield StepPanel(id="step")
            yield HintPanel(id="hints")
        yield AnswerBox(id="answer")
        yield FeedbackLine(id="feedback")
        yield Footer()

    # ---- opening ----
    _bindings_for_finished: bool | None = None

    def on_mount(self) -> None:
        session = self.session
        loaded = self.store.load(session.lesson_hash) if self.store else Loaded(None)
        notices, data, edited = [loaded.notice], loaded.data, False
        if data is None and self.store is not None:  # perhaps the author edited the lesson since
            earlier = self.store.load_earlier_version(session.lesson_file, session.lesson_hash)
            data, edited = earlier.data, earlier.data is not None
        if data and data.get("records"):
            session.resume(data, edited=edited)  # saves nothing: behind the dialog is the saved state, not step 1
        saved = bool(session.records)
        if edited and saved:
            notices.append(earlier.notice)
        for notice in filter(None, notices):
            self.app.notify(notice, title="Progress", severity="warning", timeout=10)
        self.sync()
        self.query_one(AnswerBox).focus()
        if saved:
            dialog = ResumeDialog(session.to_dict(), finished=session.finished)
            self.app.push_screen(dialog, partial(self._resume_chosen, data))
        else:
            self._introduce()

    def _resume_chosen(self, data: dict, resume: bool | None) -> None:
        if resume:  # already resumed when the dialog opened; a finished lesson opens its summary
            self.post_message(PositionChanged())
            if not self.session.finished:
                where = f"step {self.session.position + 1} of {self.session.total}"
                self.show_feedback("info", f"Welcome back: resumed at {where}. F4 shows the ledger so far.")
        else:
            self.session.restart()
            self.post_message(LessonRestarted())
            self._introduce()

    def _introduce(self) -> None:
        summary = getattr(self.lesson, "summary", None)
        if summary and self.session.position == 0:
            self.app.push_screen(IntroScreen(self.lesson.title, summary))

    # ---- rendering from the session ----
    def sync(self) -> None:
        session = self.session
        step = session.current  # once: building a step costs O(its operands)
        done = session.done_count()
        self.query_one("#title", Static).update(self.lesson.title)
        self.query_one("#done", Static).update(f"{done} of {session.total} done")
        self.query_one(NetworkView).show(session, step)
        self.query_one(Ledger).show(session)
        self.query_one(StepPanel).show(session, step)
        self.query_one(HintPanel).show(session, step)
        self.query_one(AnswerBox).ask_for(step.label if step else None)
        step_id = step.id if step else None
        if step_id != self._prompt_for:  # a new step reads from its question down
            self._prompt_for = step_id
            prompt = self.query_one("#prompt")
            prompt.anchor(False)
            prompt.scroll_home(animate=False)
        if session.finished != self._bindings_for_finished:  # the footer recomposes on every refresh
            self._bindings_for_finished = session.finished
            self.refresh_bindings()
        self.query_one(TopRow).fit()

    def show_feedback(self, kind: str, message: str, notes: tuple[str, ...] = ()) -> None:
        self.query_one(FeedbackLine).show(kind, message, notes)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("hint", "reveal"):
            return not self.session.finished
        if action == "summary":
            return self.session.finished
        return True

    # ---- the learner acts ----
    @on(AnswerSubmitted)
    def _answer_submitted(self, message: AnswerSubmitted) -> None:
        step = self.session.current
        if step is None or not message.text.strip():
            return
        verdict = self.session.submit(message.text)
        self.post_message(AnswerChecked(verdict.kind, verdict.message, tuple(verdict.notes)))
        box = self.query_one(AnswerBox)
        if not verdict.right:
            box.select_all()  # typing again replaces the wrong answer; arrows keep it to edit
        else:
            box.clear()
            record = self.session.records.get(step.id)
            self.post_message(StepCompleted(step.id, record.outcome if record and record.outcome else ""))

    def action_hint(self) -> None:
        step = self.session.current
        if step is None:
            return
        hint = self.session.hint()
        if hint is None:  # past the last rung the session reveals
            self.post_message(StepRevealed(step.id))
        else:
            self.post_message(HintShown(hint.rung))

    def action_reveal(self) -> None:
        step = self.session.reveal()
        if step is not None:
            self.post_message(StepRevealed(step.id))

    def action_next_unsolved(self) -> None:
        before = self.session.position
        found = self.session.jump_to_next_unsolved()
        if not found:
            self.post_message(LessonFinished())
            return
        if self.session.position == before:
            self.show_feedback("info", "This is the next unsolved step.")
        self.pane = "network"
        self.query_one(AnswerBox).focus()
        self.post_message(PositionChanged())

    def action_restart(self) -> None:
        self.session.restart()
        self.query_one(AnswerBox).clear()
        self.post_message(LessonRestarted())

    def action_ledger(self) -> None:
        ledger = self.query_one(Ledger)
        if ledger.has_focus:
            self.action_answer()
        else:
            self.pane = "ledger"
            ledger.focus()

    def action_answer(self) -> None:
        self.pane = "network"
        box = self.query_one(AnswerBox)
        if not box.disabled:
            box.focus()

    def action_worked_solution(self) -> None:
        self.app.push_screen(WorkedSolutionScreen(self.session.steps, self.lesson.title))

    def action_summary(self) -> None:
        if self.session.finished:
            self.app.push_screen(SummaryScreen(self.session, self.lesson), self._summary_closed)
        else:
            self.app.notify("The summary comes when every step is done.", timeout=4)

    def action_lessons(self) -> None:
        self.app.action_back_to_lessons()

    def _summary_closed(self, choice: str | None) -> None:
        if choice == "restart":
            self.action_restart()
        elif choice == "lessons":
            self.action_lessons()

    def on_key(self, event: events.Key) -> None:
        """Typing while reviewing the ledger goes back to the answer box."""
        box = self.query_one(AnswerBox)
        if event.is_printable and event.character and self.query_one(Ledger).has_focus and not box.disabled:
            event.stop()
            self.action_answer()
            box.insert_text_at_cursor(event.character)

    def watch_pane(self, pane: str) -> None:
        self.query_one("#top").set_class(pane == "ledger", "-ledger")

    # ---- what happened: re-render ----
    def on_answer_checked(self, message: AnswerChecked) -> None:
        self.show_feedback(message.kind, message.message, message.notes)

    def on_step_completed(self, message: StepCompleted) -> None:
        self.sync()
        if self.session.finished:
            self.post_message(LessonFinished())

    def on_hint_shown(self, message: HintShown) -> None:
        more = "F2 again reveals the answer." if message.rung >= 3 else "F2 for the next hint."
        self.show_feedback("info", f"Hint {message.rung} of 3 is above the answer box. {more}")
        self.sync()
        # The newest rung is the prompt's last line: keep it in view on a short screen. Anchored,
        # the prompt stays at its end even when a scrollbar appears and the text rewraps.
        self.query_one("#prompt").anchor()

    def on_step_revealed(self, message: StepRevealed) -> None:
        step = self.session.steps.by_id(message.step_id)
        value = fmt(step.value, self.session.digits)
        self.show_feedback("close", f"Revealed: {step.label} = {value}   ({step.substituted})")
        self.query_one(AnswerBox).clear()
        self.sync()
        if self.session.finished:
            self.post_message(LessonFinished())

    def on_position_changed(self, message: PositionChanged) -> None:
        self.sync()
        if self.session.finished:
            self.post_message(LessonFinished())

    def on_lesson_restarted(self, message: LessonRestarted) -> None:
        self.show_feedback("info", "Lesson restarted from the first step.")
        self.sync()
        self.action_answer()

    def on_lesson_finished(self, message: LessonFinished) -> None:
        self.sync()
        self.action_summary()

    def on_ledger_step_chosen(self, message: LedgerStepChosen) -> None:
        step = self.session.steps[message.index]
        record = self.session.records.get(step.id)
        self.app.push_screen(StepDetailScreen(step, record, self.session.digits))
