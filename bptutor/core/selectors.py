"""Which steps a lesson asks for, or annotates: a kind plus optional 1-based indices."""

from __future__ import annotations

from dataclasses import dataclass

# Every step kind, in teaching order. The names are the ones lesson files and `solve --json` use.
STEP_KINDS: tuple[str, ...] = (
    "z",
    "a",
    "cost",
    "dC_da",
    "sigma_prime",
    "delta",
    "bp2_term",
    "bp2_sum",
    "grad_b",
    "grad_w",
    "batch_cost",
    "batch_grad_b",
    "batch_grad_w",
    "update_w",
    "update_b",
    "cost_after",
    "grad_check",
)


@dataclass(frozen=True)
class Selector:
    """Matches steps: every field that is not None must equal the step's field."""

    kind: str | None = None
    layer: int | None = None
    neuron: int | None = None
    sample: int | None = None
    from_: int | None = None  # k, for bp2_term / grad_w / batch_grad_w / update_w

    def matches(self, kind: str, sample: int | None, layer: int | None, neuron: int | None, from_: int | None) -> bool:
        return (
            (self.kind is None or self.kind == kind)
            and (self.layer is None or self.layer == layer)
            and (self.neuron is None or self.neuron == neuron)
            and (self.sample is None or self.sample == sample)
            and (self.from_ is None or self.from_ == from_)
        )
