"""The notice shown instead of a screen's layout when the terminal is too small."""

from __future__ import annotations

from textual.widgets import Static

from ..symbols import ENLARGE


class EnlargeNotice(Static):
    """Hidden unless the screen carries the -narrow or -short breakpoint class (see app.tcss)."""

    def __init__(self) -> None:
        super().__init__(ENLARGE, classes="enlarge", markup=False)
