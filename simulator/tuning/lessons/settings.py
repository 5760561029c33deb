"""The settings of a search over two hyperparameters (the Search and Coarse-to-fine lessons): the
two axes (each a hyperparameter with its range and scale, ``simulator.tuning.space.Axis``), the
budget of trials, the epochs each trains, the seed, and where the trials run. Checked by the
engine when made: a bad value raises its ValueError and nothing changes."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ...validation import check_choice, check_int
from ..experiment import MAX_SEED
from ..space import AXES, Axis, SearchSpace
from ..trials import Objective
from .base import whole_fields

RUN_ON = {"local": "this computer (vectorized)", "pool": "a local process pool",
          "dask": "a Dask cluster"}
DEFAULT_ADDRESS = "tcp://127.0.0.1:8786"
ADDRESS = re.compile(r"^(tcp://|tls://)?[A-Za-z0-9_.\-]+:\d{1,5}$")
KEYS = ("axes", "budget", "epochs", "seed", "run_on", "address")


def check_run_on(where: Any) -> str:
    """One of RUN_ON; "dask" only if the optional 'distributed' package is installed."""
    where = check_choice("place to run trials", where, RUN_ON)
    if where == "dask":
        try:
            import distributed  # noqa: F401 - an optional extra
        except ImportError:
            raise ValueError("running trials on a Dask cluster needs the 'distributed' package "
                             '(pip install -e ".[cluster]"); trials still run on this computer') from None
    return where


def check_address(text: Any) -> str:
    """A scheduler address such as tcp://10.0.0.5:8786; ValueError otherwise."""
    if not isinstance(text, str) or not ADDRESS.match(text.strip()):
        raise ValueError(f"the scheduler address must look like tcp://host:8786, got {text!r:.60}")
    return text.strip()


@dataclass(frozen=True)
class SearchSettings:
    """Two axes searched with ``budget`` trials of ``epochs`` epochs each, from ``seed``."""

    axes: tuple[Axis, Axis] = (AXES["lr"], AXES["eps"])
    budget: int = 25
    epochs: int = 20
    seed: int = 0
    run_on: str = "local"
    address: str = DEFAULT_ADDRESS

    def __post_init__(self) -> None:
        space = self.space  # two different hyperparameters
        check_int("seed", self.seed, 0, MAX_SEED)
        space.random(self.budget, self.seed)  # the budget, as the engine checks it
        objective = self.objective
        objective.settings_for(space.grid(1)[0])  # every axis is a hyperparameter of the optimizer
        check_run_on(self.run_on)
        object.__setattr__(self, "address", check_address(self.address))

    @property
    def space(self) -> SearchSpace:
        return SearchSpace(self.axes)

    @cached_property
    def objective(self) -> Objective:
        """What every trial trains (made once: the views read it each frame, and making it
        checks its classifier settings, 1-3 ms). Not to be changed in place."""
        return Objective(epochs=self.epochs)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    def replace(self, **changes: Any) -> SearchSettings:
        """These settings with ``changes``; ``axis=i`` with ``name``, ``scale``, ``low`` or
        ``high`` changes that axis (``with_axis``)."""
        if "axis" in changes:
            return self.with_axis(changes.pop("axis"), **changes)
        return replace(self, **changes)

    def with_axis(self, i: int, name: str | None = None, scale: str | None = None,
                  low: float | None = None, high: float | None = None) -> SearchSettings:
        """Axis i (0 or 1) changed: another hyperparameter (with its usual range and scale), or
        another scale or range end for the same one."""
        i = check_int("axis", i, 0, 1)
        axis = self.axes[i]
        if name is not None and name != axis.name:
            axis = AXES[check_choice("hyperparameter", name, AXES)]
        elif scale is not None and scale != axis.scale:
            axis = Axis(axis.name, scale, axis.low, axis.high) if scale != "choice" else Axis(
                axis.name, scale, choices=tuple(axis.values or (axis.low, axis.high)))
        elif low is not None or high is not None:
            axis = replace(axis, low=axis.low if low is None else low,
                           high=axis.high if high is None else high)
        axes = list(self.axes)
        axes[i] = axis
        return replace(self, axes=tuple(axes))

    def to_dict(self) -> dict[str, Any]:
        return {"axes": [a.to_dict() for a in self.axes], "budget": self.budget, "epochs": self.epochs,
                "seed": self.seed, "run_on": self.run_on, "address": self.address}

    @classmethod
    def from_dict(cls, data: dict[str, Any], default: SearchSettings | None = None) -> SearchSettings:
        """Settings from ``to_dict``'s form; keys it does not name keep ``default``'s."""
        unknown = sorted(set(data) - set(KEYS))
        if unknown:
            raise ValueError(f"unknown search settings {unknown}; expected {', '.join(KEYS)}")
        d = dict(data)
        if "axes" in d:
            if not isinstance(d["axes"], list) or len(d["axes"]) != 2:
                raise ValueError(f"a search has two axes, got {d['axes']!r}")
            d["axes"] = tuple(Axis.from_dict(a) for a in d["axes"])
        whole_fields(d, ("budget", "epochs", "seed"))
        return replace(default or cls(), **d)
