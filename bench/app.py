"""App speed, headless. Prints numbers, asserts nothing.

    python bench/app.py [--runs N] [--answers N]

1. Process start to the lesson screen ready (headless), next to a minimal Textual app with
   the same widget types, as a ratio (target: at most 1.2x).
2. CPU milliseconds per submitted answer (time.process_time() around the pilot key presses,
   rendering included) on the BP2 lesson and on a [784, 30, 10] lesson (targets: at most 8 ms;
   the large lesson at most 1.5x the small).
3. Time and peak memory to open the large lesson (target: under 1.5 s and 200 MB).
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

CHILD_MINIMAL = """
import asyncio
from textual.app import App
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Static

class Minimal(App):
    def compose(self):
        yield Header()
        with Horizontal():
            yield Static("network")
            with VerticalScroll():
                yield Static("step")
                yield Input()
                yield Static("feedback")
        table = DataTable()
        table.add_columns("step", "yours", "true", "mark")
        yield table
        yield Footer()

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


# ---- 2 and 3, in this process ----
async def answers_cpu(lesson: Path, n: int) -> tuple[float, int]:
    """CPU ms per submitted right answer, with rendering (pilot.pause lets the screen refresh)."""
    from bptutor.app.app import make_app
    from bptutor.app.screens.dialogs import IntroScreen
    from bptutor.app.screens.lesson import LessonScreen

    app = make_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if isinstance(app.screen, IntroScreen):
            await pilot.press("enter")
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen), screen
        n = min(n, screen.session.total - 1)
        texts = [f"{screen.session.steps[int(i)].value:.6g}" for i in screen.session.asked[:n]]
        cpu = 0.0
        for text in texts:
            t = time.process_time()
            await pilot.press(*text, "enter")
            await pilot.pause()
            cpu += time.process_time() - t
        assert screen.session.position == n, "the bench answers must all be accepted"
    return cpu / n * 1e3, n


async def open_large(lesson: Path) -> tuple[float, float]:
    import tracemalloc

    from bptutor.app.app import make_app
    from bptutor.app.screens.dialogs import IntroScreen
    from bptutor.app.screens.lesson import LessonScreen

    tracemalloc.start()
    t = time.perf_counter()
    app = make_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, (LessonScreen, IntroScreen)):
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="start-up runs of each app (median is printed)")
    ap.add_argument("--answers", type=int, default=10, help="answers submitted per lesson")
    args = ap.parse_args()
    os.environ["BPTUTOR_HOME"] = tempfile.mkdtemp(prefix="bptutor-bench-")
    folder = Path(tempfile.mkdtemp(prefix="bptutor-bench-lessons-"))
    large = large_lesson(folder)

    ours = [time_child(CHILD_BPTUTOR, str(BP2)) for _ in range(args.runs)]
    base = [time_child(CHILD_MINIMAL) for _ in range(args.runs)]
    print(f"start-up to lesson screen (median of {args.runs}): bptutor {statistics.median(ours) * 1e3:.0f} ms, "
          f"minimal Textual app {statistics.median(base) * 1e3:.0f} ms, "
          f"ratio {statistics.median(ours) / statistics.median(base):.2f}x (target <= 1.2x)")

    small_ms, n_small = asyncio.run(answers_cpu(BP2, args.answers))
    large_ms, n_large = asyncio.run(answers_cpu(large, args.answers))
    print(f"CPU per submitted answer: BP2 lesson {small_ms:.1f} ms ({n_small} answers), "
          f"[784, 30, 10] lesson {large_ms:.1f} ms ({n_large} answers), "
          f"ratio {large_ms / small_ms:.2f}x (targets <= 8 ms, <= 1.5x)")

    seconds, mb = asyncio.run(open_large(large))
    print(f"open the [784, 30, 10] lesson: {seconds:.2f} s, peak {mb:.0f} MB traced by tracemalloc (target < 1.5 s, < 200 MB)")


if __name__ == "__main__":
    main()
