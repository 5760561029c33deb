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
from ui.framework.plots import show_grid, side_legend
from ui.framework.style import OKABE_ITO

from .axes import PAD, TITLE_SIZE, on_scale, on_score_scale, plot_in, score_brushes
from .drawn import FixedScatter, Turns, set_bars, set_curve, set_label

METHOD_COLORS = {"grid": OKABE_ITO["orange"], "random": OKABE_ITO["blue"]}
METHOD_SYMBOLS = {"grid": "s", "random": "o"}


class Figure1View(pg.GraphicsLayoutWidget):
    """``scatter[method]``, ``curves[(axis index, method)]`` (the marginals),
    ``distinct_bars`` and ``best_bars``; ``titles`` what each plot says."""

    def __init__(self, lab, key: str) -> None:
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
            self.ci.layout.setColumnPreferredWidth(col, 200)  # not a minimum: 1024 px fits
        self._axes = None
        self.turns = Turns(("points", "marginals", "bars"))

    @property
    def lesson(self):
        return self.lab.lessons[self.key]

    def _scatter_plot(self, method: str, col: int) -> None:
        p = plot_in(self, 0, col)
        self.plots[method] = p
        self.scatter[method] = FixedScatter(size=13, pen=pg.mkPen("k", width=0.6), antialias=False,
                                            symbol=METHOD_SYMBOLS[method])
        self.best_ring[method] = FixedScatter(size=24, symbol="o", brush=None,
                                              pen=pg.mkPen(OKABE_ITO["vermillion"], width=2.5))
        p.addItem(self.scatter[method])
        p.addItem(self.best_ring[method])

    def _marginal_plot(self, i: int) -> None:
        p = plot_in(self, 1, i, "val. accuracy" if i == 0 else "")
        on_score_scale(p)
        side_legend(p, "10pt")
        self.plots[f"marginal{i}"] = p
        for m, color in METHOD_COLORS.items():
            self.points[(i, m)] = FixedScatter(size=6, symbol=METHOD_SYMBOLS[m], antialias=False,
                                               brush=pg.mkBrush(color), pen=None)
            self.points[(i, m)].setOpacity(0.45)
            self.curves[(i, m)] = p.plot(pen=pg.mkPen(color, width=3), name=m)
            p.addItem(self.points[(i, m)])

    def _bar_plots(self) -> None:
        d = plot_in(self, 2, 0, "count")
        b = plot_in(self, 2, 1, "val. accuracy")
        self.plots["distinct"], self.plots["best"] = d, b
        self.distinct_bars = {m: pg.BarGraphItem(x=[0, 2], height=[0, 0], width=0.8,
                                                 brush=METHOD_COLORS[m]) for m in METHOD_COLORS}
        self.best_bars = pg.BarGraphItem(x=[0, 1], height=[0, 0], width=0.6,
                                         brushes=[METHOD_COLORS[m] for m in METHOD_COLORS])
        for item in self.distinct_bars.values():
            d.addItem(item)
        b.addItem(self.best_bars)
        on_score_scale(b, 1.05)
        b.setXRange(-0.5, 1.5, padding=0)  # the names "grid" and "random" as far apart as they go
        b.getAxis("bottom").setTicks([[(0, "grid"), (1, "random")], []])
        self.distinct_text = [pg.TextItem(anchor=(0.5, 1.0), color="k") for _ in range(4)]
        self.best_text = [pg.TextItem(anchor=(0.5, 1.0), color="k") for _ in range(2)]
        for t in self.distinct_text:
            d.addItem(t)
        for t in self.best_text:
            b.addItem(t)
        show_grid(d, x=False, y=True, alpha=0.2)
        show_grid(b, x=False, y=False)  # its accuracy axis names its ends instead (on_score_scale)
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
        """Only the parts whose trials are new (a step, a worker's partial results), in turns
        while a search plays (``Turns``); all of them after new axes."""
        lesson = self.lesson
        if lesson.settings.axes != self._axes:
            self.configure()
            self.turns.forget()
        axes, trials = lesson.settings.axes, lesson.trials
        lo = 1.0 / lesson.settings.objective.base.classes
        for part in self.turns.due(trials, self.lab.running):
            if part == "bars":
                self._draw_bars(lesson, axes, rich)
            for m in METHOD_COLORS:
                if part == "points":
                    self._draw_points(m, trials.get(m, []), axes, lo)
                elif part == "marginals":
                    self._draw_marginals(m, trials.get(m, []), axes)
            # the bars' labels and the titles wait for a rich frame
            self.turns.done(part, trials if rich or part != "bars" else None)

    @staticmethod
    def _places(trials: list, axes) -> tuple[list, list, np.ndarray]:
        """Each axis's values and unit positions, and the scores, of one search's trials."""
        values = [[t.params[axes[i].name] for t in trials] for i in range(2)]
        return values, [axes[i].to_unit(values[i]) for i in range(2)], np.array([t.score for t in trials])

    def _draw_points(self, m: str, trials: list, axes, lo: float) -> None:
        """One search's trials on the two axes (coloured by score) and its best one ringed."""
        if not trials:
            self.scatter[m].set_points([], [])
            self.best_ring[m].set_points([], [])
            return
        _, u, scores = self._places(trials, axes)
        ok = np.array([t.status != "diverged" for t in trials])
        self.scatter[m].set_points(u[0], u[1], score_brushes(scores, ok, lo, 1.0))
        trained = ok & np.array([t.epochs > 0 for t in trials])  # one not back yet is no best
        b = int(np.argmax(np.where(trained, scores, -1.0)))
        self.best_ring[m].set_points(*(([u[0][b]], [u[1][b]]) if trained.any() else ([], [])))

    def _draw_marginals(self, m: str, trials: list, axes) -> None:
        """One search's scores along each axis and their marginal means (only where a score or
        a place changed: the trials' places stay, their scores change as they train)."""
        trials = [t for t in trials if t.epochs > 0]  # a score is a trained trial's
        values, u, scores = self._places(trials, axes) if trials else ([[], []], [[], []], [])
        for i in range(2):
            if self.points[(i, m)].set_points(u[i], scores):
                mg = marginal(values[i], scores, axes[i]) if trials else None
                set_curve(self.curves[(i, m)], mg.u if mg else [], mg.mean if mg else [])

    def _draw_bars(self, lesson, axes, rich: bool) -> None:
        """The distinct values and the best scores, each bar with its label (a label that
        waited for a rich frame would float inside a grown bar); the titles when ``rich``."""
        names = [a.name for a in axes]
        best, trained = [], []
        for k, m in enumerate(("grid", "random")):
            trials = lesson.trials.get(m, [])
            counts = distinct_counts([t.params for t in trials], names)
            heights = [counts[n] for n in names]
            set_bars(self.distinct_bars[m], x=[k, 2 + k], height=heights)
            scores = [t.score for t in trials if t.status != "diverged" and t.epochs > 0]
            best.append(max(scores, default=0.0))
            trained.append(bool(scores))
            for j, h in enumerate(heights):
                set_label(self.distinct_text[2 * j + k], str(h), 2 * j + k, h)
        set_bars(self.best_bars, height=best)
        for k, v in enumerate(best):
            set_label(self.best_text[k], f"{v:.1%}" if trained[k] else "—", k, v)
        if rich:
            self._titles(lesson, best)

    def _titles(self, lesson, best: list[float]) -> None:
        s = lesson.settings
        k = s.space.grid_size(s.budget, 2)
        texts = {"grid": f"Grid: {k} × {k} = {k * k} trials",
                 "random": f"Random: {s.budget} trials",
                 "marginal0": f"{s.axes[0].label}: its mean score",
                 "marginal1": f"{s.axes[1].label}: its mean score",
                 "distinct": "Distinct values tried", "best": "Best score found"}
        for name, text in texts.items():
            if self.titles.get(name) != text:
                self.titles[name] = text
                self.plots[name].setTitle(text, size=TITLE_SIZE)


__all__ = ["Figure1View", "PAD"]
