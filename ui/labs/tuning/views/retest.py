"""The Re-test tab: the same α grid searched on the data as it was and after it grew. Validation
accuracy against α for both searches (α on its log scale), each search's best α marked, the old
best α's score on the new data ringed, and each search's good range (within 2 points of its best)
drawn as a band under its curve."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.tuning.lessons.retest import ALPHA, GOOD, LABELS
from ui.framework.plots import side_legend
from ui.framework.style import OKABE_ITO

from .axes import LessonPlots, on_scale, plot_in

COLORS = {"before": OKABE_ITO["blue"], "after": OKABE_ITO["vermillion"]}


class RetestView(LessonPlots):
    """``plot``: ``curves[label]`` (accuracy against α, unit positions), ``bests[label]`` (each
    search's best), ``old`` (the old best α on the new data) and ``bands[label]`` (good ranges)."""

    def __init__(self, lab, key: str) -> None:
        super().__init__(lab, key)
        self.plot = plot_in(self, 0, 0, "validation accuracy")
        self.title_plot = self.plot
        on_scale(self.plot, "bottom", ALPHA)
        self.plot.setYRange(0.3, 1.0, padding=0.02)
        side_legend(self.plot)
        self.bands, self.curves, self.bests = {}, {}, {}
        for label in LABELS:
            colour = pg.mkColor(COLORS[label])
            colour.setAlpha(45)  # translucent: both bands and the grid show through
            band = pg.LinearRegionItem(orientation="vertical", movable=False, brush=pg.mkBrush(colour),
                                       pen=pg.mkPen(COLORS[label], width=1, style=Qt.DotLine))
            band.setZValue(-10)
            band.hide()
            self.plot.addItem(band)
            self.bands[label] = band
        names = {"before": "before: the data as it was", "after": "after the data grew"}
        for label in LABELS:
            self.curves[label] = self.plot.plot(
                pen=pg.mkPen(COLORS[label], width=3), symbol="o", symbolSize=8, symbolPen=None,
                symbolBrush=COLORS[label], name=names[label])
            self.bests[label] = self.plot.plot(pen=None, symbol="star", symbolSize=22,
                                               symbolPen=pg.mkPen("k", width=1),
                                               symbolBrush=COLORS[label], name=f"best α {label}")
        self.old = self.plot.plot(pen=None, symbol="o", symbolSize=24, symbolBrush=None,
                                  symbolPen=pg.mkPen(COLORS["after"], width=3, style=Qt.DashLine),
                                  name="the old best α, re-run on the new data")

    def draw(self, rich: bool = True) -> None:
        trials = self.lesson.trials
        if self._drawn is trials:
            return
        self._drawn = trials
        for label in LABELS:
            done = [t for t in trials.get(label, []) if t.epochs > 0]
            u = ALPHA.to_unit(np.array([t.params["lr"] for t in done], dtype=float))
            self.curves[label].setData(u, [t.score for t in done])
        result = self.lesson.result
        if result is None:
            for item in (*self.bests.values(), self.old):
                item.setData([], [])
            for band in self.bands.values():
                band.hide()
            self.show_title("Press Play: the same α grid, searched on the data before and after it grew")
            return
        for label in LABELS:
            alpha, score = result.best[label]
            self.bests[label].setData(ALPHA.to_unit(np.array([alpha])), [score])
            low, high, _ = result.good[label]
            self.bands[label].setRegion([float(v) for v in ALPHA.to_unit(np.array([low, high]))])
            self.bands[label].show()
        self.old.setData(ALPHA.to_unit(np.array([result.best["before"][0]])), [result.old_after])
        self.show_title(f"Best α {result.best['before'][0]:.2g} before, {result.best['after'][0]:.2g} "
                    f"after; the old best loses {100 * result.lost:.1f} points on the new data")


    def csv_lines(self) -> list[str]:
        """One row per α: its validation accuracy before and after the data grew."""
        trials = self.lesson.trials
        rows = {}
        for label in LABELS:
            for t in trials.get(label, []):
                rows.setdefault(t.params["lr"], {})[label] = t.score
        s = self.lesson.settings
        return [f"# Re-test: {s.grid} α values, {s.epochs} epochs, data {s.points['before']} then "
                f"{s.points['after']} points, seed {s.seed}; within {GOOD:.0%} of the best is good",
                "alpha,accuracy_before,accuracy_after",
                *(f"{a:.6g},{r.get('before', float('nan')):.6g},{r.get('after', float('nan')):.6g}"
                  for a, r in sorted(rows.items()))]


__all__ = ["RetestView"]
