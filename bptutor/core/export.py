"""A solved lesson as the `solve --json` contract object, or as Markdown derivation notes."""

from __future__ import annotations

import re
from typing import Iterable

from .backprop import Solution
from .notation import fmt
from .steps import Step, StepList


def _nested(arrays) -> list:
    return [a.tolist() for a in arrays]


def solution_json(title: str, steps: StepList) -> dict:
    """The object `bptutor solve --json` prints (LESSON_FORMAT.md): 0-based lists, float64 values."""
    sol: Solution = steps.solution
    p, fwd, bwd = sol.problem, sol.forward, sol.backward
    samples = []
    for i in range(p.m):
        samples.append(
            {
                "x": p.x[i].tolist(),
                "y": p.y[i].tolist(),
                "z": [z[i].tolist() for z in fwd.z],
                "a": [a[i].tolist() for a in fwd.a],
                "delta": [d[i].tolist() for d in bwd.delta],
                "cost": float(bwd.cost[i]),
                "grad_w": [g[i].tolist() for g in bwd.grad_w],
                "grad_b": [d[i].tolist() for d in bwd.delta],
            }
        )
    out = {
        "title": title,
        "sizes": list(p.network.sizes),
        "activations": [a.name for a in p.network.activations],
        "cost_function": p.cost.name,
        "learning_rate": p.eta,
        "weights": _nested(p.network.weights),  # as given, or as `init:` drew them
        "biases": _nested(p.network.biases),
        "samples": samples,
        "cost": sol.cost,
        "grad_w": _nested(sol.grad_w),
        "grad_b": _nested(sol.grad_b),
    }
    out["updated"] = None  # a lesson without a learning_rate stops before the update
    if sol.updated is not None:
        out["updated"] = {
            "weights": _nested(sol.updated.weights),
            "biases": _nested(sol.updated.biases),
            "cost": sol.cost_after,
        }
    out["steps"] = [step_json(s) for s in steps]
    return out


def step_json(s: Step) -> dict:
    d = {"id": s.id, "kind": s.kind, "sample": s.sample, "layer": s.layer, "neuron": s.neuron}
    if s.from_ is not None:
        d["from"] = s.from_
    d.update(
        label=s.label,
        equation=s.equation,
        general=s.general,
        formula=s.indexed,
        substituted=s.substituted,
        value=s.value,
        uses=list(s.uses),
        asked=s.asked,
    )
    return d


_WORD = re.compile(r"(?<![A-Za-z\\])[A-Za-z]{2,}(?![A-Za-z])")
_TEX_FUNCTIONS = {"ln": r"\ln", "exp": r"\exp", "max": r"\max", "log": r"\log"}


def _tex_word(m: re.Match) -> str:
    """A word in an equation: a function LaTeX knows, a named activation, or prose (\\text)."""
    word = m[0]
    if word in _TEX_FUNCTIONS:
        return _TEX_FUNCTIONS[word] + " "
    if word in ("sigmoid", "tanh", "relu", "softmax", "sqrt"):
        return rf"\operatorname{{{word}}}"
    return rf"\text{{ {word} }}"


def _tex(text: str) -> str:
    """Unicode maths to a LaTeX fragment good enough for Markdown renderers."""
    table = {
        "δ": r"\delta ", "σ′": r"\sigma'", "σ": r"\sigma", "Σₖ": r"\sum_k ", "Σᵢ": r"\sum_i ", "Σⱼ": r"\sum_j ",
        "Σₓ": r"\sum_x ", "∂": r"\partial ", "·": r"\cdot ", "×": r"\times ", "−": "-", "→": r"\to ", "η": r"\eta ",
        "½": r"\tfrac12 ", "′": "'", "…": r"\dots ", "Cₓ": "C_x", "Δ": r"\Delta ", "ε": r"\epsilon ",
    }
    text = re.sub(r" \}\s*\\text\{ ", " ", _WORD.sub(_tex_word, text))  # one \text{} per run of words
    for k in sorted(table, key=len, reverse=True):
        text = text.replace(k, table[k])
    sup = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ˡᴸ", "0123456789+-lL")
    subs = str.maketrans("₀₁₂₃₄₅₆₇₈₉ⱼₖₓᵢ", "0123456789jkxi")
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.translate(sup) != ch:
            j = i
            while j < len(text) and text[j].translate(sup) != text[j]:
                j += 1
            out.append("^{" + text[i:j].translate(sup) + "}")
            i = j
        elif ch.translate(subs) != ch:
            j = i
            while j < len(text) and (text[j].translate(subs) != text[j] or text[j] == ","):
                j += 1
            out.append("_{" + text[i:j].translate(subs) + "}")
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _network_section(sol: Solution, digits: int) -> list[str]:
    """The lesson's numbers (drawn ones too, for `init:`), so the notes can be checked by hand."""
    p, net = sol.problem, sol.problem.network

    def row(values) -> str:
        return "[" + ", ".join(fmt(float(v), digits) for v in values) + "]"

    lines = ["## The network", ""]
    for l in range(2, net.L + 1):
        w = ", ".join(row(r) for r in net.w(l))
        lines.append(f"- layer {l} ({net.act(l).name}): $w^{{{l}}}$ = [{w}], $b^{{{l}}}$ = {row(net.b(l))}")
    for i in range(p.m):
        lines.append(f"- sample {i + 1}: $x$ = {row(p.x[i])}, $y$ = {row(p.y[i])}")
    lines.append(f"- cost: {p.cost.name}" + (f", learning rate $\\eta$ = {fmt(p.eta, digits)}" if p.eta is not None else ""))
    return lines + [""]


def solution_markdown(title: str, steps: StepList, summary: str | None = None, limit: int = 5000) -> str:
    """Derivation notes: each rule stated once, then for each step its equation with the indices,
    then the numbers, then the value, and the author's note where there is one."""
    digits = steps.precision
    lines = [f"# {title}", ""]
    if summary:
        lines += [summary.strip(), ""]
    lines += _network_section(steps.solution, max(digits, 6))
    current_sample, stated = object(), set()
    shown: Iterable[Step] = (steps[i] for i in range(min(len(steps), limit)))
    for s in shown:
        if s.sample != current_sample:
            current_sample = s.sample
            head = f"Sample {s.sample}" if s.sample is not None else ("Mini-batch and update" if steps.solution.problem.m > 1 else "The update")
            lines += [f"## {head}", ""]
        if s.general not in stated:  # state each rule once, where it is first used
            stated.add(s.general)
            rule, _, why = s.general.partition("   (")  # a cancellation says why in words after the rule
            why = f" ({why}" if why else ""
            lines += [f"*{s.equation}, in general:* ${_tex(rule)}${why}", ""]
        mark = " *(asked)*" if s.asked else ""
        lines.append(f"**{s.label}**: {s.question}{mark}  ")
        lines.append(f"${_tex(s.indexed)}$  ")
        lines.append(f"${_tex(s.substituted)}$  ")
        lines.append(f"$= {fmt(s.value, digits)}$")  # as on screen: the notes read like the lesson
        if s.note:
            lines += ["", f"> {s.note.strip()}"]
        lines.append("")
    if len(steps) > limit:
        lines.append(f"*… {len(steps) - limit} more steps not written; use `--json` for all of them.*")
    return "\n".join(lines) + "\n"
