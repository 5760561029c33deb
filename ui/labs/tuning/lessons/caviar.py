"""The Caviar lesson: many models of one architecture train at once (one ``MLPStack``), each with
its own α drawn on a log scale; every learning curve grows live and the best is highlighted. The
notes' "caviar" strategy, when there is computing power for it. Play trains them in the worker
(an epoch of 256 models takes longer than a frame), at most ``speed`` epochs a frame; the views
draw copies of the trials that the worker's changes keep up to date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from simulator.tuning.space import Axis, SearchSpace
from simulator.tuning.sweep import Sweep, ranked
from simulator.tuning.trials import MAX_EPOCHS, Objective
from simulator.validation import check_int

from .base import Background, Feed, apply_trials, check_keys
from .search_settings import MAX_SEED
from .sweeps import SweepLesson, copy_trial

MAX_MODELS = 256
KEYS = ("models", "alpha", "epochs", "seed")


@dataclass(frozen=True)
class CaviarSettings:
    """``models`` networks, α drawn on a log scale in ``alpha``, trained ``epochs`` epochs."""

    models: int = 64
    alpha: tuple[float, float] = (1e-4, 1.0)
    epochs: int = 60
    seed: int = 0

    def __post_init__(self) -> None:
        check_int("number of models", self.models, 1, MAX_MODELS)
        object.__setattr__(self, "alpha", tuple(self.alpha))
        if len(self.alpha) != 2:
            raise ValueError(f"α's range must be [low, high], got {list(self.alpha)}")
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
        d = dict(check_keys("caviar", data, KEYS))
        for key in ("models", "epochs", "seed"):
            if key in d and (isinstance(d[key], bool) or not isinstance(d[key], int)):
                raise TypeError(f"{key} must be a whole number, got {d[key]!r}")
        return cls(**d)


class CaviarLesson(Background, SweepLesson):
    """One sweep ("models") of ``settings.models`` trials that differ only in α, trained in the
    worker; ``trials["models"]`` are the window's copies."""

    key = "caviar"
    title = "Caviar"
    labels = ("models",)
    step_tip = "Train every model one epoch"
    reset_tip = "Start every model over"

    def __init__(self, settings: CaviarSettings | None = None) -> None:
        self.settings = settings or CaviarSettings()
        super().__init__()

    def build(self) -> dict[str, Sweep]:
        s = self.settings
        params = SearchSpace([s.axis]).random(s.models, s.seed)
        return {"models": Sweep(Objective(epochs=s.epochs), params)}

    def ensure(self) -> None:
        """The sweep and the window's copies of its trials (at epoch 0)."""
        if not self.sweeps:
            self.sweeps = self.build()
            self.trials = {"models": [copy_trial(t) for t in self.sweeps["models"].trials]}
            self.feed = Feed()
            self.version += 1

    def _trained(self) -> bool:
        return self.sweeps["models"].done

    def _train_epoch(self) -> None:
        self.sweeps["models"].step()  # no cancel here: a paused run goes on at Play

    def _changes(self) -> list:
        return self.feed.trial_changes(self.sweeps["models"].trials)

    def _apply(self, changes: list) -> None:
        apply_trials(self.trials["models"], changes)

    def _fraction(self) -> float:
        return self.fraction()

    def adopt(self, settings: CaviarSettings) -> None:
        if settings != self.settings:
            self.settings = settings
            self.reset()

    def best(self):
        """The best model so far (None before the first step); ranked once per update of the
        copies, however many views and texts ask."""
        key = (self.generation, self.version)
        if getattr(self, "_best", (None, None))[0] != key:
            trials = self.all_trials()
            self._best = (key, ranked(trials)[0] if trials else None)
        return self._best[1]

    def end_note(self) -> str:
        best = self.best()
        return (f"All {self.settings.models} models have trained {self.settings.epochs} epochs: the "
                f"best reached {best.score:.1%} with α = {best.params['lr']:.3g}. Play starts over.")

    def settings_dict(self) -> dict[str, Any]:
        return self.settings.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaviarLesson:
        return cls(CaviarSettings.from_dict(data))
