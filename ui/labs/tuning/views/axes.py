"""What the tuning views share: an axis drawn on its own scale (unit positions, labelled with
values), score colours, big readable axes, and fixed plots."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont

from simulator.tuning.views_data import axis_ticks
from ui.framework.plots import add_plot

from ..explain import tick_texts

AXIS_PT = 11  # tick labels and axis titles, readable from the back of a room
TITLE_SIZE = "12pt"
FILL_LIMITS = [(0, 0.95), (2, 0.9), (4, 0.85), (6, 0.8), (8, 0.7)]
PAD = 0.05  # room around the unit square, so points at the ends are whole
DIVERGED_BRUSH = pg.mkBrush(150, 150, 150, 200)
_LUT = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=True)
BRUSHES = [pg.mkBrush(*map(int, c)) for c in _LUT]
# Opaque one-pixel pens: Qt draws them several times faster than wide or translucent ones, and
# parallel coordinates and caviar draw hundreds of lines each frame.
PENS = [pg.mkPen(tuple(int(v) for v in c[:3]), width=1) for c in _LUT]


def big_axes(plot: pg.PlotItem) -> pg.PlotItem:
    font = QFont()
    font.setPointSize(AXIS_PT)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTickFont(font)
        axis.label.setFont(font)
        # The end values (0.0001, 10⁻⁶) sit at the plot's edges: show them, not hide them.
        # pyqtgraph drops labels past 40% of a short axis: a class needs every decade named.
        axis.setStyle(hideOverlappingLabels=40, textFillLimits=FILL_LIMITS)
    return plot


def plot_in(layout: pg.GraphicsLayoutWidget, row: int, col: int, left: str = "", bottom: str = "",
            colspan: int = 1) -> pg.PlotItem:
    """A fixed plot with big axes at (row, col) of ``layout``."""
    return big_axes(add_plot(layout, row, col, left, bottom, colspan=colspan))


def on_scale(plot: pg.PlotItem, side: str, axis, title: str | None = None) -> None:
    """Draw ``side`` ("bottom" or "left") of ``plot`` as ``axis`` on its own scale: the plot's
    coordinate is the unit position u, the ticks name the values (0.0001, 0.001, …)."""
    ticks = axis_ticks(axis)
    ticks = list(zip([u for u, _ in ticks], tick_texts([v for _, v in ticks]), strict=True))
    item = plot.getAxis(side)
    item.setTicks(named_where_they_fit(ticks))
    item.setGrid(False)  # with a grid pyqtgraph hides the end labels (0.0001, 10⁻⁶) at the edges
    plot.setLabel(side, title if title is not None else f"{axis.label} ({scale_name(axis)})")
    if side == "bottom":
        plot.setXRange(-PAD, 1 + PAD, padding=0)
    else:
        plot.setYRange(-PAD, 1 + PAD, padding=0)


SCORE_TICKS = [(0.0, "0"), (0.25, "0.25"), (0.5, "0.5"), (0.75, "0.75"), (1.0, "1")]


def on_score_scale(plot: pg.PlotItem, top: float = 1.02, side: str = "left") -> None:
    """An accuracy axis from 0 to ``top``: 0 and 1 named always, 0.5 and then the quarters where
    the axis has room (pyqtgraph's own ticks named 0.2, 0.4, 0.6 and 0.8, touching on a short
    axis at a large zoom, and never the ends)."""
    item = plot.getAxis(side)
    item.setTicks(named_where_they_fit(SCORE_TICKS))
    item.setGrid(False)  # with a grid pyqtgraph drops the names at the ends (0 and 1)
    if side == "left":
        plot.setYRange(0.0, top, padding=0)
    else:
        plot.setXRange(0.0, top, padding=0)


def named_where_they_fit(ticks: list[tuple[float, str]]) -> list[list[tuple[float, str]]]:
    """``ticks`` as three levels for pyqtgraph, which names a level after the first only while
    the names drawn so far fill less of the axis than ``FILL_LIMITS`` allow: both ends, named
    always; every other tick between; and the rest, each named where the axis has room for them,
    else left as shorter tick marks. Names that would touch ("10⁻⁴10⁻³10⁻²") are not read from
    the back of a room; every other decade is."""
    n = len(ticks)
    if n <= 2:
        return [ticks, [], []]
    middle = {i for i in range(2, n - 1, 2) if i != n - 2}  # no neighbour of an end
    levels: list[list[tuple[float, str]]] = [[], [], []]
    for i, tick in enumerate(ticks):
        levels[0 if i in (0, n - 1) else 1 if i in middle else 2].append(tick)
    return levels


def scale_name(axis) -> str:
    return {"log": "log scale", "one_minus_log": "log of 1 − β", "pow2": "powers of 2",
            "int": "whole numbers", "choice": "choices", "linear": "linear"}[axis.scale]


def colour_index(scores: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0..255 along viridis for each score in [lo, hi] (NaN: 0)."""
    s = np.nan_to_num(np.asarray(scores, dtype=float), nan=lo)
    t = (s - lo) / max(hi - lo, 1e-12)
    return np.clip(np.rint(255 * t), 0, 255).astype(int)


def score_brushes(scores: np.ndarray, ok: np.ndarray, lo: float, hi: float) -> list:
    """One brush per trial: its score's colour, grey for a diverged trial."""
    idx = colour_index(scores, lo, hi)
    return [BRUSHES[i] if good else DIVERGED_BRUSH for i, good in zip(idx, ok, strict=True)]


class LessonPlots(pg.GraphicsLayoutWidget):
    """A lesson's tab of plots: ``lesson`` (the lesson of ``key``), ``_drawn`` (what was drawn
    last, for a subclass to skip a redraw) and ``title``, which ``show_title`` sets on the plot
    ``title_plot`` (the subclass's) only when it changes."""

    title_plot: pg.PlotItem

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self._drawn = None
        self.title = ""

    @property
    def lesson(self):
        return self.lab.lessons[self.key]

    def show_title(self, text: str) -> None:
        if text != self.title:
            self.title = text
            self.title_plot.setTitle(text, size=TITLE_SIZE)
