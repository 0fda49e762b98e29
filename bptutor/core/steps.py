"""The ordered list of chain-rule terms a learner walks through, built from the traces.

A [784, 30, 10] lesson with 10 samples has about 300k steps, so the list is lazy: it keeps
a short table of blocks (one kind, sample and layer over a range of j and k) and makes a
`Step` only when asked for one. Teaching order: per sample the forward pass, the cost, BP1,
BP2 layer by layer towards the input, BP3/BP4; then the batch means, the update and the
cost after it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterator, Sequence

import numpy as np

from .backprop import Solution
from .costs import cancels, cost_value
from .network import forward
from .notation import fmt, sub, sup, sym
from .selectors import Selector

FORWARD, COST, BP1, BP2, BP34, BATCH, UPDATE = "forward", "cost", "BP1", "BP2", "BP3/BP4", "batch", "update"
GRAD_CHECK = "gradient check"

# Which part of the derivation each kind belongs to (the summary screen groups by these).
PHASE: dict[str, str] = {
    "z": FORWARD,
    "a": FORWARD,
    "cost": COST,
    "dC_da": BP1,
    "sigma_prime": BP1,
    "delta": BP1,  # BP2 for hidden layers; see Step.phase
    "bp2_term": BP2,
    "bp2_sum": BP2,
    "grad_b": BP34,
    "grad_w": BP34,
    "batch_cost": BATCH,
    "batch_grad_b": BATCH,
    "batch_grad_w": BATCH,
    "update_w": UPDATE,
    "update_b": UPDATE,
    "cost_after": UPDATE,
    "grad_check": GRAD_CHECK,
}


@dataclass(frozen=True)
class GradCheck:
    """Nudge one weight (or, with from_ None, one bias) by +-epsilon and compare the slope."""

    layer: int
    neuron: int
    from_: int | None = None
    epsilon: float = 1e-3


@dataclass(frozen=True)
class Operand:
    """One number a step is computed from: a value earned in an earlier step or a lesson datum."""

    symbol: str
    value: float
    step_id: str | None = None  # None for w, b, x, y, eta, which the lesson gives


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    sample: int | None  # 1-based, None for batch and update steps
    layer: int | None
    neuron: int | None  # j
    from_: int | None  # k, for bp2_term (neuron k of layer l+1) and weight kinds (neuron k of layer l-1)
    label: str  # Nielsen's symbol, e.g. δ³₁
    question: str  # what is asked, in words
    equation: str  # short name of the equation in use: BP1, BP2, ...
    general: str  # the general equation
    indexed: str  # the equation with this step's indices filled in
    substituted: str  # the equation with the numbers in, all but the last operation
    value: float
    operands_src: tuple[Operand, ...] | Callable[[], tuple[Operand, ...]] = field(repr=False, compare=False)
    recompute: Callable[[Sequence[float]], float] = field(repr=False, compare=False)
    asked: bool = True
    note: str | None = None

    @cached_property
    def operands(self) -> tuple[Operand, ...]:
        """The numbers this step is computed from. Made on first use: a 784-input z quotes
        1569 of them, and a ledger row or a progress count never needs them."""
        src = self.operands_src
        return tuple(src() if callable(src) else src)

    @property
    def uses(self) -> tuple[str, ...]:
        """Ids of the earlier steps whose values this one uses."""
        return tuple(dict.fromkeys(o.step_id for o in self.operands if o.step_id))

    @property
    def phase(self) -> str:
        if self.kind in ("delta", "sigma_prime") and self.equation in ("BP2", "σ′ (BP2)"):
            return BP2
        return PHASE[self.kind]


@dataclass(frozen=True)
class _Block:
    kind: str
    sample: int | None
    layer: int | None
    js: range  # neuron j (1-based)
    ks: range | None  # k (1-based) or None

    def __len__(self) -> int:
        return len(self.js) * (len(self.ks) if self.ks is not None else 1)

    def unravel(self, offset: int) -> tuple[int, int | None]:
        if self.ks is None:
            return self.js[offset], None
        j, k = divmod(offset, len(self.ks))
        return self.js[j], self.ks[k]


def step_id(kind: str, sample: int | None, layer: int | None, j: int | None, k: int | None) -> str:
    parts = [f"s{sample}"] if sample is not None else []
    parts.append(kind)
    if layer is not None:
        parts.append(f"l{layer}")
    if j is not None:
        parts.append(f"j{j}")
    if k is not None:
        parts.append(f"k{k}")
    return ".".join(parts)


def _plan(sol: Solution, checks: Sequence[GradCheck] = ()) -> list[_Block]:
    """The teaching order as blocks."""
    net, m = sol.problem.network, sol.problem.m
    L, sizes = net.L, net.sizes
    blocks: list[_Block] = []

    def add(kind, sample, layer, js, ks=None):
        blocks.append(_Block(kind, sample, layer, js, ks))

    for s in range(1, m + 1):
        for layer in range(2, L + 1):
            n = sizes[layer - 1]
            if net.act(layer).elementwise:
                for j in range(1, n + 1):
                    add("z", s, layer, range(j, j + 1))
                    add("a", s, layer, range(j, j + 1))
            else:
                add("z", s, layer, range(1, n + 1))
                add("a", s, layer, range(1, n + 1))
        add("cost", s, None, range(0))
        out = net.act(L)
        for j in range(1, sizes[-1] + 1):
            add("dC_da", s, L, range(j, j + 1))
            if out.elementwise:
                add("sigma_prime", s, L, range(j, j + 1))
            if not out.elementwise:
                continue
            add("delta", s, L, range(j, j + 1))
        if not out.elementwise:
            add("delta", s, L, range(1, sizes[-1] + 1))
        for layer in range(L - 1, 1, -1):
            for j in range(1, sizes[layer - 1] + 1):
                add("bp2_term", s, layer, range(j, j + 1), range(1, sizes[layer] + 1))
                add("bp2_sum", s, layer, range(j, j + 1))
                add("sigma_prime", s, layer, range(j, j + 1))
                add("delta", s, layer, range(j, j + 1))
        for layer in range(L, 1, -1):
            add("grad_b", s, layer, range(1, sizes[layer - 1] + 1))
            add("grad_w", s, layer, range(1, sizes[layer - 1] + 1), range(1, sizes[layer - 2] + 1))
    if m > 1:
        add("batch_cost", None, None, range(0))
        for layer in range(L, 1, -1):
            add("batch_grad_b", None, layer, range(1, sizes[layer - 1] + 1))
            add("batch_grad_w", None, layer, range(1, sizes[layer - 1] + 1), range(1, sizes[layer - 2] + 1))
    for c in checks:
        add("grad_check", None, c.layer, range(c.neuron, c.neuron + 1), None if c.from_ is None else range(c.from_, c.from_ + 1))
    if sol.updated is not None:
        for layer in range(L, 1, -1):
            add("update_b", None, layer, range(1, sizes[layer - 1] + 1))
            add("update_w", None, layer, range(1, sizes[layer - 1] + 1), range(1, sizes[layer - 2] + 1))
        add("cost_after", None, None, range(0))
    return blocks


class StepList(Sequence[Step]):
    """All steps of one lesson in teaching order; `asked` holds the indices the learner types."""

    def __init__(
        self,
        solution: Solution,
        ask: Sequence[Selector] | None = None,
        notes: Sequence[tuple[Selector, str]] = (),
        precision: int = 4,
        grad_checks: Sequence[GradCheck] = (),
    ):
        self.solution = solution
        self.precision = precision
        self.notes = tuple(notes)
        self._blocks = _plan(solution, grad_checks)
        # cost blocks have an empty js range but one step: give them js=None semantics
        self._sizes = np.array([max(len(b), 1) if b.kind in _SCALAR_KINDS else len(b) for b in self._blocks])
        self._starts = np.concatenate([[0], np.cumsum(self._sizes)]).astype(np.int64)
        self._builder = _Builder(solution, precision, {(c.layer, c.neuron, c.from_): c.epsilon for c in grad_checks})
        self._by_key: dict[tuple, list[int]] = {}
        for i, b in enumerate(self._blocks):
            self._by_key.setdefault((b.kind, b.sample, b.layer), []).append(i)
        self.asked = self._asked_indices(ask)
        self._asked_set_mask = np.zeros(len(self), dtype=bool)
        self._asked_set_mask[self.asked] = True

    @classmethod
    def of_lesson(cls, lesson) -> "StepList":
        """The step list of a loaded Lesson (bptutor.core.lesson), solved."""
        from .backprop import solve

        return cls(solve(lesson.problem()), lesson.ask, lesson.notes, lesson.precision, lesson.grad_checks)

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[x] for x in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        bi = bisect.bisect_right(self._starts, i) - 1
        block = self._blocks[bi]
        if block.kind in _SCALAR_KINDS:
            j, k = None, None
        else:
            j, k = block.unravel(i - int(self._starts[bi]))
        step = self._builder.build(block.kind, block.sample, block.layer, j, k)
        note = self._note_for(step)
        return _with(step, asked=bool(self._asked_set_mask[i]), note=note)

    def __iter__(self) -> Iterator[Step]:
        for i in range(len(self)):
            yield self[i]

    def index_of(self, id_: str) -> int:
        """Position of the step with this id; KeyError if there is none."""
        kind, sample, layer, j, k = parse_step_id(id_)
        for bi in self._by_key.get((kind, sample, layer), []):
            b = self._blocks[bi]
            if b.kind in _SCALAR_KINDS:
                return int(self._starts[bi])
            if j in b.js and (k is None) == (b.ks is None) and (k is None or k in b.ks):
                off = b.js.index(j) * (len(b.ks) if b.ks is not None else 1) + (b.ks.index(k) if k is not None else 0)
                return int(self._starts[bi]) + off
        raise KeyError(id_)

    def by_id(self, id_: str) -> Step:
        return self[self.index_of(id_)]

    def count_matching(self, selector: Selector) -> int:
        return int(self._mask([selector]).sum())

    def _asked_indices(self, ask: Sequence[Selector] | None) -> np.ndarray:
        if ask is None:
            return np.arange(len(self))
        return np.flatnonzero(self._mask(ask))

    def _mask(self, selectors: Sequence[Selector]) -> np.ndarray:
        mask = np.zeros(len(self), dtype=bool)
        for bi, b in enumerate(self._blocks):
            start, size = int(self._starts[bi]), int(self._sizes[bi])
            for sel in selectors:
                if sel.kind not in (None, b.kind) or sel.sample not in (None, b.sample) or sel.layer not in (None, b.layer):
                    continue
                if b.kind in _SCALAR_KINDS:
                    if sel.neuron is None and sel.from_ is None:
                        mask[start] = True
                    continue
                js = np.repeat(np.array(b.js), len(b.ks) if b.ks is not None else 1)
                ks = np.tile(np.array(b.ks), len(b.js)) if b.ks is not None else None
                hit = np.ones(size, dtype=bool)
                if sel.neuron is not None:
                    hit &= js == sel.neuron
                if sel.from_ is not None:
                    hit &= (ks == sel.from_) if ks is not None else False
                mask[start : start + size] |= hit
        return mask

    def _note_for(self, step: Step) -> str | None:
        texts = [t for sel, t in self.notes if sel.matches(step.kind, step.sample, step.layer, step.neuron, step.from_)]
        if step.note:
            texts.insert(0, step.note)
        return "\n".join(texts) if texts else None


_SCALAR_KINDS = ("cost", "batch_cost", "cost_after")


def _with(step: Step, **changes) -> Step:
    from dataclasses import replace

    return replace(step, **changes)


def parse_step_id(id_: str) -> tuple[str, int | None, int | None, int | None, int | None]:
    sample = layer = j = k = None
    kind = None
    for part in id_.split("."):
        if part[0] == "s" and part[1:].isdigit():
            sample = int(part[1:])
        elif part[0] == "l" and part[1:].isdigit():
            layer = int(part[1:])
        elif part[0] == "j" and part[1:].isdigit():
            j = int(part[1:])
        elif part[0] == "k" and part[1:].isdigit():
            k = int(part[1:])
        else:
            kind = part
    if kind is None:
        raise KeyError(id_)
    return kind, sample, layer, j, k


def _product(vals: Sequence[float]) -> float:
    return float(np.prod(vals))


def _sum(vals: Sequence[float]) -> float:
    return float(np.sum(vals))


def _neurons(n: int) -> str:
    """'the one neuron', 'both neurons', 'all 3 neurons': how a person counts them."""
    return "the one neuron" if n == 1 else ("both neurons" if n == 2 else f"all {n} neurons")


def _mean(vals: Sequence[float]) -> float:
    return float(np.mean(vals))


def _first(vals: Sequence[float]) -> float:
    return float(vals[0])


def _cost_recompute(cost: str, n: int) -> Callable[[Sequence[float]], float]:
    """C_x from operands a_1..a_n, y_1..y_n, the way the learner computes it from a."""

    def recompute(v: Sequence[float]) -> float:
        av, yv = np.array(v[:n]), np.array(v[n:])
        with np.errstate(divide="ignore", invalid="ignore"):
            if cost == "quadratic":
                return float(0.5 * np.sum((yv - av) ** 2))
            terms = np.where(yv != 0, yv * np.log(av), 0.0)
            if cost == "cross_entropy":
                terms = terms + np.where(1 - yv != 0, (1 - yv) * np.log1p(-av), 0.0)
            return float(-np.sum(terms))

    return recompute


class _Builder:
    """Makes one Step from the solution's arrays. Everything here is 1-based on the outside."""

    def __init__(self, sol: Solution, precision: int, epsilons: dict | None = None):
        self.epsilons = epsilons or {}
        self.sol = sol
        self.p = sol.problem
        self.net = sol.problem.network
        self.m = sol.problem.m
        self.digits = precision
        self.C = "Cₓ" if self.m > 1 else "C"

    def f(self, v: float) -> str:
        return fmt(float(v), self.digits)

    def _cost_numbers(self, cost: str, a: Sequence[float], y: Sequence[float]) -> str:
        """The cost with the numbers in, all but the last operation (at most four outputs)."""
        n = len(a)
        pairs = [(self.f(a[i]), self.f(y[i])) for i in range(min(n, 4))]
        more = " + …" if n > 4 else ""
        if cost == "quadratic":
            return "½(" + " + ".join(f"({yy} − {aa})²" for aa, yy in pairs) + more + ")"
        if cost == "cross_entropy":
            return "−(" + " + ".join(f"{yy}·ln {aa} + (1 − {yy})·ln(1 − {aa})" for aa, yy in pairs) + more + ")"
        return "−(" + " + ".join(f"{yy}·ln {aa}" for aa, yy in pairs) + more + ")"

    @cached_property
    def _after(self):
        """The forward pass with the updated weights and biases, for C′."""
        return forward(self.sol.updated, self.p.x)

    def build(self, kind, s, layer, j, k) -> Step:
        return getattr(self, "_" + kind)(s, layer, j, k)

    def _step(self, kind, s, layer, j, k, **kw) -> Step:
        kw["substituted"] = _bracket_negatives(kw["substituted"])
        kw["operands_src"] = kw.pop("operands")
        return Step(id=step_id(kind, s, layer, j, k), kind=kind, sample=s, layer=layer, neuron=j, from_=k, **kw)

    # ---- forward ----
    def _z(self, s, l, j, k):
        a_prev = self.sol.forward.a[l - 2][s - 1]
        w = self.net.w(l)[j - 1]
        b = self.net.b(l)[j - 1]
        value = _clean(float(self.sol.forward.z[l - 2][s - 1, j - 1]), float(np.abs(w * a_prev).sum() + abs(b)))
        n = len(a_prev)
        def ops():
            return (
                [Operand(sym("w", l, j, kk + 1), w[kk]) for kk in range(n)]
                + [Operand(self._a_sym(l - 1, kk + 1), a_prev[kk], self._a_id(s, l - 1, kk + 1)) for kk in range(n)]
                + [Operand(sym("b", l, j), b)]
            )

        terms = [f"{self.f(w[kk])}·{self.f(a_prev[kk])}" for kk in range(min(n, 4))]
        more = f" + … ({n - 4} more)" if n > 4 else ""
        iterms = [f"{sym('w', l, j, kk + 1)}{self._a_sym(l - 1, kk + 1)}" for kk in range(min(n, 4))]

        def recompute(v, n=n):
            return float(np.dot(v[:n], v[n : 2 * n]) + v[2 * n])

        return self._step(
            "z", s, l, j, k,
            label=sym("z", l, j),
            question=f"z of neuron {j} in layer {l}: its weighted input",
            equation="z",
            general="zˡⱼ = Σₖ wˡⱼₖ aˡ⁻¹ₖ + bˡⱼ",
            indexed=f"{sym('z', l, j)} = {' + '.join(iterms)}{' + …' if n > 4 else ''} + {sym('b', l, j)}",
            substituted=f"{sym('z', l, j)} = {' + '.join(terms)}{more} + {self.f(b)}",
            value=float(value), operands=ops, recompute=recompute,
        )

    def _a_sym(self, layer, j):
        return f"x{sub(j)}" if layer == 1 else sym("a", layer, j)

    def _a_id(self, s, layer, j):
        return None if layer == 1 else step_id("a", s, layer, j, None)

    def _a(self, s, l, j, k):
        act = self.net.act(l)
        z = self.sol.forward.z[l - 2][s - 1]
        value = self.sol.forward.a[l - 1][s - 1, j - 1]
        if act.elementwise:
            ops = (Operand(sym("z", l, j), z[j - 1], step_id("z", s, l, j, None)),)
            general = f"aˡⱼ = σ(zˡⱼ), {act.formula}"
            indexed = f"{sym('a', l, j)} = σ({sym('z', l, j)})"
            subst = f"{sym('a', l, j)} = {act.name}({self.f(z[j - 1])})"

            def recompute(v, act=act):
                return float(act.fn(np.array([v[0]]))[0])
        else:
            ops = tuple(Operand(sym("z", l, i + 1), z[i], step_id("z", s, l, i + 1, None)) for i in range(len(z)))
            general = act.formula
            indexed = f"{sym('a', l, j)} = e^{sym('z', l, j)} / Σᵢ e^{sym('z', l, 'i')}"
            subst = f"{sym('a', l, j)} = e^{self.f(z[j - 1])} / ({' + '.join('e^' + self.f(x) for x in z)})"

            def recompute(v, act=act, j=j):
                return float(act.fn(np.array(v))[j - 1])

        return self._step(
            "a", s, l, j, k, label=sym("a", l, j),
            question=f"a of neuron {j} in layer {l}: its activation",
            equation="a", general=general, indexed=indexed, substituted=subst,
            value=float(value), operands=ops, recompute=recompute,
        )

    # ---- cost ----
    def _cost(self, s, l, j, k):
        L = self.net.L
        a = self.sol.forward.a[-1][s - 1]
        y = self.p.y[s - 1]
        cost = self.p.cost
        n = len(a)
        ops = tuple(Operand(sym("a", L, i + 1), a[i], step_id("a", s, L, i + 1, None)) for i in range(n)) + tuple(
            Operand(f"y{sub(i + 1)}", y[i]) for i in range(n)
        )
        recompute, subst = _cost_recompute(cost.name, n), self._cost_numbers(cost.name, a, y)
        where = f" for sample {s}" if self.m > 1 else ""
        return self._step(
            "cost", s, None, None, None, label=self.C,
            question=f"the cost{where}: how far a{sup(L)} is from y, where {cost.formula}",
            equation="cost", general=cost.formula,
            indexed=cost.formula.replace("aᴸ", f"a{sup(L)}"),
            substituted=f"{self.C} = {subst}",
            value=float(self.sol.backward.cost[s - 1]), operands=ops, recompute=recompute,
        )

    # ---- BP1 ----
    def _dC_da(self, s, l, j, k):
        cost = self.p.cost
        a = float(self.sol.forward.a[-1][s - 1, j - 1])
        y = float(self.p.y[s - 1, j - 1])
        ops = (Operand(sym("a", l, j), a, step_id("a", s, l, j, None)), Operand(f"y{sub(j)}", y))
        if cost.name == "quadratic":
            subst = f"{self.f(a)} − {self.f(y)}"

            def recompute(v):
                return v[0] - v[1]
        elif cost.name == "cross_entropy":
            subst = f"({self.f(a)} − {self.f(y)}) / ({self.f(a)}·(1 − {self.f(a)}))"

            def recompute(v):
                return (v[0] - v[1]) / (v[0] * (1 - v[0]))
        else:
            subst = f"−{self.f(y)} / {self.f(a)}"

            def recompute(v):
                return -v[1] / v[0]

        aL = sym("a", l, j)
        return self._step(
            "dC_da", s, l, j, k, label=f"∂{self.C}/∂{aL}",
            question=f"how much the cost changes with the activation of output neuron {j}, where {cost.formula}",
            equation="∂C/∂a", general=cost.grad_formula + ("   (the ½ in C cancels the 2)" if cost.name == "quadratic" else ""),
            indexed=cost.grad_formula.replace("aᴸⱼ", aL).replace("yⱼ", f"y{sub(j)}").replace("∂C", f"∂{self.C}"),
            substituted=f"∂{self.C}/∂{aL} = {subst}",
            value=float(self.sol.backward.dC_da[s - 1, j - 1]), operands=ops, recompute=_guard(recompute),
        )

    def _sigma_prime(self, s, l, j, k):
        act = self.net.act(l)
        z = float(self.sol.forward.z[l - 2][s - 1, j - 1])
        label = f"σ′({sym('z', l, j)})"
        note = None
        if act.name == "relu" and z == 0:
            note = "ReLU has no derivative at z = 0 (its slope is 0 on the left and 1 on the right); this course uses relu′(0) = 0."

        def recompute(v, act=act):
            return float(act.prime(np.array([v[0]]))[0])

        return self._step(
            "sigma_prime", s, l, j, k, label=label,
            question=f"the slope of the activation ({act.name}) at z of neuron {j} in layer {l}",
            equation="σ′" if l == self.net.L else "σ′ (BP2)", general=act.prime_formula,
            indexed=act.prime_formula.replace("(z)", f"({sym('z', l, j)})"),
            substituted=f"{label} = {self._prime_numbers(act.name, z, float(self.sol.forward.a[l - 1][s - 1, j - 1]))}",
            value=float(self.sol.backward.sigma_prime[l - 2][s - 1, j - 1]),
            operands=(Operand(sym("z", l, j), z, step_id("z", s, l, j, None)),),
            recompute=recompute, note=note,
        )

    def _prime_numbers(self, name: str, z: float, a: float) -> str:
        """The slope with the numbers in, all but the last operation."""
        if name == "sigmoid":
            return f"a(1 − a) = {self.f(a)} × (1 − {self.f(a)})"
        if name == "tanh":
            return f"1 − a² = 1 − {self.f(a)}²"
        if name == "relu":
            return f"relu′({self.f(z)}): z {'>' if z > 0 else '<' if z < 0 else '='} 0"
        return "1 for every z"

    def _delta(self, s, l, j, k):
        value = float(self.sol.backward.delta[l - 2][s - 1, j - 1])
        d = sym("δ", l, j)
        if l == self.net.L:
            return self._bp1(s, l, j, d, value)
        total = float(self.sol.backward.bp2_sum[l - 2][s - 1, j - 1])
        sp = float(self.sol.backward.sigma_prime[l - 2][s - 1, j - 1])
        return self._step(
            "delta", s, l, j, k, label=d,
            question=f"how much the cost changes with z of neuron {j} in layer {l}",
            equation="BP2", general="δˡⱼ = (Σₖ wˡ⁺¹ₖⱼ δˡ⁺¹ₖ) σ′(zˡⱼ)",
            indexed=f"{d} = (Σₖ {sym('w', l + 1, 'k', j)} {sym('δ', l + 1, 'k')}) σ′({sym('z', l, j)})",
            substituted=f"{d} = {self.f(total)} × {self.f(sp)}",
            value=value,
            operands=(
                Operand(f"Σₖ {sym('w', l + 1, 'k', j)}{sym('δ', l + 1, 'k')}", total, step_id("bp2_sum", s, l, j, None)),
                Operand(f"σ′({sym('z', l, j)})", sp, step_id("sigma_prime", s, l, j, None)),
            ),
            recompute=_product,
        )

    def _bp1(self, s, l, j, d, value):
        cost, act = self.p.cost, self.net.act(l)
        a = self.sol.forward.a[-1][s - 1]
        y = self.p.y[s - 1]
        g = self.sol.backward.dC_da[s - 1]
        kw = dict(label=d, question=f"how much the cost changes with z of output neuron {j}", value=value)
        if cancels(cost, act):
            why = (
                "∂C/∂a = (a − y)/(a(1 − a)) and σ′(z) = a(1 − a): their product is a − y"
                if act.name == "sigmoid"
                else "Σᵢ (−yᵢ/aᵢ)·aᵢ(1[i=j] − aⱼ) = aⱼ Σᵢ yᵢ − yⱼ = aⱼ − yⱼ when the targets sum to 1"
            )
            ysum = float(np.sum(y))
            ops = (Operand(sym("a", l, j), float(a[j - 1]), step_id("a", s, l, j, None)), Operand(f"y{sub(j)}", float(y[j - 1])))
            if act.name == "softmax" and ysum != 1.0:
                ops += (Operand("Σᵢ yᵢ", ysum),)

                def recompute(v):
                    return v[0] * v[2] - v[1]
            else:

                def recompute(v):
                    return v[0] - v[1]

            return self._step(
                "delta", s, l, j, None, equation="BP1 (cancellation)",
                general=f"δᴸⱼ = aᴸⱼ − yⱼ   ({cost.name} with {act.name}: {why})",
                indexed=f"{d} = {sym('a', l, j)} − y{sub(j)}",
                substituted=f"{d} = {self.f(a[j - 1])} − {self.f(y[j - 1])}",
                operands=ops, recompute=recompute,
                note=f"The {act.name} slope cancels against the {cost.name.replace('_', '-')} gradient: {why}.", **kw,
            )
        if act.elementwise:
            sp = float(self.sol.backward.sigma_prime[l - 2][s - 1, j - 1])
            return self._step(
                "delta", s, l, j, None, equation="BP1",
                general="δᴸⱼ = ∂C/∂aᴸⱼ · σ′(zᴸⱼ)",
                indexed=f"{d} = ∂{self.C}/∂{sym('a', l, j)} · σ′({sym('z', l, j)})",
                substituted=f"{d} = {self.f(g[j - 1])} × {self.f(sp)}",
                operands=(
                    Operand(f"∂{self.C}/∂{sym('a', l, j)}", float(g[j - 1]), step_id("dC_da", s, l, j, None)),
                    Operand(f"σ′({sym('z', l, j)})", sp, step_id("sigma_prime", s, l, j, None)),
                ),
                recompute=_product, **kw,
            )
        n = len(a)
        ops = tuple(Operand(f"∂{self.C}/∂{sym('a', l, i + 1)}", float(g[i]), step_id("dC_da", s, l, i + 1, None)) for i in range(n))
        ops += tuple(Operand(sym("a", l, i + 1), float(a[i]), step_id("a", s, l, i + 1, None)) for i in range(n))

        def recompute(v, n=n, j=j):
            gv, av = np.array(v[:n]), np.array(v[n:])
            return float(av[j - 1] * (gv[j - 1] - np.dot(gv, av)))

        return self._step(
            "delta", s, l, j, None, equation="BP1 (softmax)",
            general="δᴸⱼ = Σᵢ ∂C/∂aᴸᵢ · aᴸᵢ(1[i=j] − aᴸⱼ)",
            indexed=f"{d} = {sym('a', l, j)}(∂C/∂{sym('a', l, j)} − Σᵢ ∂C/∂{sym('a', l, 'i')} {sym('a', l, 'i')})",
            substituted=f"{d} = {self.f(a[j - 1])} × ({self.f(g[j - 1])} − {self.f(float(np.dot(g, a)))})",
            operands=ops, recompute=recompute, **kw,
        )

    # ---- BP2 ----
    def _bp2_term(self, s, l, j, k):
        w = float(self.net.w(l + 1)[k - 1, j - 1])
        d = float(self.sol.backward.delta[l - 1][s - 1, k - 1])
        ws, ds = sym("w", l + 1, k, j), sym("δ", l + 1, k)
        return self._step(
            "bp2_term", s, l, j, k, label=f"{ws}{ds}",
            question=(
                f"the share of {ds} that flows back to neuron {j} of layer {l} through {ws}, "
                f"the weight into neuron {k} of layer {l + 1} from neuron {j} of layer {l}"
            ),
            equation="BP2", general="wˡ⁺¹ₖⱼ δˡ⁺¹ₖ   (one term of BP2's sum over k)",
            indexed=f"{ws} {ds}", substituted=f"{self.f(w)} × {self.f(d)}",
            value=w * d,
            operands=(Operand(ws, w), Operand(ds, d, step_id("delta", s, l + 1, k, None))),
            recompute=_product,
        )

    def _bp2_sum(self, s, l, j, k):
        n = self.net.sizes[l]
        d = self.sol.backward.delta[l - 1][s - 1]
        w = self.net.w(l + 1)[:, j - 1]
        terms = w * d
        label = f"Σₖ {sym('w', l + 1, 'k', j)}{sym('δ', l + 1, 'k')}"
        return self._step(
            "bp2_sum", s, l, j, None, label=label,
            question=f"the error that reaches neuron {j} of layer {l} from {_neurons(n)} of layer {l + 1}, before σ′",
            equation="BP2", general="Σₖ wˡ⁺¹ₖⱼ δˡ⁺¹ₖ   (BP2: (wˡ⁺¹)ᵀ δˡ⁺¹, row j)",
            indexed=" + ".join(f"{sym('w', l + 1, kk, j)}{sym('δ', l + 1, kk)}" for kk in range(1, min(n, 4) + 1)) + (" + …" if n > 4 else ""),
            substituted=" + ".join(self.f(t) for t in terms[:4]) + (f" + … ({n - 4} more)" if n > 4 else ""),
            value=_clean(float(self.sol.backward.bp2_sum[l - 2][s - 1, j - 1]), float(np.abs(terms).sum())),
            operands=tuple(
                Operand(f"{sym('w', l + 1, kk + 1, j)}{sym('δ', l + 1, kk + 1)}", float(terms[kk]), step_id("bp2_term", s, l, j, kk + 1))
                for kk in range(n)
            ),
            recompute=_sum,
        )

    # ---- BP3 / BP4 ----
    def _grad_b(self, s, l, j, k):
        d = float(self.sol.backward.delta[l - 2][s - 1, j - 1])
        return self._step(
            "grad_b", s, l, j, None, label=f"∂{self.C}/∂{sym('b', l, j)}",
            question=f"how much the cost changes with the bias of neuron {j} in layer {l}",
            equation="BP3", general="∂C/∂bˡⱼ = δˡⱼ",
            indexed=f"∂{self.C}/∂{sym('b', l, j)} = {sym('δ', l, j)}", substituted=f"∂{self.C}/∂{sym('b', l, j)} = {self.f(d)}",
            value=d, operands=(Operand(sym("δ", l, j), d, step_id("delta", s, l, j, None)),), recompute=_first,
        )

    def _grad_w(self, s, l, j, k):
        a = float(self.sol.forward.a[l - 2][s - 1, k - 1])
        d = float(self.sol.backward.delta[l - 2][s - 1, j - 1])
        asym = self._a_sym(l - 1, k)
        return self._step(
            "grad_w", s, l, j, k, label=f"∂{self.C}/∂{sym('w', l, j, k)}",
            question=f"how much the cost changes with the weight into neuron {j} of layer {l} from neuron {k} of layer {l - 1}",
            equation="BP4", general="∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ",
            indexed=f"∂{self.C}/∂{sym('w', l, j, k)} = {asym} {sym('δ', l, j)}",
            substituted=f"∂{self.C}/∂{sym('w', l, j, k)} = {self.f(a)} × {self.f(d)}",
            value=a * d,
            operands=(Operand(asym, a, self._a_id(s, l - 1, k)), Operand(sym("δ", l, j), d, step_id("delta", s, l, j, None))),
            recompute=_product,
        )

    # ---- mini-batch ----
    def _batch(self, kind, per_sample_kind, l, j, k, label, what, value, per_sample):
        m = self.m
        return self._step(
            kind, None, l, j, k, label=label,
            question=f"the mean of {what} over the m = {m} samples",
            equation="batch mean", general="∂C/∂θ = (1/m) Σₓ ∂Cₓ/∂θ" if kind != "batch_cost" else "C = (1/m) Σₓ Cₓ",
            indexed=f"{label} = (1/{m}) Σₓ {what}",
            substituted=f"{label} = ({' + '.join(self.f(v) for v in per_sample[:4])}{' + …' if m > 4 else ''}) / {m}",
            value=float(value),
            operands=tuple(
                Operand(f"{what} (sample {x + 1})", float(v), step_id(per_sample_kind, x + 1, l, j, k)) for x, v in enumerate(per_sample)
            ),
            recompute=_mean,
        )

    def _batch_cost(self, s, l, j, k):
        return self._batch("batch_cost", "cost", None, None, None, "C", "Cₓ", self.sol.cost, list(self.sol.backward.cost))

    def _batch_grad_b(self, s, l, j, k):
        label = f"∂C/∂{sym('b', l, j)}"
        return self._batch(
            "batch_grad_b", "grad_b", l, j, None, label, f"∂Cₓ/∂{sym('b', l, j)}",
            self.sol.grad_b[l - 2][j - 1], list(self.sol.backward.delta[l - 2][:, j - 1]),
        )

    def _batch_grad_w(self, s, l, j, k):
        label = f"∂C/∂{sym('w', l, j, k)}"
        return self._batch(
            "batch_grad_w", "grad_w", l, j, k, label, f"∂Cₓ/∂{sym('w', l, j, k)}",
            self.sol.grad_w[l - 2][j - 1, k - 1],
            list(self.sol.backward.delta[l - 2][:, j - 1] * self.sol.backward.a[l - 2][:, k - 1]),
        )

    # ---- update ----
    def _update(self, kind, l, j, k, name, old, new, grad, grad_id):
        eta = self.p.eta
        s_old = sym(name, l, j) if k is None else sym(name, l, j, k)
        what = f"bias of neuron {j} in layer {l}" if k is None else f"weight into neuron {j} of layer {l} from neuron {k} of layer {l - 1}"
        m_note = f"   (∂C/∂{name} is already the mean over the m = {self.m} samples: the step is η/m × their summed gradient)" if self.m > 1 else ""
        return self._step(
            kind, None, l, j, k, label=f"{s_old}′",
            question=f"the new {what} after one gradient-descent step",
            equation="update", general=f"{name} → {name}′ = {name} − η ∂C/∂{name}" + m_note,
            indexed=f"{s_old}′ = {s_old} − η ∂C/∂{s_old}",
            substituted=f"{s_old}′ = {self.f(old)} − {self.f(eta)} × {self.f(grad)}",
            value=float(new),
            operands=(Operand(s_old, float(old)), Operand("η", float(eta)), Operand(f"∂C/∂{s_old}", float(grad), grad_id)),
            recompute=lambda v: v[0] - v[1] * v[2],
        )

    def _grad_id(self, kind, l, j, k):
        return step_id(f"batch_{kind}", None, l, j, k) if self.m > 1 else step_id(kind, 1, l, j, k)

    def _update_w(self, s, l, j, k):
        return self._update(
            "update_w", l, j, k, "w", self.net.w(l)[j - 1, k - 1], self.sol.updated.w(l)[j - 1, k - 1],
            self.sol.grad_w[l - 2][j - 1, k - 1], self._grad_id("grad_w", l, j, k),
        )

    def _update_b(self, s, l, j, k):
        return self._update(
            "update_b", l, j, None, "b", self.net.b(l)[j - 1], self.sol.updated.b(l)[j - 1],
            self.sol.grad_b[l - 2][j - 1], self._grad_id("grad_b", l, j, None),
        )

    def _grad_check(self, s, l, j, k):
        from .backprop import batch_cost

        eps = self.epsilons[(l, j, k)]
        name = sym("w", l, j, k) if k is not None else sym("b", l, j)

        def nudged(sign: float) -> float:
            weights = [w.copy() for w in self.net.weights]
            biases = [b.copy() for b in self.net.biases]
            if k is None:
                biases[l - 2][j - 1] += sign * eps
            else:
                weights[l - 2][j - 1, k - 1] += sign * eps
            return batch_cost(self.p, self.net.with_params(weights, biases))

        up, down = nudged(1.0), nudged(-1.0)
        backprop = self.sol.grad_w[l - 2][j - 1, k - 1] if k is not None else self.sol.grad_b[l - 2][j - 1]
        digits = max(self.digits, 8)
        return self._step(
            "grad_check", None, l, j, k, label=f"ΔC/Δ{name}",
            question=(
                f"the slope of the cost when {name} is nudged by ±{fmt(eps)}: "
                f"(C({name} + ε) − C({name} − ε)) / 2ε. Backprop says ∂C/∂{name} = {fmt(backprop, digits)}"
            ),
            equation="finite difference", general="∂C/∂θ ≈ (C(θ + ε) − C(θ − ε)) / 2ε",
            indexed=f"ΔC/Δ{name} = (C({name} + {fmt(eps)}) − C({name} − {fmt(eps)})) / (2 × {fmt(eps)})",
            substituted=f"ΔC/Δ{name} = ({fmt(up, digits)} − {fmt(down, digits)}) / {fmt(2 * eps)}",
            value=(up - down) / (2 * eps),
            operands=(Operand(f"C({name} + ε)", up), Operand(f"C({name} − ε)", down), Operand("2ε", 2 * eps)),
            recompute=lambda v: (v[0] - v[1]) / v[2],
            note=self._grad_check_note((up - down) / (2 * eps), float(backprop)),
        )

    def _grad_check_note(self, nudged: float, backprop: float) -> str:
        """Say honestly whether the two agree, and why not at a ReLU kink (case C08)."""
        gap = abs(nudged - backprop) / max(abs(nudged) + abs(backprop), 1e-300)
        if gap < 1e-4:
            return "Backprop's partial derivative is the limit of this ratio as ε shrinks; here the two agree to about 4 significant figures or better."
        kinks = [
            f"z{sup(l)}{sub(j + 1)}"
            for l in range(2, self.net.L + 1)
            if self.net.act(l).name == "relu"
            for j in np.flatnonzero(np.any(np.abs(self.sol.forward.z[l - 2]) <= 1e-12, axis=0))
        ]
        if kinks:
            return (
                f"The two disagree: {', '.join(kinks[:3])} = 0 sits on ReLU's kink, where relu has no derivative. "
                "The nudge sees the mean of the slopes on either side; backprop uses the convention relu′(0) = 0. "
                "A gradient check must skip such points."
            )
        return f"The two differ by {gap:.1e} relative: ε is too large for how sharply the cost curves here; a smaller ε would agree better."

    def _cost_after(self, s, l, j, k):
        """C′ needs a second forward pass; the hints give its outputs aᴸ′ (or each Cₓ′), so
        the last rung leaves only the cost to work out."""
        before, after, L, cost = self.sol.cost, self.sol.cost_after, self.net.L, self.p.cost
        general = "C′ = C(w′, b′)   (run the forward pass again with the new weights and biases)"
        if self.m == 1:
            a, y = self._after.a[-1][0], self.p.y[0]
            n = len(a)
            ops = tuple(Operand(f"{sym('a', L, i + 1)}′", a[i]) for i in range(n)) + tuple(Operand(f"y{sub(i + 1)}", y[i]) for i in range(n))
            indexed = f"C′ = {cost.formula.split(' = ', 1)[1].replace('aᴸⱼ', f'a{sup(L)}′ⱼ')}, with a{sup(L)}′ from w′ and b′"
            subst, recompute = f"C′ = {self._cost_numbers(cost.name, a, y)}", _cost_recompute(cost.name, n)
        else:
            per_sample = cost_value(cost, self.net.act(L), self._after.z[-1], self._after.a[-1], self.p.y)
            ops = tuple(Operand(f"C′{sub(x + 1)}", float(c)) for x, c in enumerate(per_sample))
            shown = " + ".join(self.f(c) for c in per_sample[:4]) + (" + …" if self.m > 4 else "")
            indexed = "C′ = (1/m) Σₓ Cₓ(w′, b′)"
            subst, recompute = f"C′ = ({shown}) / {self.m}", _mean
        return self._step(
            "cost_after", None, None, None, None, label="C′",
            question=(
                f"the {'batch ' if self.m > 1 else ''}cost after the step, with every new w and b "
                f"(it was {self.f(before)} before): run the forward pass again"
            ),
            equation="update", general=general, indexed=indexed, substituted=subst,
            value=float(after), operands=ops, recompute=recompute,
        )


_NEGATIVE_OPERAND = re.compile(r"(?<=[×·−+/(] )-(\d[\d.e+-]*)|(?<=[×·])-(\d[\d.e+-]*)")


def _bracket_negatives(text: str) -> str:
    """'0.5 × -0.12' reads as a typo; write '0.5 × (-0.12)' as one would on paper."""
    return _NEGATIVE_OPERAND.sub(lambda m: f"(-{m[1] or m[2]})", text)


def _clean(value: float, scale: float) -> float:
    """A sum that cancels to round-off (2.8e-17 from -0.3 + 0.4 - 0.1) is 0 on paper."""
    return 0.0 if abs(value) <= 1e-12 * scale else value


def _guard(fn):
    def wrapped(v):
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(fn(v))

    return wrapped
