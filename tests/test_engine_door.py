"""The engine's door: every public function either works or raises ValueError naming the value and
the allowed range. Hostile inputs (NaN, inf, None, text, empty arrays, huge ints, negative sizes,
True where a count is expected) are fed to the optimizers, schedules, surfaces, data sets, training,
the network, batch norm, the softmax probe, racing, the race settings, the specs and tuning.scale."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.batchnorm import BNExperiment, histogram
from simulator.classifier.plane import label_under
from simulator.classifier.softmax import parse_z, softmax_steps
from simulator.datasets import make_dataset
from simulator.nn import MLP, BatchNorm, softmax
from simulator.optimizers import make_optimizer
from simulator.race_settings import RaceSettings, build_race, check_start
from simulator.racing import Racer, basin_map, momentum_axes, momentum_rate_map
from simulator.records import Recorder
from simulator.schedules import make_schedule
from simulator.specs import DataSpec, OptimizerSpec, SurfaceSpec
from simulator.surfaces import get_surface
from simulator.training import ClassifierSettings, ClassifierTrainer, featurize
from simulator.tuning import scale
from simulator.validation import MAX_EWA_MOMENTUM

NAN, INF = float("nan"), float("inf")
BOWL = get_surface("bowl")


def sgd():
    return make_optimizer("sgd", 0.1)


def trainer(**changes):
    return ClassifierTrainer(ClassifierSettings(n=60, **changes))


def rng():
    return np.random.default_rng(0)


def bn_experiment():
    return BNExperiment(ClassifierSettings(n=60, hidden=[4], batchnorm=True))


HOSTILE = {
    # optimizers and schedules
    "lr NaN": (lambda: make_optimizer("sgd", NAN), "lr must be in (0, inf)"),
    "lr None": (lambda: make_optimizer("sgd", None), "lr must be a number, got None"),
    "lr text": (lambda: make_optimizer("sgd", "0.1"), "lr must be a number"),
    "lr True": (lambda: make_optimizer("sgd", True), "lr must be a number, got True"),
    "lr huge int": (lambda: make_optimizer("sgd", 10**400), "lr must be a number"),
    "lr empty array": (lambda: make_optimizer("sgd", np.array([])), "lr must hold at least one"),
    "beta text": (lambda: make_optimizer("momentum", 0.1, beta="x"), "beta must be a number"),
    "bias correction 'false'": (lambda: make_optimizer("adam", 0.1, bias_correction="false"),
                                "bias_correction must be true or false"),
    "optimizer None": (lambda: make_optimizer(None), "unknown optimizer None"),
    "step(None, None)": (lambda: sgd().step(None, None), "params and grads must be lists"),
    "step length mismatch": (lambda: sgd().step([np.zeros(2)], []), "1 parameter arrays but 0"),
    "schedule every text": (lambda: make_schedule("staircase", 0.1, every="10"), "every must be"),
    "schedule at NaN": (lambda: make_schedule("exponential", 0.1)(NAN), "epoch must be in"),
    "schedule at text": (lambda: make_schedule("exponential", 0.1)("x"), "epoch must be a number"),
    "alpha0 True": (lambda: make_schedule("constant", True), "alpha0 must be a number"),
    # surfaces
    "surface None": (lambda: get_surface(None), "unknown surface None"),
    "grid 0": (lambda: BOWL.grid(0), "grid size must be in [2, 2000]"),
    "grid text": (lambda: BOWL.grid("a"), "grid size must be an integer"),
    "grid huge": (lambda: BOWL.grid(10**6), "grid size must be in [2, 2000], got 1000000"),
    # data sets
    "n True": (lambda: make_dataset("blobs", n=True), "n must be an integer, got True"),
    "n 300.0": (lambda: make_dataset("blobs", n=300.0), "n must be an integer"),
    "n huge": (lambda: make_dataset("blobs", n=10**30), "n must be in [10, 100000]"),
    "n negative": (lambda: make_dataset("blobs", n=-5), "n must be in [10, 100000], got -5"),
    "classes text": (lambda: make_dataset("blobs", classes="3"), "classes must be an integer"),
    "noise NaN": (lambda: make_dataset("blobs", noise=NAN), "noise must be in [0, 1]"),
    "test share NaN": (lambda: make_dataset("blobs", test_fraction=NAN), "test_fraction must be"),
    "data set None": (lambda: make_dataset(None), "unknown data set None"),
    "data spec n text": (lambda: DataSpec(n="a").build(), "n must be an integer"),
    # training
    "points 1-D": (lambda: featurize(np.zeros(2), ["x1"]), "points X must have shape (m, 2)"),
    "points None": (lambda: featurize(None, ["x1"]), "X must be an array of numbers"),
    "hidden '16'": (lambda: trainer(hidden="16"), "hidden must be a list of integers, got '16'"),
    "hidden None": (lambda: trainer(hidden=None), "hidden must be a list of integers"),
    "hidden [0]": (lambda: trainer(hidden=[0]), "hidden layer sizes must be in [1, 64]"),
    "batch 1.5": (lambda: trainer(batch_size=1.5), "batch_size must be an integer, got 1.5"),
    "batch True": (lambda: trainer(batch_size=True), "batch_size must be an integer, got True"),
    "batch 0": (lambda: trainer(batch_size=0), "batch_size must be in [1, inf)"),
    "classes '3'": (lambda: trainer(classes="3"), "classes must be an integer, got '3'"),
    "lr NaN (settings)": (lambda: trainer(lr=NAN), "lr must be a finite number"),
    "batchnorm 'false'": (lambda: trainer(batchnorm="false"), "batchnorm must be true or false"),
    "hyper None": (lambda: trainer(hyper=None), "hyper must be a JSON object"),
    "features 'x1'": (lambda: trainer(features="x1"), "features must be a list of names"),
    "data set None (settings)": (lambda: trainer(dataset=None), "dataset must be text"),
    "BN momentum 1 - 1e-16": (lambda: trainer(hidden=[4], batchnorm=True, bn_momentum=1 - 1e-16),
                              "bn_momentum must be in [0, 0.9999]"),
    "unknown setting": (lambda: ClassifierSettings().replace(colour="red"),
                        "unknown classifier setting 'colour'"),
    "add NaN point": (lambda: trainer().add_point(NAN, 0.0, 0), "finite coordinates"),
    "add point class None": (lambda: trainer().add_point(0.0, 0.0, None), "class must be an integer"),
    "add point class 1.5": (lambda: trainer().add_point(0.0, 0.0, 1.5), "class must be an integer"),
    "add point class huge": (lambda: trainer().add_point(0.0, 0.0, 10**30), "class must be in [0, 2]"),
    "added point [0, 0]": (lambda: ClassifierTrainer(added=[(0.0, 0.0)]), "a point is [x, y, class]"),
    "remove at NaN": (lambda: trainer().remove_nearest(NAN, 0.0), "must be two finite numbers"),
    "remove at text": (lambda: trainer().remove_nearest("a", 0.0), "must be [w1, w2], two numbers"),
    "remove radius -1": (lambda: trainer().remove_nearest(0.0, 0.0, -1), "radius must be in [0, inf)"),
    "probe at NaN": (lambda: trainer().probe(NAN, 0.0), "probed point must be two finite numbers"),
    "probe label text": (lambda: trainer().probe(0.0, 0.0, "a"), "label must be an integer"),
    "grid of 0": (lambda: trainer().proba_grid(0), "grid size must be in [2, 2000]"),
    # the network and batch norm
    "sizes None": (lambda: MLP(None), "sizes must be a list of layer sizes"),
    "sizes [True, 3]": (lambda: MLP([True, 3]), "input size must be an integer, got True"),
    "sizes negative": (lambda: MLP([2, -3, 3]), "hidden layer sizes must be in [1, 512]"),
    "sizes huge": (lambda: MLP([2, 10**30, 3]), "hidden layer sizes must be in [1, 512]"),
    "dtype 'banana'": (lambda: MLP([2, 3], dtype="banana"), "dtype must be float32 or float64"),
    "initialize('a')": (lambda: MLP([2, 3]).initialize("a"), "seed must be an integer"),
    "load_state_dict(None)": (lambda: MLP([2, 3]).load_state_dict(None), "state must be a dict"),
    "forward NaN X": (lambda: MLP([2, 3]).forward(np.full((2, 2), NAN)), "X must hold finite numbers"),
    "forward text": (lambda: MLP([2, 3]).forward("a"), "X must be an array of numbers"),
    "BN momentum NaN": (lambda: BatchNorm(2, momentum=NAN), "momentum must be in [0, 0.9999]"),
    "BN momentum 1 - 1e-16 (layer)": (lambda: BatchNorm(2, momentum=1 - 1e-16), "momentum must be in"),
    "BN dim True": (lambda: BatchNorm(True), "batch norm dim must be an integer, got True"),
    "set_bn_momentum NaN": (lambda: MLP([2, 3, 3], batchnorm=True).set_bn_momentum(NAN), "momentum"),
    "BN experiment pop_every 0": (lambda: BNExperiment(pop_every=0), "pop_every must be in [1, inf)"),
    "BN series of no record": (lambda: bn_experiment().series("zzz", 0, 0), "unknown record 'zzz'"),
    "BN series layer text": (lambda: bn_experiment().series("gamma", "a", 0), "layer must be an integer"),
    "BN snapshot of nothing": (lambda: bn_experiment().snapshot_series("zzz", 0, 0), "unknown snapshot"),
    "BN unit beyond": (lambda: bn_experiment().column(0, 4), "unit must be in [0, 3], got 4"),
    "histogram bins huge": (lambda: histogram([1.0, 2.0], 0, 1, 10**12), "bins must be in [1, 10000]"),
    "histogram bins text": (lambda: histogram([1.0, 2.0], 0, 1, "a"), "bins must be an integer"),
    "recorder width text": (lambda: Recorder("a"), "width must be an integer"),
    "recorder width 0": (lambda: Recorder(0), "width must be in [1, inf), got 0"),
    # softmax
    "softmax NaN": (lambda: softmax(np.array([NAN, 0.0])), "no NaN"),
    "softmax empty": (lambda: softmax(np.array([])), "at least one number"),
    "softmax text": (lambda: softmax("ab"), "logits z must be an array of numbers"),
    "probe z inf": (lambda: softmax_steps([INF, 0.0]), "z must be in [-1e+06, 1e+06]"),
    "probe z empty": (lambda: softmax_steps([]), "z must hold at least one number"),
    "probe z 2-D": (lambda: softmax_steps([[1, 2], [3, 4]]), "one per class"),
    "probe label 1.5": (lambda: softmax_steps([1.0, 2.0], 1.5), "label must be an integer"),
    "probe label True": (lambda: softmax_steps([1.0, 2.0], True), "label must be an integer"),
    "typed z None": (lambda: parse_z(None), "z must be typed as text"),
    "typed z 1e400": (lambda: parse_z("1e400, 2"), "z must be finite numbers"),
    # racing
    "racer start NaN": (lambda: Racer(BOWL, sgd(), (NAN, 0.0)), "start must be two finite numbers"),
    "racer start text": (lambda: Racer(BOWL, sgd(), ("a", 0.0)), "start must be [w1, w2]"),
    "racer start (1,)": (lambda: Racer(BOWL, sgd(), (1.0,)), "start must be [w1, w2]"),
    "racer start None": (lambda: Racer(BOWL, sgd(), None), "start must be [w1, w2]"),
    "racer noise text": (lambda: Racer(BOWL, sgd(), (0, 0), noise="a"), "noise must be a number"),
    "racer noise None": (lambda: Racer(BOWL, sgd(), (0, 0), noise=None), "noise must be a number"),
    "racer noise NaN": (lambda: Racer(BOWL, sgd(), (0, 0), noise=NAN), "noise must be in [0, inf)"),
    "racer seed text": (lambda: Racer(BOWL, sgd(), (0, 0), seed="a"), "seed must be an integer"),
    "racer reset to inf": (lambda: Racer(BOWL, sgd(), (0, 0)).reset((INF, 0)), "finite numbers"),
    "basin map n 0": (lambda: basin_map(BOWL, sgd, n=0), "n must be in [2, 2000], got 0"),
    "basin map n text": (lambda: basin_map(BOWL, sgd, n="a"), "n must be an integer"),
    "basin map n huge": (lambda: basin_map(BOWL, sgd, n=10**9), "n must be in [2, 2000]"),
    "basin map steps -1": (lambda: basin_map(BOWL, sgd, n=4, steps=-1), "steps must be in [1,"),
    "rate map steps 0": (lambda: momentum_rate_map(BOWL, [0.1], [0.5], steps=0), "steps must be in"),
    "rate map α NaN": (lambda: momentum_rate_map(BOWL, [NAN], [0.5]), "alphas must be in (0, inf)"),
    "rate map empty": (lambda: momentum_rate_map(BOWL, [], []), "alphas must hold at least one"),
    "rate map axes n text": (lambda: momentum_axes(BOWL, n_alpha="a"), "n_alpha must be an integer"),
    "class under text": (lambda: label_under(trainer(), "a", 0.0, 0), "must be [w1, w2], two numbers"),
    # race settings and specs
    "settings a list": (lambda: RaceSettings.from_dict([]), "expected a JSON object"),
    "settings start 5": (lambda: RaceSettings.from_dict({"start": 5}), "start must be [w1, w2]"),
    "settings start text": (lambda: RaceSettings.from_dict({"start": ["a", 0]}), "two numbers"),
    "settings start NaN": (lambda: build_race(RaceSettings.from_dict({"start": [NAN, 0]})),
                           "outside the surface"),
    "enabled a list": (lambda: RaceSettings.from_dict({"enabled": [1, 2]}),
                       "enabled must be a JSON object"),
    "enabled 'false'": (lambda: RaceSettings.from_dict({"enabled": {"sgd": "false"}}),
                        "enabled sgd must be true or false, got 'false'"),
    "hyper text": (lambda: RaceSettings.from_dict({"hyper": {"sgd": "a"}}), "hyper sgd must be"),
    "hyper lr text": (lambda: build_race(RaceSettings.from_dict({"hyper": {"sgd": {"lr": "a"}}})),
                      "lr must be a number"),
    "noise text (settings)": (lambda: RaceSettings.from_dict({"noise": "a"}), "noise must be a number"),
    "noise NaN (settings)": (lambda: RaceSettings.from_dict({"noise": NAN}), "noise must be in"),
    "seed inf": (lambda: RaceSettings.from_dict({"seed": INF}), "seed must be an integer"),
    "seed 1.5": (lambda: RaceSettings.from_dict({"seed": 1.5}), "seed must be an integer, got 1.5"),
    "seed True": (lambda: RaceSettings.from_dict({"seed": True}), "seed must be an integer, got True"),
    "decay params a list": (lambda: RaceSettings.from_dict({"schedule_params": [1]}),
                            "schedule_params must be a JSON object"),
    "decay param text": (lambda: RaceSettings.from_dict({"schedule_params": {"base": "a"}}),
                         "base must be a number"),
    "schedule None": (lambda: RaceSettings.from_dict({"schedule": None}), "unknown schedule"),
    "selected None": (lambda: RaceSettings.from_dict({"selected": None}), "unknown optimizer"),
    "check_start text": (lambda: check_start(BOWL, "a", 0), "start must be [w1, w2]"),
    "check_start None": (lambda: check_start(BOWL, None, 0), "start must be [w1, w2]"),
    "optimizer spec lr text": (lambda: OptimizerSpec("sgd", "a").build(), "lr must be a number"),
    "optimizer spec name": (lambda: OptimizerSpec("zzz").full_hyper, "unknown optimizer 'zzz'"),
    "optimizer spec hyper None": (lambda: OptimizerSpec("sgd", 0.1, None), "hyper must be a JSON"),
    "surface spec None": (lambda: SurfaceSpec(None).build(), "unknown surface None"),
    # tuning.scale
    "uniform n -1": (lambda: scale.uniform(0, 1, -1, rng()), "n must be in [1, 10000000], got -1"),
    "uniform n text": (lambda: scale.uniform(0, 1, "a", rng()), "n must be an integer"),
    "uniform low NaN": (lambda: scale.uniform(NAN, 1, 3, rng()), "low must be in"),
    "log-uniform from 0": (lambda: scale.log_uniform(0, 1, 3, rng()), "a log scale cannot reach 0"),
    "log-uniform reversed": (lambda: scale.log_uniform(1, 0.1, 3, rng()), "high must be in (1, inf)"),
    "1 - β up to 1": (lambda: scale.one_minus_log(0.9, 1.0, 3, rng()), "beta_high must be in"),
    "window at β = 1": (lambda: scale.averaging_window(1.0), "must be in"),
    "window at text": (lambda: scale.averaging_window("a"), "must be a number"),
}


@pytest.mark.parametrize("call, words", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_raises_value_error_naming_it(call, words):
    with np.errstate(all="ignore"), pytest.raises(ValueError) as err:
        call()
    assert words in str(err.value)


def test_softmax_of_an_infinite_logit_is_its_limit_not_nan():
    np.testing.assert_array_equal(softmax(np.array([INF, 0.0])), [1.0, 0.0])
    np.testing.assert_array_equal(softmax(np.array([[INF, INF, 1.0]])), [[0.5, 0.5, 0.0]])
    np.testing.assert_array_equal(softmax(np.array([-INF, 0.0])), [0.0, 1.0])


def test_twenty_points_eight_classes_and_a_90_percent_test_share_still_train():
    data = make_dataset("blobs", n=20, classes=8, test_fraction=0.9)
    assert sorted(set(data.y_train.tolist())) == list(range(8))  # every class keeps a point
    t = ClassifierTrainer(ClassifierSettings(n=20, classes=8, test_fraction=0.9))
    t.run_epochs(3)
    assert np.all(np.isfinite(t.history.train_loss)) and np.all(np.isfinite(t.history.test_loss))


def test_batch_norm_at_the_largest_momentum_still_bias_corrects_the_variance():
    bn = BatchNorm(3, momentum=MAX_EWA_MOMENTUM)
    z = np.random.default_rng(0).normal(2.0, 3.0, size=(64, 3))
    bn.forward(z)
    np.testing.assert_allclose(bn.running_var_corrected, z.var(axis=0), rtol=1e-6)
    np.testing.assert_allclose(bn.running_mean_corrected, z.mean(axis=0), rtol=1e-6)


def test_a_refused_removal_removes_nothing():
    t = trainer()
    before = len(t.y_train)
    with pytest.raises(ValueError):
        t.remove_nearest(NAN, NAN)
    assert len(t.y_train) == before


def test_a_refused_settings_leaves_the_trainer_as_it_was():
    t = trainer()
    before = t.settings
    with pytest.raises(ValueError, match="hidden must be a list of integers"):
        t.apply(before.replace(hidden=None))
    assert t.settings == before and t.model.sizes == [2, 3]


def test_accepted_values_are_the_values_in_force():
    assert make_optimizer("adam", 0.1, bias_correction=False).hyper["bias_correction"] is False
    assert RaceSettings.from_dict({"enabled": {"sgd": False}}).enabled["sgd"] is False
    assert RaceSettings.from_dict({"start": [1, 2]}).start == (1.0, 2.0)
    assert BOWL.nearest_minimum(NAN, 0.0) == -1  # NaN is near no minimum
    assert trainer().remove_nearest(5.0, 5.0) is False  # nothing there: a correct answer
    assert make_schedule("exponential", 0.1)(np.array([])).shape == (0,)  # no epochs: no α
