"""The optimizer lab's growing curves (racers' paths, loss curves): what is drawn is the whole
path, while each frame sends only the newest points, so a frame costs the same after an hour as
after a second."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

import ui.framework.plots  # noqa: F401  (the app's pyqtgraph options, antialiasing on, as in the app)
from simulator.records import Recorder
from ui.labs.optimizers.views.paths import GrowingCurve


@pytest.fixture
def curve(qtbot):
    w = pg.PlotWidget()
    qtbot.addWidget(w)
    out = GrowingCurve(w.getPlotItem(), pg.mkPen("k"), chunk=8)
    out.widget = w  # kept alive with the curve
    return out


def walk(n: int, seed: int = 0) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).normal(size=(n, 2)), axis=0)


def grow(curve: GrowingCurve, path: np.ndarray, per_frame: int) -> list[int]:
    """Draw ``path`` as a run would, ``per_frame`` points more each frame; the points sent to
    the ``recent`` item each frame."""
    sent = []
    for n in range(1, len(path) + 1, per_frame):
        curve.set_points(path[:n], np.arange(n))
        sent.append(0 if curve.recent.xData is None else len(curve.recent.xData))
    curve.set_points(path, np.arange(len(path)))
    return sent


@pytest.mark.parametrize("per_frame", [1, 5, 37])
def test_the_whole_path_is_drawn_while_each_frame_sends_a_few_points(curve, per_frame):
    path = walk(150)  # many times the recent part: most of it in the history
    sent = grow(curve, path, per_frame)
    x, y = curve.getData()
    assert np.array_equal(x, path[:, 0]) and np.array_equal(y, path[:, 1])
    assert max(sent) <= curve.chunk


def test_a_long_path_draws_a_bounded_number_of_points(curve):
    curve.MAX_HISTORY = 40
    path = walk(2000)
    grow(curve, path, 7)
    x, _ = curve.getData()
    assert len(x) <= 2 * 40 + 1 + curve.chunk
    assert x[0] == path[0, 0] and x[-1] == path[-1, 0]  # the start and the head are kept


def test_a_path_that_starts_over_is_drawn_afresh(curve):
    grow(curve, walk(100, seed=1), 4)
    again = walk(30, seed=2)
    grow(curve, again, 4)
    x, y = curve.getData()
    assert np.array_equal(x, again[:, 0]) and np.array_equal(y, again[:, 1])


def test_thinned_records_are_followed_by_their_iterations(curve):
    rec = Recorder(2, limit=64)  # older rows thinned as a racer's path is after HISTORY_LIMIT
    for p in walk(500):
        rec.append(p)
        curve.set_points(rec.data, rec.steps)
    x, _ = curve.getData()
    assert x[-1] == rec.data[-1, 0] and len(x) <= 500
    assert np.all(np.isin(rec.data[-curve.chunk:, 0], x))  # the recent rows are all drawn


def test_visibility_covers_every_part(curve):
    grow(curve, walk(100), 9)
    curve.setVisible(False)
    assert not curve.isVisible() and not any(item.isVisible() for item in curve.items)
    curve.setVisible(True)
    assert curve.history.isVisible()
    for item in curve.items:  # a part with points shows, one without does not
        x = item.getData()[0]
        assert item.isVisible() == (x is not None and len(x) > 1)


def test_parts_are_made_when_first_filled_and_look_like_the_rest(qtbot):
    """A curve starts with no part (the optimizer page makes 16 curves at start-up, half of them
    for twins that seldom race); a part made later (the recent points, the history) has the pen
    at the zoom, the depth and the antialiasing the curve was given, and a hidden curve's parts
    stay hidden."""
    from ui.framework import plot_style

    w = pg.PlotWidget()
    qtbot.addWidget(w)
    plot_style.register(w.getPlotItem())
    plot_style.set_zoom(2.0)
    try:
        curve = GrowingCurve(w.getPlotItem(), pg.mkPen("r", width=2), chunk=8)
        assert curve.items == []
        curve.setZValue(3.5)
        curve.set_antialias(False)
        grow(curve, walk(30), 3)
        made = curve.items
        assert len(made) == 2
        assert all(item.zValue() == 3.5 for item in made)
        assert not made[0].opts["antialias"] and not made[1].curve.opts["antialias"]
        assert {item.opts["pen"].widthF() for item in made} == {4.0}
        assert {item.opts["pen"].color().name() for item in made} == {"#ff0000"}
        hidden = GrowingCurve(w.getPlotItem(), pg.mkPen("b"), chunk=8)
        hidden.setVisible(False)
        grow(hidden, walk(30), 3)
        assert hidden.items and not any(item.isVisible() for item in hidden.items)
        hidden.setVisible(True)
        assert hidden.recent.isVisible()
    finally:
        plot_style.set_zoom(1.0)
