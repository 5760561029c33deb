"""The Population tab: each member's α over the epochs (log scale), the schedule the population
found, with a dot where a weak member copied a strong one; below, every member's validation
accuracy, the best drawn thick. Lines are coloured by the member's accuracy now."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.framework.style import OKABE_ITO

from ..explain_search import params_text
from .axes import PENS, TITLE_SIZE, colour_index, on_scale, plot_in
from .caviar import nan_joined

BANDS = 8
BEST = OKABE_ITO["vermillion"]


class PopulationView(pg.GraphicsLayoutWidget):
    """``alpha_bands`` (α histories by colour), ``copies`` (the copy events), ``acc_bands``
    (validation accuracy) and ``best_curve``."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.alpha_plot = plot_in(self, 0, 0, "α")
        self.alpha_bands = [self.alpha_plot.plot(pen=PENS[int(255 * (b + 0.5) / BANDS)], connect="finite")
                            for b in range(BANDS)]
        self.best_alpha = self.alpha_plot.plot(pen=pg.mkPen(BEST, width=3))
        self.copies = pg.ScatterPlotItem(size=7, brush=pg.mkBrush("k"), pen=None, antialias=False)
        self.alpha_plot.addItem(self.copies)
        self.acc_plot = plot_in(self, 1, 0, "validation accuracy", "epoch")
        self.acc_plot.setYRange(0, 1.02, padding=0)
        self.acc_bands = [self.acc_plot.plot(pen=PENS[int(255 * (b + 0.5) / BANDS)], connect="finite")
                          for b in range(BANDS)]
        self.best_curve = self.acc_plot.plot(pen=pg.mkPen(BEST, width=3))
        self.alpha_plot.setXLink(self.acc_plot)
        for p in (self.alpha_plot, self.acc_plot):
            p.getAxis("left").setWidth(64)
        self._settings = None
        self.title = ""

    @property
    def lesson(self):
        return self.lab.lessons["population"]

    def configure(self) -> None:
        s = self._settings = self.lesson.settings
        self.acc_plot.setXRange(0, s.epochs, padding=0.02)
        on_scale(self.alpha_plot, "left", s.axis, "α (log scale)")

    def draw(self, rich: bool = True) -> None:
        lesson = self.lesson
        if lesson.settings != self._settings:
            self.configure()
        pbt, axis = lesson.pbt, lesson.settings.axis
        members = pbt.members
        scores = np.array([m.score for m in members])
        band = colour_index(scores, 1.0 / 3, 1.0) * BANDS // 256
        u_hist = [axis.to_unit(np.maximum(h, axis.low)) if h else [] for h in pbt.history]
        for b in range(BANDS):
            rows = [k for k in range(len(members)) if band[k] == b]
            x, y = nan_joined([u_hist[k] for k in rows])
            self.alpha_bands[b].setData(x + 1 if len(x) else x, y)  # α of epoch e + 1
            self.acc_bands[b].setData(*nan_joined([members[k].val_acc for k in rows]))
        best = int(np.argmax(pbt.strength()))
        self.best_alpha.setData(np.arange(1, len(u_hist[best]) + 1), u_hist[best])
        self.best_curve.setData(np.arange(len(members[best].val_acc)), members[best].val_acc)
        events = [(e, axis.to_unit(max(pbt.history[w][e - 1], axis.low))) for e, w, _ in pbt.events
                  if 0 < e <= len(pbt.history[w])]
        self.copies.setData([e for e, _ in events], [float(u) for _, u in events])
        if rich:
            self._title(lesson, members[best])

    def _title(self, lesson, best) -> None:
        text = (f"{lesson.settings.size} members · best: {best.score:.1%} with "
                f"{params_text(best.params, [lesson.settings.axis])} · {len(lesson.pbt.events)} copies")
        if text != self.title:
            self.title = text
            self.alpha_plot.setTitle(text, size=TITLE_SIZE)

    def csv_lines(self) -> list[str]:
        """Each member's α and validation accuracy per epoch."""
        pbt = self.lesson.pbt
        lines = ["member,epoch,alpha,val_acc"]
        for k, m in enumerate(pbt.members):
            lines += [f"{k},{e + 1},{a:.6g},{m.val_acc[e + 1]:.6g}" for e, a in enumerate(pbt.history[k])]
        return lines
