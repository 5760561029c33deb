"""The probe (the bars of a = ŷ at a point and the notes' computation there) and the worked
example box, where the user types logits z."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from ui.framework.plots import fixed_plot
from ui.framework.style import INVALID_BACKGROUND, class_color

from .. import explain


class ProbeView(QWidget):
    """``draw(x, y, steps)`` shows one probed point (``steps`` from ``ClassifierTrainer.probe``);
    ``clear(C)`` the prompt and C empty bars."""

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.bars_plot = pg.PlotWidget()
        bp = fixed_plot(self.bars_plot.getPlotItem())
        bp.setLabel("left", "a = ŷ")
        bp.setYRange(0, 1.0, padding=0.02)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.7)
        bp.addItem(self.bars)
        self.bars_plot.setMaximumHeight(120)
        lay.addWidget(self.bars_plot, 1)
        self.text = QTextBrowser()
        lay.addWidget(self.text, 3)
        self.html = ""  # the probe's text as last shown
        self._classes = 0

    def clear(self, classes: int) -> None:
        self._show_html(explain.PROBE_PROMPT)
        self.bars.setOpts(x=np.arange(classes), height=np.zeros(classes))
        self._class_axis(classes)

    def draw(self, x: float, y: float, steps: dict[str, Any]) -> None:
        a = steps["a"]
        C = len(a)
        self.bars.setOpts(x=np.arange(C), height=a, width=0.7,
                          brushes=[pg.mkBrush(class_color(k)) for k in range(C)])
        self._class_axis(C)
        self._show_html(explain.probe_html(x, y, steps))

    def _show_html(self, html: str) -> None:
        if html != self.html:
            self.html = html
            self.text.setHtml(html)

    def _class_axis(self, C: int) -> None:
        """One bar per class, labelled by its number."""
        if C == self._classes:
            return
        self._classes = C
        bp = self.bars_plot.getPlotItem()
        bp.setXRange(-0.6, C - 0.4, padding=0)
        bp.getAxis("bottom").setTicks([[(k, str(k)) for k in range(C)]])


class WorkedExample(QGroupBox):
    """Type logits z; the box shows the notes' softmax computation for them, starting with the
    notes' own z = [5, 2, -1, 3]."""

    def __init__(self) -> None:
        super().__init__("Worked example: type z")
        v = QVBoxLayout(self)
        self.z_edit = QLineEdit(explain.NOTES_Z)
        self.z_edit.textChanged.connect(self.show_z)
        self.z_result = QLabel()
        self.z_result.setTextFormat(Qt.TextFormat.RichText)
        self.z_result.setWordWrap(True)
        v.addWidget(self.z_edit)
        v.addWidget(self.z_result)
        self.show_z(explain.NOTES_Z)

    def show_z(self, text: str) -> None:
        html, ok = explain.worked_example_html(text)
        self.z_edit.setStyleSheet("" if ok else f"QLineEdit {{ background: {INVALID_BACKGROUND}; }}")
        self.z_result.setText(html)
