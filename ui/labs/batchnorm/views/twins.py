"""The Twins tab: the loss with and without batch norm (train solid, test dashed), covariate
shift (the deepest hidden layer's watched unit over the iterations, and its distribution at a
few fixed moments, per twin), and the noise batch norm adds against the mini-batch size (its
slight regularization)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.batchnorm.lessons import NOISE_SIZES, SHIFT_MOMENTS, moment_stats
from ui.framework.plots import PlotRanges, Throttle, add_plot, power_of_two_span

from .common import C_BN, C_PLAIN, legend

TWINS = (("bn", C_BN, "with BN"), ("plain", C_PLAIN, "without BN"))
# One shade per fixed moment, light (early) to dark (late): cividis, as the surfaces use viridis.
# Plain RGBA tuples: Qt objects held by a module outlive the application and crash its exit.
MOMENT_COLORS = [tuple(int(c) for c in pg.colormap.get("cividis").map(x, mode="byte"))
                 for x in np.linspace(0.85, 0.0, len(SHIFT_MOMENTS))]


class TwinsView(pg.GraphicsLayoutWidget):
    """Three rows: the loss curves per epoch; the shift band per iteration beside the noise
    against m; the distributions at fixed moments without and with batch norm."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.ranges = PlotRanges()
        self._build_loss()
        self._build_shift()
        self._build_noise()
        self._build_moments()
        for i in range(2):
            self.ci.layout.setRowStretchFactor(i, 3)
            self.ci.layout.setColumnStretchFactor(i, 1)
            self.ci.layout.setColumnPreferredWidth(i, 200)  # titles must not widen a column
        self.ci.layout.setRowStretchFactor(2, 3)
        self._shift_unit: tuple[int, int] | None = None
        self._titles: dict[str, str] = {}
        self._drawn_loss: tuple = ()
        self.noise_throttle = Throttle(hz=2.0)

    def _build_loss(self) -> None:
        self.loss_plot = add_plot(self, 0, 0, "loss J", "epoch", "twins from the same weights:<br>"
                                  "train (solid), test (dashed)", colspan=2)
        legend(self.loss_plot)
        self.loss = {key: self.loss_plot.plot(pen=pg.mkPen(color, width=2), name=name)
                     for key, color, name in TWINS}
        self.test_loss = {key: self.loss_plot.plot(
            pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine)) for key, color, _ in TWINS}

    def _build_shift(self) -> None:
        self.shift_plot = add_plot(self, 1, 0, "z̃ (with BN), z (without)", "iteration")
        self.shift = {}
        for key, color, _ in TWINS:
            mean = self.shift_plot.plot(pen=pg.mkPen(color, width=2))
            lo = self.shift_plot.plot(pen=pg.mkPen(color, width=0.5))
            hi = self.shift_plot.plot(pen=pg.mkPen(color, width=0.5))
            fill = pg.mkColor(color)
            fill.setAlpha(50)
            self.shift_plot.addItem(pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(fill)))
            self.shift[key] = (mean, lo, hi)

    def _build_noise(self) -> None:
        self.noise_plot = add_plot(self, 1, 1, "std of an example's z̃", "mini-batch size m",
                                   "BN's noise<br>(a slight regularizer)")
        # m on a log2 axis, ticked with the sizes themselves.
        self.noise_plot.getAxis("bottom").setTicks([[(np.log2(m), str(m)) for m in NOISE_SIZES]])
        self.noise_curve = self.noise_plot.plot(pen=pg.mkPen(C_BN, width=2), symbol="o",
                                                symbolSize=6, symbolBrush=C_BN, symbolPen=None)
        self.noise_now = pg.InfiniteLine(angle=90, pen=pg.mkPen("k", style=Qt.PenStyle.DashLine))
        self.noise_plot.addItem(self.noise_now)
        self.noise_plot.setXRange(np.log2(NOISE_SIZES[0]) - 0.3, np.log2(NOISE_SIZES[-1]) + 0.3,
                                  padding=0)

    def _build_moments(self) -> None:
        self.moment_plots, self.moment_curves = {}, {}
        for col, (key, _, name) in enumerate(reversed(TWINS)):
            plot = add_plot(self, 2, col, "count", "z̃" if key == "bn" else "z",
                            f"{name}<br>at fixed iterations")
            if col == 1:
                legend(plot)
            self.moment_plots[key] = plot
            self.moment_curves[key] = [
                plot.plot(stepMode="center", pen=pg.mkPen(c, width=2),
                          name=f"iteration {it}" if col == 1 else None)
                for c, it in zip(MOMENT_COLORS, SHIFT_MOMENTS, strict=True)]

    def draw(self, rich: bool = True, force: bool = False) -> None:
        """The loss and the shift band every frame; the histograms when ``rich``; the noise
        curve (forward passes over many mini-batches) twice a second, or when ``force``d."""
        self._draw_loss()
        layer, unit = self._deepest()
        self._draw_shift(layer, unit)
        if rich:
            self._draw_moments(unit)
            # About 10 ms of forward passes: twice a second while playing, at once when paused.
            if self.noise_throttle.ready(self.lab.running, force):
                self._draw_noise()

    def _draw_loss(self) -> None:
        """Both twins' per-epoch curves from their bounded records (``History``), decimated for
        drawing and redrawn only when an epoch ended (the records are held, so a new run is
        never taken for the old)."""
        e = self.lab.experiment
        histories = {"bn": e.bn.history, "plain": e.plain.history}
        drawn = tuple((h, h.count) for h in histories.values())
        if drawn == self._drawn_loss:
            return
        self._drawn_loss = drawn
        curves = {key: h.for_drawing() for key, h in histories.items()}  # at most ~256 points
        for key, c in curves.items():
            self.loss[key].setData(c["epoch"], c["train_loss"])
            self.test_loss[key].setData(c["epoch"], c["test_loss"])
        self.ranges.fit_x(self.loss_plot, "loss", 0, power_of_two_span(e.bn.history.count))
        self.ranges.fit_y(self.loss_plot, "loss", *(c[name] for c in curves.values()
                                                    for name in ("train_loss", "test_loss")), zero=True)

    def _deepest(self) -> tuple[int, int]:
        """The deepest hidden layer, whatever layer is watched: its inputs are the ones that
        shift as every earlier layer learns; the watched unit, clipped to it."""
        e = self.lab.experiment
        layer = len(e.units) - 1
        return layer, min(self.lab.unit, e.units[layer] - 1)

    def _draw_shift(self, layer: int, unit: int) -> None:
        e = self.lab.experiment
        # The whole run from iteration 0 (the snapshots are bounded: older ones are thinned), so
        # the drift of the distribution without batch norm shows from where it starts.
        x0, x1 = 0, power_of_two_span(max(e.iteration, 50))
        px = e.snap.iteration.data[:, 0]
        vals = []
        for key, _, _ in TWINS:
            m = e.snapshot_series(f"shift_{key}_mean", layer, unit)
            sd = e.snapshot_series(f"shift_{key}_std", layer, unit)
            mean, lo, hi = self.shift[key]
            mean.setData(px, m)
            lo.setData(px, m - sd)
            hi.setData(px, m + sd)
            vals += [m - sd, m + sd]
        if self._shift_unit != (layer, unit):  # a title change re-lays out the plot
            self._shift_unit = (layer, unit)
            self.shift_plot.setTitle(f"covariate shift: mean ± std<br>layer {layer + 1}, unit "
                                     f"{unit + 1}", size="9pt")
        self.ranges.fit_x(self.shift_plot, "shift", x0, x1)
        self.ranges.fit_y(self.shift_plot, "shift", *vals)

    def _draw_noise(self) -> None:
        lab = self.lab
        noise = lab.experiment.batch_noise(lab.layer, lab.unit)
        self.noise_curve.setData(np.log2(noise["sizes"]), noise["std"])
        self.noise_now.setValue(np.log2(max(1, lab.settings.batch_size)))
        self.ranges.fit_y(self.noise_plot, "noise", noise["std"], zero=True)

    def _moment_title(self, key: str, stats: list[tuple[float, float]]) -> None:
        """How far the watched unit's mean and std moved from the first kept moment to the last
        (set only when it changes: a title change re-lays out the plot)."""
        name = dict((k, n) for k, _, n in TWINS)[key]
        title = f"{name}<br>at fixed iterations"
        if len(stats) > 1:
            (m0, s0), (m1, s1) = stats[0], stats[-1]
            title = f"{name}<br>mean {m0:.2f} → {m1:.2f}<br>std {s0:.2f} → {s1:.2f}"
        if self._titles.get(key) != title:
            self._titles[key] = title
            self.moment_plots[key].setTitle(title, size="9pt")

    def _draw_moments(self, unit: int) -> None:
        """Both twins' histograms on shared axes: the same x range and the same counts scale, so
        that how far each distribution moved is compared by eye."""
        moments = self.lab.experiment.moments
        hists = {key: moments.histograms(key, unit) for key in self.moment_curves}
        for key, curves in self.moment_curves.items():
            h = hists[key]
            self._moment_title(key, moment_stats(getattr(moments, key), unit))
            for k, curve in enumerate(curves):
                if k < len(h["counts"]):
                    curve.setData(h["edges"], h["counts"][k])
                else:
                    curve.setData([], [])
        drawn = [h for h in hists.values() if len(h["edges"])]
        if drawn:
            x0 = min(float(h["edges"][0]) for h in drawn)
            x1 = max(float(h["edges"][-1]) for h in drawn)
            counts = [c for h in drawn for c in h["counts"]]
            for key, plot in self.moment_plots.items():
                self.ranges.fit_x(plot, key, x0, x1)
                self.ranges.fit_y(plot, key, *counts, zero=True)
