"""The loss surface seen from above: its colours and contours, the minima, every racer's path and
position, the start, and the explained racer's −dW and ΔW arrows. A click moves the start."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import QGraphicsItem

from simulator.race_settings import RACER_NAMES
from simulator.racing import DIVERGED, explained_update
from simulator.surfaces import Surface
from ui.framework.dots import SymbolStamps
from ui.framework.plots import (
    LogScale,
    Throttle,
    arrow_polyline,
    contour_polyline,
    fixed_plot,
    surface_lut,
    view_point,
)

from ..explain import NOISY_TRAIL
from .paths import GrowingCurve
from .racers import is_twin, racer_color, racer_pen

NO_LINE = (np.array([np.nan]), np.array([np.nan]))
# The settled parts of the map (colours, contours, path chunks) are cached as pixmaps of up to
# the view's size, about 4 MB each at 1920x1080: Qt's default 10 MB cache would evict them every
# frame and draw them again.
PIXMAP_CACHE_KB = 96 * 1024


def minima_marker() -> pg.ScatterPlotItem:
    """White stars at a surface's minima (the surface view and the basin map)."""
    return pg.ScatterPlotItem(symbol="star", size=18, brush="w", pen=pg.mkPen("k", width=1.2))


def show_minima(item: pg.ScatterPlotItem, surface: Surface) -> None:
    m = np.asarray(surface.minima, dtype=float).reshape(-1, 2)  # a typed surface may have none
    item.setData(m[:, 0], m[:, 1])


class SurfaceView(pg.PlotWidget):
    """Built once; ``show_surface`` when the surface changes, ``draw`` every frame."""

    def __init__(self, lab) -> None:
        super().__init__(enableMenu=False)
        self.lab = lab
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        p = self.getPlotItem()
        p.setAspectLocked(True)
        fixed_plot(p)
        p.setLabel("bottom", "w1")
        p.setLabel("left", "w2")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        p.addItem(self.image)
        self.contours = pg.PlotDataItem(pen=pg.mkPen((255, 255, 255, 150), width=1), connect="finite")
        self.contours.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        p.addItem(self.contours)
        self.minima_item = minima_marker()
        p.addItem(self.minima_item)
        # Saddle points: a white diamond, labelled (the gradient vanishes there too).
        self.saddle_item = pg.ScatterPlotItem(symbol="d", size=16, brush="w", pen=pg.mkPen("k", width=1.5))
        self.saddle_label = pg.TextItem("saddle point", color="k", anchor=(0.5, -0.4))
        p.addItem(self.saddle_item)
        p.addItem(self.saddle_label)
        self._racer_items(p)
        # Every racer's head in one item: one paint a frame, not one per racer.
        self.heads = pg.ScatterPlotItem(size=11, pen=pg.mkPen("k", width=1.5))
        self.heads.setZValue(3)
        p.addItem(self.heads)
        self._heads_shown: tuple = ()
        # One brush object per racer, made once: the scatter's symbol atlas is keyed by the
        # brush object, so a new brush every frame would render (and keep) a new symbol.
        self._head_brushes = {name: pg.mkBrush(racer_color(name)) for name in RACER_NAMES}
        self._start_shown: tuple = ()
        self.start_item = pg.ScatterPlotItem(symbol="o", size=12, brush="w", pen=pg.mkPen("k", width=2))
        p.addItem(self.start_item)
        for item in (self.minima_item, self.saddle_item, self.start_item):  # they rarely change
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.grad_arrow = pg.PlotDataItem(pen=pg.mkPen("#000000", width=2.5), connect="finite")
        self.step_arrow = pg.PlotDataItem(
            pen=pg.mkPen("#FFFFFF", width=2.5, style=Qt.PenStyle.SolidLine), connect="finite",
            shadowPen=pg.mkPen("k", width=4.5))
        p.addItem(self.grad_arrow)
        p.addItem(self.step_arrow)
        self.surface: Surface | None = None
        self.scene().sigMouseClicked.connect(self._clicked)

    def _racer_items(self, p: pg.PlotItem) -> None:
        """A path per racer and, for runs with mini-batch noise, a cloud of dots."""
        self.paths: dict[str, GrowingCurve] = {}
        # With mini-batch noise a path never ends: it is drawn whole but faint (the escape from
        # a saddle stays), and the last NOISY_TRAIL iterates as a cloud of dots on top, where
        # the spread shows (a twin's as hollow squares, under its racer's dots).
        self.clouds: dict[str, SymbolStamps] = {}
        for name in RACER_NAMES:
            trace = GrowingCurve(p, *self._pens(name, False), segmented=not is_twin(name))
            # A twin over its racer, and narrower: where the two paths run together the racer's
            # wider line still shows at the twin's edges, and the twin's dashes show inside it.
            trace.setZValue(2.2 if is_twin(name) else 2)
            self.paths[name] = trace
            twin = is_twin(name)
            cloud = SymbolStamps(size=6 if twin else 7, symbol="s" if twin else "o",
                                 brush="w" if twin else racer_color(name),
                                 pen=pg.mkPen(racer_color(name) if twin else "k", width=1.0))
            cloud.setZValue(2.5 if twin else 2.6)
            cloud.setVisible(False)
            p.addItem(cloud)
            self.clouds[name] = cloud
        self._noisy_look = False
        # 4 × NOISY_TRAIL dots are a third of a frame: while playing, the clouds move 20 times
        # a second (the paths and heads every frame).
        self.cloud_throttle = Throttle(hz=20)

    def _clicked(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and (pt := view_point(self, ev)) is not None:
            self.lab.set_start(*pt)

    def show_surface(self) -> None:
        """Colour map, contours, minima and range of the lab's surface (only when it changed)."""
        surface = self.lab.surface
        if surface is self.surface:
            return
        self.surface = surface
        xs, ys, z = surface.grid(200)
        img = LogScale(z, surface.f_min)(z)
        self.image.setImage((img * 255).astype(np.uint8), lut=surface_lut(), levels=(0, 255))
        x0, x1, y0, y1 = surface.domain
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.contours.setData(*contour_polyline(xs, ys, img, np.linspace(0.04, 0.96, 14)))
        show_minima(self.minima_item, surface)
        sx = [x for x, _ in surface.saddles]
        sy = [y for _, y in surface.saddles]
        self.saddle_item.setData(sx, sy)
        self.saddle_label.setVisible(bool(sx))
        if sx:
            self.saddle_label.setPos(sx[0], sy[0])
        self.getPlotItem().getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.getPlotItem().setTitle(surface.title)

    @staticmethod
    def _pens(name: str, noisy: bool) -> tuple:
        """A racer's path pen and the shadow under it: dashed for a twin, faint under noise."""
        if noisy:
            c = pg.mkColor(racer_color(name))
            c.setAlpha(150)
            style = Qt.PenStyle.DashLine if is_twin(name) else Qt.PenStyle.SolidLine
            return pg.mkPen(c, width=1.5, style=style), None
        if is_twin(name):  # dashed, white under the dashes, one polyline so the dashes show
            return racer_pen(name, 1.8), pg.mkPen("w", width=3.0)
        return pg.mkPen(racer_color(name), width=2.2), pg.mkPen("k", width=4.5)

    def draw(self) -> None:
        """Paths, heads, the start and the arrows: one frame. Items whose data did not change
        are not set again, so they are not repainted."""
        lab = self.lab
        racers = lab.racers
        noisy = lab.settings.noise > 0
        if noisy != self._noisy_look:
            self._noisy_look = noisy
            for name, path in self.paths.items():
                path.set_pens(*self._pens(name, noisy))
        heads = []
        clouds = noisy and self.cloud_throttle.ready(lab.running)
        for name in RACER_NAMES:
            r = racers.get(name)
            self.paths[name].setVisible(r is not None)
            self.clouds[name].setVisible(r is not None and noisy)
            if r is None:
                continue
            p = r.path
            self.paths[name].set_points(p, r.steps)
            if clouds:
                tail = p[-NOISY_TRAIL:]
                self.clouds[name].setData(tail[:, 0], tail[:, 1])
            symbol = "x" if r.status == DIVERGED else "s" if is_twin(name) else "o"
            heads.append((float(p[-1, 0]), float(p[-1, 1]), symbol, name))
        self._draw_heads(tuple(heads))
        if lab.start != self._start_shown:
            self._start_shown = lab.start
            self.start_item.setData([lab.start[0]], [lab.start[1]])
        self._draw_arrows()

    def _draw_heads(self, heads: tuple) -> None:
        """(x, y, symbol, racer) per racer, as one scatter item."""
        if heads == self._heads_shown:
            return
        self._heads_shown = heads
        x, y, symbols, names = zip(*heads, strict=True) if heads else ((), (), (), ())
        self.heads.setData(list(x), list(y), symbol=list(symbols),
                           brush=[self._head_brushes[n] for n in names])

    def _draw_arrows(self) -> None:
        """For the explained racer: the direction −dW (its length shrinks only as dW vanishes near
        a minimum) and the step ΔW taken."""
        r = self.lab.selected_racer
        if r is None:
            self.grad_arrow.setData(*NO_LINE)
            self.step_arrow.setData(*NO_LINE)
            return
        surface = self.lab.surface
        w, g, step = explained_update(r, self.lab.narration)
        head = 0.025 * surface.span
        gn = np.hypot(*g)
        if gn > 0 and np.isfinite(gn):
            length = 0.12 * surface.span * min(1.0, gn / (1e-3 * surface.grad_scale))
            self.grad_arrow.setData(*arrow_polyline(w, -g / gn * length, head))
        else:
            self.grad_arrow.setData(*NO_LINE)
        if step is not None and np.all(np.isfinite(step)):
            self.step_arrow.setData(*arrow_polyline(w, step, head))
        else:
            self.step_arrow.setData(*NO_LINE)
