"""The published cases (tests/data/cases.json, copied from the project's shared cases): the
right values come out of the core, and the numerics stay finite without warnings."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from bptutor.core.activations import sigmoid, sigmoid_prime, softmax
from bptutor.core.backprop import solve
from bptutor.core.network import Network, Problem

CASES = {c["id"]: c for c in json.loads((Path(__file__).parent.parent / "data" / "cases.json").read_text())}
NETWORK_CASES = sorted(cid for cid, c in CASES.items() if "layers" in c["input"])


def problem_of(case: dict) -> Problem:
    inp = case["input"]
    layers = inp["layers"]
    net = Network.build(inp["sizes"], [ly["activation"] for ly in layers], [ly["weights"] for ly in layers], [ly["biases"] for ly in layers])
    cost = inp["cost"].replace("-", "_")
    return Problem.build(net, cost, [s["x"] for s in inp["samples"]], [s["y"] for s in inp["samples"]], inp.get("learning_rate", 0.5))


def value_for(key: str, sol) -> np.ndarray | float | None:
    """The core's value for one of the cases' expected keys, or None when the key is not a value."""
    L = sol.problem.network.L
    name = key.split(" ")[1] if key.startswith("avg ") else key.split(" ")[0]
    layer = lambda d: int(d) if d else L  # noqa: E731
    if m := re.fullmatch(r"dC_dw(\d)_(\d)(\d)", name):
        return sol.grad_w[int(m[1]) - 2][int(m[2]) - 1, int(m[3]) - 1]
    table = {
        r"z(\d?)": lambda d: sol.forward.z[layer(d) - 2][0],
        r"a(\d?)": lambda d: sol.forward.a[layer(d) - 1][0],
        r"delta(\d?)": lambda d: sol.backward.delta[layer(d) - 2][0],
        r"dC_dw(\d?)": lambda d: sol.grad_w[layer(d) - 2],
        r"dC_db(\d?)": lambda d: sol.grad_b[layer(d) - 2],
        r"sigma_prime_z(\d)": lambda d: sol.backward.sigma_prime[layer(d) - 2][0],
        r"w(\d?)_after": lambda d: sol.updated.weights[layer(d) - 2],
        r"b(\d?)_after": lambda d: sol.updated.biases[layer(d) - 2],
        r"dC_da()": lambda d: sol.backward.dC_da[0],
        r"C()": lambda d: sol.cost,
        r"C_batch()": lambda d: sol.cost,
        r"C_after_(?:update|full_update)()": lambda d: sol.cost_after,
    }
    for pattern, get in table.items():
        if m := re.fullmatch(pattern, name):
            return get(m[1])
    return None


def expected_pairs():
    for cid in NETWORK_CASES:
        for key, want in CASES[cid]["expected"].items():
            if isinstance(want, (int, float, list)) and not isinstance(want, bool):
                yield pytest.param(cid, key, want, id=f"{cid}-{key}")


@pytest.mark.parametrize("cid,key,want", list(expected_pairs()))
def test_case_right_values(cid, key, want):
    sol = solve(problem_of(CASES[cid]))
    got = value_for(key, sol)
    if got is None:
        assert key.startswith(("relu_prime", "torch", "central", "sigmoid", "per_sample")), f"unmapped key {key!r}"
        return
    got = np.asarray(got, dtype=float).reshape(np.shape(want)) if np.size(got) == np.size(want) else np.asarray(got)
    assert np.allclose(got, want, rtol=2e-6, atol=1e-9), f"{cid} {key}: core {got.tolist()}, case {want}"


def test_c06_per_sample_values():
    sol = solve(problem_of(CASES["C06"]))
    for i, want in enumerate(CASES["C06"]["expected"]["per_sample"]):
        assert sol.forward.z[0][i, 0] == pytest.approx(want["z"], rel=1e-6)
        assert sol.forward.a[1][i, 0] == pytest.approx(want["a"], rel=1e-6)
        assert sol.backward.delta[0][i, 0] == pytest.approx(want["delta"], rel=1e-6)
        assert sol.backward.grad_w[0][i, 0] == pytest.approx(want["dC_dw"], rel=1e-6, abs=1e-12)
        assert sol.backward.cost[i] == pytest.approx(want["C"], rel=1e-6)


def test_c08_relu_prime_at_zero_is_zero():
    sol = solve(problem_of(CASES["C08"]))
    assert sol.forward.z[0][0, 0] == 0.0
    assert sol.backward.sigma_prime[0][0, 0] == 0.0
    assert sol.backward.delta[0][0, 0] == 0.0


def test_c09_update_moves_all_four_arrays_and_lowers_cost():
    sol = solve(problem_of(CASES["C09"]))
    net = sol.problem.network
    for old, new in zip(net.weights + net.biases, sol.updated.weights + sol.updated.biases):
        assert not np.allclose(old, new)
    weights_only = net.with_params(sol.updated.weights, net.biases)
    from bptutor.core.backprop import batch_cost

    assert sol.cost_after == pytest.approx(0.1260636, rel=1e-6)
    assert batch_cost(sol.problem, weights_only) == pytest.approx(0.1453627, rel=1e-6)


def test_c10_softmax_and_sigmoid_stay_finite_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sol = solve(problem_of(CASES["C10"]))
        assert np.allclose(sol.forward.a[-1][0], [0.665241, 0.2447285, 0.09003057], rtol=1e-6)
        z = np.array([-1000.0, 1000.0, 710.0])
        assert sigmoid(z).tolist() == [0.0, 1.0, 1.0]
        assert np.allclose(sigmoid_prime(z), [0.0, 0.0, 0.0], rtol=0, atol=1e-300)  # e^-710 is a subnormal, not 0
        assert np.all(np.isfinite(softmax(np.array([1000.0, -1000.0, 0.0]))))


@pytest.mark.parametrize("z,y,cost", [(40.0, 0.0, 40.0), (-40.0, 1.0, 40.0), (1000.0, 0.0, 1000.0)])
def test_saturated_sigmoid_cross_entropy_is_finite(z, y, cost):
    net = Network.build([1, 1], "sigmoid", [[[1.0]]], [[0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sol = solve(Problem.build(net, "cross_entropy", [[z]], [[y]], 0.1))
    assert sol.cost == pytest.approx(cost, rel=1e-12)
    d = sol.backward.delta[-1][0, 0]
    assert np.isfinite(d) and d == pytest.approx(sigmoid(np.array(z)) - y)


def test_saturated_softmax_log_likelihood_is_finite():
    net = Network.build([1, 2], "softmax", [[[1.0], [-1.0]]], [[0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sol = solve(Problem.build(net, "log_likelihood", [[500.0]], [[0.0, 1.0]], 0.1))
    assert sol.cost == pytest.approx(1000.0)
    assert np.all(np.isfinite(sol.backward.delta[-1]))


def test_c12_central_difference_epsilon_table():
    """Central differences at eps 1e-6 agree to 1e-8; at 1e-12 round-off shows (as the case says)."""
    problem = problem_of(CASES["C12"] | {"input": CASES["C02"]["input"]})
    from bptutor.core.backprop import batch_cost

    def central(eps):
        w = [x.copy() for x in problem.network.weights]
        w[0][0, 0] += eps
        up = batch_cost(problem, problem.network.with_params(w, problem.network.biases))
        w[0][0, 0] -= 2 * eps
        down = batch_cost(problem, problem.network.with_params(w, problem.network.biases))
        return (up - down) / (2 * eps)

    g = solve(problem).grad_w[0][0, 0]
    assert g == pytest.approx(-0.01279493, rel=1e-6)
    rel = lambda n: abs(g - n) / max(abs(g) + abs(n), 1e-300)  # noqa: E731
    assert rel(central(1e-6)) < 1e-8
    assert rel(central(1e-12)) > 1e-6
