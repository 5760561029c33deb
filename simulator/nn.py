"""A small neural-network classifier: Dense layers, ReLU/tanh, batch norm, softmax cross-entropy.

Arrays are (examples, features), so a layer is ``z = a @ W + b`` with W of shape (in, out). The
notation is the course's: z (pre-activation), z_norm and z_tilde (batch norm), a (activation),
gamma and beta (batch norm's learnable scale and shift), mu and sigma^2 (mini-batch statistics).

Every parameter array of an ``MLP`` is a view into one flat vector ``theta`` (the notes' theta from
gradient checking), and ``dtheta`` flattens the last gradients the same way. An optimizer can so
update the layers one array at a time (``opt.step(model.params, grads)``, which keeps a state per
layer for the UI) or all at once (``opt.step([model.theta], [model.dtheta])``, one NumPy call per
formula instead of one per layer; the arithmetic is elementwise, so the result is the same).

Nothing here prints, sleeps or reads the clock; the only randomness is the initialization, from
``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .validation import check_int, check_range

ACTIVATIONS = ("relu", "tanh")
MAX_LAYERS = 10  # linear layers, hidden plus output
MAX_UNITS = 512  # per hidden layer
MAX_INPUTS = 4096
MAX_CLASSES = 64


# --- softmax and its loss -------------------------------------------------------------------------


def softmax(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum(exp(z)) along the last axis.

    Subtracting the maximum first changes nothing mathematically (it cancels in the ratio) but keeps
    exp() from overflowing: z = [1000, -1000] gives [1, 0], not nan.
    """
    z = np.asarray(z)
    dtype = z.dtype if z.dtype.kind == "f" else np.float64
    # Classes first: the max and the sum then run along axis 0, vectorized over the examples, which
    # is several times faster than reducing many short rows (a 200x200 map has 40,000 of them).
    t = np.moveaxis(z, -1, 0).astype(dtype, order="C")
    return np.ascontiguousarray(np.moveaxis(_softmax_classes_first(t), 0, -1))


def _softmax_classes_first(t: np.ndarray) -> np.ndarray:
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
    z = np.asarray(z)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (examples, classes), got shape {z.shape}")
    m, c = z.shape
    y = np.asarray(y)
    zt = z.T.astype(z.dtype if z.dtype.kind == "f" else np.float64, order="C")  # classes first
    if y.ndim == 1:
        _check_labels(y, m, c)
        return _cross_entropy(zt, y)
    if y.shape == z.shape:
        return _cross_entropy(zt, y.T)
    raise ValueError(
        f"labels must have shape ({m},) or ({m}, {c}) for logits of shape {z.shape}, "
        f"got shape {y.shape}"
    )


def _cross_entropy(zt: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """softmax_cross_entropy on logits given classes first, zt (C, m), which it overwrites.

    ``y``: checked integer labels (m,) or probabilities (C, m). Classes first, as in softmax(); dz
    is returned as the transpose (a view) of that layout.
    """
    m = zt.shape[1]
    zt -= np.maximum.reduce(zt, axis=0)  # see _softmax_classes_first
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


_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _check_labels(y: np.ndarray, m: int, n_classes: int) -> None:
    """Integer labels, one per example, each in [0, C - 1]."""
    if y.shape != (m,):
        raise ValueError(f"labels must have shape ({m},), got shape {y.shape}")
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


_ACT = {"relu": (relu, relu_backward), "tanh": (np.tanh, tanh_backward)}


# --- layers ---------------------------------------------------------------------------------------


class Dense:
    """z = a @ W + b, the linear part of a layer. ``b`` is None when batch norm follows.

    W and b lie back to back in memory, so ``Wb`` = [W; b], of shape (in + 1, out), is one array:
    b is the weight of an input that is always 1. Given a with a column of ones appended, z = [a, 1]
    @ Wb and [dW; db] = [a, 1]^T dz are one matrix product each instead of two operations; the
    training pass uses that. The layer keeps no cache: backward is given the input it saw, so a
    forward pass for a plot never spoils the values a training step needs.
    """

    def __init__(self, Wb: np.ndarray, bias: bool = True) -> None:
        self.Wb = Wb
        self.W = Wb[:-1] if bias else Wb
        self.b = Wb[-1] if bias else None

    def forward(self, a: np.ndarray) -> np.ndarray:
        """z for a of shape (m, in), or (m, in + 1) ending in a column of ones."""
        if a.shape[1] == self.Wb.shape[0]:  # [a, 1] (or no b): one product does it all
            Wb = self.Wb if self.Wb.dtype == a.dtype else self.Wb.astype(a.dtype)
            return a @ Wb
        W, b = self.W, self.b
        if W.dtype != a.dtype:  # a float32 map through a float64 model: compute in float32
            W = W.astype(a.dtype)
            b = None if b is None else b.astype(a.dtype)
        z = a @ W
        if b is not None:
            z += b
        return z

    def backward(
        self, a: np.ndarray, dz: np.ndarray, need_da: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """dW = a^T dz, db = sum of dz over the examples, da = dz W^T (None if not needed).

        ``a`` is the input forward saw, (m, in) or [a, 1]; dW and db are new arrays either way.
        """
        da = dz @ self.W.T if need_da else None
        if self.b is None:
            return a.T @ dz, None, da
        if a.shape[1] == self.Wb.shape[0]:
            dWb = a.T @ dz  # [dW; db]: the ones column sums dz over the examples
            return dWb[:-1], dWb[-1], da
        return a.T @ dz, dz.sum(axis=0), da


def batch_statistics(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mu = (1/m) sum z and sigma^2 = (1/m) sum (z - mu)^2 over the examples (axis 0)."""
    m = z.shape[0]
    mu = z.sum(axis=0) / m
    zc = z - mu
    return mu, np.einsum("ij,ij->j", zc, zc) / m


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
        self.dim = check_int("batch norm dim", dim, 1, None)
        self.momentum = check_range("momentum", momentum, low=0.0, high=1.0, high_open=True)
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
        self.momentum = check_range("momentum", momentum, low=0.0, high=1.0, high_open=True)

    @property
    def running_mean(self) -> np.ndarray:
        return self._running[0]

    @running_mean.setter
    def running_mean(self, value: np.ndarray) -> None:
        self._running[0] = value

    @property
    def running_var(self) -> np.ndarray:
        return self._running[1]

    @running_var.setter
    def running_var(self, value: np.ndarray) -> None:
        self._running[1] = value

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
        mean = self.running_mean if mean is None else np.asarray(mean, dtype=np.float64)
        var = self.running_var if var is None else np.asarray(var, dtype=np.float64)
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


# --- the network ----------------------------------------------------------------------------------


class HiddenValues(NamedTuple):
    """One hidden layer's values for a batch, each (examples, units): z, z_tilde, a = g(z_tilde).

    Without batch norm z_tilde is z itself. After a training pass, ``a`` lives in a buffer that the
    next training pass overwrites (see MLP.forward).
    """

    z: np.ndarray
    z_tilde: np.ndarray
    a: np.ndarray


class MLP:
    """A fully connected classifier: hidden layers with ReLU or tanh, then softmax.

    ``sizes`` lists the units per layer, input first and classes last: [2, 3] is softmax regression
    (no hidden layer), [2, 16, 16, 4] has two hidden layers of 16 units and 4 classes.

    With ``batchnorm=True`` every hidden layer is Dense -> BatchNorm -> activation, and its Dense
    has no b: BN subtracts the batch mean, which cancels any constant b. The output layer has no
    BN.

    ``params`` lists the arrays in layer order: W1, b1, W2, b2, ... or, for a BN layer, W1, gamma1,
    beta1; ``param_names`` names them. They are views into the flat vector ``theta``.

    Initialization from ``seed``: W ~ N(0, 2/n_in) before ReLU (He), N(0, 1/n_in) before tanh and
    softmax (Xavier, as in the course); b and beta 0, gamma 1.

    ``l2`` adds (l2 / 2m) sum W^2 to the loss and ``l1`` adds (l1 / m) sum |W|, over the weights
    only (not b, gamma or beta), m being the batch size; their gradients are included.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        batchnorm: bool = False,
        seed: int = 0,
        l2: float = 0.0,
        l1: float = 0.0,
        bn_momentum: float = 0.9,
        bn_eps: float = 1e-5,
        dtype: Any = np.float64,
    ) -> None:
        sizes = _check_sizes(sizes)
        if activation not in _ACT:
            allowed = ", ".join(ACTIVATIONS)
            raise ValueError(f"activation must be one of {allowed}, got {activation!r}")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        check_range("bn_momentum", bn_momentum, low=0.0, high=1.0, high_open=True)
        check_range("bn_eps", bn_eps, low=0.0, low_open=True)
        self.sizes = sizes
        self.activation = activation
        self.batchnorm = bool(batchnorm)
        self.seed = check_int("seed", seed, 0, None)
        self.dtype = dtype
        self.l2 = check_range("l2", l2, low=0.0)
        self.l1 = check_range("l1", l1, low=0.0)
        self._g, self._g_backward = _ACT[activation]

        # theta holds, layer by layer, W then b, or W, gamma, beta where batch norm follows.
        layers = list(enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1))
        names: list[str] = []
        shapes: list[tuple[int, ...]] = []
        for i, (n_in, n_out) in layers:
            with_bn = self.batchnorm and i < len(sizes) - 1
            names += [f"W{i}", f"gamma{i}", f"beta{i}"] if with_bn else [f"W{i}", f"b{i}"]
            shapes += [(n_in, n_out)] + [(n_out,)] * (2 if with_bn else 1)
        self.param_names = names
        self._slots: list[tuple[int, int, tuple[int, ...]]] = []  # start, stop, shape in theta
        offset = 0
        for shape in shapes:
            self._slots.append((offset, offset + int(np.prod(shape)), shape))
            offset = self._slots[-1][1]
        self.theta = np.zeros(offset, dtype=dtype)
        self.params = self.split(self.theta)
        self.grads: list[np.ndarray] = []  # of the last backward pass
        where = {name: i for i, name in enumerate(names)}.get
        # Per layer, the index in params of W, b, gamma and beta (None where absent).
        self._index = [
            (where(f"W{i}"), where(f"b{i}"), where(f"gamma{i}"), where(f"beta{i}"))
            for i, _ in layers
        ]

        self.dense: list[Dense] = []
        self.norms: list[BatchNorm | None] = []  # one per hidden layer
        for (i, (n_in, n_out)), (iW, ib, ig, ibeta) in zip(layers, self._index, strict=True):
            if ib is None:  # batch norm follows
                self.dense.append(Dense(self.params[iW], bias=False))
                bn = BatchNorm(n_out, momentum=bn_momentum, eps=bn_eps, dtype=dtype)
                bn.gamma, bn.beta = self.params[ig], self.params[ibeta]
                self.norms.append(bn)
                continue
            start = self._slots[iW][0]  # W then b: together the (in + 1, out) array [W; b]
            Wb = self.theta[start : start + (n_in + 1) * n_out].reshape(n_in + 1, n_out)
            self.dense.append(Dense(Wb))
            if i < len(sizes) - 1:
                self.norms.append(None)
        self.weights = [d.W for d in self.dense]
        # Rows per block in test mode (see _in_blocks): about 64k values in the widest layer,
        # between 256 and 1024 rows (measured best for 16 to 64 units).
        self._block_rows = min(1024, max(256, 2**16 // max(sizes)))
        self.initialize(seed)

        self.hidden: list[HiddenValues] = []  # values of the last forward pass
        self._inputs: list[np.ndarray] = []  # each Dense layer's input in the last training pass
        self._buffer_rows = -1
        self._buffers: list[np.ndarray | None] = []

    # -- set-up ----------------------------------------------------------------------------------

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        """Fresh weights from a seed or Generator (default: the model's seed), as at construction.

        He or Xavier weights, zero biases and betas, unit gammas, reset running statistics.
        """
        rng = np.random.default_rng(self.seed if seed is None else seed)
        self.theta[:] = 0.0
        for i, d in enumerate(self.dense):
            hidden = i < len(self.dense) - 1
            n_in = d.W.shape[0]
            gain = 2.0 if hidden and self.activation == "relu" else 1.0
            d.W[...] = rng.standard_normal(d.W.shape) * np.sqrt(gain / n_in)
        for bn in self.bn_layers:
            bn.gamma[...] = 1.0
            bn.reset_running_stats()

    def split(self, vector: np.ndarray) -> list[np.ndarray]:
        """Views of a flat vector laid out like ``theta``, one per parameter (shapes as ``params``).

        Use it to read a flat optimizer state per layer, e.g. ``model.split(opt.state[0]["v"])``.
        """
        return [vector[a:b].reshape(shape) for a, b, shape in self._slots]

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    @property
    def n_params(self) -> int:
        return self.theta.size

    @property
    def bn_layers(self) -> list[BatchNorm]:
        return [bn for bn in self.norms if bn is not None]

    @property
    def bn_momentum(self) -> float | None:
        """The momentum of the batch-norm layers (None without batch norm)."""
        return self.bn_layers[0].momentum if self.batchnorm and self.bn_layers else None

    def set_bn_momentum(self, momentum: float) -> None:
        """Set the EWA momentum of every batch-norm layer (in [0, 1))."""
        check_range("momentum", momentum, low=0.0, high=1.0, high_open=True)
        for bn in self.bn_layers:
            bn.set_momentum(momentum)

    # -- forward and backward ----------------------------------------------------------------------

    def _as_input(self, X: Any, dtype: np.dtype) -> np.ndarray:
        X = np.asarray(X, dtype=dtype)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X must have shape (examples, {self.sizes[0]}), got shape {X.shape}"
            )
        return X

    def _run(
        self,
        X: np.ndarray,
        bn_stats: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
        batch_stats: bool = False,
    ) -> tuple[np.ndarray, list[HiddenValues]]:
        """Test mode: logits and the hidden layers' values; nothing in the model changes.

        Batch norm uses the running statistics, or ``bn_stats`` (one (mean, var) per BN layer), or,
        with ``batch_stats``, the batch's own statistics.
        """
        hidden = []
        a = X
        k = 0  # index of the next BN layer
        for dense, bn in zip(self.dense[:-1], self.norms, strict=True):
            z = dense.forward(a)
            z_tilde = z
            if bn is not None:
                if bn_stats is not None:
                    mean, var = bn_stats[k]
                elif batch_stats:
                    mean, var = batch_statistics(z)
                else:
                    mean = var = None
                z_tilde = bn.forward(z, training=False, mean=mean, var=var)
                k += 1
            a = self._g(z_tilde)
            hidden.append(HiddenValues(z, z_tilde, a))
        return self.dense[-1].forward(a), hidden

    def _input_buffers(self, m: int) -> list[np.ndarray | None]:
        """Per Dense layer with a b, an (m, in + 1) array whose last column is 1, for [a, 1].

        Kept from one training step to the next while the batch size stays the same.
        """
        if m != self._buffer_rows:
            self._buffers = []
            for n_in, dense in zip(self.sizes[:-1], self.dense, strict=True):
                buffer = None
                if dense.b is not None:
                    buffer = np.empty((m, n_in + 1), dtype=self.dtype)
                    buffer[:, -1] = 1.0
                self._buffers.append(buffer)
            self._buffer_rows = m
        return self._buffers

    def _train(self, X: np.ndarray) -> np.ndarray:
        """Training pass: BN uses (and updates) batch statistics; keeps what backward needs.

        Each activation is written straight into the next layer's [a, 1] buffer when it has one.
        Returns the logits transposed, (C, m): classes first, as the loss wants them (softmax()).
        """
        buffers = self._input_buffers(X.shape[0])
        inputs = []
        hidden = []
        a = X
        if buffers[0] is not None:
            buffers[0][:, :-1] = X
            a = buffers[0]
        for i, (dense, bn) in enumerate(zip(self.dense[:-1], self.norms, strict=True)):
            inputs.append(a)
            z = dense.forward(a)
            z_tilde = z if bn is None else bn.forward(z, training=True)
            nxt = buffers[i + 1]
            h = self._g(z_tilde, out=None if nxt is None else nxt[:, :-1])
            hidden.append(HiddenValues(z, z_tilde, h))
            a = h if nxt is None else nxt
        inputs.append(a)
        self._inputs, self.hidden = inputs, hidden
        return self.dense[-1].Wb.T @ a.T  # the output layer has a b, so a is [a, 1]

    def forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        """Logits (examples, classes) for X (examples, features); keeps the values in ``hidden``.

        Training mode uses (and updates) batch-norm batch statistics and prepares ``backward``;
        its ``hidden[i].a`` arrays are reused by the next training pass (copy them to keep them).
        Test mode uses the running statistics and changes nothing but ``hidden``.
        """
        if training:
            return self._train(self._as_input(X, self.dtype)).T
        logits, self.hidden = self._run(self._as_input(X, _compute_dtype(X, self.dtype)))
        self._inputs = []
        return logits

    def backward(self, dlogits: np.ndarray) -> list[np.ndarray]:
        """Gradients in ``params`` order (new arrays) from dJ/dz of the output layer.

        Back through each layer: the Dense layer gives dW, db and da; the activation turns da into
        d(z_tilde); batch norm turns that into dz and gives dgamma, dbeta. The penalty terms are
        not included here; ``loss_and_grads`` adds them.
        """
        if not self._inputs:
            raise RuntimeError("backward needs a forward pass in training mode first")
        grads: list[Any] = [None] * len(self.params)
        dz = dlogits
        for i in range(len(self.dense) - 1, -1, -1):
            iW, ib, _, _ = self._index[i]
            grads[iW], db, da = self.dense[i].backward(self._inputs[i], dz, need_da=i > 0)
            if ib is not None:
                grads[ib] = db
            if i == 0:
                break
            dz = self._g_backward(da, self.hidden[i - 1].a)  # hidden layer i-1, from the top
            bn = self.norms[i - 1]
            if bn is not None:
                dz = bn.backward(dz)
                _, _, ig, ibeta = self._index[i - 1]
                grads[ig], grads[ibeta] = bn.dgamma, bn.dbeta
        self.grads = grads
        return grads

    @property
    def dtheta(self) -> np.ndarray:
        """The last gradients as one flat vector laid out like ``theta`` (a new array)."""
        if not self.grads:
            return np.zeros_like(self.theta)
        return np.concatenate([g.ravel() for g in self.grads])

    def penalty(self, m: int) -> float:
        """(l2 / 2m) sum W^2 + (l1 / m) sum |W| over the weight matrices."""
        total = 0.0
        if self.l2:
            total += self.l2 / (2 * m) * sum(float(np.vdot(W, W)) for W in self.weights)
        if self.l1:
            total += self.l1 / m * sum(float(np.abs(W).sum()) for W in self.weights)
        return total

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """One training pass on a mini-batch: J = mean cross-entropy + penalty, and dJ/dparams.

        ``y`` holds integer labels in [0, C - 1]. The gradients are new arrays, so keeping them is
        safe; they are also kept as ``grads`` (and ``dtheta`` flattens them). Batch norm's running
        statistics are updated.
        """
        X = self._as_input(X, self.dtype)
        m = X.shape[0]
        if m == 0:
            raise ValueError("X must hold at least 1 example, got 0")
        y = np.asarray(y)
        _check_labels(y, m, self.n_classes)
        loss, dlogits = _cross_entropy(self._train(X), y)
        grads = self.backward(dlogits)
        if self.l2 or self.l1:
            for (iW, _, _, _), W in zip(self._index, self.weights, strict=True):
                dW = grads[iW]
                if self.l2:
                    dW += (self.l2 / m) * W
                if self.l1:
                    dW += (self.l1 / m) * np.sign(W)
            loss += self.penalty(m)
        return loss, grads

    # -- inference ---------------------------------------------------------------------------------

    def folded_layers(
        self,
        dtype: Any = None,
        bn_stats: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer for test mode, with each batch norm folded into its Dense layer.

        In test mode BN is affine, z_tilde = (a W) * scale + shift with scale = gamma / sqrt(var +
        eps) and shift = beta - mean * scale, so it equals one Dense layer with W * scale and b =
        shift. Statistics: the running ones, or ``bn_stats``.
        """
        dtype = self.dtype if dtype is None else np.dtype(dtype)
        layers = []
        k = 0
        for i, dense in enumerate(self.dense):
            bn = self.norms[i] if i < len(self.norms) else None
            if bn is None:
                W, b = dense.W, dense.b
            else:
                mean, var = (bn.running_mean, bn.running_var) if bn_stats is None else bn_stats[k]
                k += 1
                scale = bn.gamma / np.sqrt(np.asarray(var, dtype=np.float64) + bn.eps)
                W, b = dense.W * scale, bn.beta - np.asarray(mean) * scale
            layers.append((W.astype(dtype), b.astype(dtype)))
        return layers

    def _in_blocks(
        self,
        X: np.ndarray,
        finish: Any,
        shape: tuple[int, ...],
        dtype: Any,
        bn_stats: Sequence[tuple[np.ndarray, np.ndarray]] | None,
    ) -> np.ndarray:
        """finish(logits^T) for X in test mode, computed a block of rows at a time into one array.

        Why blocks: a block's arrays stay small, so they fit in the cache and are reused (fresh
        multi-megabyte arrays cost a page fault per 4 kB on every call, which made a 200x200 map
        3 times slower), and the matrix products stay small enough that OpenBLAS starts few or no
        threads (on a busy 2-core machine its threads stalled whole-grid products for 10 ms to
        1 s). Batch norm is folded into the weights, each layer is one product [a, 1] @ [W; b]
        (see Dense), and ``finish`` gets the logits classes first, (C, rows). Rows are independent
        in test mode, so the block size changes nothing.
        """
        Wbs = [np.vstack([W, b]) for W, b in self.folded_layers(X.dtype, bn_stats)]
        step = max(1, min(self._block_rows, X.shape[0]))
        # Per layer, an input buffer [a, 1] for one block, its column of ones set once.
        inputs = [np.ones((step, Wb.shape[0]), dtype=X.dtype) for Wb in Wbs]
        out = np.empty((X.shape[0], *shape), dtype=dtype)
        for start in range(0, X.shape[0], step):
            rows = slice(start, start + step)
            x = X[rows]
            k = x.shape[0]  # the last block may be shorter
            a = inputs[0][:k]
            a[:, :-1] = x
            for Wb, nxt in zip(Wbs[:-1], inputs[1:], strict=True):
                self._g(a @ Wb, out=nxt[:k, :-1])
                a = nxt[:k]
            out[rows] = finish(Wbs[-1].T @ a.T)
        return out

    def predict_proba(
        self, X: np.ndarray, bn_stats: Sequence[tuple[np.ndarray, np.ndarray]] | None = None
    ) -> np.ndarray:
        """Class probabilities (examples, C) in test mode; nothing in the model changes.

        A float32 X is computed in float32 (the weights are cast), which halves the time of a
        decision-region map. ``bn_stats`` replaces the running statistics, see
        ``population_stats``.
        """
        X = self._as_input(X, _compute_dtype(X, self.dtype))
        return self._in_blocks(X, _probabilities, (self.n_classes,), X.dtype, bn_stats)

    def predict(
        self, X: np.ndarray, bn_stats: Sequence[tuple[np.ndarray, np.ndarray]] | None = None
    ) -> np.ndarray:
        """The most probable class of each example (argmax of the logits), in test mode."""
        X = self._as_input(X, _compute_dtype(X, self.dtype))
        return self._in_blocks(X, _classes, (), np.intp, bn_stats)

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """The fraction of examples whose predicted class is y (test mode)."""
        y = np.asarray(y)
        return float(np.mean(self.predict(X) == y)) if len(y) else float("nan")

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """J in test mode (mean cross-entropy + penalty), e.g. on the test set; changes nothing."""
        X = self._as_input(X, self.dtype)
        if X.shape[0] == 0:
            raise ValueError("X must hold at least 1 example, got 0")
        logits = self._in_blocks(X, np.transpose, (self.n_classes,), X.dtype, None)
        return softmax_cross_entropy(logits, y)[0] + self.penalty(len(X))

    def hidden_values(self, X: np.ndarray, training: bool = False) -> list[HiddenValues]:
        """z, z_tilde and a of every hidden layer for X, for heatmaps and histograms.

        ``training=True`` normalizes with the batch statistics of X, as a training step would, but
        leaves the running statistics alone; ``False`` uses the running statistics. Without batch
        norm, z_tilde is the same array as z.
        """
        X = self._as_input(X, _compute_dtype(X, self.dtype))
        n, step = X.shape[0], self._block_rows
        if training or n <= step:  # batch statistics need the whole batch at once
            return self._run(X, batch_stats=training)[1]
        out = []
        for width, bn in zip(self.sizes[1:-1], self.norms, strict=True):
            z = np.empty((n, width), dtype=X.dtype)
            z_tilde = z if bn is None else np.empty_like(z)
            out.append(HiddenValues(z, z_tilde, np.empty_like(z)))
        for start in range(0, n, step):
            rows = slice(start, start + step)
            for dst, src in zip(out, self._run(X[rows])[1], strict=True):
                dst.z[rows] = src.z
                dst.z_tilde[rows] = src.z_tilde
                dst.a[rows] = src.a
        return out

    def population_stats(self, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(mu, sigma^2) of every BN layer over all of X, layer by layer, for ``bn_stats``.

        Each layer's statistics are computed on inputs normalized with the earlier layers'
        population statistics: what the notes call using the population mean and variance at
        test time, instead of the EWA.
        """
        X = self._as_input(X, self.dtype)
        stats = []
        a = X
        for dense, bn in zip(self.dense[:-1], self.norms, strict=True):
            z = dense.forward(a)
            if bn is not None:
                mean, var = batch_statistics(z)
                stats.append((mean, var))
                z = bn.forward(z, training=False, mean=mean, var=var)
            a = self._g(z)
        return stats

    # -- copies ----------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """A deep copy of what a trained model is: parameters and BN running statistics."""
        names, params = self.param_names, self.params
        state: dict[str, Any] = {n: p.copy() for n, p in zip(names, params, strict=True)}
        for i, bn in enumerate(self.norms, start=1):
            if bn is not None:
                state[f"running_mean{i}"] = bn.running_mean.copy()
                state[f"running_var{i}"] = bn.running_var.copy()
                state[f"bn_t{i}"] = bn.t
                state[f"bn_decay{i}"] = bn.decay
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy a ``state_dict`` back in place (the arrays stay views into ``theta``)."""
        for name, p in zip(self.param_names, self.params, strict=True):
            if name not in state:
                raise ValueError(f"state has no {name!r}")
            value = np.asarray(state[name])
            if value.shape != p.shape:
                raise ValueError(f"{name} must have shape {p.shape}, got {value.shape}")
            p[...] = value
        for i, bn in enumerate(self.norms, start=1):
            if bn is not None:
                bn.running_mean = state[f"running_mean{i}"]
                bn.running_var = state[f"running_var{i}"]
                bn.t = int(state[f"bn_t{i}"])
                bn.decay = float(state[f"bn_decay{i}"])

    def copy(self) -> MLP:
        """An independent model with the same architecture, weights and running statistics."""
        other = MLP(
            self.sizes,
            activation=self.activation,
            batchnorm=self.batchnorm,
            seed=self.seed,
            l2=self.l2,
            l1=self.l1,
            bn_momentum=0.9 if self.bn_momentum is None else self.bn_momentum,
            bn_eps=self.bn_layers[0].eps if self.bn_layers else 1e-5,
            dtype=self.dtype,
        )
        other.load_state_dict(self.state_dict())
        for mine, theirs in zip(self.bn_layers, other.bn_layers, strict=True):
            theirs.momentum = mine.momentum
        return other

    def __repr__(self) -> str:
        bn = ", batchnorm=True" if self.batchnorm else ""
        return f"MLP({self.sizes}, activation={self.activation!r}{bn})"


def _probabilities(zt: np.ndarray) -> np.ndarray:
    """softmax of logits given classes first (C, m), as (m, C); zt is overwritten."""
    return _softmax_classes_first(zt).T


def _classes(zt: np.ndarray) -> np.ndarray:
    """The argmax class of logits given classes first (C, m): fast along axis 0 (see softmax())."""
    return zt.argmax(axis=0)


def _compute_dtype(X: Any, default: np.dtype) -> np.dtype:
    """float32 input stays float32 (fast maps); anything else is computed in the model's dtype."""
    dtype = getattr(X, "dtype", None)
    return np.dtype(np.float32) if dtype == np.float32 else default


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a list of layer sizes, got {sizes!r}") from None
    check_int("number of layers (len(sizes) - 1)", len(sizes) - 1, 1, MAX_LAYERS)
    out = [check_int("input size", sizes[0], 1, MAX_INPUTS)]
    out += [check_int("hidden layer sizes", n, 1, MAX_UNITS) for n in sizes[1:-1]]
    out.append(check_int("number of classes", sizes[-1], 2, MAX_CLASSES))
    return out


__all__ = [
    "softmax",
    "softmax_cross_entropy",
    "relu",
    "Dense",
    "BatchNorm",
    "batch_statistics",
    "HiddenValues",
    "MLP",
]
