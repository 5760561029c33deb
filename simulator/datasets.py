"""Seeded two-dimensional classification sets: blobs, spiral, moons, circles and xor.

Every set lies roughly in [-1, 1] x [-1, 1] (the noise can push a few points further out) and is
plotted over ``DOMAIN`` = (-1.5, 1.5, -1.5, 1.5), given as (xmin, xmax, ymin, ymax) like a surface's
domain. ``noise`` is the standard deviation of Gaussian noise added to each coordinate, in those
units. The same arguments and seed always give the same points; all randomness comes from one
``numpy.random.default_rng(seed)``.

The train/test split is stratified: each class gives about ``test_fraction`` of its points to the
test set, so a small test set still holds every class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .own_data import MAX_CLASSES as OWN_MAX_CLASSES
from .own_data import fitted_domain, points_from_settings
from .validation import check_choice, check_int, check_range

DOMAIN = (-1.5, 1.5, -1.5, 1.5)
MIN_POINTS, MAX_POINTS = 10, 100_000
MAX_NOISE = 1.0
MAX_TEST_FRACTION = 0.9
DEFAULT_TURNS = 2 / np.pi  # the spiral's turns: CS231n's 4 radians
TURNS_RANGE = (0.25, 3.0)  # 1.75 is TensorFlow Playground's spiral, a fight for a small network


@dataclass(frozen=True)
class Dataset:
    """Points X (n, 2) float64 and labels y (n,) int64 in 0..C-1, split into train and test."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    noise: float
    seed: int
    domain: tuple[float, float, float, float] = DOMAIN

    @property
    def X(self) -> np.ndarray:
        """All points, train first."""
        return np.concatenate([self.X_train, self.X_test])

    @property
    def y(self) -> np.ndarray:
        return np.concatenate([self.y_train, self.y_test])

    def grid(
        self, n: int = 200, dtype: Any = np.float32
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x and y axes of an n x n grid over the domain, and its points (n * n, 2) row by row.

        ``points[iy * n + ix]`` is (xs[ix], ys[iy]), so a per-point result reshaped to (n, n) is
        indexed [iy, ix] like ``Surface.grid``. float32 by default: decision maps need no more.
        """
        n = check_int("grid size", n, 2, 2000)
        x0, x1, y0, y1 = self.domain
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        gx, gy = np.meshgrid(xs, ys)
        points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(dtype)
        return xs, ys, points


# --- the generators: each returns (X, y) for n points ---------------------------------------------


def _class_sizes(n: int, classes: int) -> np.ndarray:
    """n points shared among the classes as evenly as possible (the first ones get the extra)."""
    return np.full(classes, n // classes) + (np.arange(classes) < n % classes)


def _labels(sizes: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(sizes)), sizes)


def _blobs(n: int, classes: int, noise: float, rng: np.random.Generator):
    """Gaussian clouds of standard deviation ``noise`` around centres on a circle of radius 0.7."""
    y = _labels(_class_sizes(n, classes))
    angles = 2 * np.pi * np.arange(classes) / classes + np.pi / 2
    centres = 0.7 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return centres[y] + noise * rng.standard_normal((n, 2)), y


def _spiral(n: int, classes: int, noise: float, rng: np.random.Generator,
            turns: float = DEFAULT_TURNS):
    """C arms winding out from the centre, radius 0.05..1, each turning ``turns`` times round
    (CS231n's spiral turns 4 radians, 0.64 of a turn; TensorFlow Playground's about 1.75)."""
    sizes = _class_sizes(n, classes)
    y = _labels(sizes)
    # Position along the arm, 0 at the centre and 1 at the tip, spaced evenly within each arm.
    t = np.concatenate([np.linspace(0.0, 1.0, k) for k in sizes])
    r = 0.05 + 0.95 * t
    theta = 2 * np.pi * y / classes + 2 * np.pi * turns * t
    X = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def _moons(n: int, classes: int, noise: float, rng: np.random.Generator):
    """Two interleaving half circles (as scikit-learn's make_moons), scaled into [-1, 1]."""
    y = _labels(_class_sizes(n, 2))
    t = np.pi * rng.random(n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(y[:, None] == 0, upper, lower)
    X = (X - [0.5, 0.25]) / 1.5  # x in [-1, 1], y in [-0.5, 0.5]
    return X + noise * rng.standard_normal((n, 2)), y


def _circles(n: int, classes: int, noise: float, rng: np.random.Generator):
    """Class 0 on a circle of radius 0.9, class 1 on a concentric one of radius 0.45."""
    y = _labels(_class_sizes(n, 2))
    t = 2 * np.pi * rng.random(n)
    r = np.where(y == 0, 0.9, 0.45)
    X = r[:, None] * np.stack([np.cos(t), np.sin(t)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def _xor(n: int, classes: int, noise: float, rng: np.random.Generator):
    """Points in the four quadrants, kept 0.1 off the axes (before noise) so that the classes are
    apart at noise 0; class 1 where x and y have opposite signs."""
    X = rng.uniform(0.1, 1.0, size=(n, 2)) * rng.choice([-1.0, 1.0], size=(n, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + noise * rng.standard_normal((n, 2)), y


@dataclass(frozen=True)
class _Kind:
    make: Callable[..., tuple[np.ndarray, np.ndarray]]
    classes: tuple[int, int]  # allowed range of C
    noise: float  # default


_KINDS: dict[str, _Kind] = {
    "blobs": _Kind(_blobs, (2, 8), 0.12),
    "spiral": _Kind(_spiral, (2, 8), 0.05),
    "moons": _Kind(_moons, (2, 2), 0.1),
    "circles": _Kind(_circles, (2, 2), 0.08),
    "xor": _Kind(_xor, (2, 2), 0.1),
}


def _build(
    name: str,
    n: int,
    classes: int,
    noise: float | None,
    seed: int,
    test_fraction: float,
    **shape: float,
) -> Dataset:
    """Validate, generate and split; ``shape`` holds a set's own parameters (the spiral's
    ``turns``)."""
    kind = _KINDS[name]
    low, high = kind.classes
    if low == high and classes != low:
        raise ValueError(f"{name} has {low} classes: classes must be {low}, got {classes!r}")
    classes = check_int("classes", classes, low, high)
    n = check_int("n", n, MIN_POINTS, MAX_POINTS)
    noise = kind.noise if noise is None else check_range("noise", noise, low=0.0, high=MAX_NOISE)
    test_fraction = check_range("test_fraction", test_fraction, low=0.0, high=MAX_TEST_FRACTION)
    seed = check_int("seed", seed, 0, 2**31 - 1)  # a seed the UI's spin boxes can show

    if "turns" in shape:
        shape["turns"] = check_range("turns", shape["turns"], low=TURNS_RANGE[0],
                                     high=TURNS_RANGE[1])
    rng = np.random.default_rng(seed)
    X, y = kind.make(n, classes, noise, rng, **shape)
    order = rng.permutation(n)
    X, y = X[order], y[order].astype(np.int64)
    is_test = np.zeros(n, dtype=bool)
    for k in range(classes):
        members = np.flatnonzero(y == k)
        # Every class keeps at least one training point: 20 points, 8 classes and a 90% test
        # share would otherwise leave none to train on, and the training loss NaN.
        is_test[members[: min(round(len(members) * test_fraction), len(members) - 1)]] = True
    return Dataset(
        name=name,
        X_train=X[~is_test],
        y_train=y[~is_test],
        X_test=X[is_test],
        y_test=y[is_test],
        n_classes=classes,
        noise=float(noise),
        seed=seed,
    )


def blobs(
    n: int = 300,
    classes: int = 3,
    noise: float | None = None,
    seed: int = 0,
    test_fraction: float = 0.25,
) -> Dataset:
    """C Gaussian blobs (C in [2, 8]) around a circle: linearly separable at low noise."""
    return _build("blobs", n, classes, noise, seed, test_fraction)


def spiral(
    n: int = 300,
    classes: int = 3,
    noise: float | None = None,
    seed: int = 0,
    test_fraction: float = 0.25,
    turns: float = DEFAULT_TURNS,
) -> Dataset:
    """C spiral arms (C in [2, 8]) of ``turns`` turns each (in TURNS_RANGE): no straight line
    separates them, a hidden layer must; the more turns, the harder."""
    return _build("spiral", n, classes, noise, seed, test_fraction, turns=turns)


def _two_class(name: str, doc: str) -> Callable[..., Dataset]:
    """The maker of a two-class set ``name``: ``name(n, classes, noise, seed, test_fraction)``."""

    def make(n: int = 300, classes: int = 2, noise: float | None = None, seed: int = 0,
             test_fraction: float = 0.25) -> Dataset:
        return _build(name, n, classes, noise, seed, test_fraction)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = doc
    return make


moons = _two_class("moons", "Two interleaving half moons (2 classes).")
circles = _two_class("circles", "A ring around a disc (2 classes): the boundary is a circle.")
xor = _two_class("xor", "The four quadrants, opposite ones sharing a class (2 classes).")


DATASETS: dict[str, Callable[..., Dataset]] = {
    "blobs": blobs,
    "spiral": spiral,
    "moons": moons,
    "circles": circles,
    "xor": xor,
}

# A set's own shape parameters, beyond n, classes, noise, seed and test_fraction.
SHAPE_PARAMS: dict[str, tuple[str, ...]] = {"spiral": ("turns",)}

# The allowed number of classes per data set, for the UI's spin box.
CLASS_RANGE: dict[str, tuple[int, int]] = {name: kind.classes for name, kind in _KINDS.items()}

# Own data: points from a CSV file, held inline in the settings (see ``simulator.own_data``).
def csv_dataset(n: int = 0, classes: int | None = None, noise: float | None = None, seed: int = 0,
                test_fraction: float = 0.25, points: Any = ()) -> Dataset:
    """The data set "csv": the given points (or the example), split into train and test per class
    with ``seed`` like the generated sets (each class keeps a training point). ``n``, ``classes``
    and ``noise`` are the file's own: they are accepted and ignored."""
    own = points_from_settings(points)
    test_fraction = check_range("test_fraction", test_fraction, low=0.0, high=MAX_TEST_FRACTION)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(own.y))
    X, y = own.X[order], own.y[order]
    is_test = np.zeros(len(y), dtype=bool)
    for k in range(own.classes):
        members = np.flatnonzero(y == k)
        is_test[members[: min(round(len(members) * test_fraction), len(members) - 1)]] = True
    return Dataset(name="csv", X_train=X[~is_test], y_train=y[~is_test], X_test=X[is_test],
                   y_test=y[is_test], n_classes=own.classes, noise=0.0, seed=seed,
                   domain=fitted_domain(own.X))


DATASETS["csv"] = csv_dataset
CLASS_RANGE["csv"] = (2, OWN_MAX_CLASSES)
SHAPE_PARAMS["csv"] = ("points",)


def make_dataset(name: str, **kwargs: Any) -> Dataset:
    """Build a data set by name with n, classes, noise, seed and test_fraction as keywords, and
    the set's own ``SHAPE_PARAMS`` (the spiral's turns).

    Without ``classes`` a set gets its own default (3 for blobs and spiral, 2 for the others).
    """
    name = check_choice("data set", name, DATASETS, fold_case=True)
    allowed = ["n", "classes", "noise", "seed", "test_fraction", *SHAPE_PARAMS.get(name, ())]
    unknown = set(kwargs) - set(allowed)
    if unknown:
        raise ValueError(
            f"unknown argument {sorted(unknown)[0]!r} for {name}; allowed: {', '.join(allowed)}"
        )
    return DATASETS[name](**kwargs)


__all__ = [
    "DOMAIN",
    "Dataset",
    "blobs",
    "spiral",
    "moons",
    "circles",
    "xor",
    "DATASETS",
    "CLASS_RANGE",
    "SHAPE_PARAMS",
    "DEFAULT_TURNS",
    "TURNS_RANGE",
    "make_dataset",
]
