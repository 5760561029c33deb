"""The Panda lesson: one model trains live, and the user changes its α (or β, β2, ε, decay
rate) while it trains (``Sweep.set_params``): its weights and optimizer state stay, its curves go
on, and a mark records each change. The notes' "babysitting one model". It trains on the timer,
one epoch per unit, and the views draw its trial itself."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ...validation import check_choice, check_int
from ...work import Cancelled, Training, never
from ..experiment import MAX_SEED
from ..sweep import Sweep
from ..trials import MAX_EPOCHS, Objective
from .base import Lesson, check_keys, whole_fields
from .sweeps import fraction_of

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
        self.objective.settings_for(params)  # the engine checks every value

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
        d = whole_fields(dict(check_keys("panda", data, KEYS)), ("epochs", "seed"))
        if "params" in d:
            if not isinstance(d["params"], dict):
                raise TypeError(f"params must be a JSON object, got {d['params']!r}")
            d["params"] = tuple({**dict(cls().params), **d["params"]}.items())
        return cls(**d)


class PandaLesson(Lesson):
    """One trial (``trial``) whose hyperparameters change while it trains."""

    Settings = PandaSettings
    step_tip = "Train the model one epoch"
    reset_tip = "Start the model over, with its starting hyperparameters"

    def _start(self) -> None:
        """No model until the first unit: loading settings stays cheap."""
        self.sweep: Sweep | None = None

    def training(self, cancelled: Cancelled = never) -> Training:
        if self.sweep is None:
            s = self.settings
            self.sweep = Sweep(s.objective, [dict(s.params)], seed=s.seed)
        sweep = self.sweep

        def units():
            while not sweep.done:
                sweep.step()
                yield

        return Training(self.generation, units(), lambda: None, lambda: fraction_of(sweep.trials))

    @property
    def trial(self):
        """The model (None before the first step)."""
        return self.sweep.trials[0] if self.sweep is not None else None

    def all_trials(self) -> list:
        return [] if self.sweep is None else self.sweep.trials

    @property
    def iteration(self) -> int:
        return 0 if self.trial is None else self.trial.epochs

    @property
    def done(self) -> bool:
        return self.trial is not None and not self.trial.live

    def current(self, name: str) -> float:
        """The value in force: the model's own once it trains, else the starting one."""
        t = self.trial
        return t.params[name] if t is not None and name in t.params else self.settings.value(name)

    def configure(self, **changes: Any) -> None:
        """A hyperparameter (``lr=0.02``) while it trains changes from the next mini-batch on (a
        mark on its curve); before it starts or after it ends, it is a new starting value (the
        model starts over); ``epochs`` and ``seed`` start it over. ValueError changes nothing."""
        tunable = {k: v for k, v in changes.items() if k in TUNABLE}
        rest = {k: v for k, v in changes.items() if k not in TUNABLE}
        t = self.trial
        if tunable and t is not None and t.live and t.epochs > 0 and not rest:
            self.sweep.set_params(0, **{k: float(v) for k, v in tunable.items()})
            return
        settings = self.settings.replace(**rest)
        for name, value in tunable.items():
            settings = settings.with_param(name, float(value))
        self.adopt(settings)

    def end_note(self) -> str:
        t = self.trial
        why = f" It diverged: {t.reason}." if t.status == "diverged" else ""
        return (f"The model trained {t.epochs} epochs: validation accuracy {t.score:.1%}, "
                f"{len(t.marks)} change(s) on the way.{why} Play starts over.")
