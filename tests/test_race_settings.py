"""The optimizer lab's settings: JSON in and out, checks at the door, and the one place where
they become racers."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from simulator.optimizers import OPTIMIZERS
from simulator.race_settings import (
    OPTIMIZER_NAMES,
    RaceSettings,
    alpha_curve,
    build_race,
    check_start,
    default_hyper,
)
from simulator.schedules import Schedule
from simulator.specs import OptimizerSpec, SurfaceSpec
from simulator.surfaces import SURFACES


def test_defaults_follow_the_surface():
    s = RaceSettings()
    assert s.surface == SurfaceSpec("ravine") and s.start is None and s.selected == "adam"
    assert s.hyper == default_hyper(SURFACES["ravine"])
    assert s.hyper["adam"] == {"lr": SURFACES["ravine"].suggested_lr["adam"], **OPTIMIZERS["adam"].defaults}
    assert all(s.enabled[n] for n in OPTIMIZER_NAMES)


def test_to_dict_is_the_saved_format_and_round_trips():
    s = RaceSettings().with_surface(SurfaceSpec("beale")).replace(
        start=(1.0, 2.0), schedule="staircase", schedule_params={"factor": 0.5, "every": 50.0},
        noise=0.2, seed=3, selected="sgd")
    d = json.loads(json.dumps(s.to_dict()))
    assert d["surface"] == "beale" and d["start"] == [1.0, 2.0]
    assert set(d) == {"surface", "start", "enabled", "hyper", "schedule", "schedule_params",
                      "noise", "seed", "selected", "twins"}
    assert RaceSettings.from_dict(d) == s


def test_from_dict_fills_what_is_left_out_and_ignores_speed():
    s = RaceSettings.from_dict({"surface": "himmelblau", "hyper": {"sgd": {"lr": 0.005}},
                                "enabled": {"rmsprop": False}, "speed": 7})
    assert s.surface.name == "himmelblau" and s.hyper["sgd"]["lr"] == 0.005
    assert s.hyper["adam"]["lr"] == SURFACES["himmelblau"].suggested_lr["adam"]
    assert s.enabled == {"sgd": True, "momentum": True, "rmsprop": False, "adam": True}


@pytest.mark.parametrize("data, error, words", [
    ([1, 2], ValueError, "expected a JSON object"),
    ({"surface": "mountain"}, ValueError, "unknown surface 'mountain'"),
    ({"start": [1, 2, 3]}, ValueError, "start must be [w1, w2]"),
    ({"enabled": {"lion": True}}, ValueError, "unknown optimizer 'lion'"),
    ({"hyper": {"lion": {}}}, ValueError, "unknown optimizer 'lion'"),
    ({"schedule": "cosine"}, ValueError, "unknown schedule 'cosine'"),
    ({"selected": "lion"}, ValueError, "unknown optimizer 'lion'"),
    ({"noise": "loud"}, ValueError, "noise must be a number"),
])
def test_from_dict_refuses_bad_fields(data, error, words):
    with pytest.raises(error) as exc:
        RaceSettings.from_dict(data)
    assert words in str(exc.value)


def test_changes_make_copies():
    s = RaceSettings()
    t = s.with_hyper("momentum", "beta", 0.5)
    assert t.hyper["momentum"]["beta"] == 0.5 and s.hyper["momentum"]["beta"] == 0.9
    with pytest.raises(ValueError, match="no race setting"):
        s.replace(speed=3)
    with pytest.raises(ValueError, match="unknown optimizer"):
        s.with_hyper("lion", "lr", 0.1)


def test_with_surface_resets_start_and_rates_and_keeps_the_rest():
    s = RaceSettings().replace(start=(1.0, 1.0), noise=0.3).with_hyper("adam", "beta1", 0.8)
    t = s.with_surface(SurfaceSpec("himmelblau"))
    assert t.start is None and t.noise == 0.3 and t.hyper["adam"]["beta1"] == 0.8
    assert all(t.hyper[n]["lr"] == SURFACES["himmelblau"].suggested_lr[n] for n in OPTIMIZER_NAMES)
    with pytest.raises(ValueError, match="unknown surface"):
        s.with_surface(SurfaceSpec("mountain"))


def test_with_enabled_moves_the_explained_racer():
    s = RaceSettings().with_enabled("adam", False)
    assert s.selected == "sgd" and not s.enabled["adam"]
    assert RaceSettings().with_enabled("sgd", False).selected == "adam"


def test_optimizer_spec_is_the_racers_optimizer():
    s = RaceSettings().replace(schedule="inverse_time", schedule_params={"decay_rate": 1.0})
    spec = s.optimizer_spec("momentum")
    assert spec == OptimizerSpec("momentum", s.hyper["momentum"]["lr"], {"beta": 0.9},
                                 "inverse_time", {"decay_rate": 1.0})
    opt = spec.build()
    assert isinstance(opt.lr, Schedule) and opt.lr(1) == pytest.approx(spec.lr / 2)


def test_build_race_builds_the_enabled_racers_on_one_surface():
    s = RaceSettings().with_enabled("rmsprop", False).replace(noise=0.1, seed=5, start=(1.0, -1.0))
    race = build_race(s)
    assert list(race.racers) == ["sgd", "momentum", "adam"]
    surfaces = {id(r.surface) for r in race.racers.values()} | {id(race.surface)}
    assert surfaces == {id(SURFACES["ravine"])}
    assert all(tuple(r.path[0]) == (1.0, -1.0) and r.noise == 0.1 for r in race.racers.values())
    assert race.racers["adam"].seed == (5, OPTIMIZER_NAMES.index("adam"))
    assert race.racers["adam"].optimizer.hyper["beta2"] == 0.999


@pytest.mark.parametrize("changes, words", [
    ({"noise": -0.1}, "noise must be in [0, inf), got -0.1"),
    ({"seed": -1}, "seed must be in [0, 2147483647], got -1"),
    ({"schedule": "cosine"}, "unknown schedule 'cosine'"),
])
def test_build_race_refuses_bad_settings_even_with_no_racer(changes, words):
    for s in (RaceSettings(), RaceSettings(enabled=dict.fromkeys(OPTIMIZER_NAMES, False))):
        with pytest.raises(ValueError) as exc:
            build_race(s.replace(**changes))
        assert words in str(exc.value)


def test_build_race_refuses_a_bad_hyperparameter_or_decay():
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\), got -1"):
        build_race(RaceSettings().with_hyper("adam", "lr", -1))
    with pytest.raises(ValueError, match=r"base must be in \(0, 1\]"):
        build_race(RaceSettings().replace(schedule="exponential", schedule_params={"base": 0.0}))


def test_build_race_refuses_a_start_off_the_surface():
    with pytest.raises(ValueError, match="outside the surface"):
        build_race(RaceSettings.from_dict({"surface": "bowl", "start": [float("nan"), 0]}))
    with pytest.raises(ValueError, match="outside the surface"):
        build_race(RaceSettings.from_dict({"surface": "ravine", "start": [50, 0]}))


def test_check_start():
    s = SURFACES["ravine"]
    assert check_start(s, 1, -1) == (1.0, -1.0)
    for x, y in ((100.0, 0.0), (0.0, float("nan")), (float("inf"), 0.0)):
        with pytest.raises(ValueError, match="outside the surface: w1 must be in"):
            check_start(s, x, y)


def test_alpha_curve():
    spec = OptimizerSpec("sgd", 0.2, schedule="exponential", schedule_params={"base": 0.9})
    t, a = alpha_curve(spec, 500)
    assert t[0] == 1 and t[-1] == 500 and len(a) == 500
    np.testing.assert_allclose(a, 0.2 * 0.9**t)
    t, a = alpha_curve(OptimizerSpec("sgd", 0.2), 10)
    assert np.all(a == 0.2)
    # an invalid decay draws α itself rather than failing
    _, a = alpha_curve(OptimizerSpec("sgd", 0.2, schedule="exponential",
                                     schedule_params={"base": 2.0}), 10)
    assert np.all(a == 0.2)


def test_a_twin_is_its_racer_again_with_one_setting_changed():
    s = RaceSettings.from_dict({"surface": "ravine", "twins": [
        {"of": "adam", "key": "bias_correction", "value": False},
        {"of": "momentum", "key": "beta", "value": 0.5}]})
    race = build_race(s)
    assert list(race.racers) == ["sgd", "momentum", "momentum_b", "rmsprop", "adam", "adam_b"]
    assert race.racers["adam_b"].optimizer.hyper["bias_correction"] is False
    assert race.racers["adam"].optimizer.hyper["bias_correction"] is True
    assert race.racers["momentum_b"].optimizer.hyper["beta"] == 0.5
    assert race.racers["momentum_b"].label == "Momentum, β = 0.5"
    assert race.racers["adam_b"].label == "Adam, bias correction off"
    assert RaceSettings.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_a_decay_twin_runs_at_constant_alpha_with_the_same_noise():
    s = RaceSettings.from_dict({"surface": "bowl", "noise": 0.5, "seed": 3, "schedule": "inverse_time",
                                "schedule_params": {"decay_rate": 0.5},
                                "enabled": {"sgd": True, "momentum": False, "rmsprop": False, "adam": False},
                                "twins": [{"of": "sgd", "key": "decay", "value": False}]})
    assert s.optimizer_spec("sgd_b").schedule == "constant"
    assert s.optimizer_spec("sgd").schedule == "inverse_time"
    race = build_race(s)
    race.step(1)
    a, b = race.racers["sgd"], race.racers["sgd_b"]
    assert np.array_equal(a.last_grad, b.last_grad)  # the same noise: only α differs
    race.step(5)
    assert b.optimizer.alpha == 0.1 > a.optimizer.alpha


@pytest.mark.parametrize("twins, match", [
    ([{"of": "adam", "key": "bias_correction", "value": False}] * 2, "one twin"),
    ([{"of": "sgd", "key": "lr", "value": 0.1}, {"of": "adam", "key": "lr", "value": 0.1},
      {"of": "momentum", "key": "lr", "value": 0.1}], "at most 2"),
    ([{"of": "sgd", "key": "beta", "value": 0.5}], "twin's setting"),
    ([{"of": "adam", "key": "bias_correction", "value": 1}], "true or false"),
    ([{"of": "adam", "key": "beta1", "value": 1.5}], "beta1"),
    ([{"of": "nope", "key": "lr", "value": 0.1}], "optimizer"),
])
def test_bad_twins_are_refused_naming_the_problem(twins, match):
    with pytest.raises(ValueError, match=match):
        build_race(RaceSettings(twins=twins))


def test_settings_are_frozen_checked_when_made_and_own_their_dicts():
    hyper = default_hyper(SURFACES["ravine"])
    s = RaceSettings(hyper=hyper)
    hyper["adam"]["lr"] = 99.0
    assert s.hyper["adam"]["lr"] == SURFACES["ravine"].suggested_lr["adam"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.noise = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match=r"noise must be in \[0, inf\), got -1"):
        RaceSettings(noise=-1.0)  # refused when made, not when the race is built
    with pytest.raises(ValueError, match="beta1"):
        s.with_hyper("adam", "beta1", 1.5)
    assert s.hyper["adam"]["beta1"] == 0.9  # the refused change left the settings as they were
