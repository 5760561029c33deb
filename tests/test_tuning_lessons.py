"""Every lesson in the tuning lab's LESSONS, engine half first (no Qt): its settings round-trip and
refuse bad data, it steps here, its run in units gives what stepping here gives, and an older
run's changes are dropped. Then through the controller and the page: Play runs it (in the worker
or on the timer), its tab, panel and view are the entry's. A new lesson gets these with its entry."""

from __future__ import annotations

import json

import pytest

from simulator.work import Partial
from ui.labs.tuning import KEYS, LESSONS

# Small runs, so that each lesson ends in a second; a lesson not named here runs its defaults.
SMALL = {"scale": {"draws": 100}, "search": {"budget": 4, "epochs": 3},
         "coarse": {"budget": 4, "epochs": 3}, "caviar": {"models": 4, "epochs": 3}, "panda": {"epochs": 3},
         "halving": {"trials": 4, "min_epochs": 1}, "population": {"size": 4, "interval": 2, "epochs": 4},
         "repeats": {"repeats": 2, "budget": 4, "epochs": 2}, "retest": {"grid": 4, "epochs": 2}}
ENTRIES = pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.key)


def small(entry):
    lesson = entry.lesson()
    lesson.configure(**SMALL.get(entry.key, {}))
    return lesson


def curves(lesson) -> list:
    """What the views draw of a lesson's run: its trials' curves, or its draws."""
    if hasattr(lesson, "all_trials"):
        return [(t.params, t.status, t.val_acc) for t in lesson.all_trials()]
    return [list(lesson.run.values(p, s)) for p, s in (("alpha", "log"), ("beta", "uniform"))]


def test_the_registry_lists_nine_lessons_in_the_notes_order_each_key_once():
    assert KEYS == ("scale", "search", "repeats", "coarse", "retest", "caviar", "panda", "halving",
                    "population")
    assert len({e.title for e in LESSONS}) == len(LESSONS)


@ENTRIES
def test_settings_round_trip_and_bad_data_is_refused(entry):
    lesson = small(entry)
    saved = json.loads(json.dumps(lesson.settings_dict()))
    assert entry.lesson.from_dict(saved).settings == lesson.settings
    assert entry.lesson.from_dict({}).settings == entry.lesson().settings  # defaults
    for bad in (["not", "an", "object"], {"no such setting": 1}):
        with pytest.raises((TypeError, ValueError)):
            entry.lesson.from_dict(bad)
    with pytest.raises(ValueError):
        lesson.configure(seed=-1)  # every lesson has a seed; the engine names it
    assert lesson.settings_dict() == saved  # refused: unchanged


@ENTRIES
def test_a_run_in_units_gives_what_stepping_here_gives(entry):
    """The worker's loop, here: every unit's changes received as the window would; the copies the
    views draw end equal to a lesson stepped to its end here."""
    worker = small(entry)
    run = worker.training()
    units = 0
    for _ in run.units:
        units += 1
        assert worker.receive(run.partial())
    assert worker.receive(run.partial()) and worker.done and worker.progress == pytest.approx(1.0)
    assert units >= 1 and worker.iteration >= 1
    here = small(entry)
    if not entry.lesson.steps_here:  # it runs whole (successive halving), and Step says so
        with pytest.raises(ValueError, match="press Play"):
            here.advance(1)
        assert here.iteration == 0
        return
    here.advance(10_000)
    assert here.done and curves(here) == curves(worker)
    here.reset()
    assert here.iteration == 0 and not here.done


@ENTRIES
def test_an_older_runs_changes_are_dropped(entry):
    lesson = small(entry)
    run = lesson.training()
    run.train(1)
    late = run.partial()
    lesson.reset()
    assert not lesson.receive(late) and lesson.iteration == 0
    assert lesson.receive(Partial(lesson.generation, 0.0, lesson.training().changes()))


# -- through the controller and the page -----------------------------------------------------------


@ENTRIES
def test_play_runs_the_lesson_to_its_end_and_its_settings_round_trip(qtbot, make_controller, entry):
    lab = make_controller("tuning")
    notes = []
    lab.message.connect(notes.append)
    assert lab.set_lesson(entry.key) and lab.configure(entry.key, **SMALL.get(entry.key, {}))
    lab.set_speed(lab.MAX_SPEED)
    lab.play()
    assert lab.running
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    lesson = lab.lessons[entry.key]
    assert lesson.done and lab.iteration >= 1 and notes[-1] == lesson.end_note()
    other = make_controller("tuning")
    assert other.load(json.loads(json.dumps(lab.state())))
    assert other.lesson_key == entry.key and other.settings_dict() == lab.settings_dict()


@ENTRIES
def test_its_tab_panel_and_view_are_the_entrys(make_page, entry):
    page = make_page("tuning")
    page.tabs.setCurrentIndex(KEYS.index(entry.key))
    assert page.lab.lesson_key == entry.key
    assert page.tabs.tabText(KEYS.index(entry.key)) == entry.title
    assert isinstance(page.view, entry.view) and page.views[entry.key].view is page.view
    assert isinstance(page.panel.stack.currentWidget(), entry.panel)
    assert page.panel.run_box.unit == entry.lesson.unit
    page.redraw(force=True)
    assert page.explain_html == entry.explain(page.lab.lesson)

