"""Warnings for lesson authors that need the solved lesson: things that are legal but unwise."""

from __future__ import annotations

from .answers import Tolerance
from .mistakes import SLIP_TITLES, slips_for
from .notation import fmt
from .steps import StepList

MAX_TYPED_STEPS = 200


def lint(lesson) -> list:
    """Diagnostics (severity "warning") for a loaded lesson."""
    from .lesson import Diagnostic

    def warn(key: str, message: str) -> None:
        line, col = (getattr(lesson, "positions", None) or {}).get(key, (1, 1))
        out.append(Diagnostic(lesson.path, line, col, message, "warning"))

    out: list = []
    steps = StepList.of_lesson(lesson)
    for i, sel in enumerate(lesson.ask or ()):
        if steps.count_matching(sel) == 0:
            warn(f"ask[{i}]", f"ask[{i}] selects no step")
    if len(steps.asked) > MAX_TYPED_STEPS:
        warn("ask", f"{len(steps.asked)} typed steps is more than {MAX_TYPED_STEPS}; use `ask` to choose the ones worth typing")
    else:
        for message in _precision_problems(steps, lesson.precision, Tolerance(lesson.rtol, lesson.atol)):
            warn("precision", message)
    return out


def _precision_problems(steps: StepList, digits: int, tolerance: Tolerance) -> list[str]:
    """Asked steps whose right value and a classic slip look the same at the shown precision."""
    found = []
    for i in steps.asked:
        step = steps[int(i)]
        right = fmt(step.value, digits)
        for slip in slips_for(step, steps.solution, digits):
            if not tolerance.accepts(slip.value, step.value) and fmt(slip.value, digits) == right:
                found.append(
                    f"precision {digits} shows {step.label} = {right} for the right value and for "
                    f"'{SLIP_TITLES.get(slip.id, slip.id)}' ({slip.value!r}); raise precision"
                )
                break
    return found
