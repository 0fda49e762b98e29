"""The network as columns of neurons, with the z, a and δ values earned so far.

Only finished steps' values are shown. The neurons (and weights) the current step uses are
highlighted; the value being asked for shows as "?". Big layers show a window of neurons
around the ones in use, and the cost of one render depends on that window, never on the
number of weights.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.widgets import Static

from bptutor.core.notation import fmt, sup, sym
from bptutor.core.session import Session
from bptutor.core.steps import Step, step_id

DENSE = 8  # a layer with more neurons than this is drawn as a window, and no edges are drawn
WINDOW = 7  # neurons shown of a dense layer
MAX_WEIGHTS = 6  # weights listed under the network

HI, DIM, ASK, HEAD = "$accent bold", "$text-muted", "$warning bold reverse", "bold"

Part = tuple[str, str]
Line = list[Part]


@dataclass(frozen=True)
class Focus:
    """What one step touches: neurons per layer (None = the whole layer), the weights
    w^layer[rows, cols] (None = all), and the quantity asked for."""

    sample: int
    neurons: dict[int, frozenset[int] | None]
    weights: tuple[int, frozenset[int] | None, frozenset[int] | None] | None = None
    target: tuple[int, int, str] | None = None  # layer, j, "z" | "a" | "δ"


def focus_of(step: Step | None, L: int, m: int) -> Focus | None:
    if step is None:
        return None
    s, l, j, k = step.sample or m, step.layer, step.neuron, step.from_
    one = (lambda n: frozenset([n])) if j is not None else None
    kind = step.kind
    if kind in ("cost", "batch_cost", "cost_after"):
        return Focus(s, {L: None})
    if kind == "z":
        return Focus(s, {l: one(j), l - 1: None}, (l, one(j), None), (l, j, "z"))
    if kind == "a":
        return Focus(s, {l: one(j)}, None, (l, j, "a"))
    if kind in ("dC_da", "sigma_prime", "grad_b", "batch_grad_b", "update_b"):
        return Focus(s, {l: one(j)})
    if kind == "delta":
        if l == L:
            return Focus(s, {l: one(j)}, None, (l, j, "δ"))
        return Focus(s, {l: one(j), l + 1: None}, (l + 1, None, one(j)), (l, j, "δ"))
    if kind == "bp2_term":
        return Focus(s, {l: one(j), l + 1: frozenset([k])}, (l + 1, frozenset([k]), one(j)))
    if kind == "bp2_sum":
        return Focus(s, {l: one(j), l + 1: None}, (l + 1, None, one(j)))
    if kind == "grad_check" and k is None:
        return Focus(s, {l: one(j)})
    if kind in ("grad_w", "batch_grad_w", "update_w", "grad_check"):
        return Focus(s, {l: one(j), l - 1: frozenset([k])}, (l, one(j), frozenset([k])))
    return Focus(s, {})


QUANTITIES = ("z", "a", "δ")


def relevant(step: Step | None, L: int) -> dict[int, tuple[str, ...]]:
    """The quantities (z, a, δ) a step reads or asks for, per layer. A narrow view shows only
    these, and just a for every other layer (the input layer always shows x)."""
    if step is None:
        return {}
    l, kind = step.layer, step.kind
    if kind in ("cost", "batch_cost", "cost_after"):
        return {L: ("a",)}
    if kind == "z":
        return {l: ("z",), l - 1: ("a",)}
    if kind == "a":
        return {l: ("z", "a")}
    if kind == "dC_da":
        return {l: ("a",)}
    if kind == "sigma_prime":
        return {l: ("z",)}
    if kind == "delta":
        return {l: QUANTITIES} if l == L else {l: ("z", "δ"), l + 1: ("δ",)}
    if kind in ("bp2_term", "bp2_sum"):
        return {l: ("δ",), l + 1: ("δ",)}
    if kind in ("grad_w", "batch_grad_w", "update_w") or (kind == "grad_check" and step.from_ is not None):
        return {l: ("δ",), l - 1: ("a",)}
    if kind in ("grad_b", "batch_grad_b", "update_b", "grad_check"):
        return {l: ("δ",)}
    return {}


def window(n: int, focus: frozenset[int] | None) -> range:
    """1-based neurons shown of a layer of n."""
    if n <= DENSE:
        return range(1, n + 1)
    centre = min(focus) if focus else 1
    start = max(1, min(centre - WINDOW // 2, n - WINDOW + 1))
    return range(start, start + WINDOW)


class NetworkView(Static):
    """Render with `show(session)`; the session is the only state. Inside a `NetworkPane` it
    fits the pane's width (narrow columns when needed) and keeps the step's layers in view."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self._shown: tuple[Session, Step | None] | None = None
        self._fitted_to: int | None = None
        self.height_needed = 0  # rows drawn (+1 for a sideways scrollbar): does the ledger fit below?

    def show(self, session: Session, step: Step | None) -> None:
        self._shown = (session, step)
        self._draw()

    def refit(self) -> None:
        """The pane was resized: draw again if its width changed."""
        if self._shown is not None and self._available() != self._fitted_to:
            self._draw()

    def _available(self) -> int | None:
        pane = self.parent
        if isinstance(pane, NetworkPane) and pane.size.width > 0:
            return pane.scrollable_content_region.width
        return None

    def _draw(self) -> None:
        assert self._shown is not None
        session, step = self._shown
        width = self._fitted_to = self._available()
        lines, span = network_lines(session, step, width)
        self.height_needed = len(lines) + (1 if width and max(map(_width, lines)) > width else 0)
        self.update(Content("\n").join(Content.assemble(*line) for line in lines))
        if width and span:
            self.call_after_refresh(self._keep_in_view, span)

    def _keep_in_view(self, span: tuple[int, int]) -> None:
        pane = self.parent
        if not isinstance(pane, NetworkPane):
            return
        width, x = pane.scrollable_content_region.width, pane.scroll_x
        if span[1] > x + width:
            x = span[1] - width
        if span[0] < x:
            x = span[0]
        if x != pane.scroll_x:
            pane.scroll_to(x=x, animate=False)


class NetworkPane(ScrollableContainer):
    """Holds the NetworkView; scrolls when even the narrow drawing does not fit."""

    def on_resize(self) -> None:
        for view in self.query_children(NetworkView):
            view.refit()


def render_network(session: Session, step: Step | None, width: int | None = None) -> Content:
    """`step` is session.current, fetched once by the caller. Given the `width` available, a
    network wider than that is drawn narrow: only the quantities the step uses (see `relevant`)."""
    lines, _ = network_lines(session, step, width)
    return Content("\n").join(Content.assemble(*line) for line in lines)


def network_lines(session: Session, step: Step | None, width: int | None = None) -> tuple[list[Line], tuple[int, int] | None]:
    """The lines of the view, and the x span of the layers the step uses (to scroll them into view)."""
    steps = session.steps
    sol = steps.solution
    net = sol.problem.network
    L, m, sizes = net.L, sol.problem.m, net.sizes
    focus = focus_of(step, L, m)
    sample = focus.sample if focus else m
    done_before = session.current_index
    dense = max(sizes) > DENSE

    def known(kind: str, layer: int, j: int) -> bool:
        try:
            return steps.index_of(step_id(kind, sample, layer, j, None)) < done_before
        except KeyError:
            return False

    def lit(layer: int, j: int) -> bool:
        if focus is None or layer not in focus.neurons:
            return False
        chosen = focus.neurons[layer]
        return chosen is None or j in chosen

    windows = [window(sizes[i], focus.neurons.get(i + 1) if focus else None) for i in range(L)]
    columns: list[list[Line]] = []
    neuron_rows: list[dict[int, int]] = []  # per column: body row -> neuron j
    for layer in range(1, L + 1):
        rows: list[Line] = []
        at: dict[int, int] = {}
        shown = windows[layer - 1]
        n = sizes[layer - 1]
        if shown.start > 1:
            rows.append([(f" ⋮ {shown.start - 1} above", DIM)])
        for j in shown:
            at[2 + len(rows)] = j
            style = HI if lit(layer, j) else ""
            mark = "●" if lit(layer, j) else "○"
            if layer == 1:
                x = float(sol.problem.x[sample - 1, j - 1])
                rows.append([(f"{mark}{j:<2}", style), (f"{fmt(x)}", style)])
                continue
            cells: Line = [(f"{mark}{j:<2}", style)]
            for quantity, kind, values in (
                ("z", "z", sol.forward.z[layer - 2]),
                ("a", "a", sol.forward.a[layer - 1]),
                ("δ", "delta", sol.backward.delta[layer - 2]),
            ):
                if focus and focus.target == (layer, j, quantity):
                    cells.append(("?", ASK))
                elif known(kind, layer, j):
                    cells.append((fmt(float(values[sample - 1, j - 1])), style))
                else:
                    cells.append(("·", DIM))
            rows.append(cells)
        if shown.stop <= n:
            rows.append([(f" ⋮ {n - shown.stop + 1} below", DIM)])
        columns.append(rows)
        neuron_rows.append(at)

    uses = relevant(step, L)
    out, x_of = _arrange(net, columns, neuron_rows, focus, dense, None)
    if width and max(map(_width, out)) > width:
        out, x_of = _arrange(net, columns, neuron_rows, focus, dense, uses)
    span = None
    if uses:
        first, last = min(uses), min(max(uses), L)
        span = (x_of[first - 1][0], x_of[last - 1][1])
    out.extend(_weight_lines(net, focus, width))
    y = sol.problem.y[sample - 1]
    target = "y = (" + ", ".join(fmt(float(v)) for v in y[:DENSE]) + (", …" if len(y) > DENSE else "") + ")"
    if m > 1:  # a mini-batch: say whose values these are
        batch = step is not None and step.sample is None
        out.append([(f"x, z, a, δ, {target} of sample {sample} of {m}" + ("; this step uses every sample" if batch else ""), DIM)])
    else:
        out.append([(f"target {target}", DIM)])
    if step is None:
        out.append([("All steps finished: every value is known.", DIM)])
    return out, span


def _arrange(net, columns, neuron_rows, focus: Focus | None, dense: bool, uses: dict[int, tuple[str, ...]] | None):
    """Align each layer's cells into fixed-width fields and lay the layers side by side. With
    `uses` (narrow), a layer shows only the quantities it lists, else just a. Returns the lines
    and each layer's x span."""
    sizes = net.sizes
    blocks: list[list[Line]] = []
    for layer, rows in enumerate(columns, 1):
        if layer == 1:
            keep = [0, 1]
            head_cells = ["", "x"]
        else:
            wanted = QUANTITIES if uses is None else uses.get(layer, ("a",))
            keep = [0, *(1 + i for i, q in enumerate(QUANTITIES) if q in wanted)]
            head_cells = ["", *(f"{q}{sup(layer)}" for q in QUANTITIES if q in wanted)]
        kept = [row if len(row) == 1 else [row[i] for i in keep] for row in rows]
        width_of: dict[int, int] = {}
        for row in kept:
            if len(row) > 1:
                for i, (text, _) in enumerate(row):
                    width_of[i] = max(width_of.get(i, 0), cell_len(text))
        act = "input" if layer == 1 else net.act(layer).name
        for i, h in enumerate(head_cells):
            width_of[i] = max(width_of.get(i, 0), cell_len(h), 6 if i else 0)
        header: Line = []
        for i, h in enumerate(head_cells):
            header.append((_pad(h, width_of[i]) + (" " if i else ""), DIM))
        body = []
        for row in kept:
            if len(row) == 1:
                body.append(row)
                continue
            line: Line = []
            for i, (text, style) in enumerate(row):
                line.append((_pad(text, width_of[i]) + (" " if i else ""), style))
            body.append(line)
        name = f"layer {layer} · {act}" if uses is None else f"L{layer} {act}"
        title = name + (f" ({sizes[layer - 1]})" if sizes[layer - 1] > DENSE else "")
        blocks.append([[(title, HEAD)], header, *body])

    widths = [max(_width(line) for line in block) for block in blocks]
    height = max(len(b) for b in blocks)
    offsets = [0 if dense else (height - len(b)) // 2 for b in blocks]
    gutter = 3 if dense else 5
    x_of = []
    x = 0
    for c, w in enumerate(widths):
        x += gutter if c else 0
        x_of.append((x, x + w))
        x += w
    out: list[Line] = []
    for r in range(height):
        line: Line = []
        for c, block in enumerate(blocks):
            if c:
                line.extend(_gutter(c + 1, r, neuron_rows, offsets, focus) if not dense else [("   ", "")])
            br = r - offsets[c] if r >= 2 else r  # the two header lines stay on top
            cell = block[br] if 0 <= br < len(block) and (r < 2 or br >= 2) else []
            line.extend(cell)
            line.append((" " * (widths[c] - _width(cell)), ""))
        out.append(line)
    return out, x_of


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def _width(line: Line) -> int:
    return sum(cell_len(t) for t, _ in line)


# box-drawing joint by which arms it has: index = 8*left + 4*right + 2*up + down
_JOINTS = " ╷╵│╶┌└├╴┐┘┤─┬┴┼"


def _gutter(layer: int, r: int, neuron_rows, offsets, focus: Focus | None) -> Line:
    """The edges between layer-1 and layer, drawn as a bus: every neuron on the left joins
    every neuron on the right. The edges the step uses are highlighted."""
    left_rows = {row + offsets[layer - 2]: j for row, j in neuron_rows[layer - 2].items()}
    right_rows = {row + offsets[layer - 1]: j for row, j in neuron_rows[layer - 1].items()}
    every = sorted(set(left_rows) | set(right_rows))
    if not every:
        return [("     ", "")]
    top, bottom = every[0], every[-1]
    has_l, has_r = r in left_rows, r in right_rows
    up, down = top < r <= bottom, top <= r < bottom
    joint = _JOINTS[8 * has_l + 4 * has_r + 2 * up + down] if top <= r <= bottom else " "
    lit_l = lit_r = lit_bus = False
    if focus and focus.weights and focus.weights[0] == layer:
        _, rows_j, cols_k = focus.weights
        hl = [row for row, n in left_rows.items() if cols_k is None or n in cols_k]
        hr = [row for row, n in right_rows.items() if rows_j is None or n in rows_j]
        lit_l, lit_r = r in hl, r in hr
        if hl and hr:
            lit_bus = min(hl + hr) <= r <= max(hl + hr)
    return [
        (" ", ""),
        ("─" if has_l else " ", HI if lit_l else DIM),
        (joint, HI if lit_bus else DIM),
        ("─" if has_r else " ", HI if lit_r else DIM),
        (" ", ""),
    ]


def _weight_lines(net, focus: Focus | None, width: int | None = None) -> list[Line]:
    """The weights the step uses, under the network; cut to `width` (when given) so that a
    narrow view does not scroll sideways for them."""
    if not focus or not focus.weights:
        return []
    layer, rows_j, cols_k = focus.weights
    w = net.w(layer)
    n_out, n_in = w.shape
    js = sorted(rows_j) if rows_j is not None else range(1, n_out + 1)
    ks = sorted(cols_k) if cols_k is not None else range(1, n_in + 1)
    if len(js) == 1 and len(ks) == 1:
        j, k = js[0], ks[0]
        value: Part = (f"{sym('w', layer, j, k)} = {fmt(float(w[j - 1, k - 1]))}", HI)
        words: Part = (f"  the weight into neuron {j} of layer {layer} from neuron {k} of layer {layer - 1}", DIM)
        if width and _width([value, words]) > width:
            words = (f"  into {j} of layer {layer} from {k} of layer {layer - 1}", DIM)
        return [[value, words] if not width or _width([value, words]) <= width else [value]]
    if len(js) == 1:
        j = js[0]
        name, short = f"{sym('w', layer, j, 'k')} (row {j} of w{sup(layer)})", sym("w", layer, j, "k")
        pairs, total = [(j, k) for k in ks[:MAX_WEIGHTS]], len(ks)
    else:
        k = ks[0]
        name, short = f"{sym('w', layer, 'k', k)} (column {k} of w{sup(layer)})", sym("w", layer, "k", k)
        pairs, total = [(j, k) for j in js[:MAX_WEIGHTS]], len(js)

    def line(name: str, pairs: list[tuple[int, int]]) -> Line:
        parts: Line = [(name + ": ", DIM)]
        for j, k in pairs:
            parts.append((f"{sym('w', layer, j, k)} = {fmt(float(w[j - 1, k - 1]))}   ", HI))
        if total > len(pairs):
            parts.append((f"… ({total - len(pairs)} more)", DIM))
        return parts

    parts = line(name, pairs)
    if width and _width(parts) > width:
        parts = line(short, pairs)
        while len(pairs) > 1 and _width(parts) > width:
            pairs = pairs[:-1]
            parts = line(short, pairs)
    return [parts]
