"""A growing curve drawn so that a frame costs the same after an hour as after a second: only its
newest points are stroked each frame. The optimizer lab draws each racer's path on the surface
and its loss curve this way.

The curve is split by iteration into a settled ``history`` (every point up to some iteration,
strided to ``MAX_HISTORY`` points), up to ``max_chunks`` frozen ``chunks`` of ``chunk`` points,
and the ``recent`` points. Settled parts are cached as pixmaps and not sent again while the
curve grows; only ``recent`` (at most ``chunk`` points) is sent and stroked each frame.
When the chunks run out they fold into the history, once every ``chunk * max_chunks`` points.

With a ``window`` (the surface under mini-batch noise) only the last ``window`` iterations are
drawn: chunks that leave it are hidden and reused whole, so the trail is not sent again either
(it shows between ``window`` and ``window + chunk`` iterations).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from ui.framework.plot_style import style_item


class GrowingCurve:
    """One curve in ``plot``: ``set_points(points, steps, window)`` each frame. An item with no
    points is hidden (pyqtgraph recomputes an empty item's bounds at every paint)."""

    MAX_HISTORY = 3000  # points drawn for the history; longer ones are strided

    def __init__(self, plot: pg.PlotItem, pen, shadow_pen=None, segmented: bool = True,
                 chunk: int = 32, max_chunks: int = 12) -> None:
        self.chunk, self.max_chunks = chunk, max_chunks
        self._plot, self._segmented = plot, segmented
        # The look a part is made with (pens at zoom 1: adding a part to the plot styles it).
        self._look: dict = {"pen": pen, "shadow_pen": shadow_pen, "z": None, "antialias": None}
        # Every part is made when first filled: most paths never need their twelve chunks, a
        # twin's curve is never drawn unless it races, and the optimizer page's 16 curves made
        # eagerly were a third of its start-up.
        self._history: pg.PlotDataItem | None = None
        self.chunks: list[pg.PlotDataItem | None] = [None] * max_chunks
        self._recent: pg.PlotDataItem | None = None
        self._visible = True
        self._filled: set[int] = set()  # ids of the items holding points
        self._clear()

    def _item(self, cached: bool) -> pg.PlotDataItem:
        look = self._look
        item = pg.PlotDataItem(pen=look["pen"], shadowPen=look["shadow_pen"])
        # Separate segments rasterize several times faster than one self-crossing polyline (a
        # dashed line needs one polyline for its dashes to show).
        item.curve.setSegmentedLineMode("on" if self._segmented else "off")
        if cached:
            item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        if look["z"] is not None:
            item.setZValue(look["z"])
        item.setVisible(False)
        self._plot.addItem(item)
        if look["antialias"] is not None:
            _antialias(item, look["antialias"])
        return item

    @property
    def history(self) -> pg.PlotDataItem:
        if self._history is None:
            self._history = self._item(cached=True)
        return self._history

    @property
    def recent(self) -> pg.PlotDataItem:
        if self._recent is None:
            self._recent = self._item(cached=False)
        return self._recent

    def _chunk(self, k: int) -> pg.PlotDataItem:
        if self.chunks[k] is None:
            self.chunks[k] = self._item(cached=True)
        return self.chunks[k]

    @property
    def items(self) -> list[pg.PlotDataItem]:
        """The parts made so far."""
        return [item for item in (self._history, *self.chunks, self._recent) if item is not None]

    def set_pens(self, pen, shadow_pen=None) -> None:
        """Another look for every part (a settled part repaints once)."""
        self._look.update(pen=pen, shadow_pen=shadow_pen)
        for item in self.items:
            item.setPen(pen)
            item.setShadowPen(shadow_pen)
            style_item(item)  # at the zoom and theme, as a part made now is

    def _put(self, item: pg.PlotDataItem | None, points: np.ndarray | None) -> None:
        """Set ``item``'s points (None: none) and show it if it has any."""
        if item is None:  # a part not made yet holds nothing
            return
        if points is None or len(points) == 0:
            if id(item) in self._filled:
                item.setData([], [])
                self._filled.discard(id(item))
            item.setVisible(False)
            return
        item.setData(points[:, 0], points[:, 1])
        self._filled.add(id(item))
        item.setVisible(self._visible)

    def _clear(self) -> None:
        for item in (self._history, *self.chunks):
            self._put(item, None)
        self._frozen_it = -1  # the iteration of the last frozen point (-1: none)
        self._frozen_at = np.full(2, np.nan)  # its point, to notice a curve that started over
        self._order: list[int] = []  # chunk items in use, oldest first
        self._ends: dict[int, int] = {}  # chunk item -> its last iteration
        self._window: int | None = None

    def set_points(self, points: np.ndarray, steps: np.ndarray, window: int | None = None) -> None:
        """Draw ``points`` (n, 2) at iterations ``steps`` (increasing); only the iterations after
        ``steps[-1] - window`` if ``window`` is given."""
        if len(points) == 0:
            self._clear()
            self._put(self._recent, None)
            return
        i = self._frozen_index(points, steps)
        if i is None or window != self._window:
            self._clear()
            self._window = window
            first = 0 if window is None else int(np.searchsorted(steps, steps[-1] - window))
            i = self._rebuild(points, steps, first)
        while len(points) - 1 - i >= self.chunk:
            i = self._freeze(points, steps, i, i + self.chunk)
        if window is not None:
            self._drop_before(int(steps[-1]) - window)
        self._put(self.recent, points[i:])

    def _frozen_index(self, points: np.ndarray, steps: np.ndarray) -> int | None:
        """The index of the last frozen point in ``points``, or None if the curve is not the one
        drawn (it started over, or it has no point at that iteration any more)."""
        if self._frozen_it < 0:
            return None
        i = int(np.searchsorted(steps, self._frozen_it))
        if i >= len(steps) or steps[i] != self._frozen_it or not np.array_equal(points[i], self._frozen_at):
            return None
        return i

    def _rebuild(self, points: np.ndarray, steps: np.ndarray, first: int) -> int:
        """A curve seen for the first time: the history up to ``chunk`` points from the end
        (with a window, none: chunks only); the index where the settled part ends."""
        end = first if self._window is not None else max(first, len(points) - 1 - self.chunk)
        if end > first:
            self._set_history(points[first:end + 1])
        self._mark(points, steps, end)
        return end

    def _set_history(self, old: np.ndarray) -> None:
        if len(old) > self.MAX_HISTORY:
            stride = int(np.ceil(len(old) / self.MAX_HISTORY))
            old = np.concatenate([old[:-1:stride], old[-1:]])
        self._put(self.history, old)

    def _mark(self, points: np.ndarray, steps: np.ndarray, i: int) -> None:
        self._frozen_it = int(steps[i])
        self._frozen_at = points[i].copy()

    def _freeze(self, points: np.ndarray, steps: np.ndarray, i: int, j: int) -> int:
        """Points i..j into a chunk (with a window, reusing the oldest if none is free; without,
        folding the history and every chunk into the history first); returns j."""
        free = [k for k in range(self.max_chunks) if k not in self._ends]
        if not free and self._window is None:
            self._set_history(self._settled())
            for k in self._order:
                self._put(self.chunks[k], None)
            self._order, self._ends = [], {}
            free = list(range(self.max_chunks))
        k = free[0] if free else self._order[0]
        if k in self._ends:
            self._order.remove(k)
        self._put(self._chunk(k), points[i:j + 1])
        self._order.append(k)
        self._ends[k] = int(steps[j])
        self._mark(points, steps, j)
        return j

    def _settled(self) -> np.ndarray:
        """The drawn history, then every chunk in order (each piece shares its first point with
        the end of the one before)."""
        pieces = [np.column_stack(self._data(item)) for item in
                  (self._history, *(self.chunks[k] for k in self._order))]
        pieces = [p for p in pieces if len(p)]
        return np.concatenate([pieces[0]] + [p[1:] for p in pieces[1:]])

    def _drop_before(self, start: int) -> None:
        """Hide the chunks that ended before iteration ``start`` (they are reused later)."""
        for k in list(self._order):
            if self._ends[k] < start:
                self._put(self.chunks[k], None)
                self._order.remove(k)
                del self._ends[k]

    def _data(self, item: pg.PlotDataItem | None) -> tuple[np.ndarray, np.ndarray]:
        """The points set on ``item`` (not the log-scaled or downsampled ones it draws)."""
        if item is None or id(item) not in self._filled or item.xData is None:
            return np.empty(0), np.empty(0)
        return item.xData, item.yData

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (as pyqtgraph's items)
        """Every point drawn, oldest first, as x and y arrays (shared points once)."""
        parts = [self._data(item) for item in
                 (self._history, *(self.chunks[k] for k in self._order), self._recent)]
        parts = [(x, y) for x, y in parts if len(x)]
        if not parts:
            return np.empty(0), np.empty(0)
        xs = [parts[0][0]] + [x[1:] for x, _ in parts[1:]]
        ys = [parts[0][1]] + [y[1:] for _, y in parts[1:]]
        return np.concatenate(xs), np.concatenate(ys)

    def setVisible(self, on: bool) -> None:  # noqa: N802
        if on != self._visible:
            self._visible = on
            for item in self.items:
                item.setVisible(on and id(item) in self._filled)

    def isVisible(self) -> bool:  # noqa: N802
        return self._visible

    @property
    def opts(self) -> dict:
        """The style a legend's sample draws (the parts share it; a legend names a curve that
        runs, so this part is made anyway)."""
        return self.recent.opts

    def setZValue(self, z: float) -> None:  # noqa: N802
        self._look["z"] = z
        for item in self.items:
            item.setZValue(z)

    def set_pen(self, pen) -> None:
        """A new pen for every part (``plots.set_pen`` brings it to the zoom and theme)."""
        self._look["pen"] = pen
        for item in self.items:
            item.setPen(pen)

    def set_antialias(self, on: bool) -> None:
        self._look["antialias"] = on
        for item in self.items:
            _antialias(item, on)


def _antialias(item: pg.PlotDataItem, on: bool) -> None:
    """Antialiasing on or off for ``item``'s line, kept when the item is restyled (its own
    option is what a restyle hands its curve)."""
    item.opts["antialias"] = on
    item.curve.opts["antialias"] = on
    item.curve.update()
