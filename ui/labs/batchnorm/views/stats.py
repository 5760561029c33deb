"""The Statistics tab: the watched unit's mini-batch μ and σ² (points) against their EWA (line)
and the population values (dashed), histograms of z and z̃ over the training set, and γ and β."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.batchnorm import histogram
from ui.framework.plots import PlotRanges, SteppedRange, add_plot
from ui.framework.style import OKABE_ITO

from .common import C_BATCH, C_EWA, C_POP, Dots, iteration_window, legend

HIST_BINS = 30
SMOOTH_POINTS = 200  # about the most vertices a smooth curve of the window draws


class StatsView(pg.GraphicsLayoutWidget):
    """Three rows: μ and σ² against the iterations; the z and z̃ histograms; γ and β."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.ranges = PlotRanges()
        self._pending: list[int] = []  # the slow parts still to draw while playing (``draw``)
        self._values: tuple[np.ndarray, np.ndarray] | None = None  # z, z̃ of the last histogram
        self._build_statistics()
        self._build_histograms()
        self.gb_plot = add_plot(self, 2, 0, "value", "iteration", "learned γ and β of the watched unit",
                                colspan=2)
        legend(self.gb_plot)
        self.gamma_curve = self.gb_plot.plot(pen=pg.mkPen(OKABE_ITO["bluish_green"], width=2), name="γ")
        self.beta_curve = self.gb_plot.plot(pen=pg.mkPen(OKABE_ITO["orange"], width=2), name="β")
        for row, stretch in enumerate((3, 2, 2)):
            self.ci.layout.setRowStretchFactor(row, stretch)

    def _build_statistics(self) -> None:
        self.mu_plot = add_plot(self, 0, 0, "μ", "iteration", "mini-batch μ, its EWA<br>and population μ")
        self.var_plot = add_plot(self, 0, 1, "σ²", "iteration",
                                 "mini-batch σ², its EWA<br>and population σ²")
        key = legend(self.mu_plot)
        ewa = pg.mkPen(C_EWA, width=2)
        pop = pg.mkPen(C_POP, width=1.5, style=Qt.PenStyle.DashLine)
        self.batch_mu, self.batch_var = Dots(C_BATCH), Dots(C_BATCH)
        self.mu_plot.addItem(self.batch_mu.curve)
        self.var_plot.addItem(self.batch_var.curve)
        key.addItem(Dots.legend_sample(C_BATCH), "mini-batch")
        self.ewa_mu = self.mu_plot.plot(pen=ewa, name="EWA")
        self.pop_mu = self.mu_plot.plot(pen=pop, name="population")
        self.ewa_var = self.var_plot.plot(pen=ewa)
        self.pop_var = self.var_plot.plot(pen=pop)
        self._stride = 1  # the smooth curves' drawing stride (``_thin_smooth_curves``)

    def _build_histograms(self) -> None:
        self.hist_z_plot = add_plot(self, 1, 0, "count", "z (before BN), training set")
        self.hist_zt_plot = add_plot(self, 1, 1, "count", "z̃ = γ z_norm + β (after BN)")
        self.hist_z = self.hist_z_plot.plot(stepMode="center", fillLevel=0,
                                            brush=pg.mkBrush(86, 180, 233, 120),
                                            pen=pg.mkPen(C_BATCH, width=1))
        self.hist_zt = self.hist_zt_plot.plot(stepMode="center", fillLevel=0,
                                              brush=pg.mkBrush(0, 158, 115, 110),
                                              pen=pg.mkPen(OKABE_ITO["bluish_green"], width=1))
        self.hist_z_mu = pg.InfiniteLine(angle=90, pen=pg.mkPen(C_POP, style=Qt.PenStyle.DashLine))
        self.hist_z_plot.addItem(self.hist_z_mu)
        self.hist_zt_beta = pg.InfiniteLine(angle=90, pen=pg.mkPen(OKABE_ITO["orange"], width=2))
        self.hist_zt_plot.addItem(self.hist_zt_beta)
        self._hist_x = {"hz": SteppedRange(), "hzt": SteppedRange()}

    def draw(self, rich: bool = True, whole: bool = True) -> None:
        """The statistics every frame; histograms and γ, β only when ``rich`` (they change slowly
        and cost a pass over the training set): all of them if ``whole``, else one a frame in the
        three frames from a rich one, so that no frame repaints all five plots (such frames took
        20-40 ms at 1920x1080)."""
        lab, e = self.lab, self.lab.experiment
        layer, unit = lab.layer, lab.unit
        it = e.iterations.data[:, 0]
        _, x0, x1 = iteration_window(e.iterations.count)
        i0 = int(np.searchsorted(it, x0))  # the records are thinned in long runs: found by iteration
        x = it[i0:]
        self._thin_smooth_curves(len(x))
        bm = e.series("batch_mean", layer, unit)[i0:]
        bv = e.series("batch_var", layer, unit)[i0:]
        suffix = "_corrected" if lab.corrected else ""
        em = e.series("ewa_mean" + suffix, layer, unit)[i0:]
        ev = e.series("ewa_var" + suffix, layer, unit)[i0:]
        self.batch_mu.setData(x, bm)
        self.batch_var.setData(x, bv)
        self.ewa_mu.setData(x, em)
        self.ewa_var.setData(x, ev)
        px = e.snap.iteration.data[:, 0]
        j0 = int(np.searchsorted(px, x0 - 1))
        pm = e.snapshot_series("pop_mean", layer, unit)[j0:]
        pv = e.snapshot_series("pop_var", layer, unit)[j0:]
        self.pop_mu.setData(px[j0:], pm)
        self.pop_var.setData(px[j0:], pv)
        for plot, key in ((self.mu_plot, "mu"), (self.var_plot, "var"), (self.gb_plot, "gb")):
            self.ranges.fit_x(plot, key, x0, x1)
        # The axes are set by the population's spread, not by the dots: μ ± 1.5 σ and σ² up to
        # 2.5 σ², so runs at different mini-batch sizes share their axes and the small batch's
        # scatter is seen to be wider (the dots widen them only where they stray further).
        sd = np.sqrt(np.maximum(pv, 0.0))
        self.ranges.fit_y(self.mu_plot, "mu", bm, em, pm, pm - 1.5 * sd, pm + 1.5 * sd)
        self.ranges.fit_y(self.var_plot, "var", bv, ev, pv, 2.5 * pv, zero=True)
        parts = (lambda: self._draw_gamma_beta(x, i0), lambda: self._draw_hist_z(pm),
                 self._draw_hist_z_tilde)
        if rich and whole:
            self._pending = []
            for part in parts:
                part()
        elif rich:
            self._pending = list(range(len(parts)))
        if self._pending:  # one part a frame, in the frames that follow a rich one
            parts[self._pending.pop(0)]()

    def _draw_gamma_beta(self, x: np.ndarray, i0: int) -> None:
        e, layer, unit = self.lab.experiment, self.lab.layer, self.lab.unit
        g = e.series("gamma", layer, unit)[i0:]
        b = e.series("beta", layer, unit)[i0:]
        self.gamma_curve.setData(x, g)
        self.beta_curve.setData(x, b)
        self.ranges.fit_y(self.gb_plot, "gb", g, b, np.array([0.0, 1.0]))

    def _draw_hist_z(self, pm: np.ndarray) -> None:
        """z's histogram; z and z̃ over the training set are kept for z̃'s, drawn next."""
        e = self.lab.experiment
        self._values = e.unit_values(self.lab.layer, self.lab.unit)
        self._hist(self.hist_z, self.hist_z_plot, "hz", self._values[0])
        if len(pm):
            self.hist_z_mu.setValue(float(pm[-1]))

    def _draw_hist_z_tilde(self) -> None:
        e = self.lab.experiment
        self._hist(self.hist_zt, self.hist_zt_plot, "hzt", self._values[1])
        self.hist_zt_beta.setValue(float(e.norm_layer(self.lab.layer).beta[self.lab.unit]))

    def _thin_smooth_curves(self, points: int) -> None:
        """Draw the smooth curves (the EWA, the population values, γ and β) with at most about
        ``SMOOTH_POINTS`` vertices: a wide antialiased line costs by the segment, and a vertex
        every 2-3 pixels looks the same. The dots are all drawn; the data stay whole."""
        stride = max(1, points // SMOOTH_POINTS)
        if stride != self._stride:
            self._stride = stride
            for curve in (self.ewa_mu, self.ewa_var, self.gamma_curve, self.beta_curve):
                curve.setDownsampling(ds=stride, auto=False, method="subsample")
            for curve in (self.pop_mu, self.pop_var):  # a snapshot every 2 iterations
                curve.setDownsampling(ds=max(1, stride // 2), auto=False, method="subsample")

    def _hist(self, item: pg.PlotDataItem, plot: pg.PlotItem, key: str, values: np.ndarray) -> None:
        xr = self._hist_x[key]
        new = xr.fit(values)
        if new is not None:
            plot.setXRange(*new, padding=0)
        if xr.current is None:
            item.setData([], [])
            return
        edges, counts = histogram(values, *xr.current, HIST_BINS)
        item.setData(edges, counts)
        if len(counts):
            self.ranges.fit_y(plot, key + "y", counts, zero=True)
