"""Critical points: sections of a surface through one, and how often a random critical point is
a local minimum as the dimension grows.

``sections`` cuts a surface along w1 and along w2 through its saddle point (or its global
minimum): at the saddle the notes' picture, a minimum along w1 and a maximum along w2.

At a critical point the Hessian decides: all eigenvalues positive is a minimum, all negative a
maximum, mixed signs a saddle. With random symmetric Hessians from the Gaussian orthogonal
ensemble (GOE: H = (A + Aᵀ)/2 with Gaussian A), the share that are minima falls faster than
2^-n, the share if each of the n directions curved up or down independently with probability
1/2. In the many dimensions of a network's weights, almost every critical point is a saddle.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .surfaces import Surface
from .validation import check_int, check_point

NOTES_CAPTION = ("In high dimensions a point where the gradient is zero is almost never a local "
                 "optimum: all n directions would have to curve upward. It is a saddle point. "
                 "The real problem is plateaus, where the derivative is close to 0 for a long "
                 "time and learning is slow.")


def random_hessians(n: int, samples: int, rng: np.random.Generator) -> np.ndarray:
    """``samples`` random symmetric n x n matrices from the GOE, shape (samples, n, n)."""
    a = rng.standard_normal((samples, n, n))
    return (a + np.swapaxes(a, 1, 2)) / 2.0


def minimum_share(n: int, samples: int = 20000, seed: int = 0,
                  batch: int = 5000) -> tuple[float, int]:
    """The share of ``samples`` random GOE Hessians in n dimensions that are positive definite
    (the critical point is a minimum), and how many were. Seeded; memory bounded by ``batch``."""
    check_int("dimension n", n, 1, 1000)
    check_int("samples", samples, 1, 10_000_000)
    check_int("batch", batch, 1, 100_000)
    rng = np.random.default_rng([check_int("seed", seed, 0, None), int(n)])
    count, left = 0, int(samples)
    while left > 0:
        k = min(batch, left)
        eig = np.linalg.eigvalsh(random_hessians(n, k, rng))
        count += int(np.count_nonzero(eig[:, 0] > 0))  # eigvalsh sorts ascending
        left -= k
    return count / samples, count


def minimum_shares(dims: range | list[int] = range(1, 21), samples: int = 20000,
                   seed: int = 0) -> dict[str, np.ndarray]:
    """For each dimension: the measured share of minima among random critical points, the count,
    and 2^-n (each direction up or down independently). ``samples`` per dimension."""
    try:
        dims = [check_int("dims: each dimension", n, 1, 1000) for n in dims]
    except TypeError:
        raise ValueError(f"dims must be a list of dimensions, got {dims!r:.40}") from None
    if not dims:
        raise ValueError("dims must hold at least one dimension")
    dims = np.asarray(dims, dtype=int)
    measured = [minimum_share(int(n), samples, seed) for n in dims]
    return {"dims": dims,
            "share": np.array([m[0] for m in measured]),
            "count": np.array([m[1] for m in measured]),
            "independent": 0.5 ** dims.astype(float),
            "samples": np.full(len(dims), samples)}


def section_point(surface: Surface) -> tuple[float, float]:
    """Where the sections cut: the surface's first saddle point, else its lowest listed minimum."""
    if surface.saddles:
        return surface.saddles[0]
    if not surface.minima:  # a typed surface may have neither: the middle of its domain
        x0, x1, y0, y1 = surface.domain
        return (x0 + x1) / 2, (y0 + y1) / 2
    m = np.asarray(surface.minima, dtype=float)
    i = int(np.argmin(surface.f(m[:, 0], m[:, 1])))
    return float(m[i, 0]), float(m[i, 1])


def curvature(surface: Surface, point: tuple[float, float], axis: int) -> float:
    """The second derivative of J at ``point`` along w1 (axis 0) or w2 (axis 1)."""
    p = np.asarray(check_point("point", point), dtype=float)
    h = 1e-4 * surface.span
    d = np.zeros(2)
    d[check_int("axis", axis, 0, 1)] = h
    return float((surface.f(*(p + d)) - 2 * surface.f(*p) + surface.f(*(p - d))) / h**2)


def sections(surface: Surface, point: tuple[float, float] | None = None,
             n: int = 200) -> dict[str, Any]:
    """J along w1 (w2 fixed at the point's) and along w2 (w1 fixed), over the domain, and what
    the point is along each: "minimum" where J curves up, "maximum" where it curves down."""
    px, py = section_point(surface) if point is None else check_point("point", point)
    n = check_int("n", n, 2, 100_000)
    x0, x1, y0, y1 = surface.domain
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    kinds = ["minimum" if curvature(surface, (px, py), a) > 0 else "maximum" for a in (0, 1)]
    return {"point": (float(px), float(py)), "value": float(surface.f(px, py)),
            "w1": xs, "along_w1": surface.f(xs, np.full(n, py)),
            "w2": ys, "along_w2": surface.f(np.full(n, px), ys),
            "kind_w1": kinds[0], "kind_w2": kinds[1]}


__all__ = ["NOTES_CAPTION", "random_hessians", "minimum_share", "minimum_shares", "section_point",
           "curvature", "sections"]
