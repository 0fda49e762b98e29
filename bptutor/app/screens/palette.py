"""Textual's command palette with a single-width search icon (its own is a wide emoji)."""

from __future__ import annotations

from functools import partial

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon


class Palette(CommandPalette):
    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"


class ScreenCommands(Provider):
    """A screen's commands in the command palette: COMMANDS holds (name, action, help) with
    the action run on the screen the palette was opened from."""

    COMMANDS: tuple[tuple[str, str, str], ...] = ()

    def _run(self, action: str) -> None:
        self.app.call_later(self.screen.run_action, action)

    async def discover(self) -> Hits:
        for name, action, help_text in self.COMMANDS:
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self.COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), help=help_text)
