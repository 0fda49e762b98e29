"""The App (thin: it routes between screens) and `make_app`, shared by the CLI and the tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from bptutor.core.locations import bundled_lessons_dir, user_lessons_dir
from bptutor.core.progress import ProgressStore

from .catalog import LESSON_SUFFIXES, LessonEntry, Loader, load_entry, scan
from .messages import LessonChosen
from .screens.dialogs import LessonErrorsScreen
from .screens.help import HelpScreen
from .screens.lesson import LessonScreen
from .screens.palette import Palette
from .screens.picker import PickerScreen
from .symbols import MIN_HEIGHT, MIN_WIDTH


class BPTutorApp(App):
    TITLE = "bptutor"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
    ]
    # Screens get -narrow / -short below the minimum size; app.tcss then shows only the notice.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (MIN_WIDTH, "-normal"), (130, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (MIN_HEIGHT, "-tall-enough"), (28, "-tall")]

    def __init__(self, entries: list[LessonEntry], folders: list[Path], store: ProgressStore, open_first: bool) -> None:
        super().__init__()
        self.entries = entries
        self.folders = folders
        self.store = store
        self.open_first = open_first

    def on_mount(self) -> None:
        if self.open_first and self.entries and self.entries[0].ok:
            self.open_lesson(self.entries[0])
        else:
            self.push_screen(PickerScreen(self.entries, self.folders, self.store))
            if self.open_first and self.entries:
                self.open_lesson(self.entries[0])

    def open_lesson(self, entry: LessonEntry) -> None:
        if entry.ok:
            for warning in entry.warnings:
                self.notify(warning, title="Lesson warning", severity="warning", timeout=8)
            self.push_screen(LessonScreen(entry.lesson, self.store))
        else:
            self.push_screen(LessonErrorsScreen(entry.path.name, entry.errors))

    def on_lesson_chosen(self, message: LessonChosen) -> None:
        self.open_lesson(message.entry)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Only what a learner needs: Textual's Keys panel lists cursor keys of no use here."""
        yield SystemCommand("Help", "Every key of bptutor (F1)", self.action_help)
        yield SystemCommand("Theme", "Change the colours", self.action_change_theme)
        yield SystemCommand("Quit", "Quit; progress is already saved (ctrl+q)", self.action_quit)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_back_to_lessons(self) -> None:
        """Pop to the picker; a lesson opened directly gets a picker over the default folders."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, PickerScreen):
            self.pop_screen()
        if not isinstance(self.screen, PickerScreen):
            folders = default_folders()
            self.push_screen(PickerScreen(scan(folders), folders, self.store))


def default_folders() -> list[Path]:
    return [bundled_lessons_dir(), user_lessons_dir()]


def make_app(
    target: Path | None = None,
    *,
    store: ProgressStore | None = None,
    lessons_dirs: list[Path] | None = None,
    loader: Loader | None = None,
) -> BPTutorApp:
    """`target` is a lesson file (opened at once), a folder (listed), or None: the picker over
    `lessons_dirs` (default: the bundled lessons and the user's lesson folder)."""
    store = store or ProgressStore()
    if target is not None and (Path(target).is_file() or Path(target).suffix.lower() in LESSON_SUFFIXES):
        entries, folders, open_first = [load_entry(Path(target), loader)], [Path(target).parent], True
    else:
        folders = [Path(target)] if target is not None else list(lessons_dirs or default_folders())
        entries, open_first = scan(folders, loader), False
    return BPTutorApp(entries, folders, store, open_first)
