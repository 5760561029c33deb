"""The Re-test lesson: the notes' "re-test hyperparameters occasionally", measured. The same grid
over α is searched twice at equal settings, on the data as it was (300 points) and after it grew
(``growth`` times as many): each epoch is then that many more mini-batches, and the α that was
best overshoots. ``retest`` compares the best α found before with the best after, and scores
the old best on the new data: the re-run the notes ask for."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ...validation import check_int
from ..experiment import MAX_SEED
from ..space import Axis, SearchSpace
from ..sweep import Sweep, Trial
from ..trials import Objective, default_base
from .base import check_keys, whole_fields
from .sweeps import SweepLesson

KEYS = ("grid", "growth", "epochs", "seed")
LABELS = ("before", "after")  # the search on the data as it was, and after it grew
ALPHA = Axis("lr", "log", 1e-3, 1.0)
GOOD = 0.02  # a trial within 2 points of the best accuracy counts as "good"


@dataclass(frozen=True)
class RetestSettings:
    """A grid of ``grid`` α values, each trained ``epochs`` epochs on the data before and after
    it grew ``growth`` times, from ``seed`` (the data's and the weights')."""

    grid: int = 13
    growth: int = 10
    epochs: int = 20
    seed: int = 0

    def __post_init__(self) -> None:
        check_int("grid", self.grid, 3, 40)
        check_int("growth", self.growth, 2, 20)
        check_int("epochs", self.epochs, 1, 200)
        check_int("seed", self.seed, 0, MAX_SEED)

    def objective(self, label: str) -> Objective:
        base = default_base().replace(seed=self.seed, data_seed=self.seed)
        if label == "after":
            base = base.replace(n=base.n * self.growth)
        return Objective(base=base, epochs=self.epochs)

    @property
    def points(self) -> dict[str, int]:
        """The data set's size before and after."""
        return {label: self.objective(label).base.n for label in LABELS}

    def params(self) -> list[dict[str, Any]]:
        return SearchSpace((ALPHA,)).grid(self.grid)

    def replace(self, **changes: Any) -> RetestSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in KEYS}

    @classmethod
    def from_dict(cls, data: dict[str, Any], default: RetestSettings | None = None) -> RetestSettings:
        whole_fields(check_keys("re-test", data, KEYS), KEYS)
        return replace(default or cls(), **data)


@dataclass(frozen=True)
class Retest:
    """What the two searches found: each one's best α and score, the α range within ``GOOD`` of
    its best (``good``: low, high, and its centre on the log scale), and the old best α's score
    on the new data (``old_after``)."""

    best: dict[str, tuple[float, float]]
    good: dict[str, tuple[float, float, float]]
    old_after: float

    @property
    def moved(self) -> float:
        """How many times lower the good range reaches after than before (its low end: the
        centre and the best alone move by the noise of one run as much as by the data)."""
        return self.good["before"][0] / self.good["after"][0]

    @property
    def lost(self) -> float:
        """Accuracy the old best α gives up on the new data against the new best."""
        return self.best["after"][1] - self.old_after


def retest(groups: dict[str, list[Trial]]) -> Retest | None:
    """The comparison, once both searches have every trial scored (None before)."""
    scored = {label: {t.params["lr"]: t.score for t in groups.get(label, [])
                      if t.status in ("done", "diverged")} for label in LABELS}
    if any(len(scored[label]) != len(groups.get(label, [])) or not scored[label] for label in LABELS):
        return None
    best, good = {}, {}
    for label, scores in scored.items():
        alpha = max(scores, key=scores.get)
        best[label] = (alpha, scores[alpha])
        near = [a for a, s in scores.items() if s >= scores[alpha] - GOOD]
        good[label] = (min(near), max(near), math.exp(float(np.mean(np.log(near)))))
    return Retest(best, good, scored["after"][best["before"][0]])


class RetestLesson(SweepLesson):
    """Two sweeps over the same α grid: ``before`` on the data as it was, ``after`` on the data
    grown ``growth`` times."""

    Settings = RetestSettings
    labels = LABELS
    step_tip = "Train every α of both searches one epoch, here"
    reset_tip = "Start both searches over"

    def build(self) -> dict[str, Sweep]:
        s = self.settings
        return {label: Sweep(s.objective(label), s.params()) for label in LABELS}

    @property
    def result(self) -> Retest | None:
        return retest(self.trials)

    def end_note(self) -> str:
        r = self.result
        if r is None:
            return "Both searches are done. Play starts over."
        return (f"Both searches are done: the best α was {r.best['before'][0]:.2g} on the old data, "
                f"{r.best['after'][0]:.2g} on the new. Play starts over.")


__all__ = ["GOOD", "LABELS", "Retest", "RetestLesson", "RetestSettings", "retest"]
