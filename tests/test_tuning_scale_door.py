"""The scale samplers' door: a missing rng and a huge n are refused with a clear ValueError that
names the value and the allowed range, before anything is drawn."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.tuning import LogAxis
from simulator.tuning.scale import MAX_N, log_uniform, one_minus_log, uniform

SAMPLERS = [(uniform, (0.0, 1.0)), (log_uniform, (1e-4, 1.0)), (one_minus_log, (0.9, 0.999))]


@pytest.mark.parametrize("fn, bounds", SAMPLERS)
def test_no_rng_is_a_value_error_that_says_what_to_pass(fn, bounds):
    with pytest.raises(ValueError) as info:
        fn(*bounds, 5, None)
    text = str(info.value)
    assert text.startswith("rng must be a numpy.random.Generator, got None")
    assert "default_rng(seed)" in text


@pytest.mark.parametrize("fn, bounds", SAMPLERS)
def test_a_huge_n_names_the_value_and_the_range(fn, bounds):
    huge = 10**12
    with pytest.raises(ValueError) as info:
        fn(*bounds, huge, np.random.default_rng(0))
    assert str(info.value) == f"n must be in [1, {MAX_N}], got {huge}"


@pytest.mark.parametrize("fn, bounds", SAMPLERS)
def test_n_at_the_ends_of_its_range_draws_inside_the_bounds(fn, bounds):
    low, high = bounds
    for n in (1, 1000):
        values = fn(low, high, n, np.random.default_rng(3))
        assert values.shape == (n,) and np.all((low <= values) & (values <= high))


def test_a_log_axis_passes_the_refusals_on():
    axis = LogAxis("alpha", 1e-4, 1.0)
    with pytest.raises(ValueError, match="got None"):
        axis.draw("log", 3, None)
    with pytest.raises(ValueError, match=r"n must be in \[1, "):
        axis.draw("uniform", MAX_N + 1, np.random.default_rng(0))


def test_the_same_seed_draws_the_same_values():
    a = log_uniform(1e-4, 1.0, 50, np.random.default_rng(7))
    b = log_uniform(1e-4, 1.0, 50, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("param, fn, bounds", [("alpha", log_uniform, (1e-4, 1.0)),
                                               ("beta", one_minus_log, (0.9, 0.999))])
def test_a_log_axis_draws_what_the_samplers_draw(param, fn, bounds):
    axis = LogAxis(param, *bounds)
    for scale, sampler in (("log", fn), ("uniform", uniform)):
        got = axis.draw(scale, 200, np.random.default_rng(5))
        np.testing.assert_allclose(got, sampler(*bounds, 200, np.random.default_rng(5)), rtol=1e-12)
    with pytest.raises(ValueError, match="scale must be 'uniform' or 'log'"):
        axis.draw("linear", 3, np.random.default_rng(0))
