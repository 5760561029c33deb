"""The Population tab: each member's α over the epochs (log scale), the schedule the population
found, with a dot where a weak member copied a strong one; below, every member's validation
accuracy, the best drawn thick. Lines are coloured by the member's accuracy now. The histories
and curves are kept in ``Curves`` stores (only the new epochs copied) and drawn strided, and the
dots are added as the copies happen, so a frame costs the same late in a long run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.framework.style import OKABE_ITO

from ..explain_search import params_text
from .axes import colour_index, on_scale, on_score_scale, plot_in
from .caviar import Curves, Drawn, band_items, bound, draw_bands, stride_for

BANDS = 8
BEST = OKABE_ITO["vermillion"]


class PopulationView(Drawn, pg.GraphicsLayoutWidget):
    """``alpha_bands`` (α histories by colour), ``copies`` (the copy events), ``acc_bands``
    (validation accuracy) and ``best_curve``."""

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.alpha_plot = plot_in(self, 0, 0, "α")
        self.alpha_bands = band_items(self.alpha_plot, BANDS)
        self.best_alpha = self.alpha_plot.plot(pen=pg.mkPen(BEST, width=3))
        self.copies = pg.ScatterPlotItem(size=7, brush=pg.mkBrush("k"), pen=None, antialias=False)
        self.alpha_plot.addItem(self.copies)
        self.acc_plot = plot_in(self, 1, 0, "validation accuracy", "epoch")
        on_score_scale(self.acc_plot)
        self.acc_bands = band_items(self.acc_plot, BANDS)
        self.best_curve = self.acc_plot.plot(pen=pg.mkPen(BEST, width=3))
        self.alpha_plot.setXLink(self.acc_plot)
        for p in (self.alpha_plot, self.acc_plot):
            p.getAxis("left").setWidth(64)
        self.alphas, self.accs = Curves(), Curves()
        self.dots = np.empty((0, 2))  # (epoch, α's position) of each copy drawn
        self.looked_up = 0  # copies (events) drawn

    def configure(self) -> None:
        s = self._settings = self.lesson.settings
        self.acc_plot.setXRange(0, s.epochs, padding=0.02)
        on_scale(self.alpha_plot, "left", s.axis, "α (log scale)")
        bound(self.alpha_bands, 0, s.epochs + 1, 0, 1)
        bound(self.acc_bands, 0, s.epochs, 0, 1)
        axis = s.axis
        self.alphas = Curves(lambda a: axis.to_unit(np.maximum(a, axis.low)))
        self.restart()

    def restart(self) -> None:
        self.alphas.clear(0)
        self.accs.clear(0)
        self.dots, self.looked_up = np.empty((0, 2)), 0
        self.copies.setData([], [])

    def draw(self, rich: bool = True) -> None:
        """Only when new epochs came in (or the run or the settings changed)."""
        lesson = self.in_force()
        if self.fresh((lesson, lesson.generation, lesson.version, lesson.settings)):
            self._draw(lesson.pbt, lesson.settings)
        self.set_title(self.alpha_plot, rich, lambda: self._title(lesson))

    def _draw(self, pbt, settings) -> None:
        members = pbt.members
        self.alphas.update(pbt.history)
        self.accs.update([m.val_acc for m in members])
        band = colour_index([m.score for m in members], 1.0 / 3, 1.0) * BANDS // 256
        stride = stride_for(len(members), settings.epochs)
        draw_bands(self.alpha_bands, self.alphas, band, stride, offset=1)  # α of epoch e + 1
        draw_bands(self.acc_bands, self.accs, band, stride)
        best = int(np.argmax(pbt.strength()))
        self.best_alpha.setData(*self.alphas.path([best], stride, offset=1))
        self.best_curve.setData(*self.accs.path([best], stride))
        self._draw_copies(pbt.events)

    def _draw_copies(self, events: list) -> None:
        """A dot per copy, at the α the weak member had just trained with; only new copies are
        looked up."""
        if len(events) == self.looked_up:
            return
        new = [(e, self.alphas.data[w, e - 1]) for e, w, _ in events[self.looked_up:]
               if 0 < e <= self.alphas.lens[w]]
        self.looked_up = len(events)
        self.dots = np.vstack([self.dots, np.array(new, dtype=float).reshape(-1, 2)])
        self.copies.setData(self.dots[:, 0], self.dots[:, 1])

    def _title(self, lesson) -> str:
        best = lesson.pbt.best()
        return (f"{lesson.settings.size} members · best: {best.score:.1%} with "
                f"{params_text(best.params, [lesson.settings.axis])} · {len(lesson.pbt.events)} copies")

    def csv_lines(self) -> list[str]:
        """Each member's α and validation accuracy per epoch."""
        pbt = self.lesson.pbt
        lines = ["member,epoch,alpha,val_acc"]
        for k, m in enumerate(pbt.members):
            lines += [f"{k},{e + 1},{a:.6g},{m.val_acc[e + 1]:.6g}" for e, a in enumerate(pbt.history[k])]
        return lines
