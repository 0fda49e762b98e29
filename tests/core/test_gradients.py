"""Every gradient of the core against central finite differences, on random networks.

The oracle is independent of backprop: it only runs the forward pass and the cost.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bptutor.core.backprop import batch_cost, solve
from bptutor.core.network import Network, Problem, forward

HIDDEN = ["sigmoid", "tanh", "relu", "linear"]
# Every (output activation, cost) pair the lesson format allows.
PAIRS = [(out, "quadratic") for out in HIDDEN + ["softmax"]] + [
    (out, cost) for out in ("sigmoid", "softmax") for cost in ("cross_entropy", "log_likelihood")
]
EPS = 1e-6


@st.composite
def problems(draw, out: str, cost: str):
    L = draw(st.integers(2, 5))
    sizes = [draw(st.integers(1, 5)) for _ in range(L)]
    if out == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    acts = [draw(st.sampled_from(HIDDEN)) for _ in range(L - 2)] + [out]
    seed = draw(st.integers(0, 2**32 - 1))
    m = draw(st.integers(1, 4))
    rng = np.random.default_rng(seed)
    weights = [rng.uniform(-1.5, 1.5, (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-1, 1, n) for n in sizes[1:]]
    x = rng.uniform(-1, 1, (m, sizes[0]))
    if cost == "quadratic":
        y = rng.uniform(-1, 1, (m, sizes[-1]))
    elif out == "softmax":
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)]  # one-hot targets
    else:
        y = rng.uniform(0, 1, (m, sizes[-1]))
    net = Network.build(sizes, acts, weights, biases)
    return Problem.build(net, cost, x, y, 0.5)


def _near_relu_kink(problem: Problem) -> bool:
    trace = forward(problem.network, problem.x)
    return any(
        act.name == "relu" and np.any(np.abs(z) < 1e-4) for act, z in zip(problem.network.activations, trace.z)
    )


def _numeric(problem: Problem, which: str, layer_i: int, index: tuple) -> float:
    def cost_with(delta: float) -> float:
        weights = [w.copy() for w in problem.network.weights]
        biases = [b.copy() for b in problem.network.biases]
        target = weights if which == "w" else biases
        target[layer_i][index] += delta
        return batch_cost(problem, problem.network.with_params(weights, biases))

    return (cost_with(EPS) - cost_with(-EPS)) / (2 * EPS)


def _close(g: float, n: float) -> bool:
    # 1e-5 relative: central differences at eps 1e-6 carry round-off of about C * 1e-10 / |g|
    return abs(g - n) <= 1e-5 * (abs(g) + abs(n)) + 1e-7


def _check_all(problem: Problem) -> None:
    assume(not _near_relu_kink(problem))
    sol = solve(problem)
    for li, (gw, gb) in enumerate(zip(sol.grad_w, sol.grad_b)):
        for idx in np.ndindex(gw.shape):
            n = _numeric(problem, "w", li, idx)
            assert _close(gw[idx], n), f"dC/dw^{li + 2}{idx}: backprop {gw[idx]!r}, finite difference {n!r}"
        for idx in np.ndindex(gb.shape):
            n = _numeric(problem, "b", li, idx)
            assert _close(gb[idx], n), f"dC/db^{li + 2}{idx}: backprop {gb[idx]!r}, finite difference {n!r}"


def _make_test(out: str, cost: str):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    @given(problems(out, cost))
    def test(problem):
        _check_all(problem)

    test.__name__ = f"test_gradients_match_finite_differences_{out}_{cost}"
    return test


for _out, _cost in PAIRS:
    globals()[f"test_gradients_match_finite_differences_{_out}_{_cost}"] = _make_test(_out, _cost)


def test_the_oracle_can_fail():
    """A wrong gradient (sign flipped) must not pass the same comparison."""
    rng = np.random.default_rng(0)
    net = Network.build([2, 3, 1], "sigmoid", [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))], [rng.normal(size=3), rng.normal(size=1)])
    problem = Problem.build(net, "quadratic", [[0.3, -0.2]], [[1.0]], 0.5)
    g = solve(problem).grad_w[0][0, 0]
    n = _numeric(problem, "w", 0, (0, 0))
    assert _close(g, n) and not _close(-g, n)


def test_update_lowers_the_cost_for_a_small_step():
    rng = np.random.default_rng(1)
    net = Network.build([3, 4, 2], ["tanh", "sigmoid"], [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))], [rng.normal(size=4), rng.normal(size=2)])
    problem = Problem.build(net, "cross_entropy", rng.uniform(size=(3, 3)), rng.uniform(size=(3, 2)), 0.1)
    sol = solve(problem)
    assert sol.cost_after < sol.cost
