"""The scale lesson as an engine object that steps: ``ScaleRun`` draws one batch of α and β,
uniformly and on a log scale, per ``step()``, and keeps the draws and their histograms.

Each of the four kinds (α or β, uniform or log) has its own random stream spawned from the seed,
so its draws do not depend on the other kinds or on the batch size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..validation import check_int, check_range
from .scale import LogAxis

PARAMS = ("alpha", "beta")
SCALES = ("uniform", "log")
KINDS = tuple((p, s) for p in PARAMS for s in SCALES)
BATCH = 20  # draws of each kind per step
MAX_DRAWS = 100_000
MAX_SEED = 999_999  # a seed the user reads and types
SYMBOLS = {"alpha": "α", "beta": "β"}
ALPHA_LIMITS = (1e-10, 1000.0)  # the α range the lesson offers (the log scale needs α > 0)
MAX_ROWS = 5  # decades in the table; lower ones share its last row


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def _pair(name: str, value: Any) -> tuple[float, float]:
    """A range (low, high) of two numbers; a JSON list is read as one."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError(f"{name} must be [low, high], got {value!r}")
    return _number(f"{name} low", value[0]), _number(f"{name} high", value[1])


def _whole(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    return value


@dataclass(frozen=True)
class ScaleSettings:
    """The lesson's settings: the α and β ranges as (low, high), the draws of each kind, and the
    seed. Checked when made: a bad value raises ValueError naming it and its allowed range."""

    alpha: tuple[float, float] = (1e-4, 1.0)
    beta: tuple[float, float] = (0.9, 0.999)
    draws: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        for param in PARAMS:  # a list read from JSON becomes a tuple; the axis checks the range
            object.__setattr__(self, param, _pair(SYMBOLS[param], getattr(self, param)))
            self.axis(param)
        check_range("α low", self.alpha[0], ALPHA_LIMITS[0], None)
        check_range("α high", self.alpha[1], None, ALPHA_LIMITS[1])
        check_int("number of draws", self.draws, 1, MAX_DRAWS)
        check_int("seed", self.seed, 0, MAX_SEED)

    def axis(self, param: str) -> LogAxis:
        """α's or β's range on its log axis."""
        return LogAxis(param, *getattr(self, param))

    def replace(self, **changes: Any) -> ScaleSettings:
        return replace(self, **changes)

    def with_end(self, param: str, end: str, value: float) -> ScaleSettings:
        """The settings with one end ("low" or "high") of α's or β's range changed. A bad value
        raises ValueError naming that end and the range it may take, given the other end."""
        low, high = getattr(self, param)
        name = f"{SYMBOLS[param]} {end}"
        alpha = param == "alpha"
        if end == "low":  # α > 0 for its log (and not below ALPHA_LIMITS); β may be 0
            value = check_range(name, value, 0.0, high, low_open=alpha, high_open=True)
            pair = (check_range(name, value, ALPHA_LIMITS[0] if alpha else 0.0, high, high_open=True),
                    high)
        elif end == "high":
            top = ALPHA_LIMITS[1] if alpha else 1.0
            pair = (low, check_range(name, value, low, top, low_open=True, high_open=not alpha))
        else:
            raise ValueError(f"end must be 'low' or 'high', got {end!r}")
        return replace(self, **{param: pair})

    def to_dict(self) -> dict[str, Any]:
        return {"alpha": list(self.alpha), "beta": list(self.beta), "draws": self.draws,
                "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScaleSettings:
        """Settings from ``to_dict``'s form; keys it does not name keep the defaults. Unknown keys,
        wrong types and bad values raise TypeError or ValueError."""
        unknown = set(data) - {"alpha", "beta", "draws", "seed"}
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; expected alpha, beta, draws, seed")
        d = dict(data)
        for key, name in (("draws", "number of draws"), ("seed", "seed")):
            if key in d:
                d[key] = _whole(name, d[key])
        return cls(**d)


class Tally:
    """Counts of values (in u) per interval between ``edges``, added a batch at a time so a step
    costs the same after 100 draws as after 100,000. Values just outside (rounding) count in the
    end intervals."""

    def __init__(self, edges: np.ndarray) -> None:
        self.edges = np.asarray(edges, dtype=float)
        self.counts = np.zeros(len(self.edges) - 1, dtype=np.int64)

    def add(self, u: np.ndarray) -> None:
        i = np.searchsorted(self.edges, u, side="right") - 1
        i = np.clip(i, 0, len(self.counts) - 1)
        self.counts += np.bincount(i, minlength=len(self.counts))


class ScaleRun:
    """α and β drawn uniformly and on a log scale, one batch of each per ``step()``, up to
    ``settings.draws`` of each. ``values(param, scale)`` are the draws so far; ``bins`` and
    ``decades`` are their tallies in u (see ``LogAxis``)."""

    def __init__(self, settings: ScaleSettings | None = None, batch: int = BATCH) -> None:
        self.settings = settings if settings is not None else ScaleSettings()
        self.batch = check_int("batch", batch, 1, None)
        self.axes = {p: self.settings.axis(p) for p in PARAMS}
        self.reset()

    def reset(self) -> None:
        """Back to no draws; the same seed gives the same draws again."""
        streams = np.random.SeedSequence(self.settings.seed).spawn(len(KINDS))
        self._rng = {k: np.random.default_rng(s) for k, s in zip(KINDS, streams, strict=True)}
        self._values = {k: np.empty(self.settings.draws) for k in KINDS}
        self.bins = {k: Tally(self.axes[k[0]].bin_edges()) for k in KINDS}
        self.decades = {k: Tally(self.axes[k[0]].decade_edges()) for k in KINDS}
        self.drawn = 0
        self.iteration = 0

    @property
    def done(self) -> bool:
        return self.drawn >= self.settings.draws

    def step(self) -> int:
        """Draw one batch of each kind (fewer for the last); returns how many (0 when done)."""
        n = min(self.batch, self.settings.draws - self.drawn)
        if n <= 0:
            return 0
        for kind in KINDS:
            axis = self.axes[kind[0]]
            v = axis.draw(kind[1], n, self._rng[kind])
            self._values[kind][self.drawn:self.drawn + n] = v
            u = axis.coordinate(v)
            self.bins[kind].add(u)
            self.decades[kind].add(u)
        self.drawn += n
        self.iteration += 1
        return n

    def values(self, param: str, scale: str) -> np.ndarray:
        """The draws of one kind so far (a view)."""
        return self._values[(param, scale)][: self.drawn]

    def expected_counts(self, param: str, scale: str, n: int | None = None) -> np.ndarray:
        """What each histogram bar should hold on average after n draws (default: so far)."""
        n = self.drawn if n is None else n
        axis = self.axes[param]
        return n * axis.expected_shares(self.bins[(param, scale)].edges, scale)

    def decade_table(self, param: str, max_rows: int = MAX_ROWS) -> list[dict[str, Any]]:
        """One row per decade of α (or of 1 − β), the top one first: its α or β range, and for
        each scale the count, the share so far (NaN before any draw) and the expected share.
        Beyond ``max_rows`` decades, the last row holds all the lower ones."""
        axis = self.axes[param]
        edges = self.decades[(param, "uniform")].edges
        tops = list(range(len(edges) - 1, 0, -1))  # the upper edge of each decade, top first
        groups = [(j - 1, j) for j in tops[: max_rows - 1]]
        if len(tops) >= max_rows:
            groups.append((0, tops[max_rows - 1]))
        rows = []
        for lo, hi in groups:
            row: dict[str, Any] = {"range": axis.interval(edges[lo], edges[hi])}
            for scale in SCALES:
                count = int(self.decades[(param, scale)].counts[lo:hi].sum())
                row[scale] = {"count": count,
                              "share": count / self.drawn if self.drawn else math.nan,
                              "expected": float(axis.expected_shares(edges[[lo, hi]], scale)[0])}
            rows.append(row)
        return rows

    def last_draw(self, param: str, scale: str) -> dict[str, float] | None:
        """The latest draw of a kind with its r = u (log10 α or log10(1 − β)), or None."""
        if not self.drawn:
            return None
        v = float(self._values[(param, scale)][self.drawn - 1])
        return {"value": v, "r": float(self.axes[param].coordinate(v))}

    def rows(self) -> list[tuple[str, str, float]]:
        """Every draw so far as (param, scale, value), kind by kind, in the order drawn."""
        return [(p, s, float(v)) for p, s in KINDS for v in self.values(p, s)]
