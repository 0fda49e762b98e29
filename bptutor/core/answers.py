"""Checking one typed answer against one step: parse, compare fairly, name the slip.

The verdict is structured so the app only renders it: right, close ("check your rounding"),
wrong (with a diagnosis when a classic slip explains the number), or not understood.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .expressions import AnswerSyntaxError, evaluate_answer
from .notation import fmt, shown
from .steps import Step

RIGHT, CLOSE, WRONG, NOT_UNDERSTOOD = "right", "close", "wrong", "not_understood"


@dataclass(frozen=True)
class Tolerance:
    """Accept |typed - expected| <= max(rtol*|expected|, atol). rtol 5e-3 is 3 significant figures."""

    rtol: float = 5e-3
    atol: float = 1e-6

    def accepts(self, typed: float, expected: float, scale: float = 1.0) -> bool:
        return abs(typed - expected) <= scale * max(self.rtol * abs(expected), self.atol)


@dataclass(frozen=True)
class Verdict:
    kind: str  # RIGHT | CLOSE | WRONG | NOT_UNDERSTOOD
    message: str  # one short sentence for the learner
    value: float | None = None  # what the typed text evaluated to
    diagnosis: str | None = None  # id of the named slip, e.g. "transposed_w"
    notes: tuple[str, ...] = ()

    @property
    def right(self) -> bool:
        return self.kind == RIGHT


def rounded_recompute(step: Step, digits: int) -> float | None:
    """The step's value recomputed from its operands as shown on screen."""
    if not step.operands:
        return None
    try:
        return float(step.recompute([shown(o.value, digits) for o in step.operands]))
    except (ArithmeticError, ValueError, IndexError):
        return None


def check(step: Step, text: str, names: Mapping[str, float] | None = None, tol: Tolerance = Tolerance(), digits: int = 4) -> Verdict:
    try:
        parsed = evaluate_answer(text, names or {})
    except AnswerSyntaxError as exc:
        return Verdict(NOT_UNDERSTOOD, str(exc))
    typed, expected = parsed.value, step.value
    pencil = rounded_recompute(step, digits)
    if tol.accepts(typed, expected) or (pencil is not None and _pencil_ok(typed, expected, pencil, tol)):
        return Verdict(RIGHT, f"Right: {step.label} = {fmt(expected, digits)}.", typed, notes=parsed.notes)
    if tol.accepts(typed, expected, scale=10.0):
        return Verdict(CLOSE, f"Close, but not within tolerance: check your rounding (keep {digits} significant figures).", typed, notes=parsed.notes)
    return Verdict(WRONG, f"Not {fmt(typed, digits)}.", typed, notes=parsed.notes)


def _pencil_ok(typed: float, expected: float, pencil: float, tol: Tolerance) -> bool:
    """Accept what rounding the shown operands gives, but never a sign flip of a clear value."""
    if not tol.accepts(typed, pencil):
        return False
    clear = abs(expected) > tol.atol * 10
    return not clear or (typed * expected > 0 and abs(typed - expected) < 0.25 * abs(expected))
