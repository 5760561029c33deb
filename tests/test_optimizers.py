"""Optimizers: hand-computed steps, readable state, vectorized hyperparameters, validation.

The update rules are the course notes' (and, for RMSprop and Adam, PyTorch's ``torch.optim``
algorithms written out in their docstrings; torch is not needed to check them):

    sgd       W -= lr * dW
    momentum  v = beta * v + (1 - beta) * dW;            W -= lr * v
    rmsprop   s = beta * s + (1 - beta) * dW^2;          W -= lr * dW / (sqrt(s) + eps)
    adam      v = beta1 * v + (1 - beta1) * dW;  s = beta2 * s + (1 - beta2) * dW^2
              v_hat = v / (1 - beta1^t);  s_hat = s / (1 - beta2^t)
              W -= lr * v_hat / (sqrt(s_hat) + eps)

PyTorch's ``RMSprop`` (alpha = beta, centered=False, momentum=0) and ``Adam`` (amsgrad=False,
weight_decay=0) are exactly these. PyTorch's SGD with momentum=beta and dampening=beta is the notes'
momentum from the second step on (PyTorch starts its buffer at dW instead of (1 - beta) * dW).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.optimizers import OPTIMIZERS, Adam, make_optimizer
from simulator.schedules import make_schedule

ALL = ["sgd", "momentum", "rmsprop", "adam"]


def run(name: str, grads: list[float], w0: float = 1.0, **kw) -> tuple[np.ndarray, object]:
    """Step a one-element parameter through ``grads``; return the W after each step and opt."""
    opt = make_optimizer(name, **kw)
    w = np.array([w0])
    out = []
    for g in grads:
        opt.step([w], [np.array([g])])
        out.append(w[0])
    return np.array(out), opt


def shows(value: float, msg: str) -> bool:
    """The message names the value (as Python prints it or in %g form)."""
    return str(value) in msg or f"{value:g}" in msg


# -- reference implementations, PyTorch's algorithms written out --------------------------------


def ref_adam(grads, lr, b1=0.9, b2=0.999, eps=1e-8, w0=0.0, bias_correction=True):
    w, v, s = np.asarray(w0, dtype=float).copy(), 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        v = b1 * v + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        vh, sh = (v / (1 - b1**t), s / (1 - b2**t)) if bias_correction else (v, s)
        w = w - lr * vh / (np.sqrt(sh) + eps)
    return w


def ref_rmsprop(grads, lr, beta=0.999, eps=1e-8, w0=0.0):
    w, s = np.asarray(w0, dtype=float).copy(), 0.0
    for g in grads:
        s = beta * s + (1 - beta) * g * g
        w = w - lr * g / (np.sqrt(s) + eps)
    return w


def ref_momentum(grads, lr, beta=0.9, w0=0.0):
    w, v = np.asarray(w0, dtype=float).copy(), 0.0
    for g in grads:
        v = beta * v + (1 - beta) * g
        w = w - lr * v
    return w


# -- first and second steps by hand ---------------------------------------------------------------


def test_sgd_first_and_second_step():
    ws, opt = run("sgd", [2.0, -1.0], lr=0.1)
    # 1 - 0.1*2 = 0.8;  0.8 - 0.1*(-1) = 0.9
    assert ws == pytest.approx([0.8, 0.9], abs=1e-15)
    assert opt.t == 2
    assert opt.alpha == 0.1
    assert opt.state[0]["update"] == pytest.approx([0.1])
    assert opt.state[0]["dW"] == pytest.approx([-1.0])


def test_momentum_first_and_second_step():
    ws, opt = run("momentum", [2.0, -1.0], lr=0.1, beta=0.9)
    # v1 = 0.1*2 = 0.2, W = 1 - 0.02 = 0.98;  v2 = 0.9*0.2 + 0.1*(-1) = 0.08, W = 0.98 - 0.008
    assert ws == pytest.approx([0.98, 0.972], abs=1e-12)
    assert opt.state[0]["v"] == pytest.approx([0.08], abs=1e-12)
    assert opt.state[0]["update"] == pytest.approx([-0.008], abs=1e-12)


def test_momentum_default_beta_is_0_9():
    ws, _ = run("momentum", [1.0], lr=1.0)
    assert ws == pytest.approx([1.0 - 0.1])


def test_momentum_with_beta_0_is_sgd():
    grads = [3.0, -2.0, 0.5, 7.0]
    ws_m, _ = run("momentum", grads, lr=0.05, beta=0.0)
    ws_s, _ = run("sgd", grads, lr=0.05)
    np.testing.assert_allclose(ws_m, ws_s, rtol=0, atol=1e-15)


def test_rmsprop_first_and_second_step():
    ws, opt = run("rmsprop", [2.0, -1.0], lr=0.01, beta=0.9)
    # s1 = 0.1*4 = 0.4, W = 1 - 0.01*2/sqrt(0.4) = 0.968377...
    # s2 = 0.9*0.4 + 0.1*1 = 0.46, W = 0.968377 + 0.01/sqrt(0.46) = 0.983121...
    assert ws == pytest.approx([0.9683772238983162, 0.9831214192964146], abs=1e-10)
    assert opt.state[0]["s"] == pytest.approx([0.46], abs=1e-12)


def test_rmsprop_defaults_match_reference():
    grads = [0.3, -1.2, 4.0, 0.01, -0.5]
    ws, _ = run("rmsprop", grads, w0=0.0, lr=0.003)
    assert ws[-1] == pytest.approx(ref_rmsprop(grads, 0.003), rel=1e-12)


def test_adam_first_and_second_step():
    ws, opt = run("adam", [2.0, -1.0], lr=0.1)
    # t=1: v = 0.2, s = 0.004, v_hat = 2, s_hat = 4, W = 1 - 0.1*2/(2 + 1e-8) = 0.9
    # t=2: v = 0.08, s = 0.004996, v_hat = 0.08/0.19, s_hat = 0.004996/0.001999
    assert ws[0] == pytest.approx(0.9, abs=1e-8)
    assert ws[1] == pytest.approx(0.8733662967024315, abs=1e-10)
    st = opt.state[0]
    assert st["v"] == pytest.approx([0.08], abs=1e-12)
    assert st["s"] == pytest.approx([0.004996], abs=1e-12)
    assert st["v_hat"] == pytest.approx([0.08 / 0.19], rel=1e-12)
    assert st["s_hat"] == pytest.approx([0.004996 / 0.001999], rel=1e-12)
    assert opt.t == 2


def test_adam_state_after_first_step_is_the_gradient():
    """After one step the corrected values are dW and dW^2 exactly (the point of correction)."""
    opt = make_optimizer("adam", lr=0.01)
    g = np.array([0.3, -4.0, 1e-3])
    opt.step([np.zeros(3)], [g])
    np.testing.assert_allclose(opt.state[0]["v_hat"], g, rtol=1e-12)
    np.testing.assert_allclose(opt.state[0]["s_hat"], g * g, rtol=1e-12)
    np.testing.assert_allclose(opt.state[0]["v"], 0.1 * g, rtol=1e-12)
    np.testing.assert_allclose(opt.state[0]["s"], 0.001 * g * g, rtol=1e-12)


@pytest.mark.parametrize("g", [1e-3, 1.0, 1e3, -1e-3, -1e3])
def test_adam_first_step_moves_by_lr_whatever_the_gradient_size(g):
    ws, _ = run("adam", [g], w0=0.0, lr=0.05)
    assert ws[0] == pytest.approx(-0.05 * math.copysign(1.0, g), rel=1e-4)


def test_adam_first_step_is_lr_per_coordinate():
    w = np.zeros(3)
    opt = make_optimizer("adam", lr=0.02)
    opt.step([w], [np.array([1e-3, 1e3, -7.0])])
    np.testing.assert_allclose(w, [-0.02, -0.02, 0.02], rtol=1e-4)


def test_adam_without_bias_correction_differs():
    ws_on, _ = run("adam", [2.0], lr=0.1)
    ws_off, opt = run("adam", [2.0], lr=0.1, bias_correction=False)
    # v = 0.2, s = 0.004: W = 1 - 0.1 * 0.2/sqrt(0.004) = 0.68377...
    assert ws_off[0] == pytest.approx(0.683772283983154, abs=1e-10)
    assert abs(ws_off[0] - ws_on[0]) > 0.1
    # without correction the "corrected" values are the raw ones
    assert opt.state[0]["v_hat"] == pytest.approx(opt.state[0]["v"])
    assert opt.state[0]["s_hat"] == pytest.approx(opt.state[0]["s"])


def test_adam_matches_reference_over_many_steps():
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(30, 4)) * np.array([1e-3, 1.0, 10.0, 1e3])
    w = np.zeros(4)
    opt = make_optimizer("adam", lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6)
    for g in grads:
        opt.step([w], [g])
    want = ref_adam(grads, 0.01, b1=0.8, b2=0.99, eps=1e-6, w0=np.zeros(4))
    np.testing.assert_allclose(w, want, rtol=1e-12, atol=1e-15)


def test_adam_no_correction_matches_reference():
    grads = [0.5, -0.2, 1.5, 3.0]
    ws, _ = run("adam", grads, w0=0.0, lr=0.01, bias_correction=False)
    assert ws[-1] == pytest.approx(ref_adam(grads, 0.01, bias_correction=False), rel=1e-12)


def test_momentum_matches_reference_over_many_steps():
    grads = list(np.random.default_rng(0).normal(size=25))
    ws, _ = run("momentum", grads, w0=0.0, lr=0.3, beta=0.7)
    assert ws[-1] == pytest.approx(ref_momentum(grads, 0.3, beta=0.7), rel=1e-12)


# -- state, shapes, several parameters -------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_update_is_applied_in_place_and_recorded(name):
    rng = np.random.default_rng(1)
    w = rng.normal(size=(3, 4))
    w_id = id(w)
    opt = make_optimizer(name, lr=0.1)
    for _ in range(3):
        before = w.copy()
        g = rng.normal(size=(3, 4))
        opt.step([w], [g])
        assert id(w) == w_id
        np.testing.assert_allclose(w - before, opt.state[0]["update"], atol=1e-14)
        np.testing.assert_array_equal(opt.state[0]["dW"], g)
    assert opt.t == 3
    assert opt.alpha == 0.1


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 3, 4), (1,)])
def test_any_shape_matches_elementwise_scalar_runs(name, shape):
    """Each element moves as it would alone: the optimizers are elementwise."""
    rng = np.random.default_rng(7)
    w0 = rng.normal(size=shape)
    grads = rng.normal(size=(4, *shape)) * 10.0 ** rng.integers(-3, 3, size=shape)
    w = w0.copy()
    opt = make_optimizer(name, lr=0.05)
    for g in grads:
        opt.step([w], [g])
    for idx in np.ndindex(*shape):
        ws, _ = run(name, [g[idx] for g in grads], w0=w0[idx], lr=0.05)
        assert w[idx] == pytest.approx(ws[-1], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", ALL)
def test_several_params_keep_separate_state(name):
    rng = np.random.default_rng(2)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=(4,))
    W0, b0 = W.copy(), b.copy()
    gW = [rng.normal(size=(3, 4)) for _ in range(3)]
    gb = [rng.normal(size=(4,)) * 100 for _ in range(3)]
    opt = make_optimizer(name, lr=0.01)
    for a, c in zip(gW, gb, strict=True):
        opt.step([W, b], [a, c])
    assert set(opt.state) == {0, 1}
    assert opt.state[0]["update"].shape == (3, 4)
    assert opt.state[1]["update"].shape == (4,)
    # the same as two optimizers, one per parameter
    for p0, grads, got in ((W0, gW, W), (b0, gb, b)):
        p = p0.copy()
        solo = make_optimizer(name, lr=0.01)
        for g in grads:
            solo.step([p], [g])
        np.testing.assert_allclose(got, p, rtol=1e-13, atol=1e-15)
    assert opt.t == 3  # one step per call, not per parameter


def test_state_names_per_optimizer():
    keys = {}
    for name in ALL:
        opt = make_optimizer(name, lr=0.1)
        opt.step([np.zeros(2)], [np.ones(2)])
        keys[name] = set(opt.state[0])
    assert keys["sgd"] >= {"dW", "update"}
    assert keys["momentum"] >= {"dW", "update", "v"}
    assert keys["rmsprop"] >= {"dW", "update", "s"}
    assert keys["adam"] >= {"dW", "update", "v", "s", "v_hat", "s_hat"}
    for k in ("v", "s", "v_hat", "s_hat"):
        assert opt.state[0][k].shape == (2,)


def test_mismatched_params_and_grads_raise():
    opt = make_optimizer("sgd", lr=0.1)
    with pytest.raises(ValueError, match="2 parameter arrays but 1"):
        opt.step([np.zeros(2), np.zeros(3)], [np.zeros(2)])


# -- vectorized hyperparameters -----------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_lr_column_gives_each_row_its_rate(name):
    lrs = np.array([0.001, 0.01, 0.1, 0.5])
    rng = np.random.default_rng(4)
    grads = rng.normal(size=(5, 2))
    W = np.tile([1.0, -2.0], (len(lrs), 1))
    opt = make_optimizer(name, lr=lrs.reshape(-1, 1))
    for g in grads:
        opt.step([W], [np.tile(g, (len(lrs), 1))])
    assert opt.alpha.shape == (4, 1)
    for k, lr in enumerate(lrs):
        w = np.array([1.0, -2.0])
        solo = make_optimizer(name, lr=float(lr))
        for g in grads:
            solo.step([w], [g])
        np.testing.assert_allclose(W[k], w, rtol=1e-13)
    assert len({tuple(row) for row in W}) == len(lrs)  # the rows really differ


def test_vectorized_lr_and_beta_match_separate_momentum_optimizers():
    """The momentum (alpha, beta) map's trick: K optimizers in one batch."""
    lrs = np.array([0.05, 0.1, 0.2])
    betas = np.array([0.0, 0.5, 0.9])
    grads = np.random.default_rng(5).normal(size=(6, 2))
    W = np.zeros((3, 2))
    opt = make_optimizer("momentum", lrs[:, None], beta=betas[:, None])
    for g in grads:
        opt.step([W], [np.tile(g, (3, 1)) + W])  # gradient depends on the row's position
    for k in range(3):
        w = np.zeros(2)
        solo = make_optimizer("momentum", float(lrs[k]), beta=float(betas[k]))
        for g in grads:
            solo.step([w], [g + w])
        np.testing.assert_allclose(W[k], w, rtol=1e-13, atol=1e-15)


def test_vectorized_adam_betas():
    b1 = np.array([[0.0], [0.9]])
    W = np.zeros((2, 1))
    opt = make_optimizer("adam", 0.1, beta1=b1, beta2=0.999)
    for g in (1.0, -3.0):
        opt.step([W], [np.full((2, 1), g)])
    assert W[0, 0] == pytest.approx(float(ref_adam([1.0, -3.0], 0.1, b1=0.0)), rel=1e-12)
    assert W[1, 0] == pytest.approx(float(ref_adam([1.0, -3.0], 0.1, b1=0.9)), rel=1e-12)


def test_vectorized_hyperparameter_out_of_range_raises():
    with pytest.raises(ValueError, match="lr"):
        make_optimizer("sgd", np.array([[0.1], [0.0]]))
    with pytest.raises(ValueError, match="beta"):
        make_optimizer("momentum", 0.1, beta=np.array([[0.5], [1.0]]))


# -- reset ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_reset_clears_state(name):
    opt = make_optimizer(name, lr=0.1)
    w = np.array([1.0, 2.0])
    for g in ([1.0, -1.0], [2.0, 0.5], [0.3, 0.3]):
        opt.step([w], [np.array(g)])
    opt.reset()
    assert opt.t == 0
    assert opt.alpha is None
    assert opt.state == {}
    # the next step is a first step again
    w1, w2 = np.array([1.0, 2.0]), np.array([1.0, 2.0])
    opt.step([w1], [np.array([4.0, -0.1])])
    make_optimizer(name, lr=0.1).step([w2], [np.array([4.0, -0.1])])
    np.testing.assert_array_equal(w1, w2)
    assert opt.t == 1


# -- schedules as learning rates ----------------------------------------------------------------


def test_schedule_as_lr_follows_epoch_t_from_1():
    sched = make_schedule("inverse_time", 0.2, decay_rate=1.0)
    opt = make_optimizer("sgd", lr=sched)
    w = np.array([0.0])
    alphas, moves = [], []
    for _ in range(4):
        before = w.copy()
        opt.step([w], [np.array([1.0])])
        alphas.append(opt.alpha)
        moves.append(before[0] - w[0])
    # the lecture's table: epoch 1 -> 0.1, 2 -> 0.067, 3 -> 0.05, 4 -> 0.04
    assert alphas == pytest.approx([0.1, 0.2 / 3, 0.05, 0.04], rel=1e-12)
    assert moves == pytest.approx(alphas, rel=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_schedule_as_lr_for_every_optimizer(name):
    sched = make_schedule("exponential", 0.1, base=0.5)
    opt = make_optimizer(name, lr=sched)
    for t in range(1, 4):
        opt.step([np.zeros(2)], [np.ones(2)])
        assert opt.alpha == pytest.approx(0.1 * 0.5**t)


def test_explicit_epoch_overrides_t():
    sched = make_schedule("inverse_time", 0.2, decay_rate=1.0)
    opt = make_optimizer("sgd", lr=sched)
    w = np.array([0.0])
    opt.step([w], [np.array([1.0])], epoch=4)
    assert opt.alpha == pytest.approx(0.04)
    assert w[0] == pytest.approx(-0.04)
    assert opt.t == 1


def test_schedule_restarts_after_reset():
    opt = make_optimizer("sgd", lr=make_schedule("inverse_time", 0.2))
    for _ in range(3):
        opt.step([np.zeros(1)], [np.ones(1)])
    opt.reset()
    opt.step([np.zeros(1)], [np.ones(1)])
    assert opt.alpha == pytest.approx(0.1)


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_lr_raises_naming_value_and_range(name, lr):
    with pytest.raises(ValueError) as exc:
        make_optimizer(name, lr=lr)
    msg = str(exc.value)
    assert "lr" in msg
    assert "(0, inf)" in msg  # the allowed range; inf itself is not allowed
    assert shows(lr, msg)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("lr", ["fast", None, [0.1, "x"]])
def test_non_numeric_lr_raises(name, lr):
    with pytest.raises(ValueError, match="lr"):
        make_optimizer(name, lr=lr)


def test_numeric_looking_string_lr_raises():
    """A string is not a learning rate, even one that looks like a number.

    The UI must parse its text fields itself; the engine accepting "0.01" would hide a missing
    conversion and leave ``opt.lr`` different from what the caller passed.
    """
    for lr in ("0.01", b"0.01", np.array(["0.1", "0.2"])):
        with pytest.raises(ValueError, match="lr"):
            make_optimizer("sgd", lr=lr)


@pytest.mark.parametrize(
    "name, key", [("momentum", "beta"), ("rmsprop", "beta"), ("adam", "beta1"), ("adam", "beta2")]
)
@pytest.mark.parametrize("value", [1.0, -0.1, 1.5, float("nan")])
def test_beta_outside_0_1_raises(name, key, value):
    with pytest.raises(ValueError) as exc:
        make_optimizer(name, lr=0.1, **{key: value})
    msg = str(exc.value)
    assert key in msg
    assert "[0, 1)" in msg
    assert shows(value, msg)


@pytest.mark.parametrize("name, key", [("momentum", "beta"), ("adam", "beta1"), ("adam", "beta2")])
def test_beta_edges_inside_range_are_accepted(name, key):
    make_optimizer(name, lr=0.1, **{key: 0.0})
    make_optimizer(name, lr=0.1, **{key: 0.999999})


@pytest.mark.parametrize("name", ["rmsprop", "adam"])
@pytest.mark.parametrize("eps", [0.0, -1e-8, float("nan")])
def test_eps_must_be_positive(name, eps):
    with pytest.raises(ValueError) as exc:
        make_optimizer(name, lr=0.1, eps=eps)
    assert "eps" in str(exc.value)
    assert "(0, inf)" in str(exc.value)
    assert shows(eps, str(exc.value))


@pytest.mark.parametrize("bad", ["nesterov", "", "sgd2", None])
def test_unknown_optimizer_name_raises_listing_choices(bad):
    with pytest.raises(ValueError) as exc:
        make_optimizer(bad, lr=0.1)
    msg = str(exc.value)
    assert repr(bad) in msg
    for name in ALL:
        assert name in msg


def test_optimizer_names_are_case_insensitive():
    assert isinstance(make_optimizer("Adam", lr=0.1), Adam)


@pytest.mark.parametrize(
    "name, key", [("sgd", "beta"), ("momentum", "beta1"), ("rmsprop", "momentum"), ("adam", "beta")]
)
def test_unknown_hyperparameter_raises(name, key):
    with pytest.raises(ValueError) as exc:
        make_optimizer(name, lr=0.1, **{key: 0.5})
    assert repr(key) in str(exc.value)
    assert "allowed" in str(exc.value)


def test_registry_holds_the_four_optimizers():
    assert set(OPTIMIZERS) == set(ALL)
    for name, cls in OPTIMIZERS.items():
        assert isinstance(make_optimizer(name, lr=0.1), cls)
