"""The loss gap J − J* of every racer on a log scale, and α_t of the explained racer."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from simulator.race_settings import OPTIMIZER_NAMES, alpha_curve
from simulator.racing import DIVERGED
from ui.framework.plots import fixed_plot, power_of_two_span
from ui.framework.style import LABELS, OPTIMIZER_COLORS

from ..explain import legend_label


class LossView(pg.PlotWidget):
    """J − J* per racer over the iterations; a cross where a racer diverged. The range is fixed
    and grows in steps (powers of two, whole decades), not every frame."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        lp = self.getPlotItem()
        lp.setLogMode(False, True)
        lp.setLabel("bottom", "iteration")
        lp.setLabel("left", "J - J*")
        lp.showGrid(x=True, y=True, alpha=0.25)
        fixed_plot(lp)
        lp.disableAutoRange()
        self.legend = lp.addLegend(offset=(-5, 5), labelTextSize="9pt",
                                   brush=pg.mkBrush(255, 255, 255, 210))
        self.curves: dict[str, pg.PlotDataItem] = {}
        for name in OPTIMIZER_NAMES:
            c = pg.PlotDataItem(pen=pg.mkPen(OPTIMIZER_COLORS[name], width=2), name=LABELS[name])
            c.setDownsampling(auto=True, method="peak")
            c.curve.setSegmentedLineMode("on")
            c.setClipToView(True)
            lp.addItem(c)
            self.curves[name] = c
        self.diverged_marks = pg.ScatterPlotItem(symbol="x", size=14, pen=pg.mkPen("k", width=2),
                                                 brush=None)
        lp.addItem(self.diverged_marks)
        self._range = (0.0, 1.0, 1.0)  # x max, y min, y max (decades) shown
        self._noisy: bool | None = None

    def data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The iterations and J − J* set on racer ``name``'s curve (not the downsampled drawing)."""
        c = self.curves[name]
        return c.xData, c.yData

    def configure(self) -> None:
        """After a settings change: thinner, unsmoothed lines for a noisy loss (a dense band draws
        several times faster so), and a range that starts over."""
        noisy = self.lab.settings.noise > 0
        if noisy != self._noisy:
            self._noisy = noisy
            for name, curve in self.curves.items():
                curve.setPen(pg.mkPen(OPTIMIZER_COLORS[name], width=1 if noisy else 2))
                curve.curve.opts["antialias"] = not noisy
        self._range = (0.0, 1.0, 1.0)

    def draw(self) -> None:
        racers = self.lab.racers
        xmax, ylo, yhi = self._range
        marks_x, marks_y = [], []
        for name in OPTIMIZER_NAMES:
            r, curve = racers.get(name), self.curves[name]
            curve.setVisible(r is not None)
            label = self.legend.getLabel(curve)
            if r is None:
                if label is not None:
                    self.legend.removeItem(curve)
                continue
            if label is None:
                self.legend.addItem(curve, LABELS[name])
                label = self.legend.getLabel(curve)
            gap = r.gaps
            curve.setData(np.arange(len(gap)), gap)
            text = legend_label(r)
            if label.text != text:
                label.setText(text)
            if r.status == DIVERGED:
                marks_x.append(len(gap) - 1)
                marks_y.append(np.log10(gap[-1]))
            xmax = max(xmax, float(len(gap)))
            finite = gap[np.isfinite(gap)]
            if finite.size:
                ylo = min(ylo, float(np.log10(finite.min())))
                yhi = max(yhi, float(np.log10(finite.max())))
        self.diverged_marks.setData(marks_x, marks_y)
        hi = float(np.ceil(yhi))
        target = (power_of_two_span(xmax, 100.0), min(float(np.floor(ylo)), hi - 3.0), hi)
        if target != self._range:
            self.getPlotItem().setRange(xRange=(0, target[0]), yRange=target[1:], padding=0.02)
            self._range = target


class AlphaView(pg.PlotWidget):
    """α_t over the iterations for the explained racer, with a line at the current iteration."""

    MIN_SPAN = 500  # iterations drawn at least; the curve is extended as the race goes on

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        ap = self.getPlotItem()
        ap.setLabel("left", "α_t")
        ap.setLabel("bottom", "iteration")
        fixed_plot(ap)
        ap.disableAutoRange()
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#444", width=2))
        self.now = pg.InfiniteLine(angle=90, pen=pg.mkPen("#D55E00", width=1.5))
        ap.addItem(self.curve)
        ap.addItem(self.now)
        self.setMaximumHeight(150)

    def draw_curve(self) -> None:
        """The whole curve (after a settings change, or when the race outgrows it)."""
        spec = self.lab.selected_spec
        n = max(self.MIN_SPAN, self.lab.iteration + 100)
        t, alpha = alpha_curve(spec, n)
        self.curve.setData(t, alpha)
        top = float(np.max(alpha)) if np.all(np.isfinite(alpha)) else spec.lr
        self.getPlotItem().setRange(xRange=(0, n), yRange=(0, 1.1 * top), padding=0)
        self.getPlotItem().setTitle(f"α_t for {LABELS[spec.name]}", size="9pt")

    def draw(self) -> None:
        it = self.lab.iteration + 1
        self.now.setValue(it)
        if it > self.curve.xData[-1]:
            self.draw_curve()
