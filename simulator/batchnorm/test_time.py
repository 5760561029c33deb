"""Batch norm at test time: the EWA the notes define, and a forward pass with the formulas
written out, normalizing three ways (``MODES``), with the values the test-time table shows.

- "ewa": with the exponentially weighted averages of the mini-batch statistics;
- "single": each example is its own batch of one, so mu = z and sigma^2 = 0, z_norm = 0 and
  z_tilde = beta exactly, for every example;
- "population": with mu and sigma^2 of the whole training set under the current weights.

Qt-free and deterministic, like the rest of ``simulator``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..nn import MLP, batch_statistics, softmax
from ..validation import check_range

MODES = ("ewa", "single", "population")
Stats = list[tuple[np.ndarray, np.ndarray]]  # (mu, sigma^2) per BN layer
TABLE_ROWS = ("mu", "var", "z", "z_norm", "z_tilde")  # one unit's values per mode


def ewa_stats(model: MLP, corrected: bool) -> Stats:
    """(mu, sigma^2) per BN layer from the EWA, as the course defines it: started at 0.

    The model's running statistics start at mean 0 and variance 1 (Keras' and PyTorch's choice),
    so the zero-started EWA of sigma^2 is running_var - momentum^t (see ``BatchNorm``); the EWA
    of mu started at 0 already. ``corrected`` divides by (1 - momentum^t), the bias correction.
    Before any batch (t = 0) both give the model's running statistics.
    """
    out = []
    for bn in model.bn_layers:
        if corrected or bn.decay >= 1.0:
            out.append((bn.running_mean_corrected, bn.running_var_corrected))
        else:
            out.append((bn.running_mean.copy(), bn.running_var - bn.decay))
    return out


def _activation(model: MLP, z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0) if model.activation == "relu" else np.tanh(z)


def forward_with_stats(
    model: MLP,
    X: np.ndarray,
    mode: str,
    stats: Stats | None = None,
) -> tuple[np.ndarray, list[dict[str, np.ndarray]]]:
    """Test-time logits (m, C) of X and, per hidden layer, z, mu, sigma^2, z_norm, z_tilde, a.

    mode "ewa" or "population": normalize with ``stats`` (one (mu, sigma^2) per BN layer).
    mode "single": each example is its own batch of one, so mu = z and sigma^2 = 0, z_norm = 0 and
    z_tilde = beta exactly. mode "batch": X is one batch, normalized with its own statistics.
    The formulas are written out as in the notes (z_norm = (z - mu) / sqrt(sigma^2 + eps), z_tilde
    = gamma z_norm + beta) rather than folded into the weights, so the values shown are the ones
    computed.
    """
    if mode not in (*MODES, "batch"):
        raise ValueError(f"mode must be one of {', '.join((*MODES, 'batch'))}, got {mode!r}")
    if mode in ("ewa", "population") and stats is None:
        raise ValueError(f"mode {mode!r} needs statistics")
    a = np.asarray(X, dtype=np.float64)
    layers: list[dict[str, np.ndarray]] = []
    k = 0
    for dense, bn in model.hidden_layers:
        z = dense.forward(a)
        if bn is None:
            a = _activation(model, z)
            layers.append({"z": z, "z_tilde": z, "a": a})
            continue
        if mode == "single":
            mu, var = z.copy(), np.zeros_like(z)
        elif mode == "batch":
            mu, var = batch_statistics(z)
        else:
            mu, var = (np.asarray(s, dtype=np.float64) for s in stats[k])
        k += 1
        # A zero-started, uncorrected EWA of sigma^2 can dip a hair below 0 by rounding.
        var = np.maximum(var, 0.0)
        z_norm = (z - mu) / np.sqrt(var + bn.eps)
        z_tilde = bn.gamma * z_norm + bn.beta
        a = _activation(model, z_tilde)
        layers.append({"z": z, "mu": np.broadcast_to(mu, z.shape), "var": np.broadcast_to(var, z.shape),
                       "z_norm": z_norm, "z_tilde": z_tilde, "a": a})
    return model.output_layer.forward(a), layers


def accuracy(model: MLP, X: np.ndarray, y: np.ndarray, mode: str, stats: Stats | None) -> float:
    """The fraction of X classified as y with BN normalized as ``mode``; ValueError without
    examples."""
    if len(y) == 0:
        raise ValueError("accuracy needs at least 1 example, got 0")
    with np.errstate(all="ignore"):
        logits, _ = forward_with_stats(model, X, mode, stats)
    return float(np.mean(np.argmax(logits, axis=1) == y))


def own_batches(model: MLP, X: np.ndarray, y: np.ndarray, batch_size: int, layer: int,
                unit: int) -> dict[str, Any]:
    """X in batches of ``batch_size`` (fixed order), each normalized with its own statistics:
    per batch, mu and sigma^2 of hidden layer ``layer``'s ``unit``, and the overall accuracy."""
    bs = int(check_range("test batch size", batch_size, low=1))
    mus, vars_, correct = [], [], 0
    with np.errstate(all="ignore"):
        for start in range(0, len(y), bs):
            logits, layers = forward_with_stats(model, X[start:start + bs], "batch")
            mus.append(float(layers[layer]["mu"][0, unit]))
            vars_.append(float(layers[layer]["var"][0, unit]))
            correct += int(np.sum(np.argmax(logits, axis=1) == y[start:start + bs]))
    acc = correct / len(y) if len(y) else float("nan")
    return {"mu": np.array(mus), "var": np.array(vars_), "accuracy": acc}


def three_ways(model: MLP, x: np.ndarray, stats_by_mode: dict[str, Stats | None]) -> dict[str, Any]:
    """One example x (features,) normalized each way in ``MODES``: per mode the hidden values,
    the class probabilities and the predicted class."""
    out: dict[str, Any] = {}
    for mode in MODES:
        with np.errstate(all="ignore"):
            logits, layers = forward_with_stats(model, x[None, :], mode, stats_by_mode[mode])
        p = softmax(logits)[0]
        out[mode] = {"layers": layers, "proba": p, "predicted": int(np.argmax(p))}
    return out


def table_values(ways: dict[str, Any], accuracies: dict[str, float], layer: int,
                 unit: int, unseen: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    """The test-time table, per mode: one unit's ``TABLE_ROWS`` (mu and sigma^2 used, z, z_norm,
    z_tilde), the predicted class, its probability and the mode's test accuracy. A mode in
    ``unseen`` has no statistics yet: its row keeps z and is NaN elsewhere, prediction None."""
    table = {}
    for mode in MODES:
        w = ways[mode]
        values = w["layers"][layer]
        row: dict[str, Any] = {key: float(values[key][0, unit]) for key in TABLE_ROWS}
        row["predicted"] = w["predicted"]
        row["p"] = float(w["proba"][w["predicted"]])
        row["accuracy"] = float(accuracies[mode])
        if mode in unseen:
            row = {**{key: float("nan") for key in row}, "z": row["z"], "predicted": None}
        table[mode] = row
    return table


SAME_ACCURACY = 0.03  # EWA and population accuracies this close count as "nearly the same"


def compare_ewa(ewa: float, population: float, close: float = SAME_ACCURACY) -> str:
    """How test time with the EWA fares against the population statistics: "same" (within
    ``close``), "lower", "higher", or "unknown" when either accuracy is NaN (no batch yet)."""
    if not (np.isfinite(ewa) and np.isfinite(population)):
        return "unknown"
    if abs(ewa - population) <= close:
        return "same"
    return "lower" if ewa < population else "higher"
