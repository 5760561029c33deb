"""Each tuning preset's claim, measured: the preset is loaded through the controller and run
through the engine, as a class would run it (Play, Zoom on the best, a change of α)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.tuning.space import distinct_counts
from ui.labs import entry_for


def draws_of(lab):
    """The Scale lesson's draws (``ScaleRun``)."""
    return lab.lessons["scale"].run


def scale_settings(lab):
    return lab.lessons["scale"].settings


def load(make_controller, name: str):
    presets = {p["name"]: p for p in entry_for("tuning").presets()}
    lab = make_controller("tuning")
    assert lab.load(presets[name]["settings"]), name
    return lab


def log_shares(lab) -> np.ndarray:
    return np.array([row["log"]["share"] for row in draws_of(lab).decade_table("alpha")])


def alpha_log_scale(lab, qtbot) -> None:
    lab.run(50)
    top = draws_of(lab).decade_table("alpha")[0]
    assert top["range"] == (0.1, 1.0)
    assert 0.85 < top["uniform"]["share"] < 0.95 and 0.2 < top["log"]["share"] < 0.3


def beta_near_one(lab, qtbot) -> None:
    lab.run(50)
    rows = draws_of(lab).decade_table("beta")
    below = next(r for r in rows if r["range"] == (0.9, 0.99))
    assert 0.85 < below["uniform"]["share"] < 0.95 and 0.28 < below["log"]["share"] < 0.39


def narrow_range(lab, qtbot) -> None:
    lab.run(50)
    u, g = draws_of(lab).values("alpha", "uniform"), draws_of(lab).values("alpha", "log")
    assert abs(np.median(u) - np.median(g)) < 0.005


def few_draws(lab, qtbot) -> None:
    lab.run(5)
    assert draws_of(lab).done and draws_of(lab).drawn == 100
    few = np.abs(log_shares(lab)[:4] - 0.25).max()
    assert lab.configure("scale", draws=1000)
    lab.run(50)
    many = np.abs(log_shares(lab)[:4] - 0.25).max()
    assert few > many and few > 0.03


def random_beats_grid(lab, qtbot) -> None:
    lesson = lab.lessons["search"]
    lab.run(20)  # Step: every trial of both searches trains its 20 epochs
    assert lesson.done
    names = lesson.settings.names
    grid = distinct_counts([t.params for t in lesson.trials["grid"]], names)
    rand = distinct_counts([t.params for t in lesson.trials["random"]], names)
    assert grid["lr"] == 5 and rand["lr"] == 25 and len(lesson.trials["grid"]) == 25
    best = {m: max(t.score for t in ts) for m, ts in lesson.trials.items()}
    assert best["random"] > best["grid"]


def coarse_to_fine(lab, qtbot) -> None:
    lesson = lab.lessons["coarse"]
    lab.run(20)
    assert lesson.done and lab.act("coarse", "zoom_on_best")
    assert lab.act("coarse", "resample")  # adds round 2, and Play trains it in the worker
    assert lab.searching
    qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    r1, r2 = lesson.groups["round 1"], lesson.groups["round 2"]
    assert len(r1) == len(r2) == 16
    assert np.mean([t.score for t in r2]) > np.mean([t.score for t in r1])
    assert max(t.score for t in r2) > max(t.score for t in r1)


def caviar(lab, qtbot) -> None:
    lesson = lab.lessons["caviar"]
    lab.run(60)
    assert lesson.done and len(lesson.all_trials()) == 64
    best = lesson.best()
    assert 0.01 <= best.params["lr"] <= 0.5
    small = [t.score for t in lesson.all_trials() if t.params["lr"] < 1e-3]
    assert small and max(small) <= best.score - 0.20


def panda(lab, qtbot) -> None:
    lesson = lab.lessons["panda"]
    lab.run(30)
    at_30 = lesson.trial.score
    assert lab.configure("panda", lr=0.01)
    lab.run(30)
    assert lesson.trial.marks == [(30, {"lr": 0.01})]
    assert at_30 < 0.6 and lesson.trial.score > 0.8
    assert lab.load(entry_for("tuning").presets()[7]["settings"])  # untouched: it crawls
    lab.run(60)
    assert lab.lessons["panda"].trial.score < 0.6


def halving(lab, qtbot) -> None:
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    result = lab.lessons["halving"].result
    assert [len(r.indices) for r in result.rounds] == [27, 9, 3, 1]
    assert result.rounds[-1].epochs == 54 and result.spent == 162 == 27 * 54 // 9


CLAIMS = {
    "Learning rate α on a log scale": alpha_log_scale,
    "β close to 1: draw 1 − β on a log scale": beta_near_one,
    "A narrow range: the scale matters less": narrow_range,
    "Few draws: noisy shares": few_draws,
    "Random beats grid": random_beats_grid,
    "Coarse to fine": coarse_to_fine,
    "Caviar: 64 learning rates at once": caviar,
    "Panda: α too small, then raised": panda,
    "Successive halving: a ninth of the budget": halving,
}


def test_every_preset_has_a_claim_here():
    assert sorted(p["name"] for p in entry_for("tuning").presets()) == sorted(CLAIMS)


@pytest.mark.parametrize("name", list(CLAIMS))
def test_claim(qtbot, make_controller, name):
    lab = load(make_controller, name)
    assert lab.lesson_key == entry_for("tuning").presets()[list(CLAIMS).index(name)]["settings"]["lesson"]
    CLAIMS[name](lab, qtbot)
