"""The Repeats lesson: grid against random search the way Bergstra and Bengio measured it. One
search of each kind settles little (nearby α's differ by a few points from training noise alone),
so both searches are repeated, each time with other initial weights and mini-batches and other
random draws, and what is compared is the distribution of the best score each finds, and the
expected best against the number of trials (random: the best of its first n trials; the grid: the
best of a k × k grid, n = k²). Runs whole in the worker, one epoch of one repeat per unit."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ...validation import check_int
from ...work import Cancelled, Training, never
from ..experiment import MAX_SEED
from ..space import AXES, Axis, SearchSpace
from ..sweep import Sweep
from ..trials import MAX_EPOCHS, Objective
from .base import WholeRun, check_keys, whole_fields

KEYS = ("repeats", "budget", "epochs", "seed")


@dataclass(frozen=True)
class RepeatsSettings:
    """``repeats`` repeats of both searches, ``budget`` trials each (a square: the grid is k × k)
    over α and ε, ``epochs`` epochs a trial, from ``seed``."""

    repeats: int = 20
    budget: int = 25
    epochs: int = 20
    seed: int = 0

    def __post_init__(self) -> None:
        check_int("repeats", self.repeats, 2, 200)
        check_int("trials per search", self.budget, 4, 100)
        if math.isqrt(self.budget) ** 2 != self.budget:
            raise ValueError(f"trials per search must be a square (a k × k grid), got {self.budget}")
        check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        check_int("seed", self.seed, 0, MAX_SEED)

    @property
    def space(self) -> SearchSpace:
        """α, which matters, over five decades and ε, which hardly does: the Search lesson's."""
        return SearchSpace([Axis("lr", "log", 1e-5, 1.0), AXES["eps"]])

    @property
    def side(self) -> int:
        return math.isqrt(self.budget)

    def replace(self, **changes: Any) -> RepeatsSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in KEYS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RepeatsSettings:
        return cls(**whole_fields(dict(check_keys("repeats", data, KEYS)), KEYS))


@dataclass
class Repeats:
    """What the repeats found so far: per repeat, the grid's best, the random trials' scores in the
    order drawn, and the best of each smaller grid (k = 1 … side)."""

    grid_best: list[float] = field(default_factory=list)
    random_scores: list[list[float]] = field(default_factory=list)
    small_grid_best: list[list[float]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.grid_best)

    def random_best(self) -> np.ndarray:
        return np.array([max(s) for s in self.random_scores])

    def wins(self) -> tuple[int, int, int]:
        """Repeats where random search's best beat the grid's, tied with it, lost to it."""
        g, r = np.asarray(self.grid_best), self.random_best()
        return int((r > g).sum()), int((r == g).sum()), int((r < g).sum())

    def expected_random(self) -> np.ndarray:
        """The mean, over repeats, of the best of the first n random trials (n = 1 … budget)."""
        s = np.asarray(self.random_scores, dtype=float)
        return np.maximum.accumulate(s, axis=1).mean(axis=0) if len(s) else np.empty(0)

    def expected_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """(n, the mean best of a k × k grid) for k = 1 … side."""
        s = np.asarray(self.small_grid_best, dtype=float)
        if not len(s):
            return np.empty(0), np.empty(0)
        k = np.arange(1, s.shape[1] + 1)
        return k * k, s.mean(axis=0)

    def copy(self) -> Repeats:
        return Repeats(list(self.grid_best), [list(s) for s in self.random_scores],
                       [list(s) for s in self.small_grid_best])


def one_repeat(settings: RepeatsSettings, r: int, cancelled: Cancelled, out: Repeats) -> Iterator[None]:
    """Repeat r: both searches and the smaller grids as one sweep, trained from seed + r (weights
    and mini-batches) with the random trials drawn from seed + r; one epoch per unit."""
    space, n, seed = settings.space, settings.budget, settings.seed + r
    grids = [space.search("grid", k * k) for k in range(1, settings.side + 1)]
    randoms = space.search("random", n, seed)
    sweep = Sweep(Objective(epochs=settings.epochs), [p for g in grids for p in g] + randoms, seed=seed)
    while sweep.step(cancelled):
        yield
    if cancelled():
        return
    scores = [t.score for t in sweep.trials]
    bests, at = [], 0
    for g in grids:
        bests.append(max(scores[at:at + len(g)]))
        at += len(g)
    out.grid_best.append(bests[-1])
    out.small_grid_best.append(bests)
    out.random_scores.append(scores[at:])
    yield


class RepeatsLesson(WholeRun):
    """The repeats found so far (``found``, the window's copy). Each Play runs them all anew."""

    Settings = RepeatsSettings
    step_tip = "The repeats run whole: press Play"

    def _start(self) -> None:
        self.found = Repeats()

    def training(self, cancelled: Cancelled = never) -> Training:
        s = self.settings
        out = Repeats()

        def units():
            for r in range(s.repeats):
                yield from one_repeat(s, r, cancelled, out)
                if cancelled():
                    return

        return Training(self.generation, units(), out.copy, lambda: out.count / s.repeats)

    def _apply(self, changes: Repeats) -> None:
        self.found = changes

    @property
    def iteration(self) -> int:
        return self.found.count

    @property
    def done(self) -> bool:
        return self.found.count >= self.settings.repeats

    def end_note(self) -> str:
        win, tie, lose = self.found.wins()
        return (f"{self.found.count} repeats: random search's best beat the grid's in {win}, tied in "
                f"{tie}, lost in {lose}. Play starts over.")
