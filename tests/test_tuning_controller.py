"""The tuning lab's controller, without a page: draws per step, the end of a run, settings the
engine refuses, saved state and presets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.tuning import BATCH, ScaleSettings
from tests.conftest import FROZEN_S


def draws_of(lab):
    """The Scale lesson's draws (``ScaleRun``)."""
    return lab.lessons["scale"].run


def scale_settings(lab):
    return lab.lessons["scale"].settings


@pytest.fixture
def lab(make_controller):
    return make_controller("tuning")


def set_end(lab, param: str, end: str, value: float) -> bool:
    """One end of α's or β's range, as the Scale panel's fields change it."""
    pair = list(getattr(scale_settings(lab), param))
    pair[("low", "high").index(end)] = value
    return lab.configure("scale", **{param: tuple(pair)})


def messages(lab) -> tuple[list[str], list[str]]:
    errors, notes = [], []
    lab.error.connect(errors.append)
    lab.message.connect(notes.append)
    return errors, notes


def test_defaults(lab):
    assert lab.key == "tuning" and lab.speed == lab.DEFAULT_SPEED == 1
    assert scale_settings(lab) == ScaleSettings()
    saved = lab.settings_dict()
    assert saved["lesson"] == "scale" == lab.lesson_key
    assert saved["scale"] == {"alpha": [1e-4, 1.0], "beta": [0.9, 0.999], "draws": 1000, "seed": 0}
    assert lab.iteration == 0 and draws_of(lab).drawn == 0 and not draws_of(lab).done


def test_each_step_draws_one_batch_of_each_kind(qtbot, lab):
    with qtbot.waitSignal(lab.stepped):
        lab.step()
    assert lab.iteration == 1 and draws_of(lab).drawn == BATCH
    lab.run(3)
    assert lab.iteration == 4 and draws_of(lab).drawn == 4 * BATCH
    assert len(draws_of(lab).values("beta", "log")) == 4 * BATCH


def test_the_run_stops_at_the_total_and_play_starts_over(qtbot, lab):
    errors, notes = messages(lab)
    assert lab.configure("scale", draws=50)
    lab.play()
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    assert draws_of(lab).done and draws_of(lab).drawn == 50 and lab.iteration == 3  # 20 + 20 + 10
    assert "All 50 draws" in notes[-1] and not errors
    lab.step()  # nothing left to draw
    assert lab.iteration == 3
    first = draws_of(lab).values("alpha", "log").copy()
    lab.play()  # from the end: start over, from the seed
    assert lab.running and draws_of(lab).drawn < 50
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    np.testing.assert_array_equal(draws_of(lab).values("alpha", "log"), first)


def test_a_bad_range_is_refused_with_the_engines_message_and_the_draws_stay(qtbot, lab):
    errors, _ = messages(lab)
    lab.run(5)
    before = draws_of(lab).values("alpha", "uniform").copy()
    with qtbot.waitSignal(lab.settings_changed):  # the widgets are put back
        assert set_end(lab, "alpha", "low", 0.0) is False
    assert errors[-1] == "α low must be in (0, 1), got 0"
    assert set_end(lab, "alpha", "high", 1e-5) is False
    assert errors[-1] == "α high must be in (0.0001, 1000], got 1e-05"
    assert set_end(lab, "beta", "high", 1.0) is False
    assert errors[-1] == "β high must be in (0.9, 1), got 1"
    assert set_end(lab, "beta", "low", float("nan")) is False
    assert "β low must be in [0, 0.999)" in errors[-1]
    assert lab.configure("scale", draws=0) is False and "number of draws must be in [1, 100000]" in errors[-1]
    assert lab.configure("scale", seed=-1) is False and "seed" in errors[-1]
    assert scale_settings(lab) == ScaleSettings() and lab.iteration == 5
    np.testing.assert_array_equal(draws_of(lab).values("alpha", "uniform"), before)


def test_a_good_change_starts_the_draws_over_and_clears_the_message(lab):
    _, notes = messages(lab)
    lab.run(5)
    assert set_end(lab, "beta", "high", 0.9999)
    assert scale_settings(lab).beta[1] == 0.9999 and lab.iteration == 0
    assert notes[-1] == ""
    lab.run(50)
    assert draws_of(lab).values("beta", "log").max() > 0.999  # the new range is drawn
    assert lab.configure("scale", seed=3) and scale_settings(lab).seed == 3


def test_reset_gives_the_same_draws_and_seeds_differ(lab):
    lab.run(4)
    first = draws_of(lab).values("beta", "uniform").copy()
    lab.reset()
    assert lab.iteration == 0 and draws_of(lab).drawn == 0
    lab.run(4)
    np.testing.assert_array_equal(draws_of(lab).values("beta", "uniform"), first)
    lab.configure("scale", seed=1)
    lab.run(4)
    assert not np.array_equal(draws_of(lab).values("beta", "uniform"), first)


def test_state_round_trip_and_refused_states(make_controller, lab):
    set_end(lab, "alpha", "low", 0.001)
    lab.configure("scale", draws=300)
    saved = json.loads(json.dumps(lab.state()))
    other = make_controller("tuning")
    assert other.load(saved) and scale_settings(other) == scale_settings(lab)
    errors, _ = messages(other)
    for bad in ({"alpha": [0, 1]}, {"draws": 1e400}, {"draws": "many"}, {"colour": "red"},
                {"version": 1, "settings": {"beta": [0.9, 1.5]}}):
        assert not other.load(bad)
        assert errors[-1].startswith("could not load")
        assert scale_settings(other) == scale_settings(lab)


def test_old_scale_settings_at_the_top_level_still_load(make_controller, lab):
    """States saved before the lab had lessons held the Scale settings at the top level."""
    lab.set_lesson("scale")
    old = {"alpha": [0.001, 0.1], "beta": [0.9, 0.99], "draws": 400, "seed": 2}
    for state in (old, {"version": 1, "settings": old, "speed": 3}):
        other = make_controller("tuning")
        assert other.load(state)
        assert other.lesson_key == "scale" and scale_settings(other) == ScaleSettings(
            alpha=(0.001, 0.1), beta=(0.9, 0.99), draws=400, seed=2)
        assert other.settings_dict()["scale"] == old


# -- the search lessons, Caviar and Panda through the controller -----------------------------------


def small(lab, **changes):
    assert lab.configure("search", **{"budget": 4, "epochs": 3, **changes})
    return lab.lessons["search"]


def test_every_lessons_settings_round_trip(make_controller, lab):
    assert lab.set_lesson("panda")
    assert lab.configure("search", budget=16, seed=3)
    assert lab.configure("search", axis=1, name="beta")
    assert lab.configure("caviar", models=32, alpha=(1e-3, 0.3))
    assert lab.configure("panda", lr=0.01)  # not started: its starting α
    saved = json.loads(json.dumps(lab.state()))
    other = make_controller("tuning")
    assert other.load(saved) and other.settings_dict() == lab.settings_dict()
    assert other.lesson_key == "panda" and other.lessons["search"].settings.names == ("lr", "beta")
    assert other.lessons["caviar"].settings.alpha == (1e-3, 0.3)
    assert other.lessons["panda"].settings.value("lr") == 0.01


def test_the_search_in_the_worker_gives_the_engines_results(qtbot, lab):
    from simulator.tuning.sweep import run_search

    lesson = small(lab, seed=2)
    assert lab.set_lesson("search")
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    s = lesson.settings
    for method in ("grid", "random"):
        expected = run_search(s.space, s.objective, method, s.budget, s.seed)
        got = lesson.trials[method]
        assert [t.params for t in got] == [t.params for t in expected]
        assert [t.val_acc for t in got] == [t.val_acc for t in expected]


def test_step_trains_one_epoch_here_and_play_goes_on_from_there(qtbot, lab):
    lesson = small(lab)
    lab.set_lesson("search")
    lab.step()
    assert lab.iteration == 1 and not lab.busy
    assert all(t.epochs == 1 for t in lesson.all_trials())
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    assert lab.iteration == 3 and lesson.done


def test_a_settings_change_during_a_search_stops_it_first(qtbot, lab):
    lesson = small(lab, epochs=5000)
    lab.set_lesson("search")
    lab.play()
    qtbot.waitUntil(lambda: lesson.iteration >= 1, timeout=30000)
    assert lab.configure("search", seed=1)
    # At once, without waiting for the worker: paused, the new settings in force, nothing trained.
    assert not lab.running and lesson.settings.seed == 1 and lesson.iteration == 0
    qtbot.waitUntil(lambda: not lab.busy, timeout=5000)  # the old run stops within an epoch
    assert lesson.iteration == 0 and not lesson.all_trials()  # and what it sent last was dropped


def test_a_search_on_a_process_pool_gives_the_same_trials(qtbot, lab):
    lesson = small(lab, run_on="pool", budget=2, epochs=2)
    lab.set_lesson("search")
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    pooled = {m: [t.val_acc for t in ts] for m, ts in lesson.trials.items()}
    assert lab.configure("search", run_on="local")
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    assert pooled == {m: [t.val_acc for t in ts] for m, ts in lesson.trials.items()}


def test_a_malformed_scheduler_address_is_refused(lab):
    errors, _ = messages(lab)
    assert lab.configure("search", address="my scheduler") is False
    assert "tcp://host:8786" in errors[-1]
    assert lab.lessons["search"].settings.address != "my scheduler"


@pytest.mark.slow
def test_a_search_on_a_dask_cluster_from_the_page_gives_the_local_trials(qtbot, lab):
    import distributed  # in the test extra
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        lesson = small(lab, run_on="dask", budget=2, epochs=2)
        assert lab.configure("search", address=cluster.scheduler_address)
        lab.set_lesson("search")
        lab.play()
        qtbot.waitUntil(lambda: not lab.busy, timeout=120000)
    assert all(t.status == "done" and t.epochs == 2 for ts in lesson.trials.values() for t in ts)
    on_dask = {m: [t.val_acc for t in ts] for m, ts in lesson.trials.items()}
    assert [len(v) for v in on_dask.values()] == [1, 2]  # a 2-trial grid on 2 axes is 1 × 1
    assert lab.configure("search", run_on="local")
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    assert on_dask == {m: [t.val_acc for t in ts] for m, ts in lesson.trials.items()}


def test_an_unreachable_scheduler_fails_with_a_message_and_keeps_the_settings(qtbot, lab):
    errors, _ = messages(lab)
    lesson = small(lab, run_on="dask", budget=2, epochs=2)
    assert lab.configure("search", address="tcp://127.0.0.1:9")  # nothing listens on port 9
    lesson.connect_s = 1.0  # not the page's 10 s: the message is the same
    lab.set_lesson("search")
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    assert "127.0.0.1:9" in errors[-1]
    assert lesson.settings.run_on == "dask" and lesson.settings.budget == 2


def test_pause_stops_a_search_waiting_on_an_address_that_never_answers(qtbot, lab, ticks):
    """An address that accepts and stays silent (an HTTP server, as Dask's dashboard on :8787 is)
    held the worker for ever: "Training … on a Dask cluster…" stayed, Pause could not stop it, and
    closing waited. The window answers all along, Pause ends the wait, and the settings stay."""
    from tests.test_tuning_sweep import _Listener

    errors, notes = messages(lab)
    listener = _Listener()
    try:
        lesson = small(lab, run_on="dask", budget=2, epochs=2)
        assert lab.configure("search", address=listener.address)
        lesson.connect_s = 3600  # only Pause can end this wait
        lab.set_lesson("search")
        lab.play()
        qtbot.waitUntil(lambda: bool(listener.held), timeout=30000)  # it is connecting
        qtbot.wait(200)
        assert lab.busy
        lab.pause()
        qtbot.waitUntil(lambda: not lab.busy, timeout=10000)
    finally:
        listener.close()
    assert ticks.longest < FROZEN_S
    assert not errors and lesson.settings.address == listener.address
    assert not any(t.epochs for ts in lesson.trials.values() for t in ts)


def test_an_address_that_is_not_dask_fails_with_a_message(qtbot, lab, ticks):
    from tests.test_tuning_sweep import _Listener

    errors, _ = messages(lab)
    listener = _Listener(b"HTTP/1.0 400 Bad Request\r\n\r\n")
    try:
        lesson = small(lab, run_on="dask", budget=2, epochs=2)
        assert lab.configure("search", address=listener.address)
        lesson.connect_s = 1.0
        lab.set_lesson("search")
        lab.play()
        qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    finally:
        listener.close()
    assert ticks.longest < FROZEN_S
    assert listener.address in errors[-1] and "not a Dask scheduler" in errors[-1]


def test_caviar_steps_every_model_and_panda_marks_its_changes(lab):
    assert lab.set_lesson("caviar") and lab.configure("caviar", models=8, epochs=3)
    lab.run(5)
    caviar = lab.lessons["caviar"]
    assert caviar.done and lab.iteration == 3 and len(caviar.all_trials()) == 8
    alphas = [t.params["lr"] for t in caviar.all_trials()]
    assert len(set(alphas)) == 8 and 1e-4 <= min(alphas) and max(alphas) <= 1.0
    assert lab.configure("caviar", models=257) is False
    assert lab.set_lesson("panda")
    lab.run(2)
    assert lab.configure("panda", lr=0.02) and lab.configure("panda", beta=0.95)
    trial = lab.lessons["panda"].trial
    assert trial.marks == [(2, {"lr": 0.02}), (2, {"beta": 0.95})] and trial.epochs == 2
    assert lab.configure("panda", beta=1.5) is False and trial.params["beta"] == 0.95


def test_successive_halving_runs_whole_in_the_worker_and_keeps_the_best_third(qtbot, lab):
    errors, _ = messages(lab)
    assert lab.set_lesson("halving") and lab.configure("halving", trials=9, min_epochs=1)
    lab.step()  # it runs whole: Step says so
    assert "press Play" in errors[-1] and lab.iteration == 0
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    result = lab.lessons["halving"].result
    assert result is not None and [len(r.indices) for r in result.rounds] == [9, 3, 1]
    last = result.rounds[-1].indices[0]
    assert max(result.trials, key=lambda t: t.epochs).index == last
    assert result.trials[last].epochs == result.rounds[-1].epochs
    assert lab.configure("halving", trials=0) is False and "trials must be in [1, 729]" in errors[-1]


def test_the_population_copies_the_strong_into_the_weak(lab):
    assert lab.set_lesson("population") and lab.configure("population", size=8, interval=2, epochs=6)
    lab.run(10)
    pbt = lab.lessons["population"].pbt
    assert lab.lessons["population"].done and pbt.epoch == 6
    assert pbt.events and all(e % 2 == 0 for e, _, _ in pbt.events)
    assert all(len(h) == 6 for h in pbt.history)
    assert lab.configure("population", size=1) is False
