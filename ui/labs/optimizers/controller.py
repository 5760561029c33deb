"""The optimizer lab's controller: owns the race, the timer, the settings and the two maps.

Widgets never touch the engine. They call the setters here, which build the new race through the
engine (a bad value raises ValueError there) and adopt it, or report the engine's message and keep
everything as it was (``LabController.change``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from simulator.claims import Verdict
from simulator.claims.optimizers import CLAIMS, RaceRun, ready
from simulator.race_settings import RaceSettings, build_race, check_optimizer, check_start
from simulator.racing import (
    RUNNING,
    Racer,
    basin_map,
    basin_shares,
    best_pair,
    momentum_axes,
    momentum_rate_map,
    narrate,
)
from simulator.specs import OptimizerSpec, SurfaceSpec
from simulator.surfaces import Surface
from ui.framework.controller import LabController
from ui.session import check_limits

from .explain import stop_message

BETA_MAX = 0.999  # the highest β a click on the momentum map sets


@dataclass(frozen=True)
class MomentumMap:
    """Momentum's convergence rate per (β, α) on one surface from one start (``rates[ib, ia]``),
    the grid's axes, and the best pair (α, β, rate)."""

    alphas: np.ndarray
    betas: np.ndarray
    rates: np.ndarray
    surface: Surface
    start: tuple[float, float]
    log_beta: bool
    best: tuple[float, float, float]


@dataclass(frozen=True)
class BasinResult:
    """A finished basin map: labels per start [iy, ix], on which surface, for which racer, and
    the share of the starts that reach each minimum (or diverge, or keep moving)."""

    labels: np.ndarray
    surface: Surface
    optimizer: str
    shares: dict[int, float]


class OptimizerController(LabController):
    """SGD, momentum, RMSprop and Adam racing on one surface from one start.

    ``narration_changed``: a narrated update moved to its next stage (or was dropped).
    ``basin_changed``: the basin map started, finished or was cleared; ``basin_progress`` (0..1)
    while it is computed in the worker. ``momentum_changed``: a momentum map asked for by
    ``request_momentum_map`` is there (or failed), computed in a worker of its own.
    """

    key = "optimizers"
    MAX_SPEED = 100
    DEFAULT_SPEED = 5
    # Engine time per playing frame at the "max" notch. The redraw (paths, loss curves, arrows,
    # heads, text) takes most of a frame in a fullscreen window, so the steps get 5 ms of the
    # 16.7 ms, not the framework's 8 (``benchmarks/soak.py --budget --pages optimizers``).
    FRAME_BUDGET = 0.005

    narration_changed = Signal()
    PRESET_ACTIONS = ("compute_basin_map",)

    basin_changed = Signal()
    basin_progress = Signal(float)
    momentum_changed = Signal()

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent, interval_ms)
        self.settings = RaceSettings()
        self.surface: Surface = self.settings.surface.build()
        self.race = build_race(self.settings, self.surface)
        self.narrate = False
        self.narration: dict[str, Any] | None = None
        self.basin: BasinResult | None = None
        self._momentum_maps: dict[tuple, MomentumMap] = {}
        self._momentum_wanted: tuple | None = None  # the map being computed in the worker
        self._announced: set[str] = set()

    # -- reading -------------------------------------------------------------------------------

    @property
    def start(self) -> tuple[float, float]:
        return self.settings.start_point(self.surface)

    @property
    def racers(self) -> dict[str, Racer]:
        return self.race.racers

    @property
    def selected_racer(self) -> Racer | None:
        return self.race.racers.get(self.settings.selected)

    @property
    def selected_spec(self) -> OptimizerSpec:
        """The explained racer's optimizer, as its settings describe it."""
        return self.settings.optimizer_spec(self.settings.selected)

    @property
    def iteration(self) -> int:
        return self.race.iteration

    # -- settings ------------------------------------------------------------------------------

    def _adopt(self, new: RaceSettings) -> None:
        """Build ``new``'s race (ValueError: nothing changes), then make it the lab's."""
        same = new.surface == self.settings.surface
        surface = self.surface if same else new.surface.build()
        race = build_race(new, surface)
        self.settings, self.surface, self.race = new, surface, race
        self.narration = None
        self._announced = set()
        if not same:
            self._clear_basin()

    def set_surface(self, name: str) -> bool:
        """Switch surface; the start and the learning rates go to that surface's own."""
        return self.change(lambda: self._adopt(self.settings.with_surface(SurfaceSpec(str(name)))))

    def set_formula(self, text: str, domain: tuple[float, float, float, float]) -> bool:
        """Switch to a typed surface f(x, y) over ``domain`` (xmin, xmax, ymin, ymax); the
        parser's message if the engine refuses it (see ``simulator.typed_surface``)."""
        return self.change(lambda: self._adopt(self.settings.with_surface(
            SurfaceSpec("formula", text, tuple(domain)))))

    def set_start(self, x: float, y: float) -> bool:
        return self.change(lambda: self._adopt(
            self.settings.replace(start=check_start(self.surface, x, y))))

    def set_enabled(self, name: str, on: bool) -> bool:
        return self.change(lambda: self._adopt(self.settings.with_enabled(name, on)))

    def set_hyper(self, name: str, key: str, value: Any) -> bool:
        return self.change(lambda: self._adopt(self.settings.with_hyper(name, key, value)))

    def set_momentum_pair(self, alpha: float, beta: float) -> bool:
        """The Momentum racer's (α, β), kept inside the momentum map's α range and β in
        [0, ``BETA_MAX``] (a click on the map)."""
        alphas, _ = momentum_axes(self.surface)
        a = float(f"{float(np.clip(alpha, alphas[0], alphas[-1])):.5g}")
        b = round(float(np.clip(beta, 0.0, BETA_MAX)), 4)
        return self.change(lambda: self._adopt(
            self.settings.with_hyper("momentum", "lr", a).with_hyper("momentum", "beta", b)))

    def set_twin(self, slot: int, of: str | None, key: str | None = None, value: Any = None) -> bool:
        """A/B twin number ``slot`` (0 or 1): racer ``of`` again with ``key`` set to ``value``
        (``of`` None or "": the twin removed)."""
        twin = {"of": of, "key": key, "value": value} if of else None
        return self.change(lambda: self._adopt(self.settings.with_twin(int(slot), twin)))

    def set_schedule(self, name: str, **params: float) -> bool:
        return self.change(lambda: self._adopt(
            self.settings.replace(schedule=str(name), schedule_params=dict(params))))

    def set_noise(self, noise: float) -> bool:
        return self.change(lambda: self._adopt(self.settings.replace(noise=float(noise))))

    def set_seed(self, seed: int) -> bool:
        return self.change(lambda: self._adopt(self.settings.replace(seed=int(seed))))

    def select(self, name: str) -> bool:
        """The racer that the explanation, the arrows, α_t and the basin map follow."""
        return self.change(lambda: self._select(name))

    def _select(self, name: str) -> None:
        if check_optimizer(name) != self.settings.selected:
            self.settings = self.settings.replace(selected=name)
            self.narration = None
            self.narration_changed.emit()

    def set_narrate(self, on: bool) -> bool:
        """Narrated mode: each Step shows one stage of the explained racer's next update."""
        return self.change(lambda: self._set_narrate(bool(on)))

    def _set_narrate(self, on: bool) -> None:
        self.narrate = on
        self.narration = None
        if on:
            self.pause()
        self.narration_changed.emit()

    # -- saved state ---------------------------------------------------------------------------

    def measure_claim(self, key: str) -> Verdict | None:
        claim = CLAIMS.get(key)
        if claim is None:
            return None
        race = RaceRun(self.settings, self.race)
        return claim.measure(race) if ready(race, claim) else None

    def settings_dict(self) -> dict[str, Any]:
        return {**self.settings.to_dict(), "speed": self.speed}

    def kinds_example(self) -> dict[str, Any]:
        # A twin's value is a number or true/false by its key ("lr" or "decay"): check_twin's to judge.
        return {k: v for k, v in super().kinds_example().items() if k != "twins"}

    def _load_settings(self, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise TypeError("expected a JSON object with the race settings")
        speed = data.get("speed")
        speed = None if speed is None else self.checked_speed(speed)  # presets keep it here
        check_limits(data, {"hyper.*.lr": (None, 1000), "start.*": (-1e3, 1e3)})  # the fields' ranges
        self._adopt(RaceSettings.from_dict(data))
        if speed is not None:
            self.set_speed(speed)

    # -- running -------------------------------------------------------------------------------

    def _ready_to_play(self) -> bool:
        if not self.race.running:  # every racer has stopped: play runs the race again
            self.reset()
        self.narration = None
        return True

    def _advance(self, k: int) -> None:
        self.race.step(k)
        self._announce_stops()
        if not self.race.running:
            self.pause()

    def _reset(self) -> None:
        self.race.reset(self.start)
        self.narration = None
        self._announced = set()
        self.narration_changed.emit()

    @Slot()
    def step(self) -> None:
        """One update of every racer; narrated, one stage of the explained racer's update."""
        if self.narrate and self.selected_racer is not None:
            self.pause()
            self._narrate_next()
        else:
            super().step()

    def _announce_stops(self) -> None:
        for r in self.race.racers.values():
            if r.status != RUNNING and r.name not in self._announced:
                self._announced.add(r.name)
                self.message.emit(stop_message(r))

    def _narrate_next(self) -> None:
        """The next stage of the narrated update; its last stage ("step") moves every racer."""
        racer, n = self.selected_racer, self.narration
        if n is None or n["done"]:
            if racer.status != RUNNING:
                self.error.emit(f"{racer.label} has stopped ({racer.status}); press R to reset")
                return
            self.narration = narrate(racer)
        else:
            n["index"] += 1
            if n["stages"][n["index"]] == "step":
                n["done"] = True
                self.race.step(1)
                self._announce_stops()
                self.stepped.emit()
        self.narration_changed.emit()

    # -- the maps ------------------------------------------------------------------------------

    @property
    def basin_running(self) -> bool:
        return self.jobs().busy

    def compute_basin_map(self, n: int = 200, steps: int = 500) -> bool:
        """Start the explained racer's basin map on an n x n grid in the worker (False if one
        is running already). ``basin_changed`` says when it is done."""
        surface, name = self.surface, self.settings.selected
        make_optimizer = self.settings.optimizer_spec(name).build  # valid: the race has one

        def work(report):
            return basin_map(surface, make_optimizer, int(n), int(steps), progress=report)

        def done(labels) -> None:
            if labels is None:
                self.message.emit("Basin map cancelled")
            elif surface is self.surface:
                self.basin = BasinResult(labels, surface, name, basin_shares(labels, len(surface.minima)))
            self.basin_changed.emit()

        def failed(text: str) -> None:
            self.error.emit(f"basin map failed: {text}")
            self.basin_changed.emit()

        started = self.jobs().start(work, done, on_progress=self.basin_progress.emit, on_failed=failed)
        if started:
            self.basin_progress.emit(0.0)
            self.basin_changed.emit()
        return started

    def cancel_basin_map(self) -> None:
        self.jobs().cancel()

    def _clear_basin(self) -> None:
        self.cancel_basin_map()
        self.basin = None
        self.basin_changed.emit()

    def momentum_map(self, log_beta: bool = False) -> MomentumMap:
        """Momentum's convergence rate per (α, β) on the lab's surface from its start (computed
        here, once per surface, start and β axis: about 0.1 s on a built-in surface, seconds on a
        long typed one; the page asks ``request_momentum_map``, which computes in the worker)."""
        key = self._momentum_key(log_beta)
        if key not in self._momentum_maps:
            self._keep_momentum_map(key, _momentum_map(self.surface, self.start, bool(log_beta)))
        return self._momentum_maps[key]

    def request_momentum_map(self, log_beta: bool = False) -> MomentumMap | None:
        """The map if it is computed; else None, and it is computed in the maps' worker (the
        window answers meanwhile): ``momentum_changed`` says when it is there. A map that cannot
        be made (the start on the minimum) raises ValueError at once."""
        key = self._momentum_key(log_beta)
        if key in self._momentum_maps:
            return self._momentum_maps[key]
        surface, start = self.surface, self.start
        momentum_rate_map(surface, [1.0], [0.5], steps=1, start=start)  # what it would refuse
        if self._momentum_wanted != key:
            self._momentum_wanted = key
            self.jobs("maps").cancel()  # a map of a surface, start or axis no longer wanted
            self.jobs("maps").when_idle(lambda: self._start_momentum_map(key, surface, start))
        return None

    def momentum_map_ready(self, log_beta: bool = False) -> MomentumMap | None:
        """The map of the lab's surface and start if it is computed, else None (nothing starts)."""
        return self._momentum_maps.get(self._momentum_key(log_beta))

    def _start_momentum_map(self, key: tuple, surface: Surface, start: tuple[float, float]) -> None:
        if self._momentum_wanted != key or key in self._momentum_maps:
            return

        def done(m: MomentumMap | None) -> None:
            if m is not None:
                self._keep_momentum_map(key, m)
            if self._momentum_wanted == key:
                self._momentum_wanted = None
            self.momentum_changed.emit()

        def failed(text: str) -> None:
            if self._momentum_wanted == key:  # not a newer one waiting to start
                self._momentum_wanted = None
            self.error.emit(f"momentum map failed: {text}")
            self.momentum_changed.emit()

        self.jobs("maps").start(lambda report: _momentum_map(surface, start, key[-1], report),
                                done, on_failed=failed)

    def _momentum_key(self, log_beta: bool) -> tuple:
        # the surface itself (a typed one's name is not its formula); kept alive by its map
        return (self.surface.name, id(self.surface), self.start, bool(log_beta))

    def _keep_momentum_map(self, key: tuple, m: MomentumMap) -> None:
        if len(self._momentum_maps) >= 8:  # a few recent maps, not one per click ever made
            self._momentum_maps.pop(next(iter(self._momentum_maps)))
        self._momentum_maps[key] = m

    @property
    def momentum_computing(self) -> bool:
        return self._momentum_wanted is not None


def _momentum_map(surface: Surface, start: tuple[float, float], log_beta: bool,
                  report=None) -> MomentumMap | None:
    """The momentum map of ``surface`` from ``start`` (None if ``report`` said stop)."""
    alphas, betas = momentum_axes(surface, log_beta)
    progress = None if report is None else (lambda fraction: report(fraction))
    rates = momentum_rate_map(surface, alphas, betas, start=start, progress=progress)
    if rates is None:
        return None
    return MomentumMap(alphas, betas, rates, surface, start, log_beta, best_pair(rates, alphas, betas))
