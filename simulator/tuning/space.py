"""A search space: hyperparameters, each on its own scale, searched on a grid or at random.

An ``Axis`` is one hyperparameter's range and the scale it is searched on: "linear", "log" (α),
"one_minus_log" (β, through 1 − β), "int" (layers), "pow2" (units, mini-batch size) or "choice".
Its unit position u in [0, 1] (``to_unit``) is where a value sits along that scale: the page plots
trials by it and a coarse-to-fine box is drawn in it. ``SearchSpace`` holds several axes and makes
trials, each a dict {axis name: value}, on a grid or at random from a seed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..validation import check_choice, check_int, check_range
from .scale import check_beta_range, check_log_range, log_uniform, one_minus_log

AXIS_NAMES = ("lr", "beta", "beta1", "beta2", "eps", "hidden_units", "layers", "batch_size",
              "decay_rate")
AXIS_SCALES = ("linear", "log", "one_minus_log", "int", "pow2", "choice")
DISCRETE = ("int", "pow2", "choice")
LABELS = {"lr": "α", "beta": "β", "beta1": "β1", "beta2": "β2", "eps": "ε",
          "hidden_units": "hidden units", "layers": "layers", "batch_size": "mini-batch size",
          "decay_rate": "decay rate"}
MAX_BUDGET = 10_000  # trials in one search
MAX_INT_VALUES = 10_000  # whole numbers an int axis may span (its values are listed)


@dataclass(frozen=True)
class Axis:
    """One hyperparameter's range on its scale.

    ``low``/``high`` bound the values (both included); "choice" uses ``choices`` instead. Checked
    when made: a continuous scale needs low < high (a log range above 0, a 1 − β log range in
    [0, 1)), "int" at least one integer in [low, high] and "pow2" at least one power of two, so
    low == high is allowed there. A bad value raises ValueError naming the axis and the value.
    """

    name: str
    scale: str
    low: float = 0.0
    high: float = 1.0
    choices: tuple = ()

    def __post_init__(self) -> None:
        check_choice("hyperparameter", self.name, AXIS_NAMES)
        check_choice(f"scale for {self.label}", self.scale, AXIS_SCALES)
        object.__setattr__(self, "choices", tuple(self.choices))
        if self.scale == "choice":
            self._check_choices()
            return
        lo, hi = f"{self.label} low", f"{self.label} high"
        if self.scale == "log":
            low, high = check_log_range(self.low, self.high, (lo, hi))
        elif self.scale == "one_minus_log":
            low, high = check_beta_range(self.low, self.high, (lo, hi))
        elif self.scale == "linear":
            low = check_range(lo, self.low)
            high = check_range(hi, self.high, low, None, low_open=True)
        else:
            low = check_range(lo, self.low, 0.0 if self.scale == "int" else 1.0, None)
            high = check_range(hi, self.high, low, None)
            if self.scale == "int" and high - low + 1 > MAX_INT_VALUES:
                raise ValueError(f"{self.label} range [{low:g}, {high:g}] holds more than "
                                 f"{MAX_INT_VALUES:,} whole numbers; an axis may hold at most "
                                 f"{MAX_INT_VALUES:,}")
            if not self.values_between(low, high):
                kind = "integer" if self.scale == "int" else "power of two"
                raise ValueError(f"{self.label} range [{low:g}, {high:g}] holds no {kind}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def _check_choices(self) -> None:
        if not self.choices:
            raise ValueError(f"{self.label} needs at least one choice, got none")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError(f"{self.label} choices must differ, got {list(self.choices)}")
        for c in self.choices:
            check_range(f"{self.label} choice", c)
        object.__setattr__(self, "low", float(min(self.choices)))
        object.__setattr__(self, "high", float(max(self.choices)))

    @property
    def label(self) -> str:
        """The notes' symbol or words: α, β, β1, β2, ε, hidden units, layers, mini-batch size, …"""
        return LABELS.get(self.name, str(self.name))

    @property
    def discrete(self) -> bool:
        return self.scale in DISCRETE

    def values_between(self, low: float, high: float) -> list[float]:
        """For a discrete scale, every value it may take in [low, high], ascending."""
        if self.scale == "choice":
            return sorted(c for c in self.choices if low <= c <= high)
        if self.scale == "int":
            return list(range(math.ceil(low), math.floor(high) + 1))
        k0, k1 = math.ceil(math.log2(low) - 1e-9), math.floor(math.log2(high) + 1e-9)
        return [2**k for k in range(k0, k1 + 1)]

    @property
    def values(self) -> list[float]:
        """A discrete axis's values, ascending (empty for a continuous one)."""
        return self.values_between(self.low, self.high) if self.discrete else []

    # -- the scale ---------------------------------------------------------------------------------

    def _coordinate(self, v: np.ndarray) -> np.ndarray:
        """The scale's own coordinate, in which the axis is uniform."""
        if self.scale == "log":
            return np.log10(v)
        if self.scale == "one_minus_log":
            return -np.log10(1.0 - v)  # increasing with β
        if self.scale == "pow2":
            return np.log2(v)
        return v

    def _inverse(self, c: np.ndarray) -> np.ndarray:
        if self.scale == "log":
            return 10.0**c
        if self.scale == "one_minus_log":
            return 1.0 - 10.0 ** (-c)
        if self.scale == "pow2":
            return 2.0**c
        return c

    def to_unit(self, values: Any) -> np.ndarray:
        """Where each value sits along the axis's scale, 0 at ``low`` and 1 at ``high``: for α
        (log) the fraction of the decades, for β that of log10(1 − β). A choice sits at its rank
        among the choices. A one-value axis puts it at 0.5."""
        v = np.asarray(values, dtype=float)
        if self.scale == "choice":
            ranks = np.searchsorted(np.array(sorted(self.choices), dtype=float), v)
            n = len(self.choices)
            return ranks / (n - 1) if n > 1 else np.full_like(v, 0.5)
        c0, c1 = self._coordinate(np.array([self.low, self.high]))
        if c1 == c0:
            return np.full_like(v, 0.5)
        with np.errstate(all="ignore"):
            return (self._coordinate(v) - c0) / (c1 - c0)

    def from_unit(self, u: Any) -> np.ndarray:
        """The value at unit position u (the inverse of ``to_unit``). On "int" and "pow2" axes the
        result is not rounded (a box edge may fall between two values); a choice is the nearest."""
        u = np.asarray(u, dtype=float)
        if self.scale == "choice":
            ordered = np.array(sorted(self.choices), dtype=float)
            return ordered[np.clip(np.rint(u * (len(ordered) - 1)), 0, len(ordered) - 1).astype(int)]
        c0, c1 = self._coordinate(np.array([self.low, self.high]))
        return self._inverse(c0 + u * (c1 - c0))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n values drawn uniformly on the axis's scale: α with ``log_uniform``, β with
        ``one_minus_log``; "int", "pow2" and "choice" pick each allowed value equally often."""
        n = check_int("n", n, 1, None)
        if self.scale == "log":
            return log_uniform(self.low, self.high, n, rng)
        if self.scale == "one_minus_log":
            return one_minus_log(self.low, self.high, n, rng)
        if self.scale == "linear":
            return self.low + (self.high - self.low) * rng.random(n)
        values = np.array(self.values, dtype=float)
        return values[rng.integers(0, len(values), n)]

    def grid(self, k: int) -> np.ndarray:
        """k values evenly spaced on the axis's scale, ends included (for α in [1e-4, 1] and k = 5:
        1e-4, 1e-3, …, 1). On a discrete axis each is rounded to the nearest allowed value on the
        scale, and repeats are dropped, so there may be fewer than k."""
        k = check_int("values per axis", k, 1, None)
        u = np.linspace(0.0, 1.0, k) if k > 1 else np.array([0.5])
        if not self.discrete:
            out = self.from_unit(u)
            if k > 1:  # the ends exactly, not through the scale's rounding
                out[0], out[-1] = self.low, self.high
            return out
        values = np.array(self.values, dtype=float)
        nearest = np.abs(self.to_unit(values)[None, :] - u[:, None]).argmin(axis=1)
        return values[np.unique(nearest)]

    def clip(self, values: Any) -> np.ndarray:
        """Values kept inside [low, high]; on a discrete axis, the nearest allowed value on its
        scale."""
        v = np.clip(np.asarray(values, dtype=float), self.low, self.high)
        if not self.discrete:
            return v
        allowed = np.array(self.values, dtype=float)
        u = self.to_unit(allowed)
        return allowed[np.abs(self.to_unit(v)[..., None] - u).argmin(axis=-1)]

    def narrowed(self, low: float, high: float) -> Axis:
        """The same axis on [low, high] (coarse to fine); a "choice" axis keeps the choices in it.
        A bad range raises ValueError as the constructor does."""
        if self.scale == "choice":
            kept = tuple(c for c in self.choices if low <= c <= high)
            if not kept:
                raise ValueError(f"no {self.label} choice in [{low:g}, {high:g}]")
            return replace(self, choices=kept)
        return replace(self, low=low, high=high)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "scale": self.scale}
        if self.scale == "choice":
            data["choices"] = list(self.choices)
        else:
            data["low"], data["high"] = self.low, self.high
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Axis:
        """An axis from ``to_dict``'s form; unknown keys or bad values raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError(f"an axis must be a JSON object, got {data!r}")
        unknown = set(data) - {"name", "scale", "low", "high", "choices"}
        if unknown:
            raise ValueError(f"unknown axis field {sorted(unknown)[0]!r}")
        if "name" not in data or "scale" not in data:
            raise ValueError("an axis needs a name and a scale")
        d = dict(data)
        if "choices" in d:
            if not isinstance(d["choices"], (list, tuple)):
                raise ValueError(f"choices must be a list, got {d['choices']!r}")
            d["choices"] = tuple(d["choices"])
        return cls(**d)


AXES: dict[str, Axis] = {
    "lr": Axis("lr", "log", 1e-4, 1.0),
    "beta": Axis("beta", "one_minus_log", 0.9, 0.999),
    "beta1": Axis("beta1", "one_minus_log", 0.8, 0.99),
    "beta2": Axis("beta2", "one_minus_log", 0.99, 0.9999),
    "eps": Axis("eps", "log", 1e-10, 1e-6),
    "hidden_units": Axis("hidden_units", "pow2", 4, 64),
    "layers": Axis("layers", "int", 1, 3),
    "batch_size": Axis("batch_size", "pow2", 8, 256),
    "decay_rate": Axis("decay_rate", "log", 1e-3, 1.0),
}
# The notes' order of importance: α first; β, mini-batch size and hidden units next; layers and
# learning-rate decay after; Adam's β1, β2 and ε hardly ever tuned.
NOTES_ORDER = ("lr", "beta", "batch_size", "hidden_units", "layers", "decay_rate", "beta1", "beta2",
               "eps")
# The same, as the notes give it: in tiers, the last one "almost never" tuned.
NOTES_TIERS = (("lr",), ("beta", "hidden_units", "batch_size"), ("layers", "decay_rate"),
               ("beta1", "beta2", "eps"))


def _value(axis: Axis, v: float) -> float | int:
    """A trial's value as the engine takes it: an int on "int" and "pow2" axes."""
    return int(round(v)) if axis.scale in ("int", "pow2") else float(v)


class SearchSpace:
    """Several axes, each named once; makes trials as dicts {axis name: value}."""

    def __init__(self, axes: Iterable[Axis]) -> None:
        if isinstance(axes, Axis):
            axes = (axes,)
        if isinstance(axes, (str, bytes, dict)) or not hasattr(axes, "__iter__"):
            raise ValueError(f"axes must be a list of Axis objects, got {type(axes).__name__}")
        self.axes: tuple[Axis, ...] = tuple(axes)
        if not self.axes:
            raise ValueError("a search space needs at least one axis")
        for a in self.axes:
            if not isinstance(a, Axis):
                raise ValueError(f"axes must be Axis objects, got {type(a).__name__}")
        names = [a.name for a in self.axes]
        if len(set(names)) != len(names):
            raise ValueError(f"each hyperparameter may appear once, got {names}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    def axis(self, name: str) -> Axis:
        for a in self.axes:
            if a.name == name:
                return a
        raise ValueError(f"no axis {name!r} in this space; it has {', '.join(self.names)}")

    def random(self, budget: int, seed: int = 0) -> list[dict[str, float | int]]:
        """``budget`` trials, each axis drawn on its own scale. Each axis has its own random stream
        (from the seed and its name), so adding an axis does not change the others' draws."""
        budget = check_int("budget", budget, 1, MAX_BUDGET)
        seed = check_int("seed", seed, 0, None)
        columns = {a.name: a.sample(budget, np.random.default_rng([seed, AXIS_NAMES.index(a.name)]))
                   for a in self.axes}
        return [{a.name: _value(a, columns[a.name][i]) for a in self.axes} for i in range(budget)]

    @staticmethod
    def grid_size(budget: int, d: int) -> int:
        """k = floor(budget ** (1/d)): the values per axis of a grid of at most ``budget`` points
        on d axes (25 trials on 2 axes: 5 each; 30 on 2: still 5, 25 trials)."""
        k = max(1, int(round(budget ** (1.0 / d))))
        while k > 1 and k**d > budget:
            k -= 1
        while (k + 1) ** d <= budget:
            k += 1
        return k

    def grid(self, budget: int) -> list[dict[str, float | int]]:
        """A grid of k values per axis, k = floor(budget ** (1/d)) for d axes (``grid_size``), each
        axis's values evenly spaced on its scale. At most ``budget`` trials (k ** d; fewer when a
        discrete axis has fewer than k values), the first axis varying slowest."""
        budget = check_int("budget", budget, 1, MAX_BUDGET)
        k = self.grid_size(budget, len(self.axes))
        columns = [[_value(a, v) for v in a.grid(k)] for a in self.axes]
        return [dict(zip(self.names, combo, strict=True)) for combo in itertools.product(*columns)]

    def search(self, method: str, budget: int, seed: int = 0) -> list[dict[str, float | int]]:
        """``grid(budget)`` or ``random(budget, seed)`` by name."""
        method = check_choice("search method", method, ("grid", "random"))
        return self.grid(budget) if method == "grid" else self.random(budget, seed)

    def narrowed(self, box: Mapping[str, Sequence[float]]) -> SearchSpace:
        """The space with some axes narrowed to box[name] = (low, high) (coarse to fine); the
        others as they were. An unknown name or a bad range raises ValueError."""
        for name in box:
            self.axis(name)
        return SearchSpace(a.narrowed(*map(float, box[a.name])) if a.name in box else a
                           for a in self.axes)

    def zoom_box(self, best_params: Sequence[Mapping[str, float]], last: Mapping[str, Sequence[float]],
                 shrink: float = 4.0, margin: float = 0.05) -> dict[str, tuple[float, float]]:
        """Coarse to fine's next box: around the best few trials (``best_params``, the best first),
        in each axis's own scale (its unit position: log for α), inside the ``last`` box and at
        most 1/``shrink`` of its width on every axis, so that each round looks closer. Centred on
        the trials' mean position, moved as little as needed to hold the best trial; widened by
        ``margin`` of the last box on each side where the trials lie closer together."""
        if not best_params:
            raise ValueError("pick at least one trial to draw a box around")
        box = {}
        for a in self.axes:
            u = np.asarray(a.to_unit([p[a.name] for p in best_params]), dtype=float)
            lo_last, hi_last = sorted(float(x) for x in a.to_unit([float(v) for v in last[a.name]]))
            span = hi_last - lo_last
            width = min(float(u.max() - u.min()) + 2 * margin * span, span / shrink)
            lo = float(np.mean(u)) - width / 2
            lo = min(max(lo, float(u[0]) - width), float(u[0]))  # the best trial stays inside
            lo = min(max(lo, lo_last), hi_last - width)  # and the box inside the last one
            low, high = sorted(float(x) for x in a.from_unit([lo, lo + width]))
            box[a.name] = (low, high)
        return box

    def to_dict(self) -> dict[str, Any]:
        return {"axes": [a.to_dict() for a in self.axes]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchSpace:
        if not isinstance(data, Mapping) or not isinstance(data.get("axes"), list):
            raise ValueError("a search space must be a JSON object with a list of axes")
        return cls(Axis.from_dict(a) for a in data["axes"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchSpace) and self.axes == other.axes

    def __repr__(self) -> str:
        return f"SearchSpace({list(self.axes)!r})"


def distinct_counts(trials_params: Iterable[Mapping[str, Any]], names: Iterable[str],
                    ) -> dict[str, int]:
    """How many distinct values of each named axis these trials tried (a 5 × 5 grid: 5 and 5;
    25 random trials: 25 and 25)."""
    try:
        params, names = list(trials_params), list(names)
    except TypeError:
        raise ValueError("trials_params and names must be lists (of trials' params, of "
                         "hyperparameter names)") from None
    if isinstance(trials_params, (str, bytes, dict)) or not all(isinstance(p, Mapping) for p in params):
        raise ValueError(f"trials_params must be a list of each trial's params, got {trials_params!r:.40}")
    if isinstance(names, (str, bytes)) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"names must be hyperparameter names, got {names!r:.40}")
    try:
        return {n: len({p[n] for p in params if n in p}) for n in names}
    except TypeError:  # a value that cannot be told apart (a list): not a trial's hyperparameter
        raise ValueError("trials_params must hold numbers or names, one per hyperparameter") from None


__all__ = ["AXES", "AXIS_NAMES", "AXIS_SCALES", "LABELS", "MAX_BUDGET", "NOTES_ORDER", "NOTES_TIERS", "Axis",
           "SearchSpace", "distinct_counts"]
