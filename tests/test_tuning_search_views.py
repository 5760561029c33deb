"""The Search lesson's views while a search runs: a frame with nothing new leaves the plots and the
table alone, partial results that arrive are drawn, and the points are painted where they are."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import drawn_tick_names

from simulator.work import Partial
from ui.labs.tuning.views.axes import BRUSHES, colour_index
from ui.labs.tuning.views.drawn import FixedScatter
from ui.labs.tuning.views.table import TrialsModel


@pytest.fixture
def page(make_page):
    page = make_page("tuning", shown=True)
    page.lab.set_lesson("search")
    page.lab.configure("search", budget=9, epochs=4)
    return page


def arrive(lesson, change) -> None:
    """A worker's partial result: a copy of the trials with ``change(trials)`` applied."""
    trials = copy.deepcopy(lesson.trials)
    change(trials)
    assert lesson.receive(Partial(lesson.generation, 0.5, trials))


def test_a_frame_with_no_new_trials_leaves_the_plots_data_alone(page):
    page.lab.step()
    figure, standard = page.views["search"].figure, page.views["search"].standard
    data = {m: figure.scatter[m].data for m in ("grid", "random")}
    curves = {k: c.getData() for k, c in figure.curves.items()}
    arrive(page.lab.lessons["search"], lambda trials: None)  # the same trials, a new copy
    page.redraw(force=True)
    for m in ("grid", "random"):
        assert figure.scatter[m].data is data[m]  # not set again
    for k, c in figure.curves.items():
        assert c.getData()[1] is curves[k][1]
    page.views["search"].setCurrentWidget(standard)
    slices = [s.data for s in standard.slices]
    arrive(page.lab.lessons["search"], lambda trials: None)
    page.redraw(force=True)
    assert [s.data for s in standard.slices] == slices


def test_partial_results_that_arrive_are_drawn(page):
    page.lab.step()
    lesson, figure = page.lab.lessons["search"], page.views["search"].figure
    best = max(t.score for t in lesson.trials["random"] if t.status != "diverged")
    k = max(i for i, t in enumerate(lesson.trials["random"]) if t.status != "diverged")

    def better(trials) -> None:  # a random trial's latest epoch scores 99%
        trials["random"][k].val_acc[-1] = 0.99

    arrive(lesson, better)
    assert lesson.trials["random"][k].score == pytest.approx(0.99)
    page.redraw(force=True)
    lo = 1.0 / lesson.settings.objective.base.classes
    assert figure.scatter["random"].data["brush"][k] is BRUSHES[colour_index([0.99], lo, 1.0)[0]]
    x, _ = figure.best_ring["random"].getData()
    assert x[0] == pytest.approx(figure.scatter["random"].getData()[0][k])
    assert best < 0.99 and figure.best_bars.opts["height"][1] == pytest.approx(0.99)
    assert figure.best_text[1].toPlainText() == "99.0%"
    _, means = figure.curves[(0, "random")].getData()
    assert np.nanmax(means) >= 0.99 / 9  # the marginal follows the new score


def test_points_are_painted_where_they_are(page):
    page.lab.step()
    page.redraw(force=True)
    figure = page.views["search"].figure
    item = figure.scatter["grid"]  # a grid's points do not overlap
    assert isinstance(item, FixedScatter)
    vb = item.getViewBox()
    assert item.boundingRect() == vb.viewRect()  # its plot's fixed range, not its data's
    image = figure.grab().toImage()
    ratio = image.devicePixelRatio()
    x, y = item.getData()
    for i in range(len(x)):
        point = figure.mapFromScene(vb.mapViewToScene(pg_point(x[i], y[i])))
        colour = image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))
        brush = item.data["brush"][i].color()
        assert max(abs(colour.red() - brush.red()), abs(colour.green() - brush.green()),
                   abs(colour.blue() - brush.blue())) <= 40, i


def pg_point(x: float, y: float):
    from PySide6.QtCore import QPointF
    return QPointF(float(x), float(y))


def test_set_points_recolours_without_moving_and_skips_the_same(qtbot):
    item = FixedScatter(size=8)
    assert item.set_points([0.1, 0.5], [0.2, 0.6], [BRUSHES[0], BRUSHES[10]])
    data = item.data
    assert not item.set_points([0.1, 0.5], [0.2, 0.6], [BRUSHES[0], BRUSHES[10]])
    assert item.set_points([0.1, 0.5], [0.2, 0.6], [BRUSHES[200], BRUSHES[10]])
    assert item.data is data and item.data["brush"][0] is BRUSHES[200]  # recoloured in place
    assert item.set_points([0.3], [0.4], [BRUSHES[5]])
    assert list(item.getData()[0]) == [0.3]
    assert item.set_points([], [])
    assert len(item.getData()[0]) == 0


def rows(scores: list[float], status: str = "done") -> list[dict]:
    return [{"search": "random", "index": i, "params": {"lr": 0.01 * (i + 1)}, "status": status,
             "score": s, "val_loss": 1.0 - s, "epochs": 3, "reason": ""} for i, s in enumerate(scores)]


def test_the_table_reports_only_the_rows_that_changed(qtbot):
    model = TrialsModel()
    changes = []
    model.dataChanged.connect(lambda a, b: changes.append((a.row(), b.row())))
    assert model.set_rows(rows([0.5, 0.6, 0.7, 0.8]), ("lr",))  # a new shape: reset
    assert not model.set_rows(rows([0.5, 0.6, 0.7, 0.8]), ("lr",))
    assert changes == []  # nothing new, nothing repainted
    model.set_rows(rows([0.5, 0.65, 0.7, 0.8]), ("lr",))
    assert changes == [(1, 1)]
    score = model.columns.index("score")
    assert model.index(1, score).data() == "65.0%"
    model.set_rows(rows([0.5, 0.65, 0.7, 0.8], status="diverged"), ("lr",))
    assert changes[-1] == (0, 3)
    background = model.index(2, 0).data(8)  # Qt.BackgroundRole
    assert background is not None and background.color().name() == "#ffd6d6"


def test_the_copy_the_window_draws_is_left_alone_by_further_training():
    from simulator.tuning.lessons import copy_trial
    from simulator.tuning.trials import Trial

    t = Trial(0, {"lr": 0.1}, budget=5, val_acc=[0.3, 0.5], val_loss=[1.0, 0.8], train_loss=[1.1, 0.9],
              marks=[(1, {"lr": 0.1})])
    c = copy_trial(t)
    t.record({"train_loss": 0.7, "val_loss": 0.6, "val_acc": 0.7})
    t.params["lr"], t.status = 0.2, "done"
    t.marks[0][1]["lr"] = 0.3
    assert c.val_acc == [0.3, 0.5] and c.val_loss == [1.0, 0.8] and c.train_loss == [1.1, 0.9]
    assert c.params == {"lr": 0.1} and c.status == "running" and c.marks == [(1, {"lr": 0.1})]
    assert c.score == 0.5 and c.epochs == 1


def test_names_on_a_tuning_axis_never_touch_and_every_decade_is_named_where_there_is_room(qtbot, shown):
    """An axis on its own scale (α's decades, ε's) or of accuracy names its ends always, every
    other tick between and then the rest only where they fit: at 1280×800 the Grid vs random
    tab's narrow plots wrote "10⁻⁴10⁻³10⁻²10⁻¹" with no room between the names, and their
    accuracy axes "0.8 0.6 0.4 0.2" touching, without 0 or 1."""
    import pyqtgraph as pg

    shown.show_page("tuning")
    page = shown.current_page
    page.tabs.setCurrentWidget(page.views["search"])
    for step in (2, 5, 7):  # zoom 1, 1.5, 2
        shown.presentation.set_step(step)
        qtbot.wait(20)
        view = page.views["search"].view
        axes = [a for v in view.findChildren(pg.GraphicsView) if v.isVisible() for a in v.scene().items()
                if isinstance(a, pg.AxisItem) and a.isVisible() and a._tickLevels
                and len(a._tickLevels) == 3 and a._tickLevels[2]]  # ticks split into levels
        assert len(axes) >= 6
        every, thinned = 0, 0
        for axis in axes:
            names = drawn_tick_names(axis)
            assert len(names) >= 2, (axis.orientation, step)
            rects = [r for r, _ in names]
            for i, a in enumerate(rects):
                for b in rects[i + 1:]:
                    assert not a.adjusted(-1, 0, 1, 0).intersects(b), (step, [t for _, t in names])
            levels = axis._tickLevels
            # the ends are always named (a grid made pyqtgraph drop them: an accuracy axis said
            # only "0.5" at zoom 1.5)
            assert {t for _, t in levels[0]} <= {t for _, t in names}, (step, [t for _, t in names])
            if len(names) == sum(len(level) for level in levels):
                every += 1
            else:
                thinned += 1
        for key in ("marginal0", "marginal1", "best"):  # the accuracy axes: 0 and 1 named
            score_names = {t for _, t in drawn_tick_names(view.figure.plots[key].getAxis("left"))}
            assert {"0", "1"} <= score_names, (step, key, score_names)
        if step == 2:
            assert every > 0 and thinned > 0  # at zoom 1, every decade where there is room
