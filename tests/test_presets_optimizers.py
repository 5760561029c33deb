"""Every optimizer preset's claim, measured: each preset is loaded through the controller, run
through the engine, and its claim checked with a number (sign flips across the valley, iterations
to converge, the first step's size, the distance to the minimum).

``CLAIMS`` names every preset (``test_every_lab.py`` checks that none is missing)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.critical_points import sections
from simulator.racing import CONVERGED, STUCK, basin_map, basin_shares
from ui.labs import entry_for

PRESETS = {p["name"]: p for p in entry_for("optimizers").presets()}


def loaded(make_controller, name: str):
    lab = make_controller("optimizers")
    assert lab.load(PRESETS[name]["settings"]), name
    return lab


def run_until_stopped(lab, limit: int) -> None:
    for _ in range(limit // 50):
        if not lab.race.running:
            return
        lab.run(50)


def converged_at(racer) -> int:
    assert racer.status == CONVERGED, (racer.name, racer.status)
    return racer.iteration


def cross_valley(path: np.ndarray) -> np.ndarray:
    """The coordinate across the ravine (its valley runs at 30 degrees)."""
    return -np.sin(np.pi / 6) * path[:, 0] + np.cos(np.pi / 6) * path[:, 1]


def ravine(lab) -> None:
    run_until_stopped(lab, 3000)
    sgd, mom = lab.racers["sgd"], lab.racers["momentum"]
    flips = {n: np.mean(np.diff(np.sign(np.diff(cross_valley(r.path[:101])))) != 0)
             for n, r in (("sgd", sgd), ("momentum", mom))}
    assert flips["sgd"] > 0.95  # SGD's step across the valley changes sign at every iteration
    assert flips["momentum"] < 0.25  # momentum's seldom does: it glides
    assert converged_at(mom) < 0.85 * converged_at(sgd)


def saddle_stuck(lab) -> None:
    run_until_stopped(lab, 5000)
    assert set(lab.racers) == {"sgd", "momentum", "adam"}
    for r in lab.racers.values():
        assert r.outcome == STUCK and np.hypot(*r.w) < 1e-3, r.name


def saddle_noise(lab) -> None:
    lab.run(600)
    for r in lab.racers.values():
        assert abs(abs(r.w[1]) - 1.0) < 0.2, (r.name, r.w)  # near a minimum at w2 = ±1


def plateau(lab) -> None:
    lab.run(1500)

    def reached(name: str) -> int:
        d = np.hypot(*lab.racers[name].path.T)
        assert (d < 1.0).any(), name
        return int(np.argmax(d < 1.0))

    slow = min(reached("sgd"), reached("momentum"))
    assert max(reached("rmsprop"), reached("adam")) * 10 < slow


def local_minimum(lab) -> None:
    run_until_stopped(lab, 3000)
    kinds = {n: r.minimum_kind for n, r in lab.racers.items()}
    assert kinds == {"sgd": "local", "momentum": "global", "rmsprop": "local", "adam": "local"}


def decay(lab) -> None:
    lab.run(1000)
    decayed, constant = lab.racers["sgd"], lab.racers["sgd_b"]
    assert constant.optimizer.alpha == lab.settings.hyper["sgd"]["lr"] > decayed.optimizer.alpha
    spread = {r.name: np.hypot(*(r.path[-300:] - 5.0).T).mean() for r in (decayed, constant)}
    assert spread["sgd"] * 3 < spread["sgd_b"]


def rosenbrock(lab) -> None:
    lab.run(5000)
    assert converged_at(lab.racers["adam"]) < 5000
    for name in ("sgd", "momentum"):
        assert lab.racers[name].status != CONVERGED
        assert np.hypot(*(lab.racers[name].w - 1.0)) > np.hypot(*(lab.racers["adam"].w - 1.0))


def himmelblau(lab) -> None:
    make = lab.settings.optimizer_spec(lab.settings.selected).build
    shares = basin_shares(basin_map(lab.surface, make, n=40, steps=500), 4)
    assert all(shares[i] > 0.1 for i in range(4)), shares


def adam_bias(lab) -> None:
    lab.run(1)
    corrected, raw = lab.racers["adam"], lab.racers["adam_b"]
    assert corrected.optimizer.hyper["bias_correction"] and not raw.optimizer.hyper["bias_correction"]
    ratio = np.abs(raw.last_step) / np.abs(corrected.last_step)
    assert ratio == pytest.approx((1 - 0.9) / np.sqrt(1 - 0.999), rel=1e-3)
    assert raw.losses[1] > raw.losses[0] and corrected.losses[1] < corrected.losses[0]


def momentum_betas(lab) -> None:
    run_until_stopped(lab, 3000)
    high, low = lab.racers["momentum"], lab.racers["momentum_b"]
    assert high.optimizer.hyper["beta"] == 0.9 and low.optimizer.hyper["beta"] == 0.5
    flips = {r.name: np.mean(np.diff(np.sign(np.diff(cross_valley(r.path[:101])))) != 0)
             for r in (high, low)}
    assert flips["momentum"] * 2 < flips["momentum_b"]
    assert converged_at(high) < converged_at(low)


def notes_bowl(lab) -> None:
    run_until_stopped(lab, 2000)
    sgd = lab.racers["sgd"]
    assert abs(sgd.w[0] - 5.0) < 1e-4 and sgd.minimum_kind == "global"
    assert np.all(sgd.path[:, 1] == 5.0)  # it never leaves the line: one-dimensional descent
    w = sgd.path[:, 0]
    assert np.allclose(sgd.losses, w**2 - 10 * w + 25)  # the notes' J(w) along the way
    assert np.allclose(np.diff(w), -0.1 * (2 * w[:-1] - 10))  # w := w − α·dJ/dw
    cut = sections(lab.surface)
    assert np.allclose(cut["along_w1"], cut["w1"] ** 2 - 10 * cut["w1"] + 25)


def typed_double_well(lab) -> None:
    assert lab.surface.name == "formula" and lab.surface.formula == "(x**2 - 1)**2 + 0.3*x + y**2"
    assert lab.surface.kinds == ("global", "local")  # found from the formula: left well deeper
    run_until_stopped(lab, 3000)
    sgd, mom = lab.racers["sgd"], lab.racers["momentum"]
    converged_at(sgd), converged_at(mom)
    assert sgd.minimum_kind == "local" and sgd.w[0] == pytest.approx(0.96, abs=0.01)
    assert mom.minimum_kind == "global" and mom.w[0] == pytest.approx(-1.04, abs=0.01)
    assert sgd.path[:, 0].min() > 0.5  # SGD never came near the ridge at w1 = 0
    assert sgd.loss - mom.loss == pytest.approx(0.6, abs=0.05)


CLAIMS = {
    "Ravine: SGD zig-zags, momentum glides": ravine,
    "Saddle point: stuck without noise": saddle_stuck,
    "Saddle point: noise escapes": saddle_noise,
    "Plateau: adaptive steps cross the flat": plateau,
    "Local minimum in 2-D: momentum rolls through": local_minimum,
    "Learning-rate decay settles tighter than constant α": decay,
    "Rosenbrock: the long curved valley": rosenbrock,
    "Himmelblau: where you start decides": himmelblau,
    "Adam with and without bias correction": adam_bias,
    "The notes' bowl: J(w) = w² − 10w + 25": notes_bowl,
    "Momentum: β = 0.9 against β = 0.5": momentum_betas,
    "Typed double well: local or global minimum": typed_double_well,
}


def test_every_preset_has_a_claim():
    assert set(CLAIMS) == set(PRESETS)


@pytest.mark.parametrize("name", CLAIMS)
def test_preset_claim_holds(make_controller, name):
    CLAIMS[name](loaded(make_controller, name))
