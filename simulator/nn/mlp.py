"""A fully connected classifier, written as the notes write it; its speed tricks live in fast.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..validation import MAX_EWA_MOMENTUM, check_array, check_bool, check_int, check_range
from . import fast
from .functional import (
    HiddenValues,
    batch_statistics,
    check_dtype,
    check_input,
    check_labels,
    check_sizes,
    cross_entropy_classes_first,
    get_activation,
)
from .layers import BatchNorm, Dense


class MLP(fast.FlatParameters, fast.FoldedInference):
    """A fully connected classifier: hidden layers with ReLU or tanh, then softmax.

    ``sizes`` lists the units per layer, input first and classes last: [2, 3] is softmax regression,
    [2, 16, 16, 4] has two hidden layers of 16 units and 4 classes. With ``batchnorm=True`` every
    hidden layer is Dense -> BatchNorm -> activation, and its Dense has no b (BN subtracts the batch
    mean, which cancels any constant b; ``bn_bias=True`` keeps one, to show that it is useless).
    Walk the layers with ``hidden_layers`` and ``output_layer``. ``params`` lists W1, b1, W2, b2,
    ... (W1, gamma1, beta1 for a BN layer; W1, b1, gamma1, beta1 with ``bn_bias``), named by
    ``param_names``: views into one flat vector ``theta`` (see fast.FlatParameters).

    W ~ N(0, 2/n_in) before ReLU (He), N(0, 1/n_in) before tanh and softmax (Xavier); b and beta 0,
    gamma 1. ``l2`` adds (l2 / 2m) sum W^2 to the loss and ``l1`` adds (l1 / m) sum |W|, over the
    weights only, m being the batch size; their gradients are included.
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
        bn_bias: bool = False,
    ) -> None:
        sizes = check_sizes(sizes)
        self._g, self._g_backward = get_activation(activation)
        dtype = check_dtype(dtype)
        check_range("bn_momentum", bn_momentum, low=0.0, high=MAX_EWA_MOMENTUM)
        check_range("bn_eps", bn_eps, low=0.0, low_open=True)
        self.sizes, self.activation = sizes, activation
        self.batchnorm = check_bool("batchnorm", batchnorm)
        self.seed, self.dtype = check_int("seed", seed, 0, 2**31 - 1), dtype
        self.l2 = check_range("l2", l2, low=0.0)
        self.l1 = check_range("l1", l1, low=0.0)

        # Kept for old callers; hidden_layers and output_layer are the public way to walk the layers.
        self.dense: list[Dense] = []  # every layer
        self.norms: list[BatchNorm | None] = []  # one per hidden layer
        self.bn_bias = bool(bn_bias) and self.batchnorm
        for W, b, gamma, beta in self._lay_out(sizes, self.batchnorm, dtype, self.bn_bias):
            if len(self.dense) < len(sizes) - 2:  # a hidden layer
                bn = None if gamma is None else BatchNorm(W.shape[1], bn_momentum, bn_eps, dtype)
                if bn is not None:
                    bn.gamma, bn.beta = gamma, beta  # views into theta
                self.norms.append(bn)
            self.dense.append(Dense(W, b))
        self.weights = [d.W for d in self.dense]
        self.block_rows = fast.block_rows(sizes)  # rows per block in test mode (see _in_blocks)
        self._fast = fast.FusedTraining(
            self._fused_views(), self.weights, self.norms, self._g, self._g_backward
        )
        self.hidden: list[HiddenValues] = []  # values of the last forward pass
        self.grads: list[np.ndarray] = []  # of the last backward pass
        self._inputs: list[np.ndarray] = []  # each Dense layer's input in the last training pass
        self.initialize(seed)

    @property
    def hidden_layers(self) -> list[tuple[Dense, BatchNorm | None]]:
        """(Dense, BatchNorm or None) per hidden layer, input side first: with ``output_layer``, the
        public way to walk the network."""
        return list(zip(self.dense[:-1], self.norms, strict=True))

    @property
    def output_layer(self) -> Dense:
        """The last Dense layer: its z are the logits."""
        return self.dense[-1]

    @property
    def layer_inputs(self) -> list[np.ndarray]:
        """Each Dense layer's input in the last training pass, X first; [] before one."""
        return self._inputs

    @property
    def bn_layers(self) -> list[BatchNorm]:
        return [bn for bn in self.norms if bn is not None]

    # -- forward and backward, as in the notes -------------------------------------------------------

    def forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        """Logits (examples, classes) for X (examples, features); keeps the values in ``hidden``.

        Training mode uses (and updates) batch-norm batch statistics and prepares ``backward``.
        Test mode uses the running statistics and changes nothing but ``hidden``.
        """
        dtype = self.dtype if training else fast.compute_dtype(X, self.dtype)
        X = check_input(X, self.sizes[0], dtype)
        logits, self.hidden, inputs = self._forward(X, "train" if training else "test")
        self._inputs = inputs if training else []
        return logits

    def _forward(self, X: np.ndarray, bn_mode: str) -> tuple[np.ndarray, list[HiddenValues], list]:
        """Logits, each hidden layer's values and each Dense layer's input (see ``_normalize``)."""
        inputs, hidden = [], []
        a = X
        for dense, bn in self.hidden_layers:
            inputs.append(a)
            z = dense.forward(a)  # z = a W + b
            z_tilde = z if bn is None else _normalize(bn, z, bn_mode)
            a = self._g(z_tilde)  # a = g(z_tilde)
            hidden.append(HiddenValues(z, z_tilde, a))
        inputs.append(a)
        return self.output_layer.forward(a), hidden, inputs

    def backward(self, dlogits: np.ndarray) -> list[np.ndarray]:
        """Gradients in ``params`` order (new arrays) from dJ/dz of the output layer, without the
        penalty terms (``loss_and_grads`` adds them), after a forward pass in training mode."""
        if not self._inputs:
            raise RuntimeError("backward needs a forward pass in training mode first")
        dW, db, da = self.output_layer.backward(self._inputs[-1], dlogits)
        per_layer = [[dW, db]]
        layers = zip(self.hidden_layers, self.hidden, self._inputs[:-1], strict=True)
        for (dense, bn), h, a_in in reversed(list(layers)):
            dz = self._g_backward(da, h.a)  # d(z_tilde) = da * g'(z_tilde)
            if bn is not None:
                dz = bn.backward(dz)  # dz, and dgamma, dbeta
            dW, db, da = dense.backward(a_in, dz)
            per_layer.append([dW, db] if bn is None else
                             [dW, *([db] if db is not None else []), bn.dgamma, bn.dbeta])
        self.grads = [g for layer in reversed(per_layer) for g in layer]
        return self.grads

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """One training pass on a mini-batch: J = mean cross-entropy + penalty, and dJ/dparams.

        ``y`` holds integer labels in [0, C - 1]. The gradients are new arrays, also kept as
        ``grads`` (``dtheta`` flattens them). Batch norm's running statistics are updated. This is
        forward, softmax_cross_entropy and backward, with the fused products of fast.py.
        """
        X = check_input(X, self.sizes[0], self.dtype)
        m = X.shape[0]
        if m == 0:
            raise ValueError("X must hold at least 1 example, got 0")
        y = check_array("labels y", y, dtype=None)
        check_labels(y, m, self.n_classes)
        loss, dlogits = cross_entropy_classes_first(self._fast.forward(X), y)
        self.hidden, self._inputs = self._fast.hidden, self._fast.plain_inputs
        grads = self.grads = self._fast.backward(dlogits)
        if self.l2 or self.l1:
            for i, W in zip(self._weight_index, self.weights, strict=True):
                if self.l2:
                    grads[i] += (self.l2 / m) * W
                if self.l1:
                    grads[i] += (self.l1 / m) * np.sign(W)
            loss += self.penalty(m)
        return loss, grads

    def penalty(self, m: int) -> float:
        """(l2 / 2m) sum W^2 + (l1 / m) sum |W| over the weight matrices."""
        total = 0.0
        if self.l2:
            total += self.l2 / (2 * m) * sum(float(np.vdot(W, W)) for W in self.weights)
        if self.l1:
            total += self.l1 / m * sum(float(np.abs(W).sum()) for W in self.weights)
        return total

    # -- test mode -----------------------------------------------------------------------------------

    def hidden_values(self, X: np.ndarray, training: bool = False) -> list[HiddenValues]:
        """z, z_tilde and a of every hidden layer for X, for heatmaps and histograms.

        ``training=True`` normalizes with the batch statistics of X, as a training step would, but
        leaves the running statistics alone; ``False`` uses the running statistics. Without batch
        norm, z_tilde is the same array as z.
        """
        X = check_input(X, self.sizes[0], fast.compute_dtype(X, self.dtype))
        if training or X.shape[0] <= self.block_rows:  # batch statistics need the whole batch
            return self._forward(X, "batch" if training else "test")[1]
        return fast.hidden_in_blocks(X, lambda rows: self._forward(rows, "test")[1], self.block_rows)

    def population_stats(self, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(mu, sigma^2) of every BN layer over all of X, for ``bn_stats``: the notes' population
        statistics, each layer's computed on inputs normalized with the earlier layers' ones."""
        X = check_input(X, self.sizes[0], self.dtype)
        if X.shape[0] == 0:
            raise ValueError("X must hold at least 1 example, got 0")
        hidden = self._forward(X, "batch")[1]
        pairs = zip(hidden, self.norms, strict=True)
        return [batch_statistics(h.z) for h, bn in pairs if bn is not None]

    # -- set-up, state and copies --------------------------------------------------------------------

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        """Fresh He or Xavier weights from a seed or Generator (default: the model's seed), zero
        biases and betas, unit gammas and reset running statistics, as at construction."""
        if seed is not None and not isinstance(seed, np.random.Generator):
            seed = check_int("seed", seed, 0, None)
        rng = np.random.default_rng(self.seed if seed is None else seed)
        self.theta[:] = 0.0
        for i, W in enumerate(self.weights):
            gain = 2.0 if i < len(self.weights) - 1 and self.activation == "relu" else 1.0
            W[...] = rng.standard_normal(W.shape) * np.sqrt(gain / W.shape[0])
        for bn in self.bn_layers:
            bn.gamma[...] = 1.0
            bn.reset_running_stats()

    @property
    def bn_momentum(self) -> float | None:
        """The momentum of the batch-norm layers (None without batch norm)."""
        return self.bn_layers[0].momentum if self.batchnorm and self.bn_layers else None

    def set_bn_momentum(self, momentum: float) -> None:
        """Set the EWA momentum of every batch-norm layer (in [0, 1))."""
        check_range("momentum", momentum, low=0.0, high=MAX_EWA_MOMENTUM)
        for bn in self.bn_layers:
            bn.set_momentum(momentum)

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    def copy(self) -> MLP:
        """An independent model with the same architecture, weights and running statistics."""
        bns = self.bn_layers
        other = MLP(
            self.sizes, activation=self.activation, batchnorm=self.batchnorm, seed=self.seed,
            l2=self.l2, l1=self.l1, bn_momentum=bns[0].momentum if bns else 0.9,
            bn_eps=bns[0].eps if bns else 1e-5, dtype=self.dtype, bn_bias=self.bn_bias,
        )
        other.load_state_dict(self.state_dict())
        for mine, theirs in zip(bns, other.bn_layers, strict=True):
            theirs.momentum = mine.momentum
        return other

    def __repr__(self) -> str:
        bn = ", batchnorm=True" if self.batchnorm else ""
        return f"MLP({self.sizes}, activation={self.activation!r}{bn})"


def _normalize(bn: BatchNorm, z: np.ndarray, mode: str) -> np.ndarray:
    """z_tilde with the batch's statistics ("train": the running ones are updated; "batch": not)
    or with the running statistics ("test")."""
    if mode == "train":
        return bn.forward(z, training=True)
    if mode == "batch":
        mean, var = batch_statistics(z)
        return bn.forward(z, training=False, mean=mean, var=var)
    return bn.forward(z, training=False)
