"""Two-dimensional loss surfaces with analytic gradients, and a registry by name.

Each surface's ``f(x, y)`` and ``grad(x, y)`` work on arrays of any (matching) shape, so one call
evaluates a 200x200 grid or 40,000 optimizer positions at once.
"""

from __future__ import annotations

import numpy as np

from .surface import Surface
from .typed_surface import from_formula as _typed
from .validation import check_choice

# -- bowl: the notes' J(w) = (w - 5)^2, in two dimensions -----------------------------------------


def _bowl_f(x, y):
    return (x - 5.0) ** 2 + (y - 5.0) ** 2


def _bowl_g(x, y):
    return 2.0 * (x - 5.0), 2.0 * (y - 5.0)


# -- saddle: a saddle point at the origin between two minima at (0, +-1) -----------------------


def _saddle_f(x, y):
    return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2 + 0.25


def _saddle_g(x, y):
    return x, y**3 - y


# -- ravine: an ill-conditioned quadratic, rotated 30 degrees --------------------------------------

_RAV_C, _RAV_S = np.cos(np.pi / 6), np.sin(np.pi / 6)
_RAV_L1, _RAV_L2 = 0.5, 50.0  # curvatures along and across the valley: condition number 100


def _ravine_uv(x, y):
    return _RAV_C * x + _RAV_S * y, -_RAV_S * x + _RAV_C * y


def _ravine_f(x, y):
    u, v = _ravine_uv(x, y)
    return 0.5 * (_RAV_L1 * u**2 + _RAV_L2 * v**2)


def _ravine_g(x, y):
    u, v = _ravine_uv(x, y)
    gu, gv = _RAV_L1 * u, _RAV_L2 * v
    return _RAV_C * gu - _RAV_S * gv, _RAV_S * gu + _RAV_C * gv


RAVINE_CURVATURES = (_RAV_L1, _RAV_L2)

# -- elongated: the notes' RMSprop picture, an axis-aligned bowl shallow along w1, steep along w2 ---

ELONGATED_CURVATURES = (0.5, 50.0)  # along w1 (the notes' w) and w2 (their b): condition number 100


def _elong_f(x, y):
    a, b = ELONGATED_CURVATURES
    return 0.5 * (a * x**2 + b * y**2)


def _elong_g(x, y):
    a, b = ELONGATED_CURVATURES
    return a * x, b * y


# -- normalizing inputs: linear regression's J(w) on two features of different scales, and on the
# same features normalized (x − μ) / σ. With x1 uniform on [0, 1] and x2 on [0, 10], J is
# ½ (w − w*)ᵀ E[x xᵀ] (w − w*): a long, tilted valley (condition number about 230). Normalized,
# E[x̃ x̃ᵀ] is the identity: round contours. -----------------------------------------------------

_RAW_H = np.array([[1.0 / 3.0, 2.5], [2.5, 100.0 / 3.0]])
_RAW_MIN = (1.0, 0.2)
_NORM_MIN = (0.3, 0.6)


def _quadratic(h: np.ndarray, centre: tuple[float, float]):
    """f and grad of ½ (w − c)ᵀ h (w − c), vectorized."""
    (a, b), (_, d) = h
    cx, cy = centre

    def f(x, y):
        u, v = x - cx, y - cy
        return 0.5 * (a * u * u + 2 * b * u * v + d * v * v)

    def grad(x, y):
        u, v = x - cx, y - cy
        return a * u + b * v, b * u + d * v

    return f, grad


_raw_f, _raw_g = _quadratic(_RAW_H, _RAW_MIN)
_norm_f, _norm_g = _quadratic(np.eye(2), _NORM_MIN)
INPUT_CURVATURES = tuple(float(x) for x in np.linalg.eigvalsh(_RAW_H))

# -- rosenbrock: the banana valley -------------------------------------------------------------


def _rosen_f(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _rosen_g(x, y):
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)


# -- beale ------------------------------------------------------------------------------------


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3


def _beale_f(x, y):
    a, b, c = _beale_terms(x, y)
    return a**2 + b**2 + c**2


def _beale_g(x, y):
    a, b, c = _beale_terms(x, y)
    gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
    return gx, gy


# -- himmelblau: four minima of equal depth --------------------------------------------------


def _himmel_f(x, y):
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def _himmel_g(x, y):
    a, b = x**2 + y - 11.0, x + y**2 - 7.0
    return 4 * a * x + 2 * b, 2 * a + 4 * b * y


# -- plateau: flat almost everywhere, one well in the middle ---------------------------------

_PLAT_W = 4.0  # width^2 of the well


def _plateau_f(x, y):
    return 1.0 - np.exp(-(x**2 + y**2) / _PLAT_W)


def _plateau_g(x, y):
    e = np.exp(-(x**2 + y**2) / _PLAT_W) * (2.0 / _PLAT_W)
    return e * x, e * y


# -- local_minima: a shallow trap beside a deep global well, in a gentle bowl ----------------

_LM_WELLS = ((2.0, 0.0, 1.0, 1.0), (-1.5, 1.0, 0.45, 0.6))  # (cx, cy, depth, width)
_LM_BOWL = 0.02


def _lm_f(x, y):
    out = 1.0 + _LM_BOWL * (x**2 + y**2)
    for cx, cy, d, w in _LM_WELLS:
        out = out - d * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * w * w))
    return out


def _lm_g(x, y):
    gx = 2 * _LM_BOWL * x
    gy = 2 * _LM_BOWL * y
    for cx, cy, d, w in _LM_WELLS:
        e = d * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * w * w)) / (w * w)
        gx = gx + e * (x - cx)
        gy = gy + e * (y - cy)
    return gx, gy


def _refine(grad, p, steps: int = 200) -> tuple[float, float]:
    """Newton's method with a finite-difference Hessian: the exact minimum near a centre guess."""
    p = np.array(p, dtype=float)
    h = 1e-6
    for _ in range(steps):
        g = np.array(grad(p[0], p[1]))
        H = np.empty((2, 2))
        for j in range(2):
            dp = np.zeros(2)
            dp[j] = h
            H[:, j] = (np.array(grad(*(p + dp))) - np.array(grad(*(p - dp)))) / (2 * h)
        p = p - np.linalg.solve(H, g)
    return float(p[0]), float(p[1])


_LM_MINIMA = tuple(_refine(_lm_g, (cx, cy), 20) for cx, cy, _, _ in _LM_WELLS)


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface(
            "bowl", "Bowl: J = (w1-5)^2 + (w2-5)^2", _bowl_f, _bowl_g, (-1.0, 11.0, -1.0, 11.0),
            (0.5, 1.0), ((5.0, 5.0),),
            "The notes' J(w) = (w - 5)^2 in two dimensions: every optimizer finds the one minimum.",
            {"sgd": 0.1, "momentum": 0.1, "rmsprop": 0.05, "adam": 0.2},
        ),
        Surface(
            "saddle", "Saddle point", _saddle_f, _saddle_g, (-2.5, 2.5, -2.0, 2.0),
            (-2.2, 0.001), ((0.0, 1.0), (0.0, -1.0)),
            "At the origin J is a minimum along w1 and a maximum along w2: the gradient vanishes. "
            "From just off the ridge w2 = 0 descent lingers there, then leaves; started exactly on "
            "it, every optimizer, momentum too, stays stuck, and only noise escapes.",
            {"sgd": 0.1, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.05}, ((0.0, 0.0),),
        ),
        Surface(
            "ravine", "Ravine (ill-conditioned, rotated)", _ravine_f, _ravine_g,
            (-3.0, 3.0, -3.0, 3.0), (-2.92, -1.34), ((0.0, 0.0),),
            "Curvature 100 times steeper across the valley than along it: SGD's step flips sign "
            "across the valley at every iteration and crawls along it; momentum averages the "
            "flips away, glides along the valley and arrives first.",
            {"sgd": 0.039, "momentum": 0.039, "rmsprop": 0.02, "adam": 0.1},
        ),
        Surface(
            "elongated", "Elongated bowl (RMSprop's picture)", _elong_f, _elong_g,
            (-5.0, 5.0, -2.0, 2.0), (-4.5, 1.5), ((0.0, 0.0),),
            "The notes' picture for RMSprop: w1 (their w) runs along the bowl, w2 (their b) across "
            "it, 100 times steeper. At the same α, SGD's step in w2 flips sign at every iteration "
            "while it creeps along w1; RMSprop divides by √s, damping w2 and speeding up w1.",
            {"sgd": 0.038, "momentum": 0.038, "rmsprop": 0.038, "adam": 0.038},
        ),
        Surface(
            "raw_inputs", "Inputs not normalized", _raw_f, _raw_g,
            (-3.0, 5.0, -0.8, 1.4), (-2.5, 1.0), (_RAW_MIN,),
            "Linear regression's J(w1, w2) with x1 in [0, 1] and x2 in [0, 10]: a long, narrow, "
            "tilted valley. Gradient descent must keep α small for the steep direction and then "
            "crawls along the long one. Compare with the normalized inputs.",
            {"sgd": 0.05, "momentum": 0.05, "rmsprop": 0.05, "adam": 0.05},
        ),
        Surface(
            "normalized_inputs", "Inputs normalized", _norm_f, _norm_g,
            (-3.0, 3.5, -2.5, 4.0), (-2.1, 3.0), (_NORM_MIN,),
            "The same regression on x̃ = (x − μ) / σ: every feature has mean 0 and variance 1, the "
            "contours are round, and gradient descent heads straight for the minimum.",
            {"sgd": 0.05, "momentum": 0.05, "rmsprop": 0.05, "adam": 0.05},
        ),
        Surface(
            "rosenbrock", "Rosenbrock", _rosen_f, _rosen_g, (-2.0, 2.0, -1.0, 3.0),
            (-1.5, 2.5), ((1.0, 1.0),),
            "A curved, nearly flat valley: easy to reach, slow to follow to the minimum at (1, 1).",
            {"sgd": 0.0005, "momentum": 0.001, "rmsprop": 0.005, "adam": 0.02},
        ),
        Surface(
            "beale", "Beale", _beale_f, _beale_g, (-4.5, 4.5, -4.5, 4.5), (1.0, 1.4),
            ((3.0, 0.5),),
            "Steep walls and flat arms: gradient sizes differ by orders of magnitude, which per-"
            "coordinate scaling (RMSprop, Adam) handles.",
            {"sgd": 0.001, "momentum": 0.002, "rmsprop": 0.01, "adam": 0.05},
        ),
        Surface(
            "himmelblau", "Himmelblau (four minima)", _himmel_f, _himmel_g,
            (-5.0, 5.0, -5.0, 5.0), (-0.3, -0.9),
            (
                (3.0, 2.0),
                (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.283185991286170),
                (3.584428340330492, -1.848126526964404),
            ),
            "Four minima of equal depth: which one an optimizer reaches depends on where it starts.",
            {"sgd": 0.005, "momentum": 0.01, "rmsprop": 0.02, "adam": 0.1},
        ),
        Surface(
            "plateau", "Plateau", _plateau_f, _plateau_g, (-6.0, 6.0, -6.0, 6.0), (4.5, 4.0),
            ((0.0, 0.0),),
            "A wide flat region where the gradient nearly vanishes: learning is slow there, and "
            "RMSprop and Adam, which divide by the gradient's size, cross it quickly.",
            {"sgd": 1.0, "momentum": 1.0, "rmsprop": 0.05, "adam": 0.1},
        ),
        Surface(
            "local_minima", "Local minimum beside the global one", _lm_f, _lm_g,
            (-4.0, 4.5, -3.0, 3.5), (-3.0, 2.5), _LM_MINIMA,
            "A shallow trap at the left, the global minimum at the right: plain descent settles "
            "in the first basin it meets; momentum can roll through.",
            {"sgd": 0.5, "momentum": 4.0, "rmsprop": 0.02, "adam": 0.1},
        ),
    )
}


def get_surface(name: str) -> Surface:
    """The surface of that name, or ValueError listing the names there are."""
    return SURFACES[check_choice("surface", name, SURFACES)]


def from_formula(text: str, domain: tuple[float, float, float, float] = (-3.0, 3.0, -3.0, 3.0)) -> Surface:
    """A surface typed as f(x, y) over (xmin, xmax, ymin, ymax); ValueError naming the offending
    part (see ``simulator.typed_surface``)."""
    return _typed(text, domain)
