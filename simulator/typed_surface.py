"""A typed surface: the ``Surface`` made from a formula f(x, y) over a domain.

``from_formula`` parses the formula (``simulator.formula``), refuses one that is undefined or
overflows anywhere on a grid over the domain (naming the part of the formula and a point where it
does), finds the minima numerically (a grid search, then modified Newton steps with the exact
gradient), tells global from local ones, and suggests a start and learning rates, as the built-in
surfaces have. ``surface_fields`` and ``formula_fields`` read and write a formula in saved settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from .formula import MAX_CHARS, MAX_VALUE, Node, dual, evaluate, parse, uses_variables
from .surface import Surface

MAX_DOMAIN = 1000.0  # what the start fields can show
DEFAULT_DOMAIN = (-3.0, 3.0, -3.0, 3.0)
GRID = 201  # the check and the minimum search look at GRID x GRID points of the domain
MAX_MINIMA = 8


def check_domain(domain: Any) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) as floats, each within ±MAX_DOMAIN and min < max, else ValueError."""
    if isinstance(domain, (str, bytes)) or not hasattr(domain, "__len__") or len(domain) != 4:
        raise ValueError(f"domain must be 4 numbers (xmin, xmax, ymin, ymax), got {domain!r}")
    out = []
    for name, v in zip(("xmin", "xmax", "ymin", "ymax"), domain, strict=True):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise ValueError(f"domain {name} must be a number, got {v!r}")
        if not abs(v) <= MAX_DOMAIN:  # compared as it is: an int too large for a float is refused
            shown = (f"about 10^{int(int(v).bit_length() * math.log10(2))}"
                     if isinstance(v, (int, np.integer)) and abs(v) > 10**15 else repr(v))
            raise ValueError(f"domain {name} must be in [{-MAX_DOMAIN:g}, {MAX_DOMAIN:g}], got {shown}")
        out.append(float(v))
    x0, x1, y0, y1 = out
    for lo, hi, axis in ((x0, x1, "x"), (y0, y1, "y")):
        if not hi - lo >= 1e-6 * max(1.0, abs(lo), abs(hi)):
            raise ValueError(f"the domain's {axis}min must be below its {axis}max, got {lo:g} and {hi:g}")
    return x0, x1, y0, y1


@dataclass(frozen=True)
class FormulaSurface(Surface):
    """A surface typed as a formula. ``minima`` are sorted lowest first; ``kinds`` says which are
    global (as low as the lowest, within rounding) and which local; ``lowest`` is the lowest value
    on the domain, which is below every minimum when the surface falls toward an edge."""

    formula: str = ""
    kinds: tuple[str, ...] = ()
    lowest: float = 0.0

    @cached_property
    def f_min(self) -> float:
        return self.lowest

    def nearest_minimum(self, x, y, tol: float | None = None) -> np.ndarray:
        if not self.minima:
            return np.full(np.broadcast(np.asarray(x), np.asarray(y)).shape, -1)
        return super().nearest_minimum(x, y, tol)


def _surface_functions(tree: Node):
    def f(x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        with np.errstate(all="ignore"):
            v = evaluate(tree, x, y)
        return np.broadcast_to(np.asarray(v, dtype=float), np.broadcast(x, y).shape).copy()

    def grad(x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        shape = np.broadcast(x, y).shape
        with np.errstate(all="ignore"):
            _, gx, gy = dual(tree, x, y)
        return (np.broadcast_to(np.asarray(gx, dtype=float), shape).copy(),
                np.broadcast_to(np.asarray(gy, dtype=float), shape).copy())

    return f, grad


def _checked_grid(tree: Node, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """f on the grid; ValueError naming the first part of the formula that is undefined,
    overflows or is too large there (or whose gradient is), and a point where it does."""

    def check(node: Node, triple) -> None:
        grad_norm = np.hypot(triple[1], triple[2])
        for what, arr in zip(("", "the gradient of "), (triple[0], grad_norm), strict=True):
            arr = np.broadcast_to(arr, X.shape)
            bad = ~(np.abs(arr) <= MAX_VALUE)
            if np.any(bad):
                i = np.flatnonzero(bad)[0]
                v = arr.flat[i]
                why = "is undefined" if np.isnan(v) else "overflows" if np.isinf(v) else f"reaches {v:.3g}"
                raise ValueError(f"{what}{node.src} (column {node.col}) {why} at x = {X.flat[i]:.4g}, "
                                 f"y = {Y.flat[i]:.4g}: the surface must stay finite and within "
                                 f"±{MAX_VALUE:g} on the whole domain; change the formula or the domain")

    watched = _divisors(tree)
    seen: dict[int, tuple] = {}

    def check_and_watch(node: Node, triple) -> None:
        check(node, triple)
        if id(node) in watched:  # kept until its parent (the division) is checked
            seen[id(node)] = triple
        divisor = _divisor_of(node)
        if divisor is not None and id(divisor) in seen:
            _check_no_zero_between(node, divisor, seen.pop(id(divisor)), X, Y)

    with np.errstate(all="ignore"):
        v, _, _ = dual(tree, X, Y, check_and_watch)
    return np.broadcast_to(np.asarray(v, dtype=float), X.shape)


def _divisor_of(node: Node) -> Node | None:
    """The part of ``node`` that makes it infinite where it is 0: a divisor, or the base of a
    negative or variable power."""
    if node.op == "/":
        return node.args[1]
    if node.op == "**" and (node.args[1].op != "num" or node.args[1].value < 0):
        return node.args[0]
    return None


def _divisors(tree: Node) -> set[int]:
    out, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if (d := _divisor_of(node)) is not None:
            out.add(id(d))
        stack.extend(node.args)
    return out


HERMITE_T = np.linspace(0.0, 1.0, 17)[1:-1]  # where a divisor is looked at between grid points


def _check_no_zero_between(node: Node, divisor: Node, triple, X: np.ndarray, Y: np.ndarray) -> None:
    """ValueError if ``divisor`` is 0 between two neighbouring grid points (a pole the grid does
    not hit: 1/(x - 0.015) on a grid with a point at 0 and the next at 0.03). Along each edge of
    the grid the divisor is followed by the cubic through its values and slopes at both ends (exact
    for a quadratic): a change of sign, or a dip to 0, is a zero between the points."""
    v, vx, vy = (np.broadcast_to(np.asarray(a, dtype=float), X.shape) for a in triple)
    for axis, slope, step in ((1, vx, X[0, 1] - X[0, 0]), (0, vy, Y[1, 0] - Y[0, 0])):
        a, b = _ends(v, axis)
        ma, mb = (s * step for s in _ends(slope, axis))
        t = HERMITE_T.reshape(-1, *([1] * a.ndim))
        p = ((2 * t**3 - 3 * t**2 + 1) * a + (t**3 - 2 * t**2 + t) * ma
             + (-2 * t**3 + 3 * t**2) * b + (t**3 - t**2) * mb)
        tiny = 1e-9 * (np.abs(a) + np.abs(b) + np.abs(ma) + np.abs(mb))
        zero = (a * b < 0) | np.any((np.sign(p) != np.sign(a)) | (np.abs(p) <= tiny), axis=0)
        if np.any(zero):
            i = np.unravel_index(np.flatnonzero(zero)[0], zero.shape)
            x, y = X[i], Y[i]
            where = (f"between x = {x:.4g} and {x + step:.4g}, y = {y:.4g}" if axis == 1 else
                     f"between y = {y:.4g} and {y + step:.4g}, x = {x:.4g}")
            raise ValueError(f"{divisor.src} (column {divisor.col}) is 0 {where}, so {node.src} "
                             "is infinite there: the surface must stay finite on the whole domain; "
                             "change the formula or the domain")


def _ends(a: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """The values at the start and at the end of every grid edge along ``axis``."""
    return (a[:, :-1], a[:, 1:]) if axis == 1 else (a[:-1, :], a[1:, :])


def _grid_minima(F: np.ndarray) -> np.ndarray:
    """Flat indices of interior grid points no higher than their eight neighbours, lowest first."""
    c = F[1:-1, 1:-1]
    ok = np.ones(c.shape, dtype=bool)
    n, m = F.shape
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                ok &= c <= F[1 + di:n - 1 + di, 1 + dj:m - 1 + dj]
    ii, jj = np.nonzero(ok)
    flat = (ii + 1) * m + (jj + 1)
    return flat[np.argsort(F.flat[flat], kind="stable")][:64]


def _hessian(grad, P: np.ndarray, h: float) -> np.ndarray:
    """(k, 2, 2) Hessians at points P (k, 2) by central differences of the exact gradient."""
    H = np.empty((len(P), 2, 2))
    for j in range(2):
        d = np.zeros(2)
        d[j] = h
        gp, gm = np.stack(grad(*(P + d).T), 1), np.stack(grad(*(P - d).T), 1)
        H[:, :, j] = (gp - gm) / (2 * h)
    return 0.5 * (H + H.transpose(0, 2, 1))


def _newton(f, grad, P: np.ndarray, span: float, iters: int = 40) -> np.ndarray:
    """Modified Newton steps (the Hessian shifted to be positive definite) with backtracking, for
    all points at once: from grid minima to the exact minima near them."""
    ts = 0.5 ** np.arange(12)
    with np.errstate(all="ignore"):
        for _ in range(iters):
            g = np.stack(grad(*P.T), 1)
            H = _hessian(grad, P, 1e-5 * span)
            lam = np.maximum(0.0, -np.linalg.eigvalsh(H)[:, 0]) + 1e-12 * (1 + np.abs(H).max((1, 2)))
            step = -np.linalg.solve(H + lam[:, None, None] * np.eye(2), g[:, :, None])[:, :, 0]
            step[~np.isfinite(step)] = 0.0
            trial = P[:, None, :] + ts[None, :, None] * step[:, None, :]
            ft = f(trial[..., 0], trial[..., 1])
            ft[~np.isfinite(ft)] = np.inf
            best = np.argmin(ft, axis=1)
            better = ft[np.arange(len(P)), best] <= f(P[:, 0], P[:, 1])
            P = np.where(better[:, None], trial[np.arange(len(P)), best], P)
    return P


def _minima(f, grad, F: np.ndarray, X, Y, domain, grad_scale: float):
    """The minima inside the domain (lowest first, at most MAX_MINIMA, 2% of the span apart),
    whether each is global or local, and whether they lie along a valley (a flat direction: only
    the lowest point found of it is kept)."""
    x0, x1, y0, y1 = domain
    span = max(x1 - x0, y1 - y0)
    idx = _grid_minima(F)
    if len(idx) == 0:
        return (), (), False
    P = _newton(f, grad, np.stack([X.flat[idx], Y.flat[idx]], 1), span)
    g = np.hypot(*grad(*P.T))
    tol_x, tol_y = 1e-9 * (x1 - x0), 1e-9 * (y1 - y0)
    inside = ((P[:, 0] > x0 + tol_x) & (P[:, 0] < x1 - tol_x) & (P[:, 1] > y0 + tol_y)
              & (P[:, 1] < y1 - tol_y))
    keep = inside & (g <= 1e-6 * max(grad_scale, 1e-9))
    P = P[keep]
    vals = f(*P.T)
    with np.errstate(all="ignore"):
        eig = np.abs(np.linalg.eigvalsh(_hessian(grad, P, 1e-5 * span))) if len(P) else np.ones((0, 2))
    flat = eig[:, 0] <= 1e-6 * np.maximum(eig[:, 1], 1e-12)
    found: list[tuple[float, float]] = []
    valley = False
    for k in np.argsort(vals, kind="stable"):
        if flat[k] and valley:
            continue
        if all(math.hypot(P[k, 0] - a, P[k, 1] - b) > 0.02 * span for a, b in found):
            found.append((float(P[k, 0]), float(P[k, 1])))
            valley = valley or bool(flat[k])
    found = found[:MAX_MINIMA]
    if not found:
        return (), (), False
    fv = f(*np.array(found).T)
    close = 1e-9 * (1.0 + np.ptp(F)) + 1e-9 * abs(fv[0])
    return tuple(found), tuple("global" if v - fv[0] <= close else "local" for v in fv), valley


def _round2(v: float) -> float:
    """Two significant digits, within the α fields' range [1e-6, 1000]."""
    v = min(max(float(v), 1e-6), 1000.0)
    return float(f"{v:.2g}")


def _curvature(grad, P: np.ndarray, span: float) -> np.ndarray:
    """The largest |eigenvalue| of the Hessian at each point (finite ones only)."""
    with np.errstate(all="ignore"):
        eig = np.abs(np.linalg.eigvalsh(_hessian(grad, P, 1e-5 * span))).max(axis=1)
    return eig[np.isfinite(eig)]


def _suggested_lr(grad, minima, domain, span: float) -> dict[str, float]:
    """α per optimizer for a first race: 0.5 / L for SGD and momentum, L the largest curvature at
    the minima (at most ten times the 90th percentile over the domain, for a kink at a minimum),
    or that percentile without a minimum; RMSprop and Adam move about α per step, so theirs
    follow the domain's size (as the built-in surfaces' do)."""
    x0, x1, y0, y1 = domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, 21), np.linspace(y0, y1, 21))
    over = _curvature(grad, np.stack([gx.ravel(), gy.ravel()], 1), span)
    typical = float(np.percentile(over, 90)) if len(over) else 0.0
    at_minima = _curvature(grad, np.array(minima, dtype=float), span) if minima else np.empty(0)
    curvature = min(float(np.max(at_minima)), 10 * typical) if len(at_minima) else typical
    sgd = 0.5 / curvature if curvature > 1e-12 else 0.1 * span
    return {"sgd": _round2(sgd), "momentum": _round2(sgd), "rmsprop": _round2(span / 300),
            "adam": _round2(span / 60)}


def _start(f, domain) -> tuple[float, float]:
    """The highest of four points inset 15% from the domain's corners: a long way to go down."""
    x0, x1, y0, y1 = domain
    pts = [(x0 + a * (x1 - x0), y0 + b * (y1 - y0)) for a, b in ((0.15, 0.85), (0.85, 0.85),
                                                                  (0.15, 0.15), (0.85, 0.15))]
    values = [float(f(*p)) for p in pts]
    return pts[int(np.argmax(values))]


def _note(minima, kinds, f, lowest_at, valley: bool = False) -> str:
    """Where the minima are, which is global, and whether the surface falls toward an edge."""
    def at(p):
        v = float(f(*p))
        return f"({p[0]:.3g}, {p[1]:.3g}), J = {0.0 if abs(v) < 1e-12 else v:.3g}"

    parts = []
    glob = [at(p) for p, k in zip(minima, kinds, strict=True) if k == "global"]
    local = [at(p) for p, k in zip(minima, kinds, strict=True) if k == "local"]
    if glob:
        parts.append(("Global minimum at " if len(glob) == 1 else "Global minima at ") + "; ".join(glob))
    if local:
        parts.append(("Local minimum at " if len(local) == 1 else "Local minima at ") + "; ".join(local))
    if not glob:
        parts.append(f"J is lowest on the domain's edge, at {at(lowest_at)}: racers heading there "
                     "leave the domain")
    if valley:
        parts.append("J is as low all along a valley there (a flat direction): one point of it is "
                     "marked, and racers stop wherever they reach the valley")
    return "A typed surface. " + ". ".join(parts) + "."


def from_formula(text: Any, domain: Any = DEFAULT_DOMAIN) -> FormulaSurface:
    """The surface f(x, y) typed as ``text`` over ``domain`` = (xmin, xmax, ymin, ymax), with an
    exact gradient and its minima found numerically; ValueError naming the offending part."""
    return _build(text if isinstance(text, str) else _not_text(text), check_domain(domain))


def _not_text(text: Any) -> str:
    raise ValueError(f"a formula must be text, got {type(text).__name__}")


@lru_cache(maxsize=32)
def _build(text: str, domain: tuple[float, float, float, float]) -> FormulaSurface:
    tree = parse(text)
    if not uses_variables(tree):
        raise ValueError(f"the formula {text.strip()!r} is a constant: use x or y (or both)")
    f, grad = _surface_functions(tree)
    x0, x1, y0, y1 = domain
    X, Y = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    F = _checked_grid(tree, X, Y)
    gx, gy = grad(X[::5, ::5], Y[::5, ::5])
    grad_scale = float(np.median(np.hypot(gx, gy)))
    minima, kinds, valley = _minima(f, grad, F, X, Y, domain, grad_scale)
    i_low = int(np.argmin(F))
    lowest = float(F.flat[i_low])
    if minima:
        m_low = float(np.min(f(*np.array(minima).T)))
        if m_low > lowest + 1e-6 * (1.0 + np.ptp(F)):  # the edge is lower: no minimum is global
            kinds = ("local",) * len(kinds)
        lowest = min(lowest, m_low)
    span = max(x1 - x0, y1 - y0)
    shown = text.strip() if len(text.strip()) <= 60 else text.strip()[:57] + "…"
    return FormulaSurface(
        "formula", f"f(x, y) = {shown}", f, grad, domain, _start(f, domain), minima,
        _note(minima, kinds, f, (X.flat[i_low], Y.flat[i_low]), valley),
        _suggested_lr(grad, minima, domain, span), formula=text, kinds=kinds, lowest=lowest)


def surface_fields(data: dict[str, Any]) -> tuple[str, str, tuple[float, ...]]:
    """(name, formula, domain) of a ``SurfaceSpec`` from saved settings: ``"surface": "formula"``
    with ``"formula"`` (text) and ``"domain"`` (4 numbers, by default ``DEFAULT_DOMAIN``);
    ValueError naming a field of the wrong type (the formula itself is read when it is built)."""
    name = data.get("surface", "ravine")
    if not isinstance(name, str):
        raise ValueError(f"surface must be a name, got {name!r}")
    if name != "formula":
        return name, "", ()
    formula = data.get("formula", "")
    if not isinstance(formula, str):
        raise ValueError(f"formula must be text, got {formula!r}")
    if len(formula) > MAX_CHARS:
        raise ValueError(f"the formula has {len(formula)} characters; at most {MAX_CHARS}")
    return name, formula, check_domain(data.get("domain", DEFAULT_DOMAIN))


def formula_fields(spec: Any) -> dict[str, Any]:
    """What a saved setting holds beyond the surface's name: the formula and its domain."""
    if spec.name != "formula":
        return {}
    return {"formula": spec.formula, "domain": list(spec.domain or DEFAULT_DOMAIN)}


__all__ = ["DEFAULT_DOMAIN", "MAX_DOMAIN", "FormulaSurface", "check_domain", "formula_fields", "from_formula",
           "surface_fields"]
