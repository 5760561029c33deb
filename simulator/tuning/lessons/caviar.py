"""The Caviar lesson: many models of one architecture train at once (one ``MLPStack``), each with
its own α drawn on a log scale; every learning curve grows live and the best is highlighted. The
notes' "caviar" strategy, when there is computing power for it. Play trains them in the worker
(an epoch of 256 models takes longer than a frame); the views draw copies of the trials that the
worker's changes keep up to date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ...validation import check_int
from ...work import Cancelled, Training, never
from ..experiment import MAX_SEED
from ..space import Axis, SearchSpace
from ..sweep import Sweep, ranked
from ..trials import MAX_EPOCHS, Objective
from .base import Lesson, check_keys, whole_fields
from .copies import Feed, apply_trials, copy_trial
from .sweeps import fraction_of

MAX_MODELS = 256
KEYS = ("models", "alpha", "epochs", "seed")


def check_alpha(alpha: Any) -> tuple[float, float]:
    """α's range as a (low, high) pair; the axis made from it checks the values."""
    alpha = tuple(alpha)
    if len(alpha) != 2:
        raise ValueError(f"α's range must be [low, high], got {list(alpha)}")
    return alpha


@dataclass(frozen=True)
class CaviarSettings:
    """``models`` networks, α drawn on a log scale in ``alpha``, trained ``epochs`` epochs."""

    models: int = 64
    alpha: tuple[float, float] = (1e-4, 1.0)
    epochs: int = 60
    seed: int = 0

    def __post_init__(self) -> None:
        check_int("number of models", self.models, 1, MAX_MODELS)
        object.__setattr__(self, "alpha", check_alpha(self.alpha))
        self.axis  # noqa: B018 - checks the range
        check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        check_int("seed", self.seed, 0, MAX_SEED)

    @property
    def axis(self) -> Axis:
        return Axis("lr", "log", *self.alpha)

    def replace(self, **changes: Any) -> CaviarSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"models": self.models, "alpha": list(self.alpha), "epochs": self.epochs, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaviarSettings:
        return cls(**whole_fields(dict(check_keys("caviar", data, KEYS)), ("models", "epochs", "seed")))


class CaviarLesson(Lesson):
    """One sweep of ``settings.models`` trials that differ only in α (``sweep``, trained in the
    worker); ``trials["models"]`` are the window's copies."""

    Settings = CaviarSettings
    worker = True
    step_tip = "Train every model one epoch"
    reset_tip = "Start every model over"

    def _start(self) -> None:
        """No sweep until the first unit (``ensure``): loading settings stays cheap."""
        self.sweep: Sweep | None = None
        self.trials: dict[str, list] = {"models": []}
        self._best = (None, None)

    def ensure(self) -> None:
        """The sweep and the window's copies of its trials (at epoch 0)."""
        if self.sweep is None:
            s = self.settings
            params = SearchSpace([s.axis]).random(s.models, s.seed)
            self.sweep = Sweep(Objective(epochs=s.epochs), params)
            self.feed = Feed()
            self.trials = {"models": [copy_trial(t) for t in self.sweep.trials]}
            self.feed.trial_changes(self.sweep.trials)
            self.version += 1

    def training(self, cancelled: Cancelled = never) -> Training:
        self.ensure()
        sweep, feed = self.sweep, self.feed

        def units():
            while not sweep.done:
                sweep.step()  # no cancel here: a paused run goes on at Play
                yield

        return Training(self.generation, units(), lambda: feed.trial_changes(sweep.trials),
                        lambda: fraction_of(sweep.trials))

    def _apply(self, changes: list) -> None:
        apply_trials(self.trials["models"], changes)

    @property
    def iteration(self) -> int:
        return max((t.epochs for t in self.all_trials()), default=0)

    @property
    def done(self) -> bool:
        return self.sweep is not None and not any(t.live for t in self.all_trials())

    def all_trials(self) -> list:
        return self.trials["models"]

    def best(self):
        """The best model so far (None before the first step); ranked once per update of the
        copies, however many views and texts ask."""
        key = (self.generation, self.version)
        if self._best[0] != key:
            trials = self.all_trials()
            self._best = (key, ranked(trials)[0] if trials else None)
        return self._best[1]

    def end_note(self) -> str:
        best = self.best()
        return (f"All {self.settings.models} models have trained {self.settings.epochs} epochs: the "
                f"best reached {best.score:.1%} with α = {best.params['lr']:.3g}. Play starts over.")
