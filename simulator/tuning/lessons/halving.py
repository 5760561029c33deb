"""The Halving lesson (successive halving): many random trials train briefly, the best third train
longer, and so on until one is left; the budget plot shows the epochs each round spent. It
answers "how much computing power do you have?" (``SuccessiveHalving``, one epoch per unit, run
whole in the worker: Play starts it over)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ...validation import check_int
from ...work import Cancelled, Training, never
from ..experiment import MAX_SEED
from ..halving import Halving, SuccessiveHalving
from ..space import AXES, SearchSpace
from ..trials import Objective
from .base import WholeRun, check_keys, whole_fields
from .copies import copy_trial

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
        return cls(**whole_fields(dict(check_keys("halving", data, KEYS)), KEYS))


class HalvingLesson(WholeRun):
    """The window's copies of the trials so far (``trials``) and, once it is over, the rounds
    (``result``). Each Play runs it whole from the start."""

    Settings = HalvingSettings
    step_tip = "Successive halving runs whole: press Play"

    def _start(self) -> None:
        self.trials: list = []
        self.result: Halving | None = None

    def training(self, cancelled: Cancelled = never) -> Training:
        s = self.settings
        run = SuccessiveHalving(s.space, Objective(), s.trials, s.min_epochs, KEEP, s.seed)

        def units():
            while run.step(cancelled):
                yield

        def changes():
            trials = [copy_trial(t) for t in run.trials]
            return trials, (run.result() if run.done and not run.stopped else None)

        return Training(self.generation, units(), changes,
                        lambda: sum(not t.live for t in run.trials) / max(len(run.trials), 1))

    def _apply(self, changes: tuple) -> None:
        self.trials, result = changes
        if result is not None:
            self.result = Halving(self.trials, result.rounds)

    @property
    def iteration(self) -> int:
        return max((t.epochs for t in self.trials), default=0)

    @property
    def done(self) -> bool:
        return self.result is not None

    def all_trials(self) -> list:
        return self.trials

    def end_note(self) -> str:
        r = self.result
        best = max(r.trials, key=lambda t: (t.status != "diverged", t.score))
        return (f"Successive halving: {len(r.rounds)} rounds, {r.spent} epochs in all; the last trial "
                f"standing reached {best.score:.1%}. Play starts over.")
