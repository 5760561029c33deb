"""Loss surfaces: analytic gradients against finite differences, minima, domains, named facts."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.surfaces import RAVINE_CURVATURES, SURFACES, Surface, get_surface

NAMES = list(SURFACES)
OPTIMIZERS = {"sgd", "momentum", "rmsprop", "adam"}


def fd_grad(s: Surface, x: np.ndarray, y: np.ndarray, h: float = 1e-6):
    """Central differences of f, with steps relative to the coordinates' size."""
    hx = h * np.maximum(1.0, np.abs(x))
    hy = h * np.maximum(1.0, np.abs(y))
    gx = (s.f(x + hx, y) - s.f(x - hx, y)) / (2 * hx)
    gy = (s.f(x, y + hy) - s.f(x, y - hy)) / (2 * hy)
    return gx, gy


def fd_hessian(s: Surface, x: float, y: float, h: float = 1e-5) -> np.ndarray:
    """Hessian from central differences of the analytic gradient."""
    H = np.empty((2, 2))
    for j, (dx, dy) in enumerate(((h, 0.0), (0.0, h))):
        gp = np.array(s.grad(x + dx, y + dy), dtype=float)
        gm = np.array(s.grad(x - dx, y - dy), dtype=float)
        H[:, j] = (gp - gm) / (2 * h)
    return 0.5 * (H + H.T)


def random_points(s: Surface, n: int, seed: int = 0):
    x0, x1, y0, y1 = s.domain
    rng = np.random.default_rng(seed)
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_finite_differences(name):
    s = SURFACES[name]
    x, y = random_points(s, 500)
    gx, gy = s.grad(x, y)
    fx, fy = fd_grad(s, x, y)
    scale = np.maximum(1.0, np.hypot(gx, gy))  # relative to the size of the gradient
    np.testing.assert_allclose(gx / scale, fx / scale, atol=1e-6)
    np.testing.assert_allclose(gy / scale, fy / scale, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_near_minima_and_start(name):
    """Where racers spend their time, small gradients must be right too (absolute check)."""
    s = SURFACES[name]
    pts = [s.start, *s.minima]
    rng = np.random.default_rng(1)
    for px, py in pts:
        x = px + 0.05 * s.span * rng.standard_normal(20)
        y = py + 0.05 * s.span * rng.standard_normal(20)
        gx, gy = s.grad(x, y)
        fx, fy = fd_grad(s, x, y)
        scale = np.maximum(1.0, np.hypot(gx, gy))
        np.testing.assert_allclose(gx / scale, fx / scale, atol=1e-6)
        np.testing.assert_allclose(gy / scale, fy / scale, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_listed_minima_have_zero_gradient_and_are_minima(name):
    s = SURFACES[name]
    assert len(s.minima) >= 1
    for mx, my in s.minima:
        gx, gy = s.grad(mx, my)
        assert np.hypot(gx, gy) < 1e-8, (name, mx, my)
        H = fd_hessian(s, mx, my)
        assert np.all(np.linalg.eigvalsh(H) > 0), (name, mx, my, H)
        # lower than every point on a small circle around it
        a = np.linspace(0, 2 * np.pi, 16, endpoint=False)
        r = 1e-3 * s.span
        assert np.all(s.f(mx + r * np.cos(a), my + r * np.sin(a)) > s.f(mx, my))


@pytest.mark.parametrize("name", NAMES)
def test_f_min_is_the_lowest_value_over_the_domain(name):
    s = SURFACES[name]
    _, _, Z = s.grid(301)
    assert s.f_min <= Z.min() + 1e-12
    m = np.asarray(s.minima)
    assert s.f_min == pytest.approx(float(np.min(s.f(m[:, 0], m[:, 1]))))


@pytest.mark.parametrize("name", [n for n in NAMES if n != "local_minima"])
def test_every_listed_minimum_is_global_with_known_value(name):
    """All these surfaces have f = 0 at their minima (and all minima of equal depth)."""
    s = SURFACES[name]
    for mx, my in s.minima:
        assert s.f(mx, my) == pytest.approx(0.0, abs=1e-12)
    assert s.f_min == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_domain_start_and_minima(name):
    s = SURFACES[name]
    x0, x1, y0, y1 = s.domain
    assert np.all(np.isfinite(s.domain))
    assert x0 < x1 and y0 < y1
    assert s.span == pytest.approx(max(x1 - x0, y1 - y0))
    sx, sy = s.start
    assert x0 < sx < x1 and y0 < sy < y1
    for mx, my in s.minima:
        assert x0 < mx < x1 and y0 < my < y1
    # a race is worth watching: the start is not already at a minimum
    assert s.f(sx, sy) > s.f_min + 1e-6
    assert s.nearest_minimum(np.array(sx), np.array(sy)) == -1


@pytest.mark.parametrize("name", NAMES)
def test_texts_and_suggested_rates(name):
    s = SURFACES[name]
    assert s.name == name
    assert s.title.strip()
    assert len(s.note.strip()) > 20
    assert set(s.suggested_lr) == OPTIMIZERS
    assert all(np.isfinite(v) and v > 0 for v in s.suggested_lr.values())
    assert np.isfinite(s.grad_scale) and s.grad_scale > 0


@pytest.mark.parametrize("name", NAMES)
def test_f_and_grad_vectorize_over_2d_arrays(name):
    s = SURFACES[name]
    x, y = random_points(s, 12, seed=4)
    X, Y = x.reshape(3, 4), y.reshape(3, 4)
    F = s.f(X, Y)
    GX, GY = s.grad(X, Y)
    assert F.shape == GX.shape == GY.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            assert F[i, j] == pytest.approx(float(s.f(float(X[i, j]), float(Y[i, j]))), rel=1e-14)
            gx, gy = s.grad(float(X[i, j]), float(Y[i, j]))
            assert GX[i, j] == pytest.approx(float(gx), rel=1e-12, abs=1e-15)
            assert GY[i, j] == pytest.approx(float(gy), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_grid_is_indexed_y_then_x(name):
    s = SURFACES[name]
    xs, ys, Z = s.grid(9)
    x0, x1, y0, y1 = s.domain
    assert Z.shape == (9, 9)
    assert xs[0] == x0 and xs[-1] == x1 and ys[0] == y0 and ys[-1] == y1
    assert Z[2, 7] == pytest.approx(float(s.f(xs[7], ys[2])))
    assert Z[7, 2] == pytest.approx(float(s.f(xs[2], ys[7])))


def test_nearest_minimum_labels():
    s = SURFACES["himmelblau"]
    m = np.asarray(s.minima)
    idx = s.nearest_minimum(m[:, 0] + 0.01, m[:, 1] - 0.01)
    np.testing.assert_array_equal(idx, [0, 1, 2, 3])
    assert s.nearest_minimum(np.array(0.0), np.array(0.0)) == -1
    assert s.nearest_minimum(np.array([[np.nan]]), np.array([[0.0]])).shape == (1, 1)
    assert s.nearest_minimum(np.array(3.3), np.array(2.0), tol=0.5) == 0


# -- specific facts the pages teach ---------------------------------------------------------------


def test_himmelblau_has_four_minima_of_f_0():
    s = get_surface("himmelblau")
    assert len(s.minima) == 4
    assert (3.0, 2.0) in s.minima
    for mx, my in s.minima:
        assert s.f(mx, my) == pytest.approx(0.0, abs=1e-20)
    m = np.asarray(s.minima)
    d = np.hypot(m[:, None, 0] - m[None, :, 0], m[:, None, 1] - m[None, :, 1])
    assert np.all(d[~np.eye(4, dtype=bool)] > 1.0)  # four distinct minima


def test_bowl_is_the_notes_quadratic_with_minimum_at_5_5():
    s = get_surface("bowl")
    assert s.minima == ((5.0, 5.0),)
    w = np.linspace(-1, 11, 25)
    # J(w) = w^2 - 10 w + 25 = (w - 5)^2 along each axis
    np.testing.assert_allclose(s.f(w, 5.0), w**2 - 10 * w + 25, atol=1e-12)
    np.testing.assert_allclose(s.f(5.0, w), (w - 5) ** 2, atol=1e-12)
    assert s.grad(5.0, 5.0) == (0.0, 0.0)


def test_saddle_origin_is_a_saddle():
    s = get_surface("saddle")
    gx, gy = s.grad(0.0, 0.0)
    assert gx == 0.0 and gy == 0.0
    d = np.array([1e-2, 1e-1, 0.5])
    f0 = s.f(0.0, 0.0)
    # minimum along w1, maximum along w2 (the notes' picture)
    assert np.all(s.f(d, 0.0) > f0) and np.all(s.f(-d, 0.0) > f0)
    assert np.all(s.f(0.0, d) < f0) and np.all(s.f(0.0, -d) < f0)
    H = fd_hessian(s, 0.0, 0.0)
    assert H[0, 0] > 0 > H[1, 1]
    assert abs(H[0, 1]) < 1e-8
    # the origin is not one of the minima
    assert all(np.hypot(mx, my) > 0.5 for mx, my in s.minima)


def test_ravine_condition_number_is_100():
    s = get_surface("ravine")
    for x, y in [(0.0, 0.0), (1.0, -2.0), (-2.5, 0.7)]:  # a quadratic: the same everywhere
        ev = np.linalg.eigvalsh(fd_hessian(s, x, y))
        assert ev == pytest.approx(sorted(RAVINE_CURVATURES), rel=1e-6)
        assert ev[1] / ev[0] == pytest.approx(100.0, rel=1e-6)
    H = fd_hessian(s, 0.0, 0.0)
    assert abs(H[0, 1]) > 1.0  # rotated: the valley is not along an axis


def test_plateau_gradient_is_tiny_far_from_centre():
    s = get_surface("plateau")
    x0, x1, y0, y1 = s.domain
    corners = np.array([[x0, y0], [x0, y1], [x1, y0], [x1, y1]])
    for cx, cy in corners:
        assert np.hypot(*s.grad(cx, cy)) < 1e-6
    near = np.hypot(*s.grad(1.0, 1.0))
    at_start = np.hypot(*s.grad(*s.start))
    assert at_start < 1e-3 < near
    assert near / at_start > 100
    # and the loss there is flat: almost exactly 1
    assert s.f(*s.start) == pytest.approx(1.0, abs=1e-3)


def test_local_minima_has_a_shallow_trap_above_the_global_minimum():
    s = get_surface("local_minima")
    assert len(s.minima) == 2
    fs = [float(s.f(mx, my)) for mx, my in s.minima]
    g, trap = int(np.argmin(fs)), int(np.argmax(fs))
    assert fs[trap] > fs[g] + 0.2  # clearly shallower
    assert s.f_min == pytest.approx(fs[g])
    # the trap lies on the left, nearer the start; the global minimum on the right
    assert s.minima[trap][0] < 0 < s.minima[g][0]
    start = np.array(s.start)
    assert np.hypot(*(start - s.minima[trap])) < np.hypot(*(start - s.minima[g]))


def test_rosenbrock_and_beale_minima():
    assert get_surface("rosenbrock").minima == ((1.0, 1.0),)
    assert get_surface("beale").minima == ((3.0, 0.5),)


@pytest.mark.parametrize("bad", ["Bowl", "", "himmelblau2", "sphere"])
def test_get_surface_unknown_name_raises(bad):
    with pytest.raises(ValueError) as exc:
        get_surface(bad)
    assert repr(bad) in str(exc.value)
    for name in NAMES:
        assert name in str(exc.value)


def test_get_surface_returns_the_registered_surface():
    for name in NAMES:
        assert get_surface(name) is SURFACES[name]


def test_listed_saddle_points_are_critical_points_and_not_minima():
    marked = [s for s in SURFACES.values() if s.saddles]
    assert [s.name for s in marked] == ["saddle"]
    for s in marked:
        for x, y in s.saddles:
            assert np.hypot(*s.grad(x, y)) < 1e-12
            assert s.nearest_minimum(x, y) == -1
