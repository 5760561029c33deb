"""Plot helpers for drawing fast: fixed plots, ranges that move in steps, a text throttle, path
traces, the surface colour scale and contours. Views build their items once and then only call
``setData`` each frame."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QApplication, QGraphicsItem

# Light plots read better on a classroom projector than pyqtgraph's default black.
pg.setConfigOptions(background="w", foreground="k", antialias=True)


def fixed_plot(plot: pg.PlotItem) -> pg.PlotItem:
    """A plot the app controls: no mouse pan/zoom or context menu, and axes cached as pixmaps.

    Axes are repainted only when their range changes; without the cache their text is redrawn
    every frame, which costs several milliseconds of a 16.7 ms frame.
    """
    plot.setMouseEnabled(False, False)
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
    p = fixed_plot(layout.addPlot(row=row, col=col, colspan=colspan))
    p.disableAutoRange()
    p.setLabel("left", left)
    p.setLabel("bottom", bottom)
    if title:
        p.setTitle(title, size="9pt")
    p.showGrid(x=True, y=True, alpha=0.15)
    return p


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

    def expire(self) -> None:
        """The next ``ready`` says yes."""
        self._last = -math.inf


class PathTrace:
    """A path drawn as two curves: the settled history, cached as a pixmap and redrawn only
    every ``CHUNK`` points, and the recent part, redrawn each frame. A frame then costs the same
    after 5,000 steps as after 50."""

    CHUNK = 100
    MAX_HISTORY = 3000  # points drawn for the history; longer ones are strided

    def __init__(self, plot: pg.PlotItem, color: str) -> None:
        pens = {"pen": pg.mkPen(color, width=2.2), "shadowPen": pg.mkPen("k", width=4.5)}
        self.history = pg.PlotDataItem(**pens)
        self.recent = pg.PlotDataItem(**pens)
        self.history.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        for item in (self.history, self.recent):
            # Separate segments rasterize several times faster than one self-crossing polyline.
            item.curve.setSegmentedLineMode("on")
            plot.addItem(item)
        self._split = 0  # index of the first point drawn by ``recent``
        self._data = np.empty((0, 2))

    def set_path(self, p: np.ndarray) -> None:
        n = len(p)
        restarted = n < self._split + 1 or (self._split and not np.array_equal(
            p[self._split], self._data[self._split]))
        if restarted:
            self._split = 0
            self.history.setData([], [])
        if n - self._split > 2 * self.CHUNK:
            self._split = n - self.CHUNK
            old = p[: self._split + 1]
            if len(old) > self.MAX_HISTORY:
                stride = int(np.ceil(len(old) / self.MAX_HISTORY))
                old = np.concatenate([old[:-1:stride], old[-1:]])
            self.history.setData(old[:, 0], old[:, 1])
        tail = p[self._split:]
        self.recent.setData(tail[:, 0], tail[:, 1])
        self._data = p

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (as pyqtgraph's items)
        """Everything drawn, history then recent, as x and y arrays."""
        hx, hy = self.history.getData()
        rx, ry = self.recent.getData()
        if hx is None or len(hx) == 0:
            return rx, ry
        return np.concatenate([hx[:-1], rx]), np.concatenate([hy[:-1], ry])

    def setVisible(self, on: bool) -> None:  # noqa: N802
        self.history.setVisible(on)
        self.recent.setVisible(on)

    def isVisible(self) -> bool:  # noqa: N802
        return self.recent.isVisible()


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


def contour_polyline(xs: np.ndarray, ys: np.ndarray, field: np.ndarray,
                     levels) -> tuple[np.ndarray, np.ndarray]:
    """The contour lines of ``field`` (indexed [iy, ix] over axes xs, ys) at ``levels``, as one
    NaN-separated polyline in data coordinates: one plot item draws them all."""
    pts_x: list[float] = []
    pts_y: list[float] = []
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    for level in levels:
        for line in pg.functions.isocurve(field.T, level, connected=True):
            a = np.asarray(line, dtype=float)
            pts_x.extend(xs[0] + a[:, 0] * dx)
            pts_y.extend(ys[0] + a[:, 1] * dy)
            pts_x.append(np.nan)
            pts_y.append(np.nan)
    return np.asarray(pts_x or [np.nan]), np.asarray(pts_y or [np.nan])


def view_point(plot: pg.PlotWidget, ev) -> tuple[float, float] | None:
    """The data coordinates of a mouse event inside ``plot``'s view box, or None outside it.
    ``ev`` may also be a scene position (what ``sigMouseMoved`` sends)."""
    vb = plot.getPlotItem().getViewBox()
    pos = ev.scenePos() if hasattr(ev, "scenePos") else ev
    if not vb.sceneBoundingRect().contains(pos):
        return None
    pt = vb.mapSceneToView(pos)
    return float(pt.x()), float(pt.y())


# -- zoom and themes (``ui.framework.presentation``) -------------------------------------------
# Line widths and label sizes follow one app-wide factor. Pens made by ``pg.mkPen`` (the views',
# and pyqtgraph's own from colours) are made at the current zoom; pens and sizes already on
# screen are scaled by ``zoom_plots`` when the zoom changes; text sizes given to pyqtgraph's
# labels (titles, legends) are scaled as they are set.

ZOOM = {"factor": 1.0}
_mk_pen = pg.functions.mkPen
_label_set_text = pg.LabelItem.setText
_PT = re.compile(r"(\d+(?:\.\d+)?)(pt|px)")


def zoom() -> float:
    """The app-wide zoom factor (1 at the default size)."""
    return ZOOM["factor"]


def zoomed_size(size: str, factor: float | None = None) -> str:
    """A CSS size such as "9pt" at the zoom (sizes in other units as they are)."""
    f = zoom() if factor is None else factor
    return _PT.sub(lambda m: f"{float(m.group(1)) * f:.3g}{m.group(2)}", size)


def _zoomed_pen(*args, **kwargs):
    """``pg.mkPen`` at the zoom: a pen made from a colour or a dict gets its width scaled; a
    copy of an existing QPen is as it is (it was scaled when it was made)."""
    pen = _mk_pen(*args, **kwargs)
    if zoom() != 1.0 and not (len(args) == 1 and isinstance(args[0], QPen)):
        pen.setWidthF(pen.widthF() * zoom() if pen.widthF() > 0 else zoom())
    return pen


def _zoomed_label_text(self, text, **args) -> None:
    """``LabelItem.setText`` with its size (the one given, or the last one given) at the zoom."""
    if "size" in args:
        self._base_size = args["size"]
    base = getattr(self, "_base_size", None)
    if base is not None:
        args["size"] = zoomed_size(base)
    _label_set_text(self, text, **args)


pg.functions.mkPen = pg.mkPen = _zoomed_pen
pg.LabelItem.setText = _zoomed_label_text


def scene_items(widgets) -> Iterator:
    """Every graphics item of every pyqtgraph view among ``widgets``."""
    for w in widgets:
        if isinstance(w, pg.GraphicsView):
            yield from w.scene().items()


def _scaled_pen(pen, ratio: float) -> QPen:
    pen = QPen(pen)
    pen.setWidthF(max(pen.widthF(), 1.0) * ratio)
    return pen


def zoom_plots(widgets, factor: float) -> None:
    """Set the zoom to ``factor`` and redraw the plots among ``widgets`` at it: axis fonts and
    labels, titles, pens and marker sizes."""
    ZOOM["factor"] = factor
    for item in list(scene_items(widgets)):
        ratio = factor / getattr(item, "_zoom", 1.0)
        item._zoom = factor
        if isinstance(item, pg.AxisItem):
            _zoom_axis(item, factor)
        elif isinstance(item, pg.LabelItem) and item.text:
            if getattr(item, "_base_size", None) is None:
                item._base_size = f"{QApplication.font().pointSizeF() / factor:.3g}pt"
            item.setText(item.text)
        if ratio == 1.0:
            continue
        if isinstance(item, pg.PlotDataItem):
            _zoom_data_item(item, ratio)
        elif isinstance(item, pg.ScatterPlotItem) and item.parentItem() is not None and not isinstance(
                item.parentItem(), pg.PlotDataItem):
            item.setSize(item.opts["size"] * ratio)
            item.setPen(_scaled_pen(item.opts["pen"], ratio))
        elif isinstance(item, pg.InfiniteLine):
            item.setPen(_scaled_pen(item.pen, ratio))
    for item in list(scene_items(widgets)):
        if isinstance(item, pg.LegendItem):
            item.updateSize()  # its rows fit the labels' new size


def _zoom_data_item(item: pg.PlotDataItem, ratio: float) -> None:
    for key in ("pen", "shadowPen", "symbolPen"):
        if isinstance(item.opts.get(key), QPen):
            item.opts[key] = _scaled_pen(item.opts[key], ratio)
    if item.opts.get("symbolSize") is not None:
        item.opts["symbolSize"] = item.opts["symbolSize"] * ratio
    item.updateItems(styleUpdate=True)


def _zoom_axis(axis: pg.AxisItem, factor: float) -> None:
    """Tick font and label at ``factor`` times their size at zoom 1 (kept on the axis)."""
    if not hasattr(axis, "_base_tick_pt"):  # a font of its own is at zoom 1; the app's at factor
        tick = axis.style.get("tickFont")
        axis._base_tick_pt = tick.pointSizeF() if tick else QApplication.font().pointSizeF() / factor
        axis._base_label_style = dict(axis.labelStyle)
    font = QFont(axis.style.get("tickFont") or QApplication.font())
    font.setPointSizeF(axis._base_tick_pt * factor)
    axis.setStyle(tickFont=font)
    axis.labelStyle = {k: zoomed_size(str(v), factor) if k == "font-size" else v
                       for k, v in axis._base_label_style.items()}
    label = QFont(axis.label.font())
    label.setPointSizeF(axis._base_tick_pt * factor)
    axis.label.setFont(label)
    if axis.label.isVisible():
        axis._updateLabel()


def theme_plots(widgets, background: str, foreground: str) -> None:
    """Background and foreground (axes, their text and titles) of the plots among ``widgets``,
    and of the plots made from now on."""
    pg.setConfigOptions(background=background, foreground=foreground)
    for w in widgets:
        if isinstance(w, pg.GraphicsView):
            w.setBackground(background)
    for item in list(scene_items(widgets)):
        if isinstance(item, pg.AxisItem):
            item.setPen(pg.mkPen(foreground))
            item.setTextPen(pg.mkPen(foreground))
        elif isinstance(item, pg.LegendItem):
            shade = pg.mkColor(background)
            shade.setAlpha(210)
            item.setBrush(pg.mkBrush(shade))
        elif isinstance(item, pg.LabelItem) and item.text and item.opts.get("color") is None:
            item.setText(item.text)  # a title without a colour of its own takes the foreground
