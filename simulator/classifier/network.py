"""What the network view shows: each hidden unit's activation over the plane (as TensorFlow
Playground draws it), and the input plane's grid warped into two hidden units (as ConvNetJS)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..training import ClassifierTrainer, featurize

UNIT_GRID = 40  # resolution of the hidden-unit heatmaps
MAX_UNIT_MAPS = 12  # heatmaps shown per hidden layer
GRID_LINES = 13  # lines each way in the warped grid
LINE_POINTS = 80  # points along each line


@dataclass(frozen=True)
class UnitMaps:
    """One hidden layer's shown units: ``values[u]`` is unit u's activation a over an n x n grid
    of the plane, [iy, ix]; ``levels[u]`` the (low, high) its colour scale spans: tanh's
    (-1, 1), or from 0 to the unit's largest value for ReLU."""

    values: np.ndarray  # (units, n, n)
    levels: np.ndarray  # (units, 2)


def unit_maps(trainer: ClassifierTrainer, n: int = UNIT_GRID,
              max_units: int = MAX_UNIT_MAPS) -> list[UnitMaps]:
    """Every hidden layer's first ``max_units`` units over the plane; [] without hidden layers."""
    if not trainer.settings.hidden:
        return []
    _, _, pts = trainer.data.grid(n, dtype=np.float32)
    tanh = trainer.settings.activation == "tanh"
    out = []
    for h in trainer.model.hidden_values(featurize(pts, trainer.settings.features)):
        shown = min(h.a.shape[1], max_units)
        values = np.ascontiguousarray(h.a[:, :shown].T).reshape(shown, n, n)
        if tanh:
            levels = np.tile([-1.0, 1.0], (shown, 1))
        else:
            levels = np.column_stack([np.zeros(shown),
                                      np.maximum(values.reshape(shown, -1).max(axis=1), 1e-6)])
        out.append(UnitMaps(values, levels))
    return out


@dataclass(frozen=True)
class Warp:
    """The input plane's grid lines and the training points, mapped into units ``i`` and ``j``
    of hidden layer ``layer`` (all 0-based, clamped to the network's sizes)."""

    layer: int
    i: int
    j: int
    grid_x: np.ndarray  # the lines as one polyline, NaN between lines
    grid_y: np.ndarray
    points: np.ndarray  # (m, 2) the training points' (a_i, a_j)


def warp(trainer: ClassifierTrainer, layer: int, i: int, j: int, lines: int = GRID_LINES,
         samples: int = LINE_POINTS) -> Warp:
    """The plane's grid bent by the network up to hidden layer ``layer``. The softmax layer
    draws straight boundaries in the space of the last hidden layer. ValueError without hidden
    layers."""
    hidden = trainer.settings.hidden
    if not hidden:
        raise ValueError("softmax regression has no hidden layer to warp the plane into")
    layer = min(max(int(layer), 0), len(hidden) - 1)
    i = min(max(int(i), 0), hidden[layer] - 1)
    j = min(max(int(j), 0), hidden[layer] - 1)
    x0, x1, y0, y1 = trainer.data.domain
    s = np.linspace(0, 1, samples)
    polylines = []
    for v in np.linspace(0, 1, lines):
        polylines.append(np.column_stack([x0 + s * (x1 - x0), np.full_like(s, y0 + v * (y1 - y0))]))
        polylines.append(np.column_stack([np.full_like(s, x0 + v * (x1 - x0)), y0 + s * (y1 - y0)]))
    features = trainer.settings.features
    a = trainer.model.hidden_values(featurize(np.concatenate(polylines), features))[layer].a
    gap = np.full((len(polylines), 1), np.nan)
    gx = np.hstack([a[:, i].reshape(len(polylines), -1), gap]).ravel()
    gy = np.hstack([a[:, j].reshape(len(polylines), -1), gap]).ravel()
    if len(trainer.y_train):
        b = trainer.model.hidden_values(trainer.F_train)[layer].a
        points = np.column_stack([b[:, i], b[:, j]])
    else:
        points = np.empty((0, 2))
    return Warp(layer, i, j, gx, gy, points)


__all__ = ["UNIT_GRID", "MAX_UNIT_MAPS", "UnitMaps", "unit_maps", "Warp", "warp"]
