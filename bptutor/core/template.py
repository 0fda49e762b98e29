"""`bptutor new NAME`: a commented lesson that passes `bptutor check` as written."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# A bptutor lesson. Full reference: `bptutor docs format`; a guide: `bptutor docs authoring`.
# Check it with:  bptutor check {name}
# Try it with:    bptutor {name}
format_version: 1
title: "{title}"
summary: |
  One or two sentences, in Markdown, that say what the learner will find out.
closing: |
  Shown on the summary screen when the lesson is complete.

network:
  sizes: [2, 2, 1]          # n_1 inputs, then each layer's neurons; layer 1 is the input layer
  activation: sigmoid       # sigmoid | tanh | relu | linear | softmax (output only), or a list per layer
  weights:                  # weights[0] is w^2: one row per neuron of layer 2, one column per input
    - [[0.15, -0.25], [0.30, 0.10]]
    - [[0.40, -0.50]]       # w^3: w^3_jk is the weight INTO neuron j of layer 3 FROM neuron k of layer 2
  biases:
    - [0.10, -0.10]
    - [0.20]

cost: quadratic             # quadratic (with the 1/2) | cross_entropy | log_likelihood
samples:                    # more than one sample makes a mini-batch: costs and gradients are means
  - {{x: [0.5, 0.8], y: [1.0]}}
learning_rate: 0.5          # eta for the one gradient-descent step at the end

# Which steps the learner types; the others are shown worked. Leave out to ask every step.
ask:
  - delta                                  # every delta
  - {{kind: grad_w, layer: 3}}             # every dC/dw of layer 3
precision: 4                # significant digits shown on screen
tolerance: {{rtol: 5.0e-3, atol: 1.0e-6}} # an answer within max(rtol*|value|, atol) is right

notes:                      # a sentence where it helps, on the steps it matches
  - kind: delta
    layer: 2
    text: "BP2: the output error flows back through w^3, then meets sigma'(z^2)."
"""


def write_template(path: Path) -> Path:
    if path.suffix not in (".yaml", ".yml"):
        path = path.with_name(path.name + ".yaml")
    title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "My lesson"
    with open(path, "x", encoding="utf-8") as fh:  # never overwrite an author's file
        fh.write(TEMPLATE.format(name=path.name, title=title.replace('"', "'")))
    return path
