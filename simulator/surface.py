"""A two-dimensional loss surface: the class every surface is, built in (``surfaces``) or typed
(``typed_surface``). ``f(x, y)`` and ``grad(x, y)`` work on arrays of any (matching) shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .validation import check_int

Array = np.ndarray


@dataclass(frozen=True)
class Surface:
    """A loss J(w1, w2) to descend, with what a teacher needs to show it."""

    name: str
    title: str
    f: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], tuple[Array, Array]]
    domain: tuple[float, float, float, float]  # (xmin, xmax, ymin, ymax)
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    note: str
    # A learning rate per optimizer that makes a good first race on this surface.
    suggested_lr: dict[str, float] = field(default_factory=dict)
    # Saddle points worth marking (the gradient vanishes there, but J is no minimum).
    saddles: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        """``f`` and ``grad`` take numbers or float arrays; anything else (None, a string, an
        integer too large for a float) is refused with a ValueError naming w1 or w2. A float
        so large that J overflows gives inf, as NumPy does, never an OverflowError."""
        for name in ("f", "grad"):
            fn = getattr(self, name)
            if not getattr(fn, "checked", False):
                object.__setattr__(self, name, _checked(fn))

    @property
    def span(self) -> float:
        """The larger side of the domain."""
        x0, x1, y0, y1 = self.domain
        return max(x1 - x0, y1 - y0)

    @cached_property
    def f_min(self) -> float:
        """The lowest value at the listed minima (the global minimum's value)."""
        m = np.asarray(self.minima, dtype=float)
        return float(np.min(self.f(m[:, 0], m[:, 1])))

    @cached_property
    def grad_scale(self) -> float:
        """The median gradient norm over the domain: the unit of the mini-batch noise."""
        x0, x1, y0, y1 = self.domain
        xs, ys = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
        gx, gy = self.grad(xs, ys)
        return float(np.median(np.hypot(gx, gy)))

    def grid(self, n: int = 200) -> tuple[Array, Array, Array]:
        """x and y axes of an n x n grid over the domain, and f on it (indexed [iy, ix])."""
        n = check_int("grid size", n, 2, 2000)
        x0, x1, y0, y1 = self.domain
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        X, Y = np.meshgrid(xs, ys)
        return xs, ys, self.f(X, Y)

    def nearest_minimum(self, x: Array, y: Array, tol: float | None = None) -> Array:
        """Index of the listed minimum within ``tol`` of each point, or -1 where none is."""
        tol = 0.02 * self.span if tol is None else tol
        m = np.asarray(self.minima, dtype=float)
        d = np.hypot(np.asarray(x)[..., None] - m[:, 0], np.asarray(y)[..., None] - m[:, 1])
        idx = np.argmin(d, axis=-1)
        return np.where(np.min(d, axis=-1) <= tol, idx, -1)


def _checked(fn: Callable) -> Callable:
    def call(x, y):
        return fn(coordinate("w1", x), coordinate("w2", y))

    call.checked = True
    call.__doc__ = fn.__doc__
    return call


def coordinate(name: str, v) -> Array:
    """``v`` as a float (a NumPy float) or a float array; ValueError naming ``name`` if it is
    not a number."""
    if type(v) is np.float64 or (type(v) is np.ndarray and v.dtype.kind == "f"):
        return v  # the engine's own calls, at no cost
    if isinstance(v, (str, bytes)) or v is None:
        raise ValueError(f"{name} must be a number, got {v!r:.40}")
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {v!r:.40}") from None
    return a if a.ndim else np.float64(a)
