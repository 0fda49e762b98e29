"""The `bptutor` command as an author uses it: exit codes, messages, and the solve contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("*.yaml"))
CASES = Path(__file__).parent / "data" / "cases"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bptutor", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_and_version():
    out = run("--help")
    assert out.returncode == 0 and "bptutor check" in out.stdout and "solve" in out.stdout
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("bptutor ")


def test_check_valid_lessons_exit_0():
    out = run("check", *map(str, LESSONS))
    assert out.returncode == 0, out.stderr
    assert out.stdout.count(": ok") == len(LESSONS) and out.stderr == ""  # warnings and errors only on stderr


def test_check_invalid_lesson_exit_2_with_file_line_col(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: t\nnetwork:\n  sizes: [2, 3, 3]\n  activation: sigmoid\n  weights:\n"
        "    - [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]\n    - [[0.2, -0.1], [0.0, 0.3], [0.5, 0.1]]\n"
        "  biases: [[0.1, 0.2, 0.3], [0.0, 0.1, -0.1]]\ncost: quadratic\nsamples:\n  - {x: [1, 1], y: [1, 0, 0]}\n"
    )
    out = run("check", str(bad))
    assert out.returncode == 2
    assert f"{bad}:7:7: layer 3: weights must be 3x3 (rows = neurons in layer 3, columns = neurons in layer 2), got 3x2" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("text", ["", "title: [unclosed\n", "\xff\xfe not utf-8", "- a list\n"])
def test_unreadable_files_exit_2_without_traceback(tmp_path, text):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(text.encode("latin-1"))
    for command in (["check"], ["solve"]):
        out = run(*command, str(bad))
        assert out.returncode == 2
        assert out.stderr.startswith(f"{bad}:") and "Traceback" not in out.stderr


def test_missing_file_exit_2():
    out = run("check", "no-such-lesson.yaml")
    assert out.returncode == 2 and "no-such-lesson.yaml" in out.stderr and "Traceback" not in out.stderr


def test_solve_json_follows_the_contract():
    out = run("solve", str(CASES / "C01.yaml"), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert data["sizes"] == [2, 2, 2]
    L = len(data["sizes"])
    for s in data["samples"]:  # z, delta and the gradients start at layer 2, a at layer 1
        assert len(s["a"]) == L and all(len(v) == L - 1 for v in (s["z"], s["delta"], s["grad_w"], s["grad_b"]))
    with_from = {"bp2_term", "grad_w", "batch_grad_w", "update_w"}
    for step in data["steps"]:
        assert {"id", "kind", "sample", "layer", "neuron", "label", "formula", "value", "asked"} <= set(step), step
        assert ("from" in step) == (step["kind"] in with_from), step
        assert isinstance(step["asked"], bool) and isinstance(step["value"], float)
    s = data["samples"][0]
    assert s["a"][0] == [1.0, 0.5]  # a starts at layer 1
    assert s["z"][0] == pytest.approx([0.3, 0.1])  # z starts at layer 2
    assert s["delta"][1] == pytest.approx([-0.1235952, 0.1447394], rel=1e-6)
    assert data["grad_w"][1][0] + data["grad_w"][1][1] == pytest.approx([-0.07099832, -0.06488489, 0.08314446, 0.07598517], rel=1e-6)
    assert data["cost"] == pytest.approx(0.3061213, rel=1e-6)
    assert set(data["updated"]) == {"weights", "biases", "cost"} and data["updated"]["cost"] < data["cost"]
    step = next(st for st in data["steps"] if st["id"] == "s1.delta.l3.j1")
    assert step["kind"] == "delta" and (step["sample"], step["layer"], step["neuron"]) == (1, 3, 1)
    assert step["label"] == "δ³₁" and step["asked"] is True and step["value"] == pytest.approx(-0.1235952, rel=1e-6)
    term = next(st for st in data["steps"] if st["kind"] == "bp2_term")
    assert "from" in term and term["uses"]


def test_solve_json_asked_follows_ask():
    out = run("solve", str(ROOT / "lessons" / "04-bp2-three-feed-two.yaml"), "--json")
    steps = json.loads(out.stdout)["steps"]
    asked = [st["id"] for st in steps if st["asked"]]
    assert "s1.delta.l2.j1" in asked and "s1.z.l2.j1" not in asked
    assert len(asked) == 2 + 2 + 2 + 2 + 1 + 1 + 1


def test_solve_markdown_is_a_derivation():
    out = run("solve", str(ROOT / "lessons" / "04-bp2-three-feed-two.yaml"), "--markdown")
    assert out.returncode == 0
    md = out.stdout
    assert md.startswith("# BP2: three neurons feeding two")
    lines = md.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("*BP2, in general:*"))
    at = lines.index("**δ²₁**: how much the cost changes with z of neuron 1 in layer 2 *(asked)*  ")
    assert rule < at  # the rule is stated before it is used
    # the equation with this step's indices, then the numbers, then the value
    assert lines[at + 1].startswith("$\\delta ^{2}_{1} = (\\sum_k")
    assert lines[at + 2].startswith("$\\delta ^{2}_{1} = 0.") and "\\times" in lines[at + 2]
    assert lines[at + 3].startswith("$= ") and lines[at + 3] != lines[at + 2]
    assert "Traceback" not in md


def test_solve_markdown_explains_the_cancellation():
    md = run("solve", str(ROOT / "lessons" / "09-cross-entropy-cancellation.yaml"), "--markdown").stdout
    rule = next(line for line in md.splitlines() if line.startswith("*BP1 (cancellation), in general:*"))
    assert "their product is a − y" in rule
    assert "## The update" in md  # one sample: no mini-batch heading


def test_new_writes_a_lesson_that_passes_check(tmp_path):
    out = run("new", "my-first-lesson", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    path = tmp_path / "my-first-lesson.yaml"
    assert path.is_file()
    check = run("check", str(path))
    assert check.returncode == 0 and "warning" not in check.stderr, check.stderr
    again = run("new", "my-first-lesson", cwd=tmp_path)
    assert again.returncode == 2 and "exists" in again.stderr


def test_schema_validates_every_bundled_lesson():
    out = run("schema")
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    yaml = YAML(typ="safe", pure=True)
    for path in LESSONS:
        jsonschema.validate(yaml.load(path.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "x", "netwrok": {}}, schema)


@pytest.mark.parametrize("which,title", [("format", "# Lesson format reference"), ("authoring", "# Writing a lesson")])
def test_docs_are_shipped_with_the_command(which, title):
    out = run("docs", which)
    assert out.returncode == 0 and out.stdout.startswith(title)


def test_subcommand_usage_errors_name_the_subcommand():
    out = run("check")
    assert out.returncode == 2
    assert out.stderr.splitlines() == ["usage: bptutor check LESSON.yaml...", "bptutor check: error: the following arguments are required: LESSON"]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem[:2] for p in LESSONS])
def test_solve_markdown_keeps_prose_out_of_the_maths(lesson):
    md = run("solve", str(lesson), "--markdown").stdout
    assert "## The network" in md  # the lesson's own numbers come first, drawn ones too
    for maths in re.findall(r"\$([^$]+)\$", md):
        bare = re.sub(r"\\(text|operatorname)\{[^}]*\}|\\[A-Za-z]+", "", maths)
        assert not re.search(r"[A-Za-z]{3,}", bare), maths  # a word in maths renders as italic letters


def test_solve_json_gives_the_starting_weights_even_when_drawn(tmp_path):
    path = tmp_path / "drawn.yaml"
    path.write_text(
        "title: drawn\nnetwork: {sizes: [2, 3, 1], activation: sigmoid, init: {seed: 4, scale: 0.5}}\n"
        "samples: [{x: [1, 0], y: [1]}]\n",
        encoding="utf-8",
    )
    data = json.loads(run("solve", str(path), "--json").stdout)
    assert [len(w) for w in data["weights"]] == [3, 1] and [len(w[0]) for w in data["weights"]] == [2, 3]
    assert [len(b) for b in data["biases"]] == [3, 1]
    assert data["samples"][0]["z"][0][0] == pytest.approx(data["weights"][0][0][0] + data["biases"][0][0])  # x = (1, 0)
    assert data["updated"] is None  # no learning_rate


def test_check_a_folder_checks_every_lesson_in_it(tmp_path):
    out = run("check", str(ROOT / "lessons"))
    assert out.returncode == 0 and out.stdout.count(": ok") == len(LESSONS)
    empty = tmp_path / "empty"
    empty.mkdir()
    out = run("check", str(empty))
    assert out.returncode == 2 and "no lesson files" in out.stderr and "Traceback" not in out.stderr
