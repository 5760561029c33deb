"""Optimizers racing on a 2D surface: single racers for the live view, batches for the maps.

A ``Racer`` steps one optimizer from a start point and keeps its path, losses and status. A diverged
racer (NaN, inf, or far outside the domain) stops and says why; the others go on. ``basin_map`` and
``momentum_rate_map`` run thousands of starts or hyperparameter pairs as one vectorized batch through
the same optimizer classes. ``narrate`` computes a racer's next update ahead, for showing it stage by
stage; ``explained_update`` gives the vectors the explanation draws.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from .optimizers import Optimizer, make_optimizer
from .records import Recorder
from .surfaces import SURFACES, Surface
from .validation import check_array, check_int, check_point, check_range, check_seed

RUNNING, CONVERGED, DIVERGED = "running", "converged", "diverged"
# A racer that stopped (dW ≈ 0) away from every listed minimum: a saddle point.
STUCK = "stuck"
GAP_FLOOR = 1e-16  # J - J* is drawn on a log scale: never 0
# Positions a racer holds: beyond it older ones are thinned (``Recorder``), so an hour's run
# holds as much as a minute's.
HISTORY_LIMIT = 8192

# Basin-map labels besides a minimum's index.
DIVERGED_LABEL = -1
MOVING_LABEL = -2


def outside(surface: Surface, x: np.ndarray, y: np.ndarray, margin: float = 1.0) -> np.ndarray:
    """True where a point is non-finite or more than ``margin`` domain-sizes outside the domain."""
    x0, x1, y0, y1 = surface.domain
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    with np.errstate(invalid="ignore"):
        inside = (x >= x0 - mx) & (x <= x1 + mx) & (y >= y0 - my) & (y <= y1 + my)
    return ~inside  # NaN compares False, so it counts as outside


class Racer:
    """One optimizer descending a surface from a start point.

    ``noise`` adds seeded Gaussian noise of standard deviation ``noise * surface.grad_scale`` to each
    gradient: 0 is batch gradient descent, larger values imitate smaller mini-batches.
    """

    def __init__(
        self,
        surface: Surface,
        optimizer: Optimizer,
        start: tuple[float, float],
        noise: float = 0.0,
        seed: int | tuple[int, ...] = 0,
        name: str | None = None,
        label: str | None = None,
    ) -> None:
        noise = check_range("noise", noise, low=0.0)
        seed = check_seed("seed", seed)
        self.surface = surface
        self.optimizer = optimizer
        self.name = name or optimizer.name
        self.label = label or optimizer.title  # for legends: "Adam, bias correction off"
        self.noise = float(noise)
        self.seed = seed
        self.start = check_point("start", start)
        self.reset()

    def reset(self, start: tuple[float, float] | None = None) -> None:
        """Back to the start (or a new one) with a fresh optimizer state and noise stream."""
        if start is not None:
            self.start = check_point("start", start)
        self.optimizer.reset()
        self.rng = np.random.default_rng(self.seed)
        self.w = np.array(self.start, dtype=float)
        self._path = Recorder(2, limit=HISTORY_LIMIT)
        self._loss = Recorder(1, limit=HISTORY_LIMIT)
        self._record(self.w, float(self.surface.f(*self.w)))
        self.status = RUNNING
        self.reason = ""
        self.grad = np.array(self.surface.grad(*self.w), dtype=float)  # gradient at w, noise-free
        self.last_grad = np.zeros(2)  # the (noisy) gradient the last step used
        self.last_step = np.zeros(2)

    def _record(self, w: np.ndarray, loss: float) -> None:
        self._path.append(w)
        self._loss.append(loss)

    @property
    def path(self) -> np.ndarray:
        """The positions so far, the start first: every one for the first ``HISTORY_LIMIT``
        iterations, then the recent ones all and older ones thinned (``steps`` says which)."""
        return self._path.data

    @property
    def losses(self) -> np.ndarray:
        """J at every position of ``path``."""
        return self._loss.data[:, 0]

    @property
    def steps(self) -> np.ndarray:
        """The iteration of every position of ``path`` (0 for the start)."""
        return self._loss.steps

    @property
    def iteration(self) -> int:
        return self._loss.count - 1

    @property
    def loss(self) -> float:
        return float(self._loss.data[-1, 0])

    @property
    def gaps(self) -> np.ndarray:
        """J - J* at every position of ``path``, floored at ``GAP_FLOOR`` (for a log scale)."""
        return np.maximum(self.losses - self.surface.f_min, GAP_FLOOR)

    @property
    def outcome(self) -> str:
        """``status``, except that a racer stopped away from every listed minimum is ``STUCK``
        (the gradient vanished at a saddle point) rather than ``CONVERGED``."""
        if self.status == CONVERGED and self.surface.nearest_minimum(self.w[0], self.w[1]) < 0:
            return STUCK
        return self.status

    @property
    def minimum_kind(self) -> str:
        """For a racer converged at a listed minimum: "global" if that minimum is as low as the
        lowest one, "local" if it is higher; "" otherwise."""
        if self.outcome != CONVERGED:
            return ""
        return minimum_kind(self.surface, int(self.surface.nearest_minimum(self.w[0], self.w[1])))

    def step(self) -> bool:
        """One update; returns False (and does nothing) once the racer has stopped."""
        if self.status != RUNNING:
            return False
        g = self.grad.copy()
        if self.noise > 0:
            g += self.noise * self.surface.grad_scale * self.rng.standard_normal(2)
        before = self.w.copy()
        with np.errstate(all="ignore"):
            self.optimizer.step([self.w], [g])
            loss = float(self.surface.f(*self.w))
            self.grad = np.array(self.surface.grad(*self.w), dtype=float)
        self.last_grad = g
        self.last_step = self.w - before
        if outside(self.surface, self.w[0], self.w[1]) or not np.isfinite(loss):
            self.status = DIVERGED
            self.reason = (
                "non-finite position or loss"
                if not (np.all(np.isfinite(self.w)) and np.isfinite(loss))
                else "left the surface's domain"
            )
            return True
        self._record(self.w, loss)
        if self.noise == 0 and self._converged():
            self.status = CONVERGED
        return True

    def _converged(self) -> bool:
        s = self.surface
        return bool(
            np.hypot(*self.last_step) < 1e-7 * s.span and np.hypot(*self.grad) < 1e-6 * s.grad_scale
        )


def minimum_kind(surface: Surface, index: int) -> str:
    """"global" if the surface's minimum ``index`` is (within rounding) as low as its lowest,
    else "local"."""
    mx, my = surface.minima[check_int("index", index, 0, len(surface.minima) - 1)]
    gap = float(surface.f(mx, my)) - surface.f_min
    return "global" if gap <= 1e-9 * max(1.0, abs(surface.f_min)) else "local"


def narrate(racer: Racer) -> dict[str, Any]:
    """The racer's next update, computed ahead on a copy (the racer itself does not move), for
    showing it one stage at a time: the optimizer's ``stages``, the stage shown (``index``, 0) and
    whether the update is done, t and α_t of that update, the state it computes by the notes'
    names (``values``), and W before and after. ValueError if the racer has stopped."""
    if racer.status != RUNNING:
        raise ValueError(f"{racer.name} has stopped ({racer.status})")
    preview = copy.deepcopy(racer, {id(racer.surface): racer.surface})
    preview.step()
    opt = preview.optimizer
    return {
        "stages": tuple(type(opt).stages),
        "index": 0,
        "done": False,
        "t": opt.t,
        "alpha": opt.alpha,
        "values": {k: np.array(v, dtype=float) for k, v in opt.state.get(0, {}).items()},
        "w": racer.w.copy(),
        "w_next": preview.w.copy(),
    }


def explained_update(
    racer: Racer, narration: dict[str, Any] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """What the explanation draws for a racer: the point W an update started from, its gradient
    dW there and the step ΔW it took (None before the first step, or while a narrated update has
    not reached its "step" stage)."""
    if narration is not None:
        w = narration["w"]
        g = narration["values"].get("dW", np.zeros(2))
        stage = narration["stages"][narration["index"]]
        return w, g, (narration["w_next"] - w if stage == "step" else None)
    if racer.iteration == 0:
        return racer.w, racer.grad, None
    return racer.path[-2], racer.last_grad, racer.last_step


BASIN_BLOCK = 16384  # starts moved together, each block through an optimizer of its own


def basin_dtype(surface: Surface) -> type:
    """float32 for a built-in surface (at least 99.9% of starts labelled as float64 does, on every
    one with every optimizer: tested; 400 x 400 x 500 Adam steps 0.74 s against 1.39 s), float64
    for a typed one (its formula may overflow float32: exp(x) past x = 88)."""
    return np.float32 if SURFACES.get(surface.name) is surface else np.float64


def basin_map(
    surface: Surface,
    make_opt: Callable[[], Optimizer],
    n: int = 200,
    steps: int = 500,
    dtype: type | None = None,
    progress: Callable[[float], bool] | None = None,
    block: int = BASIN_BLOCK,
) -> np.ndarray | None:
    """Label every start point of an n x n grid by where the optimizer takes it.

    Returns an (n, n) int array indexed [iy, ix]: the index of the minimum reached,
    ``DIVERGED_LABEL`` or ``MOVING_LABEL`` (still moving, or stopped away from every minimum).
    The starts move in blocks of ``block``, each through an optimizer of its own (``make_opt()``):
    optimizers update each coordinate on its own, so the labels are those of one array of all
    starts, while a step's temporaries stay small at any n. ``dtype`` None is ``basin_dtype``.
    ``progress(fraction)`` is called every 25 steps; if it returns False the map is abandoned and
    None returned (the UI's cancel button).
    """
    n, steps = check_int("n", n, 2, 2000), check_int("steps", steps, 1, 1_000_000)
    block = check_int("block", block, 1, 2000 * 2000)
    dtype = basin_dtype(surface) if dtype is None else dtype
    x0, x1, y0, y1 = surface.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, n, dtype=dtype), np.linspace(y0, y1, n, dtype=dtype))
    starts = np.stack([X.ravel(), Y.ravel()])
    labels, blocks = np.empty(n * n, dtype=int), range(0, n * n, block)
    for b, first in enumerate(blocks):
        def report(fraction: float, b: int = b) -> bool:
            return progress is None or progress((b + fraction) / len(blocks)) is not False
        W = starts[:, first:first + block].copy()
        if not _basin_block(surface, make_opt(), W, steps, report):
            return None
        labels[first:first + block] = _basin_labels(surface, W)
    return labels.reshape(n, n)


def _basin_block(surface: Surface, opt: Optimizer, W: np.ndarray, steps: int,
                 report: Callable[[float], bool]) -> bool:
    """Move the starts ``W`` (2, m), in place, ``steps`` times; NaN for those that left the
    domain or whose gradient stopped being finite. False if ``report`` said to stop."""
    G = np.empty_like(W)
    alive = np.ones(W.shape[1], dtype=bool)
    dead = np.empty(0, dtype=np.intp)  # the starts that have left, by index: few, or none
    with np.errstate(all="ignore"):
        for k in range(steps):
            G[0], G[1] = surface.grad(W[0], W[1])
            if k % 25 == 24:
                # Points that have left stay out: NaN position, zero gradient.
                alive &= ~outside(surface, W[0], W[1])
                alive &= np.isfinite(G).all(axis=0)
                dead = np.flatnonzero(~alive)
            G[:, dead] = 0.0  # (no start by index: nothing to do)
            opt.step([W], [G])
            W[:, dead] = np.nan
            if k % 25 == 24 and not report((k + 1) / steps):
                return False
    return True


def _basin_labels(surface: Surface, W: np.ndarray) -> np.ndarray:
    """The minimum each moved start reached, ``MOVING_LABEL`` or ``DIVERGED_LABEL``."""
    labels = surface.nearest_minimum(W[0], W[1])
    labels = np.where(labels >= 0, labels, MOVING_LABEL)
    labels[~np.isfinite(W).all(axis=0) | outside(surface, W[0], W[1])] = DIVERGED_LABEL
    return labels


def basin_shares(labels: np.ndarray, n_minima: int) -> dict[int, float]:
    """The fraction of a basin map's starts with each label: every minimum's index (0 to
    n_minima - 1), then ``DIVERGED_LABEL`` and ``MOVING_LABEL``."""
    labels = check_array("labels", labels, dtype=None)
    n_minima = check_int("n_minima", n_minima, 0, 10_000)
    total = max(labels.size, 1)
    keys = [*range(n_minima), DIVERGED_LABEL, MOVING_LABEL]
    return {k: np.count_nonzero(labels == k) / total for k in keys}


def momentum_rate_map(
    surface: Surface,
    alphas: np.ndarray,
    betas: np.ndarray,
    steps: int = 200,
    start: tuple[float, float] | None = None,
    progress: Callable[[float], bool] | None = None,
) -> np.ndarray | None:
    """Convergence rate of momentum for every (alpha, beta) pair, as in Goh's "Why Momentum Works".

    The rate is the average factor by which the distance to the minimum shrinks per step over
    ``steps`` steps. Near a minimum J - J* is quadratic in that distance, so the rate is
    ((J_T - J*) / (J_0 - J*)) ** (1 / 2T): on a quadratic it matches the spectral radius of the
    momentum iteration, Goh's convergence rate. Below 1 converges (smaller is faster); 1 or more
    does not (inf when the run diverged). Returns shape (len(betas), len(alphas)).
    ``progress(fraction)`` is called every 10 steps; if it returns False the map is abandoned and
    None returned (a typed surface's map can take seconds: it runs in the worker).
    """
    alphas = np.atleast_1d(check_range("alphas", alphas, low=0.0, low_open=True))
    betas = np.atleast_1d(check_range("betas", betas, low=0.0, high=1.0, high_open=True))
    steps = check_int("steps", steps, 1, 1_000_000)
    A, B = np.meshgrid(alphas, betas)
    lr = A.reshape(-1, 1)
    beta = B.reshape(-1, 1)
    sx, sy = surface.start if start is None else check_point("start", start)
    W = np.tile(np.array([sx, sy], dtype=float), (lr.shape[0], 1))
    G = np.empty_like(W)
    opt = make_optimizer("momentum", lr, beta=beta)
    j0 = float(surface.f(sx, sy)) - surface.f_min
    if not j0 > 1e-12 * max(1.0, abs(surface.f_min)):
        raise ValueError(f"start ({sx:g}, {sy:g}) is at the minimum (J − J* = {j0:.3g}): the map "
                         "measures how fast J − J* shrinks, so start away from it")
    with np.errstate(all="ignore"):
        for k in range(steps):
            G[:, 0], G[:, 1] = surface.grad(W[:, 0], W[:, 1])
            opt.step([W], [G])
            W[~np.isfinite(W)] = np.inf
            if progress is not None and k % 10 == 9 and progress((k + 1) / steps) is False:
                return None
        jT = surface.f(W[:, 0], W[:, 1]) - surface.f_min
        rate = (np.maximum(jT, 0.0) / j0) ** (0.5 / steps)
    rate[~np.isfinite(rate)] = np.inf
    return rate.reshape(B.shape)


def momentum_axes(surface: Surface, log_beta: bool = False,
                  n_alpha: int = 120, n_beta: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The momentum map's grid on ``surface``: α over three decades around the surface's suggested
    α for momentum, and β in [0, 0.99] (or, with ``log_beta``, 1 − β from 1 down to 0.001,
    evenly in log(1 − β), so that 0.9 to 0.999 is two thirds of the axis, not a thin strip)."""
    n_alpha, n_beta = check_int("n_alpha", n_alpha, 2, 2000), check_int("n_beta", n_beta, 2, 2000)
    a0 = surface.suggested_lr.get("momentum", 0.01)
    alphas = a0 * np.logspace(-1.5, 1.5, n_alpha)
    betas = 1.0 - np.logspace(0.0, -3.0, n_beta) if log_beta else np.linspace(0.0, 0.99, n_beta)
    return alphas, betas


def best_pair(rates: np.ndarray, alphas: np.ndarray, betas: np.ndarray) -> tuple[float, float, float]:
    """The (α, β) with the lowest convergence rate on a momentum map, and that rate."""
    rates = check_array("rates", rates, ndim=2)
    alphas, betas = check_array("alphas", alphas, ndim=1), check_array("betas", betas, ndim=1)
    if rates.shape != (len(betas), len(alphas)) or rates.size == 0:
        raise ValueError(f"rates must have shape (len(betas), len(alphas)) = ({len(betas)}, "
                         f"{len(alphas)}), not empty, got {rates.shape}")
    i = int(np.argmin(np.where(np.isfinite(rates), rates, np.inf)))
    ib, ia = np.unravel_index(i, rates.shape)
    return float(alphas[ia]), float(betas[ib]), float(rates[ib, ia])


class Race:
    """Several racers on one surface from one start, stepped together."""

    def __init__(self, surface: Surface, racers: dict[str, Racer]) -> None:
        self.surface = surface
        self.racers = racers

    def step(self, k: int = 1) -> None:
        """k steps of every racer still running (fewer once every racer has stopped)."""
        racers = list(self.racers.values())
        for _ in range(k):
            if not any([r.step() for r in racers]):
                break

    def reset(self, start: tuple[float, float] | None = None) -> None:
        for r in self.racers.values():
            r.reset(start)

    @property
    def running(self) -> bool:
        """True while at least one racer is still moving."""
        return any(r.status == RUNNING for r in self.racers.values())

    @property
    def iteration(self) -> int:
        return max((r.iteration for r in self.racers.values()), default=0)
