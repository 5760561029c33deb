"""Items of the tuning views that are redrawn only when what they show has changed, and the turns
a view's rows take while a search plays. A search sends new trials twenty times a second, and
most of an item's data is the same from one frame to the next; what changes (the scores) would
otherwise repaint every plot of a tab each frame."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF


class FixedScatter(pg.ScatterPlotItem):
    """A scatter in a plot of fixed range, redrawn only when its points change.

    Its bounds are its view's range (the view clips what lies outside): pyqtgraph's scatter
    otherwise measures its data and its symbols' size in pixels at every update and repaint,
    which was most of a search frame. ``set_points(x, y, brushes)`` sets the points; the same points
    again cost nothing, and new colours on the same positions only recolour them."""

    def __init__(self, *args, **kwargs) -> None:
        self._key: tuple | None = None
        super().__init__(*args, **kwargs)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        vb = self.getViewBox()
        return QRectF(vb.viewRect()) if vb is not None else super().boundingRect()

    def paint(self, p, option, widget) -> None:
        """pyqtgraph's cached-symbol drawing without its culling (every point is in view, and the
        view clips the rest): a third of the cost of a scatter's repaint."""
        if (widget is None or self._exportOpts is not False or not self.opts["pxMode"]
                or not self.opts["useCache"] or self.opts.get("compositionMode") is not None
                or widget.devicePixelRatioF() != self.fragmentAtlas.devicePixelRatio()):
            super().paint(p, option, widget)
            return
        t = p.transform()
        x, y = self.data["x"], self.data["y"]
        px = t.m11() * x + t.m21() * y + t.dx()
        py = t.m12() * x + t.m22() * y + t.dy()
        keep = np.isfinite(px) & np.isfinite(py)
        if not keep.any():
            return
        p.resetTransform()
        rects = np.frombuffer(self.data["sourceRect"][keep], dtype=int).reshape((-1, 4))  # a copy
        dpr = self.fragmentAtlas.devicePixelRatio()
        self._pixmapFragments.resize(len(rects))
        frags = self._pixmapFragments.ndarray()
        frags[:, 0] = np.clip(px[keep], -2.0 ** 30, 2.0 ** 30)
        frags[:, 1] = np.clip(py[keep], -2.0 ** 30, 2.0 ** 30)
        frags[:, 2:6] = rects
        frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]
        p.drawPixmapFragments(*self._pixmapFragments.drawargs(), self.fragmentAtlas.pixmap)

    def set_points(self, x, y, brushes: list | None = None) -> bool:
        """Show points (x, y), each with its brush (or the item's own); True if anything changed."""
        pos = data_key(x, y)
        colours = None if brushes is None else tuple(map(id, brushes))
        if self._key == (pos, colours):
            return False
        if self._key is not None and self._key[0] == pos and colours is not None and len(brushes):
            self.setBrush(brushes)
        elif colours is None:
            self.setData(x, y)
        else:
            self.setData(x, y, brush=brushes)
        self._key = (pos, colours)
        return True

    def clear(self) -> None:
        self._key = None
        super().clear()


def data_key(*arrays) -> tuple:
    """What identifies the numbers in ``arrays`` (their shapes and bytes), to compare frames."""
    out = []
    for a in arrays:
        v = np.asarray(a, dtype=float)
        out.append((v.shape, v.tobytes()))
    return tuple(out)


def changed(item, key) -> bool:
    """True, and ``key`` remembered, if ``item`` was last drawn from something else than ``key``:
    a frame that brings nothing new for an item leaves it (and its repaint) alone."""
    if getattr(item, "_shown_key", None) == key:
        return False
    item._shown_key = key
    return True


def set_curve(item: pg.PlotDataItem, x, y) -> None:
    """``item.setData(x, y)`` unless it shows these already."""
    if changed(item, data_key(x, y)):
        item.setData(x, y)


def set_bars(item: pg.BarGraphItem, **opts) -> None:
    """``item.setOpts(**opts)`` (x and heights) unless the bars show these already."""
    if changed(item, tuple((k, data_key(v)) for k, v in sorted(opts.items()))):
        item.setOpts(**opts)


def set_label(item: pg.TextItem, text: str, x: float, y: float) -> None:
    """A text item's text and place, unless they are the same."""
    if changed(item, (text, float(x), float(y))):
        item.setText(text)
        item.setPos(x, y)


class Turns:
    """The parts of a view (a row of plots each) and the trials each was last drawn from. While a
    search plays, new trials arrive every frame and every plot would repaint each time: the parts
    then take turns, one a frame, so a frame repaints one row and each row still follows the
    trials several times a second. Paused, stepped or ended, every stale part is drawn at once."""

    def __init__(self, parts: tuple[str, ...]) -> None:
        self.parts = parts
        self.drawn: dict[str, object] = {}
        self.turn = 0

    def due(self, source: object, playing: bool) -> list[str]:
        """The parts to draw now from ``source`` (the lesson's trials): the stale ones, or while
        ``playing`` the next stale one in turn."""
        k = len(self.parts)
        order = [self.parts[(self.turn + i) % k] for i in range(k)]
        stale = [p for p in order if self.drawn.get(p) is not source]
        if playing and stale:
            self.turn = (self.parts.index(stale[0]) + 1) % k
            return stale[:1]
        return stale

    def done(self, part: str, source: object | None) -> None:
        """``part`` shows ``source`` (None: draw it again at the next chance)."""
        self.drawn[part] = source

    def forget(self) -> None:
        """Every part is stale (new axes)."""
        self.drawn.clear()
