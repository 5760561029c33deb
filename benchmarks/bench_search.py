"""Tuning engine timings: prints a table, asserts nothing.

    python benchmarks/bench_search.py [--quick]

- grid against random: the page's comparison, 25 trials each over α (log) and ε (log), the
  default objective (spiral, 2-16-16-3 tanh, Adam, 20 epochs), trained here, vectorized; median
  wall time of both searches together.
- one epoch of 256 trials of one architecture (one stack), median over epochs.
- the Repeats lesson as its preset sets it (20 repeats of a 25-trial grid, the smaller grids and
  25 random trials, 20 epochs each: 1,600 trials), median wall time.
  These three rows run in float32 (what a search computes in) and in float64 (the classifier
  trainer's precision), interleaved round by round, with the ratio.
- cancel latency: from the moment ``cancelled()`` starts answering True to ``run_search``
  returning, for a 256-trial search here and a 64-trial one on a pool of 2 processes; median and
  worst over several cancels at different moments. Target: at most 0.2 s.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from simulator.tuning import AXES, Objective, SearchSpace, Sweep, executor_for, run_search  # noqa: E402
from simulator.tuning.lessons import repeats as repeats_module  # noqa: E402
from simulator.tuning.lessons.repeats import Repeats, RepeatsSettings, one_repeat  # noqa: E402
from simulator.work import never  # noqa: E402

SPACE = SearchSpace([AXES["lr"], AXES["eps"]])


def grid_against_random(dtype) -> float:
    t0 = time.perf_counter()
    for method in ("grid", "random"):
        run_search(SPACE, Objective(dtype=dtype), method, 25, seed=0)
    return time.perf_counter() - t0


def epoch_of_256(dtype, epochs: int = 5) -> float:
    sweep = Sweep(Objective(epochs=epochs, dtype=dtype), SPACE.random(256, seed=0))
    times = []
    while True:
        t0 = time.perf_counter()
        live = sweep.step()
        times.append(time.perf_counter() - t0)
        if not live:
            return statistics.median(times)


def repeats_lesson(dtype, repeats: int) -> float:
    """The Repeats preset's work (``repeats`` of its 20 repeats), its objectives in ``dtype``:
    the lesson's own loop, ``one_repeat``, given an Objective that computes in ``dtype``."""
    settings, out = RepeatsSettings(), Repeats()
    saved, repeats_module.Objective = repeats_module.Objective, functools.partial(Objective, dtype=dtype)
    try:
        t0 = time.perf_counter()
        for r in range(repeats):
            for _ in one_repeat(settings, r, never, out):
                pass
        return time.perf_counter() - t0
    finally:
        repeats_module.Objective = saved


def precision_rows(rounds: int, repeats: int) -> list[tuple[str, float, str]]:
    """Each of the three rows in float32 and float64, interleaved round by round."""
    cases = [("grid + random, 25 trials each, 20 epochs", grid_against_random),
             ("one epoch of 256 trials (one stack)", epoch_of_256),
             (f"Repeats lesson, {repeats} of its 20 repeats", lambda dt: repeats_lesson(dt, repeats))]
    times = {(what, dt): [] for what, _ in cases for dt in ("float32", "float64")}
    for _ in range(rounds):
        for what, fn in cases:
            for dt in ("float32", "float64"):
                times[what, dt].append(fn(np.dtype(dt)))
    rows = []
    for what, _ in cases:
        t32, t64 = (statistics.median(times[what, dt]) for dt in ("float32", "float64"))
        rows.append((f"{what}: float32", t32, f"float64 {t64:.3f} s: {t64 / t32:.2f}x as long"))
    return rows


def cancel_latency(delays: list[float], trials: int, executor=None) -> list[float]:
    out = []
    for delay in delays:
        start = time.perf_counter()
        asked: list[float] = []

        def cancelled(start=start, delay=delay, asked=asked) -> bool:
            now = time.perf_counter()
            if now - start >= delay:
                asked.append(now if not asked else asked[0])
                return True
            return False

        run_search(SPACE, Objective(epochs=10_000), "random", trials, seed=0, executor=executor,
                   cancelled=cancelled)
        # from the deadline (not the first True, which comes late if a task hides the deadline)
        out.append(time.perf_counter() - (start + delay))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    quick = parser.parse_args().quick
    delays = [0.3, 0.45, 0.6] if quick else [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    rows = precision_rows(1 if quick else 5, 2 if quick else 20)
    here = cancel_latency(delays, 256)
    rows.append(("cancel, 256 trials here: median", statistics.median(here), f"worst {max(here):.3f} s"))
    with executor_for("processes", workers=2) as pool:
        run_search(SPACE, Objective(epochs=1), "random", 2, executor=pool)  # start the workers
        pooled = cancel_latency(delays, 64, pool)
    rows.append(("cancel, 64 trials on 2 processes: median", statistics.median(pooled),
                 f"worst {max(pooled):.3f} s"))
    print(f"{'what':60} {'seconds':>9}  note")
    for what, seconds, note in rows:
        print(f"{what:60} {seconds:9.3f}  {note}")


if __name__ == "__main__":
    main()
