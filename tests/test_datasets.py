"""The seeded 2D classification sets: shapes, labels, splits, geometry, determinism, validation."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.datasets import (
    CLASS_RANGE,
    DATASETS,
    DOMAIN,
    Dataset,
    blobs,
    circles,
    make_dataset,
    moons,
    spiral,
    xor,
)

CASES = [("blobs", 2), ("blobs", 5), ("blobs", 8), ("spiral", 2), ("spiral", 3), ("spiral", 8),
         ("moons", 2), ("circles", 2), ("xor", 2)]


@pytest.mark.parametrize("name, classes", CASES)
def test_shapes_dtypes_and_labels(name, classes):
    d = make_dataset(name, n=240, classes=classes, seed=1, test_fraction=0.25)
    assert isinstance(d, Dataset) and d.name == name and d.n_classes == classes
    assert d.X_train.dtype == np.float64 and d.X_test.dtype == np.float64
    assert d.y_train.dtype == np.int64 and d.y_test.dtype == np.int64
    assert d.X_train.shape == (len(d.y_train), 2) and d.X_test.shape == (len(d.y_test), 2)
    assert len(d.y_train) + len(d.y_test) == 240
    assert set(np.unique(d.y_train)) == set(range(classes))  # every class in both parts
    assert set(np.unique(d.y_test)) == set(range(classes))
    assert d.domain == DOMAIN == (-1.5, 1.5, -1.5, 1.5)
    inside = (np.abs(d.X) <= 1.5).all(axis=1)
    assert inside.mean() > 0.99  # the default noise keeps the points in the plotted domain


@pytest.mark.parametrize("name, classes", [c for c in CASES if c[0] != "xor"])
def test_classes_are_balanced_and_the_split_is_stratified(name, classes):
    d = make_dataset(name, n=203, classes=classes, seed=2, test_fraction=0.3)
    counts = np.bincount(d.y, minlength=classes)
    assert counts.max() - counts.min() <= 1
    test_counts = np.bincount(d.y_test, minlength=classes)
    np.testing.assert_array_equal(test_counts, np.round(counts * 0.3).astype(int))


def test_xor_labels_follow_the_quadrants_before_noise():
    d = xor(n=400, noise=0.0, seed=3)
    X, y = d.X, d.y
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert (np.abs(X) <= 1.0).all() and (np.abs(X) >= 0.1).all()  # off the axes
    quadrant = (X[:, 0] > 0) * 2 + (X[:, 1] > 0)
    assert (np.bincount(quadrant, minlength=4) > 60).all()  # about 100 in each of the four


def test_geometry_without_noise():
    d = blobs(n=90, classes=3, noise=0.0, seed=4)
    centres = np.array([d.X[d.y == k][0] for k in range(3)])
    for k in range(3):
        np.testing.assert_allclose(d.X[d.y == k], np.broadcast_to(centres[k], (30, 2)))
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 0.7)

    d = circles(n=100, noise=0.0, seed=5)
    r = np.linalg.norm(d.X, axis=1)
    np.testing.assert_allclose(r[d.y == 0], 0.9)
    np.testing.assert_allclose(r[d.y == 1], 0.45)

    d = moons(n=100, noise=0.0, seed=6)
    upper = d.X[d.y == 0] * 1.5 + [0.5, 0.25]  # back to the unit half circle
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert np.abs(d.X).max() <= 1.0 + 1e-12

    d = spiral(n=300, classes=3, noise=0.0, seed=7)
    r = np.linalg.norm(d.X, axis=1)
    assert r.min() == pytest.approx(0.05) and r.max() == pytest.approx(1.0)


def test_noise_is_the_standard_deviation_of_the_scatter():
    d = blobs(n=3000, classes=2, noise=0.2, seed=8)
    centres = np.array([[0.0, 0.7], [0.0, -0.7]])
    residual = d.X - centres[d.y]
    assert residual.std() == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_same_seed_same_data_other_seed_other_data(name):
    a = make_dataset(name, n=100, seed=11)
    b = make_dataset(name, n=100, seed=11)
    c = make_dataset(name, n=100, seed=12)
    for field in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)
    assert a.seed == 11 and c.seed == 12


def test_registry_and_make_dataset_match_the_functions():
    assert set(DATASETS) == {"blobs", "spiral", "moons", "circles", "xor", "csv"}  # csv: own data
    assert CLASS_RANGE["blobs"] == CLASS_RANGE["spiral"] == (2, 8)
    assert CLASS_RANGE["moons"] == CLASS_RANGE["circles"] == CLASS_RANGE["xor"] == (2, 2)
    a = make_dataset("Spiral", n=120, classes=4, noise=0.1, seed=13, test_fraction=0.2)
    b = spiral(n=120, classes=4, noise=0.1, seed=13, test_fraction=0.2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert a.noise == 0.1
    assert make_dataset("blobs").n_classes == 3 and make_dataset("moons").n_classes == 2


def test_test_fraction_bounds():
    d = make_dataset("moons", n=50, test_fraction=0.0)
    assert d.X_test.shape == (0, 2) and len(d.y_train) == 50
    d = make_dataset("moons", n=50, test_fraction=0.9)
    assert len(d.y_test) == 44  # round(25 * 0.9) = 22 of each class
    assert set(d.y_train) == {0, 1}


def test_grid_covers_the_domain_row_by_row():
    d = make_dataset("xor", n=20)
    xs, ys, points = d.grid(50)
    assert points.shape == (2500, 2) and points.dtype == np.float32
    assert xs[0] == -1.5 and xs[-1] == 1.5
    iy, ix = 7, 31
    np.testing.assert_allclose(points[iy * 50 + ix], [xs[ix], ys[iy]], rtol=1e-6)
    assert d.grid(10, dtype=np.float64)[2].dtype == np.float64


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("moons", {"classes": 3}, r"moons has 2 classes: classes must be 2, got 3"),
        ("circles", {"classes": 4}, r"circles has 2 classes: classes must be 2, got 4"),
        ("xor", {"classes": 1}, r"xor has 2 classes: classes must be 2, got 1"),
        ("blobs", {"classes": 1}, r"classes must be in \[2, 8\], got 1"),
        ("spiral", {"classes": 9}, r"classes must be in \[2, 8\], got 9"),
        ("spiral", {"classes": 2.5}, r"classes must be an integer, got 2.5"),
        ("moons", {"classes": 2.0}, r"classes must be an integer, got 2.0"),
        ("blobs", {"n": 5}, r"n must be in \[10, 100000\], got 5"),
        ("blobs", {"n": 10.5}, r"n must be an integer, got 10.5"),
        ("blobs", {"noise": -0.1}, r"noise must be in \[0, 1\], got -0.1"),
        ("moons", {"noise": float("nan")}, r"noise must be in \[0, 1\]"),
        ("xor", {"test_fraction": 0.95}, r"test_fraction must be in \[0, 0.9\], got 0.95"),
        ("xor", {"seed": -3}, r"seed must be in \[0, [^,]+, got -3"),
        ("xor", {"size": 10}, r"unknown argument 'size'"),
        ("swirl", {}, r"unknown data set 'swirl'; choose one of blobs, spiral, moons"),
    ],
)
def test_bad_arguments_raise_value_error(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(name, **kwargs)


def test_spiral_turns_wind_the_arms_further():
    from simulator.datasets import DEFAULT_TURNS

    cs231n = spiral(n=300, classes=3, noise=0.0, seed=7)
    same = spiral(n=300, classes=3, noise=0.0, seed=7, turns=DEFAULT_TURNS)
    np.testing.assert_array_equal(cs231n.X, same.X)  # the default is CS231n's 4 radians
    hard = make_dataset("spiral", n=300, classes=3, noise=0.0, seed=7, turns=1.75)
    # The tip of class 0's arm (radius 1) has wound 1.75 turns from angle 0: it points down.
    arm = hard.X[hard.y == 0]
    tip = arm[np.argmax(np.hypot(*arm.T))]
    np.testing.assert_allclose(tip, [0.0, -1.0], atol=1e-9)
    for bad in (0.0, 3.5, float("nan")):
        with pytest.raises(ValueError, match="turns"):
            spiral(turns=bad)
    with pytest.raises(ValueError, match="unknown argument 'turns' for moons"):
        make_dataset("moons", turns=1.0)
