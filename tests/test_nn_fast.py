"""The fast path of simulator/nn against the readable math.

``MLP.loss_and_grads`` runs ``fast.FusedTraining`` (fused [W; b] products on reused [a, 1] buffers)
and ``predict_proba`` runs ``fast.FoldedInference`` (batch norm folded into the weights, blocks of
rows). Here they meet the notes' formulas twice: ``MLP.forward`` and ``MLP.backward``, and a plain
pass written below with nothing but the functional pieces and the layers.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.nn import (
    MLP,
    BatchNorm,
    Dense,
    relu,
    relu_backward,
    softmax,
    softmax_cross_entropy,
    tanh_backward,
)
from simulator.optimizers import make_optimizer

CLOSE = {"rtol": 1e-10, "atol": 1e-13}  # float64: only the order of the additions differs


def batch(n_in: int = 3, n_classes: int = 3, m: int = 16, seed: int = 1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n_in)), np.arange(m) % n_classes


def model_with_random_parameters(activation: str, batchnorm: bool, **kwargs) -> MLP:
    """A model whose b, gamma and beta are not at their start values, trained a few steps so that
    the batch-norm running statistics are too."""
    model = MLP([3, 6, 5, 3], activation=activation, batchnorm=batchnorm, seed=2, **kwargs)
    rng = np.random.default_rng(3)
    for name, p in zip(model.param_names, model.params, strict=True):
        if name.startswith("gamma"):
            p[...] = rng.uniform(0.5, 1.5, p.shape)
        elif not name.startswith("W"):
            p[...] = rng.normal(0.0, 0.3, p.shape)
    opt = make_optimizer("sgd", 0.05)
    for seed in range(3):
        opt.step(model.params, model.loss_and_grads(*batch(seed=10 + seed))[1])
    return model


def plain_loss_and_grads(model: MLP, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
    """J and dJ/dparams (params order) by the notes, with the model's layers, in training mode."""
    g, g_backward = (relu, relu_backward) if model.activation == "relu" else (np.tanh, tanh_backward)
    layers: list[tuple[Dense, BatchNorm | None]] = [*model.hidden_layers, (model.output_layer, None)]
    inputs, outputs = [], []
    a = X
    for i, (dense, bn) in enumerate(layers):
        inputs.append(a)
        z = a @ dense.W if dense.b is None else a @ dense.W + dense.b
        if i == len(layers) - 1:
            break
        a = g(z if bn is None else bn.forward(z, training=True))
        outputs.append(a)
    m = len(X)
    loss, dz = softmax_cross_entropy(z, y)
    grads: list[np.ndarray] = []
    for i in range(len(layers) - 1, -1, -1):
        dense, bn = layers[i]
        dW = inputs[i].T @ dz + (model.l2 / m) * dense.W + (model.l1 / m) * np.sign(dense.W)
        layer_grads = [dW, dz.sum(axis=0)] if dense.b is not None else [dW]
        if bn is not None:
            layer_grads += [bn.dgamma, bn.dbeta]
        grads = layer_grads + grads
        if i > 0:
            dz = g_backward(dz @ dense.W.T, outputs[i - 1])
            previous_bn = layers[i - 1][1]
            if previous_bn is not None:
                dz = previous_bn.backward(dz)
    weights = [dense.W for dense, _ in layers]
    loss += model.l2 / (2 * m) * sum(np.sum(W**2) for W in weights)
    loss += model.l1 / m * sum(np.sum(np.abs(W)) for W in weights)
    return float(loss), grads


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("batchnorm", [False, True])
@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.4, 0.1)])
def test_fast_training_pass_equals_the_readable_math(activation, batchnorm, l2, l1):
    fast = model_with_random_parameters(activation, batchnorm, l2=l2, l1=l1)
    readable, plain = fast.copy(), fast.copy()
    X, y = batch(m=20, seed=4)

    loss, grads = fast.loss_and_grads(X, y)

    logits = readable.forward(X, training=True)
    readable_loss, dlogits = softmax_cross_entropy(logits, y)
    readable_grads = readable.backward(dlogits)
    assert readable_loss + readable.penalty(len(X)) == pytest.approx(loss, rel=1e-12)
    plain_loss, plain_grads = plain_loss_and_grads(plain, X, y)
    assert plain_loss == pytest.approx(loss, rel=1e-12)

    for name, g, r, p in zip(fast.param_names, grads, readable_grads, plain_grads, strict=True):
        if name.startswith("W"):  # backward leaves the penalty out
            r = r + (l2 / len(X)) * fast.params[fast.param_names.index(name)]
            r = r + (l1 / len(X)) * np.sign(fast.params[fast.param_names.index(name)])
        np.testing.assert_allclose(g, r, **CLOSE, err_msg=name)
        np.testing.assert_allclose(g, p, **CLOSE, err_msg=name)
    # The same hidden values, and the same running statistics after one more batch each.
    for h, r in zip(fast.hidden, readable.hidden, strict=True):
        for fast_values, readable_values in zip(h, r, strict=True):
            np.testing.assert_allclose(fast_values, readable_values, **CLOSE)
    for bn, r, p in zip(fast.bn_layers, readable.bn_layers, plain.bn_layers, strict=True):
        np.testing.assert_allclose(bn.running_var, r.running_var, **CLOSE)
        np.testing.assert_allclose(bn.running_var, p.running_var, **CLOSE)
        assert bn.t == r.t == p.t


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_folded_test_mode_equals_the_layer_by_layer_pass(activation, batchnorm):
    model = model_with_random_parameters(activation, batchnorm)
    X = np.random.default_rng(5).normal(size=(3000, 3))  # several blocks of rows
    assert model.block_rows < len(X)
    logits = model.forward(X, training=False)
    np.testing.assert_allclose(model.predict_proba(X), softmax(logits), **CLOSE)
    np.testing.assert_array_equal(model.predict(X), logits.argmax(axis=1))
    assert model.loss(X, np.zeros(len(X), dtype=int)) == pytest.approx(
        softmax_cross_entropy(logits, np.zeros(len(X), dtype=int))[0], rel=1e-12
    )
    a = X  # folded_layers: one (W, b) per layer, batch norm included
    for W, b in model.folded_layers()[:-1]:
        a = relu(a @ W + b) if activation == "relu" else np.tanh(a @ W + b)
    W, b = model.folded_layers()[-1]
    np.testing.assert_allclose(a @ W + b, logits, **CLOSE)


def test_backward_after_a_fast_training_pass_gives_its_gradients():
    model = model_with_random_parameters("tanh", batchnorm=True)
    X, y = batch(seed=6)
    _, grads = model.loss_and_grads(X, y)
    grads = [g.copy() for g in grads]
    logits = model.forward(X, training=False)  # test mode: backward has nothing to work from
    with pytest.raises(RuntimeError, match="forward pass in training mode"):
        model.backward(softmax_cross_entropy(logits, y)[1])
    model.loss_and_grads(X, y)
    dlogits = softmax_cross_entropy(model.output_layer.forward(model.hidden[-1].a), y)[1]
    for g, again in zip(grads, model.backward(dlogits), strict=True):
        np.testing.assert_allclose(again, g, **CLOSE)


def test_hidden_layers_and_output_layer_walk_the_network():
    model = MLP([2, 8, 6, 3], batchnorm=True)
    assert [(dense.W.shape, bn.dim) for dense, bn in model.hidden_layers] == [((2, 8), 8), ((8, 6), 6)]
    (dense1, bn1), _ = model.hidden_layers
    assert dense1.W.base is model.theta and bn1.gamma.base is model.theta  # views into theta
    assert bn1 is model.bn_layers[0]
    assert model.output_layer.W.shape == (6, 3) and model.output_layer.b.shape == (3,)
    assert [bn for _, bn in MLP([2, 4, 5, 3]).hidden_layers] == [None, None]
    assert MLP([2, 3]).hidden_layers == []  # softmax regression: the output layer only
