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


@dataclass(frozen=True)
class Loaded:
    data: dict | None  # None when there is no usable progress
    notice: str | None = None  # said to the learner, e.g. when a corrupt file was moved aside


class ProgressStore:
    def __init__(self, folder: Path | None = None):
        self.folder = folder or progress_dir()

    def path_for(self, lesson_hash: str) -> Path:
        return self.folder / f"{lesson_hash}.json"

    def load(self, lesson_hash: str) -> Loaded:
        path = self.path_for(lesson_hash)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Loaded(None)
        except OSError as exc:
            return Loaded(None, f"Could not read saved progress ({exc.strerror}); starting afresh.")
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("records"), dict):
                raise ValueError("not a bptutor progress file")
        except ValueError:
            aside = path.with_name(f"{path.stem}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}.json")
            try:
                os.replace(path, aside)
            except OSError:
                aside = path
            return Loaded(None, f"Saved progress was unreadable and was moved to {aside}; starting afresh.")
        return Loaded(data)

    def save(self, lesson_hash: str, data: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({**data, "format": FORMAT}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.folder)
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

    def delete(self, lesson_hash: str) -> None:
        try:
            self.path_for(lesson_hash).unlink()
        except FileNotFoundError:
            pass
