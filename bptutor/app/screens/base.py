"""Base classes for every bptutor screen: each carries the 'please enlarge' notice, which the
app's breakpoint classes (-narrow, -short) swap in for the layout on a too-small terminal."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen

from ..widgets.enlarge import EnlargeNotice


class TutorScreen(Screen):
    DEFAULT_CLASSES = "tutor"

    def compose(self) -> ComposeResult:
        yield EnlargeNotice()
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        yield from ()


R = TypeVar("R")


class TutorModal(ModalScreen[R]):
    DEFAULT_CLASSES = "tutor"
    AUTO_FOCUS = ".dialog-body"  # the scrolling body takes the arrow and page keys at once

    def compose(self) -> ComposeResult:
        yield EnlargeNotice()
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        yield from ()
