"""App speed, headless. Prints numbers, asserts nothing.

    python bench/app.py [--runs N] [--answers N] [--only startup,answers,large]

1. Process start to the lesson screen ready (headless), next to a minimal Textual app with
   the same widget types, as a ratio (target: at most 1.2x).
2. CPU milliseconds (time.process_time() around the pilot key presses and the pause that lets
   the screen repaint) on the BP2 lesson and on a [784, 30, 10] lesson, decomposed:
     (a) Enter alone, with the answer already in the answer box (as after a paste): this is
         "per submitted answer" (targets: at most 8 ms; the large lesson at most 1.5x the small);
     (b) one typed key.
   The same is measured, in the same run, on a minimal Textual app (the layout of 1., whose
   Enter updates three Statics, one of them an 8-row ledger, and clears the Input): the floor
   that the pilot and Textual's own rendering put under any app. The first and last thirds
   of the answers are shown apart, to see whether the cost grows with the answers given.
3. Time to open the large lesson (wall clock, no tracer) and its peak memory (tracemalloc,
   in a second opening) (target: under 1.5 s and 200 MB).

Every part runs with its own empty BPTUTOR_HOME: saved progress would open the resume dialog.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BP2 = ROOT / "lessons" / "04-bp2-three-feed-two.yaml"
SIZE = (100, 30)

LARGE = textwrap.dedent(
    """\
    title: "Large: [784, 30, 10], 10 samples"
    summary: "A network the size of Nielsen's MNIST example."
    network: {sizes: [784, 30, 10], activation: sigmoid, init: {seed: 3, scale: 0.05, decimals: 3}}
    samples:
    """
)


def large_lesson(folder: Path) -> Path:
    import numpy as np

    rng = np.random.default_rng(0)
    lines = [LARGE]
    for i in range(10):
        x = ", ".join(f"{v:.2f}" for v in rng.uniform(0, 1, 784))
        y = ", ".join("1" if j == i % 10 else "0" for j in range(10))
        lines.append(f"  - {{x: [{x}], y: [{y}]}}\n")
    lines.append("learning_rate: 3.0\nask: [{kind: delta, layer: 3}, {kind: delta, layer: 2}]\n")
    path = folder / "large.yaml"
    path.write_text("".join(lines))
    return path


def fresh_home() -> None:
    os.environ["BPTUTOR_HOME"] = tempfile.mkdtemp(prefix="bptutor-bench-")


# ---- 1. start-up, in child processes ----
CHILD_BPTUTOR = """
import asyncio, sys, time
from pathlib import Path
from bptutor.app.app import make_app
from bptutor.app.screens.lesson import LessonScreen
from bptutor.app.screens.dialogs import IntroScreen

async def main():
    app = make_app(Path(sys.argv[1]))
    async with app.run_test(size=(100, 30)) as pilot:
        while not isinstance(app.screen, (LessonScreen, IntroScreen)):
            await pilot.pause(0.001)
        print("READY", flush=True)

asyncio.run(main())
"""

MINIMAL_APP = """
from textual.app import App
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Static

class Minimal(App):
    def compose(self):
        yield Header()
        with Horizontal():
            yield Static("network", id="network")
            with VerticalScroll():
                yield Static("step", id="step")
                yield Input(id="answer")
                yield Static("feedback", id="feedback")
        table = DataTable()
        table.add_columns("step", "yours", "true", "mark")
        yield table
        yield Footer()

    def on_mount(self):
        self.query_one(Input).focus()

    def on_input_submitted(self, event):
        n = self.query_one(DataTable).row_count + 1
        self.query_one("#feedback", Static).update(f"Right: {event.value}")
        self.query_one("#step", Static).update(f"step {n + 1}")
        self.query_one(DataTable).add_row(f"step {n}", event.value, event.value, "ok")
        event.input.clear()


class MinimalAnswers(App):
    # The floor for one answer: the same screen with a Static for the ledger and a plain
    # Vertical. In Textual 8 a DataTable, or a VerticalScroll, in this layout re-lays the
    # screen out on every key (about 500 ms of CPU per key here): that is no floor.

    CSS = "Horizontal { height: 1fr; } #ledger { height: 8; }"

    def compose(self):
        yield Header()
        with Horizontal():
            yield Static("network", id="network")
            with Vertical():
                yield Static("step", id="step")
                yield Input(id="answer")
                yield Static("feedback", id="feedback")
        yield Static("ledger", id="ledger")
        yield Footer()

    def on_mount(self):
        self.rows = []
        self.query_one(Input).focus()

    def on_input_submitted(self, event):
        self.rows.append(f"step {len(self.rows) + 1}   {event.value}   {event.value}   ok")
        self.query_one("#feedback", Static).update(f"Right: {event.value}")
        self.query_one("#step", Static).update(f"step {len(self.rows) + 1}")
        self.query_one("#ledger", Static).update(chr(10).join(self.rows[-8:]))
        event.input.clear()
"""

CHILD_MINIMAL = MINIMAL_APP + """
import asyncio

async def main():
    app = Minimal()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        print("READY", flush=True)

asyncio.run(main())
"""


def time_child(code: str, *args: str) -> float:
    env = dict(os.environ, BPTUTOR_HOME=tempfile.mkdtemp(prefix="bptutor-bench-"))
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env)
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - t
            break
    else:
        raise RuntimeError("child never got ready")
    proc.wait()
    return elapsed


# ---- 2. answers, in this process ----
class Costs:
    """CPU ms of each Enter and of each typed key, in the order they were pressed."""

    def __init__(self) -> None:
        self.enter: list[float] = []
        self.keys: list[float] = []  # per answer: ms per key

    @staticmethod
    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else float("nan")

    def thirds(self, values: list[float]) -> tuple[float, float]:
        k = max(1, len(values) // 3)
        return self.mean(values[:k]), self.mean(values[-k:])

    def line(self, name: str) -> str:
        e0, e1 = self.thirds(self.enter)
        k0, k1 = self.thirds(self.keys)
        return (
            f"  {name:<24} Enter {self.mean(self.enter):6.1f} ms (first third {e0:5.1f}, last {e1:5.1f})   "
            f"per key {self.mean(self.keys):5.1f} ms (first third {k0:5.1f}, last {k1:5.1f})   "
            f"[{len(self.enter)} answers]"
        )


async def timed(pilot, *keys: str) -> float:
    t = time.process_time()
    await pilot.press(*keys)
    await pilot.pause()
    return (time.process_time() - t) * 1e3


async def drive(app, pilot, texts: list[str], costs: Costs, accepted=None) -> None:
    """Type each text (timed per key), then press Enter alone (timed): the box then holds the
    whole answer, as after a paste. `accepted(i)` checks that answer i was taken."""
    for i, text in enumerate(texts):
        costs.keys.append(await timed(pilot, *text) / len(text))
        costs.enter.append(await timed(pilot, "enter"))
        if accepted is not None:
            assert accepted(i), f"the bench answer {text!r} was not accepted"


async def answers_bptutor(lesson: Path, n: int) -> tuple[Costs, list[str]]:
    from bptutor.app.app import make_app
    from bptutor.app.screens.dialogs import IntroScreen
    from bptutor.app.screens.lesson import LessonScreen

    fresh_home()
    app = make_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if isinstance(app.screen, IntroScreen):
            await pilot.press("enter")
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen), screen
        session = screen.session
        n = min(n, session.total - 1)
        texts = [f"{session.steps[int(i)].value:.6g}" for i in session.asked[:n]]
        await pilot.pause(0.3)  # let start-up settle
        costs = Costs()
        await drive(app, pilot, texts, costs, accepted=lambda i: session.position == i + 1)
    return costs, texts


async def answers_minimal(texts: list[str]) -> Costs:
    namespace: dict = {}
    exec(MINIMAL_APP, namespace)
    app = namespace["MinimalAnswers"]()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        costs = Costs()
        await drive(app, pilot, texts, costs)
    return costs


# ---- 3. the large lesson ----
async def open_large(lesson: Path, trace: bool) -> tuple[float, float]:
    import tracemalloc

    from bptutor.app.app import make_app
    from bptutor.app.screens.dialogs import IntroScreen
    from bptutor.app.screens.lesson import LessonScreen

    fresh_home()
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    app = make_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, (LessonScreen, IntroScreen)):
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - t
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="start-up runs of each app (median is printed)")
    ap.add_argument("--answers", type=int, default=12, help="answers submitted per lesson")
    ap.add_argument("--only", default="startup,answers,large", help="comma-separated parts to run")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    fresh_home()
    folder = Path(tempfile.mkdtemp(prefix="bptutor-bench-lessons-"))
    large = large_lesson(folder)

    if "startup" in parts:
        ours = [time_child(CHILD_BPTUTOR, str(BP2)) for _ in range(args.runs)]
        base = [time_child(CHILD_MINIMAL) for _ in range(args.runs)]
        print(f"start-up to lesson screen (median of {args.runs}): bptutor {statistics.median(ours) * 1e3:.0f} ms, "
              f"minimal Textual app {statistics.median(base) * 1e3:.0f} ms, "
              f"ratio {statistics.median(ours) / statistics.median(base):.2f}x (target <= 1.2x)", flush=True)

    if "answers" in parts:
        small, texts = asyncio.run(answers_bptutor(BP2, args.answers))
        big, _ = asyncio.run(answers_bptutor(large, args.answers))
        base = asyncio.run(answers_minimal(texts))
        print("CPU per answer, pilot presses + repaint:")
        print(small.line("BP2 lesson"))
        print(big.line("[784, 30, 10] lesson"))
        print(base.line("minimal Textual app"))
        s, b, m = small.mean(small.enter), big.mean(big.enter), base.mean(base.enter)
        print(f"  per submitted answer (Enter): BP2 {s:.1f} ms, [784, 30, 10] {b:.1f} ms, ratio {b / s:.2f}x "
              f"(targets <= 8 ms, <= 1.5x); minimal app {m:.1f} ms, so ours is {s / m:.2f}x and {b / m:.2f}x of it", flush=True)

    if "large" in parts:
        seconds, _ = asyncio.run(open_large(large, trace=False))
        _, mb = asyncio.run(open_large(large, trace=True))
        print(f"open the [784, 30, 10] lesson: {seconds:.2f} s; peak {mb:.0f} MB traced by tracemalloc "
              f"(in a second opening) (target < 1.5 s, < 200 MB)")


if __name__ == "__main__":
    main()
