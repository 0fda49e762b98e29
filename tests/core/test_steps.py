"""The step list: order, ids, and every value equal to the product or sum its equation states.

The checks recompute each value from the network's own arrays, not from the step's operands,
so a step that quotes the wrong operand (a transposed weight, another layer's delta) fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptutor.core.backprop import batch_cost, solve
from bptutor.core.network import Network, Problem
from bptutor.core.selectors import Selector
from bptutor.core.steps import StepList, parse_step_id, step_id


def make(sizes=(2, 3, 2), acts="sigmoid", cost="quadratic", m=2, seed=0, eta=0.5):
    rng = np.random.default_rng(seed)
    w = [rng.uniform(-1, 1, (b, a)) for a, b in zip(sizes, sizes[1:])]
    b = [rng.uniform(-1, 1, n) for n in sizes[1:]]
    x = rng.uniform(-1, 1, (m, sizes[0]))
    y = rng.uniform(0, 1, (m, sizes[-1]))
    return Problem.build(Network.build(sizes, acts, w, b), cost, x, y, eta)


def check_against_arrays(steps: StepList) -> int:
    sol = steps.solution
    net, p = sol.problem.network, sol.problem
    checked = 0
    for st_ in steps:
        s, l, j, k = st_.sample, st_.layer, st_.neuron, st_.from_
        if st_.kind == "bp2_term":
            want = net.w(l + 1)[k - 1, j - 1] * sol.backward.delta[l - 1][s - 1, k - 1]
        elif st_.kind == "bp2_sum":
            want = sum(net.w(l + 1)[kk, j - 1] * sol.backward.delta[l - 1][s - 1, kk] for kk in range(net.sizes[l]))
        elif st_.kind == "delta" and l < net.L:
            want = sol.backward.bp2_sum[l - 2][s - 1, j - 1] * net.act(l).prime(sol.forward.z[l - 2][s - 1, j - 1])
        elif st_.kind == "grad_w":
            a_prev = p.x[s - 1, k - 1] if l == 2 else sol.forward.a[l - 2][s - 1, k - 1]
            want = a_prev * sol.backward.delta[l - 2][s - 1, j - 1]
        elif st_.kind == "grad_b":
            want = sol.backward.delta[l - 2][s - 1, j - 1]
        elif st_.kind == "z":
            a_prev = p.x[s - 1] if l == 2 else sol.forward.a[l - 2][s - 1]
            want = sum(net.w(l)[j - 1, kk] * a_prev[kk] for kk in range(len(a_prev))) + net.b(l)[j - 1]
        elif st_.kind == "batch_grad_w":
            want = np.mean([sol.backward.grad_w[l - 2][x, j - 1, k - 1] for x in range(p.m)])
        elif st_.kind == "update_w":
            want = net.w(l)[j - 1, k - 1] - p.eta * sol.grad_w[l - 2][j - 1, k - 1]
        elif st_.kind == "update_b":
            want = net.b(l)[j - 1] - p.eta * sol.grad_b[l - 2][j - 1]
        else:
            continue
        assert st_.value == pytest.approx(float(want), rel=1e-12, abs=1e-15), st_.id
        checked += 1
    return checked


# (output activation, cost) pairs, so that softmax BP1, both cancellation steps and the log
# costs' dC/da are recomputed too; the hidden layers draw from the elementwise activations.
OUTPUT_PAIRS = [(out, "quadratic") for out in ("sigmoid", "tanh", "relu", "linear", "softmax")] + [
    (out, cost) for out in ("sigmoid", "softmax") for cost in ("cross_entropy", "log_likelihood")
]


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5),
    m=st.integers(1, 3),
    seed=st.integers(0, 10_000),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    pair=st.sampled_from(OUTPUT_PAIRS),
)
def test_every_term_equals_its_equation(sizes, m, seed, hidden, pair):
    out, cost = pair
    sizes = list(sizes)
    if out == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    p = make(tuple(sizes), [hidden] * (len(sizes) - 2) + [out], cost=cost, m=m, seed=seed)
    if cost == "log_likelihood":  # targets that sum to 1, as the softmax cancellation needs
        p = Problem.build(p.network, cost, p.x, p.y / p.y.sum(axis=1, keepdims=True), p.eta)
    steps = StepList(solve(p))
    assert check_against_arrays(steps) > 0
    for st_ in steps:
        if st_.operands:  # the step's own formula over its quoted operands gives its value
            assert st_.recompute([o.value for o in st_.operands]) == pytest.approx(st_.value, rel=1e-9, abs=1e-12), st_.id


def _grad_check_step(case: str):
    from pathlib import Path

    from bptutor.core.lesson import load_lesson_text

    text = (Path(__file__).parent.parent / "data" / "cases" / f"{case}.yaml").read_text()
    lesson, _ = load_lesson_text(text + "grad_check:\n  - {layer: 2, neuron: 1, from: 1}\n", f"{case}.yaml")
    steps = StepList.of_lesson(lesson)
    return steps, next(s for s in steps if s.kind == "grad_check")


def test_grad_check_is_the_central_difference_and_agrees_with_backprop():
    steps, step = _grad_check_step("C02")
    p, eps = steps.solution.problem, 1e-3
    w_up, w_down = [w.copy() for w in p.network.weights], [w.copy() for w in p.network.weights]
    w_up[0][0, 0] += eps
    w_down[0][0, 0] -= eps
    up = batch_cost(p, p.network.with_params(w_up, p.network.biases))
    down = batch_cost(p, p.network.with_params(w_down, p.network.biases))
    assert step.value == pytest.approx((up - down) / (2 * eps), rel=1e-12)
    assert step.value == pytest.approx(-0.01279493, rel=1e-5)  # C12: backprop's dC/dw2_11
    assert "agree" in step.note and "disagree" not in step.note
    from bptutor.core.answers import Tolerance
    from bptutor.core.mistakes import diagnose

    # the two costs subtracted the wrong way round, and the difference divided by ε alone
    assert diagnose(step, steps.solution, -step.value, Tolerance()).id == "sign_flip"
    assert diagnose(step, steps.solution, 2 * step.value, Tolerance()).id == "one_eps"


def test_grad_check_at_a_relu_kink_says_why_it_disagrees():
    # C08: z2_1 = 0 exactly; the nudge sees (0 + 2)/2 = 1 while backprop, with relu'(0) = 0, says 0
    steps, step = _grad_check_step("C08")
    assert step.value == pytest.approx(1.0, abs=2e-3)
    assert steps.solution.grad_w[0][0, 0] == 0.0
    assert "disagree" in step.note and "z²₁ = 0" in step.note and "relu′(0) = 0" in step.note


def test_uses_point_backwards_and_ids_are_unique():
    steps = StepList(solve(make(m=2)))
    seen: set[str] = set()
    for st_ in steps:
        assert st_.id not in seen
        for used in st_.uses:
            assert used in seen, f"{st_.id} uses {used}, which comes later or does not exist"
        seen.add(st_.id)
        assert steps.index_of(st_.id) == len(seen) - 1


def test_teaching_order_of_phases():
    steps = StepList(solve(make(sizes=(2, 3, 3, 2), m=2)))
    order = ["forward", "cost", "BP1", "BP2", "BP3/BP4"]
    s1 = [st_.phase for st_ in steps if st_.sample == 1]
    firsts = [s1.index(p) for p in order]
    assert firsts == sorted(firsts)
    kinds = [st_.kind for st_ in steps]
    assert kinds.index("batch_grad_w") > max(i for i, st_ in enumerate(steps) if st_.sample == 2)
    assert kinds[-1] == "cost_after" and kinds.index("update_w") > kinds.index("batch_grad_w")
    # BP2 runs towards the input: every layer-3 delta before any layer-2 delta
    deltas = [st_.layer for st_ in steps if st_.kind == "delta" and st_.sample == 1]
    assert deltas == sorted(deltas, reverse=True)


def test_single_sample_has_no_batch_steps_and_update_uses_its_gradient():
    steps = StepList(solve(make(m=1)))
    kinds = {st_.kind for st_ in steps}
    assert not kinds & {"batch_cost", "batch_grad_w", "batch_grad_b"}
    upd = steps.by_id("update_w.l3.j1.k2")
    assert "s1.grad_w.l3.j1.k2" in upd.uses


def test_labels_in_nielsens_symbols():
    steps = StepList(solve(make(m=1)))
    assert steps.by_id("s1.delta.l3.j1").label == "δ³₁"
    assert steps.by_id("s1.sigma_prime.l2.j1").label == "σ′(z²₁)"
    assert steps.by_id("s1.dC_da.l3.j2").label == "∂C/∂a³₂"
    assert steps.by_id("s1.grad_w.l3.j1.k2").label == "∂C/∂w³₁₂"
    assert steps.by_id("s1.bp2_term.l2.j1.k2").label == "w³₂₁δ³₂"
    q = steps.by_id("s1.grad_w.l3.j1.k2").question
    assert "into neuron 1 of layer 3 from neuron 2 of layer 2" in q


def test_ask_selects_by_kind_layer_neuron_sample():
    steps = StepList(solve(make(m=2)), ask=[Selector("delta", layer=2, neuron=1, sample=2), Selector("cost")])
    asked = [steps[int(i)].id for i in steps.asked]
    assert asked == ["s1.cost", "s2.cost", "s2.delta.l2.j1"]
    assert all(not st_.asked for st_ in steps if st_.id not in asked)


def test_cancellations_are_their_own_explained_steps():
    p = make(sizes=(2, 2), acts="sigmoid", cost="cross_entropy", m=1)
    d = StepList(solve(p)).by_id("s1.delta.l2.j1")
    assert d.equation == "BP1 (cancellation)" and "a − y" in d.general and d.note
    p = make(sizes=(2, 3), acts="softmax", cost="log_likelihood", m=1)
    p = Problem.build(p.network, p.cost, p.x, [[0, 1, 0]], 0.5)
    d = StepList(solve(p)).by_id("s1.delta.l2.j3")
    assert d.equation == "BP1 (cancellation)"
    assert d.value == pytest.approx(solve(p).forward.a[-1][0, 2])


def test_large_lesson_is_lazy():
    steps = StepList(solve(make(sizes=(784, 30, 10), m=10)))
    assert len(steps) > 240_000
    last = steps[len(steps) - 1]
    assert last.kind == "cost_after"
    mid = steps.by_id("s7.grad_w.l2.j30.k784")
    assert mid.value == pytest.approx(steps.solution.backward.grad_w[0][6, 29, 783])
    assert steps.index_of(mid.id) == steps.index_of("s7.grad_w.l2.j30.k783") + 1


@pytest.mark.parametrize("sid", ["s1.delta.l3.j1", "s12.grad_w.l2.j10.k784", "batch_cost", "update_b.l2.j3"])
def test_step_ids_round_trip(sid):
    assert step_id(*parse_step_id(sid)) == sid


def test_dC_da_is_asked_with_the_cost_definition_in_view():
    # C03: the learner must see which convention (with the ½) the lesson's cost uses
    steps = StepList(solve(make((2, 2), "sigmoid", cost="quadratic", m=1)))
    step = next(s for s in steps if s.kind == "dC_da")
    assert "Cₓ = ½ Σⱼ (yⱼ − aᴸⱼ)²" in step.question
