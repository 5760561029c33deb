"""The loss gap J − J* of every racer on a log scale, and α_t of the explained racer."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.race_settings import RACER_NAMES, TWIN_SUFFIX, alpha_curve
from simulator.racing import DIVERGED
from ui.framework.plots import fixed_plot, power_of_two_span, set_pen, show_grid, side_legend
from ui.framework.style import LABELS, num

from ..explain import legend_label
from .paths import GrowingCurve
from .racers import is_twin, racer_pen


class LossView(pg.PlotWidget):
    """J − J* per racer over the iterations; a cross where a racer diverged. The range is fixed
    and grows in steps (powers of two, whole decades), not every frame."""

    def __init__(self, lab) -> None:
        super().__init__(enableMenu=False)
        self.lab = lab
        lp = self.getPlotItem()
        lp.setLogMode(False, True)
        lp.setLabel("bottom", "iteration")
        lp.setLabel("left", "J - J*")
        show_grid(lp, alpha=0.25)
        fixed_plot(lp)
        lp.disableAutoRange()
        self.legend = side_legend(lp, "9pt")
        # Each curve stroked only at its newest points (``GrowingCurve``); in the legend once it runs.
        self.curves = {name: GrowingCurve(lp, racer_pen(name, 2), segmented=not is_twin(name),
                                          chunk=128) for name in RACER_NAMES}
        self.diverged_marks = pg.ScatterPlotItem(symbol="x", size=14, pen=pg.mkPen("k", width=2),
                                                 brush=None)
        lp.addItem(self.diverged_marks)
        self._range = (0.0, 1.0, 1.0)  # x max, y min, y max (decades) shown
        self._noisy: bool | None = None
        self._marks: tuple[list, list] = ([], [])

    def data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The iterations and J − J* drawn for racer ``name`` (older ones strided to a few
        thousand, however long the run)."""
        return self.curves[name].getData()

    def configure(self) -> None:
        """After a settings change: thinner, unsmoothed lines for a noisy loss (a dense band draws
        several times faster so), and a range that starts over."""
        noisy = self.lab.settings.noise > 0
        if noisy != self._noisy:
            self._noisy = noisy
            for name, curve in self.curves.items():
                set_pen(curve, racer_pen(name, 1 if noisy else 2))
                curve.set_antialias(not noisy)
        self._range = (0.0, 1.0, 1.0)

    def draw(self) -> None:
        racers = self.lab.racers
        xmax, ylo, yhi = self._range
        marks_x, marks_y = [], []
        for name in RACER_NAMES:
            r, curve = racers.get(name), self.curves[name]
            curve.setVisible(r is not None)
            label = self.legend.getLabel(curve)
            if r is None:
                if label is not None:
                    self.legend.removeItem(curve)
                continue
            if label is None:
                self.legend.addItem(curve, r.label)
                label = self.legend.getLabel(curve)
            steps, gap = r.steps, r.gaps
            curve.set_points(np.column_stack([steps, gap]), steps)
            text = legend_label(r)
            if label.text != text:
                label.setText(text)
                self.legend.updateSize()  # a longer label may need a row of its own
            if r.status == DIVERGED:
                marks_x.append(float(steps[-1]))
                marks_y.append(np.log10(gap[-1]))
            xmax = max(xmax, float(steps[-1] + 1))
            finite = gap[np.isfinite(gap)]
            if finite.size:
                ylo = min(ylo, float(np.log10(finite.min())))
                yhi = max(yhi, float(np.log10(finite.max())))
        if (marks_x, marks_y) != self._marks:
            self._marks = (marks_x, marks_y)
            self.diverged_marks.setData(marks_x, marks_y)
            self.diverged_marks.setVisible(bool(marks_x))  # an empty item still costs a paint
        hi = float(np.ceil(yhi))
        target = (power_of_two_span(xmax, 100.0), min(float(np.floor(ylo)), hi - 3.0), hi)
        if target != self._range:
            self.getPlotItem().setRange(xRange=(0, target[0]), yRange=target[1:], padding=0.02)
            self._range = target


class AlphaView(pg.PlotWidget):
    """α_t over the iterations for the explained racer, with a line at the current iteration."""

    MIN_SPAN = 500  # iterations drawn at least; the curve is extended as the race goes on
    POINTS = 2048  # t's the curve is computed at, however long the run

    def __init__(self, lab) -> None:
        super().__init__(enableMenu=False)
        self.lab = lab
        ap = self.getPlotItem()
        ap.setLabel("left", "α_t")
        ap.setLabel("bottom", "iteration")
        fixed_plot(ap)
        ap.disableAutoRange()
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#444", width=2))
        # The explained racer's A/B twin, dashed (e.g. constant α beside the decayed one).
        self.twin_curve = pg.PlotDataItem(pen=pg.mkPen("#444", width=2, style=Qt.PenStyle.DashLine))
        self.now = pg.InfiniteLine(angle=90, pen=pg.mkPen("#D55E00", width=1.5))
        ap.addItem(self.twin_curve)
        ap.addItem(self.curve)
        ap.addItem(self.now)
        self.setMaximumHeight(150)

    def draw_curve(self) -> None:
        """The whole curve (after a settings change, or when the race outgrows it)."""
        spec = self.lab.selected_spec
        n = int(power_of_two_span(self.lab.iteration + 100, self.MIN_SPAN))  # doubles: rarely redrawn
        t, alpha = alpha_curve(spec, n, self.POINTS)
        self.curve.setData(t, alpha)
        title = f"α_t for {LABELS[spec.name]}"
        twin_name = self.lab.settings.selected + TWIN_SUFFIX
        if self.lab.settings.twin(twin_name) is not None:
            _, twin_alpha = alpha_curve(self.lab.settings.optimizer_spec(twin_name), n, self.POINTS)
            self.twin_curve.setData(t, twin_alpha)
            alpha = np.concatenate([alpha, twin_alpha])
            title += " (dashed: its twin)"
        else:
            self.twin_curve.setData([], [])
        top = float(np.max(alpha)) if np.all(np.isfinite(alpha)) else spec.lr
        self.getPlotItem().setRange(xRange=(0, n), yRange=(0, 1.1 * top), padding=0)
        # two ticks, 0 and the top: the plot is short, and six ticks ran into each other
        self.getPlotItem().getAxis("left").setTicks([[(0.0, "0"), (top, num(top, 3))], []])
        self.getPlotItem().setTitle(title, size="9pt")

    def draw(self) -> None:
        it = self.lab.iteration + 1
        self.now.setValue(it)
        if it > self.curve.xData[-1]:
            self.draw_curve()
