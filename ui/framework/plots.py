"""Plot helpers for drawing fast: fixed plots, ranges that move in steps, a text throttle, path
traces, the surface colour scale and contours. Views build their items once and then only call
``setData`` each frame."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QBrush, QImage, QPainter, QTextOption, QTransform
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy

from .plot_style import register
from .plot_style import set_pen as set_pen  # for the views: a pen set at draw time, zoomed
from .plot_style import zoomed_pen as zoomed_pen  # a pen per point, zoomed

# Light plots read better on a classroom projector than pyqtgraph's default black.
pg.setConfigOptions(background="w", foreground="k", antialias=True)


def fixed_plot(plot: pg.PlotItem) -> pg.PlotItem:
    """A plot the app controls: no mouse pan/zoom or context menu, axes cached as pixmaps, and
    the View menu's zoom and theme followed (``plot_style.register``).

    Axes are repainted only when their range changes; without the cache their text is redrawn
    every frame, which costs several milliseconds of a 16.7 ms frame.
    """
    plot.setMouseEnabled(False, False)
    register(plot)  # at the app's zoom and theme, now and as they change
    plot.hideButtons()
    plot.setMenuEnabled(False)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # "(x0.001)" prefixes confuse a class, and re-rendering them is what aborts PySide6 6.12.
        axis.enableAutoSIPrefix(False)
    return plot


def add_plot(layout: pg.GraphicsLayoutWidget, row: int, col: int, left: str, bottom: str,
             title: str = "", colspan: int = 1) -> pg.PlotItem:
    """A fixed plot in a graphics layout, with labels, a light grid and no auto-range."""
    p = fixed_plot(layout.addPlot(row=row, col=col, colspan=colspan, enableMenu=False))
    p.disableAutoRange()
    p.setLabel("left", left)
    p.setLabel("bottom", bottom)
    if title:
        p.setTitle(title, size="9pt")
    show_grid(p, alpha=0.15)
    return p


def show_grid(plot: pg.PlotItem, x: bool = True, y: bool = True, alpha: float = 0.15) -> None:
    """pyqtgraph's grid, its lines filled as whole pixels, each direction in one fill.

    pyqtgraph draws a grid as its axes' tick lines across the plot, stroked translucent. Qt's
    raster engine strokes a translucent vertical line one pixel row at a time: 52 lines across a
    443-px plot took 19 ms (antialiased; 12 ms without), and an axis redraws its grid whenever its
    range moves, so such frames of the optimizer and batch-norm pages took 60-100 ms at
    1920x1080. Filled instead (``fill_lines``), the same lines take under half a millisecond,
    one pixel wide on whole pixels, translucent as before."""
    plot.showGrid(x=x, y=y, alpha=alpha)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        if "drawPicture" not in vars(axis):  # once per axis
            axis.drawPicture = _filled_grid(axis.drawPicture)


def _filled_grid(draw_picture):
    """An axis's ``drawPicture`` with its tick lines filled (``fill_lines``); the axis line and
    the labels as pyqtgraph draws them."""
    def draw(p, axis_spec, tick_specs, text_specs) -> None:
        fill_lines(p, tick_specs)
        draw_picture(p, axis_spec, [], text_specs)
    return draw


def fill_lines(p: QPainter, lines) -> None:
    """Draw ``lines`` ((pen, start, end), each vertical or horizontal) as whole pixels of their
    pens' colours and widths. A horizontal line is one fill (one pixel row each). Vertical lines
    sharing a span are painted into a one-pixel-high strip that one fill tiles down the span: the
    raster engine fills a vertical line one row at a time, so 52 lines filled one by one across a
    443-px plot took 4 ms, and tiled 0.2 ms. A line neither vertical nor horizontal is stroked."""
    columns: dict[tuple[int, int], list] = {}
    for pen, a, b in lines:
        w = max(1, round(pen.widthF()))
        if a.x() == b.x():
            span = tuple(sorted((math.floor(a.y()), math.floor(b.y()))))
            columns.setdefault(span, []).append((pen.color(), math.floor(a.x()) - (w - 1) // 2, w))
        elif a.y() == b.y():
            left, right = sorted((math.floor(a.x()), math.floor(b.x())))
            p.fillRect(left, math.floor(a.y()) - (w - 1) // 2, right - left + 1, w, pen.color())
        else:
            p.setPen(pen)
            p.drawLine(a, b)
    for (top, bottom), marks in columns.items():
        first = min(at for _, at, _ in marks)
        width = max(at + w for _, at, w in marks) - first
        strip = QImage(width, 1, QImage.Format.Format_ARGB32_Premultiplied)
        strip.fill(0)
        painter = QPainter(strip)
        for color, at, w in marks:
            painter.fillRect(at - first, 0, w, 1, color)
        painter.end()
        brush = QBrush(strip)
        brush.setTransform(QTransform.fromTranslate(first, 0))
        p.fillRect(QRect(first, top, width, bottom - top + 1), brush)


def power_of_two_span(n: float, minimum: float = 10.0) -> float:
    """An axis end that grows in powers of two (10, 16, 32, …) as a run gets longer, so the
    range changes rarely and the cached axes are not redrawn every frame."""
    return max(minimum, float(2 ** math.ceil(math.log2(max(n, 1.0)))))


class SteppedRange:
    """A view range that follows the data without moving every frame: it grows when the data
    leaves it and shrinks only when the data fills less than a quarter of it."""

    def __init__(self, min_span: float = 1e-3) -> None:
        self.current: tuple[float, float] | None = None
        self.min_span = min_span

    def fit(self, values: np.ndarray, zero: bool = False) -> tuple[float, float] | None:
        """The new range for ``values`` (from 0 if ``zero``), or None if the current one serves."""
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            return None
        lo, hi = float(v.min()), float(v.max())
        if zero:
            lo = min(lo, 0.0)
        span = max(hi - lo, self.min_span)
        cur = self.current
        if cur is not None and cur[0] <= lo and hi <= cur[1] and (cur[1] - cur[0]) < 4 * span:
            return None
        step = 10 ** math.floor(math.log10(span)) / 2
        new = (math.floor((lo - 0.1 * span) / step) * step, math.ceil((hi + 0.1 * span) / step) * step)
        if zero and lo >= 0:
            new = (0.0, new[1])
        self.current = new
        return new


class PlotRanges:
    """Stepped y ranges and fixed x windows for a page's plots, set only when they change."""

    def __init__(self) -> None:
        self._y: dict[str, SteppedRange] = {}
        self._x: dict[str, tuple[float, float]] = {}

    def y(self, key: str) -> SteppedRange:
        r = self._y.get(key)
        if r is None:
            r = self._y[key] = SteppedRange()
        return r

    def fit_y(self, plot: pg.PlotItem, key: str, *arrays: np.ndarray, zero: bool = False) -> None:
        vals = [np.asarray(a, dtype=float).ravel() for a in arrays if len(a)]
        if vals:
            new = self.y(key).fit(np.concatenate(vals), zero=zero)
            if new is not None:
                plot.setYRange(*new, padding=0)

    def fit_x(self, plot: pg.PlotItem, key: str, x0: float, x1: float) -> None:
        if self._x.get(key) != (x0, x1):
            self._x[key] = (x0, x1)
            plot.setXRange(x0, x1, padding=0)

    def clear(self) -> None:
        self._y.clear()
        self._x.clear()


class Throttle:
    """Text layout is the dearest part of a frame: while playing, let it run at most ``hz`` times
    a second; paused (or forced), every time."""

    def __init__(self, hz: float = 10.0) -> None:
        self.interval = 1.0 / hz
        self._last = -math.inf

    def ready(self, running: bool, force: bool = False) -> bool:
        now = time.monotonic()
        if force or not running or now - self._last > self.interval:
            self._last = now
            return True
        return False

    def due(self, within: float = 0.0) -> bool:
        """Whether ``ready`` (playing) will say yes ``within`` seconds from now; nothing changes."""
        return time.monotonic() + within - self._last > self.interval

    def expire(self) -> None:
        """The next ``ready`` says yes."""
        self._last = -math.inf


def arrow_polyline(p: np.ndarray, d: np.ndarray, head: float) -> tuple[np.ndarray, np.ndarray]:
    """A polyline drawing an arrow from p along d, with a head of size ``head``."""
    q = p + d
    n = np.hypot(*d)
    if not np.isfinite(n) or n == 0:
        return np.array([np.nan]), np.array([np.nan])
    u = d / n
    h = min(head, 0.5 * n)
    c, s = np.cos(np.radians(155)), np.sin(np.radians(155))
    left = q + h * np.array([c * u[0] - s * u[1], s * u[0] + c * u[1]])
    right = q + h * np.array([c * u[0] + s * u[1], -s * u[0] + c * u[1]])
    pts = np.array([p, q, [np.nan, np.nan], left, q, right])
    return pts[:, 0], pts[:, 1]


class LogScale:
    """Loss values to 0..1 on a log scale, as the colour map shows them. The levels come from the
    surface's grid once; paths drawn in 3D are mapped with the same levels."""

    def __init__(self, z: np.ndarray, f_min: float) -> None:
        self.f_min = f_min
        self.floor = 1e-6 * (np.ptp(z) + 1e-12)
        v = self._log(z)
        self.lo, self.hi = np.percentile(v, 0.5), np.percentile(v, 99.5)

    def _log(self, values: np.ndarray) -> np.ndarray:
        return np.log10(np.maximum(values - self.f_min, 0.0) + self.floor)

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return np.clip((self._log(values) - self.lo) / max(self.hi - self.lo, 1e-12), 0.0, 1.0)


def surface_lut(lighten: float = 0.35) -> np.ndarray:
    """Viridis, mixed with white so coloured paths stay readable on top: (256, 4) uint8."""
    lut = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=True).astype(float)
    lut[:, :3] = lut[:, :3] * (1 - lighten) + 255 * lighten
    return lut.astype(np.uint8)


# Marching squares: for each cell's corner pattern (bit 0: (iy, ix) above the level, 1: (iy, ix+1),
# 2: (iy+1, ix+1), 3: (iy+1, ix)), the cell edges its contour segments join (edge 0: bottom, 1:
# right, 2: top, 3: left; -1: no segment). The two saddle cases take one of their two readings.
_FIRST = np.array([-1, 3, 0, 3, 1, 3, 0, 3, 3, 0, 0, 1, 3, 0, 3, -1])
_SECOND = np.array([-1, 0, 1, 1, 2, 0, 2, 2, 2, 2, 1, 2, 1, 1, 0, -1])
_FIRST_B = np.array([-1, -1, -1, -1, -1, 1, -1, -1, -1, -1, 3, -1, -1, -1, -1, -1])
_SECOND_B = np.array([-1, -1, -1, -1, -1, 2, -1, -1, -1, -1, 2, -1, -1, -1, -1, -1])


# Each edge's start and end corners, as (dy, dx) offsets from the cell's (iy, ix).
_DY0, _DX0 = np.array([0, 0, 1, 0]), np.array([0, 1, 0, 0])
_DY1, _DX1 = np.array([0, 1, 1, 1]), np.array([1, 1, 1, 0])


def _edge_points(field: np.ndarray, level: float, edge: np.ndarray, iy: np.ndarray,
                 ix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the level crosses each cell's ``edge``, by linear interpolation between its two
    corners (grid units: x along ix, y along iy)."""
    y0, x0, y1, x1 = iy + _DY0[edge], ix + _DX0[edge], iy + _DY1[edge], ix + _DX1[edge]
    a, b = field[y0, x0], field[y1, x1]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.nan_to_num((level - a) / (b - a), nan=0.5), 0.0, 1.0)
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


def contour_polyline(xs: np.ndarray, ys: np.ndarray, field: np.ndarray,
                     levels) -> tuple[np.ndarray, np.ndarray]:
    """The contour lines of ``field`` (indexed [iy, ix] over axes xs, ys) at ``levels``, as short
    segments in data coordinates separated by NaN: one plot item draws them all. Vectorized
    marching squares (pyqtgraph's ``isocurve`` walks the grid in Python: 14 levels of a 200 × 200
    surface took a third of a second at start-up)."""
    field = np.asarray(field, dtype=float)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    out_x, out_y = [], []
    for level in levels:
        above = field > level
        case = (above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8)
        for first, second in ((_FIRST, _SECOND), (_FIRST_B, _SECOND_B)):
            e1 = first[case]
            iy, ix = np.nonzero(e1 >= 0)
            if not len(iy):
                continue
            c = case[iy, ix]
            ax, ay = _edge_points(field, level, first[c], iy, ix)
            bx, by = _edge_points(field, level, second[c], iy, ix)
            nan = np.full(len(iy), np.nan)
            out_x.append(np.column_stack([ax, bx, nan]).ravel())
            out_y.append(np.column_stack([ay, by, nan]).ravel())
    if not out_x:
        return np.array([np.nan]), np.array([np.nan])
    return xs[0] + np.concatenate(out_x) * dx, ys[0] + np.concatenate(out_y) * dy


def view_point(plot: pg.PlotWidget, ev) -> tuple[float, float] | None:
    """The data coordinates of a mouse event inside ``plot``'s view box, or None outside it.
    ``ev`` may also be a scene position (what ``sigMouseMoved`` sends)."""
    vb = plot.getPlotItem().getViewBox()
    pos = ev.scenePos() if hasattr(ev, "scenePos") else ev
    if not vb.sceneBoundingRect().contains(pos):
        return None
    pt = vb.mapSceneToView(pos)
    return float(pt.x()), float(pt.y())


class SideLegend(pg.LegendItem):
    """A legend in its plot's own layout, under the data (``side_legend``): it never covers a
    curve and is never cut, at any zoom. Its entries sit side by side in as many columns as the
    plot's width holds, so it takes a line or two of height. (pyqtgraph's legend floats over the
    view and places itself at (0, 0) when it resizes; this one lets the layout place it.)"""

    GAP = 12  # px between two entries side by side

    def sizeHint(self, which, constraint=None):  # noqa: N802 (Qt's name)
        """As wide as its widest entry, whatever its columns now: the width its plot gets does
        not follow how the entries were laid out last (a legend made at another zoom, or whose
        plot was narrower once, would otherwise keep its plot at another width)."""
        hint = super().sizeHint(which, constraint) if constraint is not None else super().sizeHint(which)
        if which in (Qt.SizeHint.MinimumSize, Qt.SizeHint.PreferredSize) and self.items:
            hint.setWidth(max(sample.boundingRect().width() + label.minimumWidth() + self.GAP
                              for sample, label in self.items))
        return hint

    def updateSize(self) -> None:  # noqa: N802 (pyqtgraph's name)
        self._fit_columns()
        self.layout.invalidate()
        self.updateGeometry()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_columns()  # its height follows, and its plot's view keeps room (plot_room)

    def _fit_columns(self) -> None:
        if not self.items:
            return
        natural = [_natural_width(label.item.document()) for _, label in self.items]
        widths = [sample.boundingRect().width() + w + self.GAP
                  for (sample, _), w in zip(self.items, natural, strict=True)]
        fit = 1
        for n in range(2, len(widths) + 1):  # the most columns whose widest entries fit side by side
            if sum(max(widths[c::n]) for c in range(n)) <= self.width():
                fit = n
        if fit != self.columnCount:
            self.setColumnCount(fit)
        # One column and a label still too long: it wraps rather than running out of the plot.
        room = self.width() - max(sample.boundingRect().width() for sample, _ in self.items) - self.GAP
        for (_, label), w in zip(self.items, natural, strict=True):
            wrap = room if fit == 1 and w > room > 40 else -1
            if label.item.textWidth() != wrap:
                document = label.item.document()
                option = document.defaultTextOption()
                option.setWrapMode(QTextOption.WrapMode.WordWrap)  # between words, never inside one
                document.setDefaultTextOption(option)
                label.item.setTextWidth(wrap)
                label.updateMin()


def _natural_width(document) -> float:
    """A label's width on one line, at the size its text is drawn (its HTML's), however it is
    wrapped now."""
    copy = document.clone()
    copy.setTextWidth(-1)
    return copy.idealWidth() + 2


def side_legend(plot: pg.PlotItem, text_size: str = "9pt") -> pg.LegendItem:
    """The plot's legend, under its data (below the bottom axis); the items added to the plot
    with a ``name`` join it, as with ``addLegend``."""
    legend = SideLegend(labelTextSize=text_size, brush=None, verSpacing=-4)
    legend.setMinimumWidth(0)  # it asks no width: its columns follow the plot's
    legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    plot.legend = legend
    plot.layout.addItem(legend, 4, 1)
    return legend
