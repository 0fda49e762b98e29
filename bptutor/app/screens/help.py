"""Every key, on one page (F1)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from .base import TutorModal

KEYS = (
    ("Lesson", ""),
    ("Enter", "check the answer typed in the box"),
    ("F2", "next hint: the equation, then with indices, then with numbers; then reveal"),
    ("F3", "reveal the answer (the step counts as revealed)"),
    ("F4", "review the ledger of finished steps / back to the answer box"),
    ("↑ ↓ PgUp PgDn Home End", "move in the ledger; Enter shows that step worked in full"),
    ("Escape", "back to the answer box; closes dialogs"),
    ("ctrl+n", "jump to the next unsolved step"),
    ("F5", "the summary, once every step is done"),
    ("ctrl+p", "commands: restart lesson, next unsolved, worked solution, lesson list"),
    ("", ""),
    ("Anywhere", ""),
    ("F1", "this help"),
    ("ctrl+q", "quit (progress is saved after every answer)"),
    ("", ""),
    ("Lesson list", ""),
    ("↑ ↓ Enter", "choose a lesson; a red entry cannot be opened: Enter shows why"),
    ("", ""),
    ("Saved progress", ""),
    ("r / s", "resume where you left off / start the lesson over"),
    ("", ""),
    ("Summary", ""),
    ("r / l / Escape", "restart / lesson list / back to the lesson"),
    ("", ""),
    ("Answers", ""),
    ("0.1385  1/4  -2e-3", "numbers and arithmetic"),
    ("0.4*0.1385", "arithmetic; the names of values you know work too: w311*d31 is w³₁₁·δ³₁"),
)


def keys_table() -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("does")
    for key, text in KEYS:
        if key and not text:
            table.add_row(f"[u]{key}[/u]", "")
        else:
            table.add_row(key, text)
    return table


class HelpScreen(TutorModal[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="help"):
            yield Static("Keys", classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(keys_table())
            yield Static("Escape closes.", classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
