"""The classifier lab's controller alone: settings, points, presets, saved states, divergence."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from ui.labs import entry_for


@pytest.fixture
def lab(make_controller):
    return make_controller("classifier")


def messages(lab) -> list[str]:
    out: list[str] = []
    lab.error.connect(out.append)
    lab.message.connect(out.append)
    return out


def test_speed_is_mini_batches_per_frame(lab):
    assert lab.speed == 25 and lab.MAX_SPEED == 50
    lab.set_speed(500)
    assert lab.speed == 50
    lab.tick()
    assert lab.iteration == 50


def test_the_default_speed_trains_an_epoch_a_frame_on_tf_playgrounds_spiral(lab):
    """TF Playground trains one epoch a frame (its spiral: 500 points, half for testing, in
    mini-batches of 10, a 2-4-2 tanh network); at the default speed a frame here trains as much."""
    assert lab.configure(dataset="spiral", classes=2, n=500, test_fraction=0.5, hidden=[4, 2],
                         activation="tanh", batch_size=10, lr=0.03)
    assert len(lab.trainer.data.y_train) == 250
    lab.tick()
    assert lab.trainer.epoch >= 1


def test_every_preset_loads_and_trains_an_epoch(lab):
    for p in entry_for("classifier").presets():
        assert lab.load(p["settings"]), p["name"]
        assert lab.settings.dataset == p["settings"]["dataset"]
        lab.step_epoch()
        assert lab.trainer.epoch == 1 and lab.trainer.status == "running"


def test_classifier_presets_teach_what_they_say(lab):
    by_name = {p["name"]: p for p in entry_for("classifier").presets()}
    lab.load(by_name["Spiral: straight lines are not enough"]["settings"])
    lab.trainer.run_epochs(40)
    flat = lab.trainer.history.test_acc[-1]
    lab.load(by_name["Circles: add x1^2 and x2^2"]["settings"])
    lab.trainer.run_epochs(60)
    assert flat < 0.75 and lab.trainer.history.test_acc[-1] > 0.95


def test_added_points_survive_retraining_and_are_saved(make_controller, lab):
    assert lab.add_point(-1.2, 1.2)
    lab.configure(hidden=[8])  # a new network: training starts over
    assert lab.trainer.added == [(-1.2, 1.2, 0)]
    saved = json.loads(json.dumps(lab.state()))
    assert lab.load({"dataset": "moons", "classes": 2})
    assert not lab.trainer.added
    assert lab.load(saved)
    assert len(lab.trainer.added) == 1 and lab.settings.hidden == [8]


def test_session_state_round_trips_into_a_new_controller(make_controller, lab):
    lab.configure(dataset="xor", hidden=[6])
    lab.add_point(0.5, 0.5)
    saved = json.loads(json.dumps(lab.state()))
    assert saved["settings"]["added"] == [[0.5, 0.5, 0]]
    c = make_controller("classifier")
    assert c.load(saved)
    assert c.settings.dataset == "xor" and c.settings.hidden == [6]
    assert c.trainer.added == [(0.5, 0.5, 0)]


def test_a_state_saved_before_versions_loads_unchanged(lab):
    old = {"dataset": "spiral", "n": 200, "classes": 4, "noise": 0.1, "test_fraction": 0.2,
           "data_seed": 3, "hidden": [16], "activation": "relu", "features": ["x1", "x2"],
           "l2": 0.001, "l1": 0.0, "optimizer": "momentum", "lr": 0.02, "hyper": {"beta": 0.8},
           "schedule": "constant", "schedule_params": {}, "batch_size": 16, "seed": 5,
           "batchnorm": False, "bn_momentum": 0.9, "added": [[0.1, 0.2, 3]]}
    assert lab.load(old)
    saved = lab.settings_dict()
    assert {k: saved[k] for k in old} == old  # settings added since keep their defaults
    assert saved["compare_logistic"] is False
    assert lab.trainer.added == [(0.1, 0.2, 3)]


@pytest.mark.parametrize("bad, words", [
    ({"dataset": "mountain"}, "unknown data set 'mountain'"),
    ({"added": [[0.0, float("nan"), 0]]}, "finite coordinates"),
    ({"added": [[0.0, 0.0, -1]]}, "class must be an integer >= 0"),
    ({"added": [[0.0, 0.0]]}, "could not load"),
    ({"colour": "red"}, "unknown classifier setting 'colour'"),
])
def test_a_malformed_state_changes_nothing(lab, bad, words):
    lab.add_point(0.3, 0.3)
    lab.run(3)
    before = lab.state()
    said = messages(lab)
    assert not lab.load(bad)
    assert any(words in m for m in said), said
    assert lab.state() == before and lab.iteration == 3


def test_bad_value_gives_message_and_keeps_settings(lab):
    said = messages(lab)
    assert not lab.configure(lr=0.0)
    assert lab.settings.lr == 0.03
    assert "lr must be in (0, inf), got 0" in said[-1]


def test_a_new_data_set_keeps_the_classes_it_allows(lab):
    lab.configure(classes=5)
    lab.configure(dataset="spiral")
    assert lab.settings.classes == 5
    lab.add_class = 4
    lab.configure(dataset="moons")
    assert lab.settings.classes == 2 and lab.add_class == 1


def test_features_regularization_and_optimizer_setters(lab):
    assert lab.set_feature("x1^2", True)
    assert lab.set_feature("x1*x2", True)
    assert lab.settings.features == ["x1", "x2", "x1^2", "x1*x2"]
    assert lab.set_feature("x1", False)
    assert lab.settings.features == ["x2", "x1^2", "x1*x2"]
    said = messages(lab)
    assert not lab.set_feature("x3", True) and "unknown feature 'x3'" in said[-1]
    assert lab.set_regularization("L2", 0.01)
    assert (lab.settings.l2, lab.settings.l1) == (0.01, 0.0) and lab.regularization == ("L2", 0.01)
    assert lab.set_regularization("L1", 0.02) and lab.regularization == ("L1", 0.02)
    assert lab.settings.l2 == 0.0
    assert not lab.set_regularization("L3", 1.0) and "unknown regularization" in said[-1]
    assert lab.set_hyper("beta1", 0.8) and lab.settings.hyper == {"beta1": 0.8}
    assert lab.set_optimizer("momentum") and lab.settings.hyper == {}  # its own defaults


def test_learning_rate_that_blows_up_keeps_last_good_weights(lab):
    said = messages(lab)
    lab.configure(hidden=[8, 8], optimizer="sgd")
    lab.step_epoch()
    lab.step_epoch()
    good = lab.trainer.proba_grid(50)
    lab.configure(lr=999.0)
    for _ in range(3):
        lab.step_epoch()
    assert lab.trainer.status == "diverged"
    assert sum("Diverged" in m for m in said) == 1  # said once
    np.testing.assert_allclose(lab.trainer.proba_grid(50), good, atol=1e-6)
    lab.play()
    assert not lab.running and "the run diverged" in said[-1]


def test_removing_every_point_says_why(lab):
    lab.configure(n=20, test_fraction=0.0)
    said = messages(lab)
    t = lab.trainer
    while len(t.y_train):
        x, y = t.X_train[0]
        assert lab.remove_nearest(x, y)
    assert not lab.remove_nearest(0.0, 0.0)
    assert "No training point close enough" in said[-1]
    lab.step()
    assert "no training points" in said[-1]


def test_regenerate_draws_the_next_seed_and_keeps_added_points(lab):
    lab.add_point(0.1, 0.1)
    before = lab.trainer.data.X_train.copy()
    changed = []
    lab.data_changed.connect(lambda: changed.append(1))
    lab.regenerate()
    assert lab.settings.data_seed == 1 and changed
    assert not np.array_equal(lab.trainer.data.X_train, before)
    assert lab.trainer.added == [(0.1, 0.1, 0)]


def test_step_epoch_and_reset(lab):
    lab.step_epoch()
    assert lab.trainer.epoch == 1 and lab.iteration == lab.trainer.batches_per_epoch
    lab.reset()
    assert lab.iteration == 0 and lab.trainer.epoch == 0


def test_logistic_comparison_is_a_saved_setting_that_shows_only_where_it_applies(lab):
    assert lab.load({"dataset": "moons", "classes": 2, "compare_logistic": True})
    assert lab.compare_logistic and lab.comparing
    assert lab.configure(hidden=[4])
    assert lab.compare_logistic and not lab.comparing  # the wish stays, the lines go
    errors = []
    lab.error.connect(errors.append)
    assert not lab.load({"dataset": "moons", "classes": 2, "compare_logistic": "yes"})
    assert "compare_logistic must be true or false" in errors[-1] and lab.settings.hidden == [4]


def test_spiral_turns_are_a_data_setting(lab):
    assert lab.configure(dataset="spiral", turns=1.75)
    assert lab.trainer.data.name == "spiral" and lab.settings.turns == 1.75
    errors = []
    lab.error.connect(errors.append)
    assert not lab.configure(turns=5.0)
    assert "turns must be in [0.25, 3]" in errors[-1] and lab.settings.turns == 1.75


@pytest.mark.parametrize("target, words", [(-1.0, "above 0"), ("low", "target loss"),
                                           (float("nan"), "target")])
def test_a_bad_target_for_the_mini_batch_sizes_is_refused_by_name(lab, target, words):
    errors = messages(lab)
    assert not lab.measure_batch_sizes(target)
    assert words in errors[-1] and lab.batch_sizes is None and not lab.jobs().busy


def _points(n: int) -> list[list]:
    rng = np.random.default_rng(0)
    return [[float(a), float(b), int(c)] for a, b, c in
            zip(rng.normal(size=n), rng.normal(size=n), rng.integers(0, 2, n), strict=True)]


@pytest.mark.parametrize("field", ["added", "points"])
def test_a_list_one_over_its_limit_is_cut_at_once_with_a_message(lab, field):
    """10,001 points in a setup or session: the list was refused for its length, then salvaged
    item by item (tens of seconds at start) or, for added points, taken whole with no limit."""
    said = messages(lab)
    extra = {"dataset": "csv"} if field == "points" else {}
    lab.load({**lab.settings_dict(), **extra, field: _points(10_001)})
    kept = lab.trainer.added if field == "added" else lab.settings.data_spec.points
    assert len(kept) == 10_000
    assert any(f"{field}: 10,001 items; the first 10,000 were kept" in m for m in said), said


def test_clicking_past_the_limit_of_added_points_is_refused_by_name(lab):
    from simulator.own_data import MAX_ROWS

    lab.load({**lab.settings_dict(), "added": _points(MAX_ROWS)})
    with pytest.raises(ValueError, match="10,000 points added already"):
        lab.trainer.add_point(0.0, 0.0, 0)
    assert len(lab.trainer.added) == MAX_ROWS


def test_points_once_written_whole_still_take_fractions(lab):
    """A list first seen empty takes its kinds from the value in force, read loosely: added
    points loaded as [1, 1, 0] do not make a later [0.5, 0.5, 0] "not a whole number"."""
    said = messages(lab)
    assert lab.load({**lab.settings_dict(), "added": [[1, 1, 0]]}), said
    assert lab.load({**lab.settings_dict(), "added": [[0.5, 0.5, 0]]}), said
    assert lab.trainer.added == [(0.5, 0.5, 0)]


def test_removed_points_are_saved_and_come_back_removed(make_controller, lab):
    """Right-click removals were not saved: remove 5 points, restart, and all were back."""
    X = lab.trainer.X_train.copy()
    for x, y in X[:5]:
        assert lab.remove_nearest(float(x), float(y))
    n = len(lab.trainer.y_train)
    assert n == len(X) - 5
    saved = json.loads(json.dumps(lab.state()))
    assert len(saved["settings"]["removed"]) == 5
    again = make_controller("classifier")
    assert again.load(saved)
    assert len(again.trainer.y_train) == n and again.trainer.removed == lab.trainer.removed
    assert np.array_equal(again.trainer.X_train, lab.trainer.X_train)


@pytest.mark.parametrize("bad, words", [("3", "removed must be a list"), ([1, "x"], r"removed\[1\]"),
                                        ([True], r"removed\[0\]"), ([-1], r"removed\[0\]")])
def test_a_bad_list_of_removals_is_named(lab, bad, words):
    said = messages(lab)
    assert not lab.load({"removed": bad})
    assert any(re.search(words, m) for m in said), said


def test_points_of_a_class_the_set_lacks_are_kept_aside_not_lost(lab):
    """Switching to two classes deleted the added points of class 2 for good."""
    said = messages(lab)
    lab.set_add_class(2)
    assert lab.add_point(1.0, 1.0)
    with_it = len(lab.trainer.y_train)
    assert lab.configure(classes=2)
    assert lab.trainer.aside == 1 and len(lab.trainer.y_train) < with_it
    assert 2 not in set(lab.trainer.y_train.tolist())
    assert any("kept aside" in m for m in said)
    assert json.loads(json.dumps(lab.state()))["settings"]["added"] == [[1.0, 1.0, 2]]
    assert lab.configure(classes=3)
    assert lab.trainer.aside == 0 and (1.0, 1.0, 2) in lab.trainer.added
    assert 2 in set(lab.trainer.y_train.tolist())


def test_an_added_point_far_outside_any_data_is_refused_by_name(lab):
    """Added points at 1e308 were accepted from a setup, and training overflowed silently."""
    said = messages(lab)
    assert not lab.load({**lab.settings_dict(), "added": [[1e308, 0.0, 0], [0.5, 0.5, 1]]})
    assert any("within ±1e+06, got (1e+308, 0)" in m for m in said), said
    assert lab.trainer.added == [(0.5, 0.5, 1)]
    with pytest.raises(ValueError, match="within ±1e"):
        lab.trainer.add_point(2e6, 0.0, 0)
