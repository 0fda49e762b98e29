"""What the learner is asked now: the symbol and the question in words, the equation in use,
the values already earned that feed it, the lesson's note, and the hint rungs climbed."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from bptutor.core.notation import fmt
from bptutor.core.session import Session
from bptutor.core.steps import Step

MAX_OPERANDS = 6  # a z step of a 784-input layer has 1569 operands; list only a few


def sample_words(step: Step, m: int) -> str:
    """Which sample a step belongs to, for a lesson of m > 1 samples ("" for one sample)."""
    if m <= 1:
        return ""
    return f"sample {step.sample} of {m}" if step.sample else f"whole batch of {m}"


def prompt_text(session: Session, step: Step | None) -> Content:
    """`step` is session.current, fetched once by the caller (building a step is not free)."""
    if step is None:
        return Content.assemble(
            ("Lesson complete. ", "$success bold"),
            (f"All {session.total} steps are done. F5 shows the summary; ctrl+p has more.", ""),
        )
    parts: list = [(f"Step {session.position + 1} of {session.total}", "$text-muted")]
    where = sample_words(step, session.steps.solution.problem.m)
    if where:
        parts += [(" · ", "$text-muted"), (where, "$secondary bold")]
    parts += [
        (" · rule: ", "$text-muted"),
        (step.equation, "$text-muted bold"),
        "\n",
        (step.label, "$accent bold"),
        " — ",
        (step.question, "bold"),
    ]
    if step.operands:
        parts.append(("\nFrom: ", "$text-muted"))
        shown = step.operands[:MAX_OPERANDS]
        # "a³₁=0.6964" holds no space, so a wrapped line breaks between operands, never inside one
        parts.append("   ".join(f"{op.symbol}={fmt(op.value, session.digits)}".replace(" ", "") for op in shown))
        if len(step.operands) > MAX_OPERANDS:
            parts.append((f"   … ({len(step.operands) - MAX_OPERANDS} more)", "$text-muted"))
    if step.note:
        parts.append(("\nNote: ", "$warning"))
        parts.append((step.note, "italic"))
    return Content.assemble(*parts)


def hints_text(session: Session, step: Step | None) -> Content:
    record = session.records.get(step.id) if step is not None else None
    if step is None or record is None or not record.hints:
        return Content("")
    lines = []
    for rung in range(1, record.hints + 1):
        hint = session.hint_text(step, rung)
        tail = "   (F2 again reveals the answer)" if hint.last and rung == record.hints else ""
        lines.append(
            Content.assemble(
                (f"Hint {hint.rung} · {hint.title}: ", "$secondary bold"),
                (hint.text, ""),
                (tail, "$text-muted"),
            )
        )
    return Content("\n").join(lines)


class StepPanel(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(self, session: Session, step: Step | None) -> None:
        self.update(prompt_text(session, step))


class HintPanel(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(self, session: Session, step: Step | None) -> None:
        text = hints_text(session, step)
        self.update(text)
        self.display = bool(text)
