"""A trail (the settled part of a growing curve) paints each point once, however long it grows,
and looks as the same points drawn as a pyqtgraph curve: on screen, in log mode, after the view
changes, restyled, and in an export."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

import ui.framework.plots  # noqa: F401  (the app's pyqtgraph options, antialiasing on)
from ui.framework.trail import Trail


def walk(n: int, seed: int = 0) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).normal(size=(n, 2)), axis=0) + 50


def bare_plot(log_y: bool = False) -> pg.PlotWidget:
    """A plot of 30..70 (or 10^0.5..10^2.2 up a log scale) with no axes."""
    w = pg.PlotWidget(background="w")
    p = w.getPlotItem()
    p.hideAxis("left")
    p.hideAxis("bottom")
    p.setLogMode(False, log_y)
    p.disableAutoRange()
    p.setRange(xRange=(30, 70), yRange=(0.5, 2.2) if log_y else (30, 70), padding=0)
    return w


def pair(qtbot, log_y: bool = False):
    """Two plots side by side with the same range: one for a trail, one for a plain curve."""
    views = []
    for _ in range(2):
        w = bare_plot(log_y)
        qtbot.addWidget(w)
        w.resize(320, 240)
        w.show()
        qtbot.waitExposed(w)
        views.append(w)
    return views


def pixels(w) -> np.ndarray:
    """The widget as drawn, (height, width, RGB)."""
    image = w.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[
        :, :3 * image.width()].reshape(image.height(), image.width(), 3).copy()


def ink(w) -> int:
    return int((pixels(w).min(axis=2) < 200).sum())


@pytest.mark.parametrize("segmented", [True, False])
def test_a_trail_looks_as_a_curve_of_the_same_points(qtbot, segmented):
    a, b = pair(qtbot)
    path = walk(200)
    trail = Trail(pg.mkPen("b", width=2), segmented=segmented)
    a.addItem(trail)
    for k in range(0, 199, 25):  # grown in parts, each starting at the last point
        trail.extend(path[k:k + 26])
    curve = pg.PlotCurveItem(path[:, 0], path[:, 1], pen=pg.mkPen("b", width=2))
    curve.setSegmentedLineMode("on" if segmented else "off")
    b.addItem(curve)
    got, want = pixels(a), pixels(b)
    assert ink(b) > 500
    differ = np.abs(got.astype(int) - want).max(axis=2) > 60
    assert differ.mean() < 0.01, differ.sum()  # the same line (antialiasing may differ at joins)
    np.testing.assert_array_equal(np.column_stack(trail.getData()), path)


def test_each_point_is_painted_once_until_the_view_changes(qtbot, monkeypatch):
    a, _ = pair(qtbot)
    trail = Trail(pg.mkPen("k"))
    a.addItem(trail)
    painted = []
    stroke = Trail._stroke
    monkeypatch.setattr(Trail, "_stroke", lambda self, p, parts: (painted.append(sum(map(len, parts))),
                                                                  stroke(self, p, parts)))
    path = walk(2000)
    for k in range(0, 1999, 20):
        trail.extend(path[k:k + 21])
        a.grab()
    assert max(painted) <= 21 and sum(painted) <= 2000 + 100  # each part once (with its joint)
    before = ink(a)
    painted.clear()
    a.getPlotItem().setRange(xRange=(20, 80), yRange=(20, 80), padding=0)
    a.grab()
    assert painted == [2000]  # the view changed: painted whole, once
    a.grab()
    assert ink(a) != before  # (a grab of the view paints the image it has)
    assert painted == [2000]


def test_a_long_trail_keeps_a_bounded_number_of_points_start_and_end_included():
    trail = Trail(pg.mkPen("k"), max_points=100)
    path = walk(5000)
    for k in range(0, 4999, 10):
        trail.extend(path[k:k + 11])
    x, y = trail.getData()
    assert len(x) <= 2 * 100 + 1
    assert (x[0], y[0]) == tuple(path[0]) and (x[-1], y[-1]) == tuple(path[-1])


def test_log_mode_draws_the_logarithm_and_leaves_a_gap_for_what_is_not_positive(qtbot):
    a, b = pair(qtbot, log_y=True)
    x = np.linspace(30, 70, 300)
    y = 10 ** (1.3 + 0.5 * np.sin(x / 3))
    y[140:150] = 0.0  # J - J* of zero: no logarithm
    trail = Trail(pg.mkPen("r", width=2))
    a.addItem(trail)  # the plot's log mode reaches the trail as it reaches a PlotDataItem
    trail.extend(np.column_stack([x, y]))
    curve = pg.PlotDataItem(x, y, pen=pg.mkPen("r", width=2), connect="finite")
    b.addItem(curve)
    got, want = pixels(a), pixels(b)
    assert ink(b) > 300
    assert (np.abs(got.astype(int) - want).max(axis=2) > 60).mean() < 0.01


def test_a_restyle_paints_it_again_in_the_new_look(qtbot):
    a, _ = pair(qtbot)
    trail = Trail(pg.mkPen((0, 0, 255), width=3))
    a.addItem(trail)
    trail.extend(walk(100))
    blue = pixels(a)
    assert ((blue[..., 2] > 200) & (blue[..., 0] < 100)).sum() > 50
    trail.setPen(pg.mkPen((255, 0, 0), width=3))
    red = pixels(a)
    assert ((red[..., 2] > 200) & (red[..., 0] < 100)).sum() == 0
    assert ((red[..., 0] > 200) & (red[..., 2] < 100)).sum() > 150


def test_an_export_strokes_the_points(qtbot, tmp_path):
    from pyqtgraph.exporters import ImageExporter

    a, _ = pair(qtbot)
    trail = Trail(pg.mkPen("k", width=2))
    a.addItem(trail)
    trail.extend(walk(100))
    exporter = ImageExporter(a.getPlotItem())
    exporter.parameters()["width"] = 640  # twice the size on screen
    out = tmp_path / "plot.png"
    exporter.export(str(out))
    image = QImage(str(out))
    assert image.width() == 640
    arr = np.frombuffer(image.convertToFormat(QImage.Format.Format_RGB32).constBits(), np.uint8)
    assert (arr.reshape(image.height(), image.width(), 4)[..., :3].min(axis=2) < 100).sum() > 1000


def test_a_picture_at_twice_the_size_strokes_it_sharp_and_keeps_the_image(qtbot, monkeypatch):
    """File > Export picture for slides renders the page at 2x: the trail is stroked at that
    resolution (as the same points as a curve are), not its screen image enlarged, and the image
    the screen shows is kept."""
    from PySide6.QtWidgets import QWidget

    def render(widget, scale: float) -> QImage:  # as export.render draws a page
        image = QImage(round(widget.width() * scale), round(widget.height() * scale),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(scale)
        image.fill(0xFFFFFFFF)
        QWidget.render(widget, image)
        return image

    a, b = pair(qtbot)
    path = walk(200)
    trail = Trail(pg.mkPen("b", width=2))
    a.addItem(trail)
    trail.extend(path)
    b.addItem(pg.PlotCurveItem(path[:, 0], path[:, 1], pen=pg.mkPen("b", width=2)))
    pixels(a)  # on screen: its image is painted
    painted = []
    stroke = Trail._stroke
    monkeypatch.setattr(Trail, "_stroke", lambda self, p, parts: (painted.append(len(parts)),
                                                                  stroke(self, p, parts)))
    got, want = (render(w, 2.0).convertToFormat(QImage.Format.Format_RGB888) for w in (a, b))
    assert got.width() == 640 and painted == [1]
    as_array = [np.frombuffer(i.constBits(), np.uint8).reshape(i.height(), i.bytesPerLine())
                [:, :3 * i.width()] for i in (got, want)]
    assert (np.abs(as_array[0].astype(int) - as_array[1]) > 60).mean() < 0.01
    pixels(a)
    assert painted == [1]  # the screen's image was not painted again


def test_a_first_paint_in_a_grab_of_the_window_draws_all_of_it(qtbot):
    """``--screenshot`` grabs a window never shown: the trail's first paint is the grab's, its
    view away from the window's corner. It is drawn whole, where the view is."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    path = walk(300)
    grabs = []
    for make in (lambda: Trail(pg.mkPen("b", width=2)),
                 lambda: pg.PlotCurveItem(path[:, 0], path[:, 1], pen=pg.mkPen("b", width=2))):
        box = QWidget()
        qtbot.addWidget(box)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(150, 90, 0, 0)  # the view is 150 px in and 90 down
        w = bare_plot()
        lay.addWidget(w)
        box.resize(470, 330)
        item = make()
        w.addItem(item)
        if isinstance(item, Trail):
            item.extend(path)
        image = box.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        grabs.append(np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
                     [:, :3 * image.width()].astype(int))
    got, want = grabs
    assert (want.reshape(want.shape[0], -1, 3).min(axis=2) < 200).sum() > 800
    assert (np.abs(got - want) > 60).mean() < 0.01


def test_a_trail_not_shown_for_hours_holds_a_bounded_amount(qtbot):
    """The optimizer page keeps drawing its paths while another tab (3D) hides the surface: the
    points waiting to be painted must not pile up; the trail is painted whole when shown."""
    a, b = pair(qtbot)
    trail = Trail(pg.mkPen("b", width=2), max_points=200)
    a.addItem(trail)
    a.hide()
    path = walk(5000)
    for k in range(0, 4999, 10):
        trail.extend(path[k:k + 11])
    assert sum(map(len, trail._todo)) <= 200 and len(trail) <= 2 * 200 + 1
    a.show()
    qtbot.waitExposed(a)
    b.addItem(pg.PlotCurveItem(*trail.getData(), pen=pg.mkPen("b", width=2)))
    assert (np.abs(pixels(a).astype(int) - pixels(b)).max(axis=2) > 60).mean() < 0.01

