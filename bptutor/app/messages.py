"""Small messages, named for what has happened. Widgets post them up; screens handle them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from .catalog import LessonEntry


@dataclass
class LessonChosen(Message):
    """The learner picked a lesson in the picker (valid or not)."""

    entry: LessonEntry


@dataclass
class AnswerSubmitted(Message):
    """The learner pressed Enter in the answer box."""

    text: str


@dataclass
class AnswerChecked(Message):
    """The core judged an answer; `kind` is right / close / wrong / not_understood; `notes`
    say how the parser read the text (shown once, after the message, whatever the kind)."""

    kind: str
    message: str
    notes: tuple[str, ...] = ()


@dataclass
class StepCompleted(Message):
    """An asked step was finished (`outcome` as in the session's records)."""

    step_id: str
    outcome: str


@dataclass
class HintShown(Message):
    rung: int


@dataclass
class StepRevealed(Message):
    step_id: str


@dataclass
class PositionChanged(Message):
    """The session moved without finishing a step (resume, jump to next unsolved)."""


@dataclass
class LessonRestarted(Message):
    pass


@dataclass
class LessonFinished(Message):
    pass


@dataclass
class LedgerStepChosen(Message):
    """The learner chose a finished step in the ledger to see it worked in full."""

    index: int  # into the full step list
