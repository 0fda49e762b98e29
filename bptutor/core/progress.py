"""The learner's progress: one JSON file per lesson, keyed by the lesson's content hash.

Every write goes to a temporary file in the same folder and is moved over the old one with
os.replace, so a kill at any moment leaves either the old file or the new one, never half.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .locations import progress_dir

FORMAT = 1
TMP_PREFIX, TMP_SUFFIX = ".progress-", ".tmp"  # a save's temporary file: .progress-<random>.tmp
STALE_AFTER = 60.0  # seconds; a save takes milliseconds, so an older temporary file was left by a kill

# What a saved step record may hold. The session (bptutor.core.session) uses these too.
FIRST_TRY, AFTER_TRIES, AFTER_HINTS, REVEALED = "first_try", "after_tries", "after_hints", "revealed"
OUTCOMES = (FIRST_TRY, AFTER_TRIES, AFTER_HINTS, REVEALED)
HINT_RUNGS = 3  # general equation, indices filled in, numbers substituted; then reveal


def _count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _texts(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(t, str) for t in v)


def check_progress(data: object) -> None:
    """Raise ValueError unless `data` is a progress file the session can take back as it is:
    a bad value let through crashes the app later, far from here (ledger, hint, submit)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("records"), dict):
        raise ValueError("not a bptutor progress file")
    if not (data.get("current") is None or isinstance(data["current"], str)):
        raise ValueError("current is not a step id")
    for name in ("done", "total"):
        if not _count(data.get(name, 0)):
            raise ValueError(f"{name} is not a count")
    verdicts = data.get("verdicts", {})
    if not (isinstance(verdicts, dict) and all(_count(n) for n in verdicts.values())):
        raise ValueError("verdicts are not counts")
    for sid, rec in data["records"].items():
        # Fields other than step_id may be missing (they take the StepRecord default), never wrong.
        ok = (
            isinstance(rec, dict)
            and rec.get("step_id") == sid  # the key is the record's own step id
            and _texts(rec.get("attempts", []))
            and _count(rec.get("hints", 0))
            and rec.get("hints", 0) <= HINT_RUNGS
            and (rec.get("value") is None or _number(rec["value"]))
            and rec.get("outcome") in (None, *OUTCOMES)
            and _texts(rec.get("diagnoses", []))
        )
        if not ok:
            raise ValueError(f"bad record for step {sid}")


@dataclass(frozen=True)
class Loaded:
    data: dict | None  # None when there is no usable progress
    notice: str | None = None  # said to the learner, e.g. when a corrupt file was moved aside


class ProgressStore:
    def __init__(self, folder: Path | None = None):
        self.folder = folder or progress_dir()
        self._index: dict[str, list[tuple[str, dict]]] = {}
        self._index_signature: frozenset | None = None

    def path_for(self, lesson_hash: str) -> Path:
        return self.folder / f"{lesson_hash}.json"

    def load(self, lesson_hash: str) -> Loaded:
        """The saved progress; a file that is not JSON, or holds any bad value, is moved aside."""
        self.remove_stale_temps()
        path = self.path_for(lesson_hash)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Loaded(None)
        except OSError as exc:
            return Loaded(None, f"Could not read saved progress ({exc.strerror}); starting afresh.")
        try:
            data = json.loads(text)
            check_progress(data)
        except ValueError:
            aside = path.with_name(f"{path.stem}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}.json")
            try:
                os.replace(path, aside)
            except OSError:
                aside = path
            return Loaded(None, f"Saved progress was unreadable and was moved to {aside}; starting afresh.")
        return Loaded(data)

    def load_earlier_version(self, lesson_file: str, lesson_hash: str) -> Loaded:
        """Progress saved for an earlier version of the same lesson file (the author fixed a
        typo: the hash changed, the learner's work should not vanish). The newest one wins;
        unreadable files are skipped here and moved aside only by their own lesson's load."""
        for stem, data in self._saved_by_lesson_file().get(lesson_file, []) if lesson_file else []:
            if stem != lesson_hash:
                return Loaded(data, "This lesson file changed since you last worked on it: your answers to the steps whose values did not change are kept.")
        return Loaded(None)

    def _saved_by_lesson_file(self) -> dict[str, list[tuple[str, dict]]]:
        """lesson file -> [(hash, progress)], newest first. The picker asks for every lesson
        on every redraw, so the folder is read again only when its files change."""
        try:
            files = [(p, p.stat().st_mtime_ns) for p in self.folder.glob("*.json") if ".corrupt-" not in p.name]
        except OSError:
            return {}
        signature = frozenset((p.name, t) for p, t in files)
        if signature != self._index_signature:
            index: dict[str, list[tuple[str, dict]]] = {}
            for path, _ in sorted(files, key=lambda f: f[1], reverse=True):
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    check_progress(data)
                except (OSError, ValueError):
                    continue
                if isinstance(data.get("lesson_file"), str) and data.get("records"):
                    index.setdefault(data["lesson_file"], []).append((path.stem, data))
            self._index, self._index_signature = index, signature
        return self._index

    def save(self, lesson_hash: str, data: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.remove_stale_temps()
        payload = json.dumps({**data, "format": FORMAT}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path_for(lesson_hash))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def remove_stale_temps(self) -> None:
        """Delete temporary files that a kill mid-save left behind. Only those older than
        STALE_AFTER: a younger one may be another process's save under way. The pattern never
        matches a progress file (<hash>.json) or one moved aside (<hash>.corrupt-*.json)."""
        now = time.time()
        try:
            temps = list(self.folder.glob(f"{TMP_PREFIX}*{TMP_SUFFIX}"))
        except OSError:
            return
        for tmp in temps:
            try:
                if tmp.is_file() and now - tmp.stat().st_mtime > STALE_AFTER:
                    tmp.unlink()
            except OSError:
                pass  # gone already, or not ours to remove: try again next time

    def delete(self, lesson_hash: str) -> None:
        try:
            self.path_for(lesson_hash).unlink()
        except FileNotFoundError:
            pass
