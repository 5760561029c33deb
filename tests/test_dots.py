"""Dots and symbols stamped from one pixmap (ui/framework/dots.py): on screen each point gets a
round dot of the pen's width and colour (``DotCurve``) or its symbol (``SymbolStamps``, the
optimizer page's clouds of iterates), and nothing else is drawn; a NaN point is left out; the zoom
grows the symbols; an export draws them as before."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QImage

from ui.framework import export, plot_style
from ui.framework.dots import DotCurve, SymbolStamps

POINTS = [(2.0, 2.0), (5.0, 5.0), (8.0, 3.0)]


def plot_with_dots(qtbot, width: float = 6.0, item=None):
    w = pg.PlotWidget()
    qtbot.addWidget(w)
    w.resize(320, 320)
    p = w.getPlotItem()
    p.hideAxis("left")
    p.hideAxis("bottom")
    p.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    dots = item or DotCurve(pen=pg.mkPen((255, 0, 0), width=width), antialias=True)
    x, y = (np.array([*c, np.nan]) for c in zip(*POINTS, strict=True))  # and a NaN point
    dots.setData(x, np.append(y[:-1], 1.0))
    p.addItem(dots)
    w.show()
    qtbot.waitExposed(w)
    return w, p


def red(image: QImage) -> np.ndarray:
    """(row, col) of every strongly red pixel."""
    rows = []
    for yy in range(image.height()):
        for xx in range(image.width()):
            c = QColor(image.pixel(xx, yy))
            if c.red() > 200 and c.green() < 120 and c.blue() < 120:
                rows.append((yy, xx))
    return np.array(rows)


def centres_of(w, p) -> np.ndarray:
    """(row, col) of each of POINTS in the widget."""
    vb = p.getViewBox()
    out = []
    for x, y in POINTS:
        at = w.mapFromScene(vb.mapViewToScene(pg.Point(x, y)))
        out.append((at.y(), at.x()))
    return np.array(out, dtype=float)


def test_each_point_gets_a_dot_of_the_pens_width_and_nothing_else_is_drawn(qtbot):
    w, p = plot_with_dots(qtbot, width=6.0)
    found = red(w.grab().toImage())
    centres = centres_of(w, p)
    # every red pixel lies within the dot's radius (and a pixel) of one of the three points
    dist = np.min(np.hypot(*(found[:, None, :] - centres[None, :, :]).transpose(2, 0, 1)), axis=1)
    assert dist.max() <= 3 + 1.5
    for c in centres:  # and each point has its dot: about pi * 3^2 pixels
        near = np.hypot(*(found - c).T) <= 4.5
        assert 15 <= near.sum() <= 45, near.sum()


def test_a_wider_pen_stamps_a_wider_dot_and_an_export_strokes_them(qtbot, tmp_path):
    w, p = plot_with_dots(qtbot, width=3.0)
    small = len(red(w.grab().toImage()))
    dots = next(i for i in p.items if isinstance(i, DotCurve))
    dots.setPen(pg.mkPen((255, 0, 0), width=9.0))
    big = len(red(w.grab().toImage()))
    assert big > 4 * small > 0
    path = export.save_plot(p, tmp_path / "dots.png", scale=2.0)
    exported = red(QImage(str(path)))
    # stroked there, with the pen's width in pixels (a cosmetic pen, as every curve's): the
    # same dots, as many pixels as on screen
    assert 0.7 * big < len(exported) < 1.5 * big


def test_each_point_gets_its_symbol_filled_and_outlined_and_the_zoom_grows_them(qtbot):
    stamps = SymbolStamps(symbol="o", size=10, brush=(255, 0, 0), pen=pg.mkPen("k", width=1.0))
    w, p = plot_with_dots(qtbot, item=stamps)
    image = w.grab().toImage()
    found = red(image)
    centres = centres_of(w, p)
    dist = np.min(np.hypot(*(found[:, None, :] - centres[None, :, :]).transpose(2, 0, 1)), axis=1)
    assert dist.max() <= 5 + 1  # the fill, inside each outline
    for c in centres:
        near = np.hypot(*(found - c).T) <= 6
        assert 30 <= near.sum() <= 90, near.sum()  # about pi * 4^2 inside the outline
        row, col = int(round(c[0])), int(round(c[1]))
        for side in (-1, 1):  # a dark outline at the symbol's edge, on either side
            edge = [QColor(image.pixel(col + side * d, row)).red() for d in (4, 5, 6)]
            assert min(edge) < 90, edge
    reach = w.mapFromScene(stamps.mapRectToScene(stamps.boundingRect())).boundingRect()
    assert reach.width() >= (np.ptp(centres[:, 1]) + 10) and reach.height() >= (np.ptp(centres[:, 0]) + 10)
    try:
        plot_style.set_zoom(2.0, [w])
        assert stamps.opts["symbolSize"] == 20
        reach = w.mapFromScene(stamps.mapRectToScene(stamps.boundingRect())).boundingRect()
        assert reach.width() >= np.ptp(centres[:, 1]) + 20  # the bounds grow with the symbols
        assert len(red(w.grab().toImage())) > 3 * len(found)
    finally:
        plot_style.set_zoom(1.0, [w])
    assert stamps.opts["symbolSize"] == 10


def test_an_export_draws_each_symbol(qtbot, tmp_path):
    stamps = SymbolStamps(symbol="s", size=10, brush=(255, 0, 0), pen=pg.mkPen("k", width=1.0))
    w, p = plot_with_dots(qtbot, item=stamps)
    on_screen = len(red(w.grab().toImage()))
    exported = red(QImage(str(export.save_plot(p, tmp_path / "stamps.png", scale=2.0))))
    assert 0.7 * on_screen < len(exported) < 1.5 * on_screen  # sizes in pixels, as a scatter's
