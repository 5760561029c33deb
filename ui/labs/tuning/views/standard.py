"""The views tuning tools have made standard (Optuna's, W&B's), all drawn from the same trials
with ``simulator.tuning.analysis``: history (best score so far against the trial number, one
line per search or round), slices (score against each hyperparameter on its own scale), parallel
coordinates (one line per trial across the axes, coloured by score) and importance (the share of
the score's variance each hyperparameter's marginal explains, beside the notes' order)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from simulator.tuning.analysis import history, importance, notes_rank, parallel_coordinates
from ui.framework.plots import power_of_two_span, side_legend
from ui.framework.style import CLASS_COLORS, OKABE_ITO

from .axes import PAD, PENS, TITLE_SIZE, colour_index, on_scale, on_score_scale, plot_in, score_brushes
from .drawn import FixedScatter, Turns, changed, set_bars, set_curve, set_label
from .figure1 import METHOD_COLORS

COLOUR_BINS = 8  # parallel coordinates: one item per colour band, lines split by NaN


def group_color(label: str, k: int) -> str:
    """A search's colour (grid orange, random blue, as in Figure 1), or a round's."""
    return METHOD_COLORS.get(label, CLASS_COLORS[k % len(CLASS_COLORS)])


class StandardViews(pg.GraphicsLayoutWidget):
    """History, two slices, parallel coordinates and importance for lesson ``key``'s trials."""

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.plots: dict[str, pg.PlotItem] = {}
        self.history_lines: dict[str, pg.PlotDataItem] = {}
        self.history_points = FixedScatter(size=6, pen=None, brush=pg.mkBrush(80, 80, 80, 110),
                                           antialias=False)
        self._build()
        self._axes = None
        self.turns = Turns(("history", "slices", "parallel"))
        self.shares: dict[str, float] = {}

    @property
    def lesson(self):
        return self.lab.lessons[self.key]

    def _build(self) -> None:
        h = self.plots["history"] = plot_in(self, 0, 0, "best val. accuracy so far", "trial")
        h.addItem(self.history_points)
        side_legend(h, "10pt")
        on_score_scale(h)
        self.slices = []
        for i in range(2):
            p = self.plots[f"slice{i}"] = plot_in(self, 1, i, "val. accuracy" if i == 0 else "")
            on_score_scale(p)
            item = FixedScatter(size=9, pen=pg.mkPen("k", width=0.4), antialias=False)
            p.addItem(item)
            self.slices.append(item)
        par = self.plots["parallel"] = plot_in(self, 2, 0, "position on its scale", colspan=2)
        par.setYRange(-PAD, 1 + PAD, padding=0)
        self.parallel = [par.plot(pen=PENS[int(255 * (b + 0.5) / COLOUR_BINS)], connect="finite")
                         for b in range(COLOUR_BINS)]
        imp = self.plots["importance"] = plot_in(self, 0, 1, "share of variance")
        imp.setYRange(0, 1.22, padding=0)  # room for the label above a 100% bar
        self.importance_bars = pg.BarGraphItem(x=[0], height=[0], width=0.6, brush=OKABE_ITO["blue"])
        imp.addItem(self.importance_bars)
        self.importance_text: list[pg.TextItem] = []
        for col in range(2):  # two columns of one width, whatever their titles
            self.ci.layout.setColumnStretchFactor(col, 1)
            self.ci.layout.setColumnPreferredWidth(col, 200)  # not a minimum: 1024 px fits
            self.ci.layout.setColumnMaximumWidth(col, 2000)
        titles = {"history": "History", "slice0": "Slice", "slice1": "Slice",
                  "parallel": "Parallel coordinates (colour: val. accuracy)",
                  "importance": "Importance"}
        for name, text in titles.items():
            self.plots[name].setTitle(text, size=TITLE_SIZE)

    def configure(self) -> None:
        axes = self._axes = self.lesson.settings.axes
        for i, a in enumerate(axes):
            on_scale(self.plots[f"slice{i}"], "bottom", a)
            self.plots[f"slice{i}"].setTitle(f"Slice: {a.label}", size=TITLE_SIZE)
        par = self.plots["parallel"]
        par.getAxis("bottom").setTicks([[(j, a.label) for j, a in enumerate(axes)], []])
        par.setXRange(-0.15, len(axes) - 0.85, padding=0)
        imp = self.plots["importance"]
        rank = notes_rank([a.name for a in axes])
        ticks = [(j, f"{a.label} (#{rank.index(a.name) + 1})") for j, a in enumerate(axes)]
        imp.getAxis("bottom").setTicks([ticks, []])
        imp.setLabel("bottom", "(#: the notes' order)")
        imp.setXRange(-0.6, len(axes) - 0.4, padding=0)
        for t in self.importance_text:
            imp.removeItem(t)
        self.importance_text = [pg.TextItem(anchor=(0.5, 1.0), color="k") for _ in axes]
        for t in self.importance_text:
            imp.addItem(t)

    def draw(self, rich: bool = True) -> None:
        """Only the rows whose trials are new, in turns while a search plays (``Turns``); all of
        them after new axes."""
        lesson = self.lesson
        if lesson.settings.axes != self._axes:
            self.configure()
            self.turns.forget()
        due = self.turns.due(lesson.trials, self.lab.running)
        if not due:
            return
        trials = lesson.all_trials()
        lo = 1.0 / lesson.settings.objective.base.classes
        scores = np.array([t.score for t in trials])
        if "slices" in due or "parallel" in due:
            U, _ = parallel_coordinates(trials, self._axes) if trials else (np.empty((0, 2)), None)
        for part in due:
            if part == "history":
                self._draw_history(lesson.groups)
                if rich:  # importance waits for a rich frame
                    self._draw_importance(trials)
            elif part == "slices":
                ok = np.array([t.status != "diverged" for t in trials], dtype=bool)
                brushes = score_brushes(scores, ok, lo, 1.0)
                for i in range(2):
                    self.slices[i].set_points(U[:, i] if len(U) else [], scores, brushes)
            else:
                self._draw_parallel(U, scores, lo)
            self.turns.done(part, lesson.trials if rich or part != "history" else None)

    def _draw_history(self, groups: dict[str, list]) -> None:
        h = self.plots["history"]
        xs, ys, start = [], [], 0
        for k, (label, trials) in enumerate(groups.items()):
            n, scores, best = history(trials) if trials else (np.empty(0), np.empty(0), np.empty(0))
            line = self.history_lines.get(label)
            if line is None:
                line = self.history_lines[label] = h.plot(pen=pg.mkPen(group_color(label, k), width=3),
                                                          stepMode=None, name=label)
            set_curve(line, n, best)
            xs.append(n)
            ys.append(scores)
            start = max(start, len(n))
        for label in set(self.history_lines) - set(groups):
            h.removeItem(self.history_lines.pop(label))
        if xs:
            self.history_points.set_points(np.concatenate(xs), np.concatenate(ys))
        span = power_of_two_span(start, 8)
        if changed(h, span):  # the axis is redrawn only when its range grows
            h.setXRange(0.5, span + 0.5, padding=0)

    def _draw_parallel(self, U: np.ndarray, scores: np.ndarray, lo: float) -> None:
        band = colour_index(scores, lo, 1.0) * COLOUR_BINS // 256
        d = U.shape[1] if U.ndim == 2 else 0
        for b, item in enumerate(self.parallel):
            rows = U[band == b] if len(U) else np.empty((0, d))
            if len(rows) == 0:
                set_curve(item, [], [])
                continue
            x = np.tile(np.append(np.arange(d, dtype=float), np.nan), len(rows))
            y = np.hstack([rows, np.full((len(rows), 1), np.nan)]).ravel()
            set_curve(item, x, y)

    def _draw_importance(self, trials: list) -> None:
        axes = self._axes
        if len(trials) < 2:
            set_bars(self.importance_bars, x=list(range(len(axes))), height=[0] * len(axes))
            return
        self.shares = importance(trials, axes)
        heights = [self.shares[a.name] for a in axes]
        set_bars(self.importance_bars, x=list(range(len(axes))), height=heights)
        for j, (t, h) in enumerate(zip(self.importance_text, heights, strict=True)):
            set_label(t, f"{h:.0%}", j, h)
