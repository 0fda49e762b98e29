"""The answer box: a plain text Input (never type="number": that would turn 1/4 into 14)."""

from __future__ import annotations

from textual import on
from textual.widgets import Input

from ..messages import AnswerSubmitted


class AnswerBox(Input):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(AnswerSubmitted(event.value))

    def ask_for(self, label: str | None) -> None:
        """Show which symbol is asked for in the border; disable the box when nothing is."""
        self.border_title = f"{label} = ?" if label else "every step is done"
        self.placeholder = "a number or an expression, then Enter" if label else ""
        self.disabled = label is None
