"""MLPStack: N models on a leading axis behave as N separate MLPs, trained with per-model α, β, ...

Each check sets the stack beside single-model ``MLP`` runs with the same seeds, data and
hyperparameters: the same initial weights (to the bit), losses, gradients, weights after training,
probabilities; plus the gradient check of the notes on a tiny stack and the errors at the door.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.datasets import spiral
from simulator.nn import MLP, MLPStack, per_model
from simulator.optimizers import make_optimizer

CLOSE = {"rtol": 1e-10, "atol": 1e-12}  # float64: only the order of the additions may differ
SIZES = [2, 6, 5, 3]
SEEDS = [3, 1, 4, 1, 5]


def batch(m: int = 12, n_models: int | None = None, seed: int = 0):
    """Shared data (m, 2), (m,) or, with n_models, one set per model (N, m, 2), (N, m)."""
    rng = np.random.default_rng(seed)
    lead = () if n_models is None else (n_models,)
    return rng.normal(size=(*lead, m, 2)), rng.integers(0, 3, size=(*lead, m))


def singles(activation: str, dtype=np.float64, seeds=SEEDS, **kwargs) -> list[MLP]:
    return [MLP(SIZES, activation, seed=s, dtype=dtype, **kwargs) for s in seeds]


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_model_k_starts_exactly_as_mlp_with_seed_k(activation):
    stack = MLPStack(SIZES, len(SEEDS), activation=activation, seeds=SEEDS)
    assert [p.shape for p in stack.params] == [(5, 2, 6), (5, 6), (5, 6, 5), (5, 5), (5, 5, 3), (5, 3)]
    assert stack.param_names == MLP(SIZES).param_names
    for k, mlp in enumerate(singles(activation)):
        np.testing.assert_array_equal(stack.theta[k], mlp.theta)
        for p, q in zip(stack.params, mlp.params, strict=True):
            np.testing.assert_array_equal(p[k], q)
    assert MLPStack(SIZES, 3).seeds == [0, 1, 2]  # default: distinct models
    stack.theta[:] = 0.0
    stack.initialize(range(10, 15))
    np.testing.assert_array_equal(stack.theta[2], MLP(SIZES, activation, seed=12).theta)


def test_params_and_grads_are_views_into_theta_and_dtheta():
    stack = MLPStack(SIZES, 4)
    stack.loss_and_grads(*batch())
    for p, g in zip(stack.params, stack.grads, strict=True):
        assert np.shares_memory(p, stack.theta) and np.shares_memory(g, stack.dtheta)
    stack.params[2][1, 0, 0] = 7.0
    assert stack.split(stack.theta)[2][1, 0, 0] == 7.0
    assert stack.theta.shape == stack.dtheta.shape == (4, MLP(SIZES).n_params) == (4, stack.n_params)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("shared", [True, False])
def test_losses_and_gradients_are_those_of_each_single_model(activation, shared):
    stack = MLPStack(SIZES, len(SEEDS), activation=activation, seeds=SEEDS)
    X, y = batch(n_models=None if shared else len(SEEDS))
    losses, grads = stack.loss_and_grads(X, y)
    assert losses.shape == (len(SEEDS),)
    for k, mlp in enumerate(singles(activation)):
        loss, expected = mlp.loss_and_grads(X if shared else X[k], y if shared else y[k])
        assert losses[k] == pytest.approx(loss, rel=1e-12)
        for name, g, e in zip(stack.param_names, grads, expected, strict=True):
            np.testing.assert_allclose(g[k], e, **CLOSE, err_msg=f"model {k} {name}")


def test_a_second_batch_size_and_softmax_regression_work_too():
    stack = MLPStack([2, 3], 3, seeds=[0, 1, 2])
    for m in (7, 1, 7):
        X, y = batch(m=m, seed=m)
        losses, grads = stack.loss_and_grads(X, y)
        for k in range(3):
            loss, expected = MLP([2, 3], seed=k).loss_and_grads(X, y)
            assert losses[k] == pytest.approx(loss, rel=1e-12)
            np.testing.assert_allclose(grads[0][k], expected[0], **CLOSE)


def test_l2_per_model_matches_mlp_with_that_l2():
    l2 = [0.0, 0.5, 2.0]
    stack = MLPStack(SIZES, 3, seeds=SEEDS[:3], l2=l2)
    X, y = batch()
    losses, grads = stack.loss_and_grads(X, y)
    for k, mlp in enumerate(singles("relu", seeds=SEEDS[:3])):
        mlp.l2 = l2[k]
        loss, expected = mlp.loss_and_grads(X, y)
        assert losses[k] == pytest.approx(loss, rel=1e-12)
        assert stack.loss(X, y)[k] == pytest.approx(mlp.loss(X, y), rel=1e-12)
        for g, e in zip(grads, expected, strict=True):
            np.testing.assert_allclose(g[k], e, **CLOSE)


HYPER = {
    "sgd": {"lr": [0.5, 0.1, 0.02, 0.3, 0.05]},
    "momentum": {"lr": [0.5, 0.1, 0.02, 0.3, 0.05], "beta": [0.0, 0.5, 0.9, 0.99, 0.8]},
    "rmsprop": {"lr": [0.01, 0.003, 0.02, 0.001, 0.05], "beta": [0.9, 0.99, 0.999, 0.5, 0.8],
                "eps": [1e-8, 1e-4, 1e-6, 1e-8, 1e-3]},
    "adam": {"lr": [0.01, 0.003, 0.02, 0.001, 0.05], "beta1": [0.0, 0.5, 0.9, 0.95, 0.8],
             "beta2": [0.9, 0.99, 0.999, 0.5, 0.8], "eps": [1e-8, 1e-4, 1e-6, 1e-8, 1e-3]},
}


@pytest.mark.parametrize("name", list(HYPER))
@pytest.mark.parametrize("shared", [True, False])
def test_training_with_per_model_hyperparameters_equals_separate_runs(name, shared):
    n, steps = len(SEEDS), 8
    stack = MLPStack(SIZES, n, activation="tanh", seeds=SEEDS)
    hyper = {key: per_model(values, n, key) for key, values in HYPER[name].items()}
    opt = make_optimizer(name, **hyper)
    batches = [batch(m=10, n_models=None if shared else n, seed=s) for s in range(steps)]
    for X, y in batches:
        stack.loss_and_grads(X, y)
        opt.step([stack.theta], [stack.dtheta])
        stack.loss_and_accuracy(*batch(m=40, seed=99))  # test mode between steps changes nothing
    for k, mlp in enumerate(singles("tanh")):
        single = make_optimizer(name, **{key: values[k] for key, values in HYPER[name].items()})
        for X, y in batches:
            single.step(mlp.params, mlp.loss_and_grads(X if shared else X[k], y if shared else y[k])[1])
        np.testing.assert_allclose(stack.theta[k], mlp.theta, rtol=1e-9, atol=1e-12, err_msg=f"model {k}")
    assert not np.allclose(stack.theta[0], singles("tanh")[0].theta)  # they did train


def test_the_params_list_trains_like_theta_with_shared_hyperparameters():
    by_list, by_theta = MLPStack(SIZES, 3), MLPStack(SIZES, 3)
    opt_list, opt_theta = make_optimizer("adam", 0.01), make_optimizer("adam", 0.01)
    for s in range(3):
        X, y = batch(seed=s)
        opt_list.step(by_list.params, by_list.loss_and_grads(X, y)[1])
        by_theta.loss_and_grads(X, y)
        opt_theta.step([by_theta.theta], [by_theta.dtheta])
    np.testing.assert_allclose(by_list.theta, by_theta.theta, **CLOSE)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_predictions_match_each_model_in_test_mode(activation):
    stack = MLPStack(SIZES, 3, activation=activation, seeds=[7, 8, 9])
    opt = make_optimizer("adam", per_model([0.05, 0.01, 0.002], 3))
    data = spiral(n=120, seed=1)
    for _ in range(20):
        stack.loss_and_grads(data.X_train, data.y_train)
        opt.step([stack.theta], [stack.dtheta])
    X = np.random.default_rng(2).normal(size=(1500, 2))  # several blocks of rows
    proba = stack.predict_proba(X)
    assert proba.shape == (3, 1500, 3)
    np.testing.assert_allclose(proba.sum(axis=-1), 1.0)
    for k in range(3):
        mlp = stack.model(k)
        np.testing.assert_allclose(proba[k], mlp.predict_proba(X), **CLOSE)
        np.testing.assert_array_equal(stack.predict(X)[k], mlp.predict(X))
        assert stack.loss(data.X_test, data.y_test)[k] == pytest.approx(mlp.loss(data.X_test, data.y_test))
        assert stack.accuracy(data.X_test, data.y_test)[k] == mlp.accuracy(data.X_test, data.y_test)
    both = stack.loss_and_accuracy(data.X_test, data.y_test)
    np.testing.assert_array_equal(both[0], stack.loss(data.X_test, data.y_test))
    np.testing.assert_array_equal(both[1], stack.accuracy(data.X_test, data.y_test))
    per = np.stack([X[:10], X[10:20], X[20:30]])  # one set per model
    np.testing.assert_allclose(stack.predict_proba(per)[1], stack.model(1).predict_proba(X[10:20]), **CLOSE)
    assert len({float(a) for a in stack.accuracy(data.X_test, data.y_test)}) > 1  # the α differ


def test_a_diverging_model_leaves_the_others_untouched():
    stack = MLPStack(SIZES, 3, seeds=[0, 1, 2])
    opt = make_optimizer("sgd", per_model([0.1, 1e300, 0.1], 3))
    with np.errstate(all="ignore"):
        for s in range(6):
            losses, _ = stack.loss_and_grads(*batch(seed=s))
            opt.step([stack.theta], [stack.dtheta])
        assert not np.isfinite(stack.loss(*batch())[1])
    assert np.all(np.isfinite(losses[[0, 2]]))
    for k in (0, 2):
        mlp, single = MLP(SIZES, seed=k), make_optimizer("sgd", 0.1)
        for s in range(6):
            single.step(mlp.params, mlp.loss_and_grads(*batch(seed=s))[1])
        np.testing.assert_allclose(stack.theta[k], mlp.theta, **CLOSE)


def test_states_move_between_members_and_to_mlp():
    stack = MLPStack(SIZES, 4)
    stack.copy_model(2, 0)
    np.testing.assert_array_equal(stack.theta[0], stack.theta[2])
    stack.copy_model([1, 1], [2, 3])  # the strong copied into the weak, as in PBT
    np.testing.assert_array_equal(stack.theta[3], stack.theta[1])
    state = stack.state(1)
    state["W1"][:] = 0.0  # a copy: the stack is unchanged
    assert np.any(stack.params[0][1])
    stack.set_state(3, MLP(SIZES, seed=40).state_dict())
    np.testing.assert_array_equal(stack.theta[3], MLP(SIZES, seed=40).theta)
    np.testing.assert_array_equal(stack.model(3).theta, stack.theta[3])
    with pytest.raises(ValueError, match=r"\[0, 3\], got 4"):
        stack.copy_model(4, 0)
    with pytest.raises(ValueError, match="W2 must have shape"):
        stack.set_state(0, {**state, "W2": np.zeros((2, 2))})


def test_float32_option_computes_in_float32():
    stack = MLPStack(SIZES, 2, activation="tanh", seeds=[0, 1], dtype=np.float32)
    assert stack.theta.dtype == stack.dtheta.dtype == np.float32
    X, y = batch()
    opt = make_optimizer("adam", per_model([0.01, 0.02], 2, dtype=np.float32))
    for _ in range(3):
        losses, _ = stack.loss_and_grads(X, y)
        opt.step([stack.theta], [stack.dtheta])
    assert losses.dtype == np.float32 and stack.theta.dtype == np.float32
    assert stack.predict_proba(X).dtype == np.float32
    for k, mlp in enumerate(singles("tanh", dtype=np.float32, seeds=[0, 1])):
        single = make_optimizer("adam", [0.01, 0.02][k])
        for _ in range(3):
            single.step(mlp.params, mlp.loss_and_grads(X, y)[1])
        np.testing.assert_allclose(stack.theta[k], mlp.theta, rtol=1e-4, atol=1e-5)
    start = MLPStack(SIZES, 2, dtype=np.float32).theta[1]
    np.testing.assert_array_equal(start, MLP(SIZES, seed=1, dtype=np.float32).theta)


def test_gradient_check_by_finite_differences():
    stack = MLPStack([3, 4, 3], 2, activation="tanh", seeds=[5, 6], l2=[0.0, 0.3])
    X, y = batch(m=6, n_models=2)
    X = np.concatenate([X, X[..., :1]], axis=-1)  # 3 inputs
    _, grads = stack.loss_and_grads(X, y)
    analytic = stack.dtheta.copy()
    numeric = np.zeros_like(analytic)
    h = 1e-6
    for idx in np.ndindex(stack.theta.shape):
        old = stack.theta[idx]
        stack.theta[idx] = old + h
        plus = stack.loss_and_grads(X, y)[0][idx[0]]
        stack.theta[idx] = old - h
        minus = stack.loss_and_grads(X, y)[0][idx[0]]
        stack.theta[idx] = old
        numeric[idx] = (plus - minus) / (2 * h)
    for k in range(2):
        error = np.linalg.norm(analytic[k] - numeric[k]) / np.linalg.norm(analytic[k] + numeric[k])
        assert error < 1e-7


def test_bad_input_raises_value_errors_naming_the_value():
    with pytest.raises(ValueError, match=r"n_models must be in \[1, inf\), got 0"):
        MLPStack(SIZES, 0)
    with pytest.raises(ValueError, match="seeds must hold one seed per model \\(3\\), got 2"):
        MLPStack(SIZES, 3, seeds=[1, 2])
    with pytest.raises(ValueError, match="seed must be in"):
        MLPStack(SIZES, 2, seeds=[1, -2])
    with pytest.raises(ValueError, match="activation must be one of relu, tanh, got 'sigmoid'"):
        MLPStack(SIZES, 2, activation="sigmoid")
    with pytest.raises(ValueError, match="number of classes"):
        MLPStack([2, 4, 1], 2)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        MLPStack(SIZES, 2, dtype=np.int32)
    with pytest.raises(ValueError, match="l2 must be in"):
        MLPStack(SIZES, 2, l2=[0.1, -1.0])
    stack = MLPStack(SIZES, 3)
    X, y = batch(m=5)
    shapes = r"X must have shape \(examples, 2\) or \(3, examples, 2\), got shape \(5, 3\)"
    with pytest.raises(ValueError, match=shapes):
        stack.loss_and_grads(np.zeros((5, 3)), y)
    with pytest.raises(ValueError, match=r"got shape \(2, 5, 2\)"):
        stack.loss_and_grads(np.zeros((2, 5, 2)), y)
    with pytest.raises(ValueError, match=r"labels must have shape \(5,\) or \(3, 5\), got shape \(4,\)"):
        stack.loss_and_grads(X, y[:4])
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\], got values in \[0, 3\]"):
        stack.loss_and_grads(X, np.array([0, 1, 2, 3, 0]))
    with pytest.raises(ValueError, match="labels must be integers"):
        stack.loss_and_grads(X, y.astype(float))
    with pytest.raises(ValueError, match="at least 1 example"):
        stack.predict_proba(np.zeros((0, 2)))
    with pytest.raises(ValueError, match=r"lr must hold one value per model \(3\), got shape \(2,\)"):
        per_model([0.1, 0.2], 3, "lr")
    with pytest.raises(ValueError, match="beta1 must be in"):
        make_optimizer("adam", 0.1, beta1=per_model([0.9, 1.0, 0.5], 3))


def test_per_model_gives_one_row_per_model():
    assert per_model(0.1, 3).tolist() == [[0.1], [0.1], [0.1]]  # a number is repeated
    assert per_model([1, 2], 2).tolist() == [[1.0], [2.0]]
    assert per_model(np.array([[1.0], [2.0]]), 2, dtype=np.float32).dtype == np.float32
    stack = MLPStack(SIZES, 2)
    assert (per_model([0.1, 0.2], 2) * stack.theta).shape == stack.theta.shape  # broadcasts per row
