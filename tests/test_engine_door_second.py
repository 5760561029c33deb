"""The engine's door, second round (issue 22): a bad value given to a public entry point is
refused with a ValueError that names the argument, never a TypeError, a KeyError, an
OverflowError, a MemoryError or a silent NaN; empty input gives an error or the documented
result. Each case below failed in one of those ways before."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.batchnorm.experiment import BNExperiment, default_settings
from simulator.nn.functional import softmax_cross_entropy
from simulator.nn.layers import BatchNorm
from simulator.nn.mlp import MLP
from simulator.nn.stack import MLPStack
from simulator.optimizers import make_optimizer
from simulator.racing import momentum_rate_map
from simulator.schedules import make_schedule
from simulator.surfaces import SURFACES
from simulator.tuning.space import Axis, SearchSpace
from simulator.tuning.sweep import Sweep, run_search
from simulator.tuning.trials import Objective, default_base

BOWL = SURFACES["bowl"]


def _bn_state_without(key: str) -> tuple[MLP, dict]:
    model = MLP([2, 4, 3], batchnorm=True)
    state = model.state_dict()
    del state[key]
    return model, state


def _lr_nan_step():
    opt = make_optimizer("sgd", lambda epoch: float("nan"))
    opt.step([np.zeros(2)], [np.ones(2)])


def _int_params_step():
    make_optimizer("adam", 0.1).step([np.zeros(2, dtype=int)], [np.ones(2)])


def _set_negative_running_var():
    BatchNorm(3).running_var = np.array([-1.0, 1.0, 1.0])


CASES = {
    "MLP activation []": (lambda: MLP([2, 3], activation=[]), "activation"),
    "MLPStack activation []": (lambda: MLPStack([2, 3], 2, activation=[]), "activation"),
    "MLPStack n_models 1e9": (lambda: MLPStack([2, 3], 10**9), "n_models"),
    "MLPStack l2 text": (lambda: MLPStack([2, 3], 2, l2="0.1"), "l2"),
    "MLPStack loss on NaN": (
        lambda: MLPStack([2, 3], 2).loss(np.full((4, 2), np.nan), np.zeros(4, int)), "X"),
    "load_state_dict without running_mean": (
        lambda: (lambda m, s: m.load_state_dict(s))(*_bn_state_without("running_mean1")),
        "running_mean1"),
    "Surface.f huge int": (lambda: BOWL.f(10**400, 0.0), "w1"),
    "Surface.f None": (lambda: BOWL.f(None, 0.0), "w1"),
    "Surface.grad text": (lambda: BOWL.grad(0.0, "a"), "w2"),
    "softmax_cross_entropy of none": (
        lambda: softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0, int)), "at least 1"),
    "MLP.accuracy of none": (
        lambda: MLP([2, 3]).accuracy(np.zeros((0, 2)), np.zeros(0, int)), "at least 1"),
    "population_stats of none": (
        lambda: MLP([2, 3, 3], batchnorm=True).population_stats(np.zeros((0, 2))), "at least 1"),
    "BatchNorm test time, negative var": (
        lambda: BatchNorm(3).forward(np.zeros((2, 3)), training=False, var=[-1.0, 1.0, 1.0]),
        "var"),
    "BatchNorm running_var negative": (_set_negative_running_var, "running_var"),
    "inverse_sqrt k = 1e308": (lambda: make_schedule("inverse_sqrt", 10.0, k=1e308), "k"),
    "learning rate callable gives NaN": (_lr_nan_step, "learning rate"),
    "integer params to opt.step": (_int_params_step, r"params\[0\]"),
    "momentum map from the minimum": (
        lambda: momentum_rate_map(BOWL, [0.1], [0.5], start=BOWL.minima[0]), "minimum"),
    "run_search executor 'pool'": (
        lambda: run_search(SearchSpace([Axis("lr", "log", 1e-3, 1.0)]),
                           Objective(default_base()), "grid", 4, executor="pool"), "executor"),
    "SearchSpace(None)": (lambda: SearchSpace(None), "axes"),
    "Sweep given a dict": (lambda: Sweep(Objective(default_base()), {"alpha": 0.1}), "params_list"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_value_is_refused_by_name(case):
    call, name = CASES[case]
    with np.errstate(all="ignore"), pytest.raises(ValueError, match=name):
        call()


def test_a_refused_state_leaves_the_model_as_it_was():
    model = MLP([2, 4, 3], batchnorm=True, seed=1)
    before = model.state_dict()
    bad = MLP([2, 4, 3], batchnorm=True, seed=2).state_dict()
    bad["running_var1"] = -np.ones_like(bad["running_var1"])
    with pytest.raises(ValueError, match="running_var1"):
        model.load_state_dict(bad)
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_a_huge_float_on_a_surface_overflows_to_inf_not_an_error():
    with np.errstate(all="ignore"):
        assert BOWL.f(1e308, 1e308) == np.inf


def test_batch_norm_without_a_test_set_measures_on_the_training_set():
    """The documented result, not NaN: with no test set the test-time accuracy is the training
    set's."""
    exp = BNExperiment(default_settings().replace(test_fraction=0.0))
    acc = exp.test_accuracy("population")
    assert 0.0 <= acc <= 1.0
