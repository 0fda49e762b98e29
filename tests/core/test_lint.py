"""Each author warning is triggered by a small lesson made for it, and only by it."""

from __future__ import annotations

import pytest

from bptutor.core.lesson import load_lesson_text
from bptutor.core.lint import lint

BASE = """\
title: lint
network:
  sizes: [2, 2, 1]
  activation: {act}
  weights: [[[0.5, -0.25], [0.3, 0.2]], [[0.7, -0.4]]]
  biases: [[0.0, 0.1], [0.2]]
cost: quadratic
samples:
  - {{x: [1.0, 2.0], y: [1.0]}}
learning_rate: 0.5
{extra}
"""


def warnings_of(extra: str = "", act: str = "sigmoid") -> list[str]:
    lesson, load_warnings = load_lesson_text(BASE.format(extra=extra, act=act), "t.yaml")
    return [str(w) for w in load_warnings + lint(lesson)]


def test_a_plain_lesson_has_no_warnings():
    assert warnings_of("ask: [delta]") == []


# each small lesson, the warning it is made for, and how many times it gives it
SMALL = [
    # an ask entry that matches no step: no grad_check was set up
    ("ask: [delta, grad_check]", "sigmoid", "ask[1] selects no step", 1),
    # ReLU with z exactly 0 (0.5*1 - 0.25*2 + 0 = 0)
    ("ask: [delta]", "relu", "relu'(0) = 0", 1),
    # precision 1 cannot tell a factor-2 slip or a forgotten sigma' from the right value:
    # once for each of the three δ steps where it cannot
    ("ask: [delta]\nprecision: 1", "sigmoid", "raise precision", 3),
]
NEEDLES = [needle for _, _, needle, _ in SMALL] + ["more than 200", "saturat"]


@pytest.mark.parametrize("extra,act,needle,count", SMALL, ids=["ask-selects-nothing", "relu-kink", "precision"])
def test_each_warning_has_a_lesson_that_triggers_it(extra, act, needle, count):
    found = warnings_of(extra, act)
    assert len(found) == count, found
    assert all(needle in w for w in found), found  # its own warning and no other one
    assert not any(other in w for w in found for other in NEEDLES if other != needle), found


def test_more_than_200_typed_steps():
    text = """\
title: big
network: {sizes: [12, 12, 2], activation: sigmoid, init: {seed: 1, scale: 0.3}}
samples: [{x: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.1, 0.2], y: [1, 0]}]
learning_rate: 0.5
"""
    lesson, load_warnings = load_lesson_text(text, "big.yaml")
    found = [str(w) for w in load_warnings + lint(lesson)]
    assert len(found) == 1 and "more than 200" in found[0], found


def test_saturated_output_warns():
    text = BASE.format(extra="", act="sigmoid").replace("[[0.7, -0.4]]", "[[70.0, 40.0]]")
    lesson, load_warnings = load_lesson_text(text, "sat.yaml")
    found = [str(w) for w in load_warnings + lint(lesson)]
    assert len(found) == 1 and "saturat" in found[0], found
