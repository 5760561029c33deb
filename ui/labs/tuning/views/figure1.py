"""Grid against random on one budget (Bergstra and Bengio's Figure 1, on real runs): the trials of
each search as points on the two axes' own scales, coloured by validation accuracy (grey:
diverged; ringed: the best); below, each hyperparameter's marginal curve (mean score along its
axis, ``analysis.marginal``) for both searches; last, how many distinct values of each axis each
search tried, and the best score each found."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from simulator.tuning.analysis import marginal
from simulator.tuning.space import distinct_counts
from ui.framework.style import OKABE_ITO

from .axes import PAD, TITLE_SIZE, on_scale, plot_in, score_brushes

METHOD_COLORS = {"grid": OKABE_ITO["orange"], "random": OKABE_ITO["blue"]}
METHOD_SYMBOLS = {"grid": "s", "random": "o"}


class Figure1View(pg.GraphicsLayoutWidget):
    """``scatter[method]``, ``curves[(axis index, method)]`` (the marginals),
    ``distinct_bars`` and ``best_bars``; ``titles`` what each plot says."""

    def __init__(self, lab, key: str = "search") -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.titles: dict[str, str] = {}
        self.plots: dict[str, pg.PlotItem] = {}
        self.scatter: dict[str, pg.ScatterPlotItem] = {}
        self.best_ring: dict[str, pg.ScatterPlotItem] = {}
        for col, m in enumerate(("grid", "random")):
            self._scatter_plot(m, col)
        self.curves: dict[tuple[int, str], pg.PlotDataItem] = {}
        self.points: dict[tuple[int, str], pg.ScatterPlotItem] = {}
        for i in range(2):
            self._marginal_plot(i)
        self._bar_plots()
        for col in range(2):  # two columns of one width, whatever their titles
            self.ci.layout.setColumnStretchFactor(col, 1)
            self.ci.layout.setColumnMinimumWidth(col, 280)
        self._axes = None
        self._drawn = None

    @property
    def lesson(self):
        return self.lab.lessons[self.key]

    def _scatter_plot(self, method: str, col: int) -> None:
        p = plot_in(self, 0, col)
        self.plots[method] = p
        self.scatter[method] = pg.ScatterPlotItem(size=13, pen=pg.mkPen("k", width=0.6), antialias=False,
                                                  symbol=METHOD_SYMBOLS[method])
        self.best_ring[method] = pg.ScatterPlotItem(size=24, symbol="o", brush=None,
                                                    pen=pg.mkPen(OKABE_ITO["vermillion"], width=2.5))
        p.addItem(self.scatter[method])
        p.addItem(self.best_ring[method])

    def _marginal_plot(self, i: int) -> None:
        p = plot_in(self, 1, i, "val. accuracy" if i == 0 else "")
        p.setYRange(0.0, 1.02, padding=0)
        p.addLegend(offset=(5, 5), labelTextSize="10pt")
        self.plots[f"marginal{i}"] = p
        for m, color in METHOD_COLORS.items():
            self.points[(i, m)] = pg.ScatterPlotItem(size=6, symbol=METHOD_SYMBOLS[m], antialias=False,
                                                     brush=pg.mkBrush(color), pen=None)
            self.points[(i, m)].setOpacity(0.45)
            self.curves[(i, m)] = p.plot(pen=pg.mkPen(color, width=3), name=m)
            p.addItem(self.points[(i, m)])

    def _bar_plots(self) -> None:
        d = plot_in(self, 2, 0, "distinct values")
        b = plot_in(self, 2, 1, "best val. accuracy")
        self.plots["distinct"], self.plots["best"] = d, b
        self.distinct_bars = {m: pg.BarGraphItem(x=[0, 2], height=[0, 0], width=0.8,
                                                 brush=METHOD_COLORS[m]) for m in METHOD_COLORS}
        self.best_bars = pg.BarGraphItem(x=[0, 1], height=[0, 0], width=0.6,
                                         brushes=[METHOD_COLORS[m] for m in METHOD_COLORS])
        for item in self.distinct_bars.values():
            d.addItem(item)
        b.addItem(self.best_bars)
        b.setYRange(0, 1.05, padding=0)
        b.setXRange(-0.6, 1.6, padding=0)
        b.getAxis("bottom").setTicks([[(0, "grid"), (1, "random")], []])
        self.distinct_text = [pg.TextItem(anchor=(0.5, 1.0), color="k") for _ in range(4)]
        self.best_text = [pg.TextItem(anchor=(0.5, 1.0), color="k") for _ in range(2)]
        for t in self.distinct_text:
            d.addItem(t)
        for t in self.best_text:
            b.addItem(t)
        for p in (d, b):
            p.showGrid(x=False, y=True, alpha=0.2)
        for name in ("distinct", "best", "marginal0", "marginal1", "grid", "random"):
            self.plots[name].getViewBox().setDefaultPadding(0)

    def configure(self) -> None:
        """Scales, ticks and ranges for the axes in force."""
        axes = self.lesson.settings.axes
        self._axes = axes
        for m in ("grid", "random"):
            on_scale(self.plots[m], "bottom", axes[0])
            on_scale(self.plots[m], "left", axes[1])
        for i in range(2):
            on_scale(self.plots[f"marginal{i}"], "bottom", axes[i])
        budget = self.lesson.settings.budget
        d = self.plots["distinct"]
        d.setXRange(-0.8, 3.8, padding=0)
        d.setYRange(0, budget * 1.2 + 1, padding=0)
        d.getAxis("bottom").setTicks([[(0.5, axes[0].label), (2.5, axes[1].label)], []])

    def draw(self, rich: bool = True) -> None:
        """Only when there are new trials (a step, a worker's partial results) or new axes."""
        lesson = self.lesson
        if lesson.settings.axes != self._axes:
            self.configure()
            self._drawn = None
        if self._drawn is lesson.trials:
            return
        self._drawn = lesson.trials if rich else None  # the titles wait for a rich frame
        axes = lesson.settings.axes
        lo = 1.0 / lesson.settings.objective.base.classes
        for m in ("grid", "random"):
            self._draw_method(m, lesson.trials.get(m, []), axes, lo)
        self._draw_bars(lesson, axes, rich)

    def _draw_method(self, m: str, trials: list, axes, lo: float) -> None:
        if not trials:
            for item in (self.scatter[m], self.best_ring[m], *[self.curves[(i, m)] for i in range(2)],
                         *[self.points[(i, m)] for i in range(2)]):
                item.setData([], [])
            return
        u = [axes[i].to_unit([t.params[axes[i].name] for t in trials]) for i in range(2)]
        scores = np.array([t.score for t in trials])
        ok = np.array([t.status != "diverged" for t in trials])
        self.scatter[m].setData(u[0], u[1], brush=score_brushes(scores, ok, lo, 1.0))
        b = int(np.argmax(np.where(ok, scores, -1.0)))
        self.best_ring[m].setData([u[0][b]], [u[1][b]])
        for i in range(2):
            values = [t.params[axes[i].name] for t in trials]
            mg = marginal(values, scores, axes[i])
            self.curves[(i, m)].setData(mg.u, mg.mean)
            self.points[(i, m)].setData(u[i], scores)

    def _draw_bars(self, lesson, axes, rich: bool) -> None:
        names = [a.name for a in axes]
        best = []
        for k, m in enumerate(("grid", "random")):
            trials = lesson.trials.get(m, [])
            counts = distinct_counts([t.params for t in trials], names)
            heights = [counts[n] for n in names]
            self.distinct_bars[m].setOpts(x=[k, 2 + k], height=heights)
            best.append(max((t.score for t in trials if t.status != "diverged"), default=0.0))
            if rich:
                for j, h in enumerate(heights):
                    text = self.distinct_text[2 * j + k]
                    text.setText(str(h))
                    text.setPos(2 * j + k, h)
        self.best_bars.setOpts(height=best)
        if rich:
            for k, v in enumerate(best):
                self.best_text[k].setText(f"{v:.1%}")
                self.best_text[k].setPos(k, v)
            self._titles(lesson, best)

    def _titles(self, lesson, best: list[float]) -> None:
        s = lesson.settings
        k = s.space.grid_size(s.budget, 2)
        texts = {"grid": f"Grid: {k} × {k} = {k * k} trials",
                 "random": f"Random: {s.budget} trials",
                 "marginal0": f"{s.axes[0].label}: mean score along its axis",
                 "marginal1": f"{s.axes[1].label}: mean score along its axis",
                 "distinct": "Distinct values tried", "best": "Best score found"}
        for name, text in texts.items():
            if self.titles.get(name) != text:
                self.titles[name] = text
                self.plots[name].setTitle(text, size=TITLE_SIZE)


__all__ = ["Figure1View", "PAD"]
