"""Exponentially weighted averages, the notes' way: v_t = β v_{t−1} + (1 − β) θ_t from v_0 = 0,
which averages roughly the last 1/(1 − β) values; bias-corrected, v_t / (1 − β^t), which removes
the slow start from 0. The lecture's example is a year of noisy daily temperatures; momentum's
v_dW is the same average, of the gradients.
"""

from __future__ import annotations

import numpy as np

from .validation import check_array, check_bool, check_int, check_range

BETAS = (0.5, 0.9, 0.98)  # the curves the optimizer lab's EWA tab draws
DAYS = 365


def daily_temperatures(days: int = DAYS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(the seasonal curve, the noisy daily readings) of one year in °F, as in the lecture: about
    40 °F on day 1, a summer peak near 78 °F at day 200, and day-to-day noise of 6 °F drawn from
    ``seed``."""
    days = check_int("days", days, 2, 100_000)
    t = np.arange(1, days + 1)
    season = 58.0 - 20.0 * np.cos(2 * np.pi * (t - 20) / 365.0)
    rng = np.random.default_rng(check_int("seed", seed, 0, None))
    return season, season + 6.0 * rng.standard_normal(days)


def ewa(values, beta: float, corrected: bool = False) -> np.ndarray:
    """v_1 … v_n of ``values`` (θ_1 … θ_n) for ``beta`` in [0, 1); divided by 1 − β^t if
    ``corrected``. Also per column for a 2-D array (n, k)."""
    beta = float(check_range("beta", beta, 0.0, 1.0, high_open=True))
    corrected = check_bool("corrected", corrected)
    theta = check_array("values", values)
    if theta.ndim == 0:
        raise ValueError(f"values must be a sequence of numbers θ_1 … θ_n, got one number {float(theta):g}")
    v = np.empty_like(theta)
    acc = np.zeros(theta.shape[1:])
    for i, x in enumerate(theta):
        acc = beta * acc + (1.0 - beta) * x
        v[i] = acc
    if corrected:
        t = np.arange(1, len(theta) + 1).reshape(-1, *([1] * (theta.ndim - 1)))
        v = v / (1.0 - beta**t)
    return v


def window(beta: float) -> float:
    """How many values the average spans, roughly: 1 / (1 − β)."""
    return 1.0 / (1.0 - float(check_range("beta", beta, 0.0, 1.0, high_open=True)))


def roughness(v: np.ndarray) -> float:
    """How jagged a curve is: the standard deviation of its day-to-day change."""
    return float(np.std(np.diff(np.asarray(v, dtype=float))))


def lag(v: np.ndarray, season: np.ndarray, most: int = 120) -> int:
    """The delay, in days, at which the average best matches the seasonal curve (from day
    ``most`` on, past the start-up): how far the average runs behind the truth."""
    v, season = np.asarray(v, dtype=float), np.asarray(season, dtype=float)
    errors = [np.mean(np.abs(v[most:] - season[most - k: len(season) - k])) for k in range(most)]
    return int(np.argmin(errors))


FIRST = 200  # the iterations of a racer whose gradients the EWA tab averages


def gradient_average(racer, beta: float = 0.9, first: int = FIRST) -> dict:
    """A racer's first iterations as the EWA tab shows them: dW (the gradient at each position,
    in the coordinate where it swings most) and its EWA v (uncorrected, from 0, as momentum keeps
    it). For a momentum racer its own β is used, and ``from_steps`` is its v_dW read back from its
    steps, v_t = (w_{t−1} − w_t) / α_t: the same numbers, when the gradients have no noise."""
    path, steps = racer.path[: first + 1], racer.steps[: first + 1]
    n = next((i for i in range(len(steps)) if steps[i] != i), len(steps))  # before any thinning
    path = path[:n]
    out = {"iteration": np.arange(1, max(n, 1)), "dW": np.empty(0), "v": np.empty(0),
           "from_steps": None, "component": 0, "beta": float(beta)}
    if n < 2:
        return out
    gx, gy = racer.surface.grad(path[:-1, 0], path[:-1, 1])
    g = np.stack([np.asarray(gx, dtype=float), np.asarray(gy, dtype=float)], axis=1)
    k = int(np.argmax(np.std(g, axis=0)))
    opt = racer.optimizer
    momentum = opt.name == "momentum"
    beta = float(opt.hyper["beta"]) if momentum else float(beta)
    out.update(dW=g[:, k], v=ewa(g[:, k], beta), component=k, beta=beta)
    if momentum:
        alphas = np.array([float(opt.learning_rate(t)) for t in range(1, n)])
        out["from_steps"] = (path[:-1, k] - path[1:, k]) / alphas
    return out


__all__ = ["BETAS", "DAYS", "FIRST", "daily_temperatures", "ewa", "window", "roughness", "lag",
           "gradient_average"]
