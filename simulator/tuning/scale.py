"""Using an appropriate scale to pick hyperparameters (the notes' "scale" lesson).

α in [0.0001, 1] drawn uniformly puts about 90% of the values in [0.1, 1]; drawn on a log scale
(r = −4·rand, α = 10^r) it puts a quarter in each decade. β in [0.9, 0.999] is drawn through
1 − β = 10^r, because the average an EWA takes, about 1 / (1 − β) values, is sensitive to β
near 1 and not near 0.9.

A parameter on a log axis is described by ``LogAxis``: α itself, or 1 − β for β. Its coordinate
u is log10(α) or log10(1 − β); histograms, decades and ticks are all in u.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..validation import check_int, check_range

BINS_PER_DECADE = 5  # histogram bars per decade of α or of 1 − β
MAX_BINS = 100
MAX_N = 10_000_000  # values drawn in one call (80 MB of float64)
SENSITIVITY_PAIRS = ((0.9, 0.9005), (0.999, 0.9995))  # the notes' example: same step in β


def _check_rng(rng) -> np.random.Generator:
    """``rng`` if it is a Generator. None is refused with a ValueError, as the engine draws only
    from a seeded Generator (the same seed, the same draws), like the other samplers here; any
    other type is a TypeError."""
    if rng is None:
        raise ValueError("rng must be a numpy.random.Generator, got None: pass "
                         "numpy.random.default_rng(seed) so the draws can be repeated")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _check_n(n) -> int:
    """How many values to draw: a whole number in [1, MAX_N]."""
    return check_int("n", n, 1, MAX_N)


def check_log_range(low, high, names: tuple[str, str] = ("low", "high")) -> tuple[float, float]:
    """(low, high) if 0 < low < high, both finite; else ValueError naming the value and range."""
    why = " (a log scale cannot reach 0)"
    try:
        low = check_range(names[0], low, 0.0, None, low_open=True)
    except ValueError as exc:
        raise ValueError(f"{exc}{why}") from None
    high = check_range(names[1], high, low, None, low_open=True)
    return low, high


def check_beta_range(beta_low, beta_high,
                     names: tuple[str, str] = ("beta_low", "beta_high")) -> tuple[float, float]:
    """(beta_low, beta_high) if 0 <= beta_low < beta_high < 1; else ValueError."""
    low = check_range(names[0], beta_low, 0.0, 1.0, high_open=True)
    high = check_range(names[1], beta_high, low, 1.0, low_open=True, high_open=True)
    return low, high


def uniform(low: float, high: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n values drawn uniformly in [low, high] (low < high, both finite): the naive way."""
    low = check_range("low", low)
    high = check_range("high", high, low, None, low_open=True)
    n = _check_n(n)
    return low + (high - low) * _check_rng(rng).random(n)


def log_uniform(low: float, high: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n values whose log10 is uniform in [log10 low, log10 high] (0 < low < high).

    For [0.0001, 1] this is the notes' r = −4·rand, α = 10^r: here r = b − (b − a)·rand with
    a = log10 low and b = log10 high."""
    low, high = check_log_range(low, high)
    n = _check_n(n)
    a, b = math.log10(low), math.log10(high)
    return 10.0 ** (b - (b - a) * _check_rng(rng).random(n))


def one_minus_log(beta_low: float, beta_high: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n values β = 1 − 10^r, r uniform between log10(1 − beta_high) and log10(1 − beta_low)
    (0 <= beta_low < beta_high < 1). For [0.9, 0.999], r is uniform in [−3, −1]."""
    beta_low, beta_high = check_beta_range(beta_low, beta_high)
    n = _check_n(n)
    a, b = math.log10(1.0 - beta_high), math.log10(1.0 - beta_low)
    return 1.0 - 10.0 ** (b - (b - a) * _check_rng(rng).random(n))


def averaging_window(beta):
    """About how many values an EWA with this β averages: 1 / (1 − β), β in [0, 1).
    10 at 0.9, 10.05 at 0.9005; 1000 at 0.999, 2000 at 0.9995."""
    beta = check_range("beta", beta, 0.0, 1.0, high_open=True)
    return 1.0 / (1.0 - beta)


def sensitivity(pairs=SENSITIVITY_PAIRS) -> list[dict[str, float]]:
    """For each (β, β'): both averaging windows and their ratio. The same step of 0.0005 in β
    barely moves the window near 0.9 (×1.005) and doubles it near 0.999."""
    rows = []
    for b0, b1 in pairs:
        w0, w1 = averaging_window(b0), averaging_window(b1)
        rows.append({"beta": b0, "beta_next": b1, "window": w0, "window_next": w1, "ratio": w1 / w0})
    return rows


@dataclass(frozen=True)
class LogAxis:
    """A hyperparameter's range on a log axis: α in [low, high] (``param`` "alpha": u = log10 α)
    or β in [low, high] (``param`` "beta": u = log10(1 − β), largest for the smallest β)."""

    param: str
    low: float
    high: float

    def __post_init__(self) -> None:
        if self.param == "alpha":
            check_log_range(self.low, self.high, ("α low", "α high"))
        elif self.param == "beta":
            check_beta_range(self.low, self.high, ("β low", "β high"))
        else:
            raise ValueError(f"param must be 'alpha' or 'beta', got {self.param!r}")

    @property
    def u_range(self) -> tuple[float, float]:
        """(u at the low end of the axis, u at the high end)."""
        if self.param == "alpha":
            return math.log10(self.low), math.log10(self.high)
        return math.log10(1.0 - self.high), math.log10(1.0 - self.low)

    def coordinate(self, values) -> np.ndarray:
        """u of each value: log10 α, or log10(1 − β)."""
        v = np.asarray(values, dtype=float)
        return np.log10(v if self.param == "alpha" else 1.0 - v)

    def value_at(self, u) -> np.ndarray | float:
        """The α or β whose coordinate is u."""
        y = 10.0 ** np.asarray(u, dtype=float)
        out = y if self.param == "alpha" else 1.0 - y
        return float(out) if np.ndim(out) == 0 else out

    def draw(self, scale: str, n: int, rng: np.random.Generator) -> np.ndarray:
        """n values drawn on ``scale``: "uniform" in [low, high], or "log" (as ``log_uniform``
        draws α, ``one_minus_log`` β), with the same values as those functions. The range was
        checked when the axis was made, so only n and rng are checked here (a draw is a step of
        the Scale lesson, many a frame)."""
        if scale not in ("uniform", "log"):
            raise ValueError(f"scale must be 'uniform' or 'log', got {scale!r}")
        r = _check_rng(rng).random(_check_n(n))
        if scale == "uniform":
            return self.low + (self.high - self.low) * r
        u0, u1 = self.u_range  # log10 α, or log10(1 − β) (largest for the smallest β)
        return 10.0 ** (u1 - (u1 - u0) * r) if self.param == "alpha" else 1.0 - 10.0 ** (u1 - (u1 - u0) * r)

    def bin_edges(self) -> np.ndarray:
        """Histogram edges in u: equal bars of about 1/BINS_PER_DECADE of a decade (5 to 100)."""
        u0, u1 = self.u_range
        bins = int(min(max(round(BINS_PER_DECADE * (u1 - u0)), BINS_PER_DECADE), MAX_BINS))
        return np.linspace(u0, u1, bins + 1)

    def decade_edges(self) -> np.ndarray:
        """Edges in u of the decades counted down from the axis' top end (for α in [0.0001, 1]:
        [0.1, 1], [0.01, 0.1], …); the last one is cut at the bottom end. Ascending."""
        u0, u1 = self.u_range
        k = max(1, math.ceil(u1 - u0 - 1e-9))
        return np.array([u0, *(u1 - j for j in range(k - 1, 0, -1)), u1])

    def expected_shares(self, edges: np.ndarray, scale: str) -> np.ndarray:
        """The probability of each interval between ``edges`` (in u) for draws on ``scale``:
        uniform draws are uniform in y = α or 1 − β, log draws uniform in u = log10 y."""
        edges = np.asarray(edges, dtype=float)
        u0, u1 = self.u_range
        if scale == "log":
            return np.diff(edges) / (u1 - u0)
        y = 10.0 ** edges
        return np.diff(y) / (10.0**u1 - 10.0**u0)

    def interval(self, u_a: float, u_b: float) -> tuple[float, float]:
        """The α or β range of the interval [u_a, u_b] in u, low value first."""
        a, b = self.value_at(u_a), self.value_at(u_b)
        return (a, b) if a <= b else (b, a)

    def ticks(self) -> list[tuple[float, float]]:
        """(u, value) at each whole decade inside the axis, every 2nd (3rd, …) if there are many.
        An axis with fewer than two whole decades (α in [0.02, 0.05]) is ticked at its ends and at
        the 2, 3, …, 9 times a decade between them, at most five in all, so it never goes bare."""
        u0, u1 = self.u_range
        whole = list(range(math.ceil(u0 - 1e-9), math.floor(u1 + 1e-9) + 1))
        if len(whole) < 2:
            inner = sorted({*map(float, whole), *self.minor_ticks()})
            stride = max(1, math.ceil(len(inner) / 3))
            us = [u0, *inner[stride // 2::stride], u1]
            room = 0.2 * (u1 - u0)  # an inner tick this close to an end would run into its label
            us = [u for i, u in enumerate(us) if i in (0, len(us) - 1) or min(u - u0, u1 - u) > room]
            return [(float(u), float(self.value_at(u))) for u in us]
        stride = max(1, math.ceil(len(whole) / 6))
        return [(float(u), self.value_at(u)) for u in whole[::-stride][::-1]]

    def minor_ticks(self) -> list[float]:
        """u of 2, 3, …, 9 times each decade inside the axis (when it spans 6 decades or fewer)."""
        u0, u1 = self.u_range
        if u1 - u0 > 6:
            return []
        out = [d + math.log10(k) for d in range(math.floor(u0), math.ceil(u1) + 1) for k in range(2, 10)]
        return [u for u in out if u0 < u < u1]
