"""The Population lesson ("many pandas", population-based training): a population trains at once;
every few epochs the weakest copy the weights of the strongest and perturb their α. Each
member's α over the epochs is the learning-rate schedule the population found
(``simulator.tuning.PopulationTraining``). Play trains it in the worker, at most ``speed``
epochs a frame; the views draw a copy (``pbt``) that the worker's changes keep up to date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from simulator.tuning.population import PopulationRecord, PopulationTraining
from simulator.tuning.space import Axis, SearchSpace
from simulator.tuning.trials import MAX_EPOCHS, Objective
from simulator.validation import check_int

from .base import Background, Feed, Lesson, apply_tails, apply_trials, check_keys
from .search_settings import MAX_SEED

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
        object.__setattr__(self, "alpha", tuple(self.alpha))
        if len(self.alpha) != 2:
            raise ValueError(f"α's range must be [low, high], got {list(self.alpha)}")
        check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        check_int("seed", self.seed, 0, MAX_SEED)
        self.build()  # the engine checks the size, the interval and α's range

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
        d = dict(check_keys("population", data, KEYS))
        for key in ("size", "interval", "epochs", "seed"):
            if key in d and (isinstance(d[key], bool) or not isinstance(d[key], int)):
                raise TypeError(f"{key} must be a whole number, got {d[key]!r}")
        return cls(**d)


class PopulationLesson(Background, Lesson):
    """The population (``training``, trained in the worker), the window's copy of what it has
    trained (``pbt``, a ``PopulationRecord``) and the settings."""

    key = "population"
    title = "Population"
    unit = "epochs"
    step_tip = "Train every member one epoch (and exploit and explore when it is time)"
    reset_tip = "A new population from the seed"

    def __init__(self, settings: PopulationSettings | None = None) -> None:
        self.settings = settings or PopulationSettings()
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        self.generation += 1
        self.training = self.settings.build()
        self.pbt: PopulationRecord = self.training.copy()
        self.feed = Feed()
        self.progress = 0.0

    def ensure(self) -> None:
        """Made with the settings: nothing to make before the worker starts."""

    def _trained(self) -> bool:
        return self.training.done

    def _train_epoch(self) -> None:
        self.training.step()

    def _changes(self) -> tuple:
        t, feed = self.training, self.feed
        return (t.epoch, feed.trial_changes(t.members), feed.tails("history", t.history),
                feed.tails("events", [t.events]))

    def _apply(self, changes: tuple) -> None:
        epoch, members, history, events = changes
        apply_trials(self.pbt.members, members)
        apply_tails(self.pbt.history, history)
        apply_tails([self.pbt.events], events)
        self.pbt.epoch = epoch

    def _fraction(self) -> float:
        return self.training.epoch / max(self.training.epochs, 1)

    def adopt(self, settings: PopulationSettings) -> None:
        if settings != self.settings:
            self.settings = settings
            self.reset()

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

    def settings_dict(self) -> dict[str, Any]:
        return self.settings.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PopulationLesson:
        return cls(PopulationSettings.from_dict(data))
