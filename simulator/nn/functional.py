"""Stateless pieces of the classifier: softmax, its cross-entropy, activations, batch statistics.

Arrays are (examples, features). The ``*_classes_first`` helpers take the transpose, (classes,
examples): reductions over the classes then run along axis 0, vectorized over the examples, which
is several times faster than reducing many short rows (a 200x200 map has 40,000 of them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..validation import check_array, check_int

ACTIVATIONS = ("relu", "tanh")


# --- softmax and its loss -------------------------------------------------------------------------


def softmax(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum(exp(z)) along the last axis.

    Subtracting the maximum first changes nothing mathematically (it cancels in the ratio) but keeps
    exp() from overflowing: z = [1000, -1000] gives [1, 0], not nan.
    """
    z = check_array("logits z", z, dtype=None)
    if z.ndim == 0 or z.shape[-1] == 0 or z.dtype.kind not in "iuf" or np.isnan(z).any():
        raise ValueError(f"softmax takes logits z, at least one number per row and no NaN, got {z!r:.60}")
    if np.isposinf(z).any():  # the limit: the infinite logits share the probability
        z = np.where(np.isposinf(z).any(axis=-1, keepdims=True), np.where(np.isposinf(z), 0.0, -np.inf), z)
    dtype = z.dtype if z.dtype.kind == "f" else np.float64
    t = np.moveaxis(z, -1, 0).astype(dtype, order="C")  # classes first
    return np.ascontiguousarray(np.moveaxis(softmax_classes_first(t), 0, -1))


def softmax_classes_first(t: np.ndarray) -> np.ndarray:
    """softmax over axis 0 of t (classes first), in place."""
    # np.maximum.reduce and np.add.reduce are max() and sum() without a Python wrapper: on a small
    # batch the wrapper costs as much as the arithmetic.
    t -= np.maximum.reduce(t, axis=0)
    np.exp(t, out=t)
    t /= np.add.reduce(t, axis=0)
    return t


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of the softmax of logits z (m, C), and its gradient dz = (y_hat - y) / m.

    ``y`` holds integer labels (m,) or one-hot (or any probability) rows (m, C). The loss is
    computed as log(sum exp(z)) - z[y] on shifted logits, so it stays finite however large z is.
    """
    z = check_array("logits z", z, dtype=None)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (examples, classes), got shape {z.shape}")
    m, c = z.shape
    if m == 0:
        raise ValueError("logits must hold at least 1 example, got 0")
    y = check_array("labels y", y, dtype=None)
    zt = z.T.astype(z.dtype if z.dtype.kind == "f" else np.float64, order="C")  # classes first
    if y.ndim == 1:
        check_labels(y, m, c)
        return cross_entropy_classes_first(zt, y)
    if y.shape == z.shape:
        return cross_entropy_classes_first(zt, y.T)
    raise ValueError(
        f"labels must have shape ({m},) or ({m}, {c}) for logits of shape {z.shape}, "
        f"got shape {y.shape}"
    )


def cross_entropy_classes_first(zt: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """softmax_cross_entropy on logits given classes first, zt (C, m), which it overwrites.

    ``y``: checked integer labels (m,) or probabilities (C, m). dz is returned as the transpose (a
    view) of the classes-first layout, so it has the logits' usual shape (m, C).
    """
    m = zt.shape[1]
    zt -= np.maximum.reduce(zt, axis=0)  # see softmax_classes_first
    t = np.exp(zt)
    s = np.add.reduce(t, axis=0)
    t /= s  # y_hat
    if y.ndim == 1:
        cols = _columns(m)
        loss = (np.add.reduce(np.log(s)) - np.add.reduce(zt[y, cols])) / m  # mean -log y_hat[y]
        t[y, cols] -= 1.0
    else:
        loss = -np.sum(y * (zt - np.log(s))) / m
        t -= y
    t /= m
    return float(loss), t.T


@functools.lru_cache(maxsize=4)
def _columns(m: int) -> np.ndarray:
    """arange(m), read-only and cached: the example index of each label, every training step."""
    cols = np.arange(m)
    cols.flags.writeable = False
    return cols


# --- checks at the door --------------------------------------------------------------------------

MAX_LAYERS = 10  # linear layers, hidden plus output
MAX_UNITS = 512  # per hidden layer
MAX_INPUTS = 4096
MAX_CLASSES = 64


def check_sizes(sizes: Sequence[int]) -> list[int]:
    """An MLP's layer sizes, input first and classes last, within the limits above."""
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a list of layer sizes, got {sizes!r}") from None
    check_int("number of layers (len(sizes) - 1)", len(sizes) - 1, 1, MAX_LAYERS)
    out = [check_int("sizes: input size", sizes[0], 1, MAX_INPUTS)]
    out += [check_int("sizes: hidden layer sizes", n, 1, MAX_UNITS) for n in sizes[1:-1]]
    out.append(check_int("sizes: number of classes", sizes[-1], 2, MAX_CLASSES))
    return out


def check_dtype(dtype: Any) -> np.dtype:
    """float32 or float64, the two dtypes a model computes in."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def check_input(X: Any, n_features: int, dtype: np.dtype) -> np.ndarray:
    """X as an (examples, n_features) array of ``dtype``."""
    X = check_array("X", X, dtype=dtype)
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(f"X must have shape (examples, {n_features}), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must hold finite numbers, got NaN or infinity")
    return X


_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def check_labels(y: np.ndarray, m: int, n_classes: int) -> None:
    """Integer labels, one per example, each in [0, C - 1]; else ValueError saying what is wrong."""
    if y.shape != (m,):
        raise ValueError(f"labels must have shape ({m},), one per example (row of z or X), got "
                         f"shape {y.shape}")
    if m and y.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers, got dtype {y.dtype}")
    # Viewed as unsigned, a negative label is huge: one max() checks both ends.
    if m and y.view(_UNSIGNED[y.dtype.itemsize]).max() >= n_classes:
        raise ValueError(
            f"labels must be in [0, {n_classes - 1}], got values in [{y.min()}, {y.max()}]"
        )


# --- activations ----------------------------------------------------------------------------------


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """max(z, 0); ``out`` as in NumPy (``out=z`` works in place)."""
    return np.maximum(z, 0.0, out=out)


def relu_backward(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dz = da * g'(z), with g'(z) = 1 where z > 0, i.e. where a > 0. Overwrites da."""
    da *= a > 0
    return da


def tanh_backward(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dz = da * (1 - a^2), since tanh'(z) = 1 - tanh(z)^2. Overwrites da."""
    da *= 1.0 - a * a
    return da


Activation = Callable[..., np.ndarray]  # g(z, out=None)
ActivationBackward = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (da, a) -> dz

_ACTIVATION_TABLE: dict[str, tuple[Activation, ActivationBackward]] = {
    "relu": (relu, relu_backward),
    "tanh": (np.tanh, tanh_backward),
}


def get_activation(name: str) -> tuple[Activation, ActivationBackward]:
    """g and its backward (from da and a = g(z), to dz) for one of ``ACTIVATIONS``."""
    if not isinstance(name, str) or name not in _ACTIVATION_TABLE:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")
    return _ACTIVATION_TABLE[name]


# --- batch statistics and hidden values -----------------------------------------------------------


def batch_statistics(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mu = (1/m) sum z and sigma^2 = (1/m) sum (z - mu)^2 over the examples (axis 0)."""
    m = z.shape[0]
    mu = z.sum(axis=0) / m
    zc = z - mu
    return mu, np.einsum("ij,ij->j", zc, zc) / m


class HiddenValues(NamedTuple):
    """One hidden layer's values for a batch, each (examples, units): z, z_tilde, a = g(z_tilde).

    Without batch norm z_tilde is z itself. After ``MLP.loss_and_grads``, ``a`` lives in a buffer
    that the next training step overwrites (copy it to keep it).
    """

    z: np.ndarray
    z_tilde: np.ndarray
    a: np.ndarray


def per_model(values: Any, n: int, name: str = "value", dtype: Any = np.float64) -> np.ndarray:
    """A hyperparameter per model as an (n, 1) array, which broadcasts against (n, P) parameters:
    a number is repeated, a sequence must hold n values. ValueError names the length otherwise."""
    try:
        kind = np.asarray(values).dtype.kind
    except (TypeError, ValueError):  # a ragged list
        kind = "O"
    if kind not in "biuf":
        raise ValueError(f"{name} must be a number or one number per model, got {values!r:.40}")
    arr = np.asarray(values, dtype=dtype)
    if arr.ndim == 0:
        return np.full((n, 1), arr, dtype=dtype)
    if arr.size != n or arr.ndim > 2 or (arr.ndim == 2 and arr.shape[1] != 1):
        raise ValueError(f"{name} must hold one value per model ({n}), got shape {arr.shape}")
    return arr.reshape(n, 1)
