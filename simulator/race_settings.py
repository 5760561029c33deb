"""The optimizer lab's settings: the surface, the start, which racers run with which
hyperparameters, the learning-rate decay and the mini-batch noise.

``RaceSettings`` is what a preset or a saved session holds (``to_dict``/``from_dict``, the JSON of
earlier versions unchanged: ``"surface": "ravine"``). ``build_race`` is the one place where
settings become racers: each racer's optimizer comes from its ``OptimizerSpec`` (``optimizer_spec``),
so a bad value raises ValueError there, naming the value and its range, before anything changes.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .optimizers import OPTIMIZERS
from .racing import Race, Racer
from .schedules import SCHEDULES
from .specs import OptimizerSpec, SurfaceSpec
from .surfaces import Surface
from .validation import check_choice, check_int, check_range

OPTIMIZER_NAMES = tuple(OPTIMIZERS)  # sgd, momentum, rmsprop, adam: the racers, in order


def default_hyper(surface: Surface) -> dict[str, dict[str, Any]]:
    """Every optimizer's hyperparameters: the notes' defaults and the surface's suggested α."""
    return {n: {"lr": surface.suggested_lr[n], **cls.defaults} for n, cls in OPTIMIZERS.items()}


def check_optimizer(name: Any) -> str:
    """``name`` if it names one of the racers, else ValueError listing them."""
    check_choice("optimizer", name, OPTIMIZER_NAMES)
    return name


@dataclass
class RaceSettings:
    """Everything the user sets in the optimizer lab but the speed (the controller's)."""

    surface: SurfaceSpec = field(default_factory=SurfaceSpec)
    start: tuple[float, float] | None = None  # None: the surface's own start
    enabled: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(OPTIMIZER_NAMES, True))
    hyper: dict[str, dict[str, Any]] = field(default_factory=dict)  # per optimizer, with "lr"
    schedule: str = "constant"
    schedule_params: dict[str, float] = field(default_factory=dict)
    noise: float = 0.0
    seed: int = 0
    selected: str = "adam"  # the racer the explanation, the arrows and the basin map follow

    def __post_init__(self) -> None:
        if not self.hyper:
            self.hyper = default_hyper(self.surface.build())

    def changed(self, **changes: Any) -> RaceSettings:
        """A copy with ``changes`` (checked when ``build_race`` builds it)."""
        new = copy.deepcopy(self)
        for key, value in changes.items():
            if not hasattr(new, key):
                raise ValueError(f"no race setting {key!r}")
            setattr(new, key, value)
        return new

    def with_surface(self, spec: SurfaceSpec) -> RaceSettings:
        """On a new surface: its own start and its suggested learning rates, the rest kept."""
        surface = spec.build()
        hyper = copy.deepcopy(self.hyper)
        for name in OPTIMIZER_NAMES:
            hyper[name]["lr"] = surface.suggested_lr[name]
        return self.changed(surface=spec, start=None, hyper=hyper)

    def with_hyper(self, name: str, key: str, value: Any) -> RaceSettings:
        hyper = copy.deepcopy(self.hyper)
        hyper[check_optimizer(name)][key] = value
        return self.changed(hyper=hyper)

    def with_enabled(self, name: str, on: bool) -> RaceSettings:
        """One racer on or off; the explained racer moves to the first one left if it went off."""
        enabled = dict(self.enabled)
        enabled[check_optimizer(name)] = bool(on)
        selected = self.selected
        if not enabled.get(selected):
            selected = next((n for n in OPTIMIZER_NAMES if enabled[n]), selected)
        return self.changed(enabled=enabled, selected=selected)

    def optimizer_spec(self, name: str) -> OptimizerSpec:
        """Racer ``name``'s optimizer: its α and hyperparameters, and the shared decay."""
        hyper = dict(self.hyper[check_optimizer(name)])
        lr = hyper.pop("lr")
        return OptimizerSpec(name, lr, hyper, self.schedule, self.schedule_params)

    def start_point(self, surface: Surface) -> tuple[float, float]:
        return self.start if self.start is not None else surface.start

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, in the format presets and sessions have always used."""
        d = asdict(self)
        d["surface"] = self.surface.name
        d["start"] = list(self.start) if self.start is not None else None
        return d

    @classmethod
    def from_dict(cls, data: Any) -> RaceSettings:
        """Settings from a preset or a saved file, checked field by field (ValueError or
        TypeError naming what is wrong; keys left out take their defaults)."""
        if not isinstance(data, dict):
            raise TypeError("expected a JSON object with the race settings")
        spec = SurfaceSpec(str(data.get("surface", SurfaceSpec().name)))
        s = cls(surface=spec, hyper=default_hyper(spec.build()))
        start = data.get("start")
        if start is not None:
            if len(start) != 2:
                raise ValueError(f"start must be [w1, w2], got {start!r}")
            s.start = (float(start[0]), float(start[1]))
        for name, on in dict(data.get("enabled", {})).items():
            s.enabled[check_optimizer(name)] = bool(on)
        for name, h in dict(data.get("hyper", {})).items():
            s.hyper[check_optimizer(name)].update(dict(h))
        s.schedule = check_choice("schedule", str(data.get("schedule", s.schedule)), SCHEDULES)
        s.schedule_params = {k: float(v) for k, v in dict(data.get("schedule_params", {})).items()}
        s.noise = float(data.get("noise", s.noise))
        s.seed = int(data.get("seed", s.seed))
        s.selected = str(data.get("selected", s.selected))
        if s.selected not in OPTIMIZER_NAMES:
            raise ValueError(f"unknown optimizer {s.selected!r}")
        return s


def build_race(settings: RaceSettings, surface: Surface | None = None) -> Race:
    """The enabled racers on the settings' surface (built here unless given), each with its own
    noise stream; ValueError naming a bad value and its range."""
    check_choice("schedule", settings.schedule, SCHEDULES)  # here too when no racer is enabled
    check_range("noise", settings.noise, low=0.0)
    check_int("seed", settings.seed, 0, None)
    surface = settings.surface.build() if surface is None else surface
    start = check_start(surface, *settings.start_point(surface))
    racers = {}
    for i, name in enumerate(OPTIMIZER_NAMES):
        if settings.enabled.get(name):
            opt = settings.optimizer_spec(name).build()
            racers[name] = Racer(surface, opt, start, noise=settings.noise,
                                 seed=(int(settings.seed), i), name=name)
    return Race(surface, racers)


def check_start(surface: Surface, x: float, y: float) -> tuple[float, float]:
    """A start point inside the surface's domain, else ValueError naming the ranges."""
    x0, x1, y0, y1 = surface.domain
    if not (np.isfinite(x) and np.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
        raise ValueError(f"start ({x:g}, {y:g}) is outside the surface: w1 must be in "
                         f"[{x0:g}, {x1:g}], w2 in [{y0:g}, {y1:g}]")
    return float(x), float(y)


def alpha_curve(spec: OptimizerSpec, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """α_t for t = 1 … iterations under the spec's decay (α itself where the decay's settings are
    invalid): the curve of the lab's α_t plot."""
    t = np.arange(1, int(iterations) + 1)
    try:
        rate = spec.learning_rate()
    except ValueError:
        rate = spec.lr
    alpha = rate(t) if callable(rate) else np.full(len(t), float(rate))
    return t, np.asarray(alpha, dtype=float)


__all__ = ["RaceSettings", "OPTIMIZER_NAMES", "default_hyper", "build_race", "check_start",
           "check_optimizer", "alpha_curve"]
