"""The Test time tab: one test example normalized three ways (a table), and the test set in
batches normalized with their own statistics, against the EWA and population lines."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSlider, QSpinBox, QTextBrowser, QVBoxLayout, QWidget

from ui.framework.binder import Binder
from ui.framework.plots import PlotRanges, add_plot
from ui.framework.presentation import set_html
from ui.framework.widgets import row

from ..explain import batches_sentence, table_html
from .common import C_BATCH, C_EWA, C_POP, dots

MAX_TEST_BATCH = 64  # the test-batch slider's top


class TestTimeView(QWidget):
    """The example picker, the table, the test-batch slider and the per-batch μ and σ² plots."""

    def __init__(self, lab, binder: Binder) -> None:
        super().__init__()
        self.lab = lab
        self.ranges = PlotRanges()
        self.html = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        self.example_spin = binder.bind(
            QSpinBox(), lambda: lab.example_index + 1, lambda v: lab.set_example(v - 1),
            limits=lambda: (1, lab.n_test))
        self.next_example = QPushButton("Next")
        self.next_example.clicked.connect(lambda: lab.next_example())
        picker = row("Test example", self.example_spin, self.next_example)
        picker.addStretch(1)
        lay.addLayout(picker)
        self.text = QTextBrowser()
        lay.addWidget(self.text, 3)
        self.batch_label = QLabel()
        self.batch_slider = binder.bind(
            QSlider(Qt.Orientation.Horizontal), lambda: lab.test_batch, lab.set_test_batch_size,
            limits=lambda: (1, min(MAX_TEST_BATCH, lab.n_test)))
        lay.addLayout(row(self.batch_label, self.batch_slider, stretch=1))
        self.plots = pg.GraphicsLayoutWidget()
        self.mu_plot = add_plot(self.plots, 0, 0, "μ", "test batch", "each test batch's own μ")
        self.var_plot = add_plot(self.plots, 0, 1, "σ²", "test batch", "each test batch's own σ²")
        self.batch_mu = self.mu_plot.plot(**dots(C_BATCH, size=6))
        self.batch_var = self.var_plot.plot(**dots(C_BATCH, size=6))
        self.lines = {}
        for key, plot in (("mu", self.mu_plot), ("var", self.var_plot)):
            ewa = pg.InfiniteLine(angle=0, pen=pg.mkPen(C_EWA, width=2))
            pop = pg.InfiniteLine(angle=0, pen=pg.mkPen(C_POP, style=Qt.PenStyle.DashLine))
            plot.addItem(ewa)
            plot.addItem(pop)
            self.lines[key] = (ewa, pop)
        lay.addWidget(self.plots, 4)

    def draw(self) -> None:
        lab, e = self.lab, self.lab.experiment
        layer, unit = lab.layer, lab.unit
        table = e.test_time_table(lab.example_index, layer, unit, lab.corrected)
        batches = e.test_batches(lab.test_batch, layer, unit)
        self.html = (table_html(table, layer, unit)
                     + batches_sentence(lab.test_batch, batches["accuracy"]))
        set_html(self.text, self.html)
        self.batch_label.setText(f"Test batch size: {lab.test_batch}")
        k = np.arange(1, len(batches["mu"]) + 1)
        self.batch_mu.setData(k, batches["mu"])
        self.batch_var.setData(k, batches["var"])
        modes = table["modes"]
        for key, plot in (("mu", self.mu_plot), ("var", self.var_plot)):
            ewa, pop = modes["ewa"][key], modes["population"][key]
            line_e, line_p = self.lines[key]
            line_e.setVisible(bool(np.isfinite(ewa)))  # no EWA before the first batch
            if np.isfinite(ewa):
                line_e.setValue(ewa)
            line_p.setValue(pop)
            self.ranges.fit_x(plot, key, 0, len(k) + 1)
            self.ranges.fit_y(plot, key, batches[key], np.array([ewa, pop]), zero=key == "var")
