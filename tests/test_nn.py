"""The classifier engine: softmax, cross-entropy, Dense/BatchNorm/MLP gradients, training.

Gradients are checked against central finite differences in float64, as in the course's gradient
checking: relative error ||g - g_fd|| / (||g|| + ||g_fd||) well below 1e-7.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.datasets import make_dataset
from simulator.nn import MLP, BatchNorm, HiddenValues, softmax, softmax_cross_entropy
from simulator.optimizers import make_optimizer


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.ravel(a), np.ravel(b)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom else 0.0


def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of the scalar f() with respect to the array x, perturbed in place."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f()
        x[idx] = old - h
        minus = f()
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def small_batch(n_in: int = 3, n_classes: int = 3, m: int = 8, seed: int = 1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n_in))
    y = np.arange(m) % n_classes  # every class present
    return X, y


# --- softmax and cross-entropy --------------------------------------------------------------------


def test_softmax_matches_the_notes_example():
    a = softmax(np.array([5.0, 2.0, -1.0, 3.0]))
    np.testing.assert_allclose(a.round(3), [0.842, 0.042, 0.002, 0.114])
    assert a.sum() == pytest.approx(1.0)
    assert a.argmax() == 0  # the "hardmax" picks the same class


def test_softmax_is_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]])
    a = softmax(z)
    assert np.all(np.isfinite(a))
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    np.testing.assert_allclose(a[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(a[1], [1 / 3, 1 / 3, 1 / 3])
    e = np.exp(-1.0)
    np.testing.assert_allclose(a[2], np.array([1.0, 1.0, e]) / (2 + e))


def test_softmax_works_along_the_last_axis_of_any_array():
    z = np.random.default_rng(0).normal(size=(3, 5, 4))
    a = softmax(z)
    assert a.shape == z.shape
    np.testing.assert_allclose(a.sum(axis=-1), 1.0)
    np.testing.assert_allclose(a[1, 2], softmax(z[1, 2]))
    assert softmax(np.array([1, 2, 3])).dtype == np.float64  # integer logits are fine


def test_cross_entropy_is_stable_and_matches_minus_log_probability():
    loss, dz = softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))
    assert loss == pytest.approx(2000.0)
    np.testing.assert_allclose(dz, [[1.0, -1.0]])
    z = np.array([[5.0, 2.0, -1.0, 3.0]])
    loss, _ = softmax_cross_entropy(z, np.array([3]))
    assert loss == pytest.approx(-np.log(softmax(z)[0, 3]))


def test_cross_entropy_gradient_is_y_hat_minus_y_over_m():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(6, 4)) * 3
    y = np.array([0, 1, 2, 3, 1, 0])
    y_onehot = np.eye(4)[y]
    loss, dz = softmax_cross_entropy(z, y)
    np.testing.assert_allclose(dz, (softmax(z) - y_onehot) / 6, atol=1e-15)
    fd = numerical_gradient(lambda: softmax_cross_entropy(z, y)[0], z)
    assert relative_error(dz, fd) < 1e-8
    # One-hot rows give the same loss and gradient as integer labels.
    loss2, dz2 = softmax_cross_entropy(z, y_onehot)
    assert loss2 == pytest.approx(loss)
    np.testing.assert_allclose(dz2, dz, atol=1e-15)


def test_cross_entropy_rejects_bad_labels():
    z = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\], got values in \[0, 4\]"):
        softmax_cross_entropy(z, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\]"):
        softmax_cross_entropy(z, np.array([-1, 1, 2]))
    with pytest.raises(ValueError, match="shape"):
        softmax_cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match="integers"):
        softmax_cross_entropy(z, np.array([0.0, 1.0, 2.0]))


def test_two_class_softmax_is_logistic_regression():
    model = MLP([2, 2], seed=3)
    X = np.random.default_rng(4).normal(size=(50, 2))
    z = model.forward(X, training=False)
    p = model.predict_proba(X)
    np.testing.assert_allclose(p[:, 1], sigmoid(z[:, 1] - z[:, 0]), rtol=1e-12)
    # The decision boundary is logistic regression's line w.x + b = 0 with w = W1 - W0, b = b1 - b0.
    W, b = model.params
    w, b0 = W[:, 1] - W[:, 0], b[1] - b[0]
    np.testing.assert_array_equal(model.predict(X), (X @ w + b0 > 0).astype(int))


def test_two_class_softmax_regression_trains_like_logistic_regression():
    """Gradient descent on the 2-logit model moves w = W1 - W0 exactly as logistic regression's
    gradient descent moves w, with twice the learning rate (d(W1 - W0) = 2 X^T (p1 - y) / m)."""
    d = make_dataset("moons", n=100, seed=5)
    X, y = d.X_train, d.y_train
    model = MLP([2, 2], seed=6)
    W, b = model.params
    w, c = W[:, 1] - W[:, 0], b[1] - b[0]
    opt = make_optimizer("sgd", 0.5)
    for _ in range(25):
        opt.step(model.params, model.loss_and_grads(X, y)[1])
        p = sigmoid(X @ w + c)
        w = w - 2 * 0.5 * X.T @ (p - y) / len(y)
        c = c - 2 * 0.5 * np.mean(p - y)
    np.testing.assert_allclose(W[:, 1] - W[:, 0], w, rtol=1e-10)
    assert b[1] - b[0] == pytest.approx(c, rel=1e-10)


# --- gradient checks of the whole network ---------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("batchnorm", [False, True])
@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.7, 0.0), (0.3, 0.2)])
def test_mlp_gradients_match_finite_differences(activation, batchnorm, l2, l1):
    X, y = small_batch()
    model = MLP([3, 5, 4, 3], activation=activation, batchnorm=batchnorm, seed=7, l2=l2, l1=l1)
    # Random b, gamma and beta, so that the gradient is not checked only at their start values.
    rng = np.random.default_rng(8)
    for name, p in zip(model.param_names, model.params, strict=True):
        if name.startswith("gamma"):
            p[...] = rng.uniform(0.5, 1.5, p.shape)
        elif not name.startswith("W"):
            p[...] = rng.normal(0.0, 0.3, p.shape)
    if l1:  # |W| has a kink at 0: stay well away from it (h = 1e-5)
        assert min(np.abs(W).min() for W in model.weights) > 1e-4
    loss, grads = model.loss_and_grads(X, y)
    grads = [g.copy() for g in grads]
    assert isinstance(loss, float)
    assert [g.shape for g in grads] == [p.shape for p in model.params]
    for name, p, g in zip(model.param_names, model.params, grads, strict=True):
        fd = numerical_gradient(lambda: model.loss_and_grads(X, y)[0], p)
        assert relative_error(g, fd) < 1e-7, name
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8, err_msg=name)


def test_regularization_adds_the_penalty_to_the_loss():
    X, y = small_batch(m=10)
    base = MLP([3, 6, 3], seed=9)
    l2 = MLP([3, 6, 3], seed=9, l2=0.4)
    l1 = MLP([3, 6, 3], seed=9, l1=0.25)
    sq = sum(float(np.sum(W**2)) for W in base.weights)
    ab = sum(float(np.sum(np.abs(W))) for W in base.weights)
    loss0 = base.loss_and_grads(X, y)[0]
    assert l2.loss_and_grads(X, y)[0] - loss0 == pytest.approx(0.4 / (2 * 10) * sq, rel=1e-12)
    assert l1.loss_and_grads(X, y)[0] - loss0 == pytest.approx(0.25 / 10 * ab, rel=1e-12)
    # Only the weights are penalized: the bias gradients are unchanged.
    g0 = base.loss_and_grads(X, y)[1]
    g2 = l2.loss_and_grads(X, y)[1]
    np.testing.assert_array_equal(g0[1], g2[1])
    np.testing.assert_allclose(g2[0] - g0[0], 0.4 / 10 * base.params[0], rtol=1e-10)


# --- batch norm on its own ------------------------------------------------------------------------


def test_batchnorm_forward_follows_the_notes_formulas():
    rng = np.random.default_rng(10)
    z = rng.normal(3.0, 2.0, size=(16, 5))
    bn = BatchNorm(5, eps=1e-5)
    bn.gamma[...] = [1.0, 2.0, 0.5, -1.0, 3.0]
    bn.beta[...] = [0.0, 1.0, -1.0, 2.0, 0.5]
    out = bn.forward(z, training=True)
    mu = z.sum(axis=0) / 16
    var = ((z - mu) ** 2).sum(axis=0) / 16  # 1/m, not 1/(m-1)
    z_norm = (z - mu) / np.sqrt(var + 1e-5)
    np.testing.assert_allclose(bn.batch_mean, mu)
    np.testing.assert_allclose(bn.batch_var, var)
    np.testing.assert_allclose(out, bn.gamma * z_norm + bn.beta)
    np.testing.assert_allclose(out.mean(axis=0), bn.beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), np.abs(bn.gamma), rtol=1e-5)


def test_batchnorm_backward_matches_finite_differences():
    rng = np.random.default_rng(11)
    z = rng.normal(1.0, 2.0, size=(7, 4))
    w = rng.normal(size=(7, 4))  # loss = sum(w * z_tilde), so dout = w
    bn = BatchNorm(4)
    bn.gamma[...] = rng.uniform(0.5, 2.0, 4)
    bn.beta[...] = rng.normal(size=4)

    def loss() -> float:
        return float(np.sum(w * bn.forward(z, training=True)))

    loss()
    dz = bn.backward(w)
    dgamma, dbeta = bn.dgamma.copy(), bn.dbeta.copy()
    assert relative_error(dz, numerical_gradient(loss, z)) < 1e-8
    assert relative_error(dgamma, numerical_gradient(loss, bn.gamma)) < 1e-8
    assert relative_error(dbeta, numerical_gradient(loss, bn.beta)) < 1e-8


def test_batchnorm_running_statistics_follow_the_ewa_formula_exactly():
    rng = np.random.default_rng(12)
    batches = [rng.normal(2.0, 3.0, size=(8, 3)) for _ in range(4)]
    m = 0.8
    bn = BatchNorm(3, momentum=m)
    np.testing.assert_array_equal(bn.running_mean, 0.0)  # Keras/PyTorch start
    np.testing.assert_array_equal(bn.running_var, 1.0)
    r_mean, r_var = np.zeros(3), np.ones(3)
    ewa_mean, ewa_var = np.zeros(3), np.zeros(3)  # the course's EWA, started at 0
    for t, z in enumerate(batches, start=1):
        bn.forward(z, training=True)
        mu, var = z.mean(axis=0), z.var(axis=0)
        r_mean = m * r_mean + (1 - m) * mu
        r_var = m * r_var + (1 - m) * var
        ewa_mean = m * ewa_mean + (1 - m) * mu
        ewa_var = m * ewa_var + (1 - m) * var
        np.testing.assert_allclose(bn.batch_mean, mu, rtol=1e-14)
        np.testing.assert_allclose(bn.running_mean, r_mean, rtol=1e-14)
        np.testing.assert_allclose(bn.running_var, r_var, rtol=1e-14)
        np.testing.assert_allclose(bn.running_mean_corrected, ewa_mean / (1 - m**t), rtol=1e-12)
        np.testing.assert_allclose(bn.running_var_corrected, ewa_var / (1 - m**t), rtol=1e-12)
        assert bn.t == t
    # After one batch the corrected EWA is that batch's statistics.
    one = BatchNorm(3, momentum=0.99)
    one.forward(batches[0], training=True)
    np.testing.assert_allclose(one.running_var_corrected, batches[0].var(axis=0), rtol=1e-10)


def test_batchnorm_corrected_ewa_stays_exact_when_the_momentum_changes():
    rng = np.random.default_rng(13)
    bn = BatchNorm(2, momentum=0.9)
    ewa, weight = np.zeros(2), 0.0
    for momentum in (0.9, 0.9, 0.5, 0.7):
        bn.set_momentum(momentum)
        z = rng.normal(size=(5, 2))
        bn.forward(z, training=True)
        ewa = momentum * ewa + (1 - momentum) * z.var(axis=0)
        weight = momentum * weight + (1 - momentum)  # the sum of the EWA's weights
        np.testing.assert_allclose(bn.running_var_corrected, ewa / weight, rtol=1e-12)


def test_batchnorm_test_mode_uses_running_or_given_statistics():
    rng = np.random.default_rng(14)
    bn = BatchNorm(3, momentum=0.5)
    for _ in range(3):
        bn.forward(rng.normal(1.0, 2.0, size=(10, 3)), training=True)
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    batch_mean = bn.batch_mean.copy()
    z = rng.normal(size=(4, 3))
    out = bn.forward(z, training=False)
    np.testing.assert_allclose(out, bn.gamma * (z - mean) / np.sqrt(var + bn.eps) + bn.beta)
    np.testing.assert_array_equal(bn.running_mean, mean)  # test mode changes nothing
    np.testing.assert_array_equal(bn.batch_mean, batch_mean)
    # A single example in test mode is fine: nothing is computed from the batch.
    np.testing.assert_allclose(bn.forward(z[:1], training=False), out[:1])
    # Population statistics passed in replace the running ones.
    pop_mean, pop_var = np.array([1.0, 2.0, 3.0]), np.array([4.0, 0.25, 1.0])
    out = bn.forward(z, training=False, mean=pop_mean, var=pop_var)
    np.testing.assert_allclose(out, (z - pop_mean) / np.sqrt(pop_var + bn.eps))
    with pytest.raises(ValueError, match="test mode"):
        bn.forward(z, training=True, mean=pop_mean, var=pop_var)


def test_batchnorm_batch_of_one_gives_beta_not_nan():
    bn = BatchNorm(4)
    bn.beta[...] = [0.5, -1.0, 2.0, 0.0]
    bn.gamma[...] = 3.0
    out = bn.forward(np.array([[1.0, -5.0, 1e6, 0.0]]), training=True)
    np.testing.assert_array_equal(out, [bn.beta])
    np.testing.assert_array_equal(bn.batch_var, 0.0)
    dz = bn.backward(np.ones((1, 4)))
    assert np.all(np.isfinite(dz)) and np.all(np.isfinite(bn.dgamma))
    # Through a whole network too.
    model = MLP([2, 4, 3], batchnorm=True)
    loss, grads = model.loss_and_grads(np.array([[0.3, -0.2]]), np.array([2]))
    assert np.isfinite(loss)
    assert all(np.all(np.isfinite(g)) for g in grads)


@pytest.mark.parametrize("momentum", [1.0, -0.1, 1.5, float("nan")])
def test_batchnorm_rejects_momentum_outside_0_1(momentum):
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 0.9999\], got"):
        BatchNorm(3, momentum=momentum)
    with pytest.raises(ValueError, match=r"bn_momentum must be in \[0, 0.9999\]"):
        MLP([2, 3, 2], batchnorm=True, bn_momentum=momentum)


@pytest.mark.parametrize("eps", [0.0, -1e-5])
def test_batchnorm_rejects_eps_that_is_not_positive(eps):
    with pytest.raises(ValueError, match=r"eps must be in \(0, inf\), got"):
        BatchNorm(3, eps=eps)


def test_batchnorm_momentum_zero_keeps_only_the_last_batch():
    bn = BatchNorm(2, momentum=0.0)
    z = np.array([[1.0, 2.0], [3.0, 6.0]])
    bn.forward(z, training=True)
    np.testing.assert_array_equal(bn.running_mean, [2.0, 4.0])
    np.testing.assert_array_equal(bn.running_var_corrected, [1.0, 4.0])


# --- the network's structure ----------------------------------------------------------------------


def test_mlp_params_are_w_and_b_in_layer_order():
    model = MLP([2, 16, 16, 4], activation="tanh")
    assert model.param_names == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert [p.shape for p in model.params] == [(2, 16), (16,), (16, 16), (16,), (16, 4), (4,)]
    assert model.n_classes == 4
    assert model.n_params == model.theta.size == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 4 + 4
    # The arrays are views of theta: one write shows in both.
    model.theta[:] = 0.5
    assert all(np.all(p == 0.5) for p in model.params)
    assert MLP([2, 3]).param_names == ["W1", "b1"]  # softmax regression


def test_batchnorm_mlp_has_no_b_before_batchnorm():
    model = MLP([2, 8, 6, 3], batchnorm=True, bn_momentum=0.95)
    assert model.param_names == ["W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"]
    assert [p.shape for p in model.params] == [(2, 8), (8,), (8,), (8, 6), (6,), (6,), (6, 3), (3,)]
    assert len(model.bn_layers) == 2
    assert all(bn.momentum == 0.95 for bn in model.bn_layers)
    model.set_bn_momentum(0.5)
    assert model.bn_momentum == 0.5 and all(bn.momentum == 0.5 for bn in model.bn_layers)
    np.testing.assert_array_equal(model.params[1], 1.0)  # gamma
    np.testing.assert_array_equal(model.params[2], 0.0)  # beta
    assert model.bn_layers[0].gamma is model.params[1]
    assert all(dense.b is None for dense, _ in model.hidden_layers)
    model.params[-1][...] = [1.0, 2.0, 3.0]  # the output layer's b is the same memory
    np.testing.assert_array_equal(model.output_layer.b, [1.0, 2.0, 3.0])
    _, grads = model.loss_and_grads(*small_batch(n_in=2, m=12))
    assert [g.shape for g in grads] == [p.shape for p in model.params]


@pytest.mark.parametrize("activation, gain", [("relu", 2.0), ("tanh", 1.0)])
def test_initialization_is_he_or_xavier_and_seeded(activation, gain):
    model = MLP([400, 300, 3], activation=activation, seed=15)
    W1, b1, W2, _ = model.params
    assert W1.std() == pytest.approx(np.sqrt(gain / 400), rel=0.03)
    assert W2.std() == pytest.approx(np.sqrt(1 / 300), rel=0.1)  # before softmax: Xavier
    np.testing.assert_array_equal(b1, 0.0)
    same = MLP([400, 300, 3], activation=activation, seed=15)
    other = MLP([400, 300, 3], activation=activation, seed=16)
    np.testing.assert_array_equal(same.theta, model.theta)
    assert not np.array_equal(other.theta, model.theta)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sizes": [2]}, r"number of layers \(len\(sizes\) - 1\) must be in \[1, 10\], got 0"),
        ({"sizes": [2, 0, 3]}, r"hidden layer sizes must be in \[1, 512\], got 0"),
        ({"sizes": [2, 600, 3]}, r"hidden layer sizes must be in \[1, 512\], got 600"),
        ({"sizes": [2, 4, 1]}, r"number of classes must be in \[2, 64\], got 1"),
        ({"sizes": [0, 4, 3]}, r"input size must be in \[1, 4096\], got 0"),
        ({"sizes": [2, 4.5, 3]}, r"hidden layer sizes must be an integer, got 4.5"),
        ({"activation": "sigmoid"}, r"activation must be one of relu, tanh, got 'sigmoid'"),
        ({"l2": -0.1}, r"l2 must be in \[0, inf\), got -0.1"),
        ({"l1": float("inf")}, r"l1 must be in \[0, inf\), got inf"),
        ({"bn_eps": 0.0}, r"bn_eps must be in \(0, inf\), got 0"),
        ({"seed": -1}, r"seed must be in \[0, 2147483647\], got -1"),
        ({"dtype": np.int32}, r"dtype must be float32 or float64, got int32"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs, message):
    args = {"sizes": [2, 4, 3], **kwargs}
    with pytest.raises(ValueError, match=message):
        MLP(**args)


def test_mlp_rejects_bad_inputs_and_labels():
    model = MLP([2, 4, 3])
    with pytest.raises(ValueError, match=r"X must have shape \(examples, 2\), got shape \(5, 3\)"):
        model.loss_and_grads(np.zeros((5, 3)), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\], got values in \[0, 3\]"):
        model.loss_and_grads(np.zeros((4, 2)), np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="at least 1 example"):
        model.loss_and_grads(np.zeros((0, 2)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"X must have shape"):
        model.predict_proba(np.zeros(2))
    with pytest.raises(RuntimeError, match="forward pass in training mode"):
        MLP([2, 3]).backward(np.zeros((1, 3)))


# --- inference and what the UI reads --------------------------------------------------------------


def trained_bn_model(steps: int = 30) -> tuple[MLP, np.ndarray]:
    d = make_dataset("spiral", n=200, seed=17)
    model = MLP([2, 12, 10, 3], activation="relu", batchnorm=True, bn_momentum=0.8, seed=18)
    opt = make_optimizer("adam", 0.02)
    rng = np.random.default_rng(19)
    for _ in range(steps):
        idx = rng.integers(0, len(d.X_train), 32)
        opt.step(model.params, model.loss_and_grads(d.X_train[idx], d.y_train[idx])[1])
    return model, d.X_test


def test_predict_proba_is_test_mode_softmax_and_changes_nothing():
    model, X = trained_bn_model()
    state = model.state_dict()
    p = model.predict_proba(X)
    assert p.shape == (len(X), 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # Batch norm folded into W and b gives what the layer-by-layer test-mode pass gives.
    np.testing.assert_allclose(p, softmax(model.forward(X, training=False)), rtol=1e-10)
    np.testing.assert_array_equal(model.predict(X), p.argmax(axis=1))
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, state[key])
    # Rows do not influence each other in test mode: a single row gives the same answer.
    np.testing.assert_allclose(model.predict_proba(X[3:4]), p[3:4], rtol=1e-12)


def test_predict_proba_on_a_float32_grid_in_blocks():
    model, _ = trained_bn_model(steps=5)
    xs = np.linspace(-1.5, 1.5, 120)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2)  # 14,400 points: several blocks
    p64 = model.predict_proba(grid)
    p32 = model.predict_proba(grid.astype(np.float32))
    assert p32.dtype == np.float32 and p64.dtype == np.float64
    np.testing.assert_allclose(p32, p64, atol=1e-5)
    assert model.block_rows < len(grid)
    np.testing.assert_allclose(p64[::997], model.predict_proba(grid[::997]), rtol=1e-12)


def test_empty_input_gives_empty_output():
    model = MLP([2, 4, 3], batchnorm=True)
    assert model.predict_proba(np.zeros((0, 2))).shape == (0, 3)
    assert model.predict(np.zeros((0, 2), dtype=np.float32)).shape == (0,)
    with pytest.raises(ValueError, match="at least 1 example"):
        model.loss(np.zeros((0, 2)), np.zeros(0, dtype=int))


def test_population_statistics_replace_the_running_ones():
    model, X = trained_bn_model()
    stats = model.population_stats(X)
    assert len(stats) == 2
    z1 = X @ model.params[0]
    np.testing.assert_allclose(stats[0][0], z1.mean(axis=0))
    np.testing.assert_allclose(stats[0][1], z1.var(axis=0))
    # With the population statistics of X, every BN layer's z_tilde over X has mean beta.
    hidden = model.hidden_values(X, training=True)
    p = model.predict_proba(X, bn_stats=stats)
    np.testing.assert_allclose(p, softmax(hidden[-1].a @ model.params[-2] + model.params[-1]))
    assert not np.allclose(p, model.predict_proba(X))


def test_hidden_values_give_z_z_tilde_and_a_per_hidden_layer():
    model, X = trained_bn_model()
    running = model.bn_layers[0].running_mean.copy()
    values = model.hidden_values(X, training=True)
    assert [type(v) for v in values] == [HiddenValues, HiddenValues]
    assert [v.z.shape for v in values] == [(len(X), 12), (len(X), 10)]
    gamma1, beta1 = model.params[1], model.params[2]
    h = values[0]
    np.testing.assert_allclose(h.z, X @ model.params[0])
    np.testing.assert_allclose(h.z_tilde.mean(axis=0), beta1, atol=1e-10)
    np.testing.assert_allclose(h.z_tilde.std(axis=0), np.abs(gamma1), rtol=1e-3)
    np.testing.assert_array_equal(h.a, np.maximum(h.z_tilde, 0.0))
    np.testing.assert_array_equal(model.bn_layers[0].running_mean, running)  # untouched
    # Test mode: running statistics; a big X runs in blocks and gives the same values.
    big = np.tile(X, (60, 1))
    assert len(big) > model.block_rows
    small_values = model.hidden_values(X)
    for part, whole in zip(small_values, model.hidden_values(big), strict=True):
        for a, b in zip(part, whole, strict=True):
            np.testing.assert_allclose(b[: len(X)], a, rtol=1e-12)
            np.testing.assert_allclose(b[-len(X) :], a, rtol=1e-12)


def test_hidden_values_without_batchnorm_have_z_tilde_equal_to_z():
    model = MLP([2, 5, 3], activation="tanh")
    X = np.random.default_rng(20).normal(size=(9, 2))
    (h,) = model.hidden_values(X)
    assert h.z_tilde is h.z
    np.testing.assert_allclose(h.a, np.tanh(h.z))
    model.forward(X, training=True)  # forward keeps the same values for the UI
    np.testing.assert_allclose(model.hidden[0].a, h.a)


def test_state_dict_and_copy_keep_the_last_good_weights():
    model, X = trained_bn_model()
    saved = model.state_dict()
    before = model.predict_proba(X)
    twin = model.copy()
    model.theta[:] = np.nan  # a diverged run
    model.bn_layers[0].running_var[:] = np.inf
    np.testing.assert_allclose(twin.predict_proba(X), before)
    model.load_state_dict(saved)
    np.testing.assert_allclose(model.predict_proba(X), before)
    assert model.bn_layers[0].gamma.base is model.theta  # still views of theta
    model.set_bn_momentum(0.6)
    assert model.copy().bn_momentum == 0.6
    # The copy trains on its own.
    opt = make_optimizer("sgd", 0.1)
    opt.step(twin.params, twin.loss_and_grads(X, np.zeros(len(X), dtype=int))[1])
    np.testing.assert_allclose(model.predict_proba(X), before)
    with pytest.raises(ValueError, match=r"W1 must have shape \(2, 12\)"):
        model.load_state_dict({**saved, "W1": np.zeros((3, 12))})


def test_flat_theta_update_equals_per_layer_update():
    X, y = small_batch(n_in=2, m=20)
    a, b = MLP([2, 6, 5, 3], batchnorm=True, seed=21), MLP([2, 6, 5, 3], batchnorm=True, seed=21)
    opt_a, opt_b = make_optimizer("adam", 0.05), make_optimizer("adam", 0.05)
    for _ in range(10):
        opt_a.step(a.params, a.loss_and_grads(X, y)[1])
        b.loss_and_grads(X, y)
        opt_b.step([b.theta], [b.dtheta])
    np.testing.assert_allclose(b.theta, a.theta, rtol=1e-12, atol=1e-15)
    for pa, va in zip(a.params, b.split(opt_b.state[0]["v"]), strict=True):
        assert pa.shape == va.shape


def test_gradients_are_fresh_arrays():
    model = MLP([2, 4, 3])
    X, y = small_batch(n_in=2)
    _, first = model.loss_and_grads(X, y)
    kept = [g.copy() for g in first]
    model.loss_and_grads(X[::-1] * 2, y[::-1])
    for g, k in zip(first, kept, strict=True):
        np.testing.assert_array_equal(g, k)


def test_batch_size_can_change_between_steps():
    """The training pass reuses its buffers while the batch size stays; a new size gets new ones."""
    X, y = small_batch(n_in=2, m=12)
    model = MLP([2, 5, 4, 3], activation="tanh", seed=31)
    for m in (12, 5, 12, 1, 7):
        loss, grads = model.loss_and_grads(X[:m], y[:m])
        fresh = MLP([2, 5, 4, 3], activation="tanh", seed=31)
        fresh_loss, fresh_grads = fresh.loss_and_grads(X[:m], y[:m])
        assert loss == fresh_loss
        for g, f in zip(grads, fresh_grads, strict=True):
            np.testing.assert_array_equal(g, f)


def test_float32_model_trains_in_float32():
    model = MLP([2, 8, 3], activation="tanh", batchnorm=True, dtype=np.float32)
    X, y = small_batch(n_in=2, m=16)
    loss, grads = model.loss_and_grads(X, y)
    assert model.theta.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)
    reference = MLP([2, 8, 3], activation="tanh", batchnorm=True)
    reference.theta[:] = model.theta
    loss64, grads64 = reference.loss_and_grads(X, y)
    assert loss == pytest.approx(loss64, rel=1e-5)
    for g, g64 in zip(grads, grads64, strict=True):
        np.testing.assert_allclose(g, g64, rtol=1e-3, atol=1e-5)


# --- training -------------------------------------------------------------------------------------


def test_softmax_regression_learns_three_blobs():
    d = make_dataset("blobs", n=300, classes=3, seed=22)
    model = MLP([2, 3], seed=23)
    opt = make_optimizer("adam", 0.1)
    losses = []
    for _ in range(150):  # full-batch gradient descent with Adam
        loss, grads = model.loss_and_grads(d.X_train, d.y_train)
        opt.step(model.params, grads)
        losses.append(loss)
    assert losses[-1] < 0.2 * losses[0]
    assert model.accuracy(d.X_test, d.y_test) >= 0.95


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_two_hidden_layers_learn_the_spiral(activation):
    d = make_dataset("spiral", n=300, classes=3, seed=24)
    model = MLP([2, 32, 32, 3], activation=activation, seed=25)
    opt = make_optimizer("adam", 0.02)
    for _ in range(300):
        opt.step(model.params, model.loss_and_grads(d.X_train, d.y_train)[1])
    assert model.accuracy(d.X_test, d.y_test) >= 0.9
    # A straight line cannot do it: softmax regression stays far below.
    linear = MLP([2, 3], seed=25)
    opt = make_optimizer("adam", 0.05)
    for _ in range(300):
        opt.step(linear.params, linear.loss_and_grads(d.X_train, d.y_train)[1])
    assert linear.accuracy(d.X_test, d.y_test) < 0.75


def test_batchnorm_network_learns_the_spiral_with_mini_batches():
    d = make_dataset("spiral", n=300, classes=3, seed=26)
    model = MLP([2, 32, 32, 3], activation="relu", batchnorm=True, seed=27)
    opt = make_optimizer("adam", 0.01)
    rng = np.random.default_rng(28)
    for _ in range(600):
        idx = rng.integers(0, len(d.X_train), 32)
        opt.step(model.params, model.loss_and_grads(d.X_train[idx], d.y_train[idx])[1])
    assert model.accuracy(d.X_test, d.y_test) >= 0.9  # test mode: running statistics


def test_training_is_deterministic():
    def run() -> np.ndarray:
        d = make_dataset("moons", n=100, seed=29)
        model = MLP([2, 8, 2], batchnorm=True, seed=30)
        opt = make_optimizer("momentum", 0.1)
        for _ in range(20):
            opt.step(model.params, model.loss_and_grads(d.X_train, d.y_train)[1])
        return np.concatenate([model.theta, model.bn_layers[0].running_var])

    np.testing.assert_array_equal(run(), run())
