"""The speed tricks behind ``MLP``, kept apart so that mlp.py reads like the notes.

- ``FlatParameters``: every parameter array is a view into one flat vector ``theta`` (the notes'
  theta from gradient checking), and ``dtheta`` lays the gradients out the same way. An optimizer
  can so update every layer with one NumPy call per formula instead of one per array.
- ``FusedTraining``: the training pass with each Dense layer that has a b as one product
  [a, 1] @ [W; b] (b is the weight of an input that is always 1), and [dW; db] = [a, 1]^T dz as one
  product too; the [a, 1] buffers are kept from one step to the next.
- ``FoldedInference``: test mode a block of rows at a time, with batch norm folded into the
  weights (``predict_proba``, ``predict``, ``loss``, ``accuracy`` of MLP).
- ``compute_dtype``: a float32 X (a decision-region map) is computed in float32.

The arithmetic is the notes'; tests/test_nn_fast.py checks it against ``MLP.forward`` and
``MLP.backward``, which compute the same thing layer by layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..validation import check_array
from .functional import (
    Activation,
    ActivationBackward,
    HiddenValues,
    check_input,
    softmax_classes_first,
    softmax_cross_entropy,
)
from .layers import BatchNorm, Dense

Stats = Sequence[tuple[np.ndarray, np.ndarray]]  # (mu, sigma^2) per batch-norm layer


class FlatParameters:
    """``theta``: every parameter array of the network as a view into one flat vector.

    It is the notes' theta from gradient checking: layer by layer W then b, or W, gamma, beta where
    batch norm follows. ``dtheta`` flattens the last gradients the same way, so an optimizer can
    update every layer with one NumPy call per formula (``opt.step([model.theta],
    [model.dtheta])``) instead of one per array; the arithmetic is elementwise, so the result is
    the same. W and b lie back to back, so [W; b], of shape (in + 1, out), is a view too. Mixed
    into MLP, with ``state_dict`` and ``load_state_dict``, which save theta and the BN statistics.
    """

    norms: list[BatchNorm | None]
    grads: list[np.ndarray]

    def _lay_out(self, sizes: Sequence[int], batchnorm: bool, dtype: Any,
                 bn_bias: bool = False) -> list[tuple[Any, ...]]:
        """Make ``theta``, ``params`` and ``param_names``; return (W, b, gamma, beta) per layer,
        None where absent (a BN layer has no b unless ``bn_bias``)."""
        n_layers = len(sizes) - 1
        names: list[str] = []
        shapes: list[tuple[int, ...]] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
            with_bn = batchnorm and i < n_layers
            names += [f"W{i}", f"b{i}"] if not with_bn or bn_bias else [f"W{i}"]
            names += [f"gamma{i}", f"beta{i}"] if with_bn else []
            shapes += [(n_in, n_out)] + [(n_out,)] * (len(names) - len(shapes) - 1)
        self.param_names = names
        self._slots: list[tuple[int, int, tuple[int, ...]]] = []  # start, stop, shape in theta
        offset = 0
        for shape in shapes:
            self._slots.append((offset, offset + int(np.prod(shape)), shape))
            offset = self._slots[-1][1]
        self.theta = np.zeros(offset, dtype=dtype)
        self.params = self.split(self.theta)
        self._weight_index = [k for k, name in enumerate(names) if name.startswith("W")]
        where = {name: k for k, name in enumerate(names)}.get
        layers = []
        for i in range(1, n_layers + 1):
            ks = [where(f"{p}{i}") for p in ("W", "b", "gamma", "beta")]
            layers.append(tuple(None if k is None else self.params[k] for k in ks))
        return layers

    def _fused_views(self) -> list[np.ndarray]:
        """Per layer, [W; b]: the (in + 1, out) view of theta that holds W and then b (W alone
        where there is no b)."""
        out = []
        for k, name in enumerate(self.param_names):
            if name.startswith("W"):
                start, _, (n_in, n_out) = self._slots[k]
                rows = n_in + (f"b{name[1:]}" in self.param_names)
                out.append(self.theta[start : start + rows * n_out].reshape(rows, n_out))
        return out

    def split(self, vector: np.ndarray) -> list[np.ndarray]:
        """Views of a flat vector laid out like ``theta``, one per parameter (shapes as ``params``).

        Use it to read a flat optimizer state per layer, e.g. ``model.split(opt.state[0]["v"])``.
        """
        return [vector[a:b].reshape(shape) for a, b, shape in self._slots]

    @property
    def n_params(self) -> int:
        return self.theta.size

    @property
    def dtheta(self) -> np.ndarray:
        """The last gradients as one flat vector laid out like ``theta`` (a new array)."""
        if not self.grads:
            return np.zeros_like(self.theta)
        return np.concatenate([g.ravel() for g in self.grads])

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
        """Copy a ``state_dict`` back in place (the arrays stay views into ``theta``). Everything
        is checked first: a ValueError naming the entry leaves the model as it was."""
        if not isinstance(state, dict):
            raise ValueError(f"state must be a dict from state_dict(), got {type(state).__name__}")
        values = [_entry(state, name, p.shape, p.dtype)
                  for name, p in zip(self.param_names, self.params, strict=True)]
        stats = {}
        for i, bn in enumerate(self.norms, start=1):
            if bn is not None:
                var = _entry(state, f"running_var{i}", bn.running_var.shape, bn.running_var.dtype)
                if (var < 0).any():
                    raise ValueError(f"running_var{i} must not be negative, got {var.min():g}")
                stats[i] = (_entry(state, f"running_mean{i}", bn.running_mean.shape,
                                   bn.running_mean.dtype), var,
                            int(_entry(state, f"bn_t{i}", ())), float(_entry(state, f"bn_decay{i}", ())))
        for p, value in zip(self.params, values, strict=True):
            p[...] = value
        for i, bn in enumerate(self.norms, start=1):
            if bn is not None:
                bn.running_mean, bn.running_var, bn.t, bn.decay = stats[i]


def _entry(state: dict[str, Any], name: str, shape: tuple[int, ...], dtype: Any = float) -> np.ndarray:
    """``state[name]`` as a finite float array of ``shape``; ValueError naming it otherwise."""
    if name not in state:
        raise ValueError(f"state has no {name!r}")
    try:
        value = np.array(state[name], dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must hold numbers, got {state[name]!r:.40}") from None
    if value.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"{name} must hold finite numbers, got NaN or infinity")
    return value


class FusedTraining:
    """The training pass of an MLP (forward and backward), one matrix product per Dense layer.

    Where a layer has a b, its input is kept as [a, 1], an (m, in + 1) buffer whose last column is
    1, so z = [a, 1] @ [W; b] and [dW; db] = [a, 1]^T dz. Each activation is written straight into
    the next layer's buffer. The buffers stay from one step to the next while the batch size does,
    so ``hidden[i].a`` is overwritten by the next step. Batch norm runs in training mode.
    """

    def __init__(
        self,
        fused: list[np.ndarray],
        weights: list[np.ndarray],
        norms: list[BatchNorm | None],
        g: Activation,
        g_backward: ActivationBackward,
    ) -> None:
        self.fused = fused  # per layer [W; b], or W where batch norm follows
        self.weights = weights
        self.has_b = [f.shape[0] > W.shape[0] for f, W in zip(fused, weights, strict=True)]
        self.norms = norms  # one per hidden layer
        self.g, self.g_backward = g, g_backward
        self.inputs: list[np.ndarray] = []  # each layer's input: [a, 1] where the layer has a b
        self.plain_inputs: list[np.ndarray] = []  # the same without the column of ones
        self.hidden: list[HiddenValues] = []
        self._rows = -1
        self._buffers: list[np.ndarray | None] = []

    def _input_buffers(self, m: int) -> list[np.ndarray | None]:
        """Per layer with a b, an (m, in + 1) array whose last column is 1, for [a, 1]."""
        if m != self._rows:
            self._buffers = []
            for mat, has_b in zip(self.fused, self.has_b, strict=True):
                buffer = None
                if has_b:
                    buffer = np.empty((m, mat.shape[0]), dtype=mat.dtype)
                    buffer[:, -1] = 1.0
                self._buffers.append(buffer)
            self._rows = m
        return self._buffers

    def forward(self, X: np.ndarray) -> np.ndarray:
        """The logits transposed, (C, m): classes first, as the loss wants them."""
        buffers = self._input_buffers(X.shape[0])
        inputs, plain, hidden = [], [X], []
        a = X
        if buffers[0] is not None:
            buffers[0][:, :-1] = X
            a = buffers[0]
        fused = self.fused
        for mat, bn, nxt in zip(fused[:-1], self.norms, buffers[1:], strict=True):
            inputs.append(a)
            z = a @ mat
            z_tilde = z if bn is None else bn.forward(z, training=True)
            h = self.g(z_tilde, out=None if nxt is None else nxt[:, :-1])
            hidden.append(HiddenValues(z, z_tilde, h))
            plain.append(h)
            a = h if nxt is None else nxt
        inputs.append(a)
        self.inputs, self.plain_inputs, self.hidden = inputs, plain, hidden
        return fused[-1].T @ a.T  # the output layer has a b, so a is [a, 1]

    def backward(self, dlogits: np.ndarray) -> list[np.ndarray]:
        """Gradients in ``params`` order (new arrays) from dJ/dlogits (m, C), without penalty."""
        backwards: list[np.ndarray] = []  # the gradients from the last parameter to the first
        dz = dlogits
        for i in range(len(self.inputs) - 1, -1, -1):
            da = dz @ self.weights[i].T if i > 0 else None
            dWb = self.inputs[i].T @ dz
            if self.has_b[i]:  # [dW; db]: the ones column sums dz over the examples
                backwards += [dWb[-1], dWb[:-1]]
            else:
                backwards.append(dWb)
            if i == 0:
                break
            dz = self.g_backward(da, self.hidden[i - 1].a)
            bn = self.norms[i - 1]
            if bn is not None:
                dz = bn.backward(dz)
                backwards += [bn.dbeta, bn.dgamma]
        return backwards[::-1]


# --- test mode ------------------------------------------------------------------------------------


def block_rows(sizes: Sequence[int]) -> int:
    """Rows per block in test mode: about 64k values in the widest layer, within [256, 1024]
    (measured best for 16 to 64 units)."""
    return min(1024, max(256, 2**16 // max(sizes)))


def compute_dtype(X: Any, default: np.dtype) -> np.dtype:
    """float32 input stays float32 (fast maps); anything else is computed in the model's dtype."""
    dtype = getattr(X, "dtype", None)
    return np.dtype(np.float32) if dtype == np.float32 else default


class FoldedInference:
    """MLP's test-mode predictions: batch norm folded into the weights, a block of rows at a time.

    ``MLP.forward(X, training=False)`` computes the same logits layer by layer, as the notes do.
    Mixed into MLP, whose layers, activation, ``block_rows`` and input check it uses.
    """

    dtype: np.dtype
    block_rows: int
    hidden_layers: list[tuple[Dense, BatchNorm | None]]
    output_layer: Dense
    n_classes: int
    _g: Activation
    sizes: list[int]
    penalty: Callable[[int], float]

    def predict_proba(self, X: np.ndarray, bn_stats: Stats | None = None) -> np.ndarray:
        """Class probabilities (examples, C) in test mode; nothing in the model changes.

        A float32 X is computed in float32 (the weights are cast), which halves the time of a
        decision-region map. ``bn_stats`` replaces the running statistics, see
        ``population_stats``.
        """
        X = check_input(X, self.sizes[0], compute_dtype(X, self.dtype))
        return self._in_blocks(X, _probabilities, (self.n_classes,), X.dtype, bn_stats)

    def predict(self, X: np.ndarray, bn_stats: Stats | None = None) -> np.ndarray:
        """The most probable class of each example (argmax of the logits), in test mode."""
        X = check_input(X, self.sizes[0], compute_dtype(X, self.dtype))
        return self._in_blocks(X, _classes, (), np.intp, bn_stats)

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """The fraction of examples whose predicted class is y (test mode)."""
        y = check_array("labels y", y, dtype=None)
        if len(y) == 0:
            raise ValueError("y must hold at least 1 example, got 0")
        return float(np.mean(self.predict(X) == y))

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """J in test mode (mean cross-entropy + penalty), e.g. on the test set; changes nothing."""
        X = check_input(X, self.sizes[0], self.dtype)
        if X.shape[0] == 0:
            raise ValueError("X must hold at least 1 example, got 0")
        logits = self._in_blocks(X, np.transpose, (self.n_classes,), X.dtype, None)
        return softmax_cross_entropy(logits, y)[0] + self.penalty(len(X))

    def folded_layers(
        self, dtype: Any = None, bn_stats: Stats | None = None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer for test mode, with each batch norm folded into its Dense layer.

        In test mode BN is affine, z_tilde = (a W) * scale + shift with scale = gamma / sqrt(var +
        eps) and shift = beta - mean * scale, so it equals one Dense layer with W * scale and b =
        shift. Statistics: the running ones, or ``bn_stats`` (one (mean, var) per BN layer).
        """
        dtype = self.dtype if dtype is None else np.dtype(dtype)
        out = []
        k = 0
        for dense, bn in [*self.hidden_layers, (self.output_layer, None)]:
            if bn is None:
                W, b = dense.W, dense.b
            else:
                mean, var = (bn.running_mean, bn.running_var) if bn_stats is None else bn_stats[k]
                k += 1
                scale = bn.gamma / np.sqrt(np.asarray(var, dtype=np.float64) + bn.eps)
                shift = np.asarray(mean) if dense.b is None else np.asarray(mean) - dense.b
                W, b = dense.W * scale, bn.beta - shift * scale
            out.append((W.astype(dtype), b.astype(dtype)))
        return out

    def _in_blocks(
        self,
        X: np.ndarray,
        finish: Callable[[np.ndarray], np.ndarray],
        shape: tuple[int, ...],
        dtype: Any,
        bn_stats: Stats | None,
    ) -> np.ndarray:
        """finish(logits^T) for X in test mode, computed a block of rows at a time into one array.

        Why blocks: a block's arrays stay small, so they fit in the cache and are reused (fresh
        multi-megabyte arrays cost a page fault per 4 kB on every call, which made a 200x200 map
        3 times slower), and the matrix products stay small enough that OpenBLAS starts few or no
        threads (on a busy 2-core machine its threads stalled whole-grid products for 10 ms to
        1 s). Batch norm is folded into the weights, each layer is one product [a, 1] @ [W; b],
        and ``finish`` gets the logits classes first, (C, rows). Rows are independent in test
        mode, so the block size changes nothing.
        """
        Wbs = [np.vstack([W, b]) for W, b in self.folded_layers(X.dtype, bn_stats)]
        step = max(1, min(self.block_rows, X.shape[0]))
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


def hidden_in_blocks(
    X: np.ndarray, run: Callable[[np.ndarray], list[HiddenValues]], rows: int
) -> list[HiddenValues]:
    """run(X) (test-mode hidden values) computed ``rows`` rows at a time into whole arrays."""
    n = X.shape[0]
    out: list[HiddenValues] = []
    for start in range(0, n, rows):
        block = slice(start, start + rows)
        part = run(X[block])
        if not out:
            out = [_empty_values(h, n) for h in part]
        for dst, src in zip(out, part, strict=True):
            dst.z[block] = src.z
            dst.z_tilde[block] = src.z_tilde
            dst.a[block] = src.a
    return out


def _empty_values(h: HiddenValues, n: int) -> HiddenValues:
    """Arrays for n rows shaped like h's; z_tilde is z where h's is (no batch norm)."""
    z = np.empty((n, h.z.shape[1]), dtype=h.z.dtype)
    z_tilde = z if h.z_tilde is h.z else np.empty_like(z)
    return HiddenValues(z, z_tilde, np.empty_like(z))


def _probabilities(zt: np.ndarray) -> np.ndarray:
    """softmax of logits given classes first (C, m), as (m, C); zt is overwritten."""
    return softmax_classes_first(zt).T


def _classes(zt: np.ndarray) -> np.ndarray:
    """The argmax class of logits given classes first (C, m): fast along axis 0."""
    return zt.argmax(axis=0)
