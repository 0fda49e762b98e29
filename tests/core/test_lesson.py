"""Lesson files: every rule of docs/lesson-format.md, each bad lesson pinned to FILE:LINE:COL.

Most tests are tables: one row per bad lesson, a comment saying what the row is about, and the
exact diagnostic an author would see. The base lesson is the C13 case (2-3-3, sigmoid).
"""

from __future__ import annotations

import hashlib
import json
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bptutor.core.lesson import (
    MAX_LAYERS,
    MAX_NEURONS,
    MAX_SAMPLES,
    MAX_WEIGHTS,
    Diagnostic,
    Lesson,
    LessonError,
    LessonFile,
    draw_parameters,
    lesson_json_schema,
    load_lesson,
    load_lesson_text,
)
from bptutor.core.network import forward
from bptutor.core.selectors import Selector

DATA = Path(__file__).parent.parent / "data"
CASES = {c["id"]: c for c in json.loads((DATA / "cases.json").read_text())}
CASE_LESSONS = sorted(p.stem for p in (DATA / "cases").glob("C*.yaml"))

# Line numbers of BASE, which the expected positions below refer to.
BASE = """\
title: base
network:
  sizes: [2, 3, 3]
  activation: sigmoid
  weights:
    - [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
    - [[0.2, -0.1, 0.4], [0.0, 0.3, -0.2], [0.5, 0.1, 0.1]]
  biases:
    - [0.1, 0.2, 0.3]
    - [0.0, 0.1, -0.1]
cost: quadratic
samples:
  - {x: [1, 1], y: [1, 0, 0]}
learning_rate: 0.5
"""

# Words that would mean a library's message or a traceback reached the author.
INTERNAL_WORDS = ("Traceback", "pydantic", "ValidationError", "numpy", "input_value", "For further information")

BAD_TEXTS: list[str] = []  # every bad lesson of every table, for the no-internal-words test


def variant(old: str, new: str, base: str = BASE) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


def errors(text: str) -> list[str]:
    """The diagnostics of a lesson that must not load, as `t.yaml:LINE:COL: message`."""
    BAD_TEXTS.append(text)
    with pytest.raises(LessonError) as info:
        load_lesson_text(text, "t.yaml")
    assert str(info.value) == "\n".join(str(d) for d in info.value.diagnostics)
    return [str(d) for d in info.value.diagnostics]


def cases(table: list[tuple]) -> list:
    """Table rows are (id, *values): the id names the row in pytest's output."""
    return [pytest.param(*row[1:], id=row[0]) for row in table]


def loads(text: str) -> tuple[Lesson, list[str]]:
    lesson, warnings = load_lesson_text(text, "t.yaml")
    return lesson, [str(w) for w in warnings]


# =========================================================================== good lessons


@pytest.mark.parametrize("cid", CASE_LESSONS)
def test_case_lessons_load_with_the_case_values(cid):
    lesson, _ = load_lesson(DATA / "cases" / f"{cid}.yaml")
    case = CASES[cid]["input"]
    layers = case["layers"]
    assert lesson.sizes == tuple(case["sizes"])
    assert lesson.activations == tuple(layer["activation"] for layer in layers)
    assert lesson.cost == case["cost"].replace("-", "_")
    assert lesson.weights == tuple(tuple(tuple(row) for row in layer["weights"]) for layer in layers)
    assert lesson.biases == tuple(tuple(layer["biases"]) for layer in layers)
    assert [(s.x, s.y) for s in lesson.samples] == [(tuple(s["x"]), tuple(s["y"])) for s in case["samples"]]
    assert lesson.title.startswith(cid)


def test_case_lesson_c13_flat_vectors_give_vector_z():
    lesson, warnings = load_lesson(DATA / "cases" / "C13.yaml")
    trace = forward(lesson.network(), np.array([s.x for s in lesson.samples]))
    np.testing.assert_allclose(trace.z[0][0], [0.4, 0.9, 1.4])
    np.testing.assert_allclose(trace.a[2][0], [0.5913421, 0.5381378, 0.5867769], rtol=1e-6)
    assert warnings == []


def test_lesson_fields_defaults_and_problem():
    lesson, warnings = loads(BASE)
    assert warnings == []
    assert lesson.path == "t.yaml"
    assert lesson.content_hash == hashlib.sha256(BASE.encode()).hexdigest()
    assert (lesson.format_version, lesson.precision, lesson.rtol, lesson.atol) == (1, 4, 5e-3, 1e-6)
    assert (lesson.summary, lesson.closing, lesson.ask, lesson.notes, lesson.grad_checks) == (None, None, None, (), ())
    assert lesson.activations == ("sigmoid", "sigmoid")  # one name is expanded per layer
    assert lesson.positions["samples[0]"] == (13, 5)
    problem = lesson.problem()
    assert problem.x.shape == (1, 2) and problem.y.shape == (1, 3) and problem.eta == 0.5
    with pytest.raises(ValidationError):
        lesson.title = "changed"  # frozen


def test_optional_keys_are_read():
    text = BASE + """\
format_version: 1
summary: "**Hello**"
closing: Done.
cost: quadratic
precision: 6
tolerance: {rtol: 1e-2, atol: 0}
ask: [delta, {kind: grad_w, layer: 3, neuron: 1, from: 2}, {layer: 2, sample: 1}]
notes:
  - {kind: delta, layer: 2, text: "BP2 here"}
grad_check:
  - {layer: 2, neuron: 1, from: 1, epsilon: 1e-4}
  - {layer: 3, neuron: 2}
""".replace("cost: quadratic\nprecision", "precision")
    lesson, _ = loads(text)
    assert (lesson.summary, lesson.closing, lesson.precision, lesson.rtol, lesson.atol) == ("**Hello**", "Done.", 6, 0.01, 0.0)
    assert lesson.ask == (Selector("delta"), Selector("grad_w", 3, 1, None, 2), Selector(None, 2, None, 1))
    assert lesson.notes == ((Selector("delta", 2), "BP2 here"),)
    assert [(c.layer, c.neuron, c.from_, c.epsilon) for c in lesson.grad_checks] == [(2, 1, 1, 1e-4), (3, 2, None, 1e-3)]


def test_no_learning_rate_means_no_update():
    lesson, _ = loads(variant("learning_rate: 0.5\n", ""))
    assert lesson.learning_rate is None and lesson.problem().eta is None


def test_mnist_sized_lesson_with_written_weights_loads():
    # [784, 30, 10] with 10 samples is what the benchmarks use: it must load, written out in full.
    weights, biases = draw_parameters([784, 30, 10], seed=3, scale=0.1, decimals=3)
    rng = np.random.default_rng(0)
    lines = ["title: mnist-sized", "network:", "  sizes: [784, 30, 10]", "  activation: [sigmoid, softmax]", "  weights:"]
    lines += [f"    - {json.dumps(w)}" for w in weights]
    lines += ["  biases:"] + [f"    - {json.dumps(b)}" for b in biases]
    lines += ["cost: log_likelihood", "samples:"]
    for s in range(10):
        x = json.dumps(rng.integers(0, 256, 784).round(0).tolist())
        lines.append(f"  - {{x: {x}, y: {json.dumps([1.0 if j == s else 0.0 for j in range(10)])}}}")
    lesson, _ = loads("\n".join(lines) + "\n")
    assert lesson.sizes == (784, 30, 10) and len(lesson.samples) == 10
    assert np.array(lesson.weights[0]).shape == (30, 784)
    assert lesson.weights[1] == tuple(tuple(r) for r in weights[1])


def test_mnist_sized_lesson_with_init_loads():
    xs = "\n".join("  - {x: [" + ", ".join(["0.5"] * 784) + "], y: [" + ", ".join(["0"] * 10) + "]}" for _ in range(10))
    text = f"title: drawn\nnetwork:\n  sizes: [784, 30, 10]\n  activation: sigmoid\n  init: {{seed: 1, scale: 0.1}}\nsamples:\n{xs}\n"
    lesson, _ = loads(text)
    assert np.array(lesson.weights[0]).shape == (30, 784) and np.array(lesson.biases[1]).shape == (10,)


def test_json_schema_mirrors_the_file_keys():
    schema = lesson_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        "format_version", "title", "summary", "closing", "network", "cost", "samples",
        "learning_rate", "ask", "notes", "grad_check", "precision", "tolerance",
    }
    assert set(schema["required"]) == {"title", "network", "samples"}
    assert schema["$defs"]["NetworkFile"]["properties"]["sizes"]["items"]["minimum"] == 1
    assert "from" in schema["$defs"]["SelectorFile"]["properties"]
    assert LessonFile.model_json_schema()["properties"]["precision"]["maximum"] == 12


# =========================================================================== C13: shapes


def test_c13_weights_of_the_wrong_shape():
    text = variant("[[0.2, -0.1, 0.4], [0.0, 0.3, -0.2], [0.5, 0.1, 0.1]]", "[[0.2, -0.1], [0.0, 0.3], [0.5, 0.1]]")
    assert errors(text) == [
        "t.yaml:7:7: layer 3: weights must be 3x3 (rows = neurons in layer 3, columns = neurons in layer 2), got 3x2"
    ]


def test_c13_ragged_row():
    text = variant("[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]", "[[0.1, 0.2], [0.3], [0.5, 0.6]]")
    assert errors(text) == ["t.yaml:6:20: layer 2: weights row 2 has 1 value, expected 2"]


SHAPE_ERRORS = [
    # the case's own ragged matrix: a short row, and too few rows for 3 neurons
    (
        "ragged-and-short",
        variant("[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]", "[[0.1,0.2],[0.3]]"),
        ["t.yaml:6:7: layer 2: weights must have 3 rows (one per neuron in layer 2), got 2",
         "t.yaml:6:18: layer 2: weights row 2 has 1 value, expected 2"],
    ),
    # a row that is too long in a ragged matrix
    (
        "row-too-long",
        variant("[0.3, 0.4]", "[0.3, 0.4, 0.9]"),
        ["t.yaml:6:20: layer 2: weights row 2 has 3 values, expected 2"],
    ),
    # a transposed matrix (2x3 for 3x2)
    (
        "transposed",
        variant("[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]", "[[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]"),
        ["t.yaml:6:7: layer 2: weights must be 3x2 (rows = neurons in layer 2, columns = neurons in layer 1), got 2x3"],
    ),
    # one bias short
    ("bias-short", variant("[0.0, 0.1, -0.1]", "[0.0, 0.1]"), ["t.yaml:10:7: layer 3: biases must have 3 values, got 2"]),
    # x longer than n_1
    ("x-long", variant("x: [1, 1]", "x: [1, 1, 1]"), ["t.yaml:13:9: samples[0].x must have 2 values (n_1 = 2), got 3"]),
    # y shorter than n_L
    ("y-short", variant("y: [1, 0, 0]", "y: [1, 0]"), ["t.yaml:13:20: samples[0].y must have 3 values (n_3 = 3), got 2"]),
    # a third weight matrix for a 3-layer network
    (
        "three-matrices",
        variant("    - [[0.2, -0.1, 0.4], [0.0, 0.3, -0.2], [0.5, 0.1, 0.1]]\n", "    - [[0.2, -0.1, 0.4], [0.0, 0.3, -0.2], [0.5, 0.1, 0.1]]\n    - [[1.0]]\n"),
        ["t.yaml:6:5: network.weights must have 2 matrices (one for each layer 2..3), got 3"],
    ),
    # one bias vector for two layers
    ("one-bias-vector", variant("    - [0.0, 0.1, -0.1]\n", ""), ["t.yaml:9:5: network.biases must have 2 vectors (one for each layer 2..3), got 1"]),
    # three activation names for two layers
    (
        "three-names",
        variant("activation: sigmoid", "activation: [sigmoid, tanh, relu]"),
        ["t.yaml:4:15: network.activation has 3 names; layers 2..3 need 2 (or write one name for all of them)"],
    ),
    # one pair of brackets too few: a matrix written as a row
    (
        "matrix-as-row",
        variant("    - [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]", "    - [0.1, 0.2]"),
        ["t.yaml:6:8: layer 2: weights row 1: expected a list, got number 0.1 (each matrix is a list of rows, such as [[0.1, 0.2]], inside the list of matrices)",
         "t.yaml:6:13: layer 2: weights row 2: expected a list, got number 0.2 (each matrix is a list of rows, such as [[0.1, 0.2]], inside the list of matrices)"],
    ),
    # a scalar where a vector is expected
    ("scalar-x", variant("x: [1, 1]", "x: 1"), ["t.yaml:13:9: samples[0].x: expected a list, got number 1 (write [1] for a list of one)"]),
    # a 2-layer network has one matrix and one vector
    (
        "two-layers",
        "title: t\nnetwork:\n  sizes: [1, 1]\n  activation: [linear, linear]\n  weights: [[[1]], [[2]]]\n  biases: [[0]]\nsamples: [{x: [1], y: [1]}]\n",
        ["t.yaml:4:15: network.activation has 2 names; layer 2 needs 1 (or write one name for all of them)",
         "t.yaml:5:12: network.weights must have 1 matrix (one for layer 2), got 2"],
    ),
]


@pytest.mark.parametrize("text, expected", cases(SHAPE_ERRORS))
def test_shape_errors(text, expected):
    assert errors(text) == expected


# =========================================================================== C14: numbers


def test_c14_yaml_12_numbers_and_yes_no():
    text = variant("learning_rate: 0.5", "learning_rate: 1e-3").replace(
        "  - {x: [1, 1], y: [1, 0, 0]}", "  - x: [1e-1, 5e-1]\n    y: [yes, no, 0]"
    )
    assert errors(text) == [
        "t.yaml:14:9: samples[0].y[0]: expected a number, got boolean yes - write 1 or 0 (quoting it makes text, not a number)",
        "t.yaml:14:14: samples[0].y[1]: expected a number, got boolean no - write 1 or 0 (quoting it makes text, not a number)",
    ]
    lesson, _ = loads(text.replace("[yes, no, 0]", "[1, 0, 0]"))
    assert lesson.learning_rate == 0.001
    assert lesson.samples[0].x == (0.1, 0.5)


@pytest.mark.parametrize(
    "written, value",
    [
        ("1e-3", 0.001),  # no dot, signed exponent: text under YAML 1.1, a float under 1.2
        ("1.0e-3", 0.001),  # the one form YAML 1.1 also reads as a float
        ("1.e-3", 0.001),  # a dot with no digits after it
        ("1e+3", 1000.0),  # explicit plus sign
        ("-1e-2", -0.01),  # negative (as a weight; a learning rate must be > 0)
        ("1.0e10", 1e10),  # no sign in the exponent
        (".5", 0.5),  # no leading zero
        ("'1e-3'", 0.001),  # quoted: text that reads as a number is converted
        ("3", 3.0),  # an int is a number
        ("0x10", 16.0),  # YAML 1.2 hexadecimal int
    ],
)
def test_float_spellings_are_numbers(written, value):
    lesson, _ = loads(variant("[0.0, 0.1, -0.1]", f"[{written}, 0.1, -0.1]"))
    assert lesson.biases[1][0] == value


NOT_NUMBERS = [
    ("true", "expected a number, got boolean true - write 1 or 0 (quoting it makes text, not a number)"),  # a YAML 1.2 boolean
    ("False", "expected a number, got boolean False - write 1 or 0 (quoting it makes text, not a number)"),  # any case
    ("yes", "expected a number, got boolean yes - write 1 or 0 (quoting it makes text, not a number)"),  # text in 1.2, a boolean to the author
    ("Off", "expected a number, got boolean Off - write 1 or 0 (quoting it makes text, not a number)"),
    ('"on"', "expected a number, got boolean on - write 1 or 0 (quoting it makes text, not a number)"),  # even quoted
    ("abc", 'expected a number, got text "abc"'),
    ('"1,5"', 'expected a number, got text "1,5"'),  # a decimal comma (quoted: unquoted it makes two values)
    (".nan", ".nan is not a finite number"),
    (".inf", ".inf is not a finite number"),
    ("-.inf", "-.inf is not a finite number"),
    ("1e999", "1e999 is not a finite number"),  # overflows to inf
    ('"nan"', "nan is not a finite number"),  # quoted spellings Python would accept
    ("~", "expected a number, got nothing"),
    ("[1]", "expected a number, got a list"),
    ("{a: 1}", "expected a number, got a mapping"),
]


@pytest.mark.parametrize("written, problem", NOT_NUMBERS)
def test_values_that_are_not_finite_numbers(written, problem):
    text = variant("y: [1, 0, 0]", f"y: [1, {written}, 0]")
    assert errors(text) == [f"t.yaml:13:24: samples[0].y[1]: {problem}"]


@pytest.mark.parametrize(
    "line, expected",
    [
        # a boolean learning rate
        ("learning_rate: yes", "t.yaml:14:16: learning_rate: expected a number, got boolean yes - write 1 or 0 (quoting it makes text, not a number)"),
        # a weight in a named place: layer and row/column, 1-based
        (None, "t.yaml:7:20: layer 3: weights row 1, column 3: expected a number, got text \"x\""),
    ],
)
def test_number_errors_name_the_field(line, expected):
    text = variant("learning_rate: 0.5", line) if line else variant("[[0.2, -0.1, 0.4]", "[[0.2, -0.1, x]")
    assert errors(text) == [expected]


def test_whole_numbers_and_text_fields():
    text = variant("sizes: [2, 3, 3]", "sizes: [2, 3.5, true]")
    assert errors(text) == [
        "t.yaml:3:14: network.sizes[1]: expected a whole number, got 3.5",
        "t.yaml:3:19: network.sizes[2]: expected a whole number, got boolean true - write a number",
    ]
    assert errors(variant("title: base", "title: 2024")) == ["t.yaml:1:8: title: expected text, got number 2024 - put it in quotes"]
    lesson, _ = loads(variant("sizes: [2, 3, 3]", "sizes: [2, 3.0, '3']"))  # whole values in other spellings
    assert lesson.sizes == (2, 3, 3)


# =========================================================================== keys


UNKNOWN_KEYS = [
    # top level
    ("top", variant("learning_rate: 0.5", "learning_rat: 0.5"), 'unknown key "learning_rat" (did you mean "learning_rate"?)', 14, 1),
    # in network
    ("network", variant("  activation: sigmoid", "  activations: sigmoid"), 'network: unknown key "activations" (did you mean "activation"?)', 4, 3),
    # in a sample
    ("sample", variant("y: [1, 0, 0]", "y: [1, 0, 0], Y: 1"), 'samples[0]: unknown key "Y" (did you mean "y"?)', 13, 31),
    # in an ask mapping
    ("ask", BASE + "ask: [{kind: z, layr: 2}]\n", 'ask[0]: unknown key "layr" (did you mean "layer"?)', 15, 17),
    # in a note
    ("notes", BASE + "notes: [{kind: z, txt: hi}]\n", 'notes[0]: unknown key "txt" (did you mean "text"?)', 15, 19),
    # in tolerance
    ("tolerance", BASE + "tolerance: {rtol: 0.01, atl: 0}\n", 'tolerance: unknown key "atl" (did you mean "atol"?)', 15, 25),
    # in init
    ("init", variant("  weights:", "  init: {seed: 1, scale: 1, decimal: 3}\n  weights:"), 'network.init: unknown key "decimal" (did you mean "decimals"?)', 5, 29),
    # in grad_check
    ("grad_check", BASE + "grad_check: [{layer: 2, neuron: 1, eps: 1}]\n", 'grad_check[0]: unknown key "eps" (did you mean "epsilon"?)', 15, 36),
    # nothing close: the allowed keys are listed
    ("nothing-close", BASE + "colour: red\n", 'unknown key "colour" (expected one of: format_version, title, summary, closing, network, cost, samples, learning_rate, ask, notes, grad_check, precision, tolerance)', 15, 1),
]


@pytest.mark.parametrize("text, message, line, col", cases(UNKNOWN_KEYS))
def test_unknown_keys_at_every_level(text, message, line, col):
    found = [d for d in errors(text) if "unknown key" in d]
    assert found == [f"t.yaml:{line}:{col}: {message}"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the brief's example: both lines named
        pytest.param(BASE + "cost: quadratic\n", ['t.yaml:15:1: duplicate key "cost" (first at line 11)'], id="top"),
        # nested, in a block mapping
        pytest.param(variant("  activation: sigmoid\n", "  activation: sigmoid\n  activation: relu\n"), ['t.yaml:5:3: duplicate key "activation" (first at line 4)'], id="nested"),
        # inside a flow mapping
        pytest.param(variant("y: [1, 0, 0]", "y: [1, 0, 0], x: [2, 2]"), ['t.yaml:13:31: duplicate key "x" (first at line 13)'], id="flow"),
    ],
)
def test_duplicate_keys(text, expected):
    assert errors(text) == expected


def test_missing_required_keys():
    assert errors("network: {sizes: [1, 1], activation: linear, weights: [[[1]]], biases: [[0]]}\n") == [
        't.yaml:1:1: missing required key "title"',
        't.yaml:1:1: missing required key "samples"',
    ]
    assert errors(variant("  sizes: [2, 3, 3]\n", "")) == ['t.yaml:3:3: network: missing required key "sizes"']
    assert errors(BASE + "notes: [{kind: z}]\n") == ['t.yaml:15:9: notes[0]: missing required key "text"']


# =========================================================================== names


NAME_ERRORS = [
    # a typo in an activation name
    ("activation-typo", variant("activation: sigmoid", "activation: sigmod"), ['t.yaml:4:15: unknown activation "sigmod" (did you mean "sigmoid"?)']),
    # a typo inside a list of names
    ("typo-in-list", variant("activation: sigmoid", "activation: [sigmoid, Tanh]"), ['t.yaml:4:25: unknown activation "Tanh" (did you mean "tanh"?)']),
    # a cost with a dash, as the cases write it
    ("cost-dash", variant("cost: quadratic", "cost: log-likelihood"), ['t.yaml:11:7: unknown cost "log-likelihood" (did you mean "log_likelihood"?)']),
    # nothing close
    ("cost-unknown", variant("cost: quadratic", "cost: hinge"), ['t.yaml:11:7: unknown cost "hinge" (expected one of: quadratic, cross_entropy, log_likelihood)']),
    # softmax in a hidden layer
    ("softmax-hidden", variant("activation: sigmoid", "activation: [softmax, sigmoid]"), ["t.yaml:4:16: softmax can only be used in the output layer (layer 3), not in layer 2: use sigmoid, tanh, relu or linear there"]),
    # one name softmax would put softmax in every layer
    (
        "softmax-one-name",
        variant("activation: sigmoid", "activation: softmax"),
        ["t.yaml:4:15: softmax can only be the output layer's activation, but one name applies to every layer 2..3: write a list such as [sigmoid, softmax]"],
    ),
]


@pytest.mark.parametrize("text, expected", cases(NAME_ERRORS))
def test_activation_and_cost_names(text, expected):
    assert errors(text) == expected


def test_softmax_at_the_output_is_fine():
    lesson, _ = loads(variant("activation: sigmoid", "activation: [tanh, softmax]"))
    assert lesson.activations == ("tanh", "softmax")


LOG_COST_ERRORS = [
    # the brief's message: relu outputs can leave (0, 1)
    (
        "relu-output",
        variant("activation: sigmoid", "activation: [sigmoid, relu]").replace("cost: quadratic", "cost: cross_entropy"),
        ["t.yaml:4:25: cost cross_entropy needs outputs in (0, 1): use sigmoid or softmax in layer 3, not relu"],
    ),
    # one name for every layer: the error sits on that name
    (
        "linear-one-name",
        variant("activation: sigmoid", "activation: linear").replace("cost: quadratic", "cost: log_likelihood"),
        ["t.yaml:4:15: cost log_likelihood needs outputs in (0, 1): use sigmoid or softmax in layer 3, not linear"],
    ),
    # targets outside [0, 1]
    (
        "targets",
        variant("cost: quadratic", "cost: cross_entropy").replace("y: [1, 0, 0]", "y: [2, 0, -0.5]"),
        ["t.yaml:13:21: samples[0].y[0]: cost cross_entropy needs targets between 0 and 1, got 2",
         "t.yaml:13:27: samples[0].y[2]: cost cross_entropy needs targets between 0 and 1, got -0.5"],
    ),
]


@pytest.mark.parametrize("text, expected", cases(LOG_COST_ERRORS))
def test_log_costs_need_unit_interval_outputs_and_targets(text, expected):
    assert errors(text) == expected


def test_quadratic_cost_allows_any_target():
    lesson, _ = loads(variant("activation: sigmoid", "activation: linear").replace("y: [1, 0, 0]", "y: [2, -3, 0]"))
    assert lesson.samples[0].y == (2.0, -3.0, 0.0)


# =========================================================================== ranges and limits


RANGE_ERRORS = [
    # a single layer is no network
    ("one-layer", variant("sizes: [2, 3, 3]", "sizes: [2]"), "t.yaml:3:10: network.sizes needs at least 2 layers (inputs and outputs), got 1"),
    # a layer of no neurons
    ("zero-neurons", variant("sizes: [2, 3, 3]", "sizes: [2, 0, 3]"), "t.yaml:3:14: network.sizes[1] must be at least 1, got 0"),
    # learning rate zero and negative
    ("eta-zero", variant("learning_rate: 0.5", "learning_rate: 0"), "t.yaml:14:16: learning_rate must be greater than 0, got 0"),
    ("eta-negative", variant("learning_rate: 0.5", "learning_rate: -1e-2"), "t.yaml:14:16: learning_rate must be greater than 0, got -1e-2"),
    # precision out of 1..12
    ("precision-0", BASE + "precision: 0\n", "t.yaml:15:12: precision must be at least 1, got 0"),
    ("precision-13", BASE + "precision: 13\n", "t.yaml:15:12: precision must be at most 12, got 13"),
    # negative tolerances
    ("rtol", BASE + "tolerance: {rtol: -1}\n", "t.yaml:15:19: tolerance.rtol must be at least 0, got -1"),
    ("atol", BASE + "tolerance: {atol: -1e-9}\n", "t.yaml:15:19: tolerance.atol must be at least 0, got -1e-9"),
    # only format 1 exists
    ("format-2", "format_version: 2\n" + BASE, "t.yaml:1:17: format_version 2 is not supported: this bptutor reads format_version 1"),
    # empty title
    ("empty-title", variant("title: base", "title: ''"), "t.yaml:1:8: title must not be empty"),
    # an empty mini-batch
    ("no-samples", variant("  - {x: [1, 1], y: [1, 0, 0]}\n", "  []\n").replace("samples:\n  []", "samples: []"), "t.yaml:12:10: samples is empty: give at least one {x: [...], y: [...]}"),
    # init: bad seed and scale
    ("init-seed", variant("  weights:", "  init: {seed: -1, scale: 0}\n  weights:"), "t.yaml:5:16: network.init.seed must be at least 0, got -1"),
]


@pytest.mark.parametrize("text, expected", cases(RANGE_ERRORS))
def test_ranges(text, expected):
    assert expected in errors(text)


def _network(sizes: list[int], samples: int = 1) -> str:
    rows = "\n".join(f"  - {{x: [{', '.join(['0'] * sizes[0])}], y: [{', '.join(['0'] * sizes[-1])}]}}" for _ in range(samples))
    return f"title: big\nnetwork:\n  sizes: {sizes}\n  activation: sigmoid\n  init: {{seed: 0, scale: 1}}\nsamples:\n{rows}\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        # 11 layers
        pytest.param(_network([1] * 11), f"t.yaml:3:10: network.sizes has 11 layers; a lesson network has at most {MAX_LAYERS}", id="layers"),
        # 1001 neurons in one layer
        pytest.param(_network([1, 1001]), f"t.yaml:3:14: layer 2 has 1,001 neurons; a lesson network has at most {MAX_NEURONS:,} per layer", id="neurons"),
        # too many weights in total, each layer within its limit
        pytest.param(_network([1, 400, 300, 400]), f"t.yaml:3:10: this network has 240,400 weights; a lesson network has at most {MAX_WEIGHTS:,}", id="weights"),
        # 101 samples
        pytest.param(_network([1, 1], samples=101), f"t.yaml:7:3: the lesson has 101 samples; a lesson has at most {MAX_SAMPLES}", id="samples"),
    ],
)
def test_limits_are_stated(text, expected):
    assert errors(text) == [expected]


def test_largest_allowed_network_passes_the_limits():
    lesson, _ = loads(_network([100, 1000]))
    assert sum(a * b for a, b in zip(lesson.sizes, lesson.sizes[1:])) == MAX_WEIGHTS
    lesson, _ = loads(_network([1] * MAX_LAYERS, samples=MAX_SAMPLES))
    assert len(lesson.samples) == MAX_SAMPLES and len(lesson.sizes) == MAX_LAYERS


# =========================================================================== ask, notes, grad_check


SELECTOR_ERRORS = [
    # a typo in a kind name, as a plain list item
    ("ask: [delta, dleta]", 't.yaml:15:14: unknown step kind "dleta" (did you mean "delta"?)'),
    # a typo in a kind, in a mapping
    ("ask: [{kind: grad_W}]", 't.yaml:15:14: unknown step kind "grad_W" (did you mean "grad_w"?)'),
    # a layer past the output
    ("ask: [{kind: z, layer: 4}]", "t.yaml:15:24: layer 4 does not exist: the network has layers 1..3"),
    # the input layer has no steps
    ("ask: [{kind: z, layer: 1}]", "t.yaml:15:24: layer 1 is the input layer: steps start at layer 2"),
    # BP2 terms stop before the output layer
    ("ask: [{kind: bp2_term, layer: 3}]", "t.yaml:15:31: bp2_term steps exist only in layer 2, not in layer 3"),
    # dC/da only at the output
    ("ask: [{kind: dC_da, layer: 2}]", "t.yaml:15:28: dC_da steps exist only in layer 3, not in layer 2"),
    # a neuron the layer does not have
    ("ask: [{kind: delta, layer: 2, neuron: 4}]", "t.yaml:15:39: neuron 4 does not exist: layer 2 has 3 neurons"),
    # a neuron no layer has
    ("ask: [{kind: delta, neuron: 9}]", "t.yaml:15:29: neuron 9 does not exist: no layer has more than 3 neurons"),
    # grad_w's from is a neuron of layer l-1
    ("ask: [{kind: grad_w, layer: 2, neuron: 1, from: 3}]", "t.yaml:15:49: from 3 does not exist: layer 1 has 2 neurons"),
    # bp2_term's from is a neuron of layer l+1
    ("ask: [{kind: bp2_term, layer: 2, neuron: 1, from: 4}]", "t.yaml:15:51: from 4 does not exist: layer 3 has 3 neurons"),
    # only some kinds have a from index
    ("ask: [{kind: z, from: 1}]", "t.yaml:15:23: z steps have no 'from' index (only bp2_term, grad_w, batch_grad_w, update_w do)"),
    # a sample the lesson does not have
    ("ask: [{kind: cost, sample: 2}]", "t.yaml:15:28: sample 2 does not exist: the lesson has 1 sample"),
    # indices count from 1
    ("ask: [{kind: z, neuron: 0}]", "t.yaml:15:25: ask[0].neuron must be at least 1, got 0"),
    # notes are checked the same way
    ("notes: [{kind: a, layer: 7, text: hi}]", "t.yaml:15:26: layer 7 does not exist: the network has layers 1..3"),
    # a grad_check on a weight that does not exist
    ("grad_check: [{layer: 3, neuron: 1, from: 5}]", "t.yaml:15:42: from 5 does not exist: layer 2 has 3 neurons"),
    ("grad_check: [{layer: 1, neuron: 1}]", "t.yaml:15:22: layer 1 is the input layer: steps start at layer 2"),
    # an ask entry that is neither a name nor a mapping
    ("ask: [5]", "t.yaml:15:7: ask[0]: expected a mapping (key: value), got number 5"),
]


@pytest.mark.parametrize("line, expected", SELECTOR_ERRORS)
def test_selectors_name_things_that_exist(line, expected):
    assert errors(BASE + line + "\n") == [expected]


def test_selector_warnings():
    _, warnings = loads(variant("learning_rate: 0.5\n", "") + "ask: [update_w, batch_grad_w]\n")
    assert warnings == [
        "t.yaml:14:7: warning: ask[0]: update_w needs a learning_rate; without one the lesson stops before the update",
        "t.yaml:14:17: warning: ask[1]: batch_grad_w steps exist only with two or more samples; this lesson has one",
    ]


# =========================================================================== init


def test_init_is_reproducible_and_rounded():
    text = variant("  weights:\n    - [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]\n    - [[0.2, -0.1, 0.4], [0.0, 0.3, -0.2], [0.5, 0.1, 0.1]]\n  biases:\n    - [0.1, 0.2, 0.3]\n    - [0.0, 0.1, -0.1]\n", "  init: {seed: 7, scale: 0.5, decimals: 3}\n")
    first, _ = loads(text)
    again, _ = loads(text)
    other, _ = loads(text.replace("seed: 7", "seed: 8"))
    assert (first.weights, first.biases) == (again.weights, again.biases)
    assert first.weights != other.weights
    # weights layer by layer, then biases, from one generator
    rng = np.random.default_rng(7)
    w2, w3 = rng.normal(0, 0.5, (3, 2)), rng.normal(0, 0.5, (3, 3))
    b2, b3 = rng.normal(0, 0.5, 3), rng.normal(0, 0.5, 3)
    np.testing.assert_array_equal(np.array(first.weights[0]), np.round(w2, 3))
    np.testing.assert_array_equal(np.array(first.weights[1]), np.round(w3, 3))
    np.testing.assert_array_equal(np.array(first.biases[1]), np.round(b3, 3))
    np.testing.assert_array_equal(np.array(first.biases[0]), np.round(b2, 3))
    for value in np.concatenate([np.ravel(w) for w in first.weights] + [np.ravel(b) for b in first.biases]):
        assert round(value * 1000) == pytest.approx(value * 1000, abs=1e-6)


def test_init_default_decimals_is_two():
    weights, biases = draw_parameters([3, 4, 2], seed=1, scale=1.0)
    for value in [v for w in weights for row in w for v in row] + [v for b in biases for v in b]:
        assert value == round(value, 2)


@pytest.mark.parametrize(
    "text, expected",
    [
        # init with weights: which one counts?
        pytest.param(
            variant("  biases:", "  init: {seed: 1, scale: 0.1}\n  biases:"),
            ["t.yaml:5:3: network.weights is given together with network.init, which draws it: keep one of the two",
             "t.yaml:9:3: network.biases is given together with network.init, which draws it: keep one of the two"],
            id="init-and-weights",
        ),
        # neither weights nor init
        pytest.param(
            "title: t\nnetwork:\n  sizes: [1, 1]\n  activation: linear\n  biases: [[0]]\nsamples: [{x: [1], y: [1]}]\n",
            ['t.yaml:3:3: network: missing required key "weights" (or give init: {seed, scale} to draw weights and biases)'],
            id="neither",
        ),
    ],
)
def test_init_or_weights(text, expected):
    assert errors(text) == expected


# =========================================================================== the file itself


FILE_ERRORS = [
    # nothing at all
    ("empty", "", "t.yaml:1:1: the file is empty: a lesson needs at least title, network and samples"),
    # only comments
    ("comments-only", "# a lesson, some day\n", "t.yaml:1:1: the file is empty: a lesson needs at least title, network and samples"),
    # a list at the top
    ("top-list", "- title: x\n", "t.yaml:1:1: the top level must be a mapping of keys such as title:, network:, samples:, got a list"),
    # a sentence at the top
    ("top-text", "just some text\n", 't.yaml:1:1: the top level must be a mapping of keys such as title:, network:, samples:, got the text "just some text"'),
    # an unclosed list
    ("unclosed-list", variant("sizes: [2, 3, 3]", "sizes: [2, 3, 3"), "t.yaml:4:13: this list is not closed or is missing a ',' (opened at line 3)"),
    # a title with ': ' inside, unquoted
    ("colon-in-title", variant("title: base", "title: Lesson 1: BP1"), "t.yaml:1:16: unexpected ':' here: put text that contains ': ' in quotes, or check the indentation"),
    # a tab used to indent
    ("tab", variant("  sizes:", "\tsizes:"), "t.yaml:3:1: tab character: YAML indents with spaces only"),
    # bad indentation
    ("indentation", variant("  activation: sigmoid", " activation: sigmoid"), "t.yaml:4:2: bad indentation: this line does not line up with the lines above it"),
    # an unclosed quote
    ("unclosed-quote", variant("title: base", "title: 'base"), "t.yaml:15:1: quoted text is never closed (opened at line 1)"),
    # two documents
    ("two-documents", BASE + "---\ntitle: again\n", "t.yaml:15:1: a lesson file holds one YAML document: remove the second '---'"),
    # YAML 1.1 typing would turn yes into true and 1e-3 into text
    ("yaml-1.1", "%YAML 1.1\n---\n" + BASE, "t.yaml:1:1: %YAML 1.1 is not supported: lesson files are YAML 1.2; remove this line"),
    # a Python tag
    ("python-tag", variant("title: base", "title: !!python/object:os.system base"), "t.yaml:1:8: tag !!python/object:os.system is not allowed in a lesson file"),
    # a control character
    ("control-char", variant("title: base", "title: ba\x07se"), "t.yaml:1:10: character U+0007 is not allowed in a YAML file"),
]


@pytest.mark.parametrize("text, expected", cases(FILE_ERRORS))
def test_file_level_errors(text, expected):
    assert errors(text)[0] == expected


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.replace("title: base", "title: caf\xe9").encode("latin-1"))
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert [str(d) for d in info.value.diagnostics] == [f"{path}:1:11: not UTF-8 text (byte 0xe9 at offset 10): save the file as UTF-8"]


def test_unreadable_file(tmp_path):
    with pytest.raises(LessonError) as info:
        load_lesson(tmp_path / "missing.yaml")
    assert str(info.value).startswith(f"{tmp_path / 'missing.yaml'}:1:1: cannot read the file")


def test_load_lesson_hashes_the_file_bytes(tmp_path):
    path = tmp_path / "l.yaml"
    data = ("# é\n" + BASE).encode()
    path.write_bytes(data)
    lesson, _ = load_lesson(path)
    assert lesson.content_hash == hashlib.sha256(data).hexdigest()
    assert lesson.path == str(path)


def test_aliases_are_refused():
    text = variant("  weights:\n    - [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]", "  weights:\n    - &w2 [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]")
    text = variant("    - [0.1, 0.2, 0.3]", "    - *w2", text)
    assert errors(text) == [
        "t.yaml:6:7: anchor &w2 is not allowed: lesson files use no anchors or aliases",
        "t.yaml:9:7: alias *w2 is not allowed: lesson files use no anchors or aliases; write the value out",
    ]


def test_billion_laughs_is_refused_fast_and_small():
    levels = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        levels.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    text = BASE + "\n".join(levels) + "\n"  # 10^10 "lol" when expanded
    tracemalloc.start()
    start = time.perf_counter()
    try:
        found = errors(text)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 5.0  # a hang guard: expanding the aliases would take hours
    assert peak < 20_000_000
    assert any("alias *lol0 is not allowed" in d for d in found)


def test_all_errors_are_reported_sorted_by_line():
    text = (
        variant("title: base", "title: base\ncolour: red")
        .replace("[0.0, 0.1, -0.1]", "[0.0, 0.1]")
        .replace("y: [1, 0, 0]", "y: [yes, 0, 0]")
        .replace("learning_rate: 0.5", "learning_rate: -1")
    )
    found = errors(text)
    assert [d.split(":")[1] for d in found] == ["2", "11", "14", "15"]
    assert "unknown key" in found[0] and "biases must have 3 values" in found[1]
    assert "boolean yes" in found[2] and "greater than 0" in found[3]


def test_messages_never_show_library_internals():
    # every table above, plus the odd shapes of things a file can hold
    odd = [
        "title: t\nnetwork: [1]\nsamples: 3\n",
        "title: t\nnetwork: {sizes: x, activation: [1], weights: 5, biases: {a: 1}}\nsamples: [[1]]\n",
        "title: t\nnetwork: {sizes: [1, 1], activation: linear, init: 3}\nsamples: [{x: [1], y: [1]}]\nask: {a: 1}\nnotes: 5\n",
        "title: [a]\nsummary: {b: 1}\nnetwork: ~\nsamples: ~\nprecision: x\ntolerance: 3\ngrad_check: [1]\n",
    ]
    texts = [row[1] for row in SHAPE_ERRORS + UNKNOWN_KEYS + NAME_ERRORS + LOG_COST_ERRORS + RANGE_ERRORS + FILE_ERRORS]
    texts += [BASE + line + "\n" for line, _ in SELECTOR_ERRORS] + odd
    for text in texts:
        for message in errors(text):
            assert not any(word in message for word in INTERNAL_WORDS), message


# =========================================================================== float64's range

# One output neuron, one input of 1: z^2_1 is the weight. Lines: 4 is the sample.
def _one_neuron(activation: str, cost: str, weight: str, y: str) -> str:
    return (
        f"title: t\nnetwork: {{sizes: [1, 1], activation: {activation}, weights: [[[{weight}]]], biases: [[0]]}}\n"
        f"cost: {cost}\nsamples:\n  - {{x: [1], y: [{y}]}}\nlearning_rate: 0.5\n"
    )


SATURATED = "the output layer is saturated (an a^2 rounds to exactly 0 or 1); keep every |z^2| below about 700, or smaller still for a lesson worked by hand"
RANGE_OF_FLOAT64 = [
    # w x + b = 1e308 + 1e308 overflows z
    ("overflow-z", _one_neuron("sigmoid", "quadratic", "1e308", "0").replace("biases: [[0]]", "biases: [[1e308]]"),
     "t.yaml:5:5: sample 1: z^2_1 comes out as inf, beyond what float64 can hold; make the weights, biases or inputs smaller"),
    # sigmoid + cross-entropy at z = 1000: 1 - a is 0 in float64, so dC/da = (1 - y)/(1 - a) has no value
    ("ce-sigmoid-1000", _one_neuron("sigmoid", "cross_entropy", "1000", "0.5"),
     f"t.yaml:5:5: sample 1: dC/da^2_1 comes out as inf, beyond what float64 can hold; {SATURATED}"),
    # sigmoid + log-likelihood at z = -1000: a is 0, so dC/da = -y/a has no value
    ("ll-sigmoid-minus-1000", _one_neuron("sigmoid", "log_likelihood", "-1000", "1"),
     f"t.yaml:5:5: sample 1: dC/da^2_1 comes out as -inf, beyond what float64 can hold; {SATURATED}"),
    # a linear output of 1e300 squares past float64 in the quadratic cost
    ("quadratic-cost", _one_neuron("linear", "quadratic", "1e300", "0"),
     "t.yaml:5:5: sample 1: the cost C_x comes out as inf, beyond what float64 can hold; make the weights, biases, inputs or learning_rate smaller"),
]


@pytest.mark.parametrize("text, expected", cases(RANGE_OF_FLOAT64))
def test_values_beyond_float64_are_errors(text, expected):
    assert errors(text) == [expected]


def test_saturated_cross_entropy_below_the_limit_still_loads():
    # z = 40: a rounds to 1.0, but 1 - a = sigma(-40) is still a float64, so dC/da is finite
    lesson, warnings = loads(_one_neuron("sigmoid", "cross_entropy", "40", "0"))
    assert len(warnings) == 1 and "saturated" in warnings[0]


# =========================================================================== warnings


def test_c08_relu_kink_is_a_warning_not_an_error():
    path = DATA / "cases" / "C08.yaml"
    _, warnings = load_lesson(path)
    assert [str(w) for w in warnings] == [
        f"{path}:13:5: warning: ReLU z^2_1 is exactly 0 in sample 1; this course uses relu'(0) = 0"
    ]
    assert warnings[0].severity == "warning"


def test_saturated_sigmoid_output_warns():
    text = "title: t\nnetwork: {sizes: [1, 1], activation: sigmoid, weights: [[[50]]], biases: [[0]]}\nsamples:\n  - {x: [1], y: [1]}\n"
    _, warnings = loads(text)
    assert warnings == ["t.yaml:4:5: warning: sigmoid output a^2_1 = 1 is saturated in sample 1 (z^2_1 = 50): its slope there is almost 0"]


def test_large_softmax_z_alone_is_no_warning():
    # C10: z = 1000, 999, 998 give a = 0.67, 0.24, 0.09: nothing is saturated
    _, warnings = load_lesson(DATA / "cases" / "C10.yaml")
    assert warnings == []


def test_warnings_are_capped():
    relu = "title: t\nnetwork:\n  sizes: [1, 8]\n  activation: relu\n  weights: [[[0], [0], [0], [0], [0], [0], [0], [0]]]\n  biases: [[0, 0, 0, 0, 0, 0, 0, 0]]\nsamples: [{x: [1], y: [0, 0, 0, 0, 0, 0, 0, 0]}]\n"
    _, warnings = loads(relu)
    assert len(warnings) == 6 and warnings[-1].endswith("... and 3 more ReLU pre-activations are exactly 0")


# =========================================================================== the small types


def test_diagnostic_and_error_text():
    error = Diagnostic("l.yaml", 3, 7, "bad")
    warning = Diagnostic("l.yaml", 4, 1, "odd", "warning")
    assert (str(error), str(warning)) == ("l.yaml:3:7: bad", "l.yaml:4:1: warning: odd")
    exc = LessonError([error, warning])
    assert exc.diagnostics == [error, warning] and str(exc) == "l.yaml:3:7: bad\nl.yaml:4:1: warning: odd"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(min_value=1e-300, max_value=1e300, allow_nan=False, allow_infinity=False))
def test_any_float_python_prints_reads_back_exactly(eta):
    lesson, _ = loads(variant("learning_rate: 0.5", f"learning_rate: {eta!r}"))
    assert lesson.learning_rate == eta


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab:-[]{}&*!%#'\"\n\t .,0123456789eyx") + ["sizes", "title", "network", "  ", "\n  - "]), max_size=40).map("".join))
def test_arbitrary_text_never_escapes_as_another_exception(text):
    try:
        load_lesson_text(text, "fuzz.yaml")
    except LessonError as exc:
        assert exc.diagnostics and all(d.line >= 1 and d.col >= 1 for d in exc.diagnostics)
        assert not any(word in str(exc) for word in INTERNAL_WORDS)
