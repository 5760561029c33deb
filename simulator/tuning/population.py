"""Population-based training, "many pandas": a population trains at once; at intervals the weakest
members copy the weights of the strongest and perturb their hyperparameters.

The members' α over time (``history``) is the learning-rate schedule the population discovered.
All members share one architecture and mini-batch size (they train as one ``MLPStack``), so only
α, β, β1, β2, ε and the decay rate can be searched this way.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ..validation import check_int, check_range
from .space import LABELS, SearchSpace
from .trials import STRUCTURAL, Objective, StackGroup, Trial

FACTORS = (0.8, 1.25)  # an exploring member's hyperparameter moves by one of these, on its scale


def perturbed(space: SearchSpace, params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """params with each axis's value moved by ×0.8 or ×1.25 on its scale (α itself, 1 − β for
    β), kept inside the axis's range."""
    out = dict(params)
    for axis in space.axes:
        f = FACTORS[int(rng.integers(0, 2))]
        v = float(params[axis.name])
        moved = 1.0 - (1.0 - v) * f if axis.scale == "one_minus_log" else v * f
        out[axis.name] = float(axis.clip(moved))
    return out


class PopulationRecord:
    """What a population has trained: ``members`` (one ``Trial`` each), ``history`` (each
    member's α per epoch), ``events`` (the copies) and ``epoch`` of ``epochs``. A
    ``PopulationTraining`` is one that trains; ``copy()`` makes one that a window may keep up to
    date while the training goes on elsewhere."""

    def __init__(self, members: list[Trial], history: list[list[float]],
                 events: list[tuple[int, int, int]], epoch: int, epochs: int) -> None:
        self.members, self.history, self.events = members, history, events
        self.epoch, self.epochs = epoch, epochs

    @property
    def done(self) -> bool:
        return self.epoch >= self.epochs

    def strength(self) -> np.ndarray:
        """Each member's rank key: its validation accuracy, −1 for a diverged member."""
        return np.array([m.score if m.live else -1.0 for m in self.members])

    def best(self) -> Trial:
        return self.members[int(np.argmax(self.strength()))]

    def copy(self) -> PopulationRecord:
        """A record of its own (the members' curves, the histories and events copied)."""
        return PopulationRecord(copy.deepcopy(self.members), [list(h) for h in self.history],
                                list(self.events), self.epoch, self.epochs)


class PopulationTraining(PopulationRecord):
    """``size`` members drawn at random from ``space`` (seeded) train together, one epoch per
    ``step()``. Every ``interval`` epochs the weakest ``fraction`` (by validation accuracy;
    diverged members first) copy the weights and optimizer state of a member of the strongest
    ``fraction`` (exploit) and take its hyperparameters perturbed (explore, see ``perturbed``).

    ``members``: one ``Trial`` per member; its curves go on through each copy, with a mark there.
    ``history[k]``: member k's α for each epoch trained (index e: the α of epoch e + 1, after
    decay; 0 while it is diverged).
    ``events``: (epoch, weak member, strong member) for each copy.
    """

    def __init__(self, objective: Objective, space: SearchSpace, size: int, interval: int,
                 seed: int = 0, fraction: float = 0.25) -> None:
        self.objective, self.space = objective, space
        self.size, self.interval, self.fraction, self.seed = self.check(space, size, interval,
                                                                        fraction, seed)
        params = space.random(self.size, self.seed)
        self.group = StackGroup(objective, [objective.settings_for(p) for p in params],
                                list(range(self.size)))
        members = [Trial(k, p, budget=objective.epochs) for k, p in enumerate(params)]
        for k, m in enumerate(members):
            m.record({key: v[k] for key, v in self.group.first.items()})
        super().__init__(members, [[] for _ in range(self.size)], [], 0, objective.epochs)
        self._rng = np.random.default_rng([self.seed, 1])

    @staticmethod
    def check(space: SearchSpace, size: int, interval: int, fraction: float = 0.25, seed: int = 0
              ) -> tuple[int, int, float, int]:
        """The size, interval, fraction and seed as numbers, or a ValueError naming the first
        argument a population cannot take (nothing is built: a lesson's settings check themselves
        with this)."""
        structural = [n for n in space.names if n in STRUCTURAL]
        if structural:
            raise ValueError(f"{LABELS[structural[0]]} cannot change within a population; "
                             "search it with a sweep")
        return (check_int("population size", size, 2, 1024), check_int("interval", interval, 1, None),
                check_range("fraction", fraction, 0.0, 0.5, low_open=True),
                check_int("seed", seed, 0, None))

    def step(self) -> bool:
        """One epoch for every member, then exploit and explore if an interval has passed. True
        while the population has epochs left (``objective.epochs``)."""
        if self.done:
            return False
        lrs = self.group.rate(self.epoch + 1)[:, 0].copy()
        values = self.group.run_epoch()
        self.epoch = self.group.epoch
        for k, m in enumerate(self.members):  # a diverged member records its last good weights'
            self.history[k].append(float(lrs[k]))
            if k in self.group.reasons:
                m.status, m.reason = "diverged", self.group.reasons[k]
            m.record({key: v[k] for key, v in values.items()})
        self.group.reasons.clear()
        if self.epoch % self.interval == 0 and not self.done:
            self.exploit()
        if self.done:
            for m in self.members:
                m.status = "done" if m.live else m.status
        return not self.done

    def exploit(self) -> list[tuple[int, int]]:
        """The weakest copy the strongest: (weak, strong) pairs, also added to ``events``."""
        n = max(1, int(self.size * self.fraction))  # at most half: the two ends never meet
        order = np.argsort(-self.strength(), kind="stable")  # strongest first
        strong, weak = order[:n], order[-n:]
        pairs = []
        for w in weak:
            s = int(strong[self._rng.integers(0, n)])
            self.group.copy_row(s, int(w))
            new = perturbed(self.space, self.members[s].params, self._rng)
            for name, value in new.items():
                self.group.set_hyper(int(w), name, value)
            self._adopt(int(w), s, new)
            pairs.append((int(w), s))
        return pairs

    def _adopt(self, w: int, s: int, params: dict[str, Any]) -> None:
        member = self.members[w]
        member.params = params
        member.status, member.reason = "running", ""
        member.marks.append((self.epoch, {"copied from": s, **params}))
        self.events.append((self.epoch, w, s))

    def weights(self, k: int) -> np.ndarray:
        """Member k's weights, flat (a copy)."""
        return self.group.stack.theta[k].copy()


__all__ = ["FACTORS", "PopulationRecord", "PopulationTraining", "perturbed"]
