"""Every step of a lesson worked out: label = value, the equation with indices, and with the
numbers. Line API: it builds only the steps on screen, whatever the lesson's size."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from bptutor.core.notation import fmt
from bptutor.core.steps import Step, StepList

LINES_PER_STEP = 4


class WorkedList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"worked--label", "worked--body", "worked--asked"}

    def __init__(self, steps: StepList, **kwargs) -> None:
        super().__init__(**kwargs)
        self.steps = steps
        self._cache: dict[int, Step] = {}
        self.virtual_size = Size(1, len(steps) * LINES_PER_STEP)  # no sideways scrolling: lines are cut

    def _step(self, i: int) -> Step:
        if i not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[i] = self.steps[i]
        return self._cache[i]

    def lines_of(self, i: int) -> list[tuple[str, str]]:
        step = self._step(i)
        asked = "typed by you" if step.asked else "shown"
        return [
            (f"{i + 1:>5}  {step.label} = {fmt(step.value, self.steps.precision)}   ({step.equation}; {asked})", "worked--label"),
            (f"       {step.indexed}", "worked--body"),
            (f"       {step.substituted}", "worked--body"),
            ("", "worked--body"),
        ]

    def render_line(self, y: int) -> Strip:
        line = int(self.scroll_offset.y) + y
        i, part = divmod(line, LINES_PER_STEP)
        if i >= len(self.steps):
            return Strip.blank(self.size.width)
        text, key = self.lines_of(i)[part]
        style = self.get_component_rich_style(key)
        width = self.size.width
        if cell_len(text) > width:
            text = set_cell_size(text, max(0, width - 1)) + "…"
        return Strip([Segment(set_cell_size(text, width), style)])
