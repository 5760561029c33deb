"""The Population lesson ("many pandas", population-based training): a population trains at once;
every few epochs the weakest copy the weights of the strongest and perturb their α. Each
member's α over the epochs is the learning-rate schedule the population found
(``PopulationTraining``). Play trains it in the worker; the views draw a copy (``pbt``) that the
worker's changes keep up to date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ...validation import check_int
from ...work import Cancelled, Training, never
from ..experiment import MAX_SEED
from ..population import PopulationRecord, PopulationTraining
from ..space import Axis, SearchSpace
from ..trials import MAX_EPOCHS, Objective
from .base import Lesson, check_keys, whole_fields
from .caviar import check_alpha
from .copies import Feed, apply_tails, apply_trials

KEYS = ("size", "interval", "alpha", "epochs", "seed")


@dataclass(frozen=True)
class PopulationSettings:
    """``size`` members, α drawn on a log scale in ``alpha``, exploit/explore every ``interval``
    epochs, ``epochs`` in all."""

    size: int = 16
    interval: int = 5
    alpha: tuple[float, float] = (1e-4, 1.0)
    epochs: int = 60
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", check_alpha(self.alpha))
        check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        check_int("seed", self.seed, 0, MAX_SEED)
        PopulationTraining.check(SearchSpace([self.axis]), self.size, self.interval)  # as build() would

    @property
    def axis(self) -> Axis:
        return Axis("lr", "log", *self.alpha)

    def build(self) -> PopulationTraining:
        return PopulationTraining(Objective(epochs=self.epochs), SearchSpace([self.axis]), self.size,
                                  self.interval, self.seed)

    def replace(self, **changes: Any) -> PopulationSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "interval": self.interval, "alpha": list(self.alpha),
                "epochs": self.epochs, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PopulationSettings:
        return cls(**whole_fields(dict(check_keys("population", data, KEYS)),
                                 ("size", "interval", "epochs", "seed")))


class PopulationLesson(Lesson):
    """The population (``population``, trained in the worker), the window's copy of what it has
    trained (``pbt``, a ``PopulationRecord``) and the settings."""

    Settings = PopulationSettings
    worker = True
    step_tip = "Train every member one epoch (and exploit and explore when it is time)"
    reset_tip = "A new population from the seed"

    def _start(self) -> None:
        self.population = self.settings.build()
        self.pbt: PopulationRecord = self.population.copy()
        self.feed = Feed()
        self.feed.trial_changes(self.population.members)
        self.feed.tails("history", self.population.history)
        self.feed.tails("events", [self.population.events])

    def training(self, cancelled: Cancelled = never) -> Training:
        population, feed = self.population, self.feed

        def units():
            while not population.done:
                population.step()
                yield

        def changes() -> tuple:
            return (population.epoch, feed.trial_changes(population.members),
                    feed.tails("history", population.history), feed.tails("events", [population.events]))

        return Training(self.generation, units(), changes,
                        lambda: population.epoch / max(population.epochs, 1))

    def _apply(self, changes: tuple) -> None:
        epoch, members, history, events = changes
        apply_trials(self.pbt.members, members)
        apply_tails(self.pbt.history, history)
        apply_tails([self.pbt.events], events)
        self.pbt.epoch = epoch

    @property
    def iteration(self) -> int:
        return self.pbt.epoch

    @property
    def done(self) -> bool:
        return self.pbt.done

    def all_trials(self) -> list:
        return self.pbt.members

    def end_note(self) -> str:
        best = self.pbt.best()
        return (f"The population trained {self.pbt.epoch} epochs with {len(self.pbt.events)} copies: "
                f"the best member reached {best.score:.1%}. Play starts over.")
