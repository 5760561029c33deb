"""The decision plane: every pixel coloured by its predicted class, the points, the misclassified
ones circled, the probe's marker, and for two classes the logistic-regression comparison."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor

from simulator.classifier.plane import GRID, LogisticComparison, misclassified
from simulator.training import ClassifierTrainer
from ui.framework.plots import contour_polyline, fixed_plot, view_point, zoomed_pen
from ui.framework.style import OKABE_ITO, class_color

NO_LINE = ([np.nan], [np.nan])


SHADES = 64  # shades of confidence per class in the region image


def class_rgb(n: int) -> np.ndarray:
    """(n, 3) float RGB of the first n class colours."""
    return np.array([QColor(class_color(i)).getRgb()[:3] for i in range(n)], dtype=np.float32)


@lru_cache(maxsize=32)
def region_lut(C: int, discretize: bool) -> np.ndarray:
    """(C * SHADES, 4) uint8 RGBA: row c * SHADES + k is class c's colour at shade k, from
    faint (the model unsure, top probability 1/C) to strong (sure); one shade when discretized."""
    if discretize:
        strength = np.full(SHADES, 0.55, dtype=np.float32)
    else:
        strength = 0.12 + 0.68 * np.linspace(0.0, 1.0, SHADES, dtype=np.float32)
    out = np.full((C, SHADES, 4), 255, dtype=np.uint8)
    out[..., :3] = 255.0 - strength[None, :, None] * (255.0 - class_rgb(C)[:, None, :])
    return out.reshape(C * SHADES, 4)


def region_image(proba: np.ndarray, discretize: bool) -> np.ndarray:
    """(n, n, C) probabilities to an RGBA uint8 image: the argmax class's colour, stronger where
    the model is surer (or uniform when discretized). One lookup per pixel in a small table
    (``region_lut``): a few times faster than blending colours pixel by pixel."""
    C = proba.shape[-1]
    idx = np.argmax(proba, axis=-1) * SHADES
    if not discretize:
        top = proba[..., 0].copy()  # the top probability, a class at a time (max over a short
        for c in range(1, C):  # last axis is several times slower)
            np.maximum(top, proba[..., c], out=top)
        scale = (SHADES - 1) / max(1.0 - 1.0 / C, 1e-9)
        shade = np.clip((top - 1.0 / C) * scale + 0.5, 0, SHADES - 1)
        idx += shade.astype(idx.dtype)
    return np.take(region_lut(C, bool(discretize)), idx, axis=0)


def _per_class(labels: np.ndarray, make) -> list:
    """One style object per class, shared by its points: pyqtgraph renders a symbol per distinct
    object, so a brush per point cost 1.2 s a redraw at 10,000 points (0.05 s at 200)."""
    labels = np.asarray(labels, dtype=int)
    style = {int(c): make(class_color(int(c))) for c in np.unique(labels)}
    return [style[c] for c in labels.tolist()]


def class_brushes(labels: np.ndarray) -> list:
    """A brush per point, one object per class (see ``_per_class``)."""
    return _per_class(labels, pg.mkBrush)


class RegionView(pg.PlotWidget):
    """The plane. ``show_data`` draws the points and fits the view to the data's domain;
    ``draw`` recolours the regions and the outlines after training. Emits ``add_requested`` on a
    left click, ``remove_requested`` on a right click and ``hovered`` as the mouse moves, each
    with the point in data coordinates.

    View options: ``discretize`` (one shade per class), ``show_test`` (test points as squares),
    ``compare_logistic`` (for C = 2, the logistic boundary in black dashes over softmax's wide
    purple band).
    """

    add_requested = Signal(float, float)
    remove_requested = Signal(float, float)
    hovered = Signal(float, float)

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.discretize = False
        self.show_test = True
        self.compare_logistic = False
        self.proba = np.zeros((GRID, GRID, 1), dtype=np.float32)  # last drawn, [iy, ix, class]
        self.agreement: float | None = None  # logistic vs softmax, when compared
        self._drawn_score: np.ndarray | None = None
        p = fixed_plot(self.getPlotItem())
        p.setAspectLocked(True)
        p.setLabel("bottom", "x1")
        p.setLabel("left", "x2")
        self.image = pg.ImageItem(axisOrder="row-major")
        # An image of the final size first: setRect scales by the image's size in pixels, so a
        # rect set on an empty item would stretch one pixel over the whole plane.
        self.image.setImage(np.zeros((GRID, GRID, 4), dtype=np.uint8), levels=None)
        p.addItem(self.image)
        # The two boundaries coincide once softmax regression has converged, so they are drawn
        # to stay apart by eye: softmax's as a wide purple band, logistic's as black dashes
        # on top of it (drawn after it, and above it in z).
        band = QColor(OKABE_ITO["reddish_purple"])
        band.setAlpha(200)
        self.softmax_line = pg.PlotDataItem(pen=pg.mkPen(band, width=7), connect="finite")
        self.logistic_line = pg.PlotDataItem(
            pen=pg.mkPen("k", width=2.5, style=Qt.PenStyle.DashLine), connect="finite")
        self.logistic_line.setZValue(2)
        self.softmax_line.setZValue(1)
        self.train_points = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=0.8))
        self.test_points = pg.ScatterPlotItem(size=9, symbol="s", brush=pg.mkBrush("w"))
        # Thin, half-transparent rings: with hundreds of points wrong (a linear model on the
        # spiral) solid thick ones became one black mass over the data and the regions.
        self.wrong_points = pg.ScatterPlotItem(size=14, symbol="o", brush=None,
                                               pen=pg.mkPen((0, 0, 0, 150), width=1.4))
        self.probe_marker = pg.ScatterPlotItem(size=16, symbol="+", pen=pg.mkPen("k", width=2.5))
        for item in (self.softmax_line, self.logistic_line, self.train_points, self.test_points,
                     self.wrong_points, self.probe_marker):
            p.addItem(item)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._moved)

    # -- mouse ----------------------------------------------------------------------------------

    def _clicked(self, ev) -> None:
        xy = view_point(self, ev)
        if xy is None:
            return
        if ev.button() == Qt.MouseButton.LeftButton:
            self.add_requested.emit(*xy)
        elif ev.button() == Qt.MouseButton.RightButton:
            self.remove_requested.emit(*xy)

    def _moved(self, pos) -> None:
        xy = view_point(self, pos)
        if xy is not None:
            self.hovered.emit(*xy)

    # -- drawing --------------------------------------------------------------------------------

    def show_data(self, trainer: ClassifierTrainer) -> None:
        """The training (and test) points, and the view fitted to the data's domain."""
        X, y = trainer.X_train, trainer.y_train
        self.train_points.setData(X[:, 0], X[:, 1], brush=class_brushes(y))
        d = trainer.data
        if self.show_test and len(d.y_test):
            pens = _per_class(d.y_test, lambda color: zoomed_pen(color, width=2.2))
            self.test_points.setData(d.X_test[:, 0], d.X_test[:, 1], pen=pens)
        else:
            self.test_points.setData([], [])
        x0, x1, y0, y1 = d.domain
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def draw(self, trainer: ClassifierTrainer, logistic: LogisticComparison) -> None:
        """The regions, the misclassified outlines and the logistic comparison, from the model."""
        self.proba = trainer.proba_grid(GRID)
        self.image.setImage(region_image(self.proba, self.discretize), levels=None,
                            autoLevels=False)
        wrong = misclassified(trainer, self.show_test)
        self.wrong_points.setData(wrong[:, 0], wrong[:, 1])
        self._draw_logistic(trainer, logistic)

    def _draw_logistic(self, trainer: ClassifierTrainer, logistic: LogisticComparison) -> None:
        if not (self.compare_logistic and logistic.applies(trainer) and len(trainer.y_train)):
            if self.agreement is not None:  # was on: take the lines away, once
                self.agreement = None
                self._drawn_score = None
                self.logistic_line.setData(*NO_LINE)
                self.softmax_line.setData(*NO_LINE)
            return
        self.agreement = logistic.agreement(trainer, self.proba)
        if logistic.score is not self._drawn_score:  # fitted again: a new boundary
            self._drawn_score = logistic.score
            self.logistic_line.setData(*contour_polyline(logistic.xs, logistic.ys,
                                                         logistic.score, [0.0]))
        self.softmax_line.setData(*contour_polyline(logistic.xs, logistic.ys,
                                                    self.proba[..., 1], [0.5]))

    def show_probe(self, at: tuple[float, float] | None) -> None:
        self.probe_marker.setData(*(([at[0]], [at[1]]) if at else ([], [])))
