"""What the tuning page's plots need from a search space beyond ``Axis.to_unit``: where to put
the tick marks of an axis drawn on its own scale. Qt-free, like the rest of ``simulator``.

A plot draws each axis in unit positions u in [0, 1] (``Axis.to_unit``); ``axis_ticks`` gives the
values worth a label along it (whole decades of α, 0.9/0.99/0.999 for β, powers of two for units)
with their positions.
"""

from __future__ import annotations

import math

import numpy as np

from .space import Axis

MAX_TICKS = 5  # a narrow plot (two side by side at 1280 px) has room for five value labels


def _decades(low: float, high: float) -> list[float]:
    k0, k1 = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    return [10.0**k for k in range(k0, k1 + 1)]


def _nice(low: float, high: float, n: int = 5) -> list[float]:
    """Round numbers between low and high, about n of them (1, 2 or 5 times a power of ten)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int((high - first) / step + 1e-9) + 1)]


def _candidates(axis: Axis) -> list[float]:
    lo, hi = axis.low, axis.high
    if axis.scale == "log":
        return _decades(lo, hi)
    if axis.scale == "one_minus_log":
        return [1.0 - d for d in _decades(1.0 - hi, 1.0 - lo)][::-1]
    if axis.discrete:
        return [float(v) for v in axis.values]
    return _nice(lo, hi)


def _thin(values: list[float], most: int) -> list[float]:
    """Every k-th value (the first and last kept) so that at most ``most`` remain."""
    if len(values) <= most:
        return values
    k = math.ceil((len(values) - 1) / (most - 1))
    kept = values[::k]
    return kept if kept[-1] == values[-1] else kept + [values[-1]]


def axis_ticks(axis: Axis, most: int = MAX_TICKS) -> list[tuple[float, float]]:
    """(u, value) pairs to label along ``axis`` drawn in unit positions, ends of the range added
    when fewer than two round values fall inside it (α in [0.002, 0.05] gets 0.002, 0.01, 0.05)."""
    values = _thin(_candidates(axis), most)
    if len(values) < 3 and not axis.discrete:
        values = sorted({axis.low, *values, axis.high})
    u = axis.to_unit(np.asarray(values, dtype=float))
    return [(float(p), float(v)) for p, v in zip(u, values, strict=True)
            if np.isfinite(p) and -1e-9 <= p <= 1 + 1e-9]


__all__ = ["axis_ticks"]
