"""Refuse a lesson whose numbers leave float64, before a learner ever sees inf or nan.

Two things do it. Huge weights, biases or inputs overflow z (past about 1.8e308). And a
sigmoid or softmax output pushed past |z| of about 745 rounds a to exactly 0 or 1, where a
log cost's ∂C/∂a (1/a or 1/(1 - a)) has no float64 value. Both are the author's to fix, so
the loader names the first such value, the sample it is in and what to change.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .backprop import solve
from .network import Problem
from .yaml_source import Diagnostic, Loc, Source

Array = np.ndarray


def range_errors(problem: Problem, source: Source) -> list[Diagnostic]:
    """At most one error: the first value, in teaching order, that is not a finite number."""
    with np.errstate(all="ignore"):  # the values are checked below; numpy must not print
        for name, per_sample, values in _values(problem):
            bad = np.argwhere(~np.isfinite(values))
            if bad.size == 0:
                continue
            at = tuple(int(i) for i in bad[0])
            label = name(at[1:] if per_sample else at)
            value = values[at]
            if per_sample:
                loc: Loc = ("samples", at[0])
                where = f"sample {at[0] + 1}: "
            else:
                loc, where = ("learning_rate",), ""
            message = f"{where}{label} comes out as {_word(value)}, beyond what float64 can hold; {_advice(problem, label)}"
            return [source.diagnostic(loc, message)]
    return []


def _word(value: float) -> str:
    return "nan (not a number)" if np.isnan(value) else ("-inf" if value < 0 else "inf")


def _advice(problem: Problem, label: str) -> str:
    net = problem.network
    if label.startswith(("z^", "a^")) and not label.startswith(f"a^{net.L}"):
        return "make the weights, biases or inputs smaller"
    if net.act(net.L).name in ("sigmoid", "softmax"):
        return (
            f"the output layer is saturated (an a^{net.L} rounds to exactly 0 or 1); "
            f"keep every |z^{net.L}| below about 700, or smaller still for a lesson worked by hand"
        )
    return "make the weights, biases, inputs or learning_rate smaller"


def _values(problem: Problem) -> Iterator[tuple[object, bool, Array]]:
    """(labeller, per-sample?, array) for every number a step can show, in teaching order."""
    sol = solve(problem)
    net, fwd, bwd = problem.network, sol.forward, sol.backward
    for layer in range(2, net.L + 1):
        yield _named("z", layer), True, fwd.z[layer - 2]
        yield _named("a", layer), True, fwd.a[layer - 1]
    yield (lambda at: "the cost C_x"), True, bwd.cost
    yield (lambda at: f"dC/da^{net.L}_{at[0] + 1}"), True, bwd.dC_da
    for layer in range(net.L, 1, -1):
        if layer < net.L:
            yield _bp2_term(layer), True, bwd.bp2_term(net, layer)
        yield _named("delta", layer), True, bwd.delta[layer - 2]
    for layer, g in zip(range(2, net.L + 1), bwd.grad_w):
        yield _weight("dC/dw", layer), True, g
    for layer, g in zip(range(2, net.L + 1), sol.grad_w):
        yield _weight("mean dC/dw", layer), False, g
    if sol.updated is not None:
        for layer in range(2, net.L + 1):
            yield _weight("updated w", layer), False, sol.updated.w(layer)
            yield _named("updated b", layer), False, sol.updated.b(layer)
        yield (lambda at: "the cost after the update"), False, np.array([sol.cost_after])


def _named(symbol: str, layer: int):
    return lambda at: f"{symbol}^{layer}_{at[0] + 1}"


def _weight(symbol: str, layer: int):
    return lambda at: f"{symbol}^{layer}_{at[0] + 1}{at[1] + 1}"


def _bp2_term(layer: int):
    return lambda at: f"the BP2 term delta^{layer + 1}_{at[1] + 1} w^{layer + 1}_{at[1] + 1}{at[0] + 1}"
