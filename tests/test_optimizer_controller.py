"""The optimizer lab's controller without a page: settings, saved states, presets, running,
narration and the two maps."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.race_settings import OPTIMIZER_NAMES
from simulator.racing import CONVERGED, DIVERGED, RUNNING
from simulator.surfaces import SURFACES
from ui.labs import entry_for


@pytest.fixture
def lab(make_controller):
    return make_controller("optimizers")


def record(signal) -> list:
    got = []
    signal.connect(lambda *a: got.append(a[0] if a else None))
    return got


def preset(name_start: str) -> dict:
    return next(p for p in entry_for("optimizers").presets() if p["name"].startswith(name_start))


# -- defaults and setters -------------------------------------------------------------------------


def test_defaults(lab):
    assert lab.key == "optimizers" and lab.MAX_SPEED == 100 and lab.speed == lab.DEFAULT_SPEED == 5
    assert lab.surface is SURFACES["ravine"] and lab.start == SURFACES["ravine"].start
    assert list(lab.racers) == list(OPTIMIZER_NAMES)
    assert lab.settings.selected == "adam" and lab.selected_racer is lab.racers["adam"]
    assert lab.settings.hyper["sgd"]["lr"] == SURFACES["ravine"].suggested_lr["sgd"]


def test_set_surface_resets_start_and_rates(lab):
    lab.set_start(1.0, 1.0)
    assert lab.set_surface("himmelblau")
    s = SURFACES["himmelblau"]
    assert lab.settings.surface.name == "himmelblau" and lab.surface is s
    assert lab.start == s.start and lab.settings.start is None
    assert all(lab.settings.hyper[n]["lr"] == s.suggested_lr[n] for n in OPTIMIZER_NAMES)
    assert all(r.surface is s for r in lab.racers.values())


def test_unknown_surface_is_refused_with_the_engines_message(lab):
    errors = record(lab.error)
    changed = record(lab.settings_changed)
    assert not lab.set_surface("mountain")
    assert "unknown surface 'mountain'" in errors[-1]
    assert changed  # the widgets are put back to the settings in force
    assert lab.settings.surface.name == "ravine"


def test_start_outside_the_domain_is_refused(lab):
    errors = record(lab.error)
    assert not lab.set_start(100.0, 0.0)
    assert "outside the surface" in errors[-1] and "w1 must be in" in errors[-1]
    assert not lab.set_start(float("nan"), 0.0)
    assert lab.start == SURFACES["ravine"].start
    assert lab.set_start(1.0, -1.5)
    assert all(np.allclose(r.path[0], (1.0, -1.5)) for r in lab.racers.values())


def test_bad_hyperparameter_keeps_the_race(lab):
    lab.step()
    errors = record(lab.error)
    assert not lab.set_hyper("adam", "lr", 0)
    assert "lr must be in (0, inf), got 0" in errors[-1]
    assert not lab.set_hyper("momentum", "beta", 1.0)
    assert "beta must be in [0, 1), got 1" in errors[-1]
    assert lab.iteration == 1  # not rebuilt
    assert lab.set_hyper("momentum", "beta", 0.5)
    assert lab.racers["momentum"].optimizer.hyper["beta"] == 0.5 and lab.iteration == 0


def test_disabling_the_explained_racer_moves_the_explanation(lab):
    assert lab.set_enabled("adam", False)
    assert "adam" not in lab.racers and lab.settings.selected == "sgd"
    for name in OPTIMIZER_NAMES:
        lab.set_enabled(name, False)
    assert lab.racers == {} and lab.selected_racer is None
    lab.run(3)  # nothing to run: no error
    assert lab.iteration == 0


def test_select_and_unknown_names(lab):
    errors = record(lab.error)
    assert lab.select("momentum") and lab.settings.selected == "momentum"
    assert not lab.select("lion") and "unknown optimizer 'lion'" in errors[-1]
    assert not lab.set_enabled("lion", True)
    assert lab.settings.selected == "momentum"


def test_schedule_noise_and_seed(lab):
    errors = record(lab.error)
    assert lab.set_schedule("inverse_time", decay_rate=1.0)
    lab.run(2)
    sgd = lab.racers["sgd"].optimizer
    assert sgd.alpha == pytest.approx(lab.settings.hyper["sgd"]["lr"] / 3)
    assert not lab.set_schedule("cosine") and "unknown schedule 'cosine'" in errors[-1]
    assert not lab.set_schedule("exponential", base=2.0) and "base must be in (0, 1]" in errors[-1]
    assert lab.settings.schedule == "inverse_time"
    assert not lab.set_noise(-1) and "noise must be in [0, inf)" in errors[-1]
    assert not lab.set_seed(-3)
    assert lab.set_noise(0.3) and lab.set_seed(5)
    assert all(r.noise == 0.3 for r in lab.racers.values())


def test_momentum_pair_is_clipped_to_the_map_and_rounded(lab):
    assert lab.set_momentum_pair(0.123456789, 0.87654321)
    h = lab.settings.hyper["momentum"]
    assert h["lr"] == 0.12346 and h["beta"] == 0.8765
    lab.set_momentum_pair(1e6, 2.0)
    top = lab.momentum_map().alphas[-1]  # the map's α range is the surface's, around its α
    assert lab.settings.hyper["momentum"]["lr"] == pytest.approx(top, rel=1e-4)
    assert lab.settings.hyper["momentum"]["beta"] == 0.999


def test_speed_is_clamped(lab):
    lab.set_speed(1000)
    assert lab.speed == 100
    lab.set_speed(0)
    assert lab.speed == 1


def test_surface_option_of_the_command_line(lab):
    (option,) = entry_for("optimizers").options
    assert option.flag == "--surface" and option.apply(lab, "rosenbrock")
    assert lab.surface.name == "rosenbrock"
    assert not option.apply(lab, "nope")


# -- running --------------------------------------------------------------------------------------


def test_diverging_racer_stops_others_go_on(lab):
    messages = record(lab.message)
    lab.set_hyper("sgd", "lr", 5.0)  # far above 2/50, the stable limit on the ravine
    for _ in range(40):
        lab.step()
    assert lab.racers["sgd"].status == DIVERGED
    assert lab.racers["adam"].iteration == 40
    assert [m for m in messages if "SGD" in m] == [messages[0]]  # said once
    assert messages[0].startswith("SGD diverged at iteration")


def test_tick_pauses_when_every_racer_has_stopped_and_play_restarts(lab):
    lab.set_surface("bowl")
    lab.set_speed(100)
    messages = record(lab.message)
    lab.play()
    for _ in range(100_000):  # the top notch: as many steps a tick as fit in the frame budget
        if not lab.running:
            break
        lab.tick()
    assert not lab.running and not lab.race.running
    assert all(r.status == CONVERGED for r in lab.racers.values())
    assert any("converged to the global minimum at iteration" in m for m in messages)
    lab.play()  # runs the race again from the start
    assert lab.running and lab.iteration == 0
    lab.pause()


def test_saddle_presets_show_noise_escaping(lab):
    stuck, noisy = preset("Saddle point: stuck"), preset("Saddle point: noise")
    messages = record(lab.message)
    assert lab.load(stuck["settings"])
    lab.race.step(600)
    assert abs(lab.racers["sgd"].w[1]) < 1e-6  # never leaves the ridge
    lab.run(1)
    assert lab.racers["sgd"].outcome in (RUNNING, "stuck")
    assert lab.load(noisy["settings"])
    lab.race.step(600)
    assert abs(lab.racers["sgd"].w[1]) > 0.5  # escaped to a minimum at w2 = +-1
    assert not any("diverged" in m for m in messages)


def test_every_preset_loads_its_surface_and_speed_and_steps(lab):
    for p in entry_for("optimizers").presets():
        assert lab.load(p["settings"]), p["name"]
        assert lab.settings.surface.name == p["settings"]["surface"]
        assert lab.speed == p["settings"]["speed"]
        lab.step()
        assert lab.race.iteration == 1


def test_narrated_step_goes_through_the_stages_without_moving_until_the_last(lab):
    lab.select("rmsprop")
    lab.set_narrate(True)
    seen = []
    for _ in range(3):
        lab.step()
        n = lab.narration
        seen.append(n["stages"][n["index"]])
        assert lab.iteration == (1 if seen[-1] == "step" else 0)
    assert seen == ["gradient", "second moment", "step"] and lab.narration["done"]
    r = lab.racers["rmsprop"]
    assert np.allclose(lab.narration["w_next"], r.w)
    lab.step()  # the next update's first stage
    assert lab.narration["index"] == 0 and lab.narration["t"] == 2
    lab.set_narrate(False)
    assert lab.narration is None
    lab.step()
    assert lab.iteration == 2


def test_narrating_a_stopped_racer_says_so(lab):
    errors = record(lab.error)
    lab.set_hyper("adam", "lr", 1e3)
    lab.run(10)
    assert lab.racers["adam"].status == DIVERGED
    lab.set_narrate(True)
    lab.step()
    assert "Adam has stopped (diverged); press R to reset" in errors[-1]


# -- saved state ----------------------------------------------------------------------------------


def test_state_round_trip(make_controller, lab):
    lab.set_surface("beale")
    lab.set_hyper("adam", "beta1", 0.8)
    lab.set_schedule("staircase", factor=0.5, every=50)
    lab.set_speed(17)
    state = json.loads(json.dumps(lab.state()))
    other = make_controller("optimizers")
    assert other.load(state)
    s = other.settings
    assert s.surface.name == "beale" and s.hyper["adam"]["beta1"] == 0.8
    assert s.schedule == "staircase" and s.schedule_params == {"factor": 0.5, "every": 50}
    assert other.speed == 17 and other.settings_dict() == lab.settings_dict()


def test_settings_dict_keeps_the_old_format(lab):
    d = lab.settings_dict()
    assert set(d) == {"surface", "start", "enabled", "hyper", "schedule", "schedule_params",
                      "noise", "seed", "speed", "selected", "twins"}
    assert d["surface"] == "ravine" and d["start"] is None and d["speed"] == 5


def test_a_session_saved_by_the_previous_version_loads(make_controller, lab):
    old = {"surface": "plateau", "start": None, "enabled": {n: True for n in OPTIMIZER_NAMES},
           "hyper": {"sgd": {"lr": 0.5}}, "schedule": "constant", "schedule_params": {},
           "noise": 0.25, "seed": 2, "speed": 9, "selected": "sgd"}
    assert lab.load(old)
    assert lab.settings.surface.name == "plateau" and lab.settings.noise == 0.25
    assert lab.speed == 9 and lab.settings.hyper["sgd"]["lr"] == 0.5
    assert lab.load({"surface": "saddle"})  # the oldest files: a few keys
    assert lab.surface.name == "saddle"


@pytest.mark.parametrize("data, words", [
    ({"surface": "mountain"}, "unknown surface 'mountain'"),
    ({"hyper": {"adam": {"lr": -1}}}, "lr must be in (0, inf), got -1"),
    ({"start": [1, 2, 3]}, "start must be [w1, w2]"),
    ({"enabled": {"lion": True}}, "unknown optimizer 'lion'"),
    ({"schedule": "cosine"}, "unknown schedule 'cosine'"),
    ({"speed": "fast"}, "could not load"),
    ({"seed": 1e400}, "could not load"),
    ([1, 2], "could not load"),
])
def test_malformed_settings_keep_state(lab, data, words):
    lab.set_surface("himmelblau")
    lab.step()
    before = lab.settings_dict()
    errors = record(lab.error)
    assert not lab.load(data)
    assert words in errors[-1]
    assert lab.settings_dict() == before
    assert lab.race.iteration == 1


# -- the maps -------------------------------------------------------------------------------------


def test_basin_map_runs_in_the_worker(qtbot, lab):
    lab.set_surface("himmelblau")
    progress = record(lab.basin_progress)
    assert lab.compute_basin_map(40, 150)
    assert lab.busy and lab.basin_running
    assert not lab.compute_basin_map(40, 150)  # one at a time
    qtbot.waitUntil(lambda: not lab.busy, timeout=20000)
    b = lab.basin
    assert b.labels.shape == (40, 40) and b.surface is lab.surface and b.optimizer == "adam"
    assert set(np.unique(b.labels)) >= {0, 1, 2, 3}
    assert sum(b.shares.values()) == pytest.approx(1.0)
    assert progress[0] == 0.0 and progress[-1] == pytest.approx(1.0)


def test_basin_map_uses_the_racers_optimizer(qtbot, lab):
    lab.set_surface("himmelblau")
    lab.select("sgd")
    lab.set_hyper("sgd", "lr", 5.0)  # absurd: nearly every start diverges
    lab.compute_basin_map(15, 50)
    qtbot.waitUntil(lambda: not lab.busy, timeout=20000)
    assert lab.basin.optimizer == "sgd" and lab.basin.shares[-1] > 0.9


def test_basin_map_cancel_and_surface_change(qtbot, lab):
    messages = record(lab.message)
    lab.compute_basin_map(300, 5000)
    lab.cancel_basin_map()
    qtbot.waitUntil(lambda: not lab.busy, timeout=20000)
    assert lab.basin is None and "Basin map cancelled" in messages
    lab.compute_basin_map(300, 5000)
    lab.set_surface("bowl")  # the map would be of another surface: cancelled and cleared
    qtbot.waitUntil(lambda: not lab.busy, timeout=20000)
    assert lab.basin is None


def test_momentum_map_is_computed_once_per_surface_and_start(lab):
    m = lab.momentum_map()
    assert m.rates.shape == (100, 120) and m.surface is lab.surface and m.start == lab.start
    assert lab.momentum_map() is m
    assert np.nanmin(m.rates) < 1.0 and m.best[2] == np.min(m.rates)
    lab.set_start(-2.0, 1.0)
    assert lab.momentum_map() is not m and lab.momentum_map().start == (-2.0, 1.0)


def test_a_twin_of_another_kind_loads_over_the_twin_in_force(lab):
    """A twin's value is a number ("lr") or true/false ("decay"): loading one over the other (a
    preset after a preset) is adopted whole, not refused for its kind."""
    assert lab.load(preset("Local minimum")["settings"])
    assert lab.settings.twins[0]["value"] == 4.0
    assert lab.load(preset("Learning-rate decay")["settings"])
    assert lab.settings.twins == [{"of": "sgd", "key": "decay", "value": False}]
    assert not lab.load({"twins": [{"of": "sgd", "key": "decay", "value": 3}]})  # still checked
    assert lab.settings.twins == [{"of": "sgd", "key": "decay", "value": False}]
