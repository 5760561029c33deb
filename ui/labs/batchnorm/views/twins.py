"""The Twins tab: the training loss with and without batch norm, and the covariate-shift band
(mean ± std over the training set) of the deepest hidden layer's watched unit."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.framework.plots import PlotRanges, add_plot, power_of_two_span

from .common import C_BN, C_PLAIN, iteration_window, legend

TWINS = (("bn", C_BN, "with BN"), ("plain", C_PLAIN, "without BN"))


class TwinsView(pg.GraphicsLayoutWidget):
    """Two plots: the loss curves per epoch, and the shift band per iteration."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.ranges = PlotRanges()
        self.loss_plot = add_plot(self, 0, 0, "training loss J", "epoch",
                                  "same network, initialization and data order")
        legend(self.loss_plot)
        self.loss = {key: self.loss_plot.plot(pen=pg.mkPen(color, width=2), name=name)
                     for key, color, name in TWINS}
        self.shift_plot = add_plot(self, 1, 0, "z̃ (with BN), z (without)", "iteration")
        legend(self.shift_plot)
        self.shift = {}
        for key, color, name in TWINS:
            mean = self.shift_plot.plot(pen=pg.mkPen(color, width=2), name=name)
            lo = self.shift_plot.plot(pen=pg.mkPen(color, width=0.5))
            hi = self.shift_plot.plot(pen=pg.mkPen(color, width=0.5))
            fill = pg.mkColor(color)
            fill.setAlpha(50)
            self.shift_plot.addItem(pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(fill)))
            self.shift[key] = (mean, lo, hi)
        self._shift_unit: tuple[int, int] | None = None

    def draw(self) -> None:
        e = self.lab.experiment
        histories = {"bn": e.bn.history, "plain": e.plain.history}
        for key, h in histories.items():
            self.loss[key].setData(h.epoch, h.train_loss)
        self.ranges.fit_x(self.loss_plot, "loss", 0, power_of_two_span(len(e.bn.history.epoch)))
        self.ranges.fit_y(self.loss_plot, "loss", *(np.asarray(h.train_loss) for h in histories.values()),
                          zero=True)
        self._draw_shift()

    def _draw_shift(self) -> None:
        e = self.lab.experiment
        # The deepest hidden layer, whatever layer is watched: its inputs are the ones that
        # shift as every earlier layer learns.
        layer = len(e.units) - 1
        unit = min(self.lab.unit, e.units[layer] - 1)
        px = e.snap.iteration.data[:, 0]
        i0, x0, x1 = iteration_window(len(px))
        px = px[i0:]
        vals = []
        for key, _, _ in TWINS:
            m = e.snapshot_series(f"shift_{key}_mean", layer, unit)[i0:]
            sd = e.snapshot_series(f"shift_{key}_std", layer, unit)[i0:]
            mean, lo, hi = self.shift[key]
            mean.setData(px, m)
            lo.setData(px, m - sd)
            hi.setData(px, m + sd)
            vals += [m - sd, m + sd]
        if self._shift_unit != (layer, unit):  # a title change re-lays out the plot
            self._shift_unit = (layer, unit)
            self.shift_plot.setTitle(
                f"covariate shift: mean ± std over the training set, layer {layer + 1} "
                f"(the deepest), unit {unit + 1}", size="9pt")
        self.ranges.fit_x(self.shift_plot, "shift", x0, x1)
        self.ranges.fit_y(self.shift_plot, "shift", *vals)
