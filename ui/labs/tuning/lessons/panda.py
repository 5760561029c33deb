"""The Panda lesson: one model trains live, and the user changes its α (or β, β2, ε, decay
rate) while it trains (``Sweep.set_params``): its weights and optimizer state stay, its curves go
on, and a mark records each change. The notes' "babysitting one model"."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from simulator.tuning.sweep import Sweep
from simulator.tuning.trials import MAX_EPOCHS, Objective
from simulator.validation import check_choice, check_int

from .base import check_keys
from .search_settings import MAX_SEED
from .sweeps import SweepLesson

TUNABLE = ("lr", "beta", "beta2", "eps", "decay_rate")  # what may change while it trains
KEYS = ("params", "epochs", "seed")


@dataclass(frozen=True)
class PandaSettings:
    """The hyperparameters the model starts with (``params``, axis names), its epochs, its seed."""

    params: tuple[tuple[str, float], ...] = (("lr", 0.003), ("beta", 0.9))
    epochs: int = 300
    seed: int = 0

    def __post_init__(self) -> None:
        params = dict(self.params)
        for name in params:
            check_choice("hyperparameter", name, TUNABLE)
        object.__setattr__(self, "params", tuple(sorted(params.items())))
        check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        check_int("seed", self.seed, 0, MAX_SEED)
        self.objective.config_for(params)  # the engine checks every value

    @property
    def objective(self) -> Objective:
        return Objective(epochs=self.epochs)

    def value(self, name: str) -> float:
        return dict(self.params)[name]

    def with_param(self, name: str, value: float) -> PandaSettings:
        return replace(self, params=tuple({**dict(self.params), name: value}.items()))

    def replace(self, **changes: Any) -> PandaSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"params": dict(self.params), "epochs": self.epochs, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PandaSettings:
        d = dict(check_keys("panda", data, KEYS))
        if "params" in d:
            if not isinstance(d["params"], dict):
                raise TypeError(f"params must be a JSON object, got {d['params']!r}")
            d["params"] = tuple({**dict(cls().params), **d["params"]}.items())
        for key in ("epochs", "seed"):
            if key in d and (isinstance(d[key], bool) or not isinstance(d[key], int)):
                raise TypeError(f"{key} must be a whole number, got {d[key]!r}")
        return cls(**d)


class PandaLesson(SweepLesson):
    """One trial ("panda") whose hyperparameters change while it trains."""

    key = "panda"
    title = "Panda"
    labels = ("panda",)
    copies = False
    step_tip = "Train the model one epoch"
    reset_tip = "Start the model over, with its starting hyperparameters"

    def __init__(self, settings: PandaSettings | None = None) -> None:
        self.settings = settings or PandaSettings()
        super().__init__()

    def build(self) -> dict[str, Sweep]:
        s = self.settings
        return {"panda": Sweep(s.objective, [dict(s.params)], seed=s.seed)}

    @property
    def trial(self):
        """The model (None before the first step)."""
        trials = self.all_trials()
        return trials[0] if trials else None

    def current(self, name: str) -> float:
        """The value in force: the model's own once it trains, else the starting one."""
        t = self.trial
        return t.params[name] if t is not None and name in t.params else self.settings.value(name)

    def change(self, name: str, value: float) -> None:
        """A change while it trains (marked on its curve); before it starts or after it ends, a
        new starting value (the model starts over). ValueError from the engine changes nothing."""
        check_choice("hyperparameter", name, TUNABLE)
        t = self.trial
        if t is not None and t.live and t.epochs > 0:
            self.sweeps["panda"].set_params(0, **{name: float(value)})
            return
        self.adopt(self.settings.with_param(name, float(value)))

    def adopt(self, settings: PandaSettings) -> None:
        if settings != self.settings:
            self.settings = settings
            self.reset()

    def end_note(self) -> str:
        t = self.trial
        why = f" It diverged: {t.reason}." if t.status == "diverged" else ""
        return (f"The model trained {t.epochs} epochs: validation accuracy {t.score:.1%}, "
                f"{len(t.marks)} change(s) on the way.{why} Play starts over.")

    def settings_dict(self) -> dict[str, Any]:
        return self.settings.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PandaLesson:
        return cls(PandaSettings.from_dict(data))
