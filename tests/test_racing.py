"""Racers, basin maps and the momentum (alpha, beta) map."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.optimizers import OPTIMIZERS, make_optimizer
from simulator.racing import (
    CONVERGED,
    DIVERGED,
    DIVERGED_LABEL,
    GAP_FLOOR,
    MOVING_LABEL,
    RUNNING,
    STUCK,
    Racer,
    basin_dtype,
    basin_map,
    basin_shares,
    explained_update,
    momentum_rate_map,
    narrate,
)
from simulator.surfaces import RAVINE_CURVATURES, SURFACES, from_formula, get_surface

ALL = ["sgd", "momentum", "rmsprop", "adam"]


def racer(surface="bowl", name="sgd", lr=None, start=None, **kw) -> Racer:
    s = get_surface(surface)
    lr = s.suggested_lr[name] if lr is None else lr
    return Racer(s, make_optimizer(name, lr), s.start if start is None else start, **kw)


def run(r: Racer, n: int) -> Racer:
    for _ in range(n):
        r.step()
    return r


# -- Racer ----------------------------------------------------------------------------------------


def test_path_and_losses_grow_one_row_per_step():
    r = racer("rosenbrock")
    s = r.surface
    assert r.path.shape == (1, 2)
    assert tuple(r.path[0]) == s.start
    assert r.iteration == 0
    assert r.loss == pytest.approx(float(s.f(*s.start)))
    for k in range(1, 6):
        assert r.step() is True
        assert r.path.shape == (k + 1, 2)
        assert r.losses.shape == (k + 1,)
        assert r.iteration == k
        np.testing.assert_array_equal(r.path[-1], r.w)
        assert r.loss == r.losses[-1]
    np.testing.assert_allclose(r.losses, s.f(r.path[:, 0], r.path[:, 1]), rtol=1e-15)


def test_long_history_survives_buffer_growth():
    """Over 1,000 steps every row is the SGD step from the previous one, and its loss."""
    r = run(racer("rosenbrock", "sgd"), 1000)
    s, lr = r.surface, r.optimizer.lr
    assert r.status == RUNNING and r.path.shape == (1001, 2)
    P = r.path
    gx, gy = s.grad(P[:-1, 0], P[:-1, 1])
    np.testing.assert_allclose(P[1:, 0], P[:-1, 0] - lr * gx, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(P[1:, 1], P[:-1, 1] - lr * gy, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.losses, s.f(P[:, 0], P[:, 1]), rtol=1e-15)


def test_sgd_on_the_bowl_by_hand():
    """J = (w - 5)^2 per axis, lr 0.1: w - 5 shrinks by 1 - 2 * 0.1 = 0.8 every step."""
    r = run(racer("bowl", "sgd", lr=0.1), 10)
    k = np.arange(11)[:, None]
    want = 5.0 + 0.8**k * (np.array(r.surface.start) - 5.0)
    np.testing.assert_allclose(r.path, want, rtol=1e-13)


@pytest.mark.parametrize("name", ALL)
def test_converges_on_the_bowl_and_then_stops(name):
    r = racer("bowl", name)
    for _ in range(3000):
        if not r.step():
            break
    assert r.status == CONVERGED
    assert r.reason == ""
    np.testing.assert_allclose(r.w, [5.0, 5.0], atol=1e-4)
    n, w = r.iteration, r.w.copy()
    assert r.step() is False
    assert r.iteration == n
    np.testing.assert_array_equal(r.w, w)


def test_huge_lr_diverges_with_a_reason_and_stops_while_another_racer_goes_on():
    s = get_surface("bowl")
    wild = Racer(s, make_optimizer("sgd", 50.0), s.start, name="wild")
    calm = Racer(s, make_optimizer("sgd", 0.01), s.start, name="calm")
    for _ in range(5):
        wild.step()
        calm.step()
    assert wild.status == DIVERGED
    assert wild.reason
    assert calm.status == RUNNING
    n, path, w = wild.iteration, wild.path.copy(), wild.w.copy()
    for _ in range(20):
        assert wild.step() is False
        assert calm.step() is True
    assert wild.iteration == n
    np.testing.assert_array_equal(wild.path, path)
    np.testing.assert_array_equal(wild.w, w)
    assert calm.iteration == 25
    assert calm.loss < calm.losses[0]
    # the recorded history holds only finite points inside the surface's reach
    assert np.all(np.isfinite(wild.path)) and np.all(np.isfinite(wild.losses))


def test_diverged_reasons_tell_overflow_from_leaving():
    left = run(racer("bowl", "sgd", lr=10.0), 3)
    assert left.status == DIVERGED
    assert "domain" in left.reason
    overflow = run(racer("bowl", "sgd", lr=1e308), 3)
    assert overflow.status == DIVERGED
    assert "non-finite" in overflow.reason
    assert left.reason != overflow.reason


@pytest.mark.parametrize("name", ALL)
def test_same_seed_and_noise_give_identical_paths(name):
    a = run(racer("himmelblau", name, noise=0.5, seed=7), 60)
    b = run(racer("himmelblau", name, noise=0.5, seed=7), 60)
    np.testing.assert_array_equal(a.path, b.path)
    np.testing.assert_array_equal(a.losses, b.losses)


def test_different_seeds_give_different_paths():
    a = run(racer("himmelblau", noise=0.5, seed=1), 30)
    b = run(racer("himmelblau", noise=0.5, seed=2), 30)
    assert a.path.shape == b.path.shape
    assert not np.allclose(a.path[1:], b.path[1:])
    np.testing.assert_array_equal(a.path[0], b.path[0])


def test_tuple_seed_is_accepted_and_deterministic():
    a = run(racer("saddle", noise=0.3, seed=(3, 1)), 20)
    b = run(racer("saddle", noise=0.3, seed=(3, 1)), 20)
    np.testing.assert_array_equal(a.path, b.path)


def test_noise_zero_is_batch_descent_and_ignores_the_seed():
    a = run(racer("himmelblau", noise=0.0, seed=1), 40)
    b = run(racer("himmelblau", noise=0.0, seed=99), 40)
    np.testing.assert_array_equal(a.path, b.path)
    np.testing.assert_array_equal(a.last_grad, a.surface.grad(*a.path[-2]))


def test_noise_perturbs_the_gradient_with_the_right_size():
    noisy = racer("himmelblau", noise=0.5, seed=0)
    clean = run(racer("himmelblau", noise=0.0), 30)
    diffs = []
    for _ in range(400):
        g_true = noisy.grad.copy()
        noisy.step()
        diffs.append(noisy.last_grad - g_true)
    assert noisy.status == RUNNING  # a noisy racer never declares convergence
    assert not np.allclose(noisy.path[1:31], clean.path[1:])
    d = np.array(diffs)
    want = 0.5 * noisy.surface.grad_scale
    assert d.std(axis=0) == pytest.approx([want, want], rel=0.15)
    assert np.all(np.abs(d.mean(axis=0)) < 0.2 * want)


@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf")])
def test_bad_noise_raises(noise):
    with pytest.raises(ValueError, match="noise"):
        racer(noise=noise)


def test_reset_with_a_new_start_restarts():
    r = run(racer("himmelblau", "adam"), 25)
    assert r.optimizer.t == 25
    r.reset((1.0, -1.0))
    assert r.path.shape == (1, 2)
    np.testing.assert_array_equal(r.path[0], [1.0, -1.0])
    np.testing.assert_array_equal(r.w, [1.0, -1.0])
    assert r.iteration == 0
    assert r.status == RUNNING
    assert r.optimizer.t == 0 and r.optimizer.state == {}
    assert r.loss == pytest.approx(float(r.surface.f(1.0, -1.0)))
    np.testing.assert_allclose(r.grad, r.surface.grad(1.0, -1.0))
    # and it runs exactly like a fresh racer from there
    fresh = run(racer("himmelblau", "adam", start=(1.0, -1.0)), 25)
    run(r, 25)
    np.testing.assert_array_equal(r.path, fresh.path)


def test_reset_replays_the_same_noisy_path_and_revives_a_diverged_racer():
    r = run(racer("himmelblau", "momentum", noise=1.0, seed=5), 40)
    first = r.path.copy()
    r.reset()
    run(r, 40)
    np.testing.assert_array_equal(r.path, first)

    wild = run(racer("bowl", "sgd", lr=50.0), 3)
    assert wild.status == DIVERGED
    wild.optimizer.lr = 0.1
    wild.reset()
    assert wild.status == RUNNING and wild.reason == ""
    assert wild.step() is True


def test_racer_name_defaults_to_the_optimizer():
    assert racer(name="rmsprop").name == "rmsprop"
    s = get_surface("bowl")
    assert Racer(s, make_optimizer("adam", 0.1), s.start, name="mine").name == "mine"


# -- basin map ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_basin_map_on_himmelblau_finds_all_four_minima(name):
    s = get_surface("himmelblau")
    labels = basin_map(s, lambda: make_optimizer(name, s.suggested_lr[name]), n=21, steps=500)
    assert labels.shape == (21, 21)
    assert np.issubdtype(labels.dtype, np.integer)
    assert set(np.unique(labels)) == {0, 1, 2, 3}


def test_basin_map_is_indexed_y_then_x():
    """Grid point [iy, ix] is the start (xs[ix], ys[iy]); starts on a minimum stay there."""
    s = get_surface("himmelblau")
    n = 21  # a 0.5 grid over [-5, 5]: (3, 2) is a grid point
    labels = basin_map(s, lambda: make_optimizer("sgd", 0.005), n=n, steps=300)
    xs = np.linspace(-5, 5, n)
    ix, iy = int(np.argmin(abs(xs - 3.0))), int(np.argmin(abs(xs - 2.0)))
    assert labels[iy, ix] == 0
    # near each minimum (within one grid cell) the map names that minimum
    for k, (mx, my) in enumerate(s.minima):
        ix, iy = int(np.argmin(abs(xs - mx))), int(np.argmin(abs(xs - my)))
        assert labels[iy, ix] == k, (k, labels[iy, ix])


def test_basin_map_agrees_with_single_racers():
    s = get_surface("himmelblau")
    n = 11
    labels = basin_map(s, lambda: make_optimizer("momentum", 0.01), n=n, steps=500)
    xs = np.linspace(-5, 5, n)
    for iy, ix in [(0, 0), (2, 8), (9, 1), (5, 5), (10, 10), (7, 3)]:
        r = run(racer("himmelblau", "momentum", lr=0.01, start=(xs[ix], xs[iy])), 500)
        got = int(s.nearest_minimum(np.array(r.w[0]), np.array(r.w[1])))
        assert labels[iy, ix] == got


@pytest.mark.parametrize("surface, name, lr", [("himmelblau", "adam", None), ("beale", "momentum", None),
                                               ("himmelblau", "sgd", 0.03)])
def test_a_basin_map_in_blocks_is_the_map_in_one_piece(surface, name, lr):
    """Each block of starts has an optimizer of its own: every optimizer updates each coordinate
    on its own, so the labels are exactly those of all starts moved as one array (the last
    case diverges for some starts)."""
    s = get_surface(surface)
    make = lambda: make_optimizer(name, lr or s.suggested_lr[name])  # noqa: E731
    whole = basin_map(s, make, n=37, steps=300, dtype=np.float64, block=37 * 37)
    assert np.array_equal(basin_map(s, make, n=37, steps=300, dtype=np.float64, block=100), whole)
    if lr:
        assert np.any(whole == DIVERGED_LABEL) and np.any(whole >= 0)


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_float32_basin_maps_label_the_starts_as_float64_does(surface):
    """A built-in surface's basin map is computed in float32 (twice as fast); on every one, for
    every optimizer at its suggested α, it labels at least 99.9% of starts as float64 does."""
    s = get_surface(surface)
    assert basin_dtype(s) is np.float32
    for name in ALL:
        make = lambda name=name: make_optimizer(name, s.suggested_lr[name])  # noqa: E731
        fast = basin_map(s, make, n=60, steps=500)
        exact = basin_map(s, make, n=60, steps=500, dtype=np.float64)
        assert np.mean(fast == exact) >= 0.999, name


def test_a_typed_surface_keeps_float64_for_its_basin_map():
    assert basin_dtype(from_formula("x**2 + exp(y)")) is np.float64


def test_basin_map_absurd_lr_is_labelled_diverged():
    s = get_surface("himmelblau")
    labels = basin_map(s, lambda: make_optimizer("sgd", 5.0), n=15, steps=50)
    assert np.mean(labels == DIVERGED_LABEL) > 0.9


@pytest.mark.parametrize("surface", ["rosenbrock", "beale", "local_minima"])
def test_basin_map_diverged_label_on_other_surfaces(surface):
    s = get_surface(surface)
    labels = basin_map(s, lambda: make_optimizer("sgd", 1e3), n=9, steps=30)
    assert DIVERGED_LABEL in labels


def test_basin_map_still_moving_label():
    s = get_surface("himmelblau")
    labels = basin_map(s, lambda: make_optimizer("sgd", 1e-6), n=9, steps=3)
    # tiny steps: no start has reached a minimum it did not start on
    assert np.mean(labels == MOVING_LABEL) > 0.9
    assert DIVERGED_LABEL not in labels


def test_basin_map_bowl_is_one_basin():
    s = get_surface("bowl")
    labels = basin_map(s, lambda: make_optimizer("sgd", 0.1), n=12, steps=200)
    assert np.all(labels == 0)


def test_basin_map_uses_a_fresh_optimizer_and_float32_agrees():
    s = get_surface("himmelblau")
    made = []

    def make():
        made.append(make_optimizer("adam", 0.1))
        return made[-1]

    a = basin_map(s, make, n=31, steps=300)
    b = basin_map(s, make, n=31, steps=300, dtype=np.float32)
    assert len(made) == 2 and made[0].t == 300
    assert b.shape == (31, 31)
    assert np.mean(a == b) > 0.97


# -- momentum (alpha, beta) map -------------------------------------------------------------------


def momentum_spectral_radius(alpha: float, beta: float, curvatures=RAVINE_CURVATURES) -> float:
    """Spectral radius of the notes' momentum on a quadratic, slowest eigen-direction.

    Along an eigen-direction of curvature lam the gradient is lam * w, so
        v' = beta * v + (1 - beta) * lam * w
        w' = w - alpha * v' = -alpha * beta * v + (1 - alpha * (1 - beta) * lam) * w
    i.e. (v', w') = M (v, w) with M = [[beta, (1-beta) lam], [-alpha beta, 1 - alpha (1-beta) lam]].
    The error shrinks like max |eig(M)| per step; the slowest direction dominates.
    """
    rho = 0.0
    for lam in curvatures:
        M = np.array([[beta, (1 - beta) * lam], [-alpha * beta, 1 - alpha * (1 - beta) * lam]])
        rho = max(rho, float(np.max(np.abs(np.linalg.eigvals(M)))))
    return rho


def test_spectral_radius_helper_by_hand():
    # beta = 0 is gradient descent: max |1 - alpha lam|
    curv = (1.0, 25.0)
    assert momentum_spectral_radius(0.05, 0.0, curv) == pytest.approx(max(0.95, abs(1 - 0.05 * 25)))
    # det M = beta, so with complex eigenvalues the radius is sqrt(beta)
    assert momentum_spectral_radius(0.2, 0.5, curv) == pytest.approx(np.sqrt(0.5))


def test_momentum_rate_map_shape_and_orientation():
    s = get_surface("ravine")
    alphas = np.array([0.02, 0.07, 0.2, 0.5, 1.2])
    betas = np.array([0.0, 0.5, 0.9])
    rates = momentum_rate_map(s, alphas, betas, steps=100)
    assert rates.shape == (len(betas), len(alphas))
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            one = momentum_rate_map(s, [a], [b], steps=100)
            assert one.shape == (1, 1)
            assert rates[i, j] == pytest.approx(one[0, 0], rel=1e-12) or (
                np.isinf(rates[i, j]) and np.isinf(one[0, 0])
            )
    assert np.all(rates > 0)


def test_momentum_rate_map_matches_single_racers():
    """The vectorized batch moves each pair exactly as one momentum racer would."""
    s = get_surface("ravine")
    a, b, steps = 0.07, 0.8, 50
    rate = momentum_rate_map(s, [a], [b], steps=steps)[0, 0]
    r = Racer(s, make_optimizer("momentum", a, beta=b), s.start)
    run(r, steps)
    j0, jT = float(s.f(*s.start)) - s.f_min, r.loss - s.f_min
    assert rate == pytest.approx((jT / j0) ** (1 / steps), rel=1e-9) or rate == pytest.approx(
        (jT / j0) ** (1 / (2 * steps)), rel=1e-9
    )


def test_momentum_rate_is_the_spectral_radius_on_the_ravine():
    """Goh's "Why Momentum Works" rate: the factor by which the error w - w* shrinks per step.

    For beta = 0.5, alpha = 0.2 both directions have complex eigenvalues and the rate is
    sqrt(beta) = 0.707; the loss J - J*, being quadratic in w - w*, shrinks by its square (0.5).
    """
    pairs = [(0.05, 0.0), (0.02, 0.3), (0.2, 0.5), (0.07, 0.8), (0.1, 0.9)]
    s = get_surface("ravine")
    wrong = []
    for alpha, beta in pairs:
        rate = float(momentum_rate_map(s, [alpha], [beta], steps=200)[0, 0])
        rho = momentum_spectral_radius(alpha, beta)
        if abs(rate - rho) > 0.01:
            wrong.append(f"alpha={alpha} beta={beta}: rate {rate:.4f}, spectral radius {rho:.4f}")
    assert not wrong, "; ".join(wrong)


def test_momentum_rate_map_converges_exactly_where_theory_says():
    s = get_surface("ravine")
    alphas = np.linspace(0.01, 1.5, 16)
    betas = np.linspace(0.0, 0.95, 12)
    rates = momentum_rate_map(s, alphas, betas, steps=200)
    checked = 0
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            rho = momentum_spectral_radius(a, b)
            if abs(rho - 1.0) < 0.05:
                continue  # too close to the edge to tell in 200 steps
            checked += 1
            assert (rates[i, j] < 1.0) == (rho < 1.0), (a, b, rho, rates[i, j])
    assert checked > 150
    # momentum widens the range of stable learning rates: alpha = 0.1 diverges without it
    assert momentum_rate_map(s, [0.1], [0.0])[0, 0] >= 1.0
    assert momentum_rate_map(s, [0.1], [0.9])[0, 0] < 1.0


def test_momentum_rate_map_diverging_pairs_are_inf_or_at_least_1():
    s = get_surface("ravine")
    rates = momentum_rate_map(s, [0.5, 1.0, 5.0, 50.0], [0.0, 0.3], steps=200)
    assert np.all((rates >= 1.0) | np.isinf(rates))
    assert not np.any(np.isnan(rates))
    assert np.isinf(rates).any()  # the absurd ones overflow


def test_momentum_rate_map_on_other_surfaces_and_starts():
    s = SURFACES["bowl"]
    # on the bowl (curvature 2) with beta = 0, w - 5 shrinks by |1 - 2 alpha|
    rates = momentum_rate_map(s, [0.1, 0.25], [0.0], steps=50, start=(1.0, 2.0))
    assert rates.shape == (1, 2)
    assert np.all(rates < 1.0)
    assert rates[0, 1] < rates[0, 0]  # 0.5 per step beats 0.8 per step


# -- what the lab reads from a racer --------------------------------------------------------------


def test_gaps_are_the_loss_above_the_minimum_floored():
    r = run(racer("bowl", "sgd", lr=0.5), 3)  # lr 0.5 lands on the minimum in one step
    np.testing.assert_allclose(r.gaps[0], r.losses[0] - r.surface.f_min)
    assert np.all(r.gaps[1:] == GAP_FLOOR)


def test_outcome_tells_a_minimum_from_a_saddle():
    r = racer("bowl", "sgd", lr=0.1)
    assert r.outcome == RUNNING
    while r.step():
        pass
    assert r.status == CONVERGED and r.outcome == CONVERGED
    stuck = racer("saddle", "sgd", lr=0.1, start=(-2.2, 0.0))
    while stuck.step():
        pass
    assert stuck.status == CONVERGED and stuck.outcome == STUCK
    wild = run(racer("bowl", "sgd", lr=50.0), 3)
    assert wild.outcome == DIVERGED


@pytest.mark.parametrize("name", ALL)
def test_narrate_computes_the_next_update_without_moving_the_racer(name):
    r = run(racer("himmelblau", name, noise=0.3, seed=4), 3)
    before = r.path.copy()
    n = narrate(r)
    np.testing.assert_array_equal(r.path, before)  # the racer itself did not move
    assert r.optimizer.t == 3 and n["t"] == 4
    assert n["stages"] == OPTIMIZERS[name].stages and n["index"] == 0 and not n["done"]
    np.testing.assert_array_equal(n["w"], r.w)
    r.step()  # the real step, with the same noise draw
    np.testing.assert_allclose(n["w_next"], r.w)
    np.testing.assert_allclose(n["values"]["update"], r.last_step)
    np.testing.assert_allclose(n["values"]["dW"], r.last_grad)
    assert n["alpha"] == r.optimizer.alpha
    assert set(n["values"]) == set(OPTIMIZERS[name].state_names)


def test_narrate_refuses_a_stopped_racer():
    wild = run(racer("bowl", "sgd", lr=50.0), 3)
    with pytest.raises(ValueError, match="stopped"):
        narrate(wild)


def test_explained_update_before_and_after_steps_and_narrated():
    r = racer("himmelblau", "momentum")
    w, g, step = explained_update(r)
    np.testing.assert_array_equal(w, r.w)
    np.testing.assert_array_equal(g, r.grad)
    assert step is None
    run(r, 2)
    w, g, step = explained_update(r)
    np.testing.assert_array_equal(w, r.path[-2])
    np.testing.assert_array_equal(g, r.last_grad)
    np.testing.assert_allclose(w + step, r.w)
    n = narrate(r)
    w, g, step = explained_update(r, n)
    np.testing.assert_array_equal(g, n["values"]["dW"])
    assert step is None  # the "step" stage is not reached yet
    n["index"] = len(n["stages"]) - 1
    _, _, step = explained_update(r, n)
    np.testing.assert_allclose(n["w"] + step, n["w_next"])


def test_basin_shares_count_every_label():
    labels = np.array([[0, 0, 1, 3], [DIVERGED_LABEL, MOVING_LABEL, 0, 0]])
    shares = basin_shares(labels, 4)
    assert list(shares) == [0, 1, 2, 3, DIVERGED_LABEL, MOVING_LABEL]
    assert shares[0] == 0.5 and shares[1] == shares[3] == 0.125 and shares[2] == 0.0
    assert shares[DIVERGED_LABEL] == shares[MOVING_LABEL] == 0.125
    assert sum(shares.values()) == pytest.approx(1.0)
