"""What the tuning views show, computed from the trials: the best score so far, marginals along each
axis, parallel coordinates and each hyperparameter's importance (Optuna's standard views).

Everything is on each axis's own scale (its unit position, see ``Axis.to_unit``), and nothing
returned is NaN: empty bins are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..validation import check_int
from .space import NOTES_ORDER, Axis, SearchSpace, distinct_counts

MAX_BINS = 10


def _axes(axes: SearchSpace | Iterable[Axis]) -> list[Axis]:
    return list(axes.axes if isinstance(axes, SearchSpace) else axes)


def best_so_far(scores: Sequence[float]) -> np.ndarray:
    """The best score among trials 1..i for each i: the history view's line (NaN counts as
    nothing found; before any number, the first one)."""
    s = np.asarray(scores, dtype=float)
    if s.size == 0:
        return s
    s = np.where(np.isfinite(s), s, -np.inf)
    out = np.maximum.accumulate(s)
    first = np.isfinite(out)
    return np.where(first, out, out[first][0] if first.any() else 0.0)


@dataclass(frozen=True)
class Marginal:
    """Mean score per bin along an axis: bin centres as values ``x`` and unit positions ``u``,
    the ``mean`` score and the ``count`` of trials in each non-empty bin."""

    x: np.ndarray
    u: np.ndarray
    mean: np.ndarray
    count: np.ndarray


def default_bins(n: int) -> int:
    """About √n bins, between 2 and MAX_BINS (25 trials: 5)."""
    return int(min(MAX_BINS, max(2, round(np.sqrt(max(n, 1))))))


def _bin_index(axis: Axis, values: Any, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Each value's bin and every bin's centre in u. A discrete axis with at most MAX_BINS
    values has one bin per value, whatever ``bins`` says."""
    u = np.clip(axis.to_unit(values), 0.0, 1.0)
    if axis.discrete and len(axis.values) <= MAX_BINS:
        centres = axis.to_unit(axis.values)
        return np.abs(u[:, None] - centres[None, :]).argmin(axis=1), centres
    return np.minimum((u * bins).astype(int), bins - 1), (np.arange(bins) + 0.5) / bins


def marginal(values: Sequence[float], scores: Sequence[float], axis: Axis,
             bins: int | None = None) -> Marginal:
    """The mean score per bin of equal width along the axis's own scale (log for α, 1 − β log for
    β), ``bins`` defaulting to ``default_bins``; one bin per value on a small discrete axis. A
    hyperparameter's effect as a curve."""
    scores = np.asarray(scores, dtype=float)
    bins = default_bins(len(scores)) if bins is None else check_int("bins", bins, 1, 1000)
    if len(scores) == 0:
        empty = np.empty(0)
        return Marginal(empty, empty, empty, np.empty(0, dtype=int))
    idx, centres = _bin_index(axis, values, bins)
    count = np.bincount(idx, minlength=len(centres))
    total = np.bincount(idx, weights=scores, minlength=len(centres))
    keep = count > 0
    u = centres[keep]
    if axis.discrete and len(centres) == len(axis.values):
        x = np.asarray(axis.values, dtype=float)[keep]
    else:
        x = np.asarray(axis.from_unit(u), dtype=float)
    return Marginal(x, u, total[keep] / count[keep], count[keep])


def explained(values: Sequence[float], scores: Sequence[float], axis: Axis,
              bins: int | None = None) -> float:
    """The share of the score's variance that its marginal along this axis explains: the
    between-bin sum of squares over the total, less what k bins of pure noise would explain
    (ε², the correlation ratio η² corrected for its bias: with 16 trials in 4 bins, η² of an axis
    that does nothing is 0.2 on average). 0 if the scores are equal or nothing is explained."""
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    total = float(np.sum((scores - scores.mean()) ** 2)) if n else 0.0
    if total <= 0.0:
        return 0.0
    m = marginal(values, scores, axis, bins)
    between, k = float(np.sum(m.count * (m.mean - scores.mean()) ** 2)), len(m.count)
    noise = (k - 1) * (total - between) / (n - k) if n > k else 0.0
    return max(0.0, between - noise) / total


def importance(trials: Sequence[Any], axes: SearchSpace | Iterable[Axis],
               bins: int | None = None) -> dict[str, float]:
    """Each hyperparameter's measured importance: the share of the score's variance its marginal
    explains, normalized to sum to 1 (equal shares if no axis explains any). ``trials`` have
    ``params`` and ``score`` (``Trial``s); diverged ones count with their score."""
    axes = _axes(axes)
    scores = [t.score for t in trials]
    raw = {a.name: explained([t.params[a.name] for t in trials], scores, a, bins) for a in axes}
    total = sum(raw.values())
    if total <= 0.0:
        return {name: 1.0 / len(raw) for name in raw}
    return {name: v / total for name, v in raw.items()}


def ranking(shares: dict[str, float]) -> list[str]:
    """Axis names by measured importance, largest first (ties in the notes' order)."""
    return sorted(shares, key=lambda n: (-shares[n], NOTES_ORDER.index(n)))


def notes_rank(names: Iterable[str]) -> list[str]:
    """These axis names in the notes' order of importance (α first, ε last)."""
    return sorted(names, key=NOTES_ORDER.index)


def history(trials: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(trial numbers from 1, scores, best so far): the history view."""
    scores = np.array([t.score for t in trials], dtype=float)
    return np.arange(1, len(scores) + 1), scores, best_so_far(scores)


def slices(trials: Sequence[Any], axes: SearchSpace | Iterable[Axis]) -> dict[str, dict[str, np.ndarray]]:
    """Per axis, each trial's value, its unit position and its score: the slice views."""
    scores = np.array([t.score for t in trials], dtype=float)
    out = {}
    for a in _axes(axes):
        v = np.array([t.params[a.name] for t in trials], dtype=float)
        out[a.name] = {"value": v, "u": a.to_unit(v), "score": scores}
    return out


def parallel_coordinates(trials: Sequence[Any], axes: SearchSpace | Iterable[Axis],
                         ) -> tuple[np.ndarray, np.ndarray]:
    """(U, scores): U[i, j] is trial i's unit position on axis j (one line per trial across the
    axes), scores colour the lines."""
    axes = _axes(axes)
    U = np.array([[float(a.to_unit(t.params[a.name])) for a in axes] for t in trials], dtype=float)
    return U.reshape(len(trials), len(axes)), np.array([t.score for t in trials], dtype=float)


def colour_positions(scores: Sequence[float]) -> np.ndarray:
    """Scores mapped to [0, 1] for a colour map (worst 0, best 1; all 0.5 if they are equal)."""
    s = np.asarray(scores, dtype=float)
    if s.size == 0:
        return s
    lo, hi = float(s.min()), float(s.max())
    return np.full_like(s, 0.5) if hi <= lo else (s - lo) / (hi - lo)


__all__ = ["MAX_BINS", "Marginal", "best_so_far", "colour_positions", "default_bins", "distinct_counts",
           "explained", "history", "importance", "marginal", "notes_rank", "parallel_coordinates",
           "ranking", "slices"]
