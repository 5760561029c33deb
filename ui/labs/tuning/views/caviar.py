"""The Caviar tab: every model's validation-accuracy curve, growing one epoch per frame, coloured
by its α on the log scale (dark: small α, yellow: large), the best drawn thick; below, each
model's accuracy so far against its α, the best ringed. The curves are drawn by a few items (one
per colour band, models split by NaN), made once and only given new data each frame."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.framework.style import OKABE_ITO

from ..explain_search import params_text
from .axes import BRUSHES, DIVERGED_BRUSH, PENS, TITLE_SIZE, on_scale, plot_in

BANDS = 12
BEST = OKABE_ITO["vermillion"]


def nan_joined(curves: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
    """Several curves (one value per epoch from 0) as one x, y pair split by NaN."""
    if not curves:
        return np.empty(0), np.empty(0)
    xs = [np.append(np.arange(len(c), dtype=float), np.nan) for c in curves]
    ys = [np.append(np.asarray(c, dtype=float), np.nan) for c in curves]
    return np.concatenate(xs), np.concatenate(ys)


class CaviarView(pg.GraphicsLayoutWidget):
    """``bands`` (the curves by colour), ``best_curve``, ``scatter`` and ``best_ring``."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.curves_plot = plot_in(self, 0, 0, "validation accuracy", "epoch")
        self.curves_plot.setYRange(0, 1.02, padding=0)
        self.bands = [self.curves_plot.plot(pen=PENS[int(255 * (b + 0.5) / BANDS)], connect="finite")
                      for b in range(BANDS)]
        self.best_curve = self.curves_plot.plot(pen=pg.mkPen(BEST, width=4))
        self.alpha_plot = plot_in(self, 1, 0, "validation accuracy")
        self.alpha_plot.setYRange(0, 1.02, padding=0)
        self.scatter = pg.ScatterPlotItem(size=9, pen=pg.mkPen("k", width=0.4))
        self.best_ring = pg.ScatterPlotItem(size=22, brush=None, pen=pg.mkPen(BEST, width=2.5))
        self.alpha_plot.addItem(self.scatter)
        self.alpha_plot.addItem(self.best_ring)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self._settings = None
        self.title = ""

    @property
    def lesson(self):
        return self.lab.lessons["caviar"]

    def configure(self) -> None:
        s = self._settings = self.lesson.settings
        self.curves_plot.setXRange(0, s.epochs, padding=0.02)
        on_scale(self.alpha_plot, "bottom", s.axis, "α (log scale)")

    def draw(self, rich: bool = True) -> None:
        lesson = self.lesson
        if lesson.settings != self._settings:
            self.configure()
        trials = lesson.all_trials()
        axis = lesson.settings.axis
        u = axis.to_unit([t.params["lr"] for t in trials]) if trials else np.empty(0)
        band = np.minimum((np.clip(u, 0, 1) * BANDS).astype(int), BANDS - 1)
        for b, item in enumerate(self.bands):
            item.setData(*nan_joined([t.val_acc for t, k in zip(trials, band, strict=True) if k == b]))
        best = lesson.best()
        if best is None:
            for item in (self.best_curve, self.scatter, self.best_ring):
                item.setData([], [])
            return
        self.best_curve.setData(np.arange(len(best.val_acc)), best.val_acc)
        scores = [t.score for t in trials]
        brushes = [BRUSHES[int(255 * (k + 0.5) / BANDS)] if t.status != "diverged" else DIVERGED_BRUSH
                   for t, k in zip(trials, band, strict=True)]
        self.scatter.setData(u, scores, brush=brushes)
        self.best_ring.setData(axis.to_unit([best.params["lr"]]), [best.score])
        if rich:
            self._title(lesson, best)

    def _title(self, lesson, best) -> None:
        text = (f"{lesson.settings.models} models at once · best so far: "
                f"{params_text(best.params, [lesson.settings.axis])}, {best.score:.1%}")
        if text != self.title:
            self.title = text
            self.curves_plot.setTitle(text, size=TITLE_SIZE)

    def csv_lines(self) -> list[str]:
        """Every model's α, status and validation accuracy per epoch."""
        trials = self.lesson.all_trials()
        epochs = max((len(t.val_acc) for t in trials), default=0)
        lines = ["model,alpha,status," + ",".join(f"val_acc_{e}" for e in range(epochs))]
        for t in trials:
            lines.append(f"{t.index},{t.params['lr']:.6g},{t.status},"
                         + ",".join(f"{v:.6g}" for v in t.val_acc))
        return lines
