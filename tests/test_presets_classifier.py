"""Each classifier preset's claim, measured: loaded through the controller as the preset menu
loads it, trained by the engine, and checked with the quantity the claim names."""

from __future__ import annotations

import pytest

from simulator.classifier.history import noise
from simulator.classifier.plane import LogisticComparison
from ui.labs import entry_for

PRESETS = {p["name"]: p for p in entry_for("classifier").presets()}


@pytest.fixture
def load(make_controller):
    """load(name, **changes) -> the controller with the preset in force (and ``changes`` made
    afterwards, as a user would make them)."""

    def make(name: str, **changes):
        lab = make_controller("classifier")
        assert lab.load(PRESETS[name]["settings"]), name
        if changes:
            assert lab.configure(**changes)
        return lab

    return make


def test_softmax_regression_four_blobs(load):
    t = load("Softmax regression: four blobs").trainer
    assert t.settings.hidden == [] and t.data.n_classes == 4
    t.run_epochs(50)
    assert t.history.test_acc[-1] > 0.95


def test_spiral_straight_lines_are_not_enough(load):
    t = load("Spiral: straight lines are not enough").trainer
    assert t.settings.turns == 1.75
    t.run_epochs(200)
    assert t.history.test_acc[-1] < 0.7


def test_spiral_with_two_hidden_layers(load):
    t = load("Spiral with two hidden layers").trainer
    t.run_epochs(300)
    assert t.history.test_acc[-1] > 0.9


@pytest.mark.parametrize("name, without", [
    ("Circles: add x1^2 and x2^2", ["x1", "x2"]),
    ("XOR: the cross feature x1*x2", ["x1", "x2"]),
])
def test_a_feature_makes_the_boundary_straight(load, name, without):
    t = load(name).trainer
    t.run_epochs(100)
    bare = load(name, features=without).trainer
    bare.run_epochs(100)
    assert t.history.test_acc[-1] > 0.9 and bare.history.test_acc[-1] < 0.7
    if name.startswith("Circles"):
        assert t.history.test_acc[-1] > 0.95


def test_two_classes_softmax_is_logistic_regression(load):
    lab = load("Two classes: softmax is logistic regression")
    assert lab.comparing  # the preset switches the comparison on
    t = lab.trainer
    t.run_epochs(100)
    assert LogisticComparison().agreement(t, t.proba_grid(200)) > 0.99


def _noise(load, name: str, iterations: int = 600) -> float:
    lab = load(name)
    lab.run(iterations)
    return noise(lab.trainer.costs.costs[-500:])


def test_batch_gradient_descent_a_smooth_cost(load):
    lab = load("Batch gradient descent: a smooth cost")
    assert lab.trainer.batches_per_epoch == 1  # one iteration is one epoch
    assert _noise(load, "Batch gradient descent: a smooth cost") < 0.1 * _noise(
        load, "Mini-batches of 32: a noisy descent")


def test_mini_batches_of_32_a_noisy_descent(load):
    batch = _noise(load, "Batch gradient descent: a smooth cost")
    mini = _noise(load, "Mini-batches of 32: a noisy descent")
    one = _noise(load, "Mini-batch of one: stochastic descent")
    assert batch < mini < one


def test_mini_batch_of_one_stochastic_descent(load):
    lab = load("Mini-batch of one: stochastic descent")
    lab.run(600)
    trace = lab.trainer.costs
    assert len(trace) == 600  # one point per iteration, not one per epoch
    assert _noise(load, "Mini-batch of one: stochastic descent") > 3 * _noise(
        load, "Mini-batches of 32: a noisy descent")


def test_learning_rate_decay_alpha_t_shrinks(load):
    decayed = load("Learning-rate decay: α_t shrinks").trainer
    alpha0 = decayed.settings.lr
    assert decayed.alpha == pytest.approx(alpha0 / 1.5)  # epoch_num 1
    decayed.run_epochs(9)  # the tenth epoch is next
    assert decayed.alpha == pytest.approx(alpha0 / 6) and decayed.alpha < alpha0 / 5
