"""The shared settings vocabulary (simulator/specs.py) and what each optimizer tells the UI."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulator.datasets import make_dataset
from simulator.optimizers import OPTIMIZERS, STAGE_KEYS, STAGE_NOTES, make_optimizer
from simulator.schedules import Schedule
from simulator.specs import DataSpec, ModelSpec, OptimizerSpec, SurfaceSpec
from simulator.surfaces import SURFACES
from simulator.training import ClassifierSettings


def test_optimizer_spec_builds_a_number_or_a_schedule():
    opt = OptimizerSpec("momentum", 0.1, {"beta": 0.8}).build()
    assert opt.name == "momentum" and opt.lr == 0.1 and opt.hyper["beta"] == 0.8
    decayed = OptimizerSpec("sgd", 0.2, schedule="inverse_time", schedule_params={"decay_rate": 1.0})
    opt = decayed.build()
    assert isinstance(opt.lr, Schedule)
    assert opt.learning_rate(1) == pytest.approx(0.1) and opt.learning_rate(2) == pytest.approx(0.2 / 3)


@pytest.mark.parametrize("spec, words", [
    (OptimizerSpec("adam", 0.0), "lr must be in (0, inf), got 0"),
    (OptimizerSpec("adam", 0.1, {"beta1": 1.0}), "beta1 must be in [0, 1), got 1"),
    (OptimizerSpec("nadam", 0.1), "unknown optimizer 'nadam'"),
    (OptimizerSpec("sgd", 0.1, schedule="cosine"), "unknown schedule 'cosine'"),
    (OptimizerSpec("sgd", 0.1, schedule="exponential", schedule_params={"base": 2.0}),
     "base must be in (0, 1], got 2"),
])
def test_optimizer_spec_refuses_bad_values_by_name(spec, words):
    with pytest.raises(ValueError) as err:
        spec.build()
    assert words in str(err.value)


def test_specs_are_frozen_and_own_their_dicts():
    hyper = {"beta": 0.9}
    spec = OptimizerSpec("momentum", 0.1, hyper)
    hyper["beta"] = 0.1
    assert spec.hyper == {"beta": 0.9}
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.lr = 1.0
    assert OptimizerSpec("momentum", 0.1, {"beta": 0.9}) == spec
    assert ModelSpec(hidden=[4, 4]) == ModelSpec(hidden=(4, 4))


def test_data_and_surface_specs_build_what_the_engine_builds():
    d = DataSpec("spiral", 120, 3, 0.1, 0.25, 7).build()
    e = make_dataset("spiral", n=120, classes=3, noise=0.1, seed=7, test_fraction=0.25)
    assert np.array_equal(d.X_train, e.X_train) and np.array_equal(d.y_test, e.y_test)
    assert SurfaceSpec("himmelblau").build() is SURFACES["himmelblau"]
    with pytest.raises(ValueError, match="unknown surface 'mountain'"):
        SurfaceSpec("mountain").build()


def test_which_spec_changed_says_what_to_rebuild():
    base = ClassifierSettings()
    assert not dataclasses.replace(base, lr=0.5, l2=0.1, batch_size=8).needs_rebuild(base)
    assert dataclasses.replace(base, noise=0.3).needs_rebuild(base)
    assert dataclasses.replace(base, hidden=[3]).needs_rebuild(base)
    assert dataclasses.replace(base, seed=1).needs_rebuild(base)
    assert base.optimizer_spec == OptimizerSpec("adam", 0.03)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_each_optimizer_describes_itself_in_the_notes_notation(name):
    cls = OPTIMIZERS[name]
    assert cls.title and cls.rule and cls.rule[-1].startswith("W := W − α")
    assert cls.stages[0] == "gradient" and cls.stages[-1] == "step"
    assert all(stage in STAGE_NOTES for stage in cls.stages)
    opt = make_optimizer(name, 0.1)
    w = np.array([1.0, -2.0])
    opt.step([w], [np.array([0.5, 0.25])])
    keys = {k for stage in cls.stages for k in STAGE_KEYS[stage]}
    assert keys == set(cls.state_names) <= set(opt.state[0])
