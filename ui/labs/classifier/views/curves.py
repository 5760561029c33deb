"""Loss per epoch, train (solid) and test (dashed); the cost J of every mini-batch against the
iteration (smooth for batch descent, noisy for mini-batches, very noisy for a batch of one); and
accuracy per epoch."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from simulator.classifier.history import CostTrace, History
from ui.framework.plots import SteppedRange, fixed_plot, power_of_two_span, side_legend
from ui.framework.style import OKABE_ITO

TRAIN, TEST = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
BATCH = OKABE_ITO["sky_blue"]


def _plot(left: str, bottom: str = "epoch") -> pg.PlotWidget:
    w = pg.PlotWidget(enableMenu=False)
    p = fixed_plot(w.getPlotItem())
    p.setLabel("left", left)
    p.setLabel("bottom", bottom)
    return w


def _curves(plot: pg.PlotItem, names: tuple[str | None, str | None]) -> tuple:
    train = plot.plot(pen=pg.mkPen(TRAIN, width=2), name=names[0])
    test = plot.plot(pen=pg.mkPen(TEST, width=2, style=Qt.PenStyle.DashLine), name=names[1])
    for c in (train, test):
        # The record is bounded and drawn decimated (``History.for_drawing``); only what is in
        # view is drawn.
        c.setClipToView(True)
    return train, test


class CurvesView(QWidget):
    """The loss per epoch, the cost per mini-batch and the accuracy, one over the other. The x
    axes grow in powers of two and the loss axis in quarters, so the cached axes are rarely
    redrawn; the per-iteration trace is bounded by the engine (``CostTrace``)."""

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.loss_plot = _plot("loss J")
        lp = self.loss_plot.getPlotItem()
        side_legend(lp, "8pt")
        self.train_loss, self.test_loss = _curves(lp, ("train", "test"))
        lay.addWidget(self.loss_plot, 3)
        self.iter_plot = _plot("mini-batch J", "iteration")
        # Thousands of jagged segments: without antialiasing they draw in a fraction of the time.
        self.iter_curve = self.iter_plot.getPlotItem().plot(pen=pg.mkPen(BATCH, width=1),
                                                            antialias=False)
        self.iter_curve.setDownsampling(auto=True, method="peak")
        self.iter_curve.setClipToView(True)
        self.iter_y = SteppedRange()
        self._iter_x = 0.0
        lay.addWidget(self.iter_plot, 3)
        self.acc_plot = _plot("accuracy")
        ap = self.acc_plot.getPlotItem()
        ap.setYRange(0, 1.02, padding=0)
        self.train_acc, self.test_acc = _curves(ap, (None, None))
        lay.addWidget(self.acc_plot, 2)
        self._ranges: tuple[float, float] | None = None
        self._drawn: tuple | None = None  # (history, epochs appended, has_test) last drawn
        self._drawn_trace: tuple | None = None

    def draw(self, history: History, has_test: bool) -> None:
        """The per-epoch curves from the run's bounded record (``History``: a run left playing
        for an hour draws as many points as one of a few minutes); nothing to redraw until an
        epoch ends."""
        drawn = (history, history.count, has_test)
        if drawn == self._drawn:  # the same record (held, so never another's id), no new epoch
            return
        self._drawn = drawn
        h = history.for_drawing()  # at most about DRAW_ROWS points, however long the run
        ep, train_loss = h["epoch"], h["train_loss"]
        self.train_loss.setData(ep, train_loss)
        self.train_acc.setData(ep, h["train_acc"])
        if has_test:
            test_loss = h["test_loss"]
            self.test_loss.setData(ep, test_loss)
            self.test_acc.setData(ep, h["test_acc"])
            losses = np.concatenate([train_loss, test_loss])
        else:
            self.test_loss.setData([], [])
            self.test_acc.setData([], [])
            losses = train_loss
        self._fit_ranges(ep[-1], losses[np.isfinite(losses)])

    def draw_iterations(self, trace: CostTrace, iteration: int) -> None:
        """The cost of every mini-batch so far (decimated by the engine on long runs), titled
        with how noisy the last few hundred are; nothing to redraw until a mini-batch ran."""
        if self._drawn_trace == (trace, len(trace), iteration):
            return
        self._drawn_trace = (trace, len(trace), iteration)
        x, y = trace.iterations, trace.costs
        self.iter_curve.setData(x, y)
        p = self.iter_plot.getPlotItem()
        xmax = power_of_two_span(iteration)
        if xmax != self._iter_x:
            self._iter_x = xmax
            p.setXRange(0, xmax, padding=0)
        new = self.iter_y.fit(y, zero=True)
        if new is not None:
            p.setYRange(*new, padding=0)

    def _fit_ranges(self, last_epoch: float, losses: np.ndarray) -> None:
        xmax = power_of_two_span(last_epoch)
        ymax = float(losses.max()) if len(losses) else 1.0
        target = (xmax, math.ceil(ymax * 4) / 4 + 0.25)
        if target != self._ranges:
            self._ranges = target
            self.loss_plot.getPlotItem().setRange(xRange=(0, xmax), yRange=(0, target[1]),
                                                  padding=0)
            self.acc_plot.getPlotItem().setXRange(0, xmax, padding=0)
