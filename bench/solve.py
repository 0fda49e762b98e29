"""Solve speed on a [784, 30, 10] sigmoid lesson with 10 samples. Prints numbers, asserts nothing.

    python bench/solve.py [--repeat N]

1. bptutor's solve (forward + backward traces, batch means, update, cost after) next to a
   plain vectorised NumPy forward and backward pass of the same batch, in the same run, as a
   ratio (target: at most 2x).
2. Time and peak memory to build the full step list (target: under 1 s and 200 MB), and the
   time to make single steps from it on demand.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from bptutor.core.backprop import solve
from bptutor.core.network import Network, Problem
from bptutor.core.steps import StepList

SIZES = (784, 30, 10)
M = 10


def make_problem(seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    w = [rng.normal(0, 1 / np.sqrt(a), (b, a)) for a, b in zip(SIZES, SIZES[1:])]
    b = [rng.normal(0, 1, n) for n in SIZES[1:]]
    x = rng.uniform(0, 1, (M, SIZES[0]))
    y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], M)]
    return Problem.build(Network.build(SIZES, "sigmoid", w, b), "quadratic", x, y, 3.0)


def plain_numpy(w, b, x, y, eta):
    """The textbook vectorised pass: forward, BP1, BP2, batch-mean gradients, one update."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    a, acts, zs = x, [x], []
    for wl, bl in zip(w, b):
        z = a @ wl.T + bl
        a = sig(z)
        zs.append(z)
        acts.append(a)
    delta = (a - y) * sig(zs[-1]) * (1 - sig(zs[-1]))
    gw, gb = [None] * len(w), [None] * len(w)
    for i in range(len(w) - 1, -1, -1):
        gw[i] = delta.T @ acts[i] / len(x)
        gb[i] = delta.mean(axis=0)
        if i:
            s = sig(zs[i - 1])
            delta = (delta @ w[i]) * s * (1 - s)
    return [wl - eta * g for wl, g in zip(w, gw)], [bl - eta * g for bl, g in zip(b, gb)]


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    p = make_problem()
    net = p.network
    t_core = best_of(lambda: solve(p), args.repeat)
    t_plain = best_of(lambda: plain_numpy(net.weights, net.biases, p.x, p.y, p.eta), args.repeat)
    print(f"network {list(SIZES)}, {M} samples, best of {args.repeat}")
    print(f"solve (bptutor core)        {t_core * 1e3:8.2f} ms")
    print(f"plain NumPy forward+backward {t_plain * 1e3:7.2f} ms")
    print(f"ratio core / plain           {t_core / t_plain:7.2f}x   (target <= 2x)")

    sol = solve(p)
    tracemalloc.start()
    t = time.perf_counter()
    steps = StepList(sol)
    t_build = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"step list: {len(steps)} steps built in {t_build * 1e3:.1f} ms, peak {peak / 2**20:.1f} MB (target < 1 s, < 200 MB)")
    rng = np.random.default_rng(1)
    picks = rng.integers(0, len(steps), 2000)
    t = time.perf_counter()
    for i in picks:
        steps[int(i)]
    per = (time.perf_counter() - t) / len(picks)
    print(f"one step made on demand: {statistics.mean([per]) * 1e6:.1f} us (random access, 2000 steps)")


if __name__ == "__main__":
    main()
