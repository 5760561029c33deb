"""The tuning lab's controller, without a page: draws per step, the end of a run, settings the
engine refuses, saved state and presets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.tuning import BATCH, ScaleSettings
from ui.labs import entry_for


@pytest.fixture
def lab(make_controller):
    return make_controller("tuning")


def messages(lab) -> tuple[list[str], list[str]]:
    errors, notes = [], []
    lab.error.connect(errors.append)
    lab.message.connect(notes.append)
    return errors, notes


def test_defaults(lab):
    assert lab.key == "tuning" and lab.speed == lab.DEFAULT_SPEED == 1
    assert lab.settings == ScaleSettings()
    assert lab.settings_dict() == {"alpha": [1e-4, 1.0], "beta": [0.9, 0.999], "draws": 1000, "seed": 0}
    assert lab.iteration == 0 and lab.scale.drawn == 0 and not lab.scale.done


def test_each_step_draws_one_batch_of_each_kind(qtbot, lab):
    with qtbot.waitSignal(lab.stepped):
        lab.step()
    assert lab.iteration == 1 and lab.scale.drawn == BATCH
    lab.run(3)
    assert lab.iteration == 4 and lab.scale.drawn == 4 * BATCH
    assert len(lab.scale.values("beta", "log")) == 4 * BATCH


def test_the_run_stops_at_the_total_and_play_starts_over(qtbot, lab):
    errors, notes = messages(lab)
    assert lab.set_draws(50)
    lab.play()
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    assert lab.scale.done and lab.scale.drawn == 50 and lab.iteration == 3  # 20 + 20 + 10
    assert "All 50 draws" in notes[-1] and not errors
    lab.step()  # nothing left to draw
    assert lab.iteration == 3
    first = lab.scale.values("alpha", "log").copy()
    lab.play()  # from the end: start over, from the seed
    assert lab.running and lab.scale.drawn < 50
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    np.testing.assert_array_equal(lab.scale.values("alpha", "log"), first)


def test_a_bad_range_is_refused_with_the_engines_message_and_the_draws_stay(qtbot, lab):
    errors, _ = messages(lab)
    lab.run(5)
    before = lab.scale.values("alpha", "uniform").copy()
    with qtbot.waitSignal(lab.settings_changed):  # the widgets are put back
        assert lab.set_range("alpha", "low", 0.0) is False
    assert errors[-1] == "α low must be in (0, 1), got 0"
    assert lab.set_range("alpha", "high", 1e-5) is False
    assert errors[-1] == "α high must be in (0.0001, 1000], got 1e-05"
    assert lab.set_range("beta", "high", 1.0) is False
    assert errors[-1] == "β high must be in (0.9, 1), got 1"
    assert lab.set_range("beta", "low", float("nan")) is False
    assert "β low must be in [0, 0.999)" in errors[-1]
    assert lab.set_draws(0) is False and "number of draws must be in [1, 100000]" in errors[-1]
    assert lab.set_seed(-1) is False and "seed" in errors[-1]
    assert lab.settings == ScaleSettings() and lab.iteration == 5
    np.testing.assert_array_equal(lab.scale.values("alpha", "uniform"), before)


def test_a_good_change_starts_the_draws_over_and_clears_the_message(lab):
    _, notes = messages(lab)
    lab.run(5)
    assert lab.set_range("beta", "high", 0.9999)
    assert lab.settings.beta[1] == 0.9999 and lab.iteration == 0
    assert notes[-1] == ""
    lab.run(50)
    assert lab.scale.values("beta", "log").max() > 0.999  # the new range is drawn
    assert lab.set_seed(3) and lab.settings.seed == 3


def test_reset_gives_the_same_draws_and_seeds_differ(lab):
    lab.run(4)
    first = lab.scale.values("beta", "uniform").copy()
    lab.reset()
    assert lab.iteration == 0 and lab.scale.drawn == 0
    lab.run(4)
    np.testing.assert_array_equal(lab.scale.values("beta", "uniform"), first)
    lab.set_seed(1)
    lab.run(4)
    assert not np.array_equal(lab.scale.values("beta", "uniform"), first)


def test_state_round_trip_and_refused_states(make_controller, lab):
    lab.set_range("alpha", "low", 0.001)
    lab.set_draws(300)
    saved = json.loads(json.dumps(lab.state()))
    other = make_controller("tuning")
    assert other.load(saved) and other.settings == lab.settings
    errors, _ = messages(other)
    for bad in ({"alpha": [0, 1]}, {"draws": 1e400}, {"draws": "many"}, {"colour": "red"},
                {"version": 1, "settings": {"beta": [0.9, 1.5]}}):
        assert not other.load(bad)
        assert errors[-1].startswith("could not load the tuning settings")
        assert other.settings == lab.settings


def test_every_preset_teaches_what_it_says(lab):
    presets = {p["name"]: p for p in entry_for("tuning").presets()}
    assert len(presets) >= 3
    assert lab.load(presets["Learning rate α on a log scale"]["settings"])
    lab.run(50)
    top = lab.scale.decade_table("alpha")[0]
    assert top["uniform"]["share"] > 0.85 and 0.2 < top["log"]["share"] < 0.3
    assert lab.load(presets["A narrow range: the scale matters less"]["settings"])
    lab.run(50)
    u = lab.scale.values("alpha", "uniform")
    g = lab.scale.values("alpha", "log")
    assert abs(np.median(u) - np.median(g)) < 0.005  # alike
