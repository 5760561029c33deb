"""The batch-norm lab's controller, without a page: settings, messages, saved state, presets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.batchnorm import default_settings
from ui.labs import entry_for


@pytest.fixture
def lab(make_controller):
    return make_controller("batchnorm")


def messages(lab) -> tuple[list[str], list[str]]:
    errors, notes = [], []
    lab.error.connect(errors.append)
    lab.message.connect(notes.append)
    return errors, notes


def test_defaults_and_speed(lab):
    assert lab.key == "batchnorm" and lab.MAX_SPEED == 50 and lab.speed == lab.DEFAULT_SPEED == 2
    assert lab.settings == default_settings() and lab.momentum == 0.9
    assert (lab.layer, lab.unit, lab.corrected) == (0, 0, True)
    lab.set_speed(500)
    assert lab.speed == 50


def test_momentum_outside_the_range_is_refused_with_a_message(qtbot, lab):
    errors, _ = messages(lab)
    with qtbot.waitSignal(lab.settings_changed):  # the widgets are put back
        assert lab.set_momentum(1.0) is False
    assert "EWA momentum" in errors[-1] and "[0.5, 0.999]" in errors[-1] and "β" not in errors[-1]
    assert lab.momentum == 0.9
    assert lab.set_momentum(float("nan")) is False and lab.momentum == 0.9
    assert lab.set_momentum(0.99) is True
    assert all(bn.momentum == 0.99 for bn in lab.experiment.model.bn_layers)


def test_larger_momentum_gives_a_smoother_ewa(lab):
    rough_smooth = []
    for momentum in (0.5, 0.99):
        lab.set_momentum(momentum)
        lab.reset()
        lab.run(80)
        rough_smooth.append(lab.experiment.series("ewa_mean_corrected", 0, 0))
    rough, smooth = rough_smooth
    assert not np.allclose(rough, smooth)
    assert np.std(np.diff(smooth)) < 0.5 * np.std(np.diff(rough))


def test_mini_batch_notes(lab):
    errors, notes = messages(lab)
    assert lab.set_batch_size(1)
    assert "z̃ = β" in notes[-1]
    lab.run(20)
    assert np.all(lab.experiment.records["batch_var"].data == 0.0)
    assert lab.set_batch_size(512) and "batch gradient descent" in notes[-1]
    assert lab.set_batch_size(32) and notes[-1] == ""
    assert not lab.set_batch_size(1024) and "mini-batch size must be in [1, 512]" in errors[-1]
    assert lab.settings.batch_size == 32


def test_hidden_layers_as_text(lab):
    errors, _ = messages(lab)
    lab.watch(1, 12)
    assert not lab.set_hidden("16, x") and "whole numbers" in errors[-1]
    assert lab.settings.hidden == [16, 16]
    assert lab.set_hidden("8, 8, 8") and lab.experiment.units == [8, 8, 8]
    assert (lab.layer, lab.unit) == (1, 7)  # the watched unit clipped to what exists
    assert not lab.set_hidden("") and "at least one hidden layer" in errors[-1]
    assert not lab.set_hidden("99") and "[1, 64]" in errors[-1]
    assert lab.experiment.units == [8, 8, 8]


def test_watch_clips_and_the_test_time_settings_wrap_or_clamp(lab):
    lab.watch(5, 99)
    assert (lab.layer, lab.unit) == (1, 15)
    lab.watch(-1, -1)
    assert (lab.layer, lab.unit) == (0, 0)
    lab.set_example(lab.n_test + 2)
    assert lab.example_index == 2
    lab.next_example()
    assert lab.example_index == 3
    lab.set_test_batch_size(0)
    assert lab.test_batch_size == 1


def test_settings_are_the_old_state_and_old_states_load(lab, make_controller):
    lab.set_momentum(0.95)
    lab.set_corrected(False)
    lab.watch(1, 2)
    s = lab.settings_dict()
    assert s == {**lab.settings.to_dict(), "corrected": False, "watch": [1, 2]}
    other = make_controller("batchnorm")
    assert other.load(json.loads(json.dumps(s)))  # as saved before states had versions
    assert other.settings_dict() == s and other.momentum == 0.95
    # A setup naming only a few settings: the rest are the lab's defaults.
    assert other.load({"hidden": [8, 8], "bn_momentum": 0.9, "watch": [1, 7]})
    assert other.settings.dataset == "spiral" and other.settings.hidden == [8, 8]
    assert (other.layer, other.unit) == (1, 7)


@pytest.mark.parametrize("bad, words", [
    ({"bn_momentum": 1.0}, "EWA momentum"),
    ({"corrected": "yes"}, "corrected"),
    ({"watch": [1]}, "watch"),
    ({"hidden": []}, "hidden layer"),
    ({"colour": "red"}, "unknown classifier setting"),
])
def test_a_bad_state_changes_nothing(lab, bad, words):
    errors, _ = messages(lab)
    lab.run(3)
    before = lab.settings_dict()
    assert not lab.load(bad)
    assert words in errors[-1] and lab.settings_dict() == before and lab.iteration == 3


def test_a_diverged_run_is_reported_once_and_both_diverged_refuses_to_play(lab):
    errors, _ = messages(lab)
    lab.configure(activation="relu", lr=50.0)
    lab.run(100)
    assert sum("The run with BN diverged" in e for e in errors) == 1
    assert lab.experiment.bn.status == "diverged"


def test_timer_plays_and_pauses(qtbot, lab):
    lab.play()
    assert lab.running and lab.timer.isActive()
    qtbot.waitUntil(lambda: lab.iteration >= 4, timeout=5000)
    lab.pause()
    assert not lab.timer.isActive()
    n = lab.iteration
    lab.step()
    assert lab.iteration == n + 1 and not lab.running
    lab.reset()
    assert lab.iteration == 0


# --- presets: each one does what its description says -------------------------------------------


def preset(name: str) -> dict:
    return next(p for p in entry_for("batchnorm").presets() if p["name"] == name)


def test_presets_are_there():
    names = [p["name"] for p in entry_for("batchnorm").presets()]
    assert len(names) >= 2 and len(set(names)) == len(names)


def test_preset_batch_of_one_at_test_time(lab):
    assert lab.load(preset("Batch of one at test time")["settings"])
    lab.run(300)
    e = lab.experiment
    acc = {m: e.test_accuracy(m, lab.corrected) for m in ("ewa", "single", "population")}
    # Every example normalized alone gets z̃ = β, so all get one class: about a third right.
    assert acc["single"] < 0.4 and acc["ewa"] > 0.85 and acc["population"] > 0.85
    table = e.test_time_table(0, lab.layer, lab.unit, lab.corrected)
    assert table["modes"]["single"]["z_tilde"] == table["beta"]


def test_preset_small_against_large_mini_batch(lab):
    spread = {}
    for name in ("Small mini-batch: noisy statistics", "Large mini-batch: smooth statistics"):
        assert lab.load(preset(name)["settings"])
        lab.run(60)
        spread[lab.settings.batch_size] = np.std(lab.experiment.series("batch_mean", lab.layer, lab.unit))
    small, large = sorted(spread)
    assert small <= 4 and large >= 128
    assert spread[large] < 0.3 * spread[small]


def test_preset_uncorrected_ewa_lags(lab):
    assert lab.load(preset("Slow EWA without bias correction")["settings"])
    assert not lab.corrected and lab.momentum >= 0.99
    lab.run(50)
    e = lab.experiment
    raw = e.series("ewa_var", lab.layer, lab.unit)
    batch = e.series("batch_var", lab.layer, lab.unit)
    corrected = e.series("ewa_var_corrected", lab.layer, lab.unit)
    # After 50 batches the zero-started EWA holds about 1 − 0.99^50 ≈ 40% of the batches' σ².
    assert raw[-1] < 0.6 * batch.mean()
    assert abs(corrected[-1] - batch.mean()) < 0.3 * batch.mean()
