"""What the batch-norm lab's views share: colours, the iteration window, legends and dots."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from ui.framework.dots import DotCurve
from ui.framework.plots import side_legend
from ui.framework.style import OKABE_ITO

WINDOW = 400  # iterations shown in the statistics plots (the x range moves by 100 at a time)

C_BATCH = OKABE_ITO["sky_blue"]
C_EWA = OKABE_ITO["vermillion"]
C_POP = OKABE_ITO["black"]
C_BN = OKABE_ITO["blue"]
C_PLAIN = OKABE_ITO["orange"]


def iteration_window(n: int) -> tuple[int, int, int]:
    """(first record index, x0, x1) of the iteration window for n records."""
    if n <= WINDOW:  # the first iterations fill the plot: the range grows 50, 100, 200, 500
        x1 = next(x for x in (50, 100, 200, WINDOW + 100) if n <= x)
        return 0, 0, x1
    x0 = int(math.ceil((n - WINDOW) / 100) * 100)
    return x0 - 1, x0, x0 + WINDOW + 100


def legend(plot: pg.PlotItem) -> pg.LegendItem:
    """A small legend beside the plot's data (never over the histograms or the dots)."""
    return side_legend(plot, "8pt")


def measure_row(text: str, tip: str, slot) -> tuple[QHBoxLayout, QPushButton]:
    """A measurement tab's top row: what it measures, and its Measure button (calls ``slot``)."""
    button = QPushButton("Measure")
    button.setToolTip(tip)
    button.clicked.connect(slot)
    label = QLabel(text)
    label.setWordWrap(True)
    row = QHBoxLayout()
    row.addWidget(label, 1)
    row.addWidget(button)
    return row, button


def dots(color: str, size: int = 4, antialias: bool = True) -> dict:
    """Keyword arguments for a scatter of small round dots without outlines."""
    return {"pen": None, "symbol": "o", "symbolSize": size, "symbolPen": None,
            "symbolBrush": pg.mkBrush(color), "antialias": antialias}


class Dots:
    """Hundreds of small round dots redrawn every frame: one curve item (``curve``, the item to add
    to a plot) that stamps a dot at each point (``DotCurve``); ``setData(x, y)`` is one
    vectorized call, where a scatter item rebuilds a record per point (several times the cost,
    every frame). ``getData()`` gives the points, as a plot item's would."""

    def __init__(self, color: str, size: float = 4.0) -> None:
        self.curve = DotCurve(pen=pg.mkPen(color, width=size), antialias=True)
        self._xy = (np.empty(0), np.empty(0))

    def setData(self, x, y) -> None:  # noqa: N802 (as pyqtgraph's items)
        self._xy = (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        self.curve.setData(*self._xy)

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802
        return self._xy

    def setVisible(self, on: bool) -> None:  # noqa: N802
        self.curve.setVisible(on)

    @staticmethod
    def legend_sample(color: str, size: float = 4.0) -> pg.PlotDataItem:
        """An empty item that draws a dot in a legend."""
        return pg.PlotDataItem(**dots(color, size))
