"""Checking one typed answer against one step: parse, compare fairly, name the slip.

The verdict is structured so the app only renders it: right, close ("check your rounding"),
wrong (with a diagnosis when a classic slip explains the number), or not understood.

The comparison rule
-------------------
A typed value t is right for the expected value e when

    |t − e| <= max(rtol·|e|, atol)        rtol = 5e-3, atol = 1e-6 unless the lesson sets them

rtol 5e-3 accepts about three significant figures; atol lets '0' pass when the true value is 0
or merely rounding noise such as 4e-18 (C08). For ∂C/∂w³₁₁ = −0.04008837 (C12): '-0.04009',
'-0.0401' and '-0.040' pass, and so does '-0.04' (relative error 2.2e-3 < 5e-3; with a lesson
rtol below 2.2e-3 it would be "close" instead).

It is also right when it matches, within the same tolerance, the value recomputed from the
step's operands *as shown on screen* (each rounded to the lesson's precision with
`notation.shown`): that is what a careful person with a pencil gets, even when rounding moved
it outside rtol of the exact value.

Neither rule ever accepts a wrong sign or a value off by a factor of 2 when the expected value
is not tiny (|e| > atol): a typed value must then have e's sign and lie within 25 % of it, and
the "close" verdict obeys the same guard. With the default tolerances the first rule cannot
reach that far anyway; the guard protects lessons that set a generous rtol, and the pencil rule.

Verdicts, in order: NOT_UNDERSTOOD (the parser's message); RIGHT; WRONG with `diagnosis` set
when the value matches a slip from `mistakes` that no other explanation shares; CLOSE when
within 10× the tolerance ("check your rounding") and not equal to any known slip, ambiguous
ones included; else WRONG with a plain "Not X." message. Slips are looked for only when the
caller passes the lesson's `solution` (the session does: `StepList.solution`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .expressions import AnswerSyntaxError, evaluate_answer
from .mistakes import match
from .notation import fmt, shown
from .steps import Step

if TYPE_CHECKING:
    from .backprop import Solution

RIGHT, CLOSE, WRONG, NOT_UNDERSTOOD = "right", "close", "wrong", "not_understood"
CLOSE_FACTOR = 10.0  # "close" means within this many tolerances
PLAUSIBLE = 0.25  # a right or close value lies within this fraction of a clearly non-zero expected value


@dataclass(frozen=True)
class Tolerance:
    """Accept |typed - expected| <= max(rtol*|expected|, atol). rtol 5e-3 is 3 significant figures."""

    rtol: float = 5e-3
    atol: float = 1e-6

    def __post_init__(self) -> None:
        if not (self.rtol >= 0 and self.atol >= 0 and math.isfinite(self.rtol) and math.isfinite(self.atol)):
            raise ValueError(f"tolerances must be finite and >= 0 (rtol={self.rtol}, atol={self.atol})")

    def accepts(self, typed: float, expected: float, scale: float = 1.0) -> bool:
        return abs(typed - expected) <= scale * max(self.rtol * abs(expected), self.atol)


@dataclass(frozen=True)
class Verdict:
    kind: str  # RIGHT | CLOSE | WRONG | NOT_UNDERSTOOD
    message: str  # one short sentence for the learner
    value: float | None = None  # what the typed text evaluated to
    diagnosis: str | None = None  # id of the named slip, e.g. "transposed_w" (see mistakes.SLIP_TITLES)
    notes: tuple[str, ...] = ()  # how the parser read the text, e.g. "^ read as power (same as **)"

    @property
    def right(self) -> bool:
        return self.kind == RIGHT


def rounded_recompute(step: Step, digits: int) -> float | None:
    """The step's value recomputed from its operands as shown on screen (None if it has none)."""
    if not step.operands:
        return None
    try:
        value = float(step.recompute([shown(o.value, digits) for o in step.operands]))
    except (ArithmeticError, ValueError, IndexError, TypeError):
        return None
    return value if math.isfinite(value) else None


def plausible(typed: float, expected: float, tol: Tolerance) -> bool:
    """Never a wrong sign or a factor-2 error when the expected value is clearly not zero."""
    if abs(expected) <= tol.atol:
        return True
    return typed * expected > 0 and abs(typed - expected) < PLAUSIBLE * abs(expected)


def check(
    step: Step,
    text: str,
    names: Mapping[str, float] | None = None,
    tolerance: Tolerance = Tolerance(),
    digits: int = 4,
    solution: Solution | None = None,
) -> Verdict:
    """Judge what the learner typed for `step`. Slips are diagnosed only when `solution` (the
    lesson's `StepList.solution`) is given; everything else needs the step alone."""
    try:
        parsed = evaluate_answer(text, names or {})
    except AnswerSyntaxError as exc:
        return Verdict(NOT_UNDERSTOOD, str(exc))
    typed, expected, notes = parsed.value, float(step.value), parsed.notes
    tol = tolerance
    shown_right = fmt(expected, digits)

    if tol.accepts(typed, expected) and plausible(typed, expected, tol):
        return Verdict(RIGHT, f"Right: {step.label} = {shown_right}.", typed, notes=notes)
    pencil = rounded_recompute(step, digits)
    if pencil is not None and tol.accepts(typed, pencil) and plausible(typed, expected, tol):
        return Verdict(
            RIGHT,
            f"Right: {step.label} = {shown_right}; your {fmt(typed, digits)} is what the rounded values on screen give.",
            typed,
            notes=notes,
        )
    slip, known = None, False
    if solution is not None:
        slip, known = match(step, solution, typed, tol, digits, also_right=() if pencil is None else (pencil,))
        if slip is not None:
            return Verdict(WRONG, _sentence(slip.message), typed, diagnosis=slip.id, notes=notes)
    if not known and _close(step, typed, expected, tol) and plausible(typed, expected, tol):
        off = abs(typed - expected) / abs(expected) if expected else 0.0
        return Verdict(
            CLOSE,
            f"Close ({off:.1%} off), but not within tolerance: carry {digits} significant figures from the screen, "
            "and check that each number you used is the one the From line names.",
            typed,
            notes=notes,
        )
    return Verdict(WRONG, f"Not {fmt(typed, digits)}.", typed, notes=notes)


def _close(step: Step, typed: float, expected: float, tol: Tolerance) -> bool:
    """Within CLOSE_FACTOR tolerances. An update w′ = w − η ∂C/∂w is mostly the old w, so
    there the miss is measured against the step η ∂C/∂w: a wrong gradient is no rounding slip."""
    if step.kind in ("update_w", "update_b") and len(step.operands) == 3:
        old = step.operands[0].value
        change = abs(expected - old)
        return abs(typed - expected) <= CLOSE_FACTOR * max(tol.rtol * change, tol.atol)
    return tol.accepts(typed, expected, scale=CLOSE_FACTOR)


def _sentence(text: str) -> str:
    """Capitalise a slip's sentence, unless it opens with a symbol such as z³₁ or δ²₁."""
    text = text.strip()
    first = text.split(" ", 1)[0].rstrip(":,")
    if first.isascii() and first.replace("-", "").isalpha() and first.islower() and len(first) > 1:
        return text[:1].upper() + text[1:]
    return text
