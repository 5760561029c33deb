"""Engine timings for the optimizer lab: prints a table, asserts nothing.

    python benchmarks/bench_engine.py [--quick]

- basin map: 400 x 400 starts x 500 steps (``simulator.racing.basin_map``; the lab offers 50 to
  400), each optimizer at its suggested learning rate, on himmelblau and rosenbrock; median of 3
  runs, float64 and float32 (what the lab computes a built-in surface in, ``basin_dtype``).
  Target: at most 1 s as the lab computes it.
- momentum (alpha, beta) map: 60 x 60 pairs x 200 steps on the ravine.
- one ``Racer.step()``: median over many steps, in microseconds (the live view runs k per frame).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.racing import Racer, basin_map, momentum_rate_map  # noqa: E402
from simulator.specs import OptimizerSpec, SurfaceSpec  # noqa: E402

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
BASIN_TARGET_S = 1.0


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_basin(n: int, steps: int, repeats: int) -> list[tuple[str, str, float, float]]:
    rows = []
    for surface_name in ("himmelblau", "rosenbrock"):
        s = SurfaceSpec(surface_name).build()
        for name in OPTIMIZERS:
            make = OptimizerSpec(name, s.suggested_lr[name]).build  # as the lab's worker gets it
            t64 = median_time(
                lambda s=s, make=make: basin_map(s, make, n=n, steps=steps, dtype=np.float64),
                repeats,
            )
            t32 = median_time(
                lambda s=s, make=make: basin_map(s, make, n=n, steps=steps, dtype=np.float32),
                repeats,
            )
            rows.append((surface_name, name, t64, t32))
    return rows


def bench_momentum_map(n: int, steps: int, repeats: int) -> float:
    s = SurfaceSpec("ravine").build()
    alphas = np.linspace(0.005, 0.3, n)
    betas = np.linspace(0.0, 0.99, n)
    return median_time(lambda: momentum_rate_map(s, alphas, betas, steps=steps), repeats)


def bench_racer_step(n_steps: int) -> dict[str, float]:
    """Median microseconds per step; noise keeps the racer running (no convergence stop)."""
    s = SurfaceSpec("himmelblau").build()
    out = {}
    for name in OPTIMIZERS:
        r = Racer(s, OptimizerSpec(name, s.suggested_lr[name]).build(), s.start, noise=0.3, seed=0)
        times = []
        for _ in range(n_steps):
            t0 = time.perf_counter_ns()
            r.step()
            times.append(time.perf_counter_ns() - t0)
            if r.status != "running":
                r.reset()
        out[name] = statistics.median(times) / 1e3
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, one run (a smoke test)")
    args = ap.parse_args()
    n, steps, repeats = (50, 100, 1) if args.quick else (400, 500, 3)
    mn, msteps = (20, 50) if args.quick else (60, 200)

    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    print()
    print(
        f"basin map {n}x{n} starts x {steps} steps, median of {repeats} (target <= "
        f"{BASIN_TARGET_S:g} s at full size)"
    )
    print(f"{'surface':<12} {'optimizer':<10} {'float64 s':>10} {'float32 s':>10}  target (float32, "
          "as the lab)")
    for surface_name, name, t64, t32 in bench_basin(n, steps, repeats):
        ok = "ok" if t32 <= BASIN_TARGET_S else "SLOW"  # the lab's dtype on a built-in surface
        print(f"{surface_name:<12} {name:<10} {t64:>10.3f} {t32:>10.3f}  {ok}")
    print()
    t = bench_momentum_map(mn, msteps, repeats)
    print(f"momentum (alpha, beta) map {mn}x{mn} pairs x {msteps} steps: {t:.3f} s")
    print()
    print("Racer.step() on himmelblau (noise 0.3), median of 5000 steps")
    for name, us in bench_racer_step(500 if args.quick else 5000).items():
        print(f"  {name:<10} {us:8.1f} us")


if __name__ == "__main__":
    main()
