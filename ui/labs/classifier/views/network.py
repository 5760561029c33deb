"""The network tab: a heatmap of every hidden unit's activation over the plane, and the plane's
grid warped into two chosen hidden units."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSpinBox, QVBoxLayout, QWidget

from simulator.classifier.network import MAX_UNIT_MAPS, unit_maps, warp
from simulator.training import MAX_HIDDEN_LAYERS, MAX_UNITS, ClassifierTrainer
from ui.framework.plots import fixed_plot
from ui.framework.widgets import row

from .. import explain
from .regions import class_brushes

VIRIDIS = pg.colormap.get("viridis").getLookupTable(nPts=256)


class NetworkView(QWidget):
    """``draw(trainer)`` refreshes the heatmaps (``unit_images``, one per shown unit, layer by
    layer) and the warped grid. ``warp_changed`` fires when the user picks other units."""

    warp_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.units_view = pg.GraphicsLayoutWidget()
        caption = QLabel("Each hidden unit's activation a over the plane (rows: layers; "
                         f"up to {MAX_UNIT_MAPS} units a layer). Blue: low, yellow: high.")
        caption.setWordWrap(True)  # else its width is the centre column's minimum
        lay.addWidget(caption)
        lay.addWidget(self.units_view, 3)
        self.warp_layer = QSpinBox()
        self.warp_layer.setRange(1, MAX_HIDDEN_LAYERS)
        self.warp_i = QSpinBox()
        self.warp_j = QSpinBox()
        for sp in (self.warp_i, self.warp_j):
            sp.setRange(1, MAX_UNITS)
        self.warp_j.setValue(2)
        for sp in (self.warp_layer, self.warp_i, self.warp_j):
            sp.valueChanged.connect(lambda _: self.warp_changed.emit())
        title = QLabel("Plane warped into hidden layer")
        title.setWordWrap(True)  # on a narrow column it takes two lines, not the column's width
        controls = row(title, self.warp_layer, "units", self.warp_i, self.warp_j)
        controls.addStretch(1)
        lay.addLayout(controls)
        self.warp_plot = pg.PlotWidget(enableMenu=False)
        wp = fixed_plot(self.warp_plot.getPlotItem())
        self.warp_grid = pg.PlotDataItem(pen=pg.mkPen((120, 120, 120, 160), width=1),
                                         connect="finite")
        self.warp_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5))
        wp.addItem(self.warp_grid)
        wp.addItem(self.warp_points)
        lay.addWidget(self.warp_plot, 2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.unit_images: list[pg.ImageItem] = []
        self._shape: tuple[int, ...] = ()  # units shown per layer

    def draw(self, trainer: ClassifierTrainer) -> None:
        layers = unit_maps(trainer)
        self._layout([len(m.values) for m in layers])
        images = iter(self.unit_images)
        for m in layers:
            for values, levels in zip(m.values, m.levels, strict=True):
                next(images).setImage(values, levels=tuple(levels))
        if not layers:
            self.warp_grid.setData([np.nan], [np.nan])
            self.warp_points.setData([], [])
            self.note.setText(explain.NO_HIDDEN_NOTE)
            return
        w = warp(trainer, self.warp_layer.value() - 1, self.warp_i.value() - 1,
                 self.warp_j.value() - 1)
        self.warp_grid.setData(w.grid_x, w.grid_y)
        self.warp_points.setData(w.points[:, 0], w.points[:, 1],
                                 brush=class_brushes(trainer.y_train))
        wp = self.warp_plot.getPlotItem()
        bottom, left = explain.warp_labels(w.layer, w.i, w.j)
        wp.setLabel("bottom", bottom)
        wp.setLabel("left", left)
        wp.enableAutoRange()
        self.note.setText(explain.WARP_NOTE)

    def _layout(self, shape: list[int]) -> None:
        """One image per shown unit, a row per layer, made again only when the sizes change."""
        if tuple(shape) == self._shape:
            return
        self.units_view.clear()
        self.unit_images = []
        for li, units in enumerate(shape):
            for ui in range(units):
                vb = self.units_view.addViewBox(row=li, col=ui, lockAspect=True, enableMouse=False)
                img = pg.ImageItem(axisOrder="row-major")
                img.setLookupTable(VIRIDIS)
                vb.addItem(img)
                self.unit_images.append(img)
        self._shape = tuple(shape)
