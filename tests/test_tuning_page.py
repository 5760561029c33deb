"""The tuning page, driven as a user would: Play, Step, Reset, keys and the range fields."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import click, press
from PySide6.QtCore import Qt

from simulator.tuning import BATCH, KINDS
from ui.framework.style import INVALID_BACKGROUND
from ui.labs.tuning.explain import pct


def draws_of(lab):
    """The Scale lesson's draws (``ScaleRun``)."""
    return lab.lessons["scale"].run


def scale_settings(lab):
    return lab.lessons["scale"].settings


@pytest.fixture
def page(make_page):
    return make_page("tuning", shown=True)  # make_page fails a test that leaves it running


def bar_counts(page, kind) -> np.ndarray:
    return np.asarray(page.views["scale"].bars[kind].getData()[1], dtype=float)


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_play_builds_the_histograms_up_to_the_total(qtbot, page):
    page.speed_slider.setValue(5)
    assert page.lab.speed == 5
    click(qtbot, page.play_button)
    assert page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: 0 < draws_of(page.lab).drawn < 1000 and bar_counts(page, KINDS[0]).sum() > 0,
                    timeout=5000)  # drawn live, part way
    qtbot.waitUntil(lambda: not page.lab.running, timeout=10000)
    assert page.play_button.text() == "Play"
    for kind in KINDS:
        counts = bar_counts(page, kind)
        assert counts.sum() == 1000
        np.testing.assert_array_equal(counts, draws_of(page.lab).bins[kind].counts)
    assert "All 1,000 draws" in page.message
    assert "Draws: 1,000 of 1,000" in page.panel.scale.draws_label.text()


def test_step_adds_one_batch_and_reset_starts_over(qtbot, page):
    click(qtbot, page.step_button)
    assert [bar_counts(page, k).sum() for k in KINDS] == [BATCH] * 4
    press(qtbot, page.views["scale"], Qt.Key.Key_Right)
    assert [bar_counts(page, k).sum() for k in KINDS] == [2 * BATCH] * 4
    first = draws_of(page.lab).values("alpha", "log").copy()
    press(qtbot, page.views["scale"], Qt.Key.Key_R)
    assert page.lab.iteration == 0 and bar_counts(page, KINDS[1]).sum() == 0
    click(qtbot, page.reset_button)
    page.lab.run(2)
    np.testing.assert_array_equal(draws_of(page.lab).values("alpha", "log"), first)  # same seed


def test_the_shares_shown_are_the_engines(qtbot, page):
    page.lab.run(50)
    alpha, beta = (draws_of(page.lab).decade_table(p)[0] for p in ("alpha", "beta"))
    titles = page.views["scale"].titles
    assert pct(alpha["uniform"]["share"]) in titles[("alpha", "uniform")]
    assert "in [0.1, 1]" in titles[("alpha", "log")]
    assert pct(beta["log"]["share"]) in titles[("beta", "log")]
    text = plain(page.explain_html)
    assert (f"uniform: {pct(alpha['uniform']['share'])} of α in [0.1, 1]" in text
            and f"log scale: {pct(alpha['log']['share'])}" in text)
    assert 0.85 < alpha["uniform"]["share"] < 0.95 and 0.2 < alpha["log"]["share"] < 0.3
    assert "r = −4 · rand" in text and "r = −1 − 2 · rand" in text
    for row in ("10.05", "1,000", "2,000", "×2"):
        assert row in text
    # the dashed outline is the engine's expectation for the draws so far
    np.testing.assert_allclose(page.views["scale"].outlines[("alpha", "log")].getData()[1],
                               draws_of(page.lab).expected_counts("alpha", "log"))


def test_a_bad_range_shows_the_message_and_keeps_the_state(qtbot, page):
    page.lab.run(5)
    before = bar_counts(page, ("alpha", "uniform"))
    field = page.panel.scale.fields[("alpha", "low")]
    assert field.text() == "0.0001"
    field.setValue(0.0)  # as if typed and committed
    assert page.message == "α low must be in (0, 1), got 0"
    assert scale_settings(page.lab).alpha[0] == 1e-4 and field.value() == pytest.approx(1e-4)
    assert INVALID_BACKGROUND in field.styleSheet() and "α low" in field.toolTip()  # red, says why
    np.testing.assert_array_equal(bar_counts(page, ("alpha", "uniform")), before)
    assert page.lab.iteration == 5
    beta_high = page.panel.scale.fields[("beta", "high")]
    beta_high.setValue(1.0)
    assert page.message == "β high must be in (0.9, 1), got 1" and scale_settings(page.lab).beta[1] == 0.999
    beta_high.setValue(0.9999)  # a good value: adopted, the draws start over, the message goes
    assert scale_settings(page.lab).beta[1] == 0.9999 and page.lab.iteration == 0 and page.message == ""


def test_draws_and_seed_fields(qtbot, page):
    page.panel.scale.draws_spin.setValue(40)
    assert scale_settings(page.lab).draws == 40
    page.lab.run(10)
    assert draws_of(page.lab).drawn == 40 and not page.lab.running
    page.panel.scale.draws_spin.setValue(0)
    assert "number of draws must be in [1, 100000], got 0" in page.message
    assert page.panel.scale.draws_spin.value() == 40
    a = draws_of(page.lab).values("beta", "log").copy()
    page.panel.scale.seed_spin.setValue(7)
    page.lab.run(10)
    assert scale_settings(page.lab).seed == 7
    assert not np.array_equal(draws_of(page.lab).values("beta", "log"), a)


def test_csv_has_every_draw(qtbot, page):
    page.lab.run(3)
    lines = page.csv_lines()
    assert lines[0].startswith("#") and lines[1] == "kind,scale,value"
    rows = [line.split(",") for line in lines[2:]]
    assert len(rows) == 4 * 3 * BATCH
    assert {(r[0], r[1]) for r in rows} == set(KINDS)
    logs = [float(r[2]) for r in rows if r[:2] == ["alpha", "log"]]
    np.testing.assert_allclose(logs, draws_of(page.lab).values("alpha", "log"), rtol=1e-11)


# -- the lessons after Scale: tabs, searches in the worker, caviar, panda -------------------------


def tab_index(page, key: str) -> int:
    return list(page.lab.lessons).index(key)


def open_lesson(qtbot, page, key: str) -> None:
    """Click the lesson's tab, as a user would."""
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab_index(page, key)).center())
    assert page.lab.lesson_key == key and page.panel.stack.currentWidget() is page.panel.lessons[key]


def small_search(page, budget: int = 9, epochs: int = 4) -> None:
    controls = page.panel.search.controls
    controls.budget_spin.setValue(budget)
    controls.epochs_spin.setValue(epochs)
    assert page.lab.lessons["search"].settings.budget == budget


def test_the_tabs_choose_the_lesson_and_its_controls(qtbot, page):
    for key in page.lab.lessons:
        open_lesson(qtbot, page, key)
        assert page.tabs.currentWidget() is page.views[key]
    page.lab.set_lesson("scale")  # chosen elsewhere (a preset): the tab follows
    assert page.tabs.currentWidget() is page.views["scale"]
    assert page.run_box.unit == page.lab.lessons["scale"].unit


def test_a_small_search_runs_in_the_worker_and_fills_the_views_and_table(qtbot, page):
    open_lesson(qtbot, page, "search")
    small_search(page)
    click(qtbot, page.play_button)
    assert page.lab.searching and page.panel.search.controls.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not page.lab.searching and not page.lab.running, timeout=30000)
    lesson = page.lab.lessons["search"]
    assert lesson.done and "Both searches are done" in page.message
    figure = page.views["search"].figure
    x_axis = lesson.settings.axes[0]
    for m in ("grid", "random"):
        x, y = figure.scatter[m].getData()
        assert len(x) == 9
        np.testing.assert_allclose(x, x_axis.to_unit([t.params["lr"] for t in lesson.trials[m]]))
    assert figure.distinct_bars["grid"].opts["height"] == [3, 3]
    assert figure.distinct_bars["random"].opts["height"] == [9, 9]
    tabs = page.views["search"]
    tabs.setCurrentWidget(tabs.table_tab)
    table = tabs.table
    assert table.model_.rowCount() == 18
    assert sorted(set(table.shown("search"))) == ["grid", "random"]
    score_col = table.model_.columns.index("score")
    table.sortByColumn(score_col, Qt.SortOrder.DescendingOrder)
    best = max(t.score for t in lesson.all_trials())
    assert table.shown("score")[0] == f"{best:.1%}"
    assert page.panel.search.controls.progress_bar.value() == 1000


def test_cancel_stops_a_long_search_and_keeps_its_partial_results(qtbot, page):
    open_lesson(qtbot, page, "search")
    small_search(page, budget=25, epochs=5000)
    click(qtbot, page.play_button)
    lesson = page.lab.lessons["search"]
    bar = page.panel.search.controls.progress_bar
    # partial results drawn, and the bar moved (at epoch 2 of 5000 it still reads 0 of 1000)
    qtbot.waitUntil(lambda: lesson.iteration >= 2 and bar.value() > 0, timeout=60000)
    assert page.lab.searching and 0 < bar.value() < 1000
    click(qtbot, page.panel.search.controls.cancel_button)
    qtbot.waitUntil(lambda: not page.lab.searching, timeout=10000)
    assert not page.lab.busy and page.play_button.text() == "Play"
    statuses = {t.status for t in lesson.all_trials()}
    assert statuses <= {"cancelled", "diverged"} and "cancelled" in statuses
    assert lesson.iteration >= 2 and all(len(t.val_acc) == t.epochs + 1 for t in lesson.all_trials())
    assert "Cancelled" in page.message
    x, _ = page.views["search"].figure.scatter["random"].getData()
    assert len(x) == 25  # the trials so far stay on screen


def test_the_csv_is_the_search_table(qtbot, page, tmp_path):
    open_lesson(qtbot, page, "search")
    small_search(page, budget=4, epochs=2)
    page.lab.run(2)  # Step twice: every trial trains two epochs here
    lesson = page.lab.lessons["search"]
    assert lesson.done and lesson.iteration == 2
    rows = page.export_csv(tmp_path / "trials.csv")
    lines = (tmp_path / "trials.csv").read_text(encoding="utf-8").splitlines()
    assert rows == 8 and lines[0].startswith("# Grid vs random")
    assert lines[1] == "search,index,round,lr,eps,status,score,val_loss,epochs,reason"
    first = lines[2].split(",")
    t = lesson.trials["grid"][0]
    assert first[:3] == ["grid", "0", "0"] and float(first[3]) == t.params["lr"]
    assert float(first[6]) == pytest.approx(t.score, rel=1e-5) and first[8] == "2"


def test_bad_search_settings_show_the_engines_message_and_keep_the_settings(qtbot, page):
    open_lesson(qtbot, page, "search")
    controls = page.panel.search.controls
    before = page.lab.lessons["search"].settings
    controls.budget_spin.setValue(0)
    assert page.message == "budget must be in [1, 10000], got 0" and controls.budget_spin.value() == 25
    controls.range_fields[(0, "low")].setValue(0.0)
    assert "α low must be in (0, inf), got 0" in page.message
    controls.range_fields[(0, "low")].setValue(5.0)  # low above high
    assert "α high must be in (5, inf), got 1" in page.message
    controls.axis_combos[1].setCurrentIndex(controls.axis_combos[1].findData("lr"))
    assert "each hyperparameter may appear once" in page.message
    assert controls.axis_combos[1].currentData() == "eps"
    assert page.lab.lessons["search"].settings == before
    controls.epochs_spin.setValue(3)  # a good value: adopted, the message goes
    assert page.lab.lessons["search"].settings.epochs == 3 and page.message == ""


def test_caviar_plays_every_curve_live_with_the_best_highlighted(qtbot, page):
    open_lesson(qtbot, page, "caviar")
    panel = page.panel.caviar
    panel.models_spin.setValue(16)
    panel.epochs_spin.setValue(6)
    page.speed_slider.setValue(2)
    click(qtbot, page.play_button)
    qtbot.waitUntil(lambda: not page.lab.running, timeout=30000)
    lesson, view = page.lab.lessons["caviar"], page.views["caviar"]
    assert lesson.iteration == 6 and lesson.done and "All 16 models" in page.message
    drawn = sum(np.isfinite(band.getData()[1]).sum() for band in view.bands if band.getData()[1] is not None)
    assert drawn == sum(len(t.val_acc) for t in lesson.all_trials()) == 16 * 7
    best = lesson.best()
    np.testing.assert_array_equal(view.best_curve.getData()[1], best.val_acc)
    assert best.score == max(t.score for t in lesson.all_trials())
    assert len(view.scatter.getData()[0]) == 16


def test_panda_changes_alpha_while_it_trains_and_marks_the_curve(qtbot, page):
    open_lesson(qtbot, page, "panda")
    panel, view = page.panel.panda, page.views["panda"]
    for _ in range(3):
        click(qtbot, page.step_button)
    lesson = page.lab.lessons["panda"]
    weights_epoch = lesson.trial.epochs
    panel.fields["lr"].setValue(0.05)
    assert lesson.trial.params["lr"] == 0.05 and lesson.trial.epochs == weights_epoch == 3
    assert lesson.trial.marks == [(3, {"lr": 0.05})]
    click(qtbot, panel.double_button)  # α × 3
    page.lab.run(2)
    assert [m[0] for m in lesson.trial.marks] == [3, 3] and lesson.trial.params["lr"] == pytest.approx(0.15)
    assert [line.value() for line in view.marks] == [3, 3] and "α → 0.05" in view.marks[0].label.toPlainText()
    assert len(view.val_acc.getData()[1]) == 6
    panel.fields["lr"].setValue(0.0)  # refused by the engine: the model keeps its α
    assert "α must be in (0, inf), got 0" in page.message and lesson.trial.params["lr"] == pytest.approx(0.15)


def test_every_tab_renders_at_1280_by_800_and_exports_its_data(qtbot, page, tmp_path):
    assert page.lab.configure("search", budget=4, epochs=2) and page.lab.configure("halving", trials=3)
    assert page.lab.configure("repeats", repeats=2, budget=4, epochs=2)
    for key in page.lab.lessons:
        page.lab.set_lesson(key)
        if not page.lab.lessons[key].steps_here:  # it runs whole, in the worker
            click(qtbot, page.play_button)
            qtbot.waitUntil(lambda: not page.lab.busy, timeout=30000)
        else:
            page.lab.run(2)
        qtbot.wait(20)
        assert page.export_csv(tmp_path / f"{key}.csv") >= 1, key
        image = page.grab().toImage()
        assert (image.width(), image.height()) == (1280, 800)
        colours = {image.pixel(x, y) for x in range(300, 1000, 37) for y in range(80, 760, 29)}
        assert len(colours) > 8, key  # plots drawn, not a blank page
        assert page.export_png(tmp_path / f"{key}.png")


def test_coarse_to_fine_zooms_drags_and_keeps_every_round(qtbot, page):
    open_lesson(qtbot, page, "coarse")
    small_coarse = page.panel.coarse.controls
    small_coarse.budget_spin.setValue(8)
    small_coarse.epochs_spin.setValue(3)
    lesson, view = page.lab.lessons["coarse"], page.views["coarse"]
    main = view.main
    click(qtbot, main.zoom_button)  # nothing trained yet: refused, with the reason
    assert "train the first round" in page.message and lesson.box is None
    click(qtbot, page.play_button)
    qtbot.waitUntil(lambda: not page.lab.busy, timeout=30000)
    click(qtbot, main.zoom_button)
    best = sorted(lesson.all_trials(), key=lambda t: -t.score)[0]
    for axis in lesson.settings.axes:  # around the best, a quarter of the axis at most
        lo, hi = lesson.box[axis.name]
        assert lo <= best.params[axis.name] <= hi
        assert np.diff(axis.to_unit([lo, hi])).item() <= 0.25 + 1e-9
    click(qtbot, main.resample_button)
    qtbot.waitUntil(lambda: not page.lab.busy, timeout=30000)
    assert lesson.rounds == 2 and [len(g) for g in lesson.groups.values()] == [8, 8]
    roi = view.rounds.roi  # drag the box: its corners become the next round's range
    roi.setPos((0.5, 0.0))
    roi.setSize((0.25, 0.5))
    alpha, beta = lesson.settings.axes
    assert lesson.box["lr"] == pytest.approx(tuple(alpha.from_unit([0.5, 0.75])))
    assert lesson.box["beta"] == pytest.approx(tuple(beta.from_unit([0.0, 0.5])))
    click(qtbot, main.resample_button)
    qtbot.waitUntil(lambda: not page.lab.busy, timeout=30000)
    third = lesson.groups["round 3"]
    assert all(alpha.to_unit(t.params["lr"]) >= 0.5 - 1e-9 for t in third)
    symbols = [item.opts["symbol"] for item in view.rounds.scatter[:3]]
    assert len(set(symbols)) == 3 and all(len(item.getData()[0]) == 8 for item in view.rounds.scatter[:3])
    assert view.rounds.frames[2].getData()[0] is not None  # the rounds' boxes stay drawn


def test_halving_and_population_draw_their_budget_and_schedules(qtbot, page):
    open_lesson(qtbot, page, "halving")
    page.panel.halving.spins["trials"].setValue(9)
    page.panel.halving.spins["min_epochs"].setValue(1)
    click(qtbot, page.play_button)
    qtbot.waitUntil(lambda: not page.lab.busy, timeout=60000)
    result = page.lab.lessons["halving"].result
    bars = page.views["halving"].budget_bars
    assert list(bars.opts["height"]) == [r.spent for r in result.rounds]
    assert "Successive halving" in page.message
    open_lesson(qtbot, page, "population")
    page.panel.population.spins["size"].setValue(6)
    page.panel.population.spins["epochs"].setValue(4)
    click(qtbot, page.play_button)
    qtbot.waitUntil(lambda: not page.lab.running, timeout=30000)
    view, pbt = page.views["population"], page.lab.lessons["population"].pbt
    drawn = sum(np.isfinite(b.getData()[1]).sum() for b in view.alpha_bands if b.getData()[1] is not None)
    assert drawn == 6 * 4 and len(view.copies.getData()[0]) == len(pbt.events)


def test_diverged_trials_are_marked_in_the_table_and_grey_on_the_plot(qtbot, page):
    open_lesson(qtbot, page, "search")
    small_search(page, budget=4, epochs=2)
    page.panel.search.controls.range_fields[(0, "high")].setValue(100.0)  # α up to 100 blows up
    page.lab.run(2)
    lesson, tabs = page.lab.lessons["search"], page.views["search"]
    diverged = [t for t in lesson.trials["grid"] if t.status == "diverged"]
    assert diverged and all(t.reason for t in diverged)
    tabs.setCurrentWidget(tabs.table_tab)
    model = tabs.table.model_
    rows = [r for r in range(model.rowCount()) if model.rows[r]["status"] == "diverged"]
    assert len(rows) == sum(t.status == "diverged" for t in lesson.all_trials())
    reason_col = model.columns.index("reason")
    for r in rows:
        assert model.index(r, reason_col).data() == model.rows[r]["reason"] != ""
        background = model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole)
        assert background is not None and background.color().name() == "#ffd6d6"
    brushes = tabs.figure.scatter["grid"].data["brush"]
    grey = {b.color().name() for b, t in zip(brushes, lesson.trials["grid"], strict=True)
            if t.status == "diverged"}
    assert grey == {"#969696"}


def test_stepping_a_spin_box_starts_one_run_when_it_rests(qtbot, page):
    """Five quick steps of a tuning spin box took 2-4 s: each one changed the settings and
    started work. Now the stepped value is adopted once the stepping rests, once; a typed value
    (or one set by code) at once."""
    from PySide6.QtCore import Qt

    page.lab.set_lesson("caviar")
    spin = page.panel.caviar.epochs_spin
    adopted = []
    page.lab.settings_changed.connect(lambda: adopted.append(page.lab.lessons["caviar"].settings.epochs))
    start = page.lab.lessons["caviar"].settings.epochs
    spin.setFocus()
    for _ in range(5):
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert spin.value() == start + 5 and adopted == []  # shown, not yet adopted
    qtbot.waitUntil(lambda: bool(adopted), timeout=3000)
    qtbot.wait(50)
    assert adopted == [start + 5] and page.lab.lessons["caviar"].settings.epochs == start + 5
    spin.setValue(start)  # as a typed, committed value: at once
    assert page.lab.lessons["caviar"].settings.epochs == start
