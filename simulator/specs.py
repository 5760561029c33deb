"""Small frozen settings that the labs share: what data, what network, what optimizer, what surface.

A lab's settings are made of these. Whether a change must rebuild something is then a question of
which spec changed: new ``DataSpec`` means new points, new ``ModelSpec`` a new network, new
``OptimizerSpec`` a new optimizer (the weights stay). ``OptimizerSpec.build()`` is the one place
where "a number or a schedule" becomes an optimizer; ``SurfaceSpec.build()`` the one place where a
surface's description becomes the ``Surface`` that racers and workers receive whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .datasets import DEFAULT_TURNS, Dataset, make_dataset
from .optimizers import OPTIMIZERS, Optimizer, make_optimizer
from .schedules import Schedule, make_schedule
from .surfaces import Surface, from_formula, get_surface
from .typed_surface import DEFAULT_DOMAIN
from .validation import check_choice, check_mapping


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer by the notes' names: ``name``, α (``lr``), its other hyperparameters, and a
    learning-rate decay schedule with its parameters ("constant" is no decay)."""

    name: str = "adam"
    lr: float = 0.01
    hyper: dict[str, Any] = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Own copies: a spec must not change when the dict it was built from does.
        object.__setattr__(self, "hyper", dict(check_mapping("hyper", self.hyper)))
        object.__setattr__(self, "schedule_params",
                           dict(check_mapping("schedule_params", self.schedule_params)))

    def learning_rate(self) -> float | Schedule:
        """α itself, or the schedule that gives α_t; raises ValueError for a bad value."""
        if self.schedule == "constant":
            return self.lr
        return make_schedule(self.schedule, self.lr, **self.schedule_params)

    def build(self) -> Optimizer:
        """A fresh optimizer; raises ValueError naming a bad name or value and its range."""
        return make_optimizer(self.name, self.learning_rate(), **self.hyper)

    @property
    def full_hyper(self) -> dict[str, Any]:
        """Every hyperparameter but α, the optimizer's defaults filled in."""
        return {**OPTIMIZERS[check_choice("optimizer", self.name, OPTIMIZERS)].defaults, **self.hyper}


@dataclass(frozen=True)
class DataSpec:
    """A seeded 2D data set (see ``simulator.datasets.make_dataset``)."""

    dataset: str = "blobs"
    n: int = 300
    classes: int = 3
    noise: float = 0.15
    test_fraction: float = 0.3
    data_seed: int = 0
    turns: float = DEFAULT_TURNS  # the spiral's; the other sets have no such parameter
    points: Any = ()  # own data ("csv"): ((x1, x2, label), ...), see ``simulator.own_data``

    def build(self) -> Dataset:
        shape = {"turns": self.turns} if self.dataset == "spiral" else {}
        if self.dataset == "csv":
            shape = {"points": self.points}
        return make_dataset(self.dataset, n=self.n, classes=self.classes, noise=self.noise,
                            seed=self.data_seed, test_fraction=self.test_fraction, **shape)


@dataclass(frozen=True)
class ModelSpec:
    """What a network is before training: its inputs, hidden layers, activation, batch norm and
    the seed of its initial weights. Changing any of these starts training over."""

    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = ()
    activation: str = "tanh"
    seed: int = 0
    batchnorm: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "hidden", tuple(self.hidden))


@dataclass(frozen=True)
class SurfaceSpec:
    """A loss surface by name, or "formula": f(x, y) typed as ``formula`` over ``domain``."""

    name: str = "ravine"
    formula: str = ""
    domain: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.domain, list):  # from JSON; anything else is checked by build()
            object.__setattr__(self, "domain", tuple(self.domain))

    def build(self) -> Surface:
        """The surface itself; ValueError for an unknown name or a formula it refuses."""
        if self.name == "formula":
            return from_formula(self.formula, self.domain or DEFAULT_DOMAIN)
        return get_surface(self.name)


__all__ = ["OptimizerSpec", "DataSpec", "ModelSpec", "SurfaceSpec"]
