"""The optimizer lab's settings: the surface, the start, which racers run with which
hyperparameters, the learning-rate decay and the mini-batch noise.

``RaceSettings`` is what a preset or a saved session holds (``to_dict``/``from_dict``, the JSON of
earlier versions unchanged: ``"surface": "ravine"``). ``build_race`` is the one place where
settings become racers: each racer's optimizer comes from its ``OptimizerSpec`` (``optimizer_spec``),
so a bad value raises ValueError there, naming the value and its range, before anything changes.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .optimizers import OPTIMIZERS
from .racing import Race, Racer
from .schedules import SCHEDULES
from .specs import OptimizerSpec, SurfaceSpec
from .surfaces import Surface
from .typed_surface import formula_fields, surface_fields
from .validation import (
    check_bool,
    check_choice,
    check_int,
    check_mapping,
    check_number,
    check_point,
    check_range,
)

OPTIMIZER_NAMES = tuple(OPTIMIZERS)  # sgd, momentum, rmsprop, adam: the racers, in order
# A/B twins: a racer's copy with one setting changed, named "<optimizer>_b"; at most two, so six racers.
TWIN_SUFFIX = "_b"
MAX_TWINS = 2
RACER_NAMES = OPTIMIZER_NAMES + tuple(n + TWIN_SUFFIX for n in OPTIMIZER_NAMES)
# What a twin may change besides its optimizer's own hyperparameters: "decay" False runs it at
# constant α beside the decayed one.
TWIN_EXTRA_KEYS = ("lr", "decay")
TWIN_SYMBOLS = {"lr": "α", "beta": "β", "beta1": "β1", "beta2": "β2", "eps": "ε",
                "bias_correction": "bias correction", "decay": "decay"}


def default_hyper(surface: Surface) -> dict[str, dict[str, Any]]:
    """Every optimizer's hyperparameters: the notes' defaults and the surface's suggested α."""
    return {n: {"lr": surface.suggested_lr[n], **cls.defaults} for n, cls in OPTIMIZERS.items()}


def base_of(racer: str) -> str:
    """The optimizer a racer runs: "adam" for both "adam" and its twin "adam_b"."""
    return racer[: -len(TWIN_SUFFIX)] if racer.endswith(TWIN_SUFFIX) else racer


def check_twin(twin: Any) -> dict[str, Any]:
    """A twin ``{"of": optimizer, "key": setting, "value": value}``, checked: ValueError naming
    what is wrong (the value itself is checked when its optimizer is built)."""
    if not isinstance(twin, dict) or set(twin) != {"of", "key", "value"}:
        raise ValueError(f"a twin is {{'of', 'key', 'value'}}, got {twin!r}")
    of = check_optimizer(twin["of"])
    check_choice(f"{of} twin's setting", twin["key"], (*TWIN_EXTRA_KEYS, *OPTIMIZERS[of].defaults))
    value = twin["value"]
    if twin["key"] in ("decay", "bias_correction"):
        if not isinstance(value, bool):
            raise ValueError(f"{twin['key']} must be true or false, got {value!r}")
    elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{twin['key']} must be a finite number, got {value!r:.40}")
    return {"of": of, "key": twin["key"], "value": value}


def twin_label(twin: dict[str, Any]) -> str:
    """How a twin differs from its racer, for legends: "Adam, bias correction off"."""
    key, value = twin["key"], twin["value"]
    title = OPTIMIZERS[twin["of"]].title
    if key == "decay":
        return f"{title}, {'decayed α' if value else 'constant α'}"
    if isinstance(value, bool):
        return f"{title}, {TWIN_SYMBOLS[key]} {'on' if value else 'off'}"
    return f"{title}, {TWIN_SYMBOLS.get(key, key)} = {value:g}"


def check_optimizer(name: Any) -> str:
    """``name`` if it names one of the racers, else ValueError listing them."""
    check_choice("optimizer", name, OPTIMIZER_NAMES)
    return name


@dataclass(frozen=True)
class RaceSettings:
    """Everything the user sets in the optimizer lab but the speed (the controller's): frozen,
    checked when made (ValueError naming the bad value, and nothing changes), changed with
    ``replace`` or the ``with_*`` helpers. The start's place on the surface is checked by
    ``build_race``, which builds the surface."""

    surface: SurfaceSpec = field(default_factory=SurfaceSpec)
    start: tuple[float, float] | None = None  # None: the surface's own start
    enabled: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(OPTIMIZER_NAMES, True))
    hyper: dict[str, dict[str, Any]] = field(default_factory=dict)  # per optimizer, with "lr"
    schedule: str = "constant"
    schedule_params: dict[str, float] = field(default_factory=dict)
    noise: float = 0.0
    seed: int = 0
    selected: str = "adam"  # the racer the explanation, the arrows and the basin map follow
    twins: list[dict[str, Any]] = field(default_factory=list)  # A/B twins, see ``check_twin``

    def __post_init__(self) -> None:
        own = object.__setattr__  # own copies: settings never change when a dict they came from does
        if not isinstance(self.surface, SurfaceSpec):
            raise ValueError(f"the surface must be a SurfaceSpec, got {self.surface!r}")
        hyper = self.hyper or default_hyper(self.surface.build())
        own(self, "hyper", {check_optimizer(n): dict(check_mapping(f"hyper {n}", h))
                            for n, h in check_mapping("hyper", hyper).items()})
        missing = [n for n in OPTIMIZER_NAMES if "lr" not in self.hyper.get(n, {})]
        if missing:
            raise ValueError(f"hyper needs α ('lr') for every optimizer; {missing[0]!r} has none")
        own(self, "enabled", {check_optimizer(n): check_bool(f"enabled {n}", on)
                              for n, on in check_mapping("enabled", self.enabled).items()})
        if self.start is not None:
            own(self, "start", check_point("start", self.start, finite=False))
        own(self, "schedule", check_choice("schedule", self.schedule, SCHEDULES))
        own(self, "schedule_params", dict(check_mapping("schedule_params", self.schedule_params)))
        own(self, "noise", check_range("noise", self.noise, low=0.0))
        own(self, "seed", check_int("seed", self.seed, 0, 2**31 - 1))  # one the spin boxes can show
        own(self, "selected", check_optimizer(self.selected))
        check_twins(self.twins)
        own(self, "twins", [check_twin(t) for t in self.twins])
        for name in (*OPTIMIZER_NAMES, *(t["of"] + TWIN_SUFFIX for t in self.twins)):
            self.optimizer_spec(name).build()  # every α, β, ε and the decay, as the racers get them

    def replace(self, **changes: Any) -> RaceSettings:
        """A copy with ``changes``, checked: ValueError naming a bad value or an unknown setting."""
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise ValueError(f"no race setting {sorted(unknown)[0]!r}")
        return dataclasses.replace(self, **changes)

    def with_surface(self, spec: SurfaceSpec) -> RaceSettings:
        """On a new surface: its own start and its suggested learning rates, the rest kept."""
        surface = spec.build()
        hyper = {n: {**h, "lr": surface.suggested_lr[n]} for n, h in self.hyper.items()}
        return self.replace(surface=spec, start=None, hyper=hyper)

    def with_hyper(self, name: str, key: str, value: Any) -> RaceSettings:
        name = check_optimizer(name)
        return self.replace(hyper={**self.hyper, name: {**self.hyper[name], key: value}})

    def with_enabled(self, name: str, on: bool) -> RaceSettings:
        """One racer on or off; the explained racer moves to the first one left if it went off."""
        enabled = dict(self.enabled)
        enabled[check_optimizer(name)] = bool(on)
        selected = self.selected
        if not enabled.get(selected):
            selected = next((n for n in OPTIMIZER_NAMES if enabled[n]), selected)
        return self.replace(enabled=enabled, selected=selected)

    def with_twin(self, slot: int, twin: dict[str, Any] | None) -> RaceSettings:
        """Twin number ``slot`` (0 or 1) set, or removed (None)."""
        twins = [dict(t) for t in self.twins]
        if twin is None:
            if slot < len(twins):
                del twins[slot]
        elif slot < len(twins):
            twins[slot] = dict(twin)
        else:
            twins.append(dict(twin))
        return self.replace(twins=twins)

    def twin(self, racer: str) -> dict[str, Any] | None:
        """The twin that racer ``racer`` ("adam_b") is, or None for a plain racer."""
        return next((t for t in self.twins if t["of"] + TWIN_SUFFIX == racer), None)

    def optimizer_spec(self, name: str) -> OptimizerSpec:
        """Racer ``name``'s optimizer: its α and hyperparameters, and the shared decay; a twin's
        with its one setting changed."""
        twin = self.twin(name)
        base = check_optimizer(base_of(name))
        hyper = dict(self.hyper[base])
        schedule = self.schedule
        if twin is not None and twin["key"] == "decay":
            schedule = schedule if twin["value"] else "constant"
        elif twin is not None:
            hyper[twin["key"]] = twin["value"]
        lr = hyper.pop("lr")
        return OptimizerSpec(base, lr, hyper, schedule, self.schedule_params)

    def racer_names(self) -> list[str]:
        """The racers that run: the enabled optimizers, each followed by its twin if it has one."""
        names = []
        for name in OPTIMIZER_NAMES:
            if self.enabled.get(name):
                names.append(name)
                if self.twin(name + TWIN_SUFFIX) is not None:
                    names.append(name + TWIN_SUFFIX)
        return names

    def start_point(self, surface: Surface) -> tuple[float, float]:
        return self.start if self.start is not None else surface.start

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, in the format presets and sessions have always used."""
        d = asdict(self)
        d["surface"] = self.surface.name
        d.update(formula_fields(self.surface))
        d["start"] = list(self.start) if self.start is not None else None
        return d

    @classmethod
    def from_dict(cls, data: Any) -> RaceSettings:
        """Settings from a preset or a saved file, checked field by field (ValueError naming
        what is wrong; keys left out take their defaults)."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object with the race settings")
        spec = SurfaceSpec(*surface_fields(data))  # a typed formula is read (and checked) here
        hyper = default_hyper(spec.build())
        for name, h in check_mapping("hyper", data.get("hyper", {})).items():
            hyper[check_optimizer(name)].update(check_mapping(f"hyper {name}", h))
        enabled = dict.fromkeys(OPTIMIZER_NAMES, True)
        enabled.update(check_mapping("enabled", data.get("enabled", {})))
        params = check_mapping("schedule_params", data.get("schedule_params", {}))
        twins = data.get("twins", [])
        return cls(surface=spec, start=data.get("start"), enabled=enabled, hyper=hyper,
                   schedule=str(data.get("schedule", "constant")),
                   schedule_params={k: check_number(k, v) for k, v in params.items()},
                   noise=check_number("noise", data.get("noise", 0.0), low=0.0),
                   seed=check_int("seed", data.get("seed", 0), 0, None),
                   selected=str(data.get("selected", "adam")),
                   twins=list(twins) if isinstance(twins, list) else twins)


def build_race(settings: RaceSettings, surface: Surface | None = None) -> Race:
    """The enabled racers on the settings' surface (built here unless given), each with its own
    noise stream; ValueError if the start lies off the surface (the rest was checked when the
    settings were made)."""
    surface = settings.surface.build() if surface is None else surface
    start = check_start(surface, *settings.start_point(surface))
    racers = {}
    for name in settings.racer_names():
        opt = settings.optimizer_spec(name).build()
        twin = settings.twin(name)
        # A twin draws the same noise as its racer: only its one setting differs.
        racers[name] = Racer(surface, opt, start, noise=settings.noise,
                             seed=(int(settings.seed), OPTIMIZER_NAMES.index(base_of(name))), name=name,
                             label=twin_label(twin) if twin else OPTIMIZERS[name].title)
    return Race(surface, racers)


def check_twins(twins: Any) -> None:
    """At most ``MAX_TWINS`` twins, each of a different optimizer, each valid."""
    if not isinstance(twins, list) or len(twins) > MAX_TWINS:
        raise ValueError(f"at most {MAX_TWINS} A/B twins (six racers), got {twins!r}")
    ofs = [check_twin(t)["of"] for t in twins]
    if len(set(ofs)) != len(ofs):
        raise ValueError("each optimizer can have one twin; got two of "
                         f"{next(o for o in ofs if ofs.count(o) > 1)!r}")


def check_start(surface: Surface, x: float, y: float) -> tuple[float, float]:
    """A start point inside the surface's domain, else ValueError naming the ranges."""
    x, y = check_point("start", (x, y), finite=False)
    x0, x1, y0, y1 = surface.domain
    if not (np.isfinite(x) and np.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
        raise ValueError(f"start ({x:g}, {y:g}) is outside the surface: w1 must be in "
                         f"[{x0:g}, {x1:g}], w2 in [{y0:g}, {y1:g}]")
    return float(x), float(y)


def alpha_curve(spec: OptimizerSpec, iterations: int, points: int | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """α_t for t = 1 … iterations under the spec's decay (α itself where the decay's settings are
    invalid): the curve of the lab's α_t plot; at most ``points`` t's, evenly spread, if given."""
    n = check_int("iterations", iterations, 0, 100_000_000)
    points = None if points is None else check_int("points", points, 2, 100_000)
    t = np.arange(1, n + 1) if points is None or n <= points else np.unique(
        np.linspace(1, n, points).round().astype(np.int64))
    try:
        rate = spec.learning_rate()
    except ValueError:
        rate = spec.lr
    alpha = rate(t) if callable(rate) else np.full(len(t), float(rate))
    return t, np.asarray(alpha, dtype=float)


__all__ = ["RaceSettings", "OPTIMIZER_NAMES", "RACER_NAMES", "TWIN_SUFFIX", "MAX_TWINS", "default_hyper",
           "build_race", "check_start", "check_optimizer", "check_twin", "check_twins", "base_of",
           "twin_label", "alpha_curve"]
