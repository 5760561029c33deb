"""The Mini-batch size tab: the settings in force trained at m = 1, 2, 4, … up to the whole training
set, each until its training loss reaches a target, measured on this computer. Top: iterations and
epochs to the target. Bottom: milliseconds per epoch (vectorization makes a large m cheap per
example) and seconds to the target (where the two meet)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from simulator.classifier.batch_sizes import fastest
from ui.framework.plots import add_plot, side_legend
from ui.framework.style import OKABE_ITO
from ui.framework.widgets import NumberField

TITLE_SIZE = "10pt"


def _line(plot: pg.PlotItem, color: str, name: str) -> pg.PlotDataItem:
    return plot.plot(pen=pg.mkPen(color, width=2.5), symbol="o", symbolSize=8, symbolBrush=color,
                     symbolPen=None, name=name)


class BatchSizeView(QWidget):
    """``target_field``, ``measure_button``, ``progress_bar`` and two plots: ``counts`` (iterations,
    epochs) and ``times`` (ms per epoch, seconds to the target), all on log axes against m."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.target_field = NumberField(0.01, 5.0, 2, 0.05)
        self.target_field.setValue(lab.batch_target)
        self.measure_button = QPushButton("Measure")
        self.measure_button.setToolTip("Train the settings in force at every mini-batch size, in the "
                                       "background")
        self.measure_button.clicked.connect(lambda: lab.measure_batch_sizes(self.target_field.value()))
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        # The row asks for little width: the centre column must not push the controls aside.
        self.progress_bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        top = QHBoxLayout()
        top.addWidget(QLabel("Until J ≤"))
        top.addWidget(self.target_field)
        top.addWidget(self.measure_button)
        top.addWidget(self.progress_bar, 1)
        self.plots = pg.GraphicsLayoutWidget()
        self.counts_plot = add_plot(self.plots, 0, 0, "to the target", "mini-batch size m")
        self.times_plot = add_plot(self.plots, 1, 0, "seconds", "mini-batch size m")
        for p in (self.counts_plot, self.times_plot):
            p.setLogMode(x=False, y=True)
            side_legend(p)
        self.iterations = _line(self.counts_plot, OKABE_ITO["blue"], "iterations")
        self.epochs = _line(self.counts_plot, OKABE_ITO["orange"], "epochs")
        self.per_epoch = _line(self.times_plot, OKABE_ITO["bluish_green"], "seconds per epoch")
        self.to_target = _line(self.times_plot, OKABE_ITO["vermillion"], "seconds to the target")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.plots, 1)
        lab.batch_sizes_changed.connect(self.draw)
        lab.batch_sizes_progress.connect(lambda f: self.progress_bar.setValue(round(1000 * f)))
        self.draw()

    def draw(self) -> None:
        result = self.lab.batch_sizes
        busy = self.lab.jobs().busy
        self.measure_button.setEnabled(not busy)
        if result is None:
            for item in (self.iterations, self.epochs, self.per_epoch, self.to_target):
                item.setData([], [])
            self.counts_plot.setTitle("Press Measure: each size trains the settings in force",
                                      size=TITLE_SIZE)
            return
        runs = [r for r in result.runs if r.iterations is not None]
        x = np.log2([r.size for r in runs])
        self.iterations.setData(x, [r.iterations for r in runs])
        self.epochs.setData(x, [r.epochs for r in runs])
        self.per_epoch.setData(x, [r.per_epoch for r in runs])
        self.to_target.setData(x, [r.seconds for r in runs])
        ticks = [[(float(np.log2(r.size)), str(r.size)) for r in result.runs]]
        for p in (self.counts_plot, self.times_plot):
            p.getAxis("bottom").setTicks(ticks)
            p.enableAutoRange()
        best = fastest(result.runs)
        self.counts_plot.setTitle(f"Iterations and epochs to J ≤ {result.target:g} "
                                  f"({len(runs)} of {len(result.runs)} sizes reached it)", size=TITLE_SIZE)
        self.times_plot.setTitle((f"Fastest to the target: m = {best.size} ({best.seconds * 1000:.1f} ms), "
                                  if best else "") + "on this computer", size=TITLE_SIZE)
