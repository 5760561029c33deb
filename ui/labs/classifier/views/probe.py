"""The probe (the bars of a = ŷ at a point and the notes' computation there) and the worked
example box, where the user types logits z."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.framework.plots import fixed_plot
from ui.framework.presentation import set_html
from ui.framework.style import INVALID_BACKGROUND, class_color
from ui.framework.widgets import blocked, row

from .. import explain

MAX_CLASSES = 10  # the worked example's largest true class
BARS_MIN_HEIGHT = 110  # the probe's bar chart, pixels


class ProbeView(QWidget):
    """``draw(x, y, steps)`` shows one probed point (``steps`` from ``ClassifierTrainer.probe``);
    ``clear(C)`` the prompt and C empty bars."""

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.bars_plot = pg.PlotWidget(enableMenu=False)
        bp = fixed_plot(self.bars_plot.getPlotItem())
        bp.setLabel("left", "a = ŷ")
        bp.setYRange(0, 1.0, padding=0.02)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.7)
        bp.addItem(self.bars)
        # Tall enough to read a bar's height against the axis, short enough to leave the text room.
        self.bars_plot.setMinimumHeight(BARS_MIN_HEIGHT)
        self.bars_plot.setMaximumHeight(2 * BARS_MIN_HEIGHT)
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
            set_html(self.text, html)

    def _class_axis(self, C: int) -> None:
        """One bar per class, labelled by its number."""
        if C == self._classes:
            return
        self._classes = C
        bp = self.bars_plot.getPlotItem()
        bp.setXRange(-0.6, C - 0.4, padding=0)
        bp.getAxis("bottom").setTicks([[(k, str(k)) for k in range(C)]])


class WorkedExample(QWidget):
    """The notes' softmax example worked for numbers the user types: logits z (the whole
    computation, starting with the notes' z = [5, 2, -1, 3]) or probabilities ŷ directly (the
    notes' ŷ = [0.3, 0.2, 0.1, 0.4]), with a true class numbered from 1 as the notes do, or
    from 0 as the plane's classes are."""

    def __init__(self) -> None:
        super().__init__()
        v = QVBoxLayout(self)
        self.typed_combo = QComboBox()
        self.typed_combo.addItem("logits z", "z")
        self.typed_combo.addItem("probabilities ŷ", "yhat")
        self.typed_combo.currentIndexChanged.connect(self._typed_changed)
        self.z_edit = QLineEdit(explain.NOTES_Z)
        self.z_edit.textChanged.connect(self.refresh)
        self.label_spin = QSpinBox()
        self.label_spin.setRange(0, MAX_CLASSES)
        self.label_spin.setSpecialValueText("none")
        self.label_spin.setValue(explain.NOTES_LABEL + 1)
        self.label_spin.valueChanged.connect(self.refresh)
        self.zero_box = QCheckBox("number classes from 0")
        self.zero_box.toggled.connect(self._base_changed)
        v.addLayout(row("Type", self.typed_combo, self.z_edit, stretch=2))
        v.addLayout(row("True class", self.label_spin, stretch=None))
        v.addWidget(self.zero_box)  # on its own line: the column fits a 1024-px screen
        self.z_result = QLabel()
        self.z_result.setTextFormat(Qt.TextFormat.RichText)
        self.z_result.setWordWrap(True)
        self.z_result.setAlignment(Qt.AlignmentFlag.AlignTop)
        v.addWidget(self.z_result, 1)
        self.refresh()

    @property
    def base(self) -> int:
        """1 as the notes number classes, or 0."""
        return 0 if self.zero_box.isChecked() else 1

    @property
    def label(self) -> int | None:
        """The true class from 0, or None (the spin box's "none", 1-based numbering only)."""
        shown = self.label_spin.value()
        if self.base == 1:
            return None if shown == 0 else shown - 1
        return shown

    def _typed_changed(self) -> None:
        """Another kind of input starts from the notes' own numbers."""
        typed = self.typed_combo.currentData()
        with blocked(self.z_edit):
            self.z_edit.setText(explain.NOTES_YHAT if typed == "yhat" else explain.NOTES_Z)
        self.refresh()

    def _base_changed(self, zero: bool) -> None:
        """The same class, numbered the other way."""
        with blocked(self.label_spin):
            shown = self.label_spin.value()
            self.label_spin.setSpecialValueText("" if zero else "none")
            self.label_spin.setRange(0, MAX_CLASSES - 1 if zero else MAX_CLASSES)
            self.label_spin.setValue(max(shown - 1, 0) if zero else shown + 1)
        self.refresh()

    def refresh(self) -> None:
        html, ok = explain.worked_example_html(self.z_edit.text(), self.typed_combo.currentData(),
                                               self.label, self.base)
        self.z_edit.setStyleSheet("" if ok else f"QLineEdit {{ background: {INVALID_BACKGROUND}; }}")
        self.z_result.setText(html)
