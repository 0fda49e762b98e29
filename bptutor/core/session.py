"""One learner walking one lesson: submit, hint, reveal, review, restart. No terminal here.

The session owns the only copy of the learner's state; the app renders it and turns keys
into these calls. Everything answered is saved at once through the ProgressStore.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from .answers import CLOSE, NOT_UNDERSTOOD, RIGHT, WRONG, Tolerance, Verdict, check
from .expressions import canonical_name
from .notation import sub, sym
from .progress import AFTER_HINTS, AFTER_TRIES, FIRST_TRY, HINT_RUNGS, REVEALED, ProgressStore
from .steps import BATCH, BP1, BP2, BP34, COST, FORWARD, GRAD_CHECK, UPDATE, Step, StepList, step_id

# The outcomes and HINT_RUNGS live in progress.py, which checks a saved file against them.
OUTCOME_WORDS = {
    FIRST_TRY: "right first time",
    AFTER_TRIES: "right after a retry",
    AFTER_HINTS: "right with hints",
    REVEALED: "revealed",
}
_TYPABLE = re.compile(r"[a-z]+[0-9][0-9,]*")  # a21, w312, w2,10,784: names a learner can type
PHASES = (FORWARD, COST, BP1, BP2, BP34, BATCH, GRAD_CHECK, UPDATE)  # every value of steps.PHASE, in teaching order


@dataclass
class StepRecord:
    """What the learner did on one asked step."""

    step_id: str
    attempts: list[str] = field(default_factory=list)  # every text submitted, in order
    hints: int = 0  # rungs climbed
    value: float | None = None  # the accepted value (the true value when revealed)
    outcome: str | None = None  # None while the step is open
    diagnoses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Hint:
    rung: int  # 1..HINT_RUNGS
    title: str
    text: str
    last: bool  # the next request reveals


@dataclass(frozen=True)
class Summary:
    outcomes: dict[str, int]
    by_phase: dict[str, dict[str, int]]
    cost_before: float
    cost_after: float | None
    slips: list[tuple[str, int]]  # diagnosis id, count, most frequent first
    verdicts: dict[str, int]
    learning_rate: float | None = None  # eta of the one gradient-descent step

    @property
    def cost_drop(self) -> float | None:
        return None if self.cost_after is None else self.cost_before - self.cost_after


class Session:
    def __init__(
        self,
        steps: StepList,
        lesson_hash: str,
        tolerance: Tolerance = Tolerance(),
        store: ProgressStore | None = None,
        title: str = "",
        lesson_file: str = "",
    ):
        self.steps = steps
        self.lesson_hash = lesson_hash
        self.lesson_file = lesson_file  # the resolved path: finds progress of an edited lesson
        self.tolerance = tolerance
        self.digits = steps.precision
        self.store = store
        self.title = title
        self.records: dict[str, StepRecord] = {}
        self.position = 0  # index into steps.asked
        self.verdicts: Counter[str] = Counter()
        self.notice: str | None = None
        self._current: tuple[int, Step] | None = None

    # ---- where we are ----
    @property
    def asked(self) -> np.ndarray:
        return self.steps.asked

    @property
    def total(self) -> int:
        return len(self.steps.asked)

    @property
    def finished(self) -> bool:
        return self.position >= self.total

    @property
    def current_index(self) -> int:
        """Index into the full step list of the step being asked (len(steps) when finished)."""
        return int(self.steps.asked[self.position]) if not self.finished else len(self.steps)

    @property
    def current(self) -> Step | None:
        if self.finished:
            return None
        index = self.current_index
        if self._current is None or self._current[0] != index:
            self._current = (index, self.steps[index])  # a step is made once, not on every look
        return self._current[1]

    @property
    def record(self) -> StepRecord | None:
        step = self.current
        if step is None:
            return None
        return self.records.setdefault(step.id, StepRecord(step.id))

    def done_count(self) -> int:
        return sum(1 for r in self.records.values() if r.outcome)

    # ---- actions ----
    def submit(self, text: str) -> Verdict:
        step, rec = self.current, self.record
        if step is None or rec is None:
            return Verdict(NOT_UNDERSTOOD, "The lesson is finished.")
        verdict = check(step, text, self.names(), self.tolerance, self.digits, solution=self.steps.solution)
        self.verdicts[verdict.kind] += 1
        if verdict.kind == NOT_UNDERSTOOD:
            return verdict
        rec.attempts.append(text)
        if verdict.diagnosis:
            rec.diagnoses.append(verdict.diagnosis)
        if verdict.kind == RIGHT:
            rec.value = verdict.value
            rec.outcome = AFTER_HINTS if rec.hints else (FIRST_TRY if len(rec.attempts) == 1 else AFTER_TRIES)
            self._advance()
        self.save()
        return verdict

    def hint(self) -> Hint | None:
        """Climb one rung; past the last rung the step is revealed (returns None then)."""
        step, rec = self.current, self.record
        if step is None or rec is None:
            return None
        if rec.hints >= HINT_RUNGS:
            self.reveal()
            return None
        rec.hints += 1
        self.save()
        return self.hint_text(step, rec.hints)

    def hint_text(self, step: Step, rung: int) -> Hint:
        if rung == 1:
            title, text = f"The equation ({step.equation})", step.general
        elif rung == 2:
            title, text = "With this step's indices", step.indexed
        else:
            title, text = "With the numbers", step.substituted
        return Hint(rung, title, text, rung >= HINT_RUNGS)

    def reveal(self) -> Step | None:
        step, rec = self.current, self.record
        if step is None or rec is None:
            return None
        rec.value = step.value
        rec.outcome = REVEALED
        self._advance()
        self.save()
        return step

    def restart(self) -> None:
        self.records.clear()
        self.verdicts.clear()
        self.position = 0
        self._current = None
        if self.store:
            self.store.delete(self.lesson_hash)

    def jump_to_next_unsolved(self) -> bool:
        """Move to the first asked step without an outcome; False if there is none."""
        for pos, idx in enumerate(self.steps.asked):
            sid = self.steps[int(idx)].id
            rec = self.records.get(sid)
            if rec is None or rec.outcome is None:
                self.position = pos
                self._current = None
                return True
        self.position = self.total
        return False

    def _advance(self) -> None:
        self.position += 1
        self._current = None

    # ---- what the learner may refer to ----
    def names(self) -> dict[str, float]:
        """Values a learner may type by label: this sample's x, y, z, a, the lesson's w, b and
        eta, the current step's operands, and every value earned so far (by canonical label)."""
        step = self.current
        sol = self.steps.solution
        out: dict[str, float] = {}
        s = (step.sample or 1) if step else 1
        net = sol.problem.network
        for k, v in enumerate(sol.problem.x[s - 1], 1):
            out[canonical_name(f"x{sub(k)}")] = float(v)
        for k, v in enumerate(sol.problem.y[s - 1], 1):
            out[canonical_name(f"y{sub(k)}")] = float(v)
        if sum(w.size for w in net.weights) <= 2000:
            for layer in range(2, net.L + 1):
                for (j, k), v in np.ndenumerate(net.w(layer)):
                    out[canonical_name(sym("w", layer, j + 1, k + 1))] = float(v)
                for j, v in enumerate(net.b(layer), 1):
                    out[canonical_name(sym("b", layer, j))] = float(v)
        if sol.problem.eta is not None:
            out["eta"] = out["η"] = sol.problem.eta
        out.update(self._earned_this_sample(s))
        for rec in self.records.values():  # batch-level and update values, by their labels
            if rec.value is not None and not rec.step_id.startswith("s"):
                key = canonical_name(self.steps.by_id(rec.step_id).label)
                if _TYPABLE.fullmatch(key):
                    out.setdefault(key, rec.value)
        if step:
            for op in step.operands:
                key = canonical_name(op.symbol)
                if _TYPABLE.fullmatch(key):
                    out.setdefault(key, op.value)
        return out

    def _earned_this_sample(self, s: int) -> dict[str, float]:
        """z, a and δ of sample s that are already on screen (asked or shown worked)."""
        sol, here = self.steps.solution, self.current_index
        out: dict[str, float] = {}
        for layer in range(2, sol.problem.network.L + 1):
            if sol.problem.network.sizes[layer - 1] > 100:
                continue  # a learner does not type names from a layer this wide
            values = (
                ("z", "z", sol.forward.z[layer - 2][s - 1]),
                ("a", "a", sol.forward.a[layer - 1][s - 1]),
                ("delta", "δ", sol.backward.delta[layer - 2][s - 1]),
            )
            for kind, letter, row in values:
                for j, v in enumerate(row, 1):
                    try:
                        shown_already = self.steps.index_of(step_id(kind, s, layer, j, None)) < here
                    except KeyError:
                        continue
                    if shown_already:
                        out[canonical_name(sym(letter, layer, j))] = float(v)
        return out

    # ---- the ledger ----
    def ledger(self, start: int = 0, stop: int | None = None) -> list[tuple[Step, StepRecord | None]]:
        """Finished steps (asked and shown-worked) in order, from `start` to `stop` (indices
        into the full step list). Only the window asked for is built."""
        end = self.current_index if stop is None else min(stop, self.current_index)
        return [(st := self.steps[i], self.records.get(st.id)) for i in range(start, end)]

    def ledger_length(self) -> int:
        return self.current_index

    # ---- the end ----
    def summary(self) -> Summary:
        outcomes = Counter(r.outcome for r in self.records.values() if r.outcome)
        by_phase: dict[str, dict[str, int]] = {}
        for r in self.records.values():
            if not r.outcome:
                continue
            phase = self.steps.by_id(r.step_id).phase
            by_phase.setdefault(phase, Counter())[r.outcome] += 1
        slips = Counter(d for r in self.records.values() for d in r.diagnoses).most_common()
        sol = self.steps.solution
        return Summary(
            {k: outcomes.get(k, 0) for k in OUTCOME_WORDS},
            {p: dict(by_phase[p]) for p in PHASES if p in by_phase},
            sol.cost,
            sol.cost_after,
            slips,
            {k: self.verdicts.get(k, 0) for k in (RIGHT, CLOSE, WRONG, NOT_UNDERSTOOD)},
            sol.problem.eta,
        )

    # ---- persistence ----
    def to_dict(self) -> dict:
        return {
            "lesson_hash": self.lesson_hash,
            "lesson_file": self.lesson_file,
            "title": self.title,
            "position": self.position,
            "current": self.current.id if self.current else None,
            "total": self.total,
            "done": self.done_count(),
            "records": {k: asdict(v) for k, v in self.records.items()},
            "verdicts": dict(self.verdicts),
        }

    def save(self) -> None:
        if self.store:
            self.store.save(self.lesson_hash, self.to_dict())

    def resume(self, data: Mapping, edited: bool = False) -> None:
        """Take back saved progress; ids that no longer exist are ignored. From an `edited`
        (earlier) version of the lesson, an answered step is kept only while the value the
        learner typed is still right: the author may have changed its numbers."""
        self.records = {}
        for sid, raw in dict(data.get("records", {})).items():
            try:
                step = self.steps[self.steps.index_of(sid)]
                record = StepRecord(**{k: raw[k] for k in StepRecord.__dataclass_fields__ if k in raw})
            except (KeyError, TypeError):
                continue
            if edited and record.value is not None and not self.tolerance.accepts(record.value, step.value):
                continue
            self.records[sid] = record
        self.verdicts = Counter({k: int(v) for k, v in dict(data.get("verdicts", {})).items() if isinstance(v, int)})
        current = data.get("current")
        self.position = 0
        self._current = None
        if isinstance(current, str):
            try:
                idx = self.steps.index_of(current)
                pos = int(np.searchsorted(self.steps.asked, idx))
                if pos < self.total and int(self.steps.asked[pos]) == idx:
                    self.position = pos
                    return
            except KeyError:
                pass
        if not self.jump_to_next_unsolved():
            self.position = self.total


def start_session(lesson, store: ProgressStore | None = None) -> Session:
    """A fresh session on a loaded Lesson (see bptutor.core.lesson); resuming is the caller's choice."""
    steps = StepList.of_lesson(lesson)
    lesson_file = str(Path(lesson.path).resolve()) if lesson.path else ""
    return Session(steps, lesson.content_hash, Tolerance(lesson.rtol, lesson.atol), store, lesson.title, lesson_file)
