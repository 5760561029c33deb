"""MLPStack against a Python loop of MLPs and against PyTorch: prints a table, asserts nothing.

    python benchmarks/bench_stack.py [--quick] [--models 256] [--repeats 7]

256 networks 2-16-16-3 (tanh, float64, Adam, each model its own α, β1, β2) train one epoch on 225
spiral points (``simulator.datasets.spiral(300)``'s training part) in mini-batches of 32, all on
the same mini-batches:

- stack: one ``MLPStack`` and one ``Adam`` whose hyperparameters are (N, 1) arrays;
- loop: N ``MLP`` + ``Adam`` pairs, trained one after another (what a sweep without the stack does);
- torch float64 / float32 (when torch is importable): the same N networks stacked in PyTorch,
  ``torch.baddbmm`` per layer, autograd, ``torch.optim.Adam`` (one α for all: torch's Adam takes
  no per-model α), ``torch.set_num_threads(1)``.

The contenders run interleaved in one process, ``--repeats`` times, and the table shows medians.
Then the stack's arithmetic alone: its batched matmuls and elementwise passes timed on
preallocated arrays of the same shapes, group by group: the floor the stack can reach in NumPy.
Torch is not in .venv; to measure it, make a venv with torch's CPU wheel and numpy,
``pip install -e . --no-deps`` into it, and run this script with that venv's python.
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

from simulator.datasets import spiral  # noqa: E402
from simulator.nn import MLP, MLPStack, per_model  # noqa: E402
from simulator.optimizers import Adam  # noqa: E402

SIZES = [2, 16, 16, 3]
BATCH = 32
TARGET_RATIO, AIM_RATIO = 5.0, 20.0

try:
    import torch
except ImportError:  # not in .venv
    torch = None


def batches(X: np.ndarray, y: np.ndarray, epoch: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """One epoch's mini-batches, shuffled from a seed: the same for every contender."""
    order = np.random.default_rng(epoch).permutation(len(X))
    return [(X[order[i : i + BATCH]], y[order[i : i + BATCH]]) for i in range(0, len(X), BATCH)]


def hyperparameters(n: int) -> dict[str, np.ndarray]:
    """α log-uniform in [1e-4, 1e-1], β1 in [0.8, 0.95], β2 = 1 - 10^r in [0.99, 0.9999]."""
    rng = np.random.default_rng(0)
    return {"lr": 10 ** rng.uniform(-4, -1, n), "beta1": rng.uniform(0.8, 0.95, n),
            "beta2": 1 - 10 ** rng.uniform(-4, -2, n)}


class Stack:
    name = "stack"

    def __init__(self, n: int, dtype=np.float64) -> None:
        self.stack = MLPStack(SIZES, n, activation="tanh", seeds=range(n), dtype=dtype)
        hyper = {k: per_model(v, n, k, dtype) for k, v in hyperparameters(n).items()}
        self.opt = Adam(hyper.pop("lr"), **hyper)

    def epoch(self, data: list[tuple[np.ndarray, np.ndarray]]) -> None:
        for X, y in data:
            self.stack.loss_and_grads(X, y)
            self.adam_step()

    def adam_step(self) -> None:
        self.opt.step([self.stack.theta], [self.stack.dtheta])


class Loop:
    name = "loop of MLPs"

    def __init__(self, n: int) -> None:
        self.models = [MLP(SIZES, "tanh", seed=k) for k in range(n)]
        h = hyperparameters(n)
        self.opts = [Adam(float(h["lr"][k]), beta1=float(h["beta1"][k]), beta2=float(h["beta2"][k]))
                     for k in range(n)]

    def epoch(self, data: list[tuple[np.ndarray, np.ndarray]]) -> None:
        for model, opt in zip(self.models, self.opts, strict=True):
            for X, y in data:
                opt.step(model.params, model.loss_and_grads(X, y)[1])


class Torch:
    """N networks stacked: W (N, in, out), b (N, 1, out), z = baddbmm(b, a, W)."""

    def __init__(self, n: int, dtype) -> None:
        self.name, self.n, self.dtype = f"torch {str(dtype).split('.')[-1]}", n, dtype
        gen = torch.Generator().manual_seed(0)
        self.params = []
        for n_in, n_out in zip(SIZES[:-1], SIZES[1:], strict=True):
            W = torch.randn(n, n_in, n_out, generator=gen, dtype=dtype) / n_in**0.5
            self.params += [W.requires_grad_(), torch.zeros(n, 1, n_out, dtype=dtype, requires_grad=True)]
        self.opt = torch.optim.Adam(self.params, lr=1e-2)

    def epoch(self, data: list[tuple[np.ndarray, np.ndarray]]) -> None:
        for X, y in data:
            a = torch.from_numpy(X).to(self.dtype).expand(self.n, -1, -1)
            labels = torch.from_numpy(y).repeat(self.n)
            for i in range(0, len(self.params), 2):
                a = torch.baddbmm(self.params[i + 1], a, self.params[i])
                if i < len(self.params) - 2:
                    a = torch.tanh(a)
            # Each model's mean loss, summed: every model gets the gradient of its own loss.
            loss = torch.nn.functional.cross_entropy(a.reshape(-1, SIZES[-1]), labels,
                                                     reduction="sum") / len(y)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()


def median_time(fn: Callable[[], object], repeats: int, clock=time.process_time) -> float:
    """Median over ``repeats`` calls; CPU time by default (see ``timed``)."""
    times = []
    for _ in range(repeats):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall time and CPU time of one call. The machine is shared: wall time also counts the time
    spent waiting for a core, which CPU time (of every thread of this process) leaves out."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def arithmetic(n: int, m: int = BATCH) -> dict[str, Callable[[], object]]:
    """The stack's arithmetic for one full mini-batch step, group by group, on preallocated arrays
    laid out as in MLPStack: [X, 1]^T (in + 1, m), each hidden a^T (N, units, m), logits (C, N, m),
    parameters and gradients as views of theta and dtheta (N, P)."""
    rng = np.random.default_rng(0)
    stack = MLPStack(SIZES, n, activation="tanh")
    W1, b1, W2, b2, W3, b3 = stack.params
    dW1, db1, dW2, db2, dW3, db3 = stack.grads
    Wb1 = stack.theta[:, : 3 * SIZES[1]].reshape(n, 3, SIZES[1])  # [W1; b1]
    dWb1 = stack.dtheta[:, : 3 * SIZES[1]].reshape(n, 3, SIZES[1])
    x1 = np.vstack([rng.normal(size=(SIZES[0], m)), np.ones(m)])
    a1, a2 = (np.tanh(rng.normal(size=(n, k, m))) for k in SIZES[1:3])
    logits, da1, da2, g0 = np.empty((SIZES[3], n, m)), np.empty_like(a1), np.empty_like(a2), np.ones_like(a1)
    ones = np.ones(m)
    T = np.swapaxes  # T(a, -1, -2): every matrix transposed
    dz = T(logits, 0, 1)

    def matmuls() -> None:  # 3 forward, 3 for the dW, 2 for the da, 2 matrix-vector for db
        np.matmul(T(Wb1, -1, -2), x1, out=a1)
        np.matmul(T(W2, -1, -2), a1, out=a2)
        np.matmul(T(W3, -1, -2), a2, out=dz)
        np.matmul(a2, T(dz, -1, -2), out=dW3)
        np.matmul(dz, ones, out=db3)
        np.matmul(W3, dz, out=da2)
        np.matmul(a1, T(da2, -1, -2), out=dW2)
        np.matmul(da2, ones, out=db2)
        np.matmul(W2, da2, out=da1)
        np.matmul(x1, T(da1, -1, -2), out=dWb1)

    def biases() -> None:
        a2.__iadd__(b2[:, :, None])
        dz.__iadd__(b3[:, :, None])

    def tanh() -> None:
        for a in (a1, a2):
            np.tanh(a, out=a)

    def tanh_backward() -> None:  # as the stack: 1 - a^2 overwrites a, which is not needed any more
        for a, da in ((a1, da1), (a2, da2)):
            np.multiply(a, a, out=a)
            np.subtract(1.0, a, out=a)
            np.multiply(g0, a, out=da)  # from a fixed g0: no values shrinking to subnormal

    def softmax_cross_entropy() -> None:  # the passes of stack._cross_entropy
        logits[:] = 0.1
        one_hot = np.ones((SIZES[3], 1, m))
        logits.__isub__(np.maximum.reduce(logits, axis=0))
        np.add.reduce(np.add.reduce(np.multiply(logits, one_hot), axis=0), axis=1)
        np.exp(logits, out=logits)
        t = np.add.reduce(logits, axis=0)
        np.add.reduce(np.log(t), axis=1)
        logits.__itruediv__(t)
        logits.__isub__(one_hot)

    theta, dtheta = stack.theta, stack.dtheta
    v, s, u, w = (np.ones_like(theta) for _ in range(4))
    lr = per_model(hyperparameters(n)["lr"], n)

    def adam() -> None:  # Adam's passes over theta (N, P), one α per model
        v.__imul__(0.9)
        np.multiply(0.1, dtheta, out=u)
        v.__iadd__(u)
        s.__imul__(0.999)
        np.square(dtheta, out=u)
        u.__imul__(0.001)
        s.__iadd__(u)
        np.divide(s, 0.5, out=u)
        np.sqrt(u, out=u)
        u.__iadd__(1e-8)
        np.divide(v, u, out=u)
        u.__imul__(-lr)
        w.__iadd__(u)

    return {"batched matmuls (10)": matmuls, "bias additions (2)": biases, "tanh (2 layers)": tanh,
            "tanh backward (2 layers)": tanh_backward, "softmax + cross-entropy": softmax_cross_entropy,
            "Adam's passes (13)": adam}


def run(args: argparse.Namespace) -> None:
    d = spiral(n=300, seed=0)
    X, y = d.X_train, d.y_train
    n = args.models
    contenders = [Stack(n), Loop(n), Stack(n, np.float32)]
    contenders[2].name = "stack float32"
    if torch is not None:
        torch.set_num_threads(1)
        contenders += [Torch(n, torch.float64), Torch(n, torch.float32)]
    floor = arithmetic(n)
    one = Stack(1)  # a 1-model stack: the fixed cost of a step (Python, NumPy calls, checks)
    steps = len(batches(X, y, 0))
    times: dict[str, list[tuple[float, float]]] = {c.name: [] for c in contenders}
    parts: dict[str, list[float]] = {k: [] for k in floor}
    parts["fixed"], parts["step"], parts["pass"], parts["adam"] = [], [], [], []
    full_batch = [batches(X, y, 0)[0]]
    probe = Stack(n)  # timed step by step, apart from the contenders so that their weights agree
    for r in range(args.repeats):
        data = batches(X, y, r)
        for c in contenders:
            times[c.name].append(timed(lambda c=c, data=data: c.epoch(data)))
        for k, fn in floor.items():  # per full mini-batch step
            parts[k].append(median_time(fn, 20))
        parts["fixed"].append(median_time(lambda: one.epoch(full_batch), 20))
        parts["step"].append(median_time(lambda: probe.epoch(full_batch), 20))
        parts["pass"].append(median_time(lambda: probe.stack.loss_and_grads(*full_batch[0]), 20))
        parts["adam"].append(median_time(probe.adam_step, 20))
    report(times, parts, contenders, steps, n, X, y, args.repeats)


def report(times, parts, contenders, steps, n, X, y, repeats) -> None:
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch: not installed"))
    print(f"{n} models {'-'.join(map(str, SIZES))} tanh, Adam, {len(X)} points, mini-batch {BATCH} "
          f"({steps} steps per epoch), medians of {repeats} interleaved epochs")
    print()
    print(f"{'':<16} {'--------------- wall time ---------------':>45}  {'------ CPU time ------':>22}")
    print(f"{'contender':<16} {'epoch ms':>9} {'ms/step':>8} {'us/model-step':>14} {'loop / it':>10}  "
          f"{'ms/step':>9} {'loop / it':>10}")
    for c in contenders:
        t, tc, loop_w, loop_c = wall[c.name], cpu[c.name], wall["loop of MLPs"], cpu["loop of MLPs"]
        print(f"{c.name:<16} {t * 1e3:>9.1f} {t / steps * 1e3:>8.3f} {t / steps / n * 1e6:>14.2f} "
              f"{loop_w / t:>9.1f}x  {tc / steps * 1e3:>9.3f} {loop_c / tc:>9.1f}x")
    print()
    for name, clock in (("wall", wall), ("CPU", cpu)):
        ratio = clock["loop of MLPs"] / clock["stack"]
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        line = f"{name} time: stack throughput / loop {ratio:.1f}x (target >= {TARGET_RATIO:g}x, aim "
        line += f"{AIM_RATIO:g}x): {verdict}"
        if torch is not None:
            vs_torch = clock["torch float64"] / clock["stack"]
            line += f"; stack / torch float64 {vs_torch:.2f}x (>= 1: no slower)"
        print(line)
    stack, loop = contenders[0].stack, contenders[1].models
    diff = max(float(np.abs(stack.theta[k] - m.theta).max()) for k, m in enumerate(loop))
    print(f"same work: max |stack weights - loop weights| after {repeats} epochs = {diff:.1e}")
    report_floor(parts, stack)


def report_floor(parts: dict[str, list[float]], stack: MLPStack) -> None:
    print(f"\nthe stack's arithmetic alone, CPU time per full mini-batch step of {BATCH} (medians)")
    real = {k: statistics.median(parts.pop(k)) for k in ("fixed", "step", "pass", "adam")}
    floor = {k: statistics.median(v) for k, v in parts.items()}
    for k, t in floor.items():
        print(f"  {k:<28} {t * 1e6:8.0f} us")
    total = sum(floor.values())
    adam_floor = sum(t for k, t in floor.items() if k.startswith("Adam"))
    step = real["step"]
    rows = [("sum (the floor)", total, f"{total / step:.0%} of the stack's full step"),
            ("fixed cost", real["fixed"], "a 1-model stack's step: Python, NumPy calls, checks"),
            ("loss_and_grads alone", real["pass"], f"its arithmetic: {(total - adam_floor) * 1e6:.0f} us"),
            ("Adam's step alone", real["adam"], f"its passes: {adam_floor * 1e6:.0f} us (the rest: "
                                                "temporaries, (N, 1) hyperparameters)"),
            ("the two, back to back", step, f"{(step - real['pass'] - real['adam']) * 1e6:+.0f} us against "
                                            f"the two alone (the cache: {working_set(stack) / 2**20:.1f} MB "
                                            "of arrays in all)")]
    for label, t, note in rows:
        print(f"  {label:<28} {t * 1e6:8.0f} us  {note}".rstrip())


def working_set(stack: MLPStack) -> int:
    """Bytes of the arrays one training step touches: buffers, theta, dtheta and Adam's v and s."""
    arrays = [a for b in stack._buffers.values() for a in (b.x, *b.acts, b.logits, *b.da)]
    return sum(a.nbytes for a in arrays) + 4 * stack.theta.nbytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="32 models, 2 repeats (a smoke test)")
    ap.add_argument("--models", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    if args.quick:
        args.models, args.repeats = 32, 2
    run(args)


if __name__ == "__main__":
    main()
