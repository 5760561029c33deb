"""The basin map: every start point of a grid coloured by the minimum the explained optimizer
reaches from it. The controller computes it in its worker; this view starts, cancels and shows it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget

from simulator.racing import DIVERGED_LABEL, MOVING_LABEL
from ui.framework.plots import LogScale, fixed_plot
from ui.framework.style import class_color

from ..explain import BASIN_COLORS, BASIN_PROMPT, basin_legend_html, basin_title
from .surface import minima_marker, show_minima


def basin_rgba(labels: np.ndarray, n_minima: int) -> np.ndarray:
    """The labels as an RGBA image: class colours for the minima, dark for diverged, light grey
    for still moving."""
    rgba = np.zeros(labels.shape + (4,), dtype=np.uint8)
    for i in range(n_minima):
        rgba[labels == i] = pg.mkColor(class_color(i)).getRgb()
    for k in (DIVERGED_LABEL, MOVING_LABEL):
        rgba[labels == k] = pg.mkColor(BASIN_COLORS[k]).getRgb()
    return rgba


def _spin(lo: int, hi: int, value: int, suffix: str) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setSuffix(suffix)
    return s


class BasinView(QWidget):
    """The map, Compute / Cancel, the grid size and step count, progress, and the legend."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget(enableMenu=False)
        p = self.plot.getPlotItem()
        p.setAspectLocked(True)
        fixed_plot(p)
        p.setLabel("bottom", "start w1")
        p.setLabel("left", "start w2")
        self.image = pg.ImageItem(axisOrder="row-major")
        p.addItem(self.image)
        self.minima = minima_marker()
        p.addItem(self.minima)
        lay.addWidget(self.plot, 1)
        self.button = QPushButton("Compute basin map")
        self.button.clicked.connect(
            lambda: lab.compute_basin_map(self.grid.value(), self.steps.value()))
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(lab.cancel_basin_map)
        self.grid = _spin(50, 400, 200, " px")
        self.steps = _spin(50, 5000, 500, " steps")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMinimumWidth(60)  # it shrinks before the column does
        row, progress = QHBoxLayout(), QHBoxLayout()  # two rows: the page fits a narrow screen
        for w in (QLabel("grid"), self.grid, self.steps):
            row.addWidget(w)
        row.addStretch(1)
        progress.addWidget(self.button)
        progress.addWidget(self.progress, 1)
        progress.addWidget(self.cancel)
        lay.addLayout(row)
        lay.addLayout(progress)
        self.legend = QLabel("Colour every start point by the minimum the explained optimizer "
                             "reaches from it.")
        self.legend.setWordWrap(True)
        lay.addWidget(self.legend)
        lab.basin_progress.connect(lambda f: self.progress.setValue(int(100 * f)))
        lab.basin_changed.connect(self.draw)
        self.cancel.setEnabled(False)
        self._shown = None

    def _show_surface(self, surface) -> None:
        """The surface's levels in grey, its minima and its domain: what the map will cover."""
        _, _, z = surface.grid(120)
        grey = (LogScale(z, surface.f_min)(z) * 150 + 90).astype(np.uint8)
        self.image.setImage(grey, levels=(0, 255))
        self._fit(surface)

    def _fit(self, surface) -> None:
        x0, x1, y0, y1 = surface.domain
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        show_minima(self.minima, surface)
        self.plot.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def draw(self) -> None:
        """Buttons for the worker's state, and the map the lab holds (or the prompt)."""
        running = self.lab.basin_running
        self.button.setEnabled(not running)
        self.cancel.setEnabled(running)
        result = self.lab.basin
        shown = result if result is not None else self.lab.surface  # a map, or the bare surface
        if running or shown is self._shown:  # started, or cancelled: the last map stays
            if not running:
                self.progress.setValue(0)
            return
        self._shown = shown
        p = self.plot.getPlotItem()
        if result is None:  # before the first Compute: the surface itself, greyed, and its minima
            self._show_surface(self.lab.surface)
            self.progress.setValue(0)
            p.setTitle(f"{self.lab.surface.title}: press Compute", size="10pt")
            self.legend.setText(BASIN_PROMPT)
            return
        surface = result.surface
        self.progress.setValue(100)
        self.image.setImage(basin_rgba(result.labels, len(surface.minima)), levels=None)
        self._fit(surface)
        self.legend.setText(basin_legend_html(result.optimizer, surface, result.shares))
        p.setTitle(basin_title(result.optimizer))
