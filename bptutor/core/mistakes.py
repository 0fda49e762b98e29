"""The classic backpropagation slips, computed from the lesson's own numbers.

For a step, `slips_for(step, solution)` lists the values a learner gets by making one well-known
mistake (a forgotten bias, w_kj for w_jk, σ′ left out, y − a for a − y, a summed mini-batch, ...),
each as a `Slip(id, value, message)`. Every value is computed from the solution's arrays (and the
step's operands), never hard-coded, so a lesson with different numbers gets different slips.

The catalogue, by step kind (ids as in `SLIP_TITLES`; every gradient kind also gets `sign_flip`,
and `factor_2` when the cost is quadratic):

    z              bias_forgotten, transposed_w (square layers), a_for_z
    a              z_for_a, wrong_activation, softmax_not_normalised
    cost           half_dropped, mean_over_outputs, ce_missing_term, sign_flip
    dC_da          sign_flip (with the cost a wrong-sign step would reach), factor_2, other_target,
                   wrong_cost_grad
    sigma_prime    sigma_not_prime, prime_at_a, z_in_prime (z put in a(1 − a) or 1 − a²), wrong_layer_prime,
                   wrong_activation_prime, relu_kink
    delta (BP1)    missing_sigma_prime, prime_at_a, sigma_prime_twice (sigmoid or softmax), softmax_diagonal,
                   missing_jacobian, relu_kink
    delta (BP2)    transposed_w, single_term, term_sign, sigma_prime_next_layer, missing_sigma_prime,
                   prime_at_a, wrong_layer_delta, relu_kink
    bp2_term       transposed_w, wrong_layer_w
    bp2_sum        transposed_w, single_term, term_sign, sigma_prime_too_early
    grad_b         grad_w_for_b, wrong_layer_delta, relu_kink
    grad_w         transposed_w, a_of_layer_l, w_for_a, wrong_layer_delta, wrong_layer_w, grad_b_for_w, relu_kink
    batch_*        summed_not_mean, last_sample_only
    update_w/b     sign_flip, eta_forgotten, bias_not_updated / not_updated, factor_2,
                   summed_not_mean, last_sample_only, divided_twice, other_gradient
    cost_after     cost_not_updated, bias_not_updated (weights-only step), sign_flip
    grad_check     one_eps, sign_flip

`distinguishing()` keeps only slips that explain a number unambiguously: a slip whose value is
accepted as right (within the tolerance, or equal to what the rounded operands on screen give), or
that coincides with another slip, is dropped. Two coincidences are settled by precedence instead,
because the numbers cannot tell them apart and one explanation is plainly the one in play
(`PRECEDENCE`): at a ReLU kink (z exactly 0) every "σ′ replaced by 1" variant *is* the relu′(0)
question; and in a mini-batch step a summed gradient outranks "η left out" (equal when η·m = 1)
and "factor 2 kept" (equal when m = 2), which would have been named at ∂C/∂a already.

`diagnose(step, solution, typed, tolerance)` returns the slip the typed value matches, if any;
`match()` also says whether the value matched an ambiguous slip (then it is wrong, not "close").

Cost per call: a few row lookups in the solution's arrays. Families that enumerate one candidate
per neuron (a single term of BP2's sum, a^(l-1)_k δ for ∂C/∂b) stop after `MAX_TERMS` neurons;
no whole layer is visited more than once. The two slips that need a new forward pass (the cost
after a wrong-sign step or a weights-only step) compute it once per solution and cache it.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .activations import ACTIVATIONS
from .backprop import Solution, batch_cost
from .costs import cancels
from .notation import fmt, sub, sup, sym

if TYPE_CHECKING:
    from .steps import Step

MAX_TERMS = 32  # per-neuron candidates looked at in one family

# id -> short title, for a summary of recurring slips.
SLIP_TITLES: dict[str, str] = {
    "bias_forgotten": "bias left out of z",
    "transposed_w": "the two indices of w swapped (wⱼₖ and wₖⱼ)",
    "a_for_z": "a typed where z was asked",
    "z_for_a": "z typed where a was asked",
    "z_in_prime": "z put where a belongs in σ′",
    "wrong_activation": "another activation function",
    "softmax_not_normalised": "softmax not divided by its sum",
    "half_dropped": "½ of the quadratic cost dropped",
    "mean_over_outputs": "cost averaged over the outputs instead of summed",
    "ce_missing_term": "cross-entropy's (1 − y) ln(1 − a) term left out",
    "sign_flip": "sign flipped",
    "factor_2": "factor 2 kept (the ½ of the quadratic cost ignored)",
    "other_target": "another output's target y",
    "wrong_cost_grad": "another cost's gradient",
    "sigma_not_prime": "σ(z) in place of σ′(z)",
    "wrong_layer_prime": "σ′ of another layer's z",
    "prime_at_a": "σ′ evaluated at a instead of z",
    "wrong_activation_prime": "another activation's derivative",
    "relu_kink": "ReLU slope at z = 0",
    "missing_sigma_prime": "factor σ′(z) left out",
    "sigma_prime_twice": "σ′ multiplied in although it cancels",
    "softmax_diagonal": "only the diagonal of the softmax Jacobian",
    "missing_jacobian": "softmax Jacobian left out",
    "single_term": "one term of BP2's sum over k",
    "term_sign": "a negative term of BP2's sum added as positive",
    "sigma_prime_next_layer": "σ′ of layer l+1 in BP2",
    "sigma_prime_too_early": "σ′ multiplied into BP2's sum",
    "wrong_layer_delta": "δ of the wrong layer",
    "wrong_layer_w": "weight matrix numbered by its source layer",
    "a_of_layer_l": "a of layer l in BP4 instead of layer l−1",
    "grad_b_for_w": "∂C/∂b typed for ∂C/∂w (the a factor left out)",
    "grad_w_for_b": "∂C/∂w typed for ∂C/∂b",
    "w_for_a": "the weight in BP4 instead of the activation it carries",
    "other_gradient": "another weight's gradient in the update",
    "summed_not_mean": "mini-batch summed, not averaged",
    "last_sample_only": "only the last sample of the batch",
    "divided_twice": "batch mean divided by m again",
    "eta_forgotten": "learning rate η left out",
    "bias_not_updated": "biases not updated",
    "not_updated": "weight not updated",
    "cost_not_updated": "cost before the step",
    "one_eps": "central difference divided by ε, not 2ε",
}

# winner id -> the ids it outranks when their values coincide ("*": every other slip)
PRECEDENCE: dict[str, frozenset[str] | str] = {
    "relu_kink": "*",
    "summed_not_mean": frozenset({"eta_forgotten", "factor_2"}),
}

GRADIENT_KINDS = frozenset(
    {"dC_da", "delta", "bp2_term", "bp2_sum", "grad_b", "grad_w", "batch_grad_b", "batch_grad_w"}
)


@dataclass(frozen=True)
class Slip:
    """One named mistake: its stable id, the number it produces in this lesson, and one sentence
    naming the slip and the fix."""

    id: str
    value: float
    message: str


class _Accepts(Protocol):
    def accepts(self, typed: float, expected: float, scale: float = 1.0) -> bool: ...


# ---------------------------------------------------------------------------------------------
# reading the solution


def _asym(layer: int, j: int | str) -> str:
    """a of layer `layer`, written x for the input layer."""
    return f"x{sub(j)}" if layer == 1 else sym("a", layer, j)


def _i(letter: str, layer: int) -> str:
    """e.g. aᴸᵢ with the real layer number: sym() has no subscript i."""
    return f"{letter}{sup(layer)}ᵢ"


def _y(j: int | str) -> str:
    return f"y{sub(j)}"


class _Ctx:
    """One step and the solution's rows for its sample, 1-based on the outside."""

    def __init__(self, step: Step, sol: Solution, digits: int):
        self.step, self.sol, self.digits = step, sol, digits
        self.p = sol.problem
        self.net = sol.problem.network
        self.L, self.m = self.net.L, self.p.m
        self.s = (step.sample or 1) - 1
        self.l, self.j, self.k = step.layer, step.neuron, step.from_
        self.value = float(step.value)
        self.quadratic = self.p.cost.name == "quadratic"

    def f(self, v: float) -> str:
        return fmt(float(v), self.digits)

    def n(self, layer: int) -> int:
        return self.net.sizes[layer - 1]

    def has(self, layer: int, j: int) -> bool:
        """Does neuron j exist in this non-input layer?"""
        return 2 <= layer <= self.L and 1 <= j <= self.n(layer)

    def z(self, layer: int) -> np.ndarray:
        return self.sol.forward.z[layer - 2][self.s]

    def a(self, layer: int) -> np.ndarray:
        return self.sol.forward.a[layer - 1][self.s]

    def delta(self, layer: int) -> np.ndarray:
        return self.sol.backward.delta[layer - 2][self.s]

    def sp(self, layer: int) -> np.ndarray | None:
        sp = self.sol.backward.sigma_prime[layer - 2]
        return None if sp is None else sp[self.s]

    def upstream(self, layer: int, j: int) -> float | None:
        """What σ′(z^l_j) multiplies: Σₖ w δ for a hidden layer, ∂C/∂a for the output layer."""
        if layer < self.L:
            return float(self.sol.backward.bp2_sum[layer - 2][self.s, j - 1])
        if cancels(self.p.cost, self.net.act(layer)) or not self.net.act(layer).elementwise:
            return None
        return float(self.sol.backward.dC_da[self.s, j - 1])

    def at_kink(self, layer: int, j: int) -> bool:
        return self.net.act(layer).name == "relu" and self.z(layer)[j - 1] == 0.0


def _kink_slips(c: _Ctx, layer: int, j: int, scale: float, what: str) -> list[Slip]:
    """Values obtained with relu′(0) = 1 or 0.5 at a ReLU z of exactly 0, times `scale`."""
    if not c.at_kink(layer, j):
        return []
    up = c.upstream(layer, j)
    if up is None:
        return []
    zs = sym("z", layer, j)
    out = []
    for slope, how in ((1.0, "1 (the right-hand slope)"), (0.5, "0.5 (the average of 0 and 1)")):
        out.append(
            Slip(
                "relu_kink",
                up * slope * scale,
                f"{zs} = 0 exactly, where ReLU is not differentiable: this course uses relu′(0) = 0 "
                f"(as torch.relu does), not {how}, so {what}.",
            )
        )
    return out


def _cost_after(sol: Solution, which: str) -> float | None:
    """The batch cost after a gradient-ascent step ("ascent") or a weights-only step, cached."""
    if sol.problem.eta is None:
        return None
    key = id(sol)
    hit = _CACHE.get(key)
    if hit is None or hit[0]() is not sol:
        hit = (weakref.ref(sol), {})
        _CACHE[key] = hit
        if len(_CACHE) > 64:
            for k in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
                del _CACHE[k]
    memo = hit[1]
    if which not in memo:
        net, eta = sol.problem.network, sol.problem.eta
        if which == "ascent":
            moved = net.with_params(
                [w + eta * g for w, g in zip(net.weights, sol.grad_w)],
                [b + eta * g for b, g in zip(net.biases, sol.grad_b)],
            )
        else:
            moved = net.with_params([w - eta * g for w, g in zip(net.weights, sol.grad_w)], net.biases)
        with np.errstate(all="ignore"):
            memo[which] = batch_cost(sol.problem, moved)
    return memo[which]


_CACHE: dict[int, tuple[weakref.ref, dict[str, float]]] = {}


def _uphill(c: _Ctx) -> str:
    """' (your update would raise the cost from 0.72 to 1.26405)' when a lesson has a step."""
    after = _cost_after(c.sol, "ascent")
    if after is None or not math.isfinite(after):
        return ""
    wide = max(c.digits, 6)
    if after > c.sol.cost:
        return f" (your update would raise the cost from {fmt(c.sol.cost, wide)} to {fmt(after, wide)})"
    return " (your update would climb the gradient instead of descending it)"


def _uphill_alone(c: _Ctx, is_b: bool) -> str:
    """For one update step: the cost with only this parameter stepped the wrong way."""
    net, eta = c.net, c.p.eta
    l, j, k = c.l, c.j, c.k
    weights, biases = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    if is_b:
        biases[l - 2][j - 1] += eta * float(c.sol.grad_b[l - 2][j - 1])
    else:
        weights[l - 2][j - 1, k - 1] += eta * float(c.sol.grad_w[l - 2][j - 1, k - 1])
    with np.errstate(all="ignore"):
        after = batch_cost(c.p, net.with_params(weights, biases))
    if not math.isfinite(after) or after <= c.sol.cost:
        return ""
    wide = max(c.digits, 6)
    return f" (that move alone would raise the cost from {fmt(c.sol.cost, wide)} to {fmt(after, wide)})"


def _grouped(pairs: Iterable[tuple[int, float]]) -> list[tuple[list[int], float]]:
    """(index, value) pairs grouped by equal value, first occurrence first."""
    groups: dict[float, list[int]] = {}
    for i, v in pairs:
        groups.setdefault(float(v), []).append(i)
    return [(ix, v) for v, ix in groups.items()]


def _names(prefix: Callable[[int], str], ix: Sequence[int]) -> str:
    return " or ".join(prefix(i) for i in ix[:3]) + (" …" if len(ix) > 3 else "")


# ---------------------------------------------------------------------------------------------
# the families, one per kind of step


def _z(c: _Ctx) -> list[Slip]:
    l, j = c.l, c.j
    zs, bs = sym("z", l, j), sym("b", l, j)
    b = float(c.net.b(l)[j - 1])
    rule = f"{zs} = Σₖ {sym('w', l, j, 'k')}{_asym(l - 1, 'k')} + {bs}"
    out = [Slip("bias_forgotten", c.value - b, f"you left out the bias: {rule}, so add {bs} = {c.f(b)}.")]
    w = c.net.w(l)
    if j <= w.shape[1]:  # w_kj read for w_jk: column j, over the k that both layers have
        n = min(w.shape)
        out.append(
            Slip(
                "transposed_w",
                float(w[:n, j - 1] @ c.a(l - 1)[:n] + b),
                f"you used {sym('w', l, 'k', j)} (w_kj); in {sym('w', l, 'j', 'k')}, j is the neuron in layer {l} "
                f"and k the neuron in layer {l - 1}: {rule}.",
            )
        )
    out.append(
        Slip(
            "a_for_z",
            float(c.a(l)[j - 1]),
            f"that is {sym('a', l, j)} = σ({zs}), the activation; {zs} is the weighted input before it: {rule}.",
        )
    )
    return out


def _a(c: _Ctx) -> list[Slip]:
    l, j = c.l, c.j
    act, zs, as_ = c.net.act(l), sym("z", l, j), sym("a", l, j)
    z = float(c.z(l)[j - 1])
    out = [Slip("z_for_a", z, f"that is {zs}, the weighted input; apply the activation: {as_} = {act.name}({zs}).")]
    for other in ("sigmoid", "tanh"):
        if other != act.name:
            with np.errstate(all="ignore"):
                v = float(ACTIVATIONS[other].fn(np.array([z]))[0])
            out.append(Slip("wrong_activation", v, f"layer {l} applies {act.name}, not {other}: {as_} = {act.name}({zs})."))
    if not act.elementwise:
        with np.errstate(all="ignore"):
            v = float(np.exp(z))
        out.append(
            Slip("softmax_not_normalised", v, f"softmax divides by the sum over the layer: {as_} = e^{zs} / Σᵢ e^{_i('z', l)}.")
        )
    return out


def _cost(c: _Ctx) -> list[Slip]:
    L, n, C = c.L, c.n(c.L), c.value
    a, y = c.a(L), c.p.y[c.s]
    out = []
    if c.quadratic:
        out.append(Slip("half_dropped", 2 * C, "this lesson's quadratic cost carries the factor ½: Cₓ = ½ Σⱼ (yⱼ − aᴸⱼ)²."))
    else:
        out.append(Slip("sign_flip", -C, "sign: ln a is negative, so the minus sign in front of the sum makes C positive."))
    if c.p.cost.name == "cross_entropy":
        with np.errstate(all="ignore"):
            first = -float(np.sum(np.where(y != 0, y * np.log(a), 0.0)))
        out.append(Slip("ce_missing_term", first, "cross-entropy has two terms per output: add (1 − yⱼ) ln(1 − aᴸⱼ) to yⱼ ln aᴸⱼ."))
    out.append(Slip("mean_over_outputs", C / n, f"the cost sums over the {n} output neurons; don't divide by {n}."))
    return out


def _sign_bp1(c: _Ctx, lhs: str) -> Slip:
    j, aL = c.j, sym("a", c.L, c.j)
    if c.quadratic or cancels(c.p.cost, c.net.act(c.L)):
        text = f"sign: {lhs} = {aL} − {_y(j)}, not {_y(j)} − {aL}"
    else:
        text = f"sign: {c.p.cost.grad_formula}, and yours has the opposite sign"
    return Slip("sign_flip", -c.value, text + _uphill(c) + ".")


def _factor_2_bp1(c: _Ctx) -> Slip:
    aL = sym("a", c.L, c.j)
    return Slip(
        "factor_2",
        2 * c.value,
        f"this lesson's quadratic cost carries the factor ½, so ∂C/∂{aL} = {aL} − {_y(c.j)}: the 2 from the square cancels it.",
    )


def _dC_da(c: _Ctx) -> list[Slip]:
    L, j = c.L, c.j
    aL = sym("a", L, j)
    a, y = float(c.a(L)[j - 1]), c.p.y[c.s]
    out = [_sign_bp1(c, f"∂C/∂{aL}")]
    if c.quadratic:
        out.append(_factor_2_bp1(c))
    else:
        out.append(
            Slip(
                "wrong_cost_grad",
                a - float(y[j - 1]),
                f"that is {aL} − {_y(j)}, the quadratic cost's gradient; this lesson's cost is {c.p.cost.name}: "
                f"{c.p.cost.grad_formula}.",
            )
        )
    others = ((k + 1, v) for k, v in enumerate(y[:MAX_TERMS]) if k + 1 != j and v != y[j - 1])
    for ks, yk in _grouped(others):
        try:
            with np.errstate(all="ignore"):
                v = float(c.step.recompute([a, yk]))
        except (ArithmeticError, ValueError, IndexError):
            continue
        out.append(
            Slip(
                "other_target",
                v,
                f"you used {_names(_y, ks)}, the target of another output; {aL} is compared with its own target {_y(j)}.",
            )
        )
    return out


def _sigma_prime(c: _Ctx) -> list[Slip]:
    l, j = c.l, c.j
    act, zs, as_ = c.net.act(l), sym("z", l, j), sym("a", l, j)
    z, a = float(c.z(l)[j - 1]), float(c.a(l)[j - 1])
    rule = act.prime_formula.replace("(z)", f"({zs})")
    at_z = f"evaluate σ′ at {zs} = {c.f(z)}, not at {as_}" + (f": σ′({zs}) = {as_}(1 − {as_})" if act.name == "sigmoid" else "")
    out = [
        Slip("sigma_not_prime", a, f"that is {as_} = σ({zs}) itself; the slope is {rule}."),
        Slip("prime_at_a", float(act.prime(np.array([a]))[0]), at_z + "."),
    ]
    if act.name == "sigmoid":  # a(1 − a) with z put in for a
        out.append(Slip("z_in_prime", z * (1 - z), f"σ′({zs}) = {as_}(1 − {as_}) uses the activation {as_} = {c.f(a)}, not {zs}."))
    if act.name != "sigmoid":
        out.append(Slip("wrong_activation_prime", a * (1 - a), f"{as_}(1 − {as_}) is the sigmoid's slope; layer {l} uses {act.name}: {rule}."))
    if act.name == "tanh":
        out.append(Slip("z_in_prime", 1 - z * z, f"tanh′({zs}) = 1 − {as_}² uses the activation {as_} = {c.f(a)}, not {zs}."))
    for other in (l + 1, l - 1):
        sp_other = c.sp(other) if 2 <= other <= c.L else None
        if sp_other is not None and j <= len(sp_other):
            out.append(
                Slip(
                    "wrong_layer_prime",
                    float(sp_other[j - 1]),
                    f"that is σ′({sym('z', other, j)}), the slope in layer {other}; this step is the slope at {zs} in layer {l}: {rule}.",
                )
            )
    others = (
        (name, float(ACTIVATIONS[name].prime(np.array([z]))[0]))
        for name in ("sigmoid", "tanh", "relu", "linear")
        if name != act.name
    )
    for names, v in _grouped(others):
        if c.at_kink(l, j) and v == 1.0:
            continue  # that is the relu′(0) = 1 question, asked below
        out.append(Slip("wrong_activation_prime", v, f"layer {l} uses {act.name}: {rule}, not the derivative of {' or '.join(names)}."))
    if c.at_kink(l, j):
        for slope, how in ((1.0, "1 (the right-hand slope)"), (0.5, "0.5 (the average of 0 and 1)")):
            out.append(
                Slip(
                    "relu_kink",
                    slope,
                    f"{zs} = 0 exactly, where ReLU is not differentiable: this course uses relu′(0) = 0 (as torch.relu does), not {how}.",
                )
            )
    return out


def _bp1(c: _Ctx) -> list[Slip]:
    L, j = c.L, c.j
    cost, act = c.p.cost, c.net.act(L)
    d, aL, zs = sym("δ", L, j), sym("a", L, j), sym("z", L, j)
    a, z = float(c.a(L)[j - 1]), float(c.z(L)[j - 1])
    g = float(c.sol.backward.dC_da[c.s, j - 1])
    out = [_sign_bp1(c, d if cancels(cost, act) else f"∂C/∂{aL}")]
    if c.quadratic:
        out.append(_factor_2_bp1(c))
    if cancels(cost, act) and act.name == "sigmoid":
        sp = float(act.prime(np.array([z]))[0])
        out.append(
            Slip(
                "sigma_prime_twice",
                c.value * sp,
                f"with cross-entropy a sigmoid's σ′ cancels: {d} = {aL} − {_y(j)}; don't multiply by σ′({zs}) = {c.f(sp)} again.",
            )
        )
        out.append(
            Slip(
                "missing_sigma_prime",
                g,
                f"that is ∂C/∂{aL} alone; {d} = ∂C/∂{aL} · σ′({zs}), and with cross-entropy the product is {aL} − {_y(j)}.",
            )
        )
    elif act.elementwise:
        sp = float(c.sp(L)[j - 1])
        if c.at_kink(L, j):
            out += _kink_slips(c, L, j, 1.0, f"{d} = 0")
        else:
            out.append(
                Slip(
                    "missing_sigma_prime",
                    g,
                    f"missing factor σ′({zs}) = {c.f(sp)}: BP1 is {d} = ∂C/∂{aL} · σ′({zs}).",
                )
            )
        at_z = f"evaluate σ′ at {zs}, not at {aL}" + (f": σ′({zs}) = {aL}(1 − {aL})" if act.name == "sigmoid" else "")
        out.append(Slip("prime_at_a", g * float(act.prime(np.array([a]))[0]), at_z + "."))
    else:  # softmax output
        if cancels(cost, act):
            out.append(
                Slip(
                    "sigma_prime_twice",
                    c.value * a * (1 - a),
                    f"with log-likelihood the softmax slopes cancel: {d} = {aL} − {_y(j)}; don't multiply by {aL}(1 − {aL}) = {c.f(a * (1 - a))}.",
                )
            )
        out.append(
            Slip(
                "softmax_diagonal",
                g * a * (1 - a),
                f"softmax couples the outputs: {d} = Σᵢ ∂C/∂{_i('a', L)} · {_i('a', L)}(1[i={j}] − {aL}), "
                "not only the i = j term"
                + (f" (with log-likelihood the sum is {aL} − {_y(j)})." if cancels(cost, act) else "."),
            )
        )
        out.append(
            Slip(
                "missing_jacobian",
                g,
                f"that is ∂C/∂{aL} alone; {d} also needs the softmax slopes: Σᵢ ∂C/∂{_i('a', L)} · ∂{_i('a', L)}/∂{zs}.",
            )
        )
    return out


def _bp2(c: _Ctx) -> list[Slip]:
    l, j = c.l, c.j
    act = c.net.act(l)
    d, zs, as_ = sym("δ", l, j), sym("z", l, j), sym("a", l, j)
    S = float(c.sol.backward.bp2_sum[l - 2][c.s, j - 1])
    sp = float(c.sp(l)[j - 1])
    a = float(c.a(l)[j - 1])
    rule = f"{d} = (Σₖ {sym('w', l + 1, 'k', j)}{sym('δ', l + 1, 'k')}) σ′({zs})"
    out = _sum_slips(c, scale=sp)
    if c.has(l + 1, j):
        sp_next = c.sp(l + 1)
        if sp_next is not None:
            out.append(
                Slip(
                    "sigma_prime_next_layer",
                    S * float(sp_next[j - 1]),
                    f"use σ′({zs}) of layer {l}, the neuron whose δ you want, not σ′({sym('z', l + 1, j)}).",
                )
            )
        out.append(
            Slip("wrong_layer_delta", float(c.delta(l + 1)[j - 1]), f"that is {sym('δ', l + 1, j)} of layer {l + 1}; BP2 gives {rule}.")
        )
    if c.at_kink(l, j):
        out += _kink_slips(c, l, j, 1.0, f"{d} = 0")
    else:
        out.append(Slip("missing_sigma_prime", S, f"missing factor σ′({zs}) = {c.f(sp)}: {rule}."))
    at_z = f"evaluate σ′ at {zs}, not at {as_}" + (f": σ′({zs}) = {as_}(1 − {as_})" if act.name == "sigmoid" else "")
    out.append(Slip("prime_at_a", S * float(act.prime(np.array([a]))[0]), at_z + "."))
    return out


def _sum_slips(c: _Ctx, scale: float) -> list[Slip]:
    """BP2's sum with w not transposed, or one term of it, times `scale` (σ′ for δ, 1 for the sum)."""
    l, j = c.l, c.j
    w, dn = c.net.w(l + 1), c.delta(l + 1)
    n = len(dn)
    out = []
    if j <= w.shape[0]:  # w_jk read for w_kj: row j, over the k that both layers have
        nk = min(w.shape)
        out.append(
            Slip(
                "transposed_w",
                float(w[j - 1, :nk] @ dn[:nk]) * scale,
                f"BP2 uses (w{sup(l + 1)})ᵀ: sum {sym('w', l + 1, 'k', j)}{sym('δ', l + 1, 'k')} over k, the weights from "
                f"neuron {j} of layer {l}; you used {sym('w', l + 1, j, 'k')}.",
            )
        )
    terms = w[:MAX_TERMS, j - 1] * dn[:MAX_TERMS]
    total = float(np.sum(w[:, j - 1] * dn))
    for k, t in enumerate(terms, 1):
        term = f"{sym('w', l + 1, k, j)}{sym('δ', l + 1, k)}"
        out.append(
            Slip("single_term", float(t) * scale, f"that is only the k = {k} term {term}; BP2 sums over {'both neurons' if n == 2 else f'all {n} neurons'} k of layer {l + 1}.")
        )
        if t < 0 and n > 1:  # a minus sign lost when the terms are added up
            out.append(
                Slip("term_sign", (total - 2 * float(t)) * scale, f"the k = {k} term {term} = {c.f(t)} is negative: keep its sign in the sum.")
            )
    return out


def _delta(c: _Ctx) -> list[Slip]:
    return _bp1(c) if c.l == c.L else _bp2(c)


def _bp2_sum(c: _Ctx) -> list[Slip]:
    l, j = c.l, c.j
    out = _sum_slips(c, scale=1.0)
    sp = c.sp(l)
    if sp is not None:
        out.append(
            Slip(
                "sigma_prime_too_early",
                c.value * float(sp[j - 1]),
                f"that already includes σ′({sym('z', l, j)}); this step is the sum Σₖ {sym('w', l + 1, 'k', j)}{sym('δ', l + 1, 'k')} before σ′.",
            )
        )
    return out


def _bp2_term(c: _Ctx) -> list[Slip]:
    l, j, k = c.l, c.j, c.k
    dk = float(c.delta(l + 1)[k - 1])
    right = sym("w", l + 1, k, j)
    where = f"the weight into neuron {k} of layer {l + 1} from neuron {j} of layer {l}"
    out = []
    if c.has(l + 1, j) and 1 <= k <= c.n(l):
        out.append(
            Slip(
                "transposed_w",
                float(c.net.w(l + 1)[j - 1, k - 1]) * dk,
                f"you used {sym('w', l + 1, j, k)}; BP2 uses {sym('w', l + 1, 'k', 'j')}: {right}, {where}.",
            )
        )
    if l >= 2 and c.has(l, k) and 1 <= j <= c.n(l - 1):
        out.append(
            Slip(
                "wrong_layer_w",
                float(c.net.w(l)[k - 1, j - 1]) * dk,
                f"you used {sym('w', l, k, j)}; weight matrices are numbered by the layer they feed, so use {right}, {where}.",
            )
        )
    return out


def _grad_b(c: _Ctx) -> list[Slip]:
    l, j = c.l, c.j
    d, bs = sym("δ", l, j), sym("b", l, j)
    a_prev = c.a(l - 1)[:MAX_TERMS]
    out = []
    useful = ((k + 1, c.value * float(ak)) for k, ak in enumerate(a_prev) if ak != 0.0)  # 0 explains nothing
    for ks, v in _grouped(useful):
        what = _names(lambda k: f"∂C/∂{sym('w', l, j, k)}", ks)
        out.append(Slip("grad_w_for_b", v, f"that is {what}; BP3: ∂C/∂{bs} = {d}, with no a factor."))
    for other in (l + 1, l - 1):
        if c.has(other, j):
            out.append(
                Slip(
                    "wrong_layer_delta",
                    float(c.delta(other)[j - 1]),
                    f"that is {sym('δ', other, j)} of layer {other}; BP3: ∂C/∂{bs} = {d}, the δ of layer {l}.",
                )
            )
    out += _kink_slips(c, l, j, 1.0, f"∂C/∂{bs} = {d} = 0")
    return out


def _grad_w(c: _Ctx) -> list[Slip]:
    l, j, k = c.l, c.j, c.k
    d, ws = sym("δ", l, j), sym("w", l, j, k)
    ak = float(c.a(l - 1)[k - 1])
    dj = float(c.delta(l)[j - 1])
    rule = f"∂C/∂{ws} = {_asym(l - 1, k)}{d}"
    out = [
        Slip(
            "a_of_layer_l",
            float(c.a(l)[j - 1]) * dj,
            f"BP4 takes the activation feeding the weight, {_asym(l - 1, k)} of layer {l - 1}, not {sym('a', l, j)}: {rule}.",
        ),
        Slip("grad_b_for_w", dj, f"that is ∂C/∂{sym('b', l, j)} = {d}; BP4 multiplies it by {_asym(l - 1, k)}: {rule}."),
        Slip(
            "w_for_a",
            float(c.net.w(l)[j - 1, k - 1]) * dj,
            f"you multiplied by the weight {ws} itself; BP4 multiplies by what the weight carries, {_asym(l - 1, k)}: {rule}.",
        ),
    ]
    if 1 <= j <= c.n(l - 1) and c.has(l, k):
        out.append(
            Slip(
                "transposed_w",
                float(c.a(l - 1)[j - 1]) * float(c.delta(l)[k - 1]),
                f"you used w_kj; in {sym('w', l, 'j', 'k')}, j is the neuron in layer {l} and k the neuron in layer {l - 1}: {rule}.",
            )
        )
    for other in (l + 1, l - 1):
        if c.has(other, j):
            out.append(
                Slip(
                    "wrong_layer_delta",
                    ak * float(c.delta(other)[j - 1]),
                    f"use {d}, the error of the neuron the weight feeds (layer {l}), not {sym('δ', other, j)}: {rule}.",
                )
            )
        if c.has(other, j) and 1 <= k <= c.n(other - 1):
            out.append(
                Slip(
                    "wrong_layer_w",
                    float(c.a(other - 1)[k - 1]) * float(c.delta(other)[j - 1]),
                    f"that is ∂C/∂{sym('w', other, j, k)}; {ws} is numbered by the layer it feeds, layer {l}: {rule}.",
                )
            )
    below = c.sp(l - 1) if l >= 3 else None
    if below is not None and 1 <= k <= c.n(l - 2):
        # C01: w^l taken as leaving layer l - 1 towards l - 1's own inputs: a^(l-2)_k σ′(z^(l-1)_k) δ^l_j
        out.append(
            Slip(
                "wrong_layer_w",
                float(c.a(l - 2)[k - 1]) * float(below[k - 1]) * dj,
                f"that reaches back to layer {l - 2}; {ws} is numbered by the layer it feeds (layer {l}) and comes "
                f"from layer {l - 1}, so BP4 needs only {_asym(l - 1, k)} and {d}: {rule}.",
            )
        )
    out += _kink_slips(c, l, j, ak, f"{d} = 0 and so is {rule.split(' = ')[0]}")
    return out


def _batch(c: _Ctx) -> list[Slip]:
    per_sample = [float(o.value) for o in c.step.operands]
    m = len(per_sample)
    if m < 2:
        return []
    what = "cost" if c.step.kind == "batch_cost" else "gradient"
    return [
        Slip("summed_not_mean", float(np.sum(per_sample)), f"the mini-batch {what} is the mean over the m = {m} samples: divide by {m}."),
        Slip(
            "last_sample_only",
            per_sample[-1],
            f"accumulate over all samples in the batch: that is sample {m}'s {what} alone; take the mean of all {m}.",
        ),
    ]


def _update(c: _Ctx) -> list[Slip]:
    l, j, k = c.l, c.j, c.k
    is_b = c.step.kind == "update_b"
    old, eta, g = (float(o.value) for o in c.step.operands[:3])
    s = sym("b", l, j) if is_b else sym("w", l, j, k)
    rule = f"{s}′ = {s} − η ∂C/∂{s}"
    out = [
        Slip("sign_flip", old + eta * g, f"sign: {rule}, a step against the gradient{_uphill_alone(c, is_b)}."),
        Slip("eta_forgotten", old - g, f"multiply the gradient by η = {c.f(eta)}: {rule}."),
    ]
    if is_b:
        out.append(Slip("bias_not_updated", old, f"BP3: ∂C/∂{s} = {sym('δ', l, j)}, so biases move too: {rule}."))
    else:
        out.append(Slip("not_updated", old, f"the weight moves too: {rule}."))
    if c.quadratic:
        out.append(
            Slip("factor_2", old - 2 * eta * g, f"the ½ in this lesson's quadratic cost cancels the 2 of the square, so your step is twice too long: {rule}.")
        )
    m = c.m
    if m > 1:
        delta = c.sol.backward.delta[l - 2]
        last = float(delta[m - 1, j - 1]) * (1.0 if is_b else float(c.sol.backward.a[l - 2][m - 1, k - 1]))
        out += [
            Slip(
                "summed_not_mean",
                old - eta * m * g,
                f"mini-batch gradient is the mean over the m = {m} samples: divide by {m} (the step is η/m × the summed gradient).",
            ),
            Slip(
                "last_sample_only",
                old - eta * last,
                f"accumulate over all samples in the batch: ∂C/∂{s} is the mean of all {m} per-sample gradients, not sample {m}'s alone.",
            ),
            Slip("divided_twice", old - eta * g / m, f"∂C/∂{s} is already the mean over m = {m}; don't divide by {m} again."),
        ]
    # the gradient of a neighbouring weight or bias of the same layer (a row or column slip)
    grads = c.sol.grad_b[l - 2] if is_b else c.sol.grad_w[l - 2]
    others = [(jj, None) for jj in range(1, len(grads) + 1) if jj != j] if is_b else [
        (jj, kk) for jj in range(1, grads.shape[0] + 1) for kk in range(1, grads.shape[1] + 1) if (jj, kk) != (j, k) and (jj == j or kk == k)
    ]
    for jj, kk in others[:MAX_TERMS]:
        other = sym("b", l, jj) if is_b else sym("w", l, jj, kk)
        g_other = float(grads[jj - 1] if is_b else grads[jj - 1, kk - 1])
        out.append(Slip("other_gradient", old - eta * g_other, f"that step uses ∂C/∂{other}, the gradient of another {'bias' if is_b else 'weight'}; {rule}."))
    return out


def _cost_after_step(c: _Ctx) -> list[Slip]:
    out = [Slip("cost_not_updated", c.sol.cost, "that is C before the step; run the forward pass again with every new w′ and b′.")]
    weights_only = _cost_after(c.sol, "weights")
    if weights_only is not None:
        out.append(Slip("bias_not_updated", weights_only, "that is the cost with only the weights moved; BP3 moves the biases too: b′ = b − η δ."))
    ascent = _cost_after(c.sol, "ascent")
    if ascent is not None:
        out.append(Slip("sign_flip", ascent, "sign: that is the cost after a step up the gradient; w′ = w − η ∂C/∂w goes down it."))
    return out


def _grad_check(c: _Ctx) -> list[Slip]:
    if len(c.step.operands) != 3:
        return []
    return [
        Slip("one_eps", 2 * c.value, "divide by 2ε, the width of the central difference, not by ε."),
        Slip("sign_flip", -c.value, "the sign is flipped: the slope is (C(θ + ε) − C(θ − ε)) / 2ε, the cost after the nudge up first."),
    ]


FAMILIES: dict[str, Callable[[_Ctx], list[Slip]]] = {
    "z": _z,
    "a": _a,
    "cost": _cost,
    "dC_da": _dC_da,
    "sigma_prime": _sigma_prime,
    "delta": _delta,
    "bp2_term": _bp2_term,
    "bp2_sum": _bp2_sum,
    "grad_b": _grad_b,
    "grad_w": _grad_w,
    "batch_cost": _batch,
    "batch_grad_b": _batch,
    "batch_grad_w": _batch,
    "update_w": _update,
    "update_b": _update,
    "cost_after": _cost_after_step,
    "grad_check": _grad_check,
}


def _common(c: _Ctx, found: list[Slip]) -> list[Slip]:
    """Sign and factor 2 for every gradient, when the family has no sharper wording for them."""
    if c.step.kind not in GRADIENT_KINDS:
        return []
    ids = {s.id for s in found}
    out = []
    if "sign_flip" not in ids:
        out.append(Slip("sign_flip", -c.value, f"sign: yours has the opposite sign; check the sign of each factor in {c.step.indexed}."))
    if c.quadratic and "factor_2" not in ids:
        out.append(
            Slip(
                "factor_2",
                2 * c.value,
                "twice the right value: the ½ in this lesson's quadratic cost cancels the 2, so ∂C/∂a = a − y and no factor 2 follows.",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# the public functions


def slips_for(step: Step, solution: Solution, digits: int = 4) -> list[Slip]:
    """Every candidate slip for this step, before ambiguous ones are removed."""
    family = FAMILIES.get(step.kind)
    if family is None:
        return []
    c = _Ctx(step, solution, digits)
    with np.errstate(all="ignore"):
        found = family(c)
        found += _common(c, found)
    return [s for s in found if math.isfinite(s.value)]


# Slips that yield to any other they coincide with: a neighbour's number is the likelier
# accident when a named rule (the mean, the last sample) explains the same value.
YIELDING = frozenset({"other_gradient"})


def _outranks(winner: str, loser: str) -> bool:
    if loser in YIELDING and winner not in YIELDING:
        return True
    beats = PRECEDENCE.get(winner)
    return beats == "*" or (isinstance(beats, frozenset) and loser in beats)


def distinguishing(slips: Sequence[Slip], expected: float, tolerance: _Accepts, also_right: Iterable[float] = ()) -> list[Slip]:
    """The slips that name a number unambiguously: none accepted as right (`expected` or any of
    `also_right`, e.g. the rounded-operand value), none equal to another slip (unless PRECEDENCE
    settles it). Exact duplicates (same id and message) count once."""

    def same(x: float, y: float) -> bool:
        return tolerance.accepts(x, y) or tolerance.accepts(y, x)

    rights = [expected, *(v for v in also_right if v is not None and math.isfinite(v))]
    pool: list[Slip] = []
    for s in slips:
        if not math.isfinite(s.value) or any(same(s.value, r) for r in rights):
            continue
        if any(p.id == s.id and p.message == s.message and same(p.value, s.value) for p in pool):
            continue
        pool.append(s)
    out = []
    for s in pool:
        clashes = [o for o in pool if o is not s and same(o.value, s.value)]
        if all(_outranks(s.id, o.id) and not _outranks(o.id, s.id) for o in clashes):
            out.append(s)
    return out


def match(
    step: Step,
    solution: Solution,
    typed: float,
    tolerance: _Accepts,
    digits: int = 4,
    also_right: Sequence[float] = (),
) -> tuple[Slip | None, bool]:
    """(the distinguishing slip the typed number matches, or None; whether it matches any
    candidate at all, ambiguous ones included). The nearest slip wins if two match."""
    if not math.isfinite(typed):
        return None, False
    candidates = slips_for(step, solution, digits)
    slips = distinguishing(candidates, step.value, tolerance, also_right)
    hits = [s for s in slips if tolerance.accepts(typed, s.value)]
    if hits:
        return min(hits, key=lambda s: abs(typed - s.value)), True
    rights = [step.value, *also_right]
    return None, any(
        tolerance.accepts(typed, s.value) and not any(tolerance.accepts(s.value, r) for r in rights) for s in candidates
    )


def diagnose(
    step: Step,
    solution: Solution,
    typed: float,
    tolerance: _Accepts,
    digits: int = 4,
    also_right: Iterable[float] = (),
) -> Slip | None:
    """The distinguishing slip whose value the typed number matches, if any."""
    return match(step, solution, typed, tolerance, digits, also_right)[0]
