"""Each batch-norm preset's claim, measured: loaded through the controller as the preset menu
loads it, run by the engine (the twin experiment), and checked with the quantity the claim
names."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.batchnorm.lessons import shift_size
from ui.labs import entry_for

PRESETS = {p["name"]: p for p in entry_for("batchnorm").presets()}


@pytest.fixture
def load(make_controller):
    """load(name) -> the batch-norm controller with the preset in force."""

    def make(name: str):
        lab = make_controller("batchnorm")
        assert lab.load(PRESETS[name]["settings"]), name
        return lab

    return make


def run_epochs(lab, epochs: int) -> None:
    e = lab.experiment
    while e.bn.epoch < epochs:
        lab.run(1)


def first_epoch_below(losses: list[float], level: float) -> int | None:
    return next((k for k, v in enumerate(losses) if v < level), None)


def test_twins_batch_norm_speeds_training(load):
    lab = load("Twins: batch norm speeds training")
    run_epochs(lab, 25)
    bn, plain = lab.experiment.bn.history, lab.experiment.plain.history
    assert first_epoch_below(bn.train_loss, 0.3) <= 25
    assert min(plain.train_loss) > 0.5


def test_covariate_shift_batch_norm_holds_the_distribution(load):
    lab = load("Covariate shift: batch norm holds the distribution")
    lab.run(800)
    moments = lab.experiment.moments
    assert moments.iterations == [0, 50, 200, 800]
    assert shift_size(moments.plain) > 3 * shift_size(moments.bn)


def test_batch_of_one_at_test_time(load):
    lab = load("Batch of one at test time")
    run_epochs(lab, 40)
    e = lab.experiment
    assert e.test_accuracy("ewa") > 0.9
    assert e.test_accuracy("single") == pytest.approx(1 / 3, abs=0.02)
    table = e.test_time_table(0, 0, 0)
    assert table["modes"]["single"]["z_tilde"] == pytest.approx(table["beta"])


def scatter(name: str, load, iterations: int = 100) -> dict[str, float]:
    """How far the watched unit's mini-batch μ and its EWA stray from the population μ."""
    lab = load(name)
    lab.run(iterations)
    e = lab.experiment
    pop = e.snapshot_series("pop_mean", 0, 0)
    its = e.snap.iteration.data[:, 0].astype(int)
    at = its[its > 0] - 1  # the snapshot after batch t sits beside record t - 1
    batch = e.series("batch_mean", 0, 0)[at] - pop[its > 0]
    ewa = e.series("ewa_mean_corrected", 0, 0)[at] - pop[its > 0]
    return {"batch": float(np.std(batch)), "ewa": float(np.std(ewa[10:]))}


def test_small_mini_batch_noisy_statistics(load):
    small = scatter("Small mini-batch: noisy statistics", load)
    large = scatter("Large mini-batch: smooth statistics", load)
    assert small["batch"] > 5 * large["batch"]
    assert small["ewa"] < 0.5 * small["batch"]


def test_large_mini_batch_smooth_statistics(load):
    lab = load("Large mini-batch: smooth statistics")
    assert lab.settings.batch_size == 128
    assert scatter("Large mini-batch: smooth statistics", load)["batch"] < 0.2 * scatter(
        "Small mini-batch: noisy statistics", load)["batch"]


def test_bns_noise_shrinks_with_the_mini_batch_size(load):
    lab = load("BN's noise shrinks with the mini-batch size")
    lab.run(200)
    noise = lab.experiment.batch_noise(lab.layer, lab.unit)
    std = dict(zip(noise["sizes"].tolist(), noise["std"], strict=True))
    assert std[8] > 3 * std[128]
    assert all(np.diff(noise["std"][1:]) < 0.05)  # falling with m, give or take the draws


@pytest.mark.parametrize("name, corrected", [
    ("Slow EWA without bias correction", False),
    ("Slow EWA with bias correction", True),
])
def test_slow_ewa_with_and_without_bias_correction(load, name, corrected):
    lab = load(name)
    assert lab.momentum == 0.99 and lab.corrected is corrected
    lab.run(10)
    e = lab.experiment
    suffix = "_corrected" if lab.corrected else ""
    ewa = e.series("ewa_var" + suffix, 0, 0)[-1]
    batch = np.mean(e.series("batch_var", 0, 0))
    if corrected:
        assert abs(ewa / batch - 1) < 0.3
    else:
        assert ewa / batch == pytest.approx(1 - 0.99**10, abs=0.05)
