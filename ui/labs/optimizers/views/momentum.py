"""The momentum map: momentum's convergence rate for each (α, β) on the ravine, with a cross at
the Momentum racer's own pair; a click moves the racer there."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.framework.plots import fixed_plot, view_point
from ui.framework.style import OPTIMIZER_COLORS

from ..controller import MOMENTUM_MAP_ALPHAS, MOMENTUM_MAP_BETAS

NOTE = ("Each pixel runs the notes' momentum (v = βv + (1-β)dW, W -= αv) for 200 steps from the "
        "ravine's start. Dark: fast; yellow: slow; white: diverged. The cross is the Momentum "
        "racer's (α, β); click to move it there.")


class MomentumView(QWidget):
    """Computed the first time the tab is shown (``activate``); ``rates`` holds the map."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.rates: np.ndarray | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget()
        p = self.plot.getPlotItem()
        fixed_plot(p)
        p.setLabel("bottom", "log10 α")
        p.setLabel("left", "β")
        p.setTitle("Momentum on the ravine: convergence rate per (α, β)")
        self.image = pg.ImageItem(axisOrder="row-major")
        p.addItem(self.image)
        self.outline = pg.ScatterPlotItem(symbol="+", size=24, pen=pg.mkPen("k", width=6))
        self.marker = pg.ScatterPlotItem(symbol="+", size=22,
                                         pen=pg.mkPen(OPTIMIZER_COLORS["momentum"], width=3))
        p.addItem(self.outline)
        p.addItem(self.marker)
        self.bar = pg.ColorBarItem(values=(0.8, 1.0), colorMap=pg.colormap.get("viridis"),
                                   label="rate: |W - W*| shrinks by this per step",
                                   interactive=False, width=18)
        self.bar.setImageItem(self.image, insert_in=p)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        lay.addWidget(self.plot, 1)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        lay.addWidget(note)

    def _clicked(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and (pt := view_point(self.plot, ev)) is not None:
            self.lab.set_momentum_pair(float(np.power(10.0, pt[0])), pt[1])

    def activate(self) -> None:
        """Compute and show the map, once (about 0.1 s)."""
        if self.rates is not None:
            return
        self.rates = self.lab.momentum_map()
        # Pairs that do not converge are NaN: drawn transparent, so the white background shows.
        self.image.setImage(np.where(self.rates < 1.0, self.rates, np.nan).astype(np.float32))
        self.bar.setLevels((0.8, 1.0))
        la, b = np.log10(MOMENTUM_MAP_ALPHAS), MOMENTUM_MAP_BETAS
        self.image.setRect(QRectF(la[0], b[0], la[-1] - la[0], b[-1] - b[0]))
        self.plot.getPlotItem().setRange(xRange=(la[0], la[-1]), yRange=(b[0], b[-1]), padding=0)

    def draw_marker(self) -> None:
        """The cross at the Momentum racer's (α, β) (after a settings change)."""
        h = self.lab.settings.hyper["momentum"]
        x, y = np.log10(max(h["lr"], 1e-12)), h["beta"]
        self.marker.setData([x], [y])
        self.outline.setData([x], [y])
