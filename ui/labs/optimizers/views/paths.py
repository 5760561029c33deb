"""A growing curve drawn so that a frame costs the same after an hour as after a second: only its
newest points are stroked each frame. The optimizer lab draws each racer's path on the surface
and its loss curve this way.

The curve is split by iteration into a settled ``history`` and the ``recent`` points (at most
``chunk`` of them), which are sent and stroked each frame. When ``recent`` fills, its points move
to the history, a ``Trail``: it paints them into its image of the view once, and keeps at most
``MAX_HISTORY`` points (strided) to paint again when the view's scale changes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.framework.plot_style import style_item
from ui.framework.trail import Trail


class GrowingCurve:
    """One curve in ``plot``: ``set_points(points, steps)`` each frame. A part with no points is
    hidden (pyqtgraph recomputes an empty item's bounds at every paint)."""

    MAX_HISTORY = 3000  # points kept for the history; longer ones are strided

    def __init__(self, plot: pg.PlotItem, pen, shadow_pen=None, segmented: bool = True,
                 chunk: int = 32) -> None:
        self.chunk = chunk
        self._plot, self._segmented = plot, segmented
        # The look a part is made with (pens at zoom 1: adding a part to the plot styles it).
        self._look: dict = {"pen": pen, "shadow_pen": shadow_pen, "z": None, "antialias": None}
        # Both parts are made when first filled: a twin's curve is never drawn unless it races,
        # and the optimizer page's 16 curves made eagerly were a third of its start-up.
        self._history: Trail | None = None
        self._recent: pg.PlotDataItem | None = None
        self._recent_points: np.ndarray | None = None  # the points the recent part shows
        self._visible = True
        self._clear()

    @property
    def history(self) -> Trail:
        if self._history is None:
            look = self._look
            # Separate segments rasterize several times faster than one self-crossing polyline
            # (a dashed line needs one polyline for its dashes to show).
            trail = Trail(look["pen"], look["shadow_pen"], self._segmented, self.MAX_HISTORY)
            self._history = self._add(trail)
        return self._history

    @property
    def recent(self) -> pg.PlotDataItem:
        if self._recent is None:
            look = self._look
            item = pg.PlotDataItem(pen=look["pen"], shadowPen=look["shadow_pen"])
            item.curve.setSegmentedLineMode("on" if self._segmented else "off")
            self._recent = self._add(item)
        return self._recent

    def _add(self, item):
        """``item`` hidden in the plot, at the curve's depth and antialiasing."""
        look = self._look
        if look["z"] is not None:
            item.setZValue(look["z"])
        item.setVisible(False)
        self._plot.addItem(item)
        if look["antialias"] is not None:
            _antialias(item, look["antialias"])
        return item

    @property
    def items(self) -> list:
        """The parts made so far."""
        return [item for item in (self._history, self._recent) if item is not None]

    def set_pens(self, pen, shadow_pen=None) -> None:
        """Another look for every part (the history is painted again once)."""
        self._look.update(pen=pen, shadow_pen=shadow_pen)
        for item in self.items:
            item.setPen(pen)
            item.setShadowPen(shadow_pen)
            style_item(item)  # at the zoom and theme, as a part made now is

    def _show(self, item, filled: bool) -> None:
        item.setVisible(self._visible and filled)

    def _clear(self) -> None:
        if self._history is not None:
            self._history.clear()
            self._show(self._history, False)
        self._frozen_it = -1  # the iteration of the last point in the history (-1: none)
        self._frozen_at = np.full(2, np.nan)  # its point, to notice a curve that started over

    def set_points(self, points: np.ndarray, steps: np.ndarray) -> None:
        """Draw ``points`` (n, 2) at iterations ``steps`` (increasing)."""
        if len(points) == 0:
            self._clear()
            self._set_recent(None)
            return
        i = self._frozen_index(points, steps)
        if i is None:
            self._clear()
            i = self._rebuild(points, steps)
        if len(points) - 1 - i >= self.chunk:  # the recent part is full: into the history
            j = len(points) - 1
            self.history.extend(points[i:j + 1])
            self._show(self.history, True)
            self._mark(points, steps, j)
            i = j
        self._set_recent(points[i:])

    def _set_recent(self, points: np.ndarray | None) -> None:
        """Show ``points`` as the recent part (fewer than two: none)."""
        if points is None or len(points) < 2:
            if self._recent_points is not None:
                self._recent.setData([], [])
                self._show(self._recent, False)
            self._recent_points = None
            return
        self.recent.setData(points[:, 0], points[:, 1])
        self._recent_points = points.copy()  # (a view of the run's record may change under it)
        self._show(self.recent, True)

    def _frozen_index(self, points: np.ndarray, steps: np.ndarray) -> int | None:
        """The index of the history's last point in ``points``, or None if the curve is not the
        one drawn (it started over, or it has no point at that iteration any more)."""
        if self._frozen_it < 0:
            return None
        i = int(np.searchsorted(steps, self._frozen_it))
        if i >= len(steps) or steps[i] != self._frozen_it or not np.array_equal(points[i], self._frozen_at):
            return None
        return i

    def _rebuild(self, points: np.ndarray, steps: np.ndarray) -> int:
        """A curve seen for the first time: the history up to ``chunk`` points from the end; the
        index where it ends."""
        end = max(0, len(points) - 1 - self.chunk)
        if end > 0:
            self.history.set_data(points[:end + 1])
            self._show(self.history, True)
        self._mark(points, steps, end)
        return end

    def _mark(self, points: np.ndarray, steps: np.ndarray, i: int) -> None:
        self._frozen_it = int(steps[i])
        self._frozen_at = points[i].copy()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (as pyqtgraph's items)
        """Every point drawn, oldest first, as x and y arrays (the point the parts share once)."""
        parts = []
        if self._history is not None and len(self._history):
            parts.append(np.column_stack(self._history.getData()))
        if self._recent_points is not None:
            parts.append(self._recent_points[1:] if parts else self._recent_points)
        if not parts:
            return np.empty(0), np.empty(0)
        out = np.concatenate(parts)
        return out[:, 0], out[:, 1]

    def setVisible(self, on: bool) -> None:  # noqa: N802
        if on != self._visible:
            self._visible = on
            if self._history is not None:
                self._show(self._history, len(self._history) > 0)
            if self._recent is not None:
                self._show(self._recent, self._recent_points is not None)

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


def _antialias(item, on: bool) -> None:
    """Antialiasing on or off for a part's line, kept when the part is restyled (a curve's own
    option is what a restyle hands its line)."""
    item.opts["antialias"] = on
    if isinstance(item, Trail):
        item.updateItems()
    else:
        item.curve.opts["antialias"] = on
        item.curve.update()
