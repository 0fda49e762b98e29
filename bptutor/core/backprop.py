"""The backward pass, keeping every term a learner is asked for, and the gradient-descent step.

All arrays carry one row per sample (axis 0), so a mini-batch costs one vectorised pass.
Lists are indexed like the forward trace: index i is layer i+2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .costs import cost_value, grad_a, output_delta
from .network import ForwardTrace, Network, Problem, forward

Array = np.ndarray


@dataclass(frozen=True)
class BackwardTrace:
    cost: Array  # (m,) C_x per sample
    dC_da: Array  # (m, n_L)
    sigma_prime: tuple[Array | None, ...]  # per layer 2..L, (m, n_l); None for a softmax layer
    delta: tuple[Array, ...]  # per layer 2..L, (m, n_l)
    bp2_sum: tuple[Array, ...]  # per layer 2..L-1: sum_k delta^(l+1)_k w^(l+1)_kj, (m, n_l)
    a: tuple[Array, ...]  # the forward activations, a[0] = x, for BP4

    @cached_property
    def grad_w(self) -> tuple[Array, ...]:
        """BP4 per sample, per layer 2..L, (m, n_l, n_(l-1)): a^(l-1)_k delta^l_j. Made on first
        use only: the batch mean is one matrix product and most callers never need this."""
        return tuple(d[:, :, None] * a_prev[:, None, :] for d, a_prev in zip(self.delta, self.a[:-1]))

    def grad_w_mean(self) -> tuple[Array, ...]:
        m = self.delta[0].shape[0]
        return tuple(d.T @ a_prev / m for d, a_prev in zip(self.delta, self.a[:-1]))

    @property
    def grad_b(self) -> tuple[Array, ...]:
        """BP3: dC/db^l_j = delta^l_j."""
        return self.delta

    def bp2_term(self, net: Network, layer: int) -> Array:
        """delta^(l+1)_k w^(l+1)_kj for every sample, j and k: shape (m, n_l, n_(l+1))."""
        d_next = self.delta[layer - 1]  # delta^(l+1)
        w_next = net.w(layer + 1)  # (n_(l+1), n_l)
        return d_next[:, None, :] * w_next.T[None, :, :]


def backward(problem: Problem, trace: ForwardTrace) -> BackwardTrace:
    net, cost = problem.network, problem.cost
    L = net.L
    zL, aL = trace.z[-1], trace.a[-1]
    out = net.act(L)
    costs = cost_value(cost, out, zL, aL, problem.y)
    dC_da = grad_a(cost, out, zL, aL, problem.y)
    sigma_primes = [act.prime(z) if act.elementwise else None for act, z in zip(net.activations, trace.z)]
    deltas: list[Array] = [None] * (L - 1)  # type: ignore[list-item]
    sums: list[Array] = [None] * (L - 2)  # type: ignore[list-item]
    deltas[-1] = output_delta(cost, out, zL, aL, problem.y, dC_da)
    for layer in range(L - 1, 1, -1):  # BP2, towards the input
        s = deltas[layer - 1] @ net.w(layer + 1)  # (m, n_(l+1)) @ (n_(l+1), n_l)
        sums[layer - 2] = s
        deltas[layer - 2] = s * sigma_primes[layer - 2]
    return BackwardTrace(costs, dC_da, tuple(sigma_primes), tuple(deltas), tuple(sums), trace.a)


@dataclass(frozen=True)
class Solution:
    """Everything about one lesson's maths: traces, batch means and the update."""

    problem: Problem
    forward: ForwardTrace
    backward: BackwardTrace
    cost: float  # batch mean C = (1/m) sum_x C_x
    grad_w: tuple[Array, ...]  # batch means, per layer 2..L
    grad_b: tuple[Array, ...]
    updated: Network | None  # after one step w <- w - eta dC/dw (None without a learning rate)
    cost_after: float | None


def batch_cost(problem: Problem, net: Network | None = None) -> float:
    net = net or problem.network
    trace = forward(net, problem.x)
    out = net.act(net.L)
    return float(np.mean(cost_value(problem.cost, out, trace.z[-1], trace.a[-1], problem.y)))


def solve(problem: Problem) -> Solution:
    fwd = forward(problem.network, problem.x)
    bwd = backward(problem, fwd)
    grad_w = bwd.grad_w_mean()
    grad_b = tuple(d.mean(axis=0) for d in bwd.delta)
    updated, cost_after = None, None
    if problem.eta is not None:
        eta = problem.eta
        net = problem.network
        updated = net.with_params(
            [w - eta * g for w, g in zip(net.weights, grad_w)],
            [b - eta * g for b, g in zip(net.biases, grad_b)],
        )
        cost_after = batch_cost(problem, updated)
    return Solution(problem, fwd, bwd, float(np.mean(bwd.cost)), grad_w, grad_b, updated, cost_after)
