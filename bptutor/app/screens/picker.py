"""The lesson picker: every lesson found, with its network, the learner's progress, and
for a lesson that cannot be opened, its file:line:col errors."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from bptutor.core.locations import user_lessons_dir
from bptutor.core.progress import ProgressStore

from ..catalog import LessonEntry, Progress, progress_of
from ..messages import LessonChosen
from .base import TutorScreen


def entry_prompt(entry: LessonEntry, progress: Progress, width: int = 80) -> Content:
    """Two lines per lesson; the summary's first sentence is cut to fit `width`."""
    if not entry.ok:
        count = len(entry.errors)
        return Content.assemble(
            (f"✗ {entry.path.name}", "$error bold"),
            (f"   cannot be opened: {count} error{'s' if count != 1 else ''}", "$error"),
            ("\n  " + (entry.errors[0] if entry.errors else ""), "$text-muted"),
        )
    done = progress.total and progress.done >= progress.total
    status = "   " + progress.words
    room = max(12, width - len(status) - 8)  # 8: the list's padding and scrollbar, the mark, a spare cell
    title = entry.title if len(entry.title) <= room else entry.title[: room - 1].rstrip() + "…"
    return Content.assemble(
        (("✓ " if done else "• ") + title, "bold"),
        (status, "$success" if done else "$accent"),
        ("\n  " + entry.shape, ""),
        ("   " + (entry.blurb(max(20, width - len(entry.shape) - 12)) or entry.path.name), "$text-muted"),
    )


class PickerScreen(TutorScreen):
    def __init__(self, entries: list[LessonEntry], folders: list[Path], store: ProgressStore) -> None:
        super().__init__()
        self.entries = entries
        self.folders = folders
        self.store = store

    def compose_body(self) -> ComposeResult:
        yield Static("Choose a lesson   (↑ ↓ to move, Enter to open)", id="picker-title", markup=False)
        yield Static(self.folders_line(), id="picker-folders", markup=False)
        yield OptionList(id="lessons")
        yield Static(id="picker-detail", markup=False)
        yield Footer()

    def folders_line(self) -> str:
        """Where the learner's own lessons go: the one thing about the picker a README can't show."""
        mine = user_lessons_dir()
        if mine in self.folders:
            hint = "" if mine.is_dir() else " (create it)"
            return f"Your own lessons: put .yaml files in {mine}{hint}"
        return "Lessons in " + ", ".join(str(f) for f in self.folders)

    def on_mount(self) -> None:
        self.reload()
        options = self.query_one(OptionList)
        options.highlighted = self.where_to_resume()
        options.focus()

    def where_to_resume(self) -> int:
        """The option of the first lesson begun and not finished, else of the first not finished."""
        progress = [progress_of(e, self.store) for e in self.entries]
        begun = [i for i, p in enumerate(progress) if 0 < p.done < p.total]
        fresh = [i for i, p in enumerate(progress) if self.entries[i].ok and not (p.total and p.done >= p.total)]
        return (begun or fresh or [0])[0]

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        """Re-read progress (it changes while a lesson is open)."""
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for i, entry in enumerate(self.entries):
            progress = progress_of(entry, self.store)
            if progress.notice:
                self.app.notify(progress.notice, title="Progress", severity="warning", timeout=10)
            options.add_option(Option(entry_prompt(entry, progress, self.app.size.width), id=str(i)))
            if i < len(self.entries) - 1:
                options.add_option(None)
        if not self.entries:
            where = ", ".join(str(f) for f in self.folders) or "nowhere"
            self.query_one("#picker-detail", Static).update(f"No lessons found in {where}.")
        else:
            options.highlighted = highlighted if highlighted is not None and highlighted < len(self.entries) else 0

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry = self.entries[int(event.option.id or 0)]
        detail = self.query_one("#picker-detail", Static)
        if entry.ok:
            lines = [str(entry.path)] + [f"warning: {w}" for w in entry.warnings]
            detail.update(Content("\n".join(lines)))
            detail.remove_class("-error")
        else:
            detail.update(Content("\n".join([f"{entry.path} cannot be opened:", *entry.errors])))
            detail.add_class("-error")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.post_message(LessonChosen(self.entries[int(event.option.id or 0)]))
