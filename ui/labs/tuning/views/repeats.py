"""The Repeats tab: grid against random search over many repeats. Top: the expected best against
the number of trials (random: the best of its first n trials, averaged over the repeats; the grid:
the best of a k × k grid, at n = k²). Bottom: how often each best score came up, for the full grid
and for random search on the same budget."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ui.framework.plots import side_legend

from .axes import LessonPlots, on_score_scale, plot_in
from .figure1 import METHOD_COLORS


class RepeatsView(LessonPlots):
    """``expected`` (the two curves) and ``bars`` (the two searches' best scores, side by side)."""

    def __init__(self, lab, key: str) -> None:
        super().__init__(lab, key)
        self.expected_plot = plot_in(self, 0, 0, "expected best accuracy", "trials per search")
        self.title_plot = self.expected_plot
        on_score_scale(self.expected_plot)
        side_legend(self.expected_plot)
        self.expected = {
            "random": self.expected_plot.plot(pen=pg.mkPen(METHOD_COLORS["random"], width=3),
                                              name="random search: best of the first n trials"),
            "grid": self.expected_plot.plot(pen=pg.mkPen(METHOD_COLORS["grid"], width=3, style=Qt.DashLine),
                                            symbol="s", symbolSize=10, symbolBrush=METHOD_COLORS["grid"],
                                            name="grid: best of a k × k grid (n = k²)"),
        }
        self.best_plot = plot_in(self, 1, 0, "repeats", "best validation accuracy of the search")
        self.best_plot.setTitle("How often each best came up: grid (orange), random (blue)", size="10pt")
        self.bars = {m: pg.BarGraphItem(x=[], height=[], width=0.004, brush=METHOD_COLORS[m], pen=None)
                     for m in ("grid", "random")}
        for item in self.bars.values():
            self.best_plot.addItem(item)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)

    def draw(self, rich: bool = True) -> None:
        found = self.lesson.found
        if self._drawn is found:
            return
        self._drawn = found
        budget = self.lesson.settings.budget
        self.expected_plot.setXRange(0.5, budget + 0.5, padding=0)
        random = found.expected_random()
        self.expected["random"].setData(np.arange(1, len(random) + 1), random)
        n, grid = found.expected_grid()
        self.expected["grid"].setData(n, grid)
        self._draw_bests(found)
        if found.count:
            win, tie, lose = found.wins()
            self.show_title(f"Random beat the grid in {win} of {found.count} repeats (tied {tie})")
        else:
            self.show_title("Press Play: both searches are repeated in the background")

    def _draw_bests(self, found) -> None:
        bests = {"grid": np.asarray(found.grid_best, dtype=float), "random": found.random_best()}
        every = np.concatenate(list(bests.values()))
        if not len(every):
            for item in self.bars.values():
                item.setOpts(x=[], height=[])
            return
        levels = np.unique(np.round(every, 6))
        step = float(np.min(np.diff(levels))) if len(levels) > 1 else 0.01
        width = 0.4 * step
        for side, (m, values) in zip((-0.5, 0.5), bests.items(), strict=True):
            counts = np.array([np.sum(np.isclose(values, v)) for v in levels])
            self.bars[m].setOpts(x=levels + side * width, height=counts, width=width)
        self.best_plot.setXRange(levels[0] - step, levels[-1] + step, padding=0)
        most = max(int(np.max(self.bars[m].opts["height"])) for m in self.bars)
        self.best_plot.setYRange(0, max(1, most) * 1.15, padding=0)


    def csv_lines(self) -> list[str]:
        """Per repeat: the grid's best and random search's best."""
        found = self.lesson.found
        rows = [f"{r},{g:.6g},{b:.6g}" for r, (g, b) in enumerate(zip(found.grid_best, found.random_best(),
                                                                        strict=True))]
        return ["repeat,grid_best,random_best", *rows]
