"""What the classifier lab computes beyond training (simulator.classifier), without Qt."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulator.classifier.network import MAX_UNIT_MAPS, unit_maps, warp
from simulator.classifier.plane import LogisticComparison, label_under, misclassified, point_rows
from simulator.classifier.softmax import parse_z, probability_steps, sigmoid, softmax_steps
from simulator.nn import softmax
from simulator.training import ClassifierSettings, ClassifierTrainer, featurize


def trainer(**kw) -> ClassifierTrainer:
    return ClassifierTrainer(ClassifierSettings(**kw))


# -- softmax -----------------------------------------------------------------------------------


def test_softmax_steps_are_the_notes_computation():
    r = softmax_steps([5.0, 2.0, -1.0, 3.0], label=0)
    np.testing.assert_allclose(r["a"], [0.842, 0.042, 0.002, 0.114], atol=5e-4)
    np.testing.assert_allclose(r["t"], np.exp([5.0, 2.0, -1.0, 3.0]))
    assert r["sum_t"] == pytest.approx(np.exp([5.0, 2.0, -1.0, 3.0]).sum())
    assert r["hardmax"].tolist() == [1, 0, 0, 0] and r["predicted"] == 0
    assert r["loss"] == pytest.approx(-np.log(r["a"][0]))
    np.testing.assert_allclose(r["dz"], r["a"] - [1, 0, 0, 0])
    big = softmax_steps([1000.0, -1000.0])
    assert np.isinf(big["t"][0]) and big["a"].tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match=r"label must be in \[0, 1\], got 2"):
        softmax_steps([1.0, 2.0], label=2)


def test_probabilities_typed_directly_give_the_notes_loss():
    r = probability_steps([0.3, 0.2, 0.1, 0.4], label=1)
    assert r["loss"] == pytest.approx(1.609, abs=5e-4) and r["predicted"] == 3
    np.testing.assert_allclose(r["dz"], [0.3, -0.8, 0.1, 0.4])
    with pytest.raises(ValueError, match="sum to 1"):
        probability_steps([0.3, 0.3], label=0)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        probability_steps([1.2, -0.2], label=0)


def test_two_class_softmax_is_the_sigmoid_of_the_logit_difference():
    for z in ([0.5, 2.0], [-3.0, 4.0], [800.0, -800.0]):
        r = softmax_steps(z)
        assert r["sigmoid"] == pytest.approx(r["a"][1], abs=1e-12)
        assert sigmoid(z[1] - z[0]) == pytest.approx(r["a"][1], abs=1e-12)
    assert "sigmoid" not in softmax_steps([1.0, 2.0, 3.0])


@pytest.mark.parametrize("text, expected", [
    ("5, 2, -1, 3", [5, 2, -1, 3]), ("1;2", [1, 2]), ("  0.5   -1e3 ", [0.5, -1000]),
])
def test_parse_z(text, expected):
    np.testing.assert_array_equal(parse_z(text), expected)


@pytest.mark.parametrize("text, words", [
    ("", "at least two numbers"), ("4", "at least two numbers"),
    ("1, 2, x", "'x' is not a number"), ("1, inf", "finite numbers"), ("nan, 1", "finite"),
])
def test_parse_z_says_what_is_wrong(text, words):
    with pytest.raises(ValueError, match=words):
        parse_z(text)


def test_the_probe_uses_the_model_logits():
    t = trainer()
    t.run_epochs(2)
    r = t.probe(0.3, -0.2, label=1)
    np.testing.assert_allclose(r["a"], softmax(r["z"]))
    np.testing.assert_allclose(r["a"], t.model.predict_proba(np.array([[0.3, -0.2]]))[0],
                               rtol=1e-10)


# -- the plane ---------------------------------------------------------------------------------


def test_misclassified_points_are_the_wrong_predictions():
    t = trainer(dataset="spiral", classes=3)
    t.run_epochs(3)
    X = np.concatenate([t.X_train, t.data.X_test])
    y = np.concatenate([t.y_train, t.data.y_test])
    pred = t.model.predict(featurize(X, t.settings.features))
    np.testing.assert_array_equal(misclassified(t), X[pred != y])
    train_only = misclassified(t, include_test=False)
    assert len(train_only) == int(np.sum(pred[: len(t.y_train)] != t.y_train))
    assert 0 < len(train_only) < len(misclassified(t))


def test_misclassified_without_points_is_empty():
    t = trainer(n=20, test_fraction=0.0)
    while len(t.y_train):
        t.remove_nearest(*t.X_train[0])
    assert misclassified(t).shape == (0, 2)


def test_label_under_the_cursor():
    t = trainer()
    x, y = t.X_train[5]
    assert label_under(t, x + 0.01, y, default=99) == t.y_train[5]
    assert label_under(t, 50.0, 50.0, default=2) == 2


def test_point_rows_are_every_point_with_its_prediction():
    t = trainer(n=60, test_fraction=0.25)
    t.add_point(0.1, 0.2, 1)
    rows = point_rows(t)
    assert len(rows) == len(t.y_train) + len(t.data.y_test)
    assert rows[len(t.y_train) - 1][:4] == ("train", 0.1, 0.2, 1)
    assert rows[-1][0] == "test"
    pred = t.model.predict(t.F_test)
    assert [r[4] for r in rows if r[0] == "test"] == pred.tolist()


def test_logistic_comparison_is_fitted_once_per_training_set():
    t = trainer(dataset="moons", classes=2, noise=0.2, lr=0.05)
    cmp = LogisticComparison(n=50)
    assert cmp.applies(t)
    first = cmp.fit(t)
    assert first.shape == (50, 50) and len(cmp.xs) == len(cmp.ys) == 50
    t.run_epochs(2)
    assert cmp.fit(t) is first  # training does not change the fit
    t.add_point(0.0, 0.0, 1)
    assert cmp.fit(t) is not first  # new points do
    again = cmp.fit(t)
    t.apply(t.settings.replace(l2=0.01))
    assert cmp.fit(t) is not again  # and so does L2
    assert not cmp.applies(trainer(dataset="moons", classes=2, hidden=[4]))
    assert not cmp.applies(trainer())  # three classes


def test_logistic_and_converged_softmax_regression_agree():
    t = trainer(dataset="moons", classes=2, noise=0.2, l2=1e-3, lr=0.05, batch_size=10_000)
    t.run_epochs(1500)
    cmp = LogisticComparison(n=60)
    agree = cmp.agreement(t, t.proba_grid(60))
    assert agree > 0.98
    assert cmp.agreement(trainer(dataset="moons", classes=2), t.proba_grid(60)) <= 1.0


# -- the network view --------------------------------------------------------------------------


def test_unit_maps_are_the_hidden_activations_over_the_plane():
    t = trainer(hidden=[5, 20], activation="relu")
    t.run_epochs(2)
    maps = unit_maps(t, n=16)
    assert [m.values.shape for m in maps] == [(5, 16, 16), (MAX_UNIT_MAPS, 16, 16)]
    _, _, pts = t.data.grid(16, dtype=np.float32)
    a = t.model.hidden_values(featurize(pts, t.settings.features))[0].a
    np.testing.assert_allclose(maps[0].values[2], a[:, 2].reshape(16, 16))
    assert np.all(maps[0].levels[:, 0] == 0)
    np.testing.assert_allclose(maps[0].levels[:, 1],
                               np.maximum(maps[0].values.reshape(5, -1).max(axis=1), 1e-6))
    tanh = unit_maps(trainer(hidden=[3]), n=8)
    assert tanh[0].levels.tolist() == [[-1.0, 1.0]] * 3
    assert unit_maps(trainer()) == []


def test_warp_maps_the_grid_into_two_hidden_units():
    t = trainer(hidden=[4, 3])
    w = warp(t, layer=1, i=0, j=9, lines=5, samples=10)
    assert (w.layer, w.i, w.j) == (1, 0, 2)  # clamped to the layer's 3 units
    assert len(w.grid_x) == 10 * 11 and np.isnan(w.grid_x[10::11]).all()
    assert np.isfinite(w.grid_x).sum() == 100
    x0, x1, y0, y1 = t.data.domain
    first_line = np.column_stack([np.linspace(x0, x1, 10), np.full(10, y0)])
    a = t.model.hidden_values(featurize(first_line, t.settings.features))[1].a
    np.testing.assert_allclose(w.grid_x[:10], a[:, 0])
    np.testing.assert_allclose(w.grid_y[:10], a[:, 2])
    assert w.points.shape == (len(t.y_train), 2)
    assert warp(t, layer=7, i=0, j=0).layer == 1
    with pytest.raises(ValueError, match="no hidden layer"):
        warp(trainer(), 0, 0, 1)


# -- settings ----------------------------------------------------------------------------------


def test_settings_replace_keeps_the_classes_a_data_set_allows():
    c = ClassifierSettings(classes=5)
    assert c.replace(dataset="spiral").classes == 5
    assert c.replace(dataset="moons").classes == 2
    with pytest.raises(ValueError, match=r"moons takes classes in \[2, 2\], got 3"):
        c.replace(dataset="moons", classes=3)  # asked for, and checked at once
    d = c.replace(lr=0.1, hidden=[4])
    assert (d.lr, d.hidden, c.lr, c.hidden) == (0.1, [4], 0.03, [])
    with pytest.raises(ValueError, match="unknown classifier setting 'colour'"):
        c.replace(colour="red")


def test_settings_are_frozen_and_own_their_lists():
    hidden, hyper = [8, 8], {"beta1": 0.8}
    s = ClassifierSettings(hidden=hidden, hyper=hyper)
    hidden.append(4)
    hyper["beta1"] = 0.1
    assert s.hidden == [8, 8] and s.hyper == {"beta1": 0.8}
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lr = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="lr must be a finite number"):
        ClassifierSettings(lr=float("nan"))  # refused when made, not later


@pytest.mark.parametrize("point, words", [
    ((0.0, float("inf"), 0), "finite coordinates"), ((0.0, 0.0, -1), "integer >= 0"),
    ((0.0, 0.0, 1.5), "integer >= 0"),
])
def test_added_points_are_validated(point, words):
    with pytest.raises(ValueError, match=words):
        ClassifierTrainer(ClassifierSettings(), added=[point])


# -- the cost per iteration -------------------------------------------------------------------


def test_cost_trace_keeps_every_iteration_then_decimates_within_its_bound():
    from simulator.classifier.history import CostTrace

    trace = CostTrace(capacity=100)
    for it in range(1, 51):
        trace.append(it, float(it))
    assert trace.iterations.tolist() == list(range(1, 51)) and trace.stride == 1
    for it in range(51, 10_001):
        trace.append(it, float(it))
    assert len(trace) <= 100 and trace.stride > 1
    its = trace.iterations
    assert its[-1] > 9_800 and its[0] < 200  # spread over the whole run
    assert np.all(np.diff(its) == trace.stride) and np.array_equal(trace.costs, its)
    assert len(trace.recent) == 500 and trace.recent[-1] == 10_000.0
    with pytest.raises(ValueError, match="at least 2"):
        CostTrace(capacity=1)


def test_history_of_a_long_run_stays_bounded_and_keeps_its_ends():
    from simulator.classifier.history import History

    h = History(limit=64)
    for e in range(10_000):
        h.append(e, 1.0 / (e + 1), 0.5, 2.0 / (e + 1), 0.4)
    assert len(h) <= 64 and h.count == 10_000
    assert h.epoch[0] == 0 and h.epoch[-1] == 9_999  # the first and the latest epochs
    assert np.all(np.diff(h.epoch) > 0) and h.epoch[-32:].tolist() == list(range(9_968, 10_000))
    assert np.array_equal(h.train_loss, 1.0 / (h.epoch + 1))  # rows stay whole
    assert h.rows()[-1] == {"epoch": 9_999, "train_loss": 1e-4, "train_acc": 0.5,
                            "test_loss": 2e-4, "test_acc": 0.4}


def test_history_is_drawn_decimated_from_its_first_to_its_latest_epoch():
    from simulator.classifier.history import History

    h = History()
    for e in range(1_500):
        h.append(e, 1.0 / (e + 1), 0.5, float("nan"), float("nan"))
    drawn = h.for_drawing(most=100)
    assert len(drawn["epoch"]) <= 115 and drawn["epoch"][0] == 0 and drawn["epoch"][-1] == 1_499
    assert np.all(np.diff(drawn["epoch"]) > 0) and np.all(np.diff(drawn["train_loss"]) < 0)
    assert drawn["train_loss"][1] == pytest.approx(np.mean(1.0 / np.arange(2, 17)))  # epochs 1-15
    assert np.all(np.isnan(drawn["test_acc"]))  # no test set stays "no test set"
    short = History()
    short.append(0, 1.0, 0.5, 1.0, 0.5)
    assert short.for_drawing()["train_loss"].tolist() == [1.0]


def test_a_trainer_left_running_keeps_a_bounded_history():
    t = trainer(n=40, test_fraction=0.25, batch_size=30)
    small = type(t.history)(limit=16)  # a small bound, reached in a fraction of a second
    small.append(*t.history.record.data[0])  # epoch 0, as recorded at the start
    t.history = small
    t.run_epochs(200)
    h = t.history
    assert len(h) <= 16 and h.count == 201 and h.epoch[-1] == t.epoch == 200
    assert h.train_loss[-1] == pytest.approx(t.model.loss(t.F_train, t.y_train))
    assert len(t.costs) <= t.costs.capacity


def test_noise_is_the_spread_of_the_cost_changes():
    from simulator.classifier.history import noise

    assert noise(np.linspace(1.0, 0.0, 50)) == pytest.approx(0.0, abs=1e-12)  # smooth descent
    assert noise(np.array([1.0, 0.0, 1.0, 0.0, 1.0])) == pytest.approx(1.0)
    assert np.isnan(noise(np.array([1.0, np.nan])))


def test_trainer_records_each_mini_batch_cost_and_alpha_t():
    t = trainer(batch_size=10, schedule="inverse_time", schedule_params={"decay_rate": 1.0},
                lr=0.2)
    assert t.alpha == pytest.approx(0.1)  # epoch_num 1: 0.2 / (1 + 1)
    t.run_epochs(1)
    assert len(t.costs) == t.iteration == t.batches_per_epoch
    assert t.costs.costs[-1] == pytest.approx(t.batch_loss)
    assert t.alpha == pytest.approx(0.2 / 3)
    t.reset()
    assert len(t.costs) == 0
