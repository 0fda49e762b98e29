"""Finding lesson files and loading them for the picker: valid lessons with the learner's
progress, invalid ones with their `file:line:col` errors. Nothing here raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from bptutor.core.progress import Loaded, ProgressStore

Loader = Callable[[Path], tuple[Any, list]]
LESSON_SUFFIXES = (".yaml", ".yml")


@dataclass
class LessonEntry:
    """One lesson file: either `lesson` is set, or `errors` says why it cannot be opened."""

    path: Path
    lesson: Any | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lesson is not None

    @property
    def title(self) -> str:
        return self.lesson.title if self.lesson is not None else self.path.name

    def blurb(self, limit: int = 72) -> str:
        """The summary's first paragraph on one line, without Markdown emphasis, cut to `limit`."""
        text = getattr(self.lesson, "summary", None) or ""
        words: list[str] = []
        for line in text.splitlines():
            line = line.strip().lstrip("#").strip()
            if not line and words:
                break
            words.extend(line.split())
        plain = " ".join(words).replace("**", "").replace("`", "").replace("__", "")
        return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"

    @property
    def shape(self) -> str:
        """e.g. '2-3-2, sigmoid, quadratic'."""
        if self.lesson is None:
            return ""
        sizes = "-".join(str(n) for n in self.lesson.sizes)
        return f"{sizes}, {_names(self.lesson.activations)}, {_names(self.lesson.cost)}"


def _names(value: Any) -> str:
    if isinstance(value, str):
        return value
    if hasattr(value, "name"):
        return str(value.name)
    if isinstance(value, Iterable):
        return "/".join(dict.fromkeys(_names(v) for v in value))
    return str(value)


def default_loader() -> Loader:
    from bptutor.core.lesson import load_lesson

    return load_lesson


def load_entry(path: Path, loader: Loader | None = None) -> LessonEntry:
    """Load one lesson; an invalid one comes back with its diagnostics instead of raising."""
    try:
        lesson, warnings = (loader or default_loader())(path)
    except OSError as exc:
        return LessonEntry(path, errors=[f"{path}: cannot read: {exc.strerror or exc}"])
    except Exception as exc:  # LessonError carries diagnostics; anything else is a loader bug
        diagnostics = getattr(exc, "diagnostics", None)
        if diagnostics:
            return LessonEntry(path, errors=[str(d) for d in diagnostics])
        return LessonEntry(path, errors=[f"{path}:1:1: could not load this lesson ({type(exc).__name__}: {exc})"])
    return LessonEntry(path, lesson, warnings=[str(w) for w in warnings or ()])


def lesson_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LESSON_SUFFIXES)


def scan(folders: Iterable[Path], loader: Loader | None = None) -> list[LessonEntry]:
    """Every lesson file in the folders, in name order per folder; each file once."""
    seen: set[Path] = set()
    entries = []
    for folder in folders:
        for path in lesson_files(Path(folder)):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                entries.append(load_entry(path, loader))
    return entries


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    notice: str | None = None
    earlier: bool = False  # saved for an earlier version of the lesson file

    @property
    def words(self) -> str:
        if self.total == 0:
            return "not started"
        then = ", before an edit" if self.earlier else ""
        if self.done >= self.total:
            return f"complete ({self.done}/{self.total}{then})"
        return f"{self.done}/{self.total} done{then}"


def progress_of(entry: LessonEntry, store: ProgressStore) -> Progress:
    """The learner's saved progress on a valid lesson, by its content hash."""
    if entry.lesson is None:
        return Progress(0, 0)
    loaded = store.load(entry.lesson.content_hash)
    earlier = loaded.data is None
    if earlier:
        loaded = Loaded(store.load_earlier_version(str(Path(entry.lesson.path).resolve()), entry.lesson.content_hash).data, loaded.notice)
    data = loaded.data or {}
    return Progress(data.get("done", 0), data.get("total", 0), loaded.notice, earlier and bool(data))
