"""Local optima in high dimensions: the share of random critical points (random symmetric
Hessians) that are minima, for n = 1 to 20 dimensions, beside 2^-n, with the notes' caption."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from simulator.critical_points import NOTES_CAPTION, minimum_shares
from ui.framework.plots import fixed_plot, side_legend

from ..explain import critical_summary

SAMPLES = 2000  # Hessians per dimension: well under a second for n = 1 … 20


class CriticalPointsView(QWidget):
    """Computed when the tab is first shown (``activate``); ``shares`` holds the numbers."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.shares: dict[str, np.ndarray] | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget(enableMenu=False)
        p = self.plot.getPlotItem()
        fixed_plot(p)
        p.setLogMode(False, True)
        p.setLabel("bottom", "dimension n (number of weights)")
        p.setLabel("left", "share of critical points that are minima")
        p.setTitle("Random critical points: how many are local minima?", size="10pt")
        side_legend(p, "9pt")
        self.measured = pg.PlotDataItem(pen=pg.mkPen("#0072B2", width=2.5), symbol="o",
                                        symbolBrush="#0072B2", name="measured: random symmetric Hessians")
        hollow = pg.mkPen("#0072B2", width=1.5)
        self.none_found = pg.PlotDataItem(pen=None, symbol="t", symbolSize=11, symbolBrush=None,
                                          symbolPen=hollow, name=f"none of {SAMPLES}: below this")
        dashed = pg.mkPen("#D55E00", width=2, style=Qt.PenStyle.DashLine)
        self.independent = pg.PlotDataItem(pen=dashed, name="2^-n: each direction up or down at random")
        for item in (self.independent, self.measured, self.none_found):
            p.addItem(item)
        lay.addWidget(self.plot, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        caption = QLabel(f"<b>The notes:</b> {NOTES_CAPTION}")
        caption.setWordWrap(True)
        lay.addWidget(caption)

    def activate(self) -> None:
        if self.shares is not None:
            return
        self.shares = s = minimum_shares(range(1, 21), SAMPLES, seed=0)
        found = s["count"] > 0
        # The plot is in log mode: items take the shares themselves.
        self.measured.setData(s["dims"][found], s["share"][found])
        self.none_found.setData(s["dims"][~found], np.full(np.count_nonzero(~found), 1 / SAMPLES))
        self.independent.setData(s["dims"], s["independent"])
        self.plot.getPlotItem().setRange(xRange=(0.5, 20.5), yRange=(-6.5, 0.1), padding=0)
        self.summary.setText(critical_summary(s))
