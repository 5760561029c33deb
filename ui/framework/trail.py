"""A curve that is painted once: the settled part of a growing curve (a racer's path, its loss).

Its points are painted into an image of the view as they come, and each frame shows the image;
only when the view's scale or size, the log mode or the look changes is the whole painted again
(from its points, strided to ``MAX_POINTS``). A pyqtgraph curve cached as a pixmap is painted
whole whenever its data changes: a path that had grown to 3,000 points took 50-100 ms to fold
its newest part in, at 1920x1080, every few seconds of play.

The look is a curve's (``opts["pen"]``, ``opts["shadowPen"]``, ``opts["antialias"]``), so the
zoom and theme restyle it as they restyle a ``PlotDataItem`` (``plot_style.style_item``). Drawn
anywhere but its view at the view's scale (an export through ``scene.render``, a picture at twice
the size), it strokes its points there and leaves its image as it is.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QTransform

MAX_POINTS = 3000  # the points kept (and painted again when the view changes); longer are strided


class Trail(pg.GraphicsObject):
    """``extend(points)`` adds points (the first one the last one added: the parts join);
    ``set_data(points)`` replaces them; ``getData()`` gives the points kept."""

    styled_as_curve = True  # plot_style restyles its opts as a PlotDataItem's

    def __init__(self, pen, shadow_pen=None, segmented: bool = True, max_points: int = MAX_POINTS) -> None:
        super().__init__()
        self.max_points = max_points
        self.opts = {"pen": pg.mkPen(pen), "shadowPen": shadow_pen, "antialias": True}
        self._segmented = segmented  # separate segments (fast) or one polyline (its dashes show)
        self._log = (False, False)
        self._points = np.empty((0, 2))  # kept, in data coordinates
        self._todo: list[np.ndarray] = []  # added since the image was last painted
        self._todo_count = 0  # their points
        self._image: QImage | None = None
        self._drawn_with: QTransform | None = None  # the view's transform the image was painted for
        self._size = None  # and the view's size and pixel ratio
        self._bounds: QRectF | None = None  # of the points as drawn (None: none finite)
        self._rect: QRectF | None = None  # the bounds padded by the pen (None: not known yet)

    # -- the points -----------------------------------------------------------------------------

    def extend(self, points: np.ndarray) -> None:
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if len(points) == 0:
            return
        kept = points[1:] if len(self._points) else points
        self._points = np.concatenate([self._points, kept])
        if len(self._points) > 2 * self.max_points:
            self._points = _strided(self._points, self.max_points)
        self._todo.append(points)
        self._todo_count += len(points)
        if self._todo_count > self.max_points:  # not shown for a while (another tab in front):
            self._image, self._todo, self._todo_count = None, [], 0  # painted whole when shown
        self._moved(self._mapped(points))

    def set_data(self, points: np.ndarray) -> None:
        self._points = _strided(np.asarray(points, dtype=float).reshape(-1, 2), self.max_points)
        self._todo, self._todo_count = [], 0
        self._image = None
        self._moved(None)

    def clear(self) -> None:
        self.set_data(np.empty((0, 2)))

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (pyqtgraph's name)
        return self._points[:, 0], self._points[:, 1]

    def __len__(self) -> int:
        return len(self._points)

    def _moved(self, new: np.ndarray | None) -> None:
        """The bounds after points were added (``new``, mapped) or replaced (None)."""
        mapped = self._mapped(self._points) if new is None else new
        finite = mapped[np.isfinite(mapped).all(axis=1)]
        rect = QRectF(QPointF(*finite.min(axis=0)), QPointF(*finite.max(axis=0))) if len(finite) else None
        bounds = rect if new is None or self._bounds is None else \
            self._bounds if rect is None else self._bounds.united(rect)
        if new is None:
            self.update()  # where it was
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds, self._rect = bounds, None
        if new is None:
            self.update()  # where it is
        elif rect is not None:
            self.update(self._padded(rect))  # only where the new points are

    def _mapped(self, points: np.ndarray) -> np.ndarray:
        """Points as drawn: log10 of an axis in log mode (non-positive values leave a gap)."""
        if not any(self._log):
            return points
        out = points.copy()
        for axis, on in enumerate(self._log):
            if on:
                with np.errstate(divide="ignore", invalid="ignore"):
                    out[:, axis] = np.where(out[:, axis] > 0, np.log10(out[:, axis]), np.nan)
        return out

    # -- the look -------------------------------------------------------------------------------

    def setLogMode(self, x: bool, y: bool) -> None:  # noqa: N802 (as pyqtgraph's items)
        if (bool(x), bool(y)) != self._log:
            self._log = (bool(x), bool(y))
            self.updateItems()

    def setPen(self, pen) -> None:  # noqa: N802
        self.opts["pen"] = pg.mkPen(pen)
        self.updateItems()

    def setShadowPen(self, pen) -> None:  # noqa: N802
        self.opts["shadowPen"] = None if pen is None else pg.mkPen(pen)
        self.updateItems()

    def set_antialias(self, on: bool) -> None:
        self.opts["antialias"] = on
        self.updateItems()

    def updateItems(self, styleUpdate: bool = True) -> None:  # noqa: N802, N803 (pyqtgraph's)
        """The look changed: painted whole at the next paint."""
        self._image = None
        self.prepareGeometryChange()  # (a wider pen pads it more)
        self._rect = None
        self._moved(None)

    # -- painting -------------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:  # noqa: N802
        if self._rect is None:  # (asked several times a paint: kept until it changes)
            self._rect = QRectF() if self._bounds is None else self._padded(self._bounds)
        return self._rect

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph's name)
        self.prepareGeometryChange()  # the padding is in pixels
        self._rect = None

    def _padded(self, rect: QRectF) -> QRectF:
        """``rect`` grown by the pen's half width and a pixel, in data units."""
        px, py = self.pixelVectors()
        width = max((p.widthF() for p in (self.opts["pen"], self.opts["shadowPen"]) if p is not None),
                    default=1.0)
        pad = max(width, 1.0) / 2 + 1
        dx = 0.0 if px is None else abs(px.x()) * pad
        dy = 0.0 if py is None else abs(py.y()) * pad
        return rect.adjusted(-dx, -dy, dx, dy)

    def paint(self, p: QPainter, _option, widget=None) -> None:
        if len(self._points) == 0:
            return
        own = p.worldTransform()  # the item on its view (a grab moves the view below this)
        ratio = 1.0 if widget is None else widget.devicePixelRatioF()
        # The device transform holds the pixel ratio of what is painted on: 2 for a picture
        # rendered at twice the size, whatever the widget's.
        if widget is None or not _same_scale(p.deviceTransform(), own * QTransform.fromScale(ratio, ratio)):
            self._stroke(p, [self._points])  # an export, at its own scale: strokes, and no image
            return
        size = (widget.width(), widget.height(), ratio)
        if self._image is None or size != self._size or own != self._drawn_with:
            # a new scale, range or size: painted whole, in the view's own pixels
            self._image = QImage(round(size[0] * ratio), round(size[1] * ratio),
                                 QImage.Format.Format_ARGB32_Premultiplied)
            self._image.setDevicePixelRatio(ratio)
            self._image.fill(0)
            self._drawn_with, self._size, self._todo = own, size, [self._points]
        if self._todo:
            painter = QPainter(self._image)
            painter.setWorldTransform(own)
            self._stroke(painter, self._todo)
            painter.end()
            self._todo, self._todo_count = [], 0
        # Only the pixels under the points: a view repaints what changed each frame (the heads,
        # the newest points), and blending the whole image there for each racer cost more.
        # (clipped as floats first: far-out bounds would overflow a QRect's integers)
        part = own.mapRect(self.boundingRect()).intersected(QRectF(0, 0, size[0], size[1])).toAlignedRect()
        if part.isEmpty():
            return
        p.save()
        p.resetTransform()
        p.drawImage(QPointF(part.x(), part.y()), self._image,
                    QRectF(part.x() * ratio, part.y() * ratio, part.width() * ratio, part.height() * ratio))
        p.restore()

    def _stroke(self, p: QPainter, parts: list[np.ndarray]) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        for pen in (self.opts["shadowPen"], self.opts["pen"]):
            if pen is None or pen.style() == pg.QtCore.Qt.PenStyle.NoPen:
                continue
            p.setPen(pen)
            for part in parts:
                xy = self._mapped(part)
                if self._segmented:
                    segments = arrayToLineSegments(xy[:, 0], xy[:, 1], "finite", True)  # held while drawn
                    p.drawLines(*segments.drawargs())
                else:
                    p.drawPath(pg.arrayToQPath(xy[:, 0], xy[:, 1], connect="finite"))


def _same_scale(a: QTransform, b: QTransform) -> bool:
    """Whether two transforms differ at most by a translation."""
    return (a.m11(), a.m12(), a.m21(), a.m22()) == (b.m11(), b.m12(), b.m21(), b.m22())


def _strided(points: np.ndarray, most: int) -> np.ndarray:
    """At most ``most`` + 1 of ``points``, evenly strided, the first and the last kept."""
    if len(points) <= most:
        return points
    stride = int(np.ceil(len(points) / most))
    return np.concatenate([points[:-1:stride], points[-1:]])


__all__ = ["MAX_POINTS", "Trail"]
