"""The classifier trainer: mini-batches, epochs, points, divergence, the probe."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulator.classifier.plane import fit_logistic
from simulator.nn import softmax
from simulator.training import ClassifierSettings, ClassifierTrainer, featurize


def trainer(**kw) -> ClassifierTrainer:
    return ClassifierTrainer(ClassifierSettings(**kw))


def test_featurize_columns():
    X = np.array([[1.0, 2.0], [-0.5, 0.25]])
    F = featurize(X, ["x1", "x2^2", "x1*x2", "sin(x1)"])
    np.testing.assert_allclose(F, [[1.0, 4.0, 2.0, np.sin(1.0)], [-0.5, 0.0625, -0.125, np.sin(-0.5)]])
    with pytest.raises(ValueError, match="at least one input feature"):
        featurize(X, [])
    with pytest.raises(ValueError, match="unknown feature 'x3'"):
        featurize(X, ["x3"])


def test_an_epoch_visits_every_point_once_in_mini_batches():
    t = trainer(n=100, test_fraction=0.2, batch_size=32)
    m = len(t.y_train)
    assert t.batches_per_epoch == -(-m // 32)
    for _ in range(t.batches_per_epoch - 1):
        t.step()
        assert t.epoch == 0
    t.step()
    assert t.epoch == 1 and t.iteration == t.batches_per_epoch
    assert t.history.epoch.tolist() == [0, 1]


def test_same_seed_same_run_and_reset_restarts():
    a, b = trainer(seed=4), trainer(seed=4)
    a.run_epochs(3)
    b.run_epochs(3)
    np.testing.assert_array_equal(a.model.theta, b.model.theta)
    first = a.history.train_loss.tolist()
    a.reset()
    assert a.epoch == 0 and len(a.history.epoch) == 1
    a.run_epochs(3)
    assert a.history.train_loss.tolist() == first


def test_softmax_regression_learns_blobs():
    t = trainer(dataset="blobs", classes=3, hidden=[], lr=0.05)
    t.run_epochs(20)
    assert t.history.test_acc[-1] >= 0.95


def test_hidden_layers_learn_the_spiral():
    t = trainer(dataset="spiral", classes=3, noise=0.05, hidden=[32, 32], lr=0.01)
    t.run_epochs(150)
    assert t.history.test_acc[-1] >= 0.90


def test_learning_rate_change_keeps_weights_architecture_change_restarts():
    t = trainer()
    t.run_epochs(2)
    w = t.model.theta.copy()
    assert t.apply(dataclasses.replace(t.settings, lr=0.001)) is False
    np.testing.assert_array_equal(t.model.theta, w)
    assert t.epoch == 2 and t.optimizer.lr == 0.001
    assert t.apply(dataclasses.replace(t.settings, hidden=[4])) is True
    assert t.epoch == 0 and t.model.sizes == [2, 4, 3]


@pytest.mark.parametrize("change, words", [
    ({"lr": 0.0}, "lr must be in (0, inf), got 0"),
    ({"hidden": [0]}, "hidden layer sizes must be in [1, 64], got 0"),
    ({"hidden": [4] * 5}, "at most 4 hidden layers"),
    ({"classes": 9}, "blobs takes classes in [2, 8], got 9"),
    ({"features": []}, "at least one input feature"),
    ({"hyper": {"beta1": 1.0}}, "beta1 must be in [0, 1), got 1"),
])
def test_bad_settings_raise_and_keep_the_run(change, words):
    t = trainer()
    t.run_epochs(1)
    before = (t.settings, t.model.theta.copy(), t.epoch)
    with pytest.raises(ValueError) as err:
        t.apply(dataclasses.replace(t.settings, **change))
    assert words in str(err.value)
    assert t.settings == before[0] and t.epoch == before[2]
    np.testing.assert_array_equal(t.model.theta, before[1])


def test_diverging_run_keeps_last_good_weights():
    t = trainer(dataset="spiral", hidden=[16, 16], activation="relu", optimizer="sgd", lr=1e6)
    good = t.model.theta.copy()
    for _ in range(200):
        t.step()
    assert t.status == "diverged" and "learning rate" in t.reason
    assert np.all(np.isfinite(t.model.theta))
    assert np.all(np.isfinite(t.proba_grid(20)))
    np.testing.assert_array_equal(t.model.theta, good)  # it diverged within the first epoch


def test_added_points_survive_a_rebuild_and_removal_works():
    t = trainer(n=60, test_fraction=0.0)
    m = len(t.y_train)
    t.add_point(1.2, -1.2, 2)
    assert len(t.y_train) == m + 1 and t.y_train[-1] == 2
    t.apply(dataclasses.replace(t.settings, hidden=[5]))
    assert (1.2, -1.2, 2) in t.added and len(t.y_train) == m + 1
    assert t.remove_nearest(1.19, -1.21)
    assert len(t.y_train) == m and not t.added
    x, y = t.X_train[0]
    assert t.remove_nearest(x, y) and len(t.y_train) == m - 1
    assert not t.remove_nearest(5.0, 5.0)
    with pytest.raises(ValueError, match=r"class must be in \[0, 2\], got 3"):
        t.add_point(0, 0, 3)


def test_no_points_says_why():
    t = trainer(n=20, test_fraction=0.0)
    while len(t.y_train):
        x, y = t.X_train[0]
        t.remove_nearest(x, y)
    with pytest.raises(ValueError, match="no training points"):
        t.step()


def test_probe_is_the_notes_computation():
    t = trainer()
    t.run_epochs(2)
    r = t.probe(0.3, -0.2, label=1)
    np.testing.assert_allclose(r["t"], np.exp(r["z"]))
    np.testing.assert_allclose(r["a"], r["t"] / r["t"].sum())
    np.testing.assert_allclose(r["a"], t.model.predict_proba(np.array([[0.3, -0.2]]))[0], rtol=1e-10)
    assert r["loss"] == pytest.approx(-np.log(r["a"][1]))
    np.testing.assert_allclose(r["dz"], r["a"] - np.eye(3)[1])
    assert r["hardmax"].tolist() == np.eye(3)[np.argmax(r["z"])].tolist()


def test_logistic_regression_matches_two_class_softmax_regression():
    t = trainer(dataset="moons", classes=2, noise=0.2, hidden=[], l2=1e-3, lr=0.05,
                batch_size=10_000)
    t.run_epochs(3000)
    w, b = fit_logistic(t.F_train, t.y_train, l2=1e-3)
    W, c = t.model.params
    # softmax(z)[1] = sigmoid(z1 - z0): the same boundary as the logistic model's
    np.testing.assert_allclose(W[:, 1] - W[:, 0], w, rtol=0.05, atol=0.05)
    assert c[1] - c[0] == pytest.approx(b, abs=0.05)
    z = np.array([0.3, 1.7])
    assert softmax(z)[1] == pytest.approx(1 / (1 + np.exp(-(z[1] - z[0]))))
