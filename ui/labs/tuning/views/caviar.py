"""The Caviar tab: every model's validation-accuracy curve, growing as the epochs come in, coloured
by its α on the log scale (dark: small α, yellow: large), the best drawn thick; below, each
model's accuracy so far against its α, the best ringed.

The curves are drawn by a few items (one per colour band, models split by NaN), made once and
only given new data when new epochs came in. Their values are kept in a ``Curves`` store that
copies only the new epochs from the trials, and a long run is drawn strided, so a frame costs the
same after 5,000 epochs as after 5. The Population and Panda tabs draw their curves the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ui.framework.style import OKABE_ITO

from ..explain_search import params_text
from .axes import BRUSHES, DIVERGED_BRUSH, PENS, TITLE_SIZE, on_scale, on_score_scale, plot_in

BANDS = 12
BEST = OKABE_ITO["vermillion"]
MAX_POINTS = 60_000  # points drawn for all the curves of a plot together; more are strided
MIN_POINTS = 300  # per curve, however many curves
MAX_PER_CURVE = 1000  # per curve, however few (a plot is under 1,000 pixels wide)


def nan_joined(curves: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
    """Several curves (one value per epoch from 0) as one x, y pair split by NaN."""
    if not curves:
        return np.empty(0), np.empty(0)
    xs = [np.append(np.arange(len(c), dtype=float), np.nan) for c in curves]
    ys = [np.append(np.asarray(c, dtype=float), np.nan) for c in curves]
    return np.concatenate(xs), np.concatenate(ys)


class Curves:
    """Growing series (one per model: a curve, an α history) in one array, filled from lists that
    only grow: ``update`` copies only the values new since the last call (``transform``ed), and
    ``path`` draws rows as one NaN-separated x, y pair, every ``stride``-th point."""

    def __init__(self, transform: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self.transform = transform
        self.clear(0)

    def clear(self, rows: int) -> None:
        self.data = np.full((rows, 16), np.nan)
        self.lens = np.zeros(rows, dtype=int)

    def update(self, series: Sequence[Sequence[float]]) -> bool:
        """Take the new values of each series; True if any came in."""
        if len(series) != len(self.lens):
            self.clear(len(series))
        grew = False
        for i, s in enumerate(series):
            n, k = len(s), int(self.lens[i])
            if n == k:
                continue
            if n < k:  # not the same run: this row again from the start
                self.data[i] = np.nan
                k = 0
            if n > self.data.shape[1]:
                self._grow(n)
            values = np.asarray(s[k:n], dtype=float)
            self.data[i, k:n] = values if self.transform is None else self.transform(values)
            self.lens[i], grew = n, True
        return grew

    def _grow(self, n: int) -> None:
        old = self.data
        self.data = np.full((len(old), max(n, 2 * old.shape[1])), np.nan)
        self.data[:, :old.shape[1]] = old

    def row(self, i: int) -> np.ndarray:
        """Series i so far (a view)."""
        return self.data[i, :self.lens[i]]

    def path(self, rows: Sequence[int], stride: int = 1, offset: float = 0.0
             ) -> tuple[np.ndarray, np.ndarray]:
        """``rows`` as one x, y pair split by NaN: every ``stride``-th value and the last, at
        x = its index + ``offset``."""
        rows = np.asarray(rows, dtype=int)
        width = int(self.lens[rows].max()) if len(rows) else 0
        if width == 0:
            return np.empty(0), np.empty(0)
        cols = np.arange(0, width, max(int(stride), 1))
        if cols[-1] != width - 1:
            cols = np.append(cols, width - 1)
        y = np.full((len(rows), len(cols) + 1), np.nan)
        y[:, :-1] = self.data[np.ix_(rows, cols)]
        x = np.full_like(y, np.nan)
        x[:, :-1] = cols + offset
        return x.ravel()[:-1], y.ravel()[:-1]


def stride_for(rows: int, epochs: int) -> int:
    """The stride that keeps ``rows`` curves of ``epochs`` + 1 points within MAX_POINTS (and
    between MIN_POINTS and MAX_PER_CURVE a curve): fixed for a run, so the picture does not
    shift as it grows."""
    per_curve = min(MAX_PER_CURVE, max(MIN_POINTS, MAX_POINTS // max(rows, 1)))
    return max(1, math.ceil((epochs + 1) / per_curve))


class BandCurve(pg.PlotCurveItem):
    """A bare curve item (a PlotDataItem's bookkeeping cost more than the drawing) whose bounds
    are given (``bounds``, the plot's fixed range) rather than measured after every new data."""

    bounds = QRectF(0.0, 0.0, 1.0, 1.0)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self.bounds

    def dataBounds(self, ax, frac=1.0, orthoRange=None):  # noqa: N802, N803 (pyqtgraph's names)
        r = self.bounds
        return (r.left(), r.right()) if ax == 0 else (r.top(), r.bottom())


def band_items(plot: pg.PlotItem, bands: int) -> list[BandCurve]:
    """One curve item per colour band along viridis (one-pixel pens), for many curves split by
    NaN."""
    items = []
    for b in range(bands):
        item = BandCurve(pen=PENS[int(255 * (b + 0.5) / bands)], connect="finite", antialias=False)
        plot.addItem(item)
        items.append(item)
    return items


def bound(items: list[BandCurve], x0: float, x1: float, y0: float, y1: float) -> None:
    """The region the items draw in (a margin around the plot's range)."""
    rect = QRectF(x0 - 1.0, y0 - 0.1, x1 - x0 + 2.0, y1 - y0 + 0.2)
    for item in items:
        item.prepareGeometryChange()
        item.bounds = rect


def draw_bands(items: list[BandCurve], curves: Curves, band: np.ndarray, stride: int,
               offset: float = 0.0) -> None:
    """Each band item drawn with the rows whose band (``band[row]``) it is."""
    for b, item in enumerate(items):
        item.setData(*curves.path(np.flatnonzero(band == b), stride, offset))


class Drawn:
    """What a view of a lesson's live run keeps to draw only what changed: the state it drew
    last (``fresh``), and its title, set only when its text changes (a new title re-lays out the
    plot) and only in a frame that may lay out text (``rich``)."""

    key = ""  # the lesson's
    title = ""
    _drawn: tuple = ()
    _titled: tuple = ()
    _settings = None  # the settings the ranges and ticks were set for

    @property
    def lesson(self):
        return self.lab.lessons[self.key]

    def fresh(self, state: tuple) -> bool:
        """True (once) when ``state`` differs from the one drawn last. Its first two items name
        the run (the lesson and its generation): when they change, ``restart``."""
        if state == self._drawn:
            return False
        if state[:2] != self._drawn[:2]:
            self.restart()
        self._drawn = state
        return True

    def restart(self) -> None:
        """Forget what was kept of the last run drawn (the curves' store, if it has one)."""
        if hasattr(self, "curves"):
            self.curves.clear(0)

    def in_force(self):
        """The lesson, with the ranges and ticks set for its settings (``configure``)."""
        lesson = self.lesson
        if lesson.settings != self._settings:
            self.configure()
        return lesson

    def set_title(self, plot: pg.PlotItem, rich: bool, text: Callable[[], str]) -> None:
        """The title ``text()``, when ``rich`` and the state drawn changed since the last title."""
        if not rich or self._titled == self._drawn:
            return
        self._titled = self._drawn
        new = text()
        if new != self.title:
            self.title = new
            plot.setTitle(new, size=TITLE_SIZE)


class CaviarView(Drawn, pg.GraphicsLayoutWidget):
    """``bands`` (the curves by colour), ``best_curve``, ``scatter`` and ``best_ring``."""

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.curves_plot = plot_in(self, 0, 0, "validation accuracy", "epoch")
        on_score_scale(self.curves_plot)
        self.bands = band_items(self.curves_plot, BANDS)
        self.best_curve = self.curves_plot.plot(pen=pg.mkPen(BEST, width=4))
        self.alpha_plot = plot_in(self, 1, 0, "validation accuracy")
        on_score_scale(self.alpha_plot)
        self.scatter = pg.ScatterPlotItem(size=9, pen=pg.mkPen("k", width=0.4))
        self.best_ring = pg.ScatterPlotItem(size=22, brush=None, pen=pg.mkPen(BEST, width=2.5))
        self.alpha_plot.addItem(self.scatter)
        self.alpha_plot.addItem(self.best_ring)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self.curves = Curves()

    def configure(self) -> None:
        s = self._settings = self.lesson.settings
        self.curves_plot.setXRange(0, s.epochs, padding=0.02)
        on_scale(self.alpha_plot, "bottom", s.axis, "α (log scale)")
        bound(self.bands, 0, s.epochs, 0, 1)

    def draw(self, rich: bool = True) -> None:
        """Only when new epochs came in (or the run or the settings changed)."""
        lesson = self.in_force()
        if self.fresh((lesson, lesson.generation, lesson.version, lesson.settings)):
            self._draw(lesson)
        self.set_title(self.curves_plot, rich, lambda: self._title(lesson))

    def _title(self, lesson) -> str:
        best = lesson.best()
        if best is None:
            return self.title
        return (f"{lesson.settings.models} models at once · best so far: "
                f"{params_text(best.params, [lesson.settings.axis])}, {best.score:.1%}")

    def _draw(self, lesson) -> None:
        trials = lesson.all_trials()
        self.curves.update([t.val_acc for t in trials])
        u = lesson.settings.axis.to_unit([t.params["lr"] for t in trials]) if trials else np.empty(0)
        band = np.minimum((np.clip(u, 0, 1) * BANDS).astype(int), BANDS - 1)
        stride = stride_for(len(trials), lesson.settings.epochs)
        draw_bands(self.bands, self.curves, band, stride)
        best = lesson.best()
        if best is None:
            for item in (self.best_curve, self.scatter, self.best_ring):
                item.setData([], [])
            return
        self.best_curve.setData(*self.curves.path([best.index], stride))
        brushes = [BRUSHES[int(255 * (k + 0.5) / BANDS)] if t.status != "diverged" else DIVERGED_BRUSH
                   for t, k in zip(trials, band, strict=True)]
        self.scatter.setData(u, [t.score for t in trials], brush=brushes)
        self.best_ring.setData(u[[best.index]], [best.score])

    def csv_lines(self) -> list[str]:
        """Every model's α, status and validation accuracy per epoch."""
        trials = self.lesson.all_trials()
        epochs = max((len(t.val_acc) for t in trials), default=0)
        lines = ["model,alpha,status," + ",".join(f"val_acc_{e}" for e in range(epochs))]
        for t in trials:
            lines.append(f"{t.index},{t.params['lr']:.6g},{t.status},"
                         + ",".join(f"{v:.6g}" for v in t.val_acc))
        return lines
