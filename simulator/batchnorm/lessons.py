"""What the batch-norm lab shows beyond the statistics: covariate shift at fixed moments, the
noise batch norm adds (its slight regularization) against the mini-batch size, the chain
X -> z -> z_tilde -> a for one unit, and gamma and beta set to undo the normalization.

Qt-free and deterministic, like the rest of ``simulator``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..nn import MLP, BatchNorm
from .records import histogram
from .test_time import _activation

SHIFT_MOMENTS = (0, 50, 200, 800)  # iterations at which the deepest layer's values are kept
NOISE_SIZES = (2, 4, 8, 16, 32, 64, 128)  # mini-batch sizes of ``batch_noise``
NOISE_DRAWS = 48  # random mini-batches per size


@dataclass
class Moments:
    """The deepest hidden layer's values over the training set at the iterations of
    ``SHIFT_MOMENTS``: z_tilde for the twin with batch norm, z for the one without (the values
    each passes to its activation, what the next layer's input is made of)."""

    iterations: list[int] = field(default_factory=list)
    bn: list[np.ndarray] = field(default_factory=list)  # (m, units) per moment
    plain: list[np.ndarray] = field(default_factory=list)

    def capture(self, iteration: int, bn: np.ndarray, plain: np.ndarray) -> None:
        self.iterations.append(int(iteration))
        self.bn.append(np.array(bn, dtype=float))
        self.plain.append(np.array(plain, dtype=float))

    def histograms(self, twin: str, unit: int, bins: int = 30) -> dict[str, Any]:
        """One unit's histogram at each kept moment, over one range shared by the moments:
        ``edges`` (bins + 1), ``counts`` (one array per moment) and ``iterations``."""
        values = [v[:, unit] for v in getattr(self, twin)]
        finite = np.concatenate(values)[np.isfinite(np.concatenate(values))] if values else []
        if len(finite) == 0:
            return {"edges": np.empty(0), "counts": [], "iterations": []}
        lo, hi = float(np.min(finite)), float(np.max(finite))
        pad = max(1e-3, 0.05 * (hi - lo))
        counts = [histogram(v, lo - pad, hi + pad, bins)[1] for v in values]
        edges = histogram(values[0], lo - pad, hi + pad, bins)[0]
        return {"edges": edges, "counts": counts, "iterations": list(self.iterations)}


def moment_stats(values: list[np.ndarray], unit: int) -> list[tuple[float, float]]:
    """(mean, std) of one unit at each kept moment."""
    return [(float(np.mean(v[:, unit])), float(np.std(v[:, unit]))) for v in values]


def shift_size(values: list[np.ndarray]) -> float:
    """How far a layer's distribution moved between the first and the last kept moment,
    averaged over its units: the mean's move in units of the first std, plus the std's change
    as |log(std_last / std_first)|. 0 for a distribution that stayed put; NaN with fewer than
    two moments."""
    if len(values) < 2:
        return float("nan")
    first, last = values[0], values[-1]
    s0 = np.maximum(first.std(axis=0), 1e-12)
    moved = np.abs(last.mean(axis=0) - first.mean(axis=0)) / s0
    spread = np.abs(np.log(np.maximum(last.std(axis=0), 1e-12) / s0))
    return float(np.mean(moved + spread))


def batched_values(model: MLP, X: np.ndarray, layer: int) -> np.ndarray:
    """z_tilde of hidden layer ``layer`` for a stack of mini-batches X (draws, m, features),
    each normalized with its own mu and sigma^2 (training-mode batch norm), without touching
    the model's running statistics."""
    a = np.asarray(X, dtype=float)
    for k, (dense, bn) in enumerate(model.hidden_layers):
        z = a @ dense.W + (dense.b if dense.b is not None else 0.0)
        if bn is not None:
            mu = z.mean(axis=1, keepdims=True)
            var = z.var(axis=1, keepdims=True)
            z = bn.gamma * (z - mu) / np.sqrt(var + bn.eps) + bn.beta
        if k == layer:
            return z
        a = _activation(model, z)
    raise ValueError(f"layer must be in [0, {len(model.hidden_layers) - 1}], got {layer}")


def batch_noise(model: MLP, X: np.ndarray, layer: int, unit: int, seed: int = 0,
                sizes: tuple[int, ...] = NOISE_SIZES, draws: int = NOISE_DRAWS,
                example: int = 0) -> dict[str, np.ndarray]:
    """How much batch norm's z_tilde of one example depends on the mini-batch it lands in: for
    each size m, the example joined by m - 1 others drawn at random, ``draws`` times; the
    standard deviation of its z_tilde at (layer, unit) over the draws. This noise is batch
    norm's slight regularization; it shrinks like 1 / sqrt(m). Sizes above the training set
    are left out."""
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(seed)
    kept, stds = [], []
    others = np.delete(np.arange(len(X)), example)
    # One random order of the others per draw: its first m - 1 are a sample without replacement.
    order = others[np.argsort(rng.random((draws, len(others))), axis=1)]
    for m in sizes:
        if m > len(X) or m < 2:
            continue
        idx = order[:, :m - 1]
        batch = np.concatenate([np.repeat(X[None, example:example + 1], draws, axis=0),
                                X[idx]], axis=1)
        with np.errstate(all="ignore"):
            values = batched_values(model, batch, layer)[:, 0, unit]
        kept.append(m)
        stds.append(float(np.std(values)))
    return {"sizes": np.array(kept, dtype=int), "std": np.array(stds)}


def chain(model: MLP, layer: int, unit: int) -> dict[str, Any]:
    """The notes' chain for the first example of the last training mini-batch, at (layer,
    unit): the layer's input (X for the first layer, else the previous layer's a), z, z_norm,
    and z_tilde and a with the current gamma and beta; whether the layer has a bias b (it has
    none when batch norm follows). Empty before any training pass."""
    hidden = model.hidden
    if len(hidden) <= layer or not len(hidden[layer].z):
        return {}
    dense, bn = model.hidden_layers[layer]
    inputs = model.layer_inputs
    x = np.asarray(inputs[layer][0], dtype=float) if len(inputs) > layer else np.empty(0)
    z = float(hidden[layer].z[0, unit])
    out: dict[str, Any] = {"input": x, "z": z, "z_tilde": z, "has_b": dense.b is not None}
    if bn is not None:  # with today's gamma and beta (Undo may have changed them since)
        out["z_norm"] = (z - float(bn.batch_mean[unit])) / math.sqrt(float(bn.batch_var[unit])
                                                                     + bn.eps)
        out["z_tilde"] = float(bn.gamma[unit] * out["z_norm"] + bn.beta[unit])
    out["a"] = float(_activation(model, np.array(out["z_tilde"])))
    return out


def layer_chain(model: MLP, layer: int) -> dict[str, np.ndarray]:
    """The notes' chain for a whole hidden layer on the last training mini-batch: z (m, units),
    z_norm = (z − μ) / √(σ² + ε) with that batch's μ and σ² (every unit's mean 0, variance about
    1), z̃ = γ z_norm + β with the γ and β of that pass, and a = g(z̃); each (m, units). Empty
    before any training pass; z_norm is z itself without batch norm."""
    hidden = model.hidden
    if not 0 <= layer < len(model.hidden_layers):
        raise ValueError(f"layer must be in [0, {len(model.hidden_layers) - 1}], got {layer}")
    if len(hidden) <= layer or not len(hidden[layer].z):
        return {}
    h = hidden[layer]
    bn = model.hidden_layers[layer][1]
    z = np.array(h.z, dtype=float)
    z_norm = z if bn is None else (z - bn.batch_mean) / np.sqrt(bn.batch_var + bn.eps)
    return {"z": z, "z_norm": z_norm, "z_tilde": np.array(h.z_tilde, dtype=float),
            "a": np.array(h.a, dtype=float)}


def undo_normalization(bn: BatchNorm) -> None:
    """gamma = sqrt(sigma^2 + eps) and beta = mu of the last mini-batch, in place (they are views
    into the model's flat parameters): z_tilde = gamma z_norm + beta = z for that batch. Batch
    norm can learn to undo itself, so it never takes expressiveness away. ValueError before the
    first mini-batch, when there is no mu or sigma^2."""
    if bn.t == 0:
        raise ValueError("no mini-batch has been normalized yet: run at least one before "
                         "setting γ and β from its μ and σ²")
    bn.gamma[...] = np.sqrt(bn.batch_var + bn.eps)
    bn.beta[...] = bn.batch_mean


__all__ = ["SHIFT_MOMENTS", "NOISE_SIZES", "Moments", "moment_stats", "shift_size",
           "batched_values", "batch_noise", "chain", "layer_chain", "undo_normalization"]
