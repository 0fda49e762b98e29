"""Textual's command palette with a single-width search icon (its own is a wide emoji)."""

from __future__ import annotations

from textual.command import CommandPalette, SearchIcon


class Palette(CommandPalette):
    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"
