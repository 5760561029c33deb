"""The Re-test lesson: the notes' "re-test your hyperparameters occasionally". The same α grid,
searched before and after the data grew, at equal settings except the data's size; what the two
searches found, and the tab that draws it."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.tuning.lessons.retest import ALPHA, RetestLesson, RetestSettings, retest
from simulator.tuning.trials import Trial


def trial(alpha: float, score: float, status: str = "done") -> Trial:
    t = Trial(index=0, params={"lr": alpha}, status=status)
    t.val_acc = [0.3, score]
    return t


def test_the_searches_differ_only_in_the_data_size():
    s = RetestSettings(growth=4, seed=3)
    before, after = s.objective("before"), s.objective("after")
    assert (before.base.n, after.base.n) == (300, 1200) == (s.points["before"], s.points["after"])
    assert after.base.replace(n=before.base.n) == before.base and before.epochs == after.epochs
    assert before.base.seed == before.base.data_seed == 3


@pytest.mark.parametrize("changes, words", [
    ({"growth": 1}, "growth must be in"), ({"grid": 2}, "grid must be in"), ({"epochs": 0}, "epochs"),
])
def test_settings_out_of_range_are_refused_by_name(changes, words):
    with pytest.raises(ValueError, match=words):
        RetestSettings(**changes)


def test_the_comparison_waits_for_every_trial_and_then_reads_both_searches():
    before = [trial(0.01, 0.80), trial(0.1, 0.93), trial(1.0, 0.5)]
    after = [trial(0.01, 0.92), trial(0.1, 0.90), trial(1.0, 0.3, "diverged")]
    assert retest({"before": before, "after": [*after[:2], trial(1.0, 0.3, "running")]}) is None
    r = retest({"before": before, "after": after})
    assert r.best == {"before": (0.1, 0.93), "after": (0.01, 0.92)}
    assert r.old_after == 0.90 and r.lost == pytest.approx(0.02)
    assert r.good["before"] == (0.1, 0.1, pytest.approx(0.1))
    assert r.good["after"][:2] == (0.01, 0.1) and r.good["after"][2] == pytest.approx(np.sqrt(0.001))
    assert r.moved == pytest.approx(10)  # the low ends: 0.1, then 0.01


def test_the_tab_draws_both_searches_their_bests_and_the_old_best_re_run(qtbot, make_page):
    page = make_page("tuning")
    lab = page.lab
    assert lab.set_lesson("retest") and lab.configure("retest", grid=5, epochs=3)
    view = page.views["retest"]
    page.redraw(force=True)
    assert "Press Play" in view.title and not view.bands["after"].isVisible()
    lab.play()
    qtbot.waitUntil(lambda: not lab.running and lab.lesson.done, timeout=60_000)
    page.redraw(force=True)
    r = lab.lesson.result
    for label in ("before", "after"):
        x, y = view.curves[label].getData()
        assert len(x) == 5 and list(y) == [t.score for t in lab.lesson.trials[label]]
        assert view.bests[label].getData()[1][0] == r.best[label][1]
    x, y = view.old.getData()
    assert x[0] == pytest.approx(ALPHA.to_unit(np.array([r.best["before"][0]]))[0]) and y[0] == r.old_after
    assert f"{r.best['after'][0]:.2g} after" in view.title
    assert view.csv_lines()[1] == "alpha,accuracy_before,accuracy_after" and len(view.csv_lines()) == 7


def test_a_lesson_run_here_ends_with_a_result():
    lesson = RetestLesson(RetestSettings(grid=3, epochs=1))
    assert lesson.result is None
    lesson.advance(10)
    assert lesson.done and lesson.result is not None
    assert "best α" in lesson.end_note()
