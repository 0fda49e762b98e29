"""One line saying what became of the last answer, hint or reveal, styled by its kind."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ..symbols import VERDICT_SIGNS

KINDS = ("right", "close", "wrong", "not_understood", "info")


class FeedbackLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(self, kind: str, message: str) -> None:
        for k in KINDS:
            self.set_class(k == kind, f"-{k}")
        sign = VERDICT_SIGNS.get(kind, "•")
        self.update(Content(f"{sign} {message}") if message else Content(""))
