"""One line saying what became of the last answer, hint or reveal, styled by its kind."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ..symbols import VERDICT_SIGNS

KINDS = ("right", "close", "wrong", "not_understood", "info")


class FeedbackLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(self, kind: str, message: str, notes: tuple[str, ...] = ()) -> None:
        """`notes`: how the answer was read (e.g. "^ read as power"), after the message."""
        for k in KINDS:
            self.set_class(k == kind, f"-{k}")
        sign = VERDICT_SIGNS.get(kind, "•")
        if not message:
            self.update(Content(""))
            return
        text = Content(f"{sign} {message}")
        if notes:
            text = Content.assemble(text, ("  · " + "; ".join(notes), "not bold italic"))
        self.update(text)
