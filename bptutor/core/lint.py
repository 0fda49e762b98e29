"""Warnings for lesson authors that need the solved lesson: things that are legal but unwise."""

from __future__ import annotations

from .backprop import solve
from .steps import StepList

MAX_TYPED_STEPS = 200


def lint(lesson) -> list:
    """Diagnostics (severity "warning") for a loaded lesson."""
    from .lesson import Diagnostic

    def where(key: str) -> tuple[int, int]:
        positions = getattr(lesson, "positions", None) or {}
        return positions.get(key, (1, 1))

    out = []
    steps = StepList(solve(lesson.problem()), lesson.ask, lesson.notes, lesson.precision)
    for i, sel in enumerate(lesson.ask or ()):
        if steps.count_matching(sel) == 0:
            line, col = where(f"ask[{i}]")
            out.append(Diagnostic(lesson.path, line, col, f"ask[{i}] selects no step", "warning"))
    if len(steps.asked) > MAX_TYPED_STEPS:
        line, col = where("ask")
        out.append(
            Diagnostic(
                lesson.path, line, col,
                f"{len(steps.asked)} typed steps is more than {MAX_TYPED_STEPS}; use `ask` to choose the ones worth typing",
                "warning",
            )
        )
    return out
