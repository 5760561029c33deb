"""The Halving tab: every trial's validation-accuracy curve, the ones kept longer drawn in the
colour of the last round they reached; below, the budget plot: the epochs each round spent, with
how many trials trained in it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.framework.style import CLASS_COLORS

from .axes import LessonPlots, on_score_scale, plot_in
from .caviar import nan_joined

MAX_ROUNDS = 8


class HalvingView(LessonPlots):
    """``round_curves[r]`` (the trials whose last round was r), ``budget_bars`` and their texts."""

    def __init__(self, lab, key: str) -> None:
        super().__init__(lab, key)
        self.curves_plot = plot_in(self, 0, 0, "validation accuracy", "epoch")
        self.title_plot = self.curves_plot
        on_score_scale(self.curves_plot)
        self.round_curves = [self.curves_plot.plot(pen=pg.mkPen(CLASS_COLORS[r % len(CLASS_COLORS)],
                                                                width=1 if r == 0 else 2),
                                                   connect="finite") for r in range(MAX_ROUNDS)]
        self.budget_plot = plot_in(self, 1, 0, "epochs spent", "round")
        colours = [CLASS_COLORS[r % len(CLASS_COLORS)] for r in range(MAX_ROUNDS)]
        self.budget_bars = pg.BarGraphItem(x=[], height=[], width=0.6, brushes=colours)
        self.budget_plot.addItem(self.budget_bars)
        self.budget_text: list[pg.TextItem] = []
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self._drawn_result = None

    def draw(self, rich: bool = True) -> None:
        lesson = self.lesson
        if self._drawn is lesson.trials and (lesson.result is None) == (self._drawn_result is None):
            return
        self._drawn, self._drawn_result = lesson.trials, lesson.result
        trials = lesson.trials
        longest = max((len(t.val_acc) for t in trials), default=1)
        self.curves_plot.setXRange(0, max(longest - 1, 1), padding=0.02)
        reached = self._reached(lesson)
        for r, item in enumerate(self.round_curves):
            item.setData(*nan_joined([t.val_acc for t in trials if reached.get(t.index, 0) == r]))
        self._draw_budget(lesson)

    @staticmethod
    def _reached(lesson) -> dict[int, int]:
        """The last round each trial trained in (all 0 until the rounds are known)."""
        if lesson.result is None:
            return {}
        out: dict[int, int] = {}
        for rung in lesson.result.rounds:
            for i in rung.indices:
                out[i] = min(rung.round, MAX_ROUNDS - 1)
        return out

    def _draw_budget(self, lesson) -> None:
        for t in self.budget_text:
            self.budget_plot.removeItem(t)
        self.budget_text = []
        if lesson.result is None:
            self.budget_bars.setOpts(x=[], height=[])
            self.show_title(f"{len(lesson.trials)} trials: training the first round" if lesson.trials else
                             "Press Play: successive halving runs in the background")
            return
        rounds = lesson.result.rounds
        spent = [r.spent for r in rounds]
        self.budget_bars.setOpts(x=np.arange(len(rounds)), height=spent)
        self.budget_plot.setXRange(-0.6, len(rounds) - 0.4, padding=0)
        self.budget_plot.setYRange(0, max(spent) * 1.25 + 1, padding=0)
        self.budget_plot.getAxis("bottom").setTicks([[(i, str(i + 1)) for i in range(len(rounds))], []])
        for i, r in enumerate(rounds):
            text = pg.TextItem(f"{len(r.indices)} × {r.epochs} ep.", anchor=(0.5, 1.0), color="k")
            text.setPos(i, r.spent)
            self.budget_plot.addItem(text)
            self.budget_text.append(text)
        self.show_title(f"{len(rounds)} rounds, {lesson.result.spent} epochs in all")


    def csv_lines(self) -> list[str]:
        """Each trial's α, β, status, epochs and validation accuracy."""
        lines = ["index,lr,beta,status,epochs,score"]
        lines += [f"{t.index},{t.params['lr']:.6g},{t.params['beta']:.6g},{t.status},{t.epochs},{t.score:.6g}"
                  for t in self.lesson.trials]
        return lines
