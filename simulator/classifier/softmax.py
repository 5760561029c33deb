"""The notes' softmax computation, step by step, for the probe and the worked example: from
logits z (``softmax_steps``) or from probabilities ŷ typed directly (``probability_steps``), with
the loss L = −log ŷ of the true class and dz = ŷ − y."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..nn import softmax
from ..validation import check_label, check_range

MAX_LOGIT = 1e6  # |z| beyond it teaches nothing more, and z_1 − z_0 would overflow to ±inf


def softmax_steps(z: np.ndarray, label: int | None = None) -> dict[str, Any]:
    """The notes' softmax computation for logits z: t = e^z, sum t, a = t / sum t, the hardmax
    and the predicted class, and, for a true class ``label``, the loss -log a_label and
    dz = a - y. ``t`` overflows to inf for z above ~709 (``log_sum_t`` = log Σ t stays finite);
    ``a`` is computed stably. ValueError for |z| above MAX_LOGIT."""
    z = np.asarray(check_range("z", z, low=-MAX_LOGIT, high=MAX_LOGIT), dtype=float)
    if z.ndim != 1 or len(z) == 0:
        raise ValueError(f"z must be a list of logits, one per class, got shape {z.shape}")
    with np.errstate(over="ignore"):
        t = np.exp(z)
    a = softmax(z)
    hard = np.zeros_like(a)
    hard[int(np.argmax(z))] = 1.0
    top = float(np.max(z))
    log_sum_t = top + float(np.log(np.sum(np.exp(z - top))))  # log Σ e^z, finite however large z is
    out: dict[str, Any] = {"z": z, "t": t, "sum_t": float(np.sum(t)), "log_sum_t": log_sum_t,
                           "a": a, "hardmax": hard, "predicted": int(np.argmax(z))}
    if len(z) == 2:  # C = 2 is logistic regression: a_1 = σ(z_1 − z_0)
        out["sigmoid"] = float(sigmoid(z[1] - z[0]))
    if label is not None:
        out.update(_loss_terms(a, label))
        # L = −log a_label = log Σ e^z − z_label, computed as such (log-softmax): exact where
        # e^z overflows or a_label underflows to 0 (z = [1000, 0, −1000], class 2: L = 1000).
        out["loss"] = float(log_sum_t - z[out["label"]])
    return out


def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^−x), without overflow for large |x|."""
    x = float(x)
    if x >= 0:
        return float(1.0 / (1.0 + np.exp(-x)))
    e = np.exp(x)
    return float(e / (1.0 + e))


def _loss_terms(a: np.ndarray, label: int) -> dict[str, Any]:
    """For the true class ``label`` (from 0): y one-hot, L = −log ŷ_label, dz = ŷ − y."""
    label = check_label("label", label, len(a))
    onehot = np.zeros_like(a)
    onehot[int(label)] = 1.0
    return {"label": int(label), "y": onehot, "loss": float(-np.log(max(a[int(label)], 1e-300))),
            "dz": a - onehot}


PROBABILITY_TOLERANCE = 1e-3  # how far from 1 typed probabilities may sum (rounded values)


def probability_steps(a: np.ndarray, label: int) -> dict[str, Any]:
    """The loss and dz for probabilities ŷ typed directly (the notes' y = [0, 1, 0, 0] with
    ŷ = [0.3, 0.2, 0.1, 0.4] gives L = −log 0.2 = 1.609): ŷ, the predicted class, y, L, dz.
    ValueError unless every ŷ is in [0, 1] and they sum to 1 (within 0.001)."""
    a = np.asarray(a, dtype=float)
    if np.any(a < 0) or np.any(a > 1):
        raise ValueError(f"each ŷ must be in [0, 1], got {a[(a < 0) | (a > 1)][0]:g}")
    total = float(a.sum())
    if abs(total - 1.0) > PROBABILITY_TOLERANCE:
        raise ValueError(f"ŷ must sum to 1 (it is a probability for each class), got {total:.4g}")
    return {"a": a, "predicted": int(np.argmax(a)), **_loss_terms(a, label)}


def parse_z(text: str, name: str = "z", example: str = "5, 2, -1, 3") -> np.ndarray:
    """Numbers typed as '5, 2, -1, 3' (commas, semicolons or spaces) to an array; ValueError
    naming what is not a finite number, or asking for at least two. ``name`` and ``example``
    are the vector's name and an example in the messages (z by default, or ŷ)."""
    if not isinstance(text, str):
        raise ValueError(f"{name} must be typed as text, got {type(text).__name__}")
    parts = [t for t in text.replace(";", ",").replace(" ", ",").split(",") if t.strip()]
    if len(parts) < 2:
        raise ValueError(f"type at least two numbers for {name}, separated by commas "
                         f"(e.g. {example})")
    out = []
    for t in parts:
        try:
            v = float(t)
        except ValueError:
            raise ValueError(f"{name} must be numbers separated by commas: {t.strip()!r} is not "
                             "a number") from None
        if not np.isfinite(v):
            raise ValueError(f"{name} must be finite numbers, got {t.strip()!r}")
        out.append(v)
    return np.array(out)
