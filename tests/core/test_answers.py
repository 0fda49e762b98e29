"""Fair comparison of typed answers: the tolerance rule, the pencil rule, and the verdicts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bptutor.core import answers
from bptutor.core.answers import (
    CLOSE,
    NOT_UNDERSTOOD,
    RIGHT,
    WRONG,
    Tolerance,
    Verdict,
    check,
    rounded_recompute,
)
from bptutor.core.backprop import solve
from bptutor.core.network import Network, Problem
from bptutor.core.notation import shown
from bptutor.core.steps import StepList

CASES = {c["id"]: c for c in json.loads((Path(__file__).parent.parent / "data" / "cases.json").read_text())}


def steps_of(cid: str) -> StepList:
    inp = CASES[cid]["input"]
    layers = inp["layers"]
    net = Network.build(inp["sizes"], [ly["activation"] for ly in layers], [ly["weights"] for ly in layers], [ly["biases"] for ly in layers])
    xs, ys = [s["x"] for s in inp["samples"]], [s["y"] for s in inp["samples"]]
    return StepList(solve(Problem.build(net, inp["cost"].replace("-", "_"), xs, ys, inp.get("learning_rate", 0.5))))


C02 = steps_of("C02")
DW3_11 = C02.by_id("s1.grad_w.l3.j1.k1")  # -0.04008837 (C12)


# ---- C12: what counts as equal ----


@pytest.mark.parametrize(
    "text,kind",
    [
        ("-0.04009", RIGHT),  # 4 significant figures
        ("-0.0401", RIGHT),  # 3 significant figures
        ("-0.040", RIGHT),  # 2 figures written as 3: rel err 2.2e-3 < rtol 5e-3
        ("-0.04", RIGHT),  # documented: same number as -0.040, passes with rtol 5e-3
        ("-0.08018", WRONG),  # factor 2
        ("0.04009", WRONG),  # sign
        ("-0.0405", CLOSE),  # rel err 1.0e-2: within 10x the tolerance
    ],
)
def test_c12_typed_answers(text, kind):
    assert DW3_11.value == pytest.approx(-0.04008837, rel=1e-6)
    assert check(DW3_11, text, {}, Tolerance(), 4, C02.solution).kind == kind
    assert check(DW3_11, text).kind == kind  # the same without slips (no solution given)


def test_minus_0_04_rule_is_documented_and_depends_on_rtol():
    doc = answers.__doc__
    assert "'-0.04'" in doc and "2.2e-3" in doc and "5e-3" in doc
    assert check(DW3_11, "-0.04", tolerance=Tolerance(rtol=2e-3)).kind == CLOSE


def test_factor_2_and_sign_named_in_c12():
    assert check(DW3_11, "-0.08018", {}, Tolerance(), 4, C02.solution).diagnosis == "factor_2"
    assert check(DW3_11, "0.04009", {}, Tolerance(), 4, C02.solution).diagnosis == "sign_flip"


# ---- atol ----


def test_zero_accepted_when_the_expected_value_is_zero_or_noise():
    c08 = steps_of("C08")
    delta2 = c08.by_id("s1.delta.l2.j1")
    assert delta2.value == 0.0
    assert check(delta2, "0", {}, Tolerance(), 4, c08.solution).kind == RIGHT
    noisy = replace(delta2, value=4e-18)
    assert check(noisy, "0", {}, Tolerance(), 4, c08.solution).kind == RIGHT
    assert check(noisy, "-0", {}, Tolerance(), 4, c08.solution).kind == RIGHT
    assert check(noisy, "0.01").kind == WRONG


# ---- the pencil rule ----


def test_pencil_rule_alone_accepts_the_rounded_operands_product():
    """delta3 = dC/da * sigma'(z3) from the 4-figure values on screen; a strict rtol shows the pencil rule at work."""
    delta3 = C02.by_id("s1.delta.l3.j1")
    strict = Tolerance(rtol=1e-6, atol=1e-12)
    g, sp = (o.value for o in delta3.operands)
    pencil = shown(g) * shown(sp)
    assert pencil == rounded_recompute(delta3, 4)
    assert not strict.accepts(pencil, delta3.value)  # outside rtol of the exact value
    verdict = check(delta3, repr(pencil), {}, strict, 4, C02.solution)
    assert verdict.kind == RIGHT and "rounded values on screen" in verdict.message
    assert check(delta3, repr(2 * pencil), {}, strict, 4, C02.solution).kind == WRONG  # factor 2
    assert check(delta3, repr(-pencil), {}, strict, 4, C02.solution).kind == WRONG  # sign
    assert check(delta3, repr(pencil), {}, strict, 5, C02.solution).kind != RIGHT  # shown to 5 figures, not 4


def _linear_z(w: float, x: float, b: float) -> StepList:
    net = Network.build([1, 1], "linear", [[[w]]], [[b]])
    return StepList(solve(Problem.build(net, "quadratic", [[x]], [[0.0]], 0.1)))


def test_pencil_rule_with_the_default_tolerance():
    """z = 2.00049·1 − 1.99 = 0.01049; on screen w = 2, so the pencil gives 0.01 (4.7 % off, outside rtol)."""
    z = _linear_z(2.00049, 1.0, -1.99).by_id("s1.z.l2.j1")
    assert not Tolerance().accepts(0.01, z.value)
    assert check(z, "0.01").kind == RIGHT
    assert check(z, "0.02").kind == WRONG  # factor 2 of the pencil value


def test_pencil_rule_never_accepts_a_sign_flip():
    """z = 1.00049·1.00049 − 1.0009 = +8e-5, but the rounded operands give 1 − 1.001 = −0.001."""
    steps = _linear_z(1.00049, 1.00049, -1.0009)
    z = steps.by_id("s1.z.l2.j1")
    assert z.value > 0 and rounded_recompute(z, 4) < 0
    assert check(z, "-0.001", tolerance=Tolerance(atol=1e-9)).kind == WRONG


@pytest.mark.parametrize("rtol", [1.5, 3.0])
def test_a_generous_rtol_still_rejects_factor_2_and_sign(rtol):
    loose = Tolerance(rtol=rtol)
    e = DW3_11.value
    assert loose.accepts(2 * e, e) or loose.accepts(-e, e)
    assert check(DW3_11, repr(2 * e), tolerance=loose).kind == WRONG
    assert check(DW3_11, repr(-e), tolerance=loose).kind == WRONG
    assert check(DW3_11, repr(e * 1.01), tolerance=loose).kind == RIGHT


# ---- verdicts ----


def test_close_verdict_within_ten_tolerances():
    e = DW3_11.value
    verdict = check(DW3_11, repr(e * 1.03), {}, Tolerance(), 4, C02.solution)
    assert verdict.kind == CLOSE and "3.0% off" in verdict.message and "4 significant figures" in verdict.message
    assert verdict.diagnosis is None
    assert check(DW3_11, repr(e * 1.06), {}, Tolerance(), 4, C02.solution).kind == WRONG


def test_an_update_is_close_only_when_its_step_is():
    # w' = w - eta dC/dw is mostly w: within 10 tolerances of w' can be a gradient 40% wrong
    update = C02.by_id("update_w.l3.j1.k1")
    w, eta, g = (o.value for o in update.operands)
    wrong_gradient = w - eta * g * 1.4
    assert abs(wrong_gradient - update.value) <= 10 * 5e-3 * abs(update.value)
    assert check(update, repr(wrong_gradient), {}, Tolerance(), 4, C02.solution).kind == WRONG
    # C03: w 0.4 -> 0.58, a step of 0.18; 0.585 misses by 0.005 (the tolerance is 0.0029), 3% of the step
    c03 = steps_of("C03")
    update = c03.by_id("update_w.l2.j1.k1")
    assert update.value == pytest.approx(0.58)
    assert check(update, "0.585", {}, Tolerance(), 4, c03.solution).kind == CLOSE


def test_right_message_shows_the_value_and_notes_come_apart():
    c08 = steps_of("C08")
    cost = c08.by_id("s1.cost")
    assert cost.value == pytest.approx(0.5)
    verdict = check(cost, "2^-1", {}, Tolerance(), 4, c08.solution)
    assert verdict.kind == RIGHT and verdict.right
    assert "^ read as power" in verdict.notes[0] and "read as" not in verdict.message  # the app shows notes once
    assert "C = 0.5" in verdict.message


def test_syntax_error_is_not_understood():
    for text, words in (("0.3.4", "column 4"), ("", "type a number"), ("abc(", "unknown")):
        verdict = check(DW3_11, text, {}, Tolerance(), 4, C02.solution)
        assert verdict.kind == NOT_UNDERSTOOD and words in verdict.message
        assert verdict.value is None and verdict.diagnosis is None


def test_plain_wrong_without_a_slip():
    verdict = check(DW3_11, "7", {}, Tolerance(), 4, C02.solution)
    assert (verdict.kind, verdict.message, verdict.diagnosis) == (WRONG, "Not 7.", None)


def test_without_a_solution_nothing_is_diagnosed():
    c03 = steps_of("C03")
    verdict = check(c03.by_id("s1.dC_da.l2.j1"), "1.2")
    assert verdict == Verdict(WRONG, "Not 1.2.", 1.2)


def test_names_are_evaluated():
    da = C02.by_id("s1.dC_da.l3.j1")
    a3 = C02.solution.forward.a[-1][0, 0]
    assert check(da, "a31 - y1", {"a31": a3, "y1": 1.0}).kind == RIGHT


def test_tolerance_must_be_finite_and_not_negative():
    for rtol, atol in ((-1e-3, 1e-6), (5e-3, -1.0), (float("nan"), 1e-6), (5e-3, float("inf"))):
        with pytest.raises(ValueError):
            Tolerance(rtol, atol)
