"""The two layers of the classifier, in the course's formulas: Dense (z = a W + b) and BatchNorm.

Arrays are (examples, features), so W has shape (in, out). The notation is the course's: z
(pre-activation), z_norm and z_tilde (batch norm), a (activation), gamma and beta (batch norm's
learnable scale and shift), mu and sigma^2 (mini-batch statistics).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..validation import MAX_EWA_MOMENTUM, check_array, check_int, check_range
from .functional import batch_statistics


class Dense:
    """z = a W + b, the linear part of a layer. ``b`` is None when batch norm follows.

    The layer keeps no cache: backward is given the input forward saw, so a forward pass for a plot
    never spoils the values a training step needs.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray | None = None) -> None:
        W = check_array("W", W, ndim=2, dtype=None, finite=True)
        if W.dtype.kind != "f" or 0 in W.shape:
            raise ValueError(f"W must be a float matrix (inputs, units), got {W.dtype} {W.shape}")
        if b is not None:
            b = check_array("b", b, ndim=1, dtype=W.dtype, finite=True)
            if b.shape != (W.shape[1],):
                raise ValueError(f"b must have shape ({W.shape[1]},), got {b.shape}")
        self.W = W
        self.b = b

    def forward(self, a: np.ndarray) -> np.ndarray:
        """z = a W + b for a of shape (m, in)."""
        W, b = self.W, self.b
        if W.dtype != a.dtype:  # a float32 map through a float64 model: compute in float32
            W = W.astype(a.dtype)
            b = None if b is None else b.astype(a.dtype)
        z = a @ W
        if b is not None:
            z += b
        return z

    def backward(
        self, a: np.ndarray, dz: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """dW = a^T dz, db = sum of dz over the examples (None without b), da = dz W^T.

        ``a`` is the input forward saw; all three are new arrays.
        """
        dW = a.T @ dz
        db = None if self.b is None else dz.sum(axis=0)
        da = dz @ self.W.T
        return dW, db, da


def _running_row(row: int, doc: str) -> property:
    """A property reading and writing one row of ``BatchNorm._running`` (in place)."""

    def get_row(self: BatchNorm) -> np.ndarray:
        return self._running[row]

    def set_row(self: BatchNorm, value: np.ndarray) -> None:
        self._running[row] = _statistics(("running_mean", "running_var")[row], value, self.dim,
                                         variance=row == 1)

    return property(get_row, set_row, doc=doc)


def _statistics(name: str, value, dim: int, variance: bool) -> np.ndarray:
    """``value`` as ``dim`` finite floats (non-negative for a variance); ValueError naming it."""
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must hold numbers, got {value!r:.40}") from None
    if value.shape not in ((), (dim,)):
        raise ValueError(f"{name} must have shape ({dim},), got {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"{name} must hold finite numbers, got NaN or infinity")
    if variance and (value < 0).any():
        raise ValueError(f"{name} must not be negative, got {value.min():g}")
    return value


class BatchNorm:
    """Batch normalization of a layer's z, feature by feature (the course's formulas).

    Training mode, on a mini-batch of m examples::

        mu = (1/m) sum_i z_i                    sigma^2 = (1/m) sum_i (z_i - mu)^2
        z_norm = (z - mu) / sqrt(sigma^2 + eps)  z_tilde = gamma * z_norm + beta

    and the running statistics follow an exponentially weighted average (EWA) of the batch ones::

        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var  = momentum * running_var  + (1 - momentum) * sigma^2

    Test mode normalizes with ``running_mean`` and ``running_var`` (or statistics passed in, for
    "population statistics" computed over a whole data set).

    Conventions, beside PyTorch's ``BatchNorm1d``:

    - ``momentum`` weights the OLD value, as in the course and in Keras (default 0.9). PyTorch's
      weights the new one, r = (1 - momentum) r + momentum x, with default 0.1; our 0.9 is its 0.1.
    - sigma^2 is the 1/m (biased) variance, both for normalizing and in the EWA. PyTorch normalizes
      with the 1/m variance too but feeds the unbiased m/(m-1) one into ``running_var``.
    - The running statistics start at mean 0 and variance 1, like Keras and PyTorch. The course's
      EWA starts at 0 and is bias-corrected: ``running_mean_corrected`` and
      ``running_var_corrected`` give that EWA divided by (1 - momentum^t) after t training
      batches. They need no second average: an EWA that starts at r0 equals the zero-started one
      plus momentum^t r0, so the corrected value is (running - momentum^t r0) / (1 - momentum^t).
      ``decay`` holds the product of the momenta used so far (momentum^t while the momentum is
      constant), so the identity stays exact when the momentum changes during training.

    A mini-batch of one example has sigma^2 = 0, so z_norm = 0 and z_tilde = beta: defined, since
    eps > 0, but nothing for the network to learn from.
    """

    def __init__(
        self,
        dim: int,
        momentum: float = 0.9,
        eps: float = 1e-5,
        dtype: Any = np.float64,
    ) -> None:
        self.dim = check_int("batch norm dim", dim, 1, 100_000)
        self.momentum = check_range("momentum", momentum, low=0.0, high=MAX_EWA_MOMENTUM)
        self.eps = check_range("eps", eps, low=0.0, low_open=True)
        self.gamma = np.ones(self.dim, dtype=dtype)
        self.beta = np.zeros(self.dim, dtype=dtype)
        self.dgamma = np.zeros(self.dim, dtype=dtype)
        self.dbeta = np.zeros(self.dim, dtype=dtype)
        # Row 0 is the running mean, row 1 the running variance: one update covers both.
        self._running = np.empty((2, self.dim))
        self.reset_running_stats()
        self.batch_mean = np.zeros(self.dim)
        self.batch_var = np.ones(self.dim)
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def reset_running_stats(self) -> None:
        """Back to running mean 0, variance 1 and no batches seen (t = 0, decay = 1)."""
        self._running[0] = 0.0
        self._running[1] = 1.0
        self.t = 0
        self.decay = 1.0

    def set_momentum(self, momentum: float) -> None:
        """A new EWA momentum in [0, 0.9999] for the next batches; ``decay`` keeps the corrections
        exact (closer to 1, 1 - momentum^t is too small for them)."""
        self.momentum = check_range("momentum", momentum, low=0.0, high=MAX_EWA_MOMENTUM)

    running_mean = _running_row(0, "The EWA of the batch means mu (started at 0).")
    running_var = _running_row(1, "The EWA of the batch variances sigma^2 (started at 1).")

    @property
    def running_mean_corrected(self) -> np.ndarray:
        """The zero-started EWA of mu over (1 - momentum^t); running_mean before any batch."""
        if self.decay >= 1.0:
            return self.running_mean.copy()
        return self.running_mean / (1.0 - self.decay)

    @property
    def running_var_corrected(self) -> np.ndarray:
        """The zero-started EWA of sigma^2 over (1 - momentum^t); running_var before any batch."""
        if self.decay >= 1.0:
            return self.running_var.copy()
        return (self.running_var - self.decay) / (1.0 - self.decay)

    def forward(
        self,
        z: np.ndarray,
        training: bool = True,
        mean: np.ndarray | None = None,
        var: np.ndarray | None = None,
    ) -> np.ndarray:
        """z_tilde for z of shape (m, dim).

        Training: normalize with the batch's mu and sigma^2, update the running statistics and
        keep what backward needs. Test: normalize with ``mean`` and ``var`` if given, else with the
        running statistics; nothing is stored.
        """
        if z.ndim != 2 or z.shape[1] != self.dim:
            raise ValueError(f"batch norm expects z of shape (m, {self.dim}), got {z.shape}")
        if training:
            if mean is not None or var is not None:
                raise ValueError("mean and var can only be given in test mode (training=False)")
            if z.shape[0] == 0:
                raise ValueError("batch norm needs at least 1 example in training mode, got 0")
            mu, var = batch_statistics(z)
            inv_std = 1.0 / np.sqrt(var + self.eps)
            z_norm = (z - mu) * inv_std
            self._cache = (z_norm, inv_std)
            self.batch_mean, self.batch_var = mu, var
            self._update_running(mu, var)
            return z_norm * self.gamma + self.beta
        mean = self.running_mean if mean is None else _statistics("mean", mean, self.dim, False)
        var = self.running_var if var is None else _statistics("var", var, self.dim, True)
        # z_tilde = gamma (z - mu) / sqrt(var + eps) + beta = z * scale + shift, two passes over z.
        scale = self.gamma / np.sqrt(var + self.eps)
        shift = self.beta - mean * scale
        dtype = z.dtype if z.dtype.kind == "f" else np.float64
        return z * scale.astype(dtype, copy=False) + shift.astype(dtype, copy=False)

    def _update_running(self, mu: np.ndarray, var: np.ndarray) -> None:
        m = self.momentum
        self._running *= m
        self._running[0] += (1.0 - m) * mu
        self._running[1] += (1.0 - m) * var
        self.t += 1
        self.decay *= m

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dz from d(z_tilde) of the last training forward; sets ``dgamma`` and ``dbeta``.

        With g = dout * gamma (the gradient with respect to z_norm), the mean and variance terms
        fold into dz = (1 / sqrt(sigma^2 + eps)) * (g - mean(g) - z_norm * mean(g * z_norm)).
        """
        if self._cache is None:
            raise RuntimeError("BatchNorm.backward needs a forward pass in training mode first")
        z_norm, inv_std = self._cache
        m = dout.shape[0]
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.einsum("ij,ij->j", dout, z_norm)
        g = dout * self.gamma
        dz = g - g.sum(axis=0) / m
        dz -= z_norm * (np.einsum("ij,ij->j", g, z_norm) / m)
        dz *= inv_std
        return dz
