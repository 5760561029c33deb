"""The "Regularizer" tab: the notes' "batch norm has a slight regularization effect", measured.
The network in force trained with and without batch norm at mini-batch sizes from 4 to the whole
training set, the same epochs and everything else equal: each run's gap (test J − training J,
both in test mode) against m, and the losses themselves. With batch norm the gap is small at small
m and grows with m: the noise of each mini-batch's μ and σ² is the regularizer, and the whole
training set as the batch has none."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from simulator.batchnorm.regularizer import EPOCHS
from ui.framework.plots import add_plot

from .common import C_BN, C_PLAIN, legend, measure_row

TITLE_SIZE = "10pt"


class RegularizerView(QWidget):
    """``measure_button`` and two plots against log₂ m: ``gap_plot`` (test J − training J, with
    and without batch norm) and ``loss_plot`` (test J solid, training J dashed)."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        top, self.measure_button = measure_row(
            f"With and without batch norm, m = 4 to the whole training set, {EPOCHS} epochs each",
            "Train the settings in force with and without batch norm at each mini-batch size "
            "(in the background) and measure the gap between test and training loss",
            lab.measure_gaps)
        self.plots = pg.GraphicsLayoutWidget()
        self.gap_plot = add_plot(self.plots, 0, 0, "test J − training J", "mini-batch size m")
        self.loss_plot = add_plot(self.plots, 1, 0, "J", "mini-batch size m")
        for p in (self.gap_plot, self.loss_plot):
            legend(p)
        marks = {"symbol": "o", "symbolSize": 9, "symbolPen": None}
        self.gap = {
            "bn": self.gap_plot.plot(pen=pg.mkPen(C_BN, width=3), symbolBrush=C_BN,
                                     name="with batch norm", **marks),
            "plain": self.gap_plot.plot(pen=pg.mkPen(C_PLAIN, width=3), symbolBrush=C_PLAIN,
                                        name="without", **marks)}
        dashed = Qt.PenStyle.DashLine
        self.loss = {
            ("bn", "test"): self.loss_plot.plot(pen=pg.mkPen(C_BN, width=3), name="test, with BN"),
            ("bn", "train"): self.loss_plot.plot(pen=pg.mkPen(C_BN, width=2, style=dashed),
                                                 name="training, with BN"),
            ("plain", "test"): self.loss_plot.plot(pen=pg.mkPen(C_PLAIN, width=3), name="test, without"),
            ("plain", "train"): self.loss_plot.plot(pen=pg.mkPen(C_PLAIN, width=2, style=dashed),
                                                    name="training, without")}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.plots, 1)
        lab.gaps_changed.connect(self.draw)
        self.draw()

    def draw(self) -> None:
        run = self.lab.gaps
        self.measure_button.setEnabled(not self.lab.jobs().busy)
        if run is None:
            for item in (*self.gap.values(), *self.loss.values()):
                item.setData([], [])
            self.gap_plot.setTitle("Press Measure: the network trains with and without batch norm "
                                   "at each m", size=TITLE_SIZE)
            self.loss_plot.setTitle("", size=TITLE_SIZE)
            return
        x = np.log2(run.sizes)
        for row, twin in enumerate(("bn", "plain")):
            self.gap[twin].setData(x, run.gap[row])
            self.loss[twin, "test"].setData(x, run.test[row])
            self.loss[twin, "train"].setData(x, run.train[row])
        ticks = [(float(v), str(m)) for v, m in zip(x, run.sizes, strict=True)]
        ticks[-1] = (ticks[-1][0], f"{run.sizes[-1]} (all)")
        for p in (self.gap_plot, self.loss_plot):
            p.getAxis("bottom").setTicks([ticks, []])
            p.enableAutoRange()
        (bn_small, plain_small), (bn_full, plain_full) = run.at(run.sizes[0]), run.at(0)
        self.gap_plot.setTitle(f"m = {run.sizes[0]}: gap {bn_small:.2f} with BN, {plain_small:.2f} "
                               f"without; m = {run.sizes[-1]} (all): {bn_full:.2f} and "
                               f"{plain_full:.2f}", size=TITLE_SIZE)
        self.loss_plot.setTitle(f"after {run.epochs} epochs; solid: test, dashed: training",
                                size=TITLE_SIZE)


__all__ = ["RegularizerView"]
