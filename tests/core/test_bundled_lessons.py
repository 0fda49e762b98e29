"""The bundled curriculum: every lesson is valid, quiet under lint, sized for 5-15 minutes,
and its numbers agree with central finite differences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bptutor.core.backprop import batch_cost, solve
from bptutor.core.lesson import load_lesson
from bptutor.core.lint import lint
from bptutor.core.locations import bundled_lessons_dir
from bptutor.core.steps import StepList

LESSONS = sorted((Path(__file__).resolve().parents[2] / "lessons").glob("*.yaml"))


def test_there_are_at_least_ten_and_they_are_the_bundled_ones():
    assert len(LESSONS) >= 10
    assert sorted(bundled_lessons_dir().glob("*.yaml")) == LESSONS  # in a checkout, lessons/ itself


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_is_valid_with_no_warnings(path):
    lesson, warnings = load_lesson(path)
    assert warnings == [] and lint(lesson) == [], [str(w) for w in warnings + lint(lesson)]
    assert lesson.summary and lesson.closing, "every bundled lesson has a summary and a closing text"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_is_sized_for_a_sitting(path):
    lesson, _ = load_lesson(path)
    typed = len(StepList.of_lesson(lesson).asked)
    assert 4 <= typed <= 25, f"{typed} typed steps"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_gradients_match_finite_differences(path):
    lesson, _ = load_lesson(path)
    problem = lesson.problem()
    sol = solve(problem)
    net, eps = problem.network, 1e-6
    for li in range(len(net.weights)):
        for target, grads in (("w", sol.grad_w[li]), ("b", sol.grad_b[li])):
            for idx in np.ndindex(grads.shape):
                params = {"w": [w.copy() for w in net.weights], "b": [b.copy() for b in net.biases]}
                params[target][li][idx] += eps
                up = batch_cost(problem, net.with_params(params["w"], params["b"]))
                params[target][li][idx] -= 2 * eps
                down = batch_cost(problem, net.with_params(params["w"], params["b"]))
                numeric = (up - down) / (2 * eps)
                assert abs(numeric - grads[idx]) <= 1e-6 * (abs(numeric) + abs(grads[idx])) + 1e-9, (target, li, idx)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_update_lowers_the_cost(path):
    lesson, _ = load_lesson(path)
    sol = solve(lesson.problem())
    assert sol.cost_after is not None and sol.cost_after < sol.cost
