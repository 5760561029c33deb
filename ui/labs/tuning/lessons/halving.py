"""The Halving lesson (successive halving): many random trials train briefly, the best third train
longer, and so on until one is left; the budget plot shows the epochs each round spent. It
answers "how much computing power do you have?" (``simulator.tuning.successive_halving``, run
whole in the worker; partial results after each epoch)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from simulator.tuning.space import AXES, SearchSpace
from simulator.tuning.sweep import Halving, successive_halving
from simulator.tuning.trials import Objective
from simulator.validation import check_int

from .base import Lesson, check_keys
from .search_settings import MAX_SEED
from .sweeps import Cancelled, Report, copy_trial

KEYS = ("trials", "min_epochs", "seed")
KEEP = 1 / 3


@dataclass(frozen=True)
class HalvingSettings:
    """``trials`` random trials over α and β, ``min_epochs`` in the first round, the best third
    kept each round."""

    trials: int = 27
    min_epochs: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        check_int("trials", self.trials, 1, 729)
        check_int("epochs of the first round", self.min_epochs, 1, 100)
        check_int("seed", self.seed, 0, MAX_SEED)

    @property
    def space(self) -> SearchSpace:
        return SearchSpace([AXES["lr"], AXES["beta"]])

    def replace(self, **changes: Any) -> HalvingSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"trials": self.trials, "min_epochs": self.min_epochs, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HalvingSettings:
        d = dict(check_keys("halving", data, KEYS))
        for key, v in d.items():
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{key} must be a whole number, got {v!r}")
        return cls(**d)


class HalvingLesson(Lesson):
    """The trials so far (``trials``, a copy) and, once it is over, the rounds (``result``)."""

    key = "halving"
    title = "Halving"
    worker = True
    interval_ms = 50
    unit = "epochs"
    step_tip = "Successive halving runs whole: press Play"
    reset_tip = "Start over"

    def __init__(self, settings: HalvingSettings | None = None) -> None:
        self.settings = settings or HalvingSettings()
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        self.generation += 1
        self.trials: list = []
        self.result: Halving | None = None
        self._final: Halving | None = None
        self.progress = 0.0

    def adopt(self, settings: HalvingSettings) -> None:
        if settings != self.settings:
            self.settings = settings
            self.reset()

    @property
    def iteration(self) -> int:
        return max((t.epochs for t in self.trials), default=0)

    @property
    def done(self) -> bool:
        return self.result is not None

    def ensure(self) -> None:
        """Nothing to make before the worker starts."""

    def advance(self, k: int) -> None:
        raise ValueError("successive halving runs as a whole: press Play")

    def work(self, report: Report, cancelled: Cancelled) -> Any:
        """The whole of successive halving, a copy of the trials after each epoch."""
        generation, s = self.generation, self.settings

        def progress(finished: int, total: int, trials: list) -> None:
            report(finished / max(total, 1), (generation, [copy_trial(t) for t in trials]))

        self._final = successive_halving(s.space, Objective(), s.trials, s.min_epochs, KEEP, s.seed,
                                         cancelled, progress)
        return generation

    def receive(self, partial: tuple[int, list]) -> bool:
        generation, trials = partial
        if generation != self.generation:
            return False
        self.trials = trials
        self.progress = sum(not t.live for t in trials) / max(len(trials), 1)
        return True

    def finish(self) -> None:
        """The worker stopped: the rounds, if it got to the end."""
        final = self._final
        if final is not None and not any(t.status == "cancelled" for t in final.trials):
            self.result = final
            self.trials = final.trials
            self.progress = 1.0

    def all_trials(self) -> list:
        return self.trials

    def where(self) -> str:
        return "this computer"

    def end_note(self) -> str:
        r = self.result
        best = max(r.trials, key=lambda t: (t.status != "diverged", t.score))
        return (f"Successive halving: {len(r.rounds)} rounds, {r.spent} epochs in all; the last trial "
                f"standing reached {best.score:.1%}. Play starts over.")

    def settings_dict(self) -> dict[str, Any]:
        return self.settings.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HalvingLesson:
        return cls(HalvingSettings.from_dict(data))
