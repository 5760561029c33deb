"""Tuning engine timings: prints a table, asserts nothing.

    python benchmarks/bench_search.py [--quick]

- grid against random: the page's comparison, 25 trials each over α (log) and ε (log), the
  default objective (spiral, 2-16-16-3 tanh, Adam, 20 epochs), trained here, vectorized; median
  wall time of both searches together.
- one epoch of 256 trials of one architecture (one stack), median over epochs.
- cancel latency: from the moment ``cancelled()`` starts answering True to ``run_search``
  returning, for a 256-trial search here and a 64-trial one on a pool of 2 processes; median and
  worst over several cancels at different moments. Target: at most 0.2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.tuning import AXES, Objective, SearchSpace, Sweep, executor_for, run_search  # noqa: E402

SPACE = SearchSpace([AXES["lr"], AXES["eps"]])


def grid_against_random(repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for method in ("grid", "random"):
            run_search(SPACE, Objective(), method, 25, seed=0)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def epoch_of_256(epochs: int) -> float:
    sweep = Sweep(Objective(epochs=epochs), SPACE.random(256, seed=0))
    times = []
    while True:
        t0 = time.perf_counter()
        live = sweep.step()
        times.append(time.perf_counter() - t0)
        if not live:
            return statistics.median(times)


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
    rows = [("grid + random, 25 trials each, 20 epochs", grid_against_random(1 if quick else 3), "")]
    rows.append(("one epoch of 256 trials (one stack)", epoch_of_256(5 if quick else 15), ""))
    here = cancel_latency(delays, 256)
    rows.append(("cancel, 256 trials here: median", statistics.median(here), f"worst {max(here):.3f} s"))
    with executor_for("processes", workers=2) as pool:
        run_search(SPACE, Objective(epochs=1), "random", 2, executor=pool)  # start the workers
        pooled = cancel_latency(delays, 64, pool)
    rows.append(("cancel, 64 trials on 2 processes: median", statistics.median(pooled),
                 f"worst {max(pooled):.3f} s"))
    print(f"{'what':46} {'seconds':>9}  note")
    for what, seconds, note in rows:
        print(f"{what:46} {seconds:9.3f}  {note}")


if __name__ == "__main__":
    main()
