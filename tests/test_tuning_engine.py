"""The tuning lab's engine: drawing α and β on an appropriate scale, without any window."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.tuning import (
    KINDS,
    LogAxis,
    ScaleRun,
    ScaleSettings,
    averaging_window,
    log_uniform,
    one_minus_log,
    sensitivity,
    uniform,
)

N = 200_000  # draws for the statistical checks: a share's standard error is about 0.001


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def shares(values: np.ndarray, edges) -> np.ndarray:
    return np.histogram(values, bins=edges)[0] / len(values)


# -- the distributions -------------------------------------------------------------------------


def test_log_uniform_puts_a_quarter_of_alpha_in_each_decade():
    alpha = log_uniform(1e-4, 1.0, N, rng())
    assert alpha.min() >= 1e-4 and alpha.max() <= 1.0
    np.testing.assert_allclose(shares(alpha, [1e-4, 1e-3, 1e-2, 1e-1, 1.0]), 0.25, atol=0.005)


def test_log_uniform_is_the_notes_r_equals_minus_four_rand():
    alpha = log_uniform(1e-4, 1.0, 1000, rng(3))
    r = -4 * rng(3).random(1000)
    np.testing.assert_allclose(alpha, 10.0**r, rtol=1e-12)


def test_uniform_puts_ninety_percent_of_alpha_in_the_top_decade():
    alpha = uniform(1e-4, 1.0, N, rng())
    got = shares(alpha, [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    np.testing.assert_allclose(got, [0.0009, 0.009, 0.09, 0.9], atol=0.005)


def test_one_minus_log_spreads_beta_evenly_in_log_of_one_minus_beta():
    beta = one_minus_log(0.9, 0.999, N, rng())
    assert beta.min() >= 0.9 and beta.max() <= 0.999
    r = np.log10(1 - beta)
    np.testing.assert_allclose(shares(r, np.linspace(-3, -1, 11)), 0.1, atol=0.004)
    np.testing.assert_allclose(shares(beta, [0.9, 0.99, 0.999]), [0.5, 0.5], atol=0.005)
    # drawn uniformly, only about one β in eleven lands in [0.99, 0.999]
    naive = uniform(0.9, 0.999, N, rng())
    assert shares(naive, [0.9, 0.99, 0.999])[1] == pytest.approx(1 / 11, abs=0.005)


def test_one_minus_log_from_zero():
    beta = one_minus_log(0.0, 0.99, N, rng())
    np.testing.assert_allclose(shares(1 - beta, [0.01, 0.1, 1.0]), 0.5, atol=0.005)


@pytest.mark.parametrize("fn, args", [(log_uniform, (1e-4, 1.0)), (one_minus_log, (0.9, 0.999)),
                                      (uniform, (0.0, 1.0))])
def test_same_seed_same_draws(fn, args):
    a = fn(*args, 50, rng(7))
    np.testing.assert_array_equal(a, fn(*args, 50, rng(7)))
    assert not np.array_equal(a, fn(*args, 50, rng(8)))
    assert a.shape == (50,) and np.all(np.isfinite(a))


# -- bad input ----------------------------------------------------------------------------------

BAD = [
    (log_uniform, (0.0, 1.0, 5), "low", "(0, inf)", "got 0"),
    (log_uniform, (-1.0, 1.0, 5), "low", "(0, inf)", "got -1"),
    (log_uniform, (1.0, 1.0, 5), "high", "(1, inf)", "got 1"),  # empty range
    (log_uniform, (1.0, 0.1, 5), "high", "(1, inf)", "got 0.1"),  # low > high
    (log_uniform, (math.nan, 1.0, 5), "low", "(0, inf)", "got nan"),
    (log_uniform, (1e-4, math.inf, 5), "high", "(0.0001, inf)", "got inf"),
    (log_uniform, (1e-4, 1.0, 0), "n", "[1, 10000000]", "got 0"),
    (log_uniform, ("a", 1.0, 5), "low", "number", "'a'"),
    (one_minus_log, (0.9, 1.0, 5), "beta_high", "(0.9, 1)", "got 1"),
    (one_minus_log, (-0.1, 0.9, 5), "beta_low", "[0, 1)", "got -0.1"),
    (one_minus_log, (1.0, 1.0, 5), "beta_low", "[0, 1)", "got 1"),
    (one_minus_log, (0.99, 0.9, 5), "beta_high", "(0.99, 1)", "got 0.9"),
    (one_minus_log, (0.9, 0.9, 5), "beta_high", "(0.9, 1)", "got 0.9"),
    (one_minus_log, (0.9, math.nan, 5), "beta_high", "(0.9, 1)", "got nan"),
    (one_minus_log, (0.9, 0.999, -3), "n", "[1, 10000000]", "got -3"),
    (uniform, (1.0, 1.0, 5), "high", "(1, inf)", "got 1"),
    (uniform, (0.0, math.inf, 5), "high", "(0, inf)", "got inf"),
    (uniform, (0.0, 1.0, 2.5), "n", "integer", "2.5"),
]


@pytest.mark.parametrize("fn, args, name, allowed, got", BAD)
def test_bad_input_names_the_argument_the_value_and_the_range(fn, args, name, allowed, got):
    with pytest.raises(ValueError) as info:
        fn(*args, rng())
    text = str(info.value)
    assert text.startswith(name + " must be"), text
    assert allowed in text and got in text, text


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="Generator"):
        log_uniform(1e-4, 1.0, 3, 42)


@pytest.mark.parametrize("beta", [1.0, -0.5, math.nan, math.inf])
def test_averaging_window_refuses_beta_outside_zero_one(beta):
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)"):
        averaging_window(beta)


# -- sensitivity --------------------------------------------------------------------------------


def test_averaging_window_is_the_notes_one_over_one_minus_beta():
    assert averaging_window(0.9) == pytest.approx(10.0)
    assert averaging_window(0.9005) == pytest.approx(10.05, abs=0.001)
    assert averaging_window(0.999) == pytest.approx(1000.0)
    assert averaging_window(0.9995) == pytest.approx(2000.0)
    np.testing.assert_allclose(averaging_window(np.array([0.0, 0.5])), [1.0, 2.0])


def test_sensitivity_same_step_in_beta_moves_the_window_very_differently():
    near_09, near_1 = sensitivity()
    assert (near_09["beta"], near_09["beta_next"]) == (0.9, 0.9005)
    assert near_09["ratio"] == pytest.approx(1.005, abs=1e-3)
    assert near_1["ratio"] == pytest.approx(2.0)
    assert near_1["window_next"] == pytest.approx(2000.0)


# -- the log axis -------------------------------------------------------------------------------


def test_log_axis_bins_decades_ticks():
    a = LogAxis("alpha", 1e-4, 1.0)
    assert a.u_range == (-4.0, 0.0)
    np.testing.assert_allclose(np.diff(a.bin_edges()), 0.2)
    np.testing.assert_allclose(a.decade_edges(), [-4, -3, -2, -1, 0])
    assert [v for _, v in a.ticks()] == pytest.approx([1e-4, 1e-3, 1e-2, 0.1, 1.0])
    b = LogAxis("beta", 0.9, 0.999)
    np.testing.assert_allclose(b.decade_edges(), [-3, -2, -1])
    assert b.interval(-2.0, -1.0) == pytest.approx((0.9, 0.99))
    assert [v for _, v in b.ticks()] == pytest.approx([0.999, 0.99, 0.9])
    assert b.value_at(-3.0) == pytest.approx(0.999)
    assert len(LogAxis("alpha", 1e-8, 10.0).ticks()) <= 6
    # less than a decade: one cut decade, at least five bars
    c = LogAxis("alpha", 0.02, 0.05)
    assert len(c.decade_edges()) == 2 and len(c.bin_edges()) == 6
    # ... and ticked at its ends and between them, never bare
    assert [v for _, v in c.ticks()] == pytest.approx([0.02, 0.03, 0.04, 0.05])
    assert [v for _, v in LogAxis("beta", 0.9, 0.95).ticks()] == pytest.approx([0.95, 0.93, 0.9])


@pytest.mark.parametrize("param, low, high", [("alpha", 1e-4, 1.0), ("alpha", 0.003, 7.0),
                                              ("beta", 0.9, 0.999), ("beta", 0.0, 0.95)])
def test_expected_shares_sum_to_one_and_match_the_draws(param, low, high):
    axis = LogAxis(param, low, high)
    edges = axis.decade_edges()
    for scale in ("uniform", "log"):
        expected = axis.expected_shares(edges, scale)
        assert expected.sum() == pytest.approx(1.0)
        u = axis.coordinate(axis.draw(scale, N, rng()))
        np.testing.assert_allclose(shares(u, edges), expected, atol=0.005)


def test_log_axis_refuses_bad_ranges_with_the_notes_names():
    with pytest.raises(ValueError, match=r"α low must be in \(0, inf\), got 0"):
        LogAxis("alpha", 0.0, 1.0)
    with pytest.raises(ValueError, match=r"β high must be in \(0.9, 1\), got 1"):
        LogAxis("beta", 0.9, 1.0)
    with pytest.raises(ValueError, match="param"):
        LogAxis("gamma", 0.1, 1.0)
    with pytest.raises(ValueError, match="scale"):
        LogAxis("alpha", 0.1, 1.0).draw("linear", 3, rng())


# -- the run that steps -------------------------------------------------------------------------


def test_run_draws_one_batch_per_step_up_to_the_total():
    run = ScaleRun(ScaleSettings(draws=50), batch=20)
    assert (run.drawn, run.iteration, run.done) == (0, 0, False)
    assert [run.step(), run.step(), run.step(), run.step()] == [20, 20, 10, 0]
    assert (run.drawn, run.iteration, run.done) == (50, 3, True)
    for param, scale in KINDS:
        v = run.values(param, scale)
        assert len(v) == 50 and int(run.bins[(param, scale)].counts.sum()) == 50
        axis = run.axes[param]
        lo, hi = axis.low, axis.high
        assert v.min() >= lo and v.max() <= hi
        # the running tallies are the histogram of the draws
        u = axis.coordinate(v)
        counts = np.histogram(u, bins=run.bins[(param, scale)].edges)[0]
        np.testing.assert_array_equal(run.bins[(param, scale)].counts, counts)


def test_run_is_deterministic_and_each_kind_has_its_own_stream():
    a = ScaleRun(ScaleSettings(draws=200, seed=5), batch=20)
    b = ScaleRun(ScaleSettings(draws=200, seed=5), batch=7)  # other batch size, same draws
    c = ScaleRun(ScaleSettings(draws=200, seed=5, alpha=(1e-3, 1.0)))
    for run in (a, b, c):
        while not run.done:
            run.step()
    for kind in KINDS:
        np.testing.assert_array_equal(a.values(*kind), b.values(*kind))
    np.testing.assert_array_equal(a.values("beta", "log"), c.values("beta", "log"))  # α's range
    first = a.values("alpha", "log").copy()
    a.reset()
    assert a.drawn == 0 and a.bins[("alpha", "log")].counts.sum() == 0
    while not a.done:
        a.step()
    np.testing.assert_array_equal(a.values("alpha", "log"), first)
    d = ScaleRun(ScaleSettings(draws=200, seed=6))
    d.step()
    assert not np.array_equal(d.values("alpha", "log"), first[:20])


def test_decade_table_counts_and_shares():
    run = ScaleRun(ScaleSettings(draws=20_000), batch=1000)
    empty = run.decade_table("alpha")
    assert all(math.isnan(row["uniform"]["share"]) for row in empty)
    assert run.last_draw("alpha", "log") is None
    while not run.done:
        run.step()
    alpha = run.decade_table("alpha")
    np.testing.assert_allclose([row["range"] for row in alpha],
                               [(0.1, 1), (0.01, 0.1), (1e-3, 0.01), (1e-4, 1e-3)])
    top = alpha[0]
    assert top["uniform"]["share"] == pytest.approx(0.9, abs=0.01)
    assert top["log"]["share"] == pytest.approx(0.25, abs=0.01)
    assert top["uniform"]["expected"] == pytest.approx(0.9, abs=1e-3)
    assert sum(row["log"]["count"] for row in alpha) == 20_000
    beta = run.decade_table("beta")
    np.testing.assert_allclose([row["range"] for row in beta], [(0.9, 0.99), (0.99, 0.999)])
    assert beta[1]["log"]["share"] == pytest.approx(0.5, abs=0.015)
    assert beta[1]["uniform"]["share"] == pytest.approx(1 / 11, abs=0.01)
    last = run.last_draw("beta", "log")
    assert last["value"] == run.values("beta", "log")[-1]
    assert last["r"] == pytest.approx(math.log10(1 - last["value"]))
    expected = run.expected_counts("alpha", "log")
    assert expected.sum() == pytest.approx(20_000) and np.allclose(expected, 1000)
    rows = run.rows()
    assert len(rows) == 4 * 20_000 and rows[0][:2] == ("alpha", "uniform")


def test_settings_round_trip_and_refuse_bad_values():
    s = ScaleSettings(alpha=(1e-3, 1.0), beta=(0.9, 0.9999), draws=300, seed=9)
    assert ScaleSettings.from_dict(s.to_dict()) == s
    assert ScaleSettings.from_dict({"draws": 10}) == ScaleSettings(draws=10)
    bad = [({"alpha": [0, 1]}, ValueError, "α low"), ({"beta": [0.9, 1.0]}, ValueError, "β high"),
           ({"alpha": [1e-4]}, ValueError, r"\[low, high\]"), ({"draws": 0}, ValueError, "draws"),
           ({"draws": 1e400}, TypeError, "whole number"), ({"seed": -1}, ValueError, "seed"),
           ({"draws": True}, TypeError, "whole number"), ({"alpha": ["a", 1]}, ValueError, "number"),
           ({"speed": 3}, ValueError, "unknown settings")]
    for data, kind, words in bad:
        with pytest.raises(kind, match=words):
            ScaleSettings.from_dict(data)


@pytest.mark.parametrize("param, end, value, words", [
    ("alpha", "low", 2.0, r"α low must be in \(0, 1\), got 2"),
    ("alpha", "low", 0.0, r"α low must be in \(0, 1\), got 0"),
    ("alpha", "high", 1e-5, r"α high must be in \(0.0001, 1000\], got 1e-05"),
    ("beta", "low", 0.9995, r"β low must be in \[0, 0.999\), got 0.9995"),
    ("beta", "high", 1.0, r"β high must be in \(0.9, 1\), got 1"),
])
def test_changing_one_end_names_that_end(param, end, value, words):
    with pytest.raises(ValueError, match=words):
        ScaleSettings().with_end(param, end, value)


def test_changing_one_end():
    s = ScaleSettings().with_end("beta", "low", 0.0)
    assert s.beta == (0.0, 0.999)
    assert ScaleSettings().with_end("alpha", "high", 10.0).alpha == (1e-4, 10.0)


def test_decade_table_puts_the_lowest_decades_in_its_last_row():
    run = ScaleRun(ScaleSettings(alpha=(1e-8, 10.0), draws=2000), batch=500)
    while not run.done:
        run.step()
    rows = run.decade_table("alpha", max_rows=5)
    assert len(rows) == 5
    np.testing.assert_allclose([r["range"] for r in rows],
                               [(1, 10), (0.1, 1), (0.01, 0.1), (1e-3, 0.01), (1e-8, 1e-3)])
    assert rows[-1]["log"]["expected"] == pytest.approx(5 / 9)
    assert sum(r[s]["count"] for r in rows for s in ("uniform",)) == 2000
    assert len(run.decade_table("alpha", max_rows=20)) == 9


def test_alpha_limits():
    with pytest.raises(ValueError, match=r"α low must be in \[1e-10, 1\), got 1e-12"):
        ScaleSettings().with_end("alpha", "low", 1e-12)
    with pytest.raises(ValueError, match=r"α high must be in \(0.0001, 1000\], got 2000"):
        ScaleSettings().with_end("alpha", "high", 2000.0)
    with pytest.raises(ValueError, match="α high"):
        ScaleSettings(alpha=(1.0, 5000.0))
    assert ScaleSettings().with_end("alpha", "high", 1000.0).alpha == (1e-4, 1000.0)
