"""Successive halving, as an engine object that steps: many random trials train briefly, the best
``keep`` of them train longer, and so on until one is left. ``SuccessiveHalving.step()`` trains
one epoch of the round's live trials and, at the round's end, starts the next; ``result()`` gives
every trial and each round's budget. ``successive_halving`` runs it whole."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from ..validation import check_int, check_range
from .space import SearchSpace
from .sweep import Cancelled, Progress, Sweep, ranked
from .trials import MAX_EPOCHS, Objective, Trial


@dataclass
class Rung:
    """One round of successive halving: the trials trained in it, the epochs each has trained by
    its end, the epochs spent in it (summed over its trials) and the trials kept for the next."""

    round: int
    indices: list[int]
    epochs: int
    spent: int
    kept: list[int] = field(default_factory=list)


@dataclass
class Halving:
    """Successive halving's trials and rounds (``spent`` per round: the budget plot)."""

    trials: list[Trial]
    rounds: list[Rung]

    @property
    def spent(self) -> int:
        return sum(r.spent for r in self.rounds)


class SuccessiveHalving:
    """n random trials from ``space`` train ``min_epochs``; the best ``keep`` of them (at least
    one) train until they have trained min_epochs / keep**r epochs in round r, and so on until one
    is left. ``objective.epochs`` is ignored. ``rounds`` holds the rounds ended so far."""

    def __init__(self, space: SearchSpace, objective: Objective, n: int, min_epochs: int,
                 keep: float = 1 / 3, seed: int = 0) -> None:
        n = check_int("n", n, 1, 10_000)
        self.min_epochs = check_int("min_epochs", min_epochs, 1, MAX_EPOCHS)
        # at least 1%: min_epochs / keep**r epochs in round r stay countable
        self.keep = check_range("keep", keep, 0.01, 1.0, high_open=True)
        self.sweep = Sweep(dataclasses.replace(objective, epochs=self.min_epochs), space.random(n, seed))
        self.indices = list(range(n))
        self.rounds: list[Rung] = []
        self.epochs = self.min_epochs
        self.done = False
        self._before = 0  # epochs the round's trials had trained when it began

    @property
    def trials(self) -> list[Trial]:
        return self.sweep.trials

    @property
    def stopped(self) -> bool:
        """Cancelled before its end (a trial is "cancelled")."""
        return any(t.status == "cancelled" for t in self.trials)

    def step(self, cancelled: Cancelled | None = None) -> bool:
        """One epoch of the round's live trials, then the next round if this one has ended; True
        while it goes on. ``cancelled()`` True stops it, the trials not finished "cancelled"."""
        if self.done:
            return False
        self.sweep.step(cancelled)
        if self.sweep.done:
            self._end_round()
        return not self.done

    def _end_round(self) -> None:
        trials, indices = self.trials, self.indices
        rung = Rung(len(self.rounds), indices, self.epochs,
                    sum(trials[i].epochs for i in indices) - self._before)
        self.rounds.append(rung)
        survivors = [t for t in ranked(trials[i] for i in indices) if t.status != "diverged"]
        if len(indices) == 1 or self.stopped or not survivors:
            self.done = True
            return
        rung.kept = [t.index for t in survivors[: max(1, math.floor(len(indices) * self.keep))]]
        self.indices, self._before = rung.kept, sum(trials[i].epochs for i in rung.kept)
        self.epochs = max(self.epochs + 1, round(min(self.min_epochs / self.keep ** len(self.rounds),
                                                     MAX_EPOCHS)))
        self.sweep.extend(self.indices, self.epochs)

    def result(self) -> Halving:
        return Halving(self.trials, self.rounds)


def successive_halving(space: SearchSpace, objective: Objective, n: int, min_epochs: int,
                       keep: float = 1 / 3, seed: int = 0, cancelled: Cancelled | None = None,
                       progress: Progress | None = None) -> Halving:
    """``SuccessiveHalving`` run to its end (or until ``cancelled()``); ``progress(finished,
    total, trials)`` after each epoch."""
    run = SuccessiveHalving(space, objective, n, min_epochs, keep, seed)
    while run.step(cancelled):
        if progress is not None:
            progress(run.sweep.finished, len(run.trials), run.trials)
    if progress is not None:
        progress(run.sweep.finished, len(run.trials), run.trials)
    return run.result()


__all__ = ["Halving", "Rung", "SuccessiveHalving", "successive_halving"]
