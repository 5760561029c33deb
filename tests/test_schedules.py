"""Learning-rate decay: the notes' formulas, epochs from 1, arrays, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.schedules import SCHEDULES, Schedule, check_range, make_schedule


def test_inverse_time_matches_the_lecture_table():
    """alpha = alpha0 / (1 + decay_rate * epoch); alpha0 = 0.2, decay_rate = 1."""
    s = make_schedule("inverse_time", 0.2, decay_rate=1.0)
    got = [s(e) for e in (1, 2, 3, 4)]
    assert got == pytest.approx([0.1, 0.2 / 3, 0.05, 0.04], rel=1e-12)
    assert round(got[1], 3) == 0.067
    assert all(isinstance(a, float) for a in got)


def test_inverse_time_other_decay_rate():
    s = make_schedule("inverse_time", 0.5, decay_rate=0.25)
    assert s(4) == pytest.approx(0.5 / 2.0)
    assert s(0) == pytest.approx(0.5)


def test_inverse_time_decay_zero_is_constant():
    s = make_schedule("inverse_time", 0.3, decay_rate=0.0)
    assert s(np.arange(1, 50)) == pytest.approx(np.full(49, 0.3))


def test_exponential_is_base_power_epoch_times_alpha0():
    s = make_schedule("exponential", 0.2)  # the notes' 0.95 by default
    for e in (1, 2, 10, 100):
        assert s(e) == pytest.approx(0.95**e * 0.2, rel=1e-12)
    s2 = make_schedule("exponential", 1.0, base=0.5)
    assert [s2(e) for e in (1, 2, 3)] == pytest.approx([0.5, 0.25, 0.125])


def test_inverse_sqrt_is_k_over_sqrt_epoch_times_alpha0():
    s = make_schedule("inverse_sqrt", 0.1, k=2.0)
    for e in (1, 4, 9, 100):
        assert s(e) == pytest.approx(2.0 / math.sqrt(e) * 0.1, rel=1e-12)
    assert make_schedule("inverse_sqrt", 0.1)(4) == pytest.approx(0.05)  # k = 1 by default


def test_inverse_sqrt_epoch_zero_is_finite():
    assert make_schedule("inverse_sqrt", 0.1)(0) == pytest.approx(0.1)


def test_staircase_halves_every_n_epochs():
    s = make_schedule("staircase", 0.8, factor=0.5, every=10)
    epochs = [1, 9, 10, 19, 20, 35]
    want = [0.8, 0.8, 0.4, 0.4, 0.2, 0.1]
    assert [s(e) for e in epochs] == pytest.approx(want)
    # formula: alpha0 * factor ** floor(epoch / every)
    for e in range(0, 100, 7):
        assert s(e) == pytest.approx(0.8 * 0.5 ** math.floor(e / 10))


def test_staircase_defaults():
    s = make_schedule("staircase", 1.0)
    assert s(99) == pytest.approx(1.0)
    assert s(100) == pytest.approx(0.5)


def test_constant():
    s = make_schedule("constant", 0.03)
    assert [s(e) for e in (0, 1, 10, 1e6)] == [0.03] * 4
    np.testing.assert_array_equal(s(np.arange(5)), np.full(5, 0.03))


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_array_input_matches_scalar_calls(name):
    s = make_schedule(name, 0.1)
    epochs = np.arange(1, 301)
    arr = s(epochs)
    assert isinstance(arr, np.ndarray)
    assert arr.shape == epochs.shape
    np.testing.assert_allclose(arr, [s(int(e)) for e in epochs], rtol=1e-15)
    grid = s(epochs.reshape(20, 15).astype(float))
    assert grid.shape == (20, 15)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_first_epoch_is_at_most_alpha0_and_alpha_never_grows(name):
    s = make_schedule(name, 0.2)
    a = s(np.arange(1, 1000))
    assert np.all(a > 0)
    assert a[0] <= 0.2 + 1e-15
    assert np.all(np.diff(a) <= 1e-15)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_repr_rebuilds_the_same_schedule(name):
    s = make_schedule(name, 0.125)
    s2 = eval(repr(s), {"make_schedule": make_schedule})
    assert s2(np.arange(1, 50)) == pytest.approx(s(np.arange(1, 50)))


def test_names_are_case_insensitive():
    assert make_schedule("Inverse_Time", 0.2)(1) == pytest.approx(0.1)


def test_registry():
    names = {"constant", "inverse_time", "exponential", "inverse_sqrt", "staircase"}
    assert set(SCHEDULES) == names
    for name, cls in SCHEDULES.items():
        assert issubclass(cls, Schedule)
        assert isinstance(make_schedule(name, 0.1), cls)
        assert cls.formula.startswith("alpha =")


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("alpha0", [0.0, -0.1, float("nan"), float("inf"), "abc"])
def test_bad_alpha0_raises(name, alpha0):
    with pytest.raises(ValueError, match="alpha0"):
        make_schedule(name, alpha0)


@pytest.mark.parametrize(
    "name, params, key",
    [
        ("inverse_time", {"decay_rate": -1.0}, "decay_rate"),
        ("inverse_time", {"decay_rate": float("nan")}, "decay_rate"),
        ("exponential", {"base": 0.0}, "base"),
        ("exponential", {"base": 1.5}, "base"),
        ("exponential", {"base": -0.5}, "base"),
        ("inverse_sqrt", {"k": 0.0}, "k"),
        ("inverse_sqrt", {"k": -1.0}, "k"),
        ("staircase", {"factor": 0.0}, "factor"),
        ("staircase", {"factor": 2.0}, "factor"),
        ("staircase", {"every": 0.0}, "every"),
        ("staircase", {"every": -10.0}, "every"),
    ],
)
def test_bad_params_raise_naming_value_and_range(name, params, key):
    with pytest.raises(ValueError) as exc:
        make_schedule(name, 0.1, **params)
    msg = str(exc.value)
    assert key in msg
    v = params[key]
    assert str(v) in msg or f"{v:g}" in msg
    assert "[" in msg or "(" in msg  # the allowed range is shown


@pytest.mark.parametrize(
    "name, key", [("constant", "decay_rate"), ("inverse_time", "base"), ("staircase", "k")]
)
def test_unknown_param_raises(name, key):
    with pytest.raises(ValueError) as exc:
        make_schedule(name, 0.1, **{key: 0.5})
    assert repr(key) in str(exc.value)


@pytest.mark.parametrize("bad", ["cosine", "", "step"])
def test_unknown_schedule_name_raises_listing_choices(bad):
    with pytest.raises(ValueError) as exc:
        make_schedule(bad, 0.1)
    for name in SCHEDULES:
        assert name in str(exc.value)


def test_check_range_messages():
    assert check_range("x", 0.5, low=0.0, high=1.0) == 0.5
    with pytest.raises(ValueError, match=r"x must be in \[0, 1\), got 1"):
        check_range("x", 1.0, low=0.0, high=1.0, high_open=True)
    with pytest.raises(ValueError, match=r"x must be in \(0, 1\], got 0"):
        check_range("x", 0, low=0.0, high=1.0, low_open=True)
    with pytest.raises(ValueError, match=r"array with values in \[-1, 2\]"):
        check_range("x", np.array([-1.0, 2.0]), low=0.0)
    arr = check_range("x", np.array([[0.1], [0.2]]), low=0.0)
    assert isinstance(arr, np.ndarray) and arr.shape == (2, 1)
