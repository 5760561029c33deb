"""Classifier engine timings: prints tables, asserts nothing.

    python benchmarks/bench_classifier_engine.py [--quick] [--blas-threads N]

- One training step of a 2-16-16-4 tanh network on a mini-batch of 64 with Adam (forward, backward,
  update), float64: ``simulator.nn.MLP`` against the same network in PyTorch eager on the CPU,
  started from the same weights, interleaved round by round in one run; medians in microseconds.
  The engine runs Adam both per layer (``opt.step(model.params, grads)``, the UI's default, with a
  state per array) and on the flat vector (``opt.step([model.theta], [model.dtheta])``). PyTorch
  runs with ``torch.set_num_threads(1)`` and with its default thread count. Target: the engine at
  least 5 times faster than PyTorch.
- The decision-region refresh: ``predict_proba`` + argmax on a 200 x 200 grid of float32 points,
  median in milliseconds. Target: at most 3 ms for a small network.

PyTorch is not a dependency: without it the torch rows are skipped with a note. To measure them,
install it into the venv (``pip install torch==2.13.0``, a CPU build).

``--blas-threads N`` sets OPENBLAS_NUM_THREADS before NumPy loads. NumPy's OpenBLAS starts threads
for products above about 2^18 multiply-adds; on a busy 2-core machine they sometimes stall for tens
of milliseconds or more, one reason why the engine runs large test-mode passes in blocks of rows.
The mini-batch step stays far below that size either way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGS.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke run")
ARGS.add_argument("--blas-threads", type=int, default=None, help="OPENBLAS_NUM_THREADS for NumPy")

if __name__ == "__main__":
    _threads = ARGS.parse_known_args()[0].blas_threads
    if _threads is not None:  # must be set before NumPy is imported
        os.environ["OPENBLAS_NUM_THREADS"] = str(_threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.nn import MLP  # noqa: E402
from simulator.optimizers import make_optimizer  # noqa: E402

SIZES = [2, 16, 16, 4]
BATCH = 64
LR = 0.01
STEP_TARGET_RATIO = 5.0
GRID_TARGET_MS = 3.0

try:
    import torch
except ImportError:  # not a dependency
    torch = None


def make_batches(count: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fixed mini-batches of 4 Gaussian blobs, shared by every contender."""
    rng = np.random.default_rng(seed)
    centres = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    batches = []
    for _ in range(count):
        y = rng.integers(0, 4, BATCH)
        X = centres[y] + 0.5 * rng.standard_normal((BATCH, 2))
        batches.append((X, y))
    return batches


# --- contenders: each is a function that makes one training step on a given batch -----------------


def engine_step(flat: bool) -> tuple[Callable[[np.ndarray, np.ndarray], None], MLP]:
    model = MLP(SIZES, activation="tanh", seed=0)
    opt = make_optimizer("adam", LR)
    if flat:
        theta = [model.theta]

        def step(X: np.ndarray, y: np.ndarray) -> None:
            model.loss_and_grads(X, y)
            opt.step(theta, [model.dtheta])

    else:

        def step(X: np.ndarray, y: np.ndarray) -> None:
            _, grads = model.loss_and_grads(X, y)
            opt.step(model.params, grads)

    return step, model


def torch_step(batches):
    """The same network in PyTorch, float64, with the engine's initial weights copied over."""
    init = MLP(SIZES, activation="tanh", seed=0)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
        lin = torch.nn.Linear(n_in, n_out, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(init.params[2 * i].T.copy()))
            lin.bias.copy_(torch.from_numpy(init.params[2 * i + 1].copy()))
        layers.append(lin)
        if i < len(SIZES) - 2:
            layers.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss()
    tensors = {id(X): (torch.from_numpy(X), torch.from_numpy(y)) for X, y in batches}

    def step(X: np.ndarray, y: np.ndarray) -> None:
        tX, ty = tensors[id(X)]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(tX), ty)
        loss.backward()
        opt.step()

    def theta() -> np.ndarray:
        """The weights laid out like the engine's theta: W (in, out) then b, layer by layer."""
        arrays = [p.detach().numpy() for p in net.parameters()]
        return np.concatenate([a.T.ravel() if a.ndim == 2 else a for a in arrays])

    return step, theta


def agreement(batches) -> float:
    """Max |theta_engine - theta_torch| after 20 identical Adam steps: the same computation?"""
    step, model = engine_step(flat=False)
    tstep, ttheta = torch_step(batches)
    for X, y in batches[:20]:
        step(X, y)
        tstep(X, y)
    return float(np.max(np.abs(model.theta - ttheta())))


def bench_steps(rounds: int, per_round: int) -> tuple[dict[str, float], float | None]:
    batches = make_batches(64)
    contenders: dict[str, tuple[Callable, int | None]] = {
        "engine, Adam per layer": (engine_step(flat=False)[0], None),
        "engine, Adam on flat theta": (engine_step(flat=True)[0], None),
    }
    diff = None
    if torch is not None:
        default_threads = torch.get_num_threads()
        contenders["torch eager, 1 thread"] = (torch_step(batches)[0], 1)
        contenders[f"torch eager, {default_threads} threads (default)"] = (
            torch_step(batches)[0],
            default_threads,
        )
        diff = agreement(batches)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for step, threads in contenders.values():  # warm up
        if threads is not None:
            torch.set_num_threads(threads)
        for X, y in batches * 3:
            step(X, y)
    for r in range(rounds):
        for name, (step, threads) in contenders.items():  # interleaved, round by round
            if threads is not None:
                torch.set_num_threads(threads)
            for k in range(per_round):
                X, y = batches[(r * per_round + k) % len(batches)]
                t0 = time.perf_counter_ns()
                step(X, y)
                times[name].append(time.perf_counter_ns() - t0)
    medians = {name: statistics.median(ts) / 1e3 for name, ts in times.items()}
    return medians, diff


def bench_grid(repeats: int) -> list[tuple[str, float, float]]:
    xs = np.linspace(-1.5, 1.5, 200)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2).astype(np.float32)
    rows = []
    for label, kwargs in (
        ("2-16-16-4 tanh", {}),
        ("2-16-16-4 tanh, batch norm", {"batchnorm": True}),
        ("2-32-32-8 relu", {"sizes": [2, 32, 32, 8], "activation": "relu"}),
    ):
        args = {"sizes": SIZES, "activation": "tanh", **kwargs}
        model = MLP(**args)
        for what, fn in (
            ("predict_proba + argmax", lambda m=model: m.predict_proba(grid).argmax(axis=1)),
            ("predict", lambda m=model: m.predict(grid)),
        ):
            fn()
            ts = []
            for _ in range(repeats):
                t0 = time.perf_counter_ns()
                fn()
                ts.append(time.perf_counter_ns() - t0)
            rows.append((f"{label}: {what}", statistics.median(ts) / 1e6, max(ts) / 1e6))
    return rows


def main() -> None:
    args = ARGS.parse_args()
    rounds, per_round, grid_repeats = (6, 100, 30) if args.quick else (30, 200, 200)
    print(
        f"numpy {np.__version__}, torch {torch.__version__ if torch else '(not installed)'}, "
        f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    print()
    print(f"One training step: {'-'.join(map(str, SIZES))} tanh, mini-batch {BATCH}, Adam, float64")
    print(f"({rounds} interleaved rounds x {per_round} steps per contender; median per step)")
    medians, diff = bench_steps(rounds, per_round)
    fastest_engine = min(v for k, v in medians.items() if k.startswith("engine"))
    print(f"  {'':36s} {'median us':>10s} {'torch / engine':>15s}")
    for name, us in medians.items():
        ratio = "" if name.startswith("engine") else f"{us / fastest_engine:14.1f}x"
        print(f"  {name:36s} {us:10.1f} {ratio}")
    if torch is None:
        print("  torch is not installed: no comparison (pip install torch==2.13.0, a CPU build)")
    else:
        per_layer = medians["engine, Adam per layer"]
        for name, us in medians.items():
            if name.startswith("torch"):
                print(f"  {name}: {us / per_layer:.1f}x the engine with Adam per layer")
        print(f"  max |theta_engine - theta_torch| after 20 identical steps: {diff:.1e}")
        worst = min(v for k, v in medians.items() if k.startswith("torch")) / fastest_engine
        verdict = "met" if worst >= STEP_TARGET_RATIO else "NOT met"
        print(f"  target: engine >= {STEP_TARGET_RATIO:g}x faster than torch: {verdict}")
    print()
    print(f"Decision-region refresh: 200 x 200 float32 grid (median and max of {grid_repeats})")
    for label, med, worst in bench_grid(grid_repeats):
        flag = "" if med <= GRID_TARGET_MS else f"  (over {GRID_TARGET_MS:g} ms)"
        print(f"  {label:50s} {med:7.2f} ms  max {worst:7.2f} ms{flag}")


if __name__ == "__main__":
    main()
