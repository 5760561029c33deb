"""The optimizer lab's controller: owns the race, the timer and the settings; views subscribe.

Widgets never touch the engine directly. They call the setters here, which validate through the
engine (a bad value raises ValueError there) and either apply the change and emit ``config_changed``
or emit ``error`` with the engine's message and keep the previous state.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from simulator.optimizers import OPTIMIZERS, make_optimizer
from simulator.racing import RUNNING, Race, Racer
from simulator.schedules import SCHEDULES, make_schedule
from simulator.surfaces import SURFACES, Surface, get_surface

from .lab_base import TimedLab

OPTIMIZER_NAMES = list(OPTIMIZERS)  # sgd, momentum, rmsprop, adam
LABELS = {"sgd": "SGD", "momentum": "Momentum", "rmsprop": "RMSprop", "adam": "Adam"}

# The stages of one narrated update, per optimizer.
STAGES = {
    "sgd": ["gradient", "step"],
    "momentum": ["gradient", "first moment", "step"],
    "rmsprop": ["gradient", "second moment", "step"],
    "adam": ["gradient", "first moment", "second moment", "bias correction", "step"],
}

MAX_SPEED = 100


def default_hyper(surface: Surface) -> dict[str, dict[str, Any]]:
    """Every optimizer's hyperparameters: the notes' defaults and the surface's suggested alpha."""
    return {n: {"lr": surface.suggested_lr[n], **cls.defaults} for n, cls in OPTIMIZERS.items()}


@dataclass
class RaceSettings:
    """Everything the user set on the page; saved with presets and restored at start."""

    surface: str = "ravine"
    start: tuple[float, float] | None = None  # None: the surface's own start
    enabled: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(OPTIMIZER_NAMES, True))
    hyper: dict[str, dict[str, Any]] = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: dict[str, float] = field(default_factory=dict)
    noise: float = 0.0
    seed: int = 0
    speed: int = 5
    selected: str = "adam"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = list(self.start) if self.start is not None else None
        return d


class OptimizerLab(TimedLab):
    """Controller of the optimizer page: slots play, pause, step, reset; signals for the views.

    ``stepped``: the race advanced or was reset; ``config_changed``: surface, start or racers
    changed, so everything that depends on them is rebuilt.
    """

    config_changed = Signal()
    narration_changed = Signal()

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent, interval_ms)
        self.settings = RaceSettings()
        self.settings.hyper = default_hyper(self.surface)
        self.narrate = False
        self.narration: dict[str, Any] | None = None
        self._build()

    # -- reading -------------------------------------------------------------------------------

    @property
    def surface(self) -> Surface:
        return get_surface(self.settings.surface)

    @property
    def start(self) -> tuple[float, float]:
        return self.settings.start if self.settings.start is not None else self.surface.start

    @property
    def racers(self) -> dict[str, Racer]:
        return self.race.racers

    @property
    def selected_racer(self) -> Racer | None:
        return self.race.racers.get(self.settings.selected)

    # -- building -----------------------------------------------------------------------------

    def _make_racer(self, name: str, settings: RaceSettings) -> Racer:
        h = dict(settings.hyper[name])
        lr = h.pop("lr")
        surface = get_surface(settings.surface)
        if settings.schedule == "constant":
            rate: Any = lr
        else:
            rate = make_schedule(settings.schedule, lr, **settings.schedule_params)
        opt = make_optimizer(name, rate, **h)
        start = settings.start if settings.start is not None else surface.start
        seed = (int(settings.seed), OPTIMIZER_NAMES.index(name))
        return Racer(surface, opt, start, noise=settings.noise, seed=seed, name=name)

    def _racers_for(self, settings: RaceSettings) -> dict[str, Racer]:
        return {n: self._make_racer(n, settings) for n in OPTIMIZER_NAMES if settings.enabled.get(n)}

    def _build(self) -> None:
        self.race = Race(self.surface, self._racers_for(self.settings))
        self.narration = None
        self._announced: set[str] = set()

    def _apply(self, new: RaceSettings) -> bool:
        """Validate ``new`` by building its racers; adopt it, or report the error and keep the old."""
        try:
            racers = self._racers_for(new)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.settings = new
        self.race = Race(get_surface(new.surface), racers)
        self.narration = None
        self._announced = set()
        self.config_changed.emit()
        self.stepped.emit()
        return True

    def _changed(self, **changes: Any) -> bool:
        new = copy.deepcopy(self.settings)
        for k, v in changes.items():
            setattr(new, k, v)
        return self._apply(new)

    # -- setters (the views call these) ---------------------------------------------------------

    def set_surface(self, name: str) -> bool:
        """Switch surface; start and learning rates go to that surface's own."""
        try:
            surface = get_surface(name)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        hyper = copy.deepcopy(self.settings.hyper)
        for n in OPTIMIZER_NAMES:
            hyper[n]["lr"] = surface.suggested_lr[n]
        return self._changed(surface=name, start=None, hyper=hyper)

    def set_start(self, x: float, y: float) -> bool:
        x0, x1, y0, y1 = self.surface.domain
        if not (np.isfinite(x) and np.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
            self.error.emit(
                f"start ({x:g}, {y:g}) is outside the surface: w1 must be in [{x0:g}, {x1:g}], "
                f"w2 in [{y0:g}, {y1:g}]"
            )
            return False
        return self._changed(start=(float(x), float(y)))

    def set_enabled(self, name: str, on: bool) -> bool:
        enabled = dict(self.settings.enabled)
        enabled[name] = bool(on)
        selected = self.settings.selected
        if not enabled.get(selected):
            selected = next((n for n in OPTIMIZER_NAMES if enabled[n]), selected)
        return self._changed(enabled=enabled, selected=selected)

    def set_hyper(self, name: str, key: str, value: Any) -> bool:
        hyper = copy.deepcopy(self.settings.hyper)
        hyper[name][key] = value
        return self._changed(hyper=hyper)

    def set_schedule(self, name: str, **params: float) -> bool:
        if name not in SCHEDULES:
            self.error.emit(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
            return False
        return self._changed(schedule=name, schedule_params=params)

    def set_noise(self, noise: float) -> bool:
        return self._changed(noise=float(noise))

    def set_seed(self, seed: int) -> bool:
        return self._changed(seed=int(seed))

    def set_speed(self, steps_per_frame: int) -> None:
        """Steps per frame; needs no rebuild."""
        self.settings.speed = int(min(max(steps_per_frame, 1), MAX_SPEED))

    def select(self, name: str) -> None:
        if name in OPTIMIZER_NAMES and name != self.settings.selected:
            self.settings.selected = name
            self.narration = None
            self.narration_changed.emit()
            self.stepped.emit()

    def set_narrate(self, on: bool) -> None:
        self.narrate = bool(on)
        self.narration = None
        if on:
            self.pause()
        self.narration_changed.emit()

    def load(self, data: dict[str, Any]) -> bool:
        """Adopt settings from a preset or saved file; a malformed one changes nothing."""
        try:
            new = settings_from_dict(data)
        except (TypeError, ValueError, KeyError) as exc:
            self.error.emit(f"could not load these settings: {exc}")
            return False
        self.pause()
        return self._apply(new)

    # -- running ------------------------------------------------------------------------------

    def _ready_to_play(self) -> bool:
        if not self.race.running:  # every racer has stopped: play runs the race again
            self.reset()
        self.narration = None
        return True

    @Slot()
    def step(self) -> None:
        """One update of every racer; in narrated mode, one stage of the selected racer's update."""
        self.pause()
        if self.narrate and self.selected_racer is not None:
            self._narrate_next()
            return
        self.race.step(1)
        self._after_steps()

    @Slot()
    def reset(self) -> None:
        self.race.reset(self.start)
        self.narration = None
        self._announced = set()
        self.narration_changed.emit()
        self.stepped.emit()

    def _tick(self) -> None:
        self.race.step(self.settings.speed)
        self._after_steps()
        if not self.race.running:
            self.pause()

    def _after_steps(self) -> None:
        for r in self.race.racers.values():
            if r.status != RUNNING and r.name not in self._announced:
                self._announced.add(r.name)
                label = LABELS[r.name]
                if r.reason:
                    self.message.emit(f"{label} diverged at iteration {r.iteration + 1}: {r.reason}")
                elif r.surface.nearest_minimum(r.w[0], r.w[1]) >= 0:
                    self.message.emit(f"{label} converged at iteration {r.iteration}")
                else:
                    self.message.emit(f"{label} stopped at iteration {r.iteration}: the gradient "
                                      "vanished away from every minimum (a saddle point)")
        self.stepped.emit()

    def _narrate_next(self) -> None:
        """Advance the narrated update by one stage; the last stage ("step") moves every racer."""
        racer = self.selected_racer
        n = self.narration
        if n is None or n["done"]:
            if racer.status != RUNNING:
                self.error.emit(f"{LABELS[racer.name]} has stopped ({racer.status}); press R to reset")
                return
            preview = copy.deepcopy(racer)  # the update computed ahead, shown stage by stage
            preview.step()
            st = preview.optimizer.state.get(0, {})
            self.narration = {
                "stages": STAGES[racer.name],
                "index": 0,
                "done": False,
                "t": preview.optimizer.t,
                "alpha": preview.optimizer.alpha,
                "values": {k: np.array(v, dtype=float) for k, v in st.items()},
                "w": racer.w.copy(),
                "w_next": preview.w.copy(),
            }
        else:
            n["index"] += 1
            if n["stages"][n["index"]] == "step":
                n["done"] = True
                self.race.step(1)
                self._after_steps()
        self.narration_changed.emit()


def settings_from_dict(data: dict[str, Any]) -> RaceSettings:
    """Settings from a dict (a preset or a saved file), checked field by field."""
    if not isinstance(data, dict):
        raise TypeError("expected a JSON object with the race settings")
    s = RaceSettings()
    surface = get_surface(str(data.get("surface", s.surface)))
    s.surface = surface.name
    s.hyper = default_hyper(surface)
    start = data.get("start")
    if start is not None:
        if len(start) != 2:
            raise ValueError(f"start must be [w1, w2], got {start!r}")
        s.start = (float(start[0]), float(start[1]))
    for name, on in dict(data.get("enabled", {})).items():
        if name not in OPTIMIZER_NAMES:
            raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}")
        s.enabled[name] = bool(on)
    for name, h in dict(data.get("hyper", {})).items():
        if name not in OPTIMIZER_NAMES:
            raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}")
        s.hyper[name].update(dict(h))
    s.schedule = str(data.get("schedule", s.schedule))
    if s.schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {s.schedule!r}; choose one of {', '.join(SCHEDULES)}")
    s.schedule_params = {k: float(v) for k, v in dict(data.get("schedule_params", {})).items()}
    s.noise = float(data.get("noise", s.noise))
    s.seed = int(data.get("seed", s.seed))
    s.speed = int(min(max(int(data.get("speed", s.speed)), 1), MAX_SPEED))
    s.selected = str(data.get("selected", s.selected))
    if s.selected not in OPTIMIZER_NAMES:
        raise ValueError(f"unknown optimizer {s.selected!r}")
    return s


__all__ = ["OptimizerLab", "RaceSettings", "settings_from_dict", "OPTIMIZER_NAMES", "LABELS",
           "SURFACES", "SCHEDULES"]
