"""The "No b" tab: the notes' "b is useless" under batch norm, measured. Twins from the same
weights on the same mini-batches, one as batch norm builds it (no b in its BN layers), one with a
b in each, started at random values: the loss per mini-batch (solid without b, dashed with it,
one curve over the other), and the first BN layer's b per unit at the start and the end (it
never moves: its gradient is 0)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from simulator.batchnorm.bias import ITERATIONS
from ui.framework.plots import add_plot

from .common import C_BN, C_PLAIN, legend, measure_row

TITLE_SIZE = "10pt"


class BiasView(QWidget):
    """``measure_button`` and two plots: ``loss_plot`` (J per mini-batch, both twins) and
    ``b_plot`` (the first BN layer's b per unit, at the start and after the run)."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        top, self.measure_button = measure_row(
            f"Twins without and with b, {ITERATIONS} mini-batches",
            "Train the settings in force without and with b, from the same weights on the same "
            "mini-batches (in the background)", lab.measure_bias)
        self.plots = pg.GraphicsLayoutWidget()
        self.loss_plot = add_plot(self.plots, 0, 0, "mini-batch J", "iteration")
        self.b_plot = add_plot(self.plots, 1, 0, "b (layer 1)", "unit")
        for p in (self.loss_plot, self.b_plot):
            legend(p)
        self.without = self.loss_plot.plot(pen=pg.mkPen(C_BN, width=4), name="without b (as BN builds it)")
        self.with_b = self.loss_plot.plot(pen=pg.mkPen(C_PLAIN, width=2, style=Qt.PenStyle.DashLine),
                                          name="with b")
        self.b_start = self.b_plot.plot(pen=None, symbol="o", symbolSize=11, symbolPen=None,
                                        symbolBrush=pg.mkBrush(C_PLAIN), name="b at the start")
        self.b_end = self.b_plot.plot(pen=None, symbol="x", symbolSize=9,
                                      symbolPen=pg.mkPen("k", width=1.5), symbolBrush=None,
                                      name=f"b after {ITERATIONS} mini-batches")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.plots, 1)
        lab.bias_changed.connect(self.draw)
        self.draw()

    def draw(self) -> None:
        run = self.lab.bias
        self.measure_button.setEnabled(not self.lab.jobs().busy)
        if run is None:
            for item in (self.without, self.with_b, self.b_start, self.b_end):
                item.setData([], [])
            self.loss_plot.setTitle("Press Measure: twins with and without b train side by side",
                                    size=TITLE_SIZE)
            self.b_plot.setTitle("", size=TITLE_SIZE)
            return
        its = np.arange(1, len(run.without) + 1)
        self.without.setData(its, run.without)
        self.with_b.setData(its, run.with_b)
        units = np.arange(1, len(run.b_start) + 1)
        self.b_start.setData(units, run.b_start)
        self.b_end.setData(units, run.b_end)
        for p in (self.loss_plot, self.b_plot):
            p.enableAutoRange()
        self.loss_plot.setTitle(f"J fell {run.drop:.2f}; the twins' J differ by at most "
                                f"{run.gap:.1e} (rounding)", size=TITLE_SIZE)
        self.b_plot.setTitle(f"b moved at most {run.b_moved:.1e}: its gradient is at most "
                             f"{run.largest_db:.0e}", size=TITLE_SIZE)


__all__ = ["BiasView"]
