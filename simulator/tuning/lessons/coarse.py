"""The Coarse-to-fine lesson: a random search over the whole space (round 1), then a box around the
region where the best trials are (dragged, or picked with one click around the best) and a new
round of random trials inside it, and so on. Every round stays in one sweep
(``Sweep.add(..., round=r)``) and on the plot, with its own marker."""

from __future__ import annotations

from typing import Any

from ..space import AXES
from ..sweep import Sweep, ranked
from .settings import SearchSettings
from .sweeps import SweepLesson

BEST_SHARE = 0.2  # "Zoom on the best" draws its box around this share of the trials (at least 3)
MARGIN = 0.05  # and widens it by this much of the last box on each side
SHRINK = 4.0  # each box is at most a quarter of the last one's width on every axis
MAX_ROUNDS = 6


def default_settings() -> SearchSettings:
    return SearchSettings(axes=(AXES["lr"], AXES["beta"]), budget=16)


class CoarseLesson(SweepLesson):
    """One sweep whose trials come in rounds; ``boxes[r]`` is round r's box (round 0: the whole
    space), ``box`` the box the next round will sample (None until one is chosen)."""

    Settings = staticmethod(default_settings)
    labels = ("rounds",)
    step_tip = "Train every trial of the rounds so far one epoch, here"
    reset_tip = "Back to the first round"
    actions = ("zoom_on_best", "resample")

    def _start(self) -> None:
        super()._start()
        self.boxes: list[dict[str, tuple[float, float]]] = [self.full_box()]
        self.box: dict[str, tuple[float, float]] | None = None

    def full_box(self) -> dict[str, tuple[float, float]]:
        return {a.name: (a.low, a.high) for a in self.settings.axes}

    def build(self) -> dict[str, Sweep]:
        s = self.settings
        return {"rounds": Sweep(s.objective, s.space.random(s.budget, s.seed))}

    def configure(self, **changes: Any) -> None:
        """As every lesson's; ``box`` (the box the next round samples, {axis name: (low, high)})
        is checked by the engine."""
        if "box" in changes:
            self.set_box(changes.pop("box"))
        if changes:
            self.adopt(self.settings.replace(**changes))

    def adopt(self, settings: SearchSettings) -> None:
        if settings.replace(run_on="local", address=self.settings.address) != \
                self.settings.replace(run_on="local"):
            self.settings = settings
            self.reset()

    @classmethod
    def from_dict(cls, data: Any) -> CoarseLesson:
        if not isinstance(data, dict):
            raise TypeError(f"the coarse-to-fine settings must be a JSON object, got {type(data).__name__}")
        return cls(SearchSettings.from_dict(data, default_settings()))

    @property
    def rounds(self) -> int:
        return len(self.boxes)

    @property
    def groups(self) -> dict[str, list]:
        """The trials by round ("round 1", "round 2", …)."""
        out: dict[str, list] = {f"round {r + 1}": [] for r in range(self.rounds)}
        for t in self.all_trials():
            out[f"round {t.round + 1}"].append(t)
        return out

    def zoom_on_best(self) -> bool:
        """The box around the best trials so far (the top BEST_SHARE, at least 3), at most a
        quarter of the last box's width on every axis (``SearchSpace.zoom_box``)."""
        trials = [t for t in self.all_trials() if t.epochs > 0]
        if not trials:
            raise ValueError("train the first round before zooming: press Play")
        k = max(3, round(BEST_SHARE * len(trials)))
        self.box = self.settings.space.zoom_box([t.params for t in ranked(trials)[:k]], self.boxes[-1],
                                                SHRINK, MARGIN)
        return False

    def set_box(self, box: dict[str, tuple[float, float]]) -> None:
        """A box dragged on the plot; checked by the engine (a range it refuses raises)."""
        self.settings.space.narrowed(box)
        self.box = {name: (float(lo), float(hi)) for name, (lo, hi) in box.items()}

    def resample(self) -> bool:
        """A new round of random trials inside the box (the next seed), which Play trains. It
        adds to the sweep in place: call it only while no worker trains it (the controller runs
        a lesson's actions once its worker has stopped)."""
        if self.box is None:
            raise ValueError("choose a box first: drag it on the plot or press Zoom on the best")
        if self.rounds >= MAX_ROUNDS:
            raise ValueError(f"at most {MAX_ROUNDS} rounds; press Reset to start over")
        self.ensure()
        s = self.settings
        params = s.space.narrowed(self.box).random(s.budget, s.seed + self.rounds)
        self.sweeps["rounds"].add(params, round=self.rounds)
        self.boxes.append(self.box)
        self.box = None
        self.generation += 1  # what an older run sends no longer holds
        self.receive(self.training().partial())
        return True

    def end_note(self) -> str:
        best = ranked(self.all_trials())[0]
        return (f"Round {self.rounds} is trained: the best so far reaches {best.score:.1%}. Zoom on "
                "the best (or drag the box) and resample inside it.")
