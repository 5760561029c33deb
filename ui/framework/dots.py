"""Hundreds of small round dots, redrawn every frame, stamped from one pixmap.

Qt strokes an antialiased round dot (a zero-length segment with round caps, or a point) in a few
microseconds: 400 dots took 2 ms a frame, twice on the batch-norm page. Stamping a dot rendered
once (``QPainter.drawPixmapFragments``, as pyqtgraph's scatter does with its symbol atlas, but
without a record per point) takes 0.13 ms for the same 400. An export (SVG, a picture at another
scale) still strokes them, as vectors.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol, renderSymbol
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPixmap

FAR = 2.0**30  # beyond this many pixels Qt's integer geometry overflows: such dots are dropped


class DotCurve(pg.PlotCurveItem):
    """A curve item whose points are drawn as round dots of the pen's width and colour (nothing
    joins them). Its data, bounds, pen and restyling (zoom, theme) are a ``PlotCurveItem``'s."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._dot: tuple[tuple, QPixmap] | None = None  # (what it was rendered for, the pixmap)
        self._fragments = PrimitiveArray(QPainter.PixmapFragment, 10)
        self._segments = PrimitiveArray(QLineF, 4)

    def paint(self, p: QPainter, _option, widget=None) -> None:
        x, y = self.xData, self.yData
        if x is None or len(x) == 0:
            return
        pen = pg.mkPen(self.opts["pen"])
        if pen.style() == Qt.PenStyle.NoPen:
            return
        px, py = _on_device(p, x, y)
        p.save()
        p.resetTransform()
        if widget is None:  # an export, at its own scale: stroked, as vectors
            self._stroke(p, px, py, pen)
        else:
            ratio = widget.devicePixelRatioF()
            _stamp(p, self._fragments, px, py, self._pixmap(pen, ratio), ratio)
        p.restore()

    def _pixmap(self, pen: QPen, ratio: float) -> QPixmap:
        """The dot, rendered at the device's pixels (kept until the pen or the ratio changes)."""
        key = (pen.color().rgba(), pen.widthF(), ratio, bool(self.opts.get("antialias", True)))
        if self._dot is None or self._dot[0] != key:
            d = max(pen.widthF(), 1.0) * ratio
            side = int(np.ceil(d)) + 2
            pixmap = QPixmap(side, side)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, key[3])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pen.color())
            painter.drawEllipse(QRectF((side - d) / 2, (side - d) / 2, d, d))
            painter.end()
            self._dot = (key, pixmap)
        return self._dot[1]

    def _stroke(self, p: QPainter, px: np.ndarray, py: np.ndarray, pen: QPen) -> None:
        """Each dot as a segment a hundredth of a pixel long with round caps (Qt draws nothing
        for a segment of no length)."""
        pen = QPen(pen)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._segments.resize(len(px))
        seg = self._segments.ndarray()
        seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3] = px, py, px + 0.01, py
        p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self.opts.get("antialias", True)))
        p.setPen(pen)
        p.drawLines(*self._segments.drawargs())


class SymbolStamps(pg.PlotCurveItem):
    """A scatter of one symbol, size, outline and fill for every point (a cloud of iterates),
    stamped from one pixmap: a scatter item's record per point, bounds and mask cost 3-4 ms a
    frame for the optimizer page's four clouds. Its ``opts`` hold the symbol's look under a
    ``PlotDataItem``'s names, so the zoom and theme restyle it as they restyle one
    (``styled_as_curve``); an export draws each symbol as vectors."""

    styled_as_curve = True

    def __init__(self, symbol: str = "o", size: float = 7.0, pen=None, brush=None,
                 antialias: bool = True) -> None:
        super().__init__(antialias=antialias)
        self.opts.update(symbol=symbol, symbolSize=float(size), symbolPen=pg.mkPen(pen),
                         symbolBrush=pg.mkBrush(brush))
        self._stamp: tuple[tuple, QPixmap] | None = None
        self._fragments = PrimitiveArray(QPainter.PixmapFragment, 10)

    def updateItems(self, styleUpdate: bool = True) -> None:  # noqa: N802, N803 (pyqtgraph's)
        """The look changed (``plot_style``): a new stamp at the next paint, and new bounds."""
        self._stamp = None
        self.prepareGeometryChange()
        self.invalidateBounds()
        self.update()

    def pixelPadding(self) -> float:  # noqa: N802 (pyqtgraph's name)
        """The bounds reach half a symbol and its outline past the outermost points (a repaint
        of less would leave a moving cloud's old edges on screen)."""
        return self.opts["symbolSize"] / 2 + self.opts["symbolPen"].widthF() + 1

    def paint(self, p: QPainter, _option, widget=None) -> None:
        x, y = self.xData, self.yData
        if x is None or len(x) == 0:
            return
        px, py = _on_device(p, x, y)
        o = self.opts
        p.save()
        p.resetTransform()
        if widget is None:  # an export: each symbol as vectors
            p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(o["antialias"]))
            for cx, cy in zip(px, py, strict=True):
                p.save()
                p.translate(cx, cy)
                drawSymbol(p, o["symbol"], o["symbolSize"], o["symbolPen"], o["symbolBrush"])
                p.restore()
        else:
            ratio = widget.devicePixelRatioF()
            key = (o["symbol"], o["symbolSize"], o["symbolPen"], o["symbolBrush"], ratio)
            if self._stamp is None or self._stamp[0] != key:
                image = renderSymbol(o["symbol"], o["symbolSize"], o["symbolPen"], o["symbolBrush"],
                                     dpr=ratio)
                image.setDevicePixelRatio(1.0)  # drawn at 1 / ratio: its pixels are the device's
                self._stamp = (key, QPixmap.fromImage(image))
            _stamp(p, self._fragments, px, py, self._stamp[1], ratio)
        p.restore()


def _stamp(p: QPainter, fragments: PrimitiveArray, px: np.ndarray, py: np.ndarray, pixmap: QPixmap,
           ratio: float) -> None:
    """``pixmap`` (rendered at ``ratio`` device pixels a pixel) centred on each point, on a
    painter whose transform was reset."""
    fragments.resize(len(px))
    frags = fragments.ndarray()
    frags[:, 0] = px  # the centre of each stamp
    frags[:, 1] = py
    frags[:, 2:6] = (0, 0, pixmap.width(), pixmap.height())  # the source: the whole pixmap
    frags[:, 6:10] = (1 / ratio, 1 / ratio, 0.0, 1.0)  # scale, rotation, opacity
    p.drawPixmapFragments(*fragments.drawargs(), pixmap)


def _on_device(p: QPainter, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points in the painter's device coordinates, those that are not finite or lie too far
    out for Qt left out."""
    t = p.transform()
    px = t.m11() * x + t.m21() * y + t.dx()
    py = t.m12() * x + t.m22() * y + t.dy()
    keep = np.isfinite(px) & np.isfinite(py) & (np.abs(px) < FAR) & (np.abs(py) < FAR)
    return px[keep], py[keep]


__all__ = ["DotCurve", "SymbolStamps"]
