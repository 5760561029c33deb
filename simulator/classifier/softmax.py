"""The notes' softmax computation, step by step, for the probe and the worked example."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..nn import softmax


def softmax_steps(z: np.ndarray, label: int | None = None) -> dict[str, Any]:
    """The notes' softmax computation for logits z: t = e^z, sum t, a = t / sum t, the hardmax
    and the predicted class, and, for a true class ``label``, the loss -log a_label and
    dz = a - y. ``t`` overflows to inf for z above ~709; ``a`` is computed stably."""
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        t = np.exp(z)
    a = softmax(z)
    hard = np.zeros_like(a)
    hard[int(np.argmax(z))] = 1.0
    out: dict[str, Any] = {"z": z, "t": t, "sum_t": float(np.sum(t)), "a": a, "hardmax": hard,
                           "predicted": int(np.argmax(z))}
    if label is not None:
        if not 0 <= int(label) < len(z):
            raise ValueError(f"label must be in [0, {len(z) - 1}], got {label}")
        onehot = np.zeros_like(a)
        onehot[int(label)] = 1.0
        out["label"] = int(label)
        out["loss"] = float(-np.log(max(a[int(label)], 1e-300)))
        out["dz"] = a - onehot
    return out


def parse_z(text: str) -> np.ndarray:
    """Logits typed as '5, 2, -1, 3' (commas, semicolons or spaces) to an array; ValueError
    naming what is not a finite number, or asking for at least two."""
    parts = [t for t in text.replace(";", ",").replace(" ", ",").split(",") if t.strip()]
    if len(parts) < 2:
        raise ValueError("type at least two numbers for z, separated by commas (e.g. 5, 2, -1, 3)")
    out = []
    for t in parts:
        try:
            v = float(t)
        except ValueError:
            raise ValueError(
                f"z must be numbers separated by commas: {t.strip()!r} is not a number") from None
        if not np.isfinite(v):
            raise ValueError(f"z must be finite numbers, got {t.strip()!r}")
        out.append(v)
    return np.array(out)
