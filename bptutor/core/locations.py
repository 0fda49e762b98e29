"""Where bptutor keeps the learner's files, and where the bundled lessons are.

`BPTUTOR_HOME` overrides the data directory (tests point it at a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    home = os.environ.get("BPTUTOR_HOME")
    return Path(home) if home else Path(platformdirs.user_data_dir("bptutor", appauthor=False))


def progress_dir() -> Path:
    return data_dir() / "progress"


def user_lessons_dir() -> Path:
    return data_dir() / "lessons"


def _shipped(top_level: str, in_wheel: str) -> Path:
    """A top-level folder of a source checkout (editable install), else its copy in the wheel."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / top_level
    if checkout.is_dir() and (package.parent / "pyproject.toml").is_file():
        return checkout
    return package / in_wheel


def bundled_lessons_dir() -> Path:
    return _shipped("lessons", "_bundled_lessons")


def docs_dir() -> Path:
    """lesson-format.md and authoring.md, shipped so `bptutor docs` works after pip install."""
    return _shipped("docs", "_docs")
