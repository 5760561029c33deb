"""Caviar and Population train in the worker: the window draws copies that the worker's changes
keep equal to the training, Pause keeps the run and Play goes on from there, and the curves are
drawn from a store that takes only the new epochs and strides long runs."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.tuning.lessons import CaviarLesson, CaviarSettings, PopulationLesson, PopulationSettings
from simulator.work import Partial
from ui.labs.tuning.views.caviar import MAX_PER_CURVE, Curves, stride_for


def run_in_this_thread(lesson) -> list:
    """What the worker does, here: every partial received as the window would."""
    partials = []
    run = lesson.training()
    for _ in run.units:
        partials.append(run.partial())
        assert lesson.receive(partials[-1])
    assert lesson.receive(run.partial())  # the last changes, as the worker's loop sends them
    return partials


def same_trials(copies, trained) -> None:
    assert len(copies) == len(trained)
    for c, t in zip(copies, trained, strict=True):
        assert c is not t
        assert (c.status, c.reason, c.params, c.marks) == (t.status, t.reason, t.params, t.marks)
        assert c.val_acc == t.val_acc and c.val_loss == t.val_loss and c.train_loss == t.train_loss


def test_the_population_the_window_draws_is_the_one_that_trained():
    lesson = PopulationLesson(PopulationSettings(size=6, interval=2, epochs=7))
    partials = run_in_this_thread(lesson)
    pbt, trained = lesson.pbt, lesson.population
    assert partials and pbt is not trained and lesson.done and pbt.epoch == 7
    same_trials(pbt.members, trained.members)
    assert pbt.history == trained.history and pbt.events == trained.events and pbt.events
    assert pbt.best().index == trained.best().index and lesson.progress == 1.0


def test_caviar_copies_follow_the_models_and_a_stale_run_is_dropped():
    lesson = CaviarLesson(CaviarSettings(models=6, alpha=(1e-3, 30.0), epochs=5))
    old = lesson.generation
    run_in_this_thread(lesson)
    same_trials(lesson.all_trials(), lesson.sweep.trials)
    assert lesson.done and lesson.iteration == 5
    assert any(t.status == "diverged" for t in lesson.all_trials())  # α up to 30 blows up
    lesson.reset()
    assert not lesson.receive(Partial(old, 1.0, []))  # a worker's changes from the run before


def test_caviar_trained_in_the_worker_equals_caviar_trained_here(qtbot, make_controller):
    here = CaviarLesson(CaviarSettings(models=8, epochs=6))
    here.advance(6)
    lab = make_controller("tuning")
    assert lab.set_lesson("caviar") and lab.configure("caviar", models=8, epochs=6)
    lab.set_speed(lab.MAX_SPEED)
    notes = []
    lab.message.connect(notes.append)
    lab.play()
    assert lab.searching  # training in the worker, the window free
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    lesson = lab.lessons["caviar"]
    assert lesson.done and "All 8 models" in notes[-1]
    for a, b in zip(lesson.all_trials(), here.all_trials(), strict=True):
        assert a.val_acc == b.val_acc and a.params == b.params


def test_pause_keeps_the_population_and_play_goes_on_from_there(qtbot, make_controller):
    lab = make_controller("tuning")
    assert lab.set_lesson("population") and lab.configure("population", size=4, epochs=400)
    lab.set_speed(lab.MAX_SPEED)
    notes = []
    lab.message.connect(notes.append)
    lesson = lab.lessons["population"]
    lab.play()
    qtbot.waitUntil(lambda: lesson.iteration >= 2, timeout=30000)  # partial results came in
    lab.pause()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    paused_at, generation = lesson.iteration, lesson.generation
    assert 2 <= paused_at < 400 and notes[-1] == f"Paused after epoch {paused_at}: Play goes on from here."
    assert lesson.pbt.epoch == lesson.population.epoch  # the copy caught up when the worker stopped
    lab.play()
    qtbot.waitUntil(lambda: lesson.iteration > paused_at, timeout=30000)
    lab.pause()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    assert lesson.generation == generation and not lesson.done
    assert all(len(h) == lesson.iteration for h in lesson.pbt.history)  # not started over


def test_play_straight_after_pause_goes_on_training(qtbot, make_controller):
    lab = make_controller("tuning")
    assert lab.set_lesson("population") and lab.configure("population", size=4, epochs=400)
    lab.set_speed(lab.MAX_SPEED)
    lesson = lab.lessons["population"]
    lab.play()
    qtbot.waitUntil(lambda: lesson.iteration >= 2, timeout=30000)
    lab.pause()
    lab.play()  # before the cancelled worker has stopped
    assert lab.running and lab.searching
    at = lesson.iteration
    qtbot.waitUntil(lambda: lesson.iteration > at + 2, timeout=30000)
    assert lab.running  # the old job's end did not stop the new one
    lab.pause()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)


def test_step_trains_one_epoch_here_while_paused(make_controller):
    lab = make_controller("tuning")
    assert lab.set_lesson("caviar") and lab.configure("caviar", models=4, epochs=3)
    lab.step()
    lab.step()
    lesson = lab.lessons["caviar"]
    assert lesson.iteration == 2 and not lab.busy
    same_trials(lesson.all_trials(), lesson.sweep.trials)


def test_the_store_takes_only_new_values_and_starts_a_row_over_when_it_shrinks():
    series = [[0.1, 0.2], [0.5]]
    store = Curves(transform=lambda v: 2 * v)
    assert store.update(series)
    series[0] += [0.3]
    assert store.update(series) and not store.update(series)
    np.testing.assert_allclose(store.row(0), [0.2, 0.4, 0.6])
    x, y = store.path([0, 1])
    np.testing.assert_allclose(x[:5], [0, 1, 2, np.nan, 0])  # split by NaN
    np.testing.assert_allclose(y, [0.2, 0.4, 0.6, np.nan, 1.0, np.nan, np.nan])  # row 1 is shorter
    store.update([[0.9], [0.5]])  # another run: row 0 again from the start
    np.testing.assert_allclose(store.row(0), [1.8])


@pytest.mark.parametrize("rows, epochs", [(1, 10_000), (16, 10_000), (256, 10_000), (256, 60)])
def test_a_long_run_is_drawn_strided_with_its_last_point(rows, epochs):
    store = Curves()
    store.update([list(np.linspace(0, 1, epochs + 1))] * rows)
    stride = stride_for(rows, epochs)
    x, y = store.path(range(rows), stride)
    per_curve = (len(x) + 1) // rows - 1
    assert per_curve <= MAX_PER_CURVE + 1 and x[-1] == epochs and y[-1] == 1.0
    assert stride == 1 or per_curve >= 250  # still a smooth curve
    if epochs <= 300:
        assert per_curve == epochs + 1  # short runs: every epoch


def test_a_controller_shut_down_while_its_worker_trains_is_deleted_cleanly(qtbot):
    """Closing a page mid-run: the worker stops and its last signals reach the controller while
    it is alive, not a deleted one later (pytest-qt fails the test on an error in a slot)."""
    from ui.labs.tuning.controller import TuningController

    lab = TuningController()
    assert lab.set_lesson("caviar") and lab.configure("caviar", models=8, epochs=5000)
    lab.set_speed(lab.MAX_SPEED)
    lab.play()
    qtbot.waitUntil(lambda: lab.lessons["caviar"].iteration >= 2, timeout=30000)
    lab.shutdown()
    assert not lab.busy and not lab.running
    lab.deleteLater()
    qtbot.wait(100)
