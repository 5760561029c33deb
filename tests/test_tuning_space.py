"""The tuning lab's search space: axes on their scales, grid and random trials, coarse-to-fine boxes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.tuning import AXES, NOTES_ORDER, Axis, SearchSpace, distinct_counts

N = 100_000


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def share(values: np.ndarray, low: float, high: float) -> float:
    return float(np.mean((values >= low) & (values <= high)))


# -- sampling on an axis's scale -----------------------------------------------------------------


def test_alpha_on_its_log_axis_puts_a_quarter_in_the_top_decade_and_uniform_ninety_percent():
    log = AXES["lr"].sample(N, rng())
    flat = Axis("lr", "linear", 1e-4, 1.0).sample(N, rng())
    assert share(log, 0.1, 1.0) == pytest.approx(0.25, abs=0.01)
    assert share(flat, 0.1, 1.0) == pytest.approx(0.9, abs=0.01)


def test_beta_on_the_one_minus_beta_log_axis_puts_half_above_0_99():
    beta = AXES["beta"].sample(N, rng())
    assert share(beta, 0.99, 0.999) == pytest.approx(0.5, abs=0.01)
    assert share(Axis("beta", "linear", 0.9, 0.999).sample(N, rng()), 0.99, 0.999) == pytest.approx(
        1 / 11, abs=0.01)


@pytest.mark.parametrize("name", list(AXES))
def test_every_default_axis_samples_inside_its_range_and_only_allowed_values(name):
    axis = AXES[name]
    v = axis.sample(2000, rng(1))
    assert v.min() >= axis.low and v.max() <= axis.high
    if axis.discrete:
        assert set(v.tolist()) == set(map(float, axis.values))  # each allowed value turns up


def test_discrete_axes_take_integers_and_powers_of_two():
    assert AXES["hidden_units"].values == [4, 8, 16, 32, 64]
    assert AXES["layers"].values == [1, 2, 3]
    assert Axis("batch_size", "pow2", 10, 100).values == [16, 32, 64]
    choice = Axis("batch_size", "choice", choices=(64, 16, 32))
    assert (choice.low, choice.high) == (16, 64)
    assert set(choice.sample(300, rng()).tolist()) == {16.0, 32.0, 64.0}


def test_grid_values_are_evenly_spaced_on_the_axis_scale():
    np.testing.assert_allclose(AXES["lr"].grid(5), [1e-4, 1e-3, 1e-2, 0.1, 1.0])
    np.testing.assert_allclose(AXES["beta"].grid(3), [0.9, 0.99, 0.999])
    np.testing.assert_allclose(AXES["hidden_units"].grid(5), [4, 8, 16, 32, 64])
    assert AXES["layers"].grid(10).tolist() == [1, 2, 3]  # no more values than the axis has


def test_unit_position_follows_the_scale_and_inverts():
    assert AXES["lr"].to_unit([1e-4, 1e-2, 1.0]) == pytest.approx([0, 0.5, 1])
    assert AXES["beta"].to_unit([0.9, 0.99, 0.999]) == pytest.approx([0, 0.5, 1])
    assert AXES["batch_size"].to_unit([8, 256]) == pytest.approx([0, 1])
    u = np.linspace(0, 1, 7)
    for name in ("lr", "beta", "eps", "hidden_units", "decay_rate"):
        assert AXES[name].to_unit(AXES[name].from_unit(u)) == pytest.approx(u)


# -- bad axes --------------------------------------------------------------------------------------

BAD_AXES = [
    (("lr", "log", 0.0, 1.0), "α low must be in (0, inf), got 0"),  # a log range touching 0
    (("lr", "log", 1.0, 1.0), "α high must be in (1, inf), got 1"),  # empty
    (("lr", "log", 1.0, 0.1), "α high must be in (1, inf), got 0.1"),  # low > high
    (("eps", "linear", 2.0, 1.0), "ε high must be in (2, inf), got 1"),
    (("beta", "one_minus_log", 0.9, 1.0), "β high must be in (0.9, 1), got 1"),  # 1 − β touching 0
    (("beta2", "one_minus_log", 0.999, 0.99), "β2 high must be in (0.999, 1), got 0.99"),
    (("lr", "log", math.nan, 1.0), "α low must be in (0, inf), got nan"),
    (("layers", "int", 1.2, 1.8), "layers range [1.2, 1.8] holds no integer"),
    (("hidden_units", "pow2", 5, 7), "hidden units range [5, 7] holds no power of two"),
    (("batch_size", "pow2", 0, 8), "mini-batch size low must be in [1, inf), got 0"),
    (("lr", "cubic", 0.1, 1.0), "unknown scale for α 'cubic'"),
    (("gamma", "log", 0.1, 1.0), "unknown hyperparameter 'gamma'"),
]


@pytest.mark.parametrize("args, message", BAD_AXES)
def test_a_bad_axis_names_itself_and_the_value(args, message):
    with pytest.raises(ValueError) as info:
        Axis(*args)
    assert message in str(info.value)


def test_bad_choices_and_narrowing():
    with pytest.raises(ValueError, match="at least one choice"):
        Axis("batch_size", "choice")
    with pytest.raises(ValueError, match="must differ"):
        Axis("batch_size", "choice", choices=(8, 8))
    with pytest.raises(ValueError, match=r"α high must be in \(0.1, inf\), got 0.01"):
        AXES["lr"].narrowed(0.1, 0.01)


# -- search spaces -------------------------------------------------------------------------------------


def two_axes() -> SearchSpace:
    return SearchSpace([AXES["lr"], AXES["eps"]])


def test_grid_against_random_distinct_values_5_against_25():
    space = two_axes()
    grid, rand = space.grid(25), space.random(25, seed=0)
    assert len(grid) == len(rand) == 25
    assert distinct_counts(grid, space.names) == {"lr": 5, "eps": 5}
    assert distinct_counts(rand, space.names) == {"lr": 25, "eps": 25}


@pytest.mark.parametrize("budget, d, k, trials", [(25, 2, 5, 25), (30, 2, 5, 25), (24, 2, 4, 16),
                                                  (27, 3, 3, 27), (26, 3, 2, 8), (1, 2, 1, 1)])
def test_grid_takes_floor_of_the_d_th_root_per_axis(budget, d, k, trials):
    space = SearchSpace([AXES[n] for n in ("lr", "eps", "decay_rate")[:d]])
    assert SearchSpace.grid_size(budget, d) == k
    assert len(space.grid(budget)) == trials


def test_random_is_seeded_and_each_axis_has_its_own_stream():
    space = two_axes()
    assert space.random(10, seed=3) == space.random(10, seed=3)
    assert space.random(10, seed=3) != space.random(10, seed=4)
    wider = SearchSpace([AXES["lr"], AXES["eps"], AXES["hidden_units"]]).random(10, seed=3)
    assert [p["lr"] for p in wider] == [p["lr"] for p in space.random(10, seed=3)]
    assert all(isinstance(p["hidden_units"], int) for p in wider)


@pytest.mark.parametrize("budget", [0, -5])
def test_a_budget_below_one_is_refused(budget):
    for method in ("grid", "random"):
        with pytest.raises(ValueError, match=rf"budget must be in \[1, .*got {budget}"):
            two_axes().search(method, budget)


def test_space_refuses_duplicates_and_unknown_methods():
    with pytest.raises(ValueError, match="once"):
        SearchSpace([AXES["lr"], AXES["lr"]])
    with pytest.raises(ValueError, match="search method 'bayes'"):
        two_axes().search("bayes", 5)


def unit_width(axis, box) -> float:
    return float(np.diff(axis.to_unit(sorted(box[axis.name]))).item())


def test_coarse_to_fine_box_is_a_quarter_of_the_last_around_the_best():
    space = two_axes()
    full = {a.name: (a.low, a.high) for a in space.axes}
    best = [{"lr": 0.03, "eps": 1e-8}, {"lr": 1e-4, "eps": 1e-9}, {"lr": 0.3, "eps": 1e-7}]
    box = space.zoom_box(best, full)
    second = space.zoom_box(best, box)
    for a in space.axes:
        assert unit_width(a, box) == pytest.approx(0.25)  # spread-out best trials: capped
        assert box[a.name][0] <= best[0][a.name] <= box[a.name][1]  # the best stays inside
        assert unit_width(a, second) == pytest.approx(0.25 * unit_width(a, box))
        assert box[a.name][0] <= second[a.name][0] < second[a.name][1] <= box[a.name][1]
    close = space.zoom_box([{"lr": 0.03, "eps": 1e-8}, {"lr": 0.031, "eps": 1.01e-8}], full)
    assert unit_width(space.axis("lr"), close) < 0.15  # close together: a tighter box
    edge = space.zoom_box([{"lr": 1.0, "eps": 1e-6}], full)
    assert edge["lr"][1] == pytest.approx(1.0) and unit_width(space.axis("lr"), edge) <= 0.25 + 1e-9
    fine = space.narrowed(box)
    lr = np.array([p["lr"] for p in fine.random(200, seed=1)])
    assert lr.min() >= box["lr"][0] and lr.max() <= box["lr"][1]
    with pytest.raises(ValueError, match="no axis 'beta'"):
        space.narrowed({"beta": (0.9, 0.95)})


def test_space_round_trips_through_a_dict():
    space = SearchSpace([AXES["lr"], AXES["beta"], Axis("batch_size", "choice", choices=(16, 64))])
    assert SearchSpace.from_dict(space.to_dict()) == space
    with pytest.raises(ValueError, match="unknown axis field 'step'"):
        Axis.from_dict({"name": "lr", "scale": "log", "low": 0.1, "high": 1, "step": 2})
    with pytest.raises(ValueError, match="α low"):
        Axis.from_dict({"name": "lr", "scale": "log", "low": 0, "high": 1})


def test_notes_order_puts_alpha_first_and_adams_constants_last():
    assert NOTES_ORDER[0] == "lr" and set(NOTES_ORDER) == set(AXES)
    assert NOTES_ORDER.index("beta") < NOTES_ORDER.index("layers") < NOTES_ORDER.index("eps")
    assert [AXES[n].label for n in ("lr", "beta", "beta1", "eps")] == ["α", "β", "β1", "ε"]


@pytest.mark.parametrize("high", [10**7, 1e9, 1e308])
def test_an_int_axis_too_wide_to_list_is_refused_by_name(high):
    """Axis listed every whole number of its range: 1e7 froze for seconds, 1e9 asked ~36 GB."""
    with pytest.raises(ValueError, match="hidden units range .* at most 10,000"):
        Axis("hidden_units", "int", 1, high)
    assert len(Axis("hidden_units", "int", 1, 10_000).values) == 10_000
