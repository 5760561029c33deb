"""The batch-norm lab's engine: recording, the EWA, test time three ways, the twins, and the
numbers the lab's explanation and test-time table show."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.batchnorm import (
    MODES,
    BNExperiment,
    Recorder,
    default_settings,
    ewa_stats,
    forward_with_stats,
    histogram,
)


@pytest.fixture
def exp() -> BNExperiment:
    return BNExperiment(default_settings())


def test_recorder_grows_and_keeps_rows():
    r = Recorder(3, capacity=2)
    for i in range(9):
        r.append(np.full(3, i))
    assert r.data.shape == (9, 3)
    assert np.array_equal(r.data[:, 0], np.arange(9))


def test_ewa_matches_the_notes_formula_exactly(exp):
    """v := beta v + (1 - beta) mu, started at 0, and v / (1 - beta^t), by a hand loop."""
    cfg = default_settings().replace(bn_momentum=0.8)
    exp.apply(cfg)
    exp.reset()
    beta = 0.8
    for _ in range(25):
        exp.step()
    for layer in range(len(exp.units)):
        for unit in (0, 5):
            mu = exp.series("batch_mean", layer, unit)
            var = exp.series("batch_var", layer, unit)
            v_mu = v_var = 0.0
            hand_mu, hand_var, hand_cmu, hand_cvar = [], [], [], []
            for t, (m, s) in enumerate(zip(mu, var, strict=True), start=1):
                v_mu = beta * v_mu + (1 - beta) * m
                v_var = beta * v_var + (1 - beta) * s
                hand_mu.append(v_mu)
                hand_var.append(v_var)
                hand_cmu.append(v_mu / (1 - beta**t))
                hand_cvar.append(v_var / (1 - beta**t))
            # The mean's EWA is the same arithmetic in the same order: equal to the last bit.
            assert np.array_equal(exp.series("ewa_mean", layer, unit), hand_mu)
            # The variance's runs from 1 in the model and is shifted back (see ewa_stats).
            np.testing.assert_allclose(exp.series("ewa_var", layer, unit), hand_var,
                                       rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(exp.series("ewa_mean_corrected", layer, unit), hand_cmu,
                                       rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(exp.series("ewa_var_corrected", layer, unit), hand_cvar,
                                       rtol=1e-12, atol=1e-14)
    # The first corrected value is the first batch's own statistic.
    assert exp.series("ewa_mean_corrected", 0, 0)[0] == pytest.approx(
        exp.series("batch_mean", 0, 0)[0], rel=1e-12)


def test_recorded_batch_stats_are_the_mini_batch_mean_and_var(exp):
    """Replay the trainer's data order by hand: mu and sigma^2 of z over each mini-batch."""
    model = exp.model.copy()
    exp.step()
    bs = exp.settings.batch_size
    idx = np.random.default_rng(exp.settings.seed).permutation(len(exp.bn.y_train))[:bs]
    z = exp.bn.F_train[idx] @ model.hidden_layers[0][0].W
    np.testing.assert_allclose(exp.records["batch_mean"].data[0, :exp.units[0]], z.mean(axis=0),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(exp.records["batch_var"].data[0, :exp.units[0]], z.var(axis=0),
                               rtol=1e-12, atol=1e-14)


def test_eval_mode_uses_running_statistics(exp):
    for _ in range(10):
        exp.step()
    model = exp.model
    X = exp.bn.F_test
    running = [(bn.running_mean, bn.running_var) for bn in model.bn_layers]
    logits, layers = forward_with_stats(model, X, "ewa", running)
    np.testing.assert_allclose(logits, model.forward(X, training=False), rtol=1e-10, atol=1e-12)
    bn = model.bn_layers[0]
    z = layers[0]["z"]
    expected = bn.gamma * (z - bn.running_mean) / np.sqrt(bn.running_var + bn.eps) + bn.beta
    np.testing.assert_allclose(layers[0]["z_tilde"], expected, rtol=1e-12)
    np.testing.assert_allclose(bn.forward(z, training=False), expected, rtol=1e-10)
    # And eval mode leaves the running statistics alone.
    before = bn.running_mean.copy()
    model.forward(X, training=False)
    assert np.array_equal(before, bn.running_mean)


def test_population_stats_by_hand(exp):
    for _ in range(15):
        exp.step()
    model = exp.model
    a = exp.bn.F_train
    hand = []
    for dense, bn in model.hidden_layers:
        z = a @ dense.W
        mu = z.sum(axis=0) / len(z)
        var = ((z - mu) ** 2).sum(axis=0) / len(z)
        hand.append((mu, var))
        z_tilde = bn.gamma * (z - mu) / np.sqrt(var + bn.eps) + bn.beta
        a = np.tanh(z_tilde) if model.activation == "tanh" else np.maximum(z_tilde, 0.0)
    for (mu, var), (pm, pv) in zip(hand, exp.population_stats(), strict=True):
        np.testing.assert_allclose(pm, mu, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(pv, var, rtol=1e-10, atol=1e-12)
    # The recorded snapshot is the same thing.
    np.testing.assert_allclose(exp.snap.pop_mean.data[-1], np.concatenate([m for m, _ in hand]),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(exp.snap.pop_var.data[-1], np.concatenate([v for _, v in hand]),
                               rtol=1e-10, atol=1e-12)


def test_batch_of_one_gives_beta_exactly(exp):
    for _ in range(20):
        exp.step()
    ex = exp.example(3)
    for layer, bn in zip(ex["single"]["layers"], exp.model.bn_layers, strict=True):
        assert np.array_equal(layer["var"][0], np.zeros(bn.dim))
        assert np.array_equal(layer["z_norm"][0], np.zeros(bn.dim))
        assert np.array_equal(layer["z_tilde"][0], bn.beta)
    assert np.all(np.isfinite(ex["single"]["proba"]))
    # Every example then gets the same prediction: accuracy is one class's share.
    logits, _ = forward_with_stats(exp.model, exp.bn.F_test, "single")
    assert np.allclose(logits, logits[0])
    assert exp.test_accuracy("single") == pytest.approx(
        np.mean(exp.bn.data.y_test == np.argmax(logits[0])))
    # And test batches of one are the same thing.
    tb = exp.test_batches(1, 0, 0)
    assert tb["accuracy"] == pytest.approx(exp.test_accuracy("single"))
    assert np.all(tb["var"] == 0.0)


def test_ewa_and_population_modes_agree_after_training(exp):
    for _ in range(300):
        exp.step()
    acc = {m: exp.test_accuracy(m) for m in ("ewa", "population", "single")}
    assert abs(acc["ewa"] - acc["population"]) < 0.1
    assert acc["ewa"] > acc["single"] + 0.2


def test_training_with_a_batch_of_one_stays_finite():
    cfg = default_settings().replace(batch_size=1)
    exp = BNExperiment(cfg)
    for _ in range(30):
        exp.step()
    assert np.all(exp.records["batch_var"].data == 0.0)
    for name, r in exp.records.items():
        assert np.all(np.isfinite(r.data)), name
    for mode in ("ewa", "population", "single"):
        ex = exp.example(0, corrected=False)
        assert np.all(np.isfinite(ex[mode]["proba"]))


def test_twins_share_initialization_and_data_order(exp):
    for name in ("W1", "W2", "W3"):
        i = exp.model.param_names.index(name)
        j = exp.plain.model.param_names.index(name)
        assert np.array_equal(exp.model.params[i], exp.plain.model.params[j])
    # The same seed and the same draws: the same permutation of the training set every epoch.
    for _ in range(2 * exp.bn.batches_per_epoch):
        exp.step()
        assert exp.bn.rng.bit_generator.state == exp.plain.rng.bit_generator.state
    assert exp.model.batchnorm and not exp.plain.model.batchnorm


def test_apply_keeps_weights_for_momentum_and_batch_size(exp):
    for _ in range(5):
        exp.step()
    theta = exp.model.theta.copy()
    assert exp.apply(exp.settings.replace(bn_momentum=0.99, batch_size=64)) is False
    assert np.array_equal(exp.model.theta, theta)
    assert all(bn.momentum == 0.99 for bn in exp.model.bn_layers)
    assert exp.records["batch_mean"].n == 5
    assert exp.apply(exp.settings.replace(hidden=[8, 8, 8])) is True
    assert exp.units == [8, 8, 8] and exp.records["batch_mean"].n == 0


def test_bad_settings_raise_and_change_nothing(exp):
    with pytest.raises(ValueError, match="momentum"):
        exp.apply(exp.settings.replace(bn_momentum=1.0))
    with pytest.raises(ValueError, match="hidden layer"):
        exp.apply(exp.settings.replace(hidden=[]))
    with pytest.raises(ValueError, match="unit"):
        exp.series("batch_mean", 0, 99)
    with pytest.raises(ValueError, match="mode"):
        forward_with_stats(exp.model, exp.bn.F_test, "median")
    assert exp.settings.bn_momentum == 0.9


def test_uncorrected_ewa_starts_at_zero(exp):
    assert all(np.array_equal(m, np.zeros_like(m)) for m, _ in ewa_stats(exp.model, False))
    exp.step()
    (m0, v0), *_ = ewa_stats(exp.model, False)
    bn = exp.model.bn_layers[0]
    np.testing.assert_allclose(m0, 0.1 * bn.batch_mean, rtol=1e-12)
    np.testing.assert_allclose(v0, 0.1 * bn.batch_var, rtol=1e-10, atol=1e-15)


def test_a_diverged_twin_stops_and_records_stay_finite():
    exp = BNExperiment(default_settings().replace(activation="relu", lr=50.0))
    for _ in range(100):
        exp.step()
    # At this alpha the BN twin blows up and stops; the plain one goes on.
    assert exp.bn.status == "diverged" and exp.plain.status == "running"
    n, it = exp.records["batch_mean"].n, exp.plain.iteration
    exp.step()
    assert exp.records["batch_mean"].n == n and exp.plain.iteration == it + 1
    its = exp.iterations.data[:, 0]
    assert np.all(np.diff(its) == 1)  # one record per iteration, no repeats
    for r in exp.records.values():
        assert np.all(np.isfinite(r.data))


def test_explain_values_are_the_notes_formulas_for_the_first_example(exp):
    before = exp.explain_values(0, 2)
    assert np.isnan(before["z"]) and before["t"] == 0  # no mini-batch yet: nothing to show
    for _ in range(7):
        exp.step()
    v = exp.explain_values(1, 2, corrected=False)
    _, bn = exp.model.hidden_layers[1]
    assert v["mu"] == bn.batch_mean[2] and v["var"] == bn.batch_var[2]
    assert v["m"] == 32 and v["t"] == 7 and v["momentum"] == 0.9
    assert v["decay"] == pytest.approx(0.9**7)
    z = exp.model.hidden[1].z[0, 2]
    z_norm = (z - v["mu"]) / np.sqrt(v["var"] + bn.eps)
    assert v["z"] == z and v["z_norm"] == pytest.approx(z_norm, rel=1e-12)
    assert v["z_tilde"] == pytest.approx(bn.gamma[2] * z_norm + bn.beta[2], rel=1e-12)
    (raw_mu, raw_var), (cor_mu, cor_var) = ewa_stats(exp.model, False)[1], ewa_stats(exp.model, True)[1]
    assert (v["ewa_mu"], v["ewa_var"]) == (raw_mu[2], raw_var[2])
    assert (v["ewa_mu_corrected"], v["ewa_var_corrected"]) == (cor_mu[2], cor_var[2])
    assert (v["used_mu"], v["used_var"]) == (raw_mu[2], raw_var[2])  # uncorrected asked
    assert exp.explain_values(1, 2, corrected=True)["used_mu"] == cor_mu[2]
    assert v["pop_mu"] == exp.snap.pop_mean.data[-1, exp.column(1, 2)]
    with pytest.raises(ValueError, match="unit"):
        exp.explain_values(0, 16)


def test_test_time_table_is_one_example_three_ways(exp):
    for _ in range(40):
        exp.step()
    t = exp.test_time_table(4, 0, 3)
    ex = exp.example(4)
    assert t["index"] == 4 and t["label"] == ex["label"] and t["x"] == list(ex["x"])
    _, bn = exp.model.hidden_layers[0]
    assert t["gamma"] == bn.gamma[3] and t["beta"] == bn.beta[3]
    for mode in MODES:
        row, layer = t["modes"][mode], ex[mode]["layers"][0]
        for key in ("mu", "var", "z", "z_norm", "z_tilde"):
            assert row[key] == pytest.approx(layer[key][0, 3], rel=1e-12, abs=1e-15), (mode, key)
        assert row["predicted"] == ex[mode]["predicted"]
        assert row["p"] == pytest.approx(ex[mode]["proba"].max())
        assert row["accuracy"] == pytest.approx(exp.test_accuracy(mode))
    # A batch of one: sigma^2 = 0, z_norm = 0, z_tilde = beta exactly.
    single = t["modes"]["single"]
    assert single["var"] == 0.0 and single["z_norm"] == 0.0 and single["z_tilde"] == t["beta"]
    # The EWA column uses the EWA, the population column the training set's statistics.
    assert t["modes"]["ewa"]["mu"] == pytest.approx(exp.ewa(True)[0][0][3])
    assert t["modes"]["population"]["var"] == pytest.approx(exp.population_stats()[0][1][3])


def test_histogram_counts_finite_values_in_range():
    edges, counts = histogram(np.array([0.1, 0.2, 0.9, np.nan, np.inf, 5.0]), 0.0, 1.0, 10)
    assert len(edges) == 11 and edges[0] == 0.0 and edges[-1] == 1.0
    assert counts.sum() == 3 and counts[1] == 1 and counts[2] == 1 and counts[9] == 1
    assert [len(a) for a in histogram(np.array([np.nan]), 0.0, 1.0, 10)] == [0, 0]


def test_unit_values_are_the_training_set_z_and_z_tilde(exp):
    for _ in range(5):
        exp.step()
    z, z_tilde = exp.unit_values(1, 4)
    hv = exp.model.hidden_values(exp.bn.F_train, training=True)[1]
    assert np.array_equal(z, hv.z[:, 4]) and np.array_equal(z_tilde, hv.z_tilde[:, 4])
    # With BN, z_tilde over the training set has mean beta and variance ~gamma^2.
    _, bn = exp.model.hidden_layers[1]
    assert z_tilde.mean() == pytest.approx(bn.beta[4], abs=1e-9)
    np.testing.assert_allclose(exp.snapshot_series("shift_bn_mean", 1, 4),
                               exp.snap.shift_bn_mean.data[:, exp.column(1, 4)])


# -- lessons: covariate shift, BN's noise, the chain, undoing the normalization ---------------


def test_moments_keep_the_deepest_layer_at_fixed_iterations_and_bn_moves_it_less():
    from simulator.batchnorm.lessons import moment_stats, shift_size

    e = BNExperiment(pop_every=2)
    for _ in range(200):
        e.step()
    m = e.moments
    assert m.iterations == [0, 50, 200] and m.bn[0].shape == (len(e.bn.y_train), e.units[-1])
    # With BN, z_tilde over the training set starts at mean beta = 0 and std gamma = 1.
    assert moment_stats(m.bn, 3)[0] == pytest.approx((0.0, 1.0), abs=1e-3)
    assert shift_size(m.plain) > shift_size(m.bn)
    h = m.histograms("plain", 3, bins=20)
    assert len(h["edges"]) == 21 and [c.sum() for c in h["counts"]] == [len(e.bn.y_train)] * 3
    e.reset()
    assert e.moments.iterations == [0]


def test_batch_norms_noise_shrinks_with_the_mini_batch_size():
    e = BNExperiment(pop_every=2)
    for _ in range(50):
        e.step()
    n = e.batch_noise(1, 0)
    assert n["sizes"].tolist() == [2, 4, 8, 16, 32, 64, 128]
    assert n["std"][2] > 2 * n["std"][-1] > 0
    assert np.array_equal(e.batch_noise(1, 0)["std"], n["std"])  # seeded: the same each time


def test_batched_values_match_a_training_forward_of_one_batch():
    from simulator.batchnorm.lessons import batched_values

    e = BNExperiment(pop_every=2)
    X = e.bn.F_train[:16]
    running = e.model.bn_layers[0].running_mean.copy()
    got = batched_values(e.model, X[None], 1)[0]
    want = e.model.hidden_values(X, training=True)[1].z_tilde
    np.testing.assert_allclose(got, want, atol=1e-10)
    np.testing.assert_array_equal(e.model.bn_layers[0].running_mean, running)  # untouched


def test_chain_and_undo_give_z_tilde_equal_to_z():
    e = BNExperiment(pop_every=2)
    assert e.chain(1, 0) == {}
    with pytest.raises(ValueError, match="no mini-batch"):
        e.undo_normalization(1)
    for _ in range(5):
        e.step()
    c = e.chain(1, 0)
    assert not c["has_b"] and len(c["input"]) == e.units[0]  # layer 2's input is a[1]
    assert c["a"] == pytest.approx(np.tanh(c["z_tilde"]))
    e.undo_normalization(1)
    c = e.chain(1, 0)
    assert c["z_tilde"] == pytest.approx(c["z"], abs=1e-9)
    v = e.explain_values(1, 0)
    assert v["z_tilde"] == pytest.approx(v["z"], abs=1e-9)
    bn = e.norm_layer(1)
    np.testing.assert_allclose(bn.beta, bn.batch_mean)
    e.step()  # training goes on from there
    assert np.isfinite(e.bn.batch_loss)


def test_a_long_run_keeps_every_record_bounded_and_its_recent_window_whole(monkeypatch):
    from simulator.batchnorm import experiment

    monkeypatch.setattr(experiment, "HISTORY_LIMIT", 64)  # a small bound, reached quickly
    cfg = default_settings().replace(n=60, test_fraction=0.25)
    exp = BNExperiment(cfg, pop_every=2)
    for _ in range(600):
        exp.step()
    recorders = [exp.iterations, exp.batch_size, exp.loss_bn, exp.loss_plain,
                 *exp.records.values(), *(r for r in vars(exp.snap).values())]
    assert all(r.n <= 64 for r in recorders) and exp.iterations.count == 600
    its = exp.iterations.data[:, 0]
    assert its[0] == 1 and its[-1] == 600
    assert its[-32:].tolist() == list(range(569, 601))  # the recent rows: every iteration
    assert len(exp.bn.costs) <= exp.bn.costs.capacity


def test_a_bn_layer_with_b_computes_as_without_it_and_b_gets_no_gradient():
    """The notes: with batch norm, b cancels in z − μ. MLP(bn_bias=True) keeps a b to show it:
    the same loss as without for any b, db = 0 (to rounding), the notes' backward and the fused
    one agree, and test mode (BN folded into the weights, b with it) equals layer by layer."""
    from simulator.nn import MLP
    from simulator.nn.functional import softmax_cross_entropy

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(32, 2)), rng.integers(0, 3, 32)
    plain = MLP([2, 5, 4, 3], batchnorm=True, seed=1, activation="tanh")
    biased = MLP([2, 5, 4, 3], batchnorm=True, seed=1, activation="tanh", bn_bias=True)
    assert biased.param_names == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2",
                                  "W3", "b3"]
    state = {**biased.state_dict(), **plain.state_dict(), "b1": rng.normal(size=5) * 3,
             "b2": rng.normal(size=4) * 3}
    biased.load_state_dict(state)
    loss, grads = biased.loss_and_grads(X, y)
    assert abs(loss - plain.loss_and_grads(X, y)[0]) < 1e-12
    for name in ("b1", "b2"):
        assert np.abs(grads[biased.param_names.index(name)]).max() < 1e-12
    _, dz = softmax_cross_entropy(biased.forward(X), y)
    notes = biased.backward(dz)
    assert all(np.allclose(a, b, atol=1e-12) for a, b in zip(grads, notes, strict=True))
    layered = biased.forward(X, training=False)
    assert np.allclose(biased.predict_proba(X), np.exp(layered) / np.exp(layered).sum(1, keepdims=True))
    assert biased.copy().bn_bias


def test_twins_with_and_without_b_train_alike():
    from simulator.batchnorm import default_settings
    from simulator.batchnorm.bias import compare_bias

    run = compare_bias(default_settings(), iterations=60)
    assert run.gap < 1e-9 and run.largest_db < 1e-12 and run.b_moved < 1e-9
    assert run.drop > 0.2 and np.abs(run.b_start).max() > 0.5  # b started far from 0
    with pytest.raises(ValueError, match="hidden layer"):
        compare_bias(default_settings().replace(hidden=()))


def test_layer_chain_normalizes_every_unit_of_the_last_mini_batch():
    from simulator.batchnorm.lessons import layer_chain

    e = BNExperiment()
    assert layer_chain(e.model, 0) == {}  # before any mini-batch
    for _ in range(20):
        e.step()
    v = layer_chain(e.model, 0)
    m, units = e.settings.batch_size, e.units[0]
    assert all(v[k].shape == (m, units) for k in ("z", "z_norm", "z_tilde", "a"))
    assert np.abs(v["z_norm"].mean(axis=0)).max() < 1e-9
    assert np.abs(v["z_norm"].var(axis=0) - 1).max() < 0.01
    assert np.allclose(v["a"], np.tanh(v["z_tilde"]))
    with pytest.raises(ValueError, match="layer must be in"):
        layer_chain(e.model, 5)


def test_the_gaps_are_measured_at_equal_settings_except_m_and_batch_norm():
    """compare_gaps trains each m with and without batch norm from the settings in force; the full
    batch is the training set's size, and sizes beyond it are that size once."""
    from simulator.batchnorm.regularizer import compare_gaps
    from simulator.training import ClassifierSettings, ClassifierTrainer

    s = ClassifierSettings(dataset="blobs", n=40, hidden=[4], optimizer="sgd", lr=0.1, seed=3)
    run = compare_gaps(s, sizes=(8, 0, 500), epochs=3)
    assert run.sizes == (8, 28)
    plain = ClassifierTrainer(s.replace(batch_size=8))
    plain.run_epochs(3)
    assert run.train[1, 0] == plain.history.train_loss[-1]
    assert run.test[1, 0] == plain.history.test_loss[-1]
    assert run.at(0) == (run.gap[0, 1], run.gap[1, 1])


@pytest.mark.parametrize("changes, words", [
    ({"hidden": []}, "hidden layer"),
    ({"test_fraction": 0.0}, "test set"),
])
def test_the_gaps_refuse_what_they_cannot_measure(changes, words):
    from simulator.batchnorm.regularizer import compare_gaps
    from simulator.training import ClassifierSettings

    with pytest.raises(ValueError, match=words):
        compare_gaps(ClassifierSettings(**{"dataset": "blobs", "n": 40, "hidden": [4], **changes}), epochs=1)
