"""The ledger: every finished step in order, like a written derivation.

A Line API widget: it draws only the rows on screen and fetches just those through
`session.ledger(start, stop)`, so a lesson with 300k steps costs no more than one with 30.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from bptutor.core.notation import fmt
from bptutor.core.session import REVEALED, Session, StepRecord
from bptutor.core.steps import Step

from ..messages import LedgerStepChosen
from ..symbols import MARKS, SHOWN

MAX_FETCH = 64  # never more rows than this per fetch (the window on screen is usually less)
def columns(digits: int) -> tuple[tuple[str, int], ...]:
    """The ledger's columns; the two number columns fit a value at the lesson's precision
    (sign, '0.', the digits and room for an exponent)."""
    number = max(10, digits + 6)
    return ((" step", 15), ("value", number), ("yours", number), ("  how", 12))


COLUMNS = columns(4)
SAMPLE_WIDTH = 8  # a lesson of several samples adds a first column: #2, or "batch"


def sample_cell(step: Step) -> str:
    """Which sample a row belongs to (a lesson of several samples): " #2", or " batch".
    Not x₂: on screen x₂ is the second input of a sample."""
    return f" #{step.sample}" if step.sample else " batch"


def row_cells(step: Step, record: StepRecord | None, digits: int) -> tuple[list[str], str]:
    """The text of one ledger row and its style key (right / close / hint / wrong / muted)."""
    outcome = record.outcome if (step.asked and record and record.outcome) else SHOWN
    mark, style = MARKS[outcome]
    earned = record is not None and record.value is not None and outcome not in (SHOWN, REVEALED)
    yours = fmt(record.value, digits) if earned and record is not None and record.value is not None else "—"
    return [f" {step.label}", fmt(step.value, digits), yours, f"  {mark}"], style


class Ledger(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "ledger--header",
        "ledger--cursor",
        "ledger--right",
        "ledger--close",
        "ledger--hint",
        "ledger--wrong",
        "ledger--muted",
    }
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("enter", "choose", "Open"),  # short: the footer is full while the ledger has focus
    ]

    cursor: reactive[int] = reactive(-1, init=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._session: Session | None = None
        self._rows: dict[int, tuple[Step, StepRecord | None]] = {}
        self._length = 0
        self._samples = False  # several samples: the first column says which one
        self._columns = COLUMNS

    # ---- data ----
    def show(self, session: Session) -> None:
        """Take the session's ledger length; follow the newest row unless the learner is
        reviewing (the ledger has focus and its cursor is away from the end)."""
        following = not self.has_focus or self.cursor < 0 or self.cursor >= self._length - 1
        self._session = session
        self._rows.clear()
        self._length = session.ledger_length()
        self._samples = session.steps.solution.problem.m > 1
        self._columns = columns(session.digits)
        self.set_class(self._samples, "-samples")
        self.virtual_size = Size(self._width, self._length + 1)
        if following or self.cursor >= self._length:
            self.cursor = self._length - 1
        self._reveal_cursor()
        self.refresh()

    @property
    def _width(self) -> int:
        return sum(w for _, w in self._columns) + (SAMPLE_WIDTH if self._samples else 0)

    @property
    def length(self) -> int:
        return self._length

    def _row(self, i: int) -> tuple[Step, StepRecord | None]:
        """Row i, fetching the rows from i to the bottom of the view in one call if missing."""
        if i not in self._rows:
            visible = max(1, min(MAX_FETCH, self.size.height))
            if len(self._rows) > 4 * MAX_FETCH:
                self._rows.clear()
            stop = i + visible
            while stop > i + 1 and (stop - 1) in self._rows:
                stop -= 1
            assert self._session is not None
            for offset, pair in enumerate(self._session.ledger(i, stop)):
                self._rows[i + offset] = pair
        return self._rows[i]

    # ---- drawing ----
    def render_line(self, y: int) -> Strip:
        width = max(self.size.width, self._width)
        if y == 0:
            style = self.get_component_rich_style("ledger--header")
            head = (set_cell_size(" sample", SAMPLE_WIDTH) if self._samples else "") + self._line([h for h, _ in self._columns])
            return Strip([Segment(set_cell_size(head, width), style)]).crop(0, self.size.width)
        row = int(self.scroll_offset.y) + y - 1
        if self._session is None or row >= self._length:
            return Strip.blank(self.size.width)
        step, record = self._row(row)
        cells, key = row_cells(step, record, self._session.digits)
        style = self.get_component_rich_style(f"ledger--{key}")
        if row == self.cursor and self.has_focus:
            style = style + self.get_component_rich_style("ledger--cursor")
        text = (set_cell_size(sample_cell(step), SAMPLE_WIDTH) if self._samples else "") + self._line(cells)
        text = set_cell_size(text, width)
        return Strip([Segment(text, style)]).crop(int(self.scroll_offset.x), int(self.scroll_offset.x) + self.size.width)

    def _line(self, cells: list[str]) -> str:
        out = []
        for (name, width), text in zip(self._columns, cells):
            if name.strip() in ("value", "yours") or text in ("value", "yours"):
                out.append(" " * max(0, width - 1 - cell_len(text)) + text + " ")
            else:
                out.append(set_cell_size(text, width))
        return "".join(out)

    def on_focus(self) -> None:
        self._reveal_cursor()
        self.refresh()

    def on_resize(self) -> None:
        self._reveal_cursor()

    def on_blur(self) -> None:
        self.refresh()

    # ---- moving ----
    def watch_cursor(self, cursor: int) -> None:
        self._reveal_cursor()
        self.refresh()

    def _reveal_cursor(self) -> None:
        """Scroll so the cursor row is on screen (row 0 of the widget is the header)."""
        if not self.size.height:
            return
        top, visible, cursor = int(self.scroll_offset.y), max(1, self.size.height - 1), self.cursor
        if 0 <= cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + visible:
            self.scroll_to(y=cursor - visible + 1, animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        if self._length:
            self.cursor = max(0, min(self._length - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 2))

    def action_move_to(self, row: int) -> None:
        if self._length:
            self.cursor = row % self._length

    def action_choose(self) -> None:
        if 0 <= self.cursor < self._length:
            self.post_message(LedgerStepChosen(self.cursor))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= row < self._length:
            self.cursor = row
            if event.chain == 2:
                self.post_message(LedgerStepChosen(row))
