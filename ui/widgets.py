"""Small shared pieces of the UI: colours, signal blocking, number fields, formatting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QWidget,
)

from simulator.schedules import SCHEDULES

# Okabe-Ito, colour-blind safe.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
OPTIMIZER_COLORS = {
    "sgd": OKABE_ITO["orange"],
    "momentum": OKABE_ITO["sky_blue"],
    "rmsprop": OKABE_ITO["bluish_green"],
    "adam": OKABE_ITO["reddish_purple"],
}
CLASS_COLORS = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                        "reddish_purple", "sky_blue", "yellow", "black")]
# The parameter fields of the learning-rate schedules: lo, hi, decimals, step, default.
SCHEDULE_FIELDS = {
    "decay_rate": (0.0, 100.0, 4, 0.1, 1.0),
    "base": (0.0, 1.0, 4, 0.01, 0.95),
    "k": (0.0, 100.0, 3, 0.1, 1.0),
    "factor": (0.0, 1.0, 3, 0.05, 0.5),
    "every": (0.0, 100000.0, 0, 10.0, 100.0),
}


@contextmanager
def blocked(*objects: QObject) -> Iterator[None]:
    """Block the objects' signals while the model is reflected into them, so nothing loops."""
    old = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for o, was in zip(objects, old, strict=True):
            o.blockSignals(was)


def fixed_plot(plot: pg.PlotItem) -> None:
    """A plot the app controls: no mouse pan/zoom or context menu, and axes cached as pixmaps.

    Axes are repainted only when their range changes; without the cache their text is redrawn
    every frame, which costs several milliseconds of a 16.7 ms frame.
    """
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # "(x0.001)" prefixes confuse a class, and re-rendering them is what aborts PySide6 6.12.
        axis.enableAutoSIPrefix(False)


def contour_polyline(xs: np.ndarray, ys: np.ndarray, field: np.ndarray,
                     levels) -> tuple[np.ndarray, np.ndarray]:
    """The contour lines of ``field`` (indexed [iy, ix] over axes xs, ys) at ``levels``, as one
    NaN-separated polyline in data coordinates: one plot item draws them all."""
    pts_x: list[float] = []
    pts_y: list[float] = []
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    for level in levels:
        for line in pg.functions.isocurve(field.T, level, connected=True):
            a = np.asarray(line, dtype=float)
            pts_x.extend(xs[0] + a[:, 0] * dx)
            pts_y.extend(ys[0] + a[:, 1] * dy)
            pts_x.append(np.nan)
            pts_y.append(np.nan)
    return np.asarray(pts_x or [np.nan]), np.asarray(pts_y or [np.nan])


def surface_lut(lighten: float = 0.35) -> np.ndarray:
    """Viridis, mixed with white so coloured paths stay readable on top: (256, 4) uint8."""
    lut = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=True).astype(float)
    lut[:, :3] = lut[:, :3] * (1 - lighten) + 255 * lighten
    return lut.astype(np.uint8)


def fmt(v, digits: int = 4) -> str:
    """A number or small vector in a short, readable form."""
    a = np.atleast_1d(np.asarray(v, dtype=float))
    parts = [f"{x:.{digits}g}" for x in a]
    return parts[0] if np.ndim(v) == 0 else "[" + ", ".join(parts) + "]"


class NumberField(QDoubleSpinBox):
    """A spin box for a hyperparameter that reports ``edited(value)`` only when the user commits.

    It lets through values the engine will refuse (lr = 0, beta = 1), so the engine's message is what
    the user sees, and it turns red until a valid value is set again.
    """

    edited = Signal(float)

    def __init__(self, lo: float, hi: float, decimals: int, step: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(lo, hi)
        self.setDecimals(decimals)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)
        self.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.valueChanged.connect(self.edited.emit)

    def set_value(self, v: float) -> None:
        """Show the model's value without emitting ``edited``."""
        with blocked(self):
            self.setValue(float(v))
        self.set_invalid(False)

    def set_invalid(self, bad: bool, why: str = "") -> None:
        self.setStyleSheet("QDoubleSpinBox { background: #ffd6d6; }" if bad else "")
        self.setToolTip(why)


class ScheduleEditor(QWidget):
    """Learning-rate decay: a schedule picker, the fields of its parameters and its formula.

    Emits ``edited(name, params)`` when the user changes anything; ``show_schedule`` reflects the
    model without emitting.
    """

    edited = Signal(str, dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        for name in SCHEDULES:
            self.combo.addItem(name.replace("_", " "), name)
        self.combo.currentIndexChanged.connect(lambda _: self._emit())
        form.addRow("Schedule", self.combo)
        self.fields: dict[str, NumberField] = {}
        for key, (lo, hi, dec, step, default) in SCHEDULE_FIELDS.items():
            f = NumberField(lo, hi, dec, step)
            f.set_value(default)
            f.edited.connect(lambda _v: self._emit())
            self.fields[key] = f
            form.addRow(key.replace("_", " "), f)
        self.formula = QLabel()
        self.formula.setStyleSheet("color: #444;")
        form.addRow(self.formula)
        self._form = form

    def _emit(self) -> None:
        name = self.combo.currentData()
        self.edited.emit(name, {k: self.fields[k].value() for k in SCHEDULES[name].params})

    def show_schedule(self, name: str, params: dict) -> None:
        with blocked(self.combo):
            self.combo.setCurrentIndex(self.combo.findData(name))
        for key, f in self.fields.items():
            visible = key in SCHEDULES[name].params
            if key in params:
                f.set_value(params[key])
            f.setVisible(visible)
            self._form.labelForField(f).setVisible(visible)
        self.formula.setText(SCHEDULES[name].formula)


def three_columns(page: QWidget, controls: QWidget, centre: QWidget, right: QWidget,
                  sizes: tuple[int, int, int]) -> None:
    """The labs' layout: scrollable controls, the main view, and a column of readouts."""
    scroll = QScrollArea()
    scroll.setWidget(controls)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(controls.sizeHint().width() + 20)
    split = QSplitter(Qt.Orientation.Horizontal)
    for w in (scroll, centre, right):
        split.addWidget(w)
    split.setStretchFactor(0, 0)
    split.setStretchFactor(1, 3)
    split.setStretchFactor(2, 2)
    split.setSizes(list(sizes))
    lay = QHBoxLayout(page)
    lay.setContentsMargins(4, 4, 4, 4)
    lay.addWidget(split)


def run_shortcuts(page: QWidget, lab) -> None:
    """Space plays or pauses, Right steps, R resets: the same keys on every page."""
    for key, slot in ((Qt.Key.Key_Space, lab.toggle), (Qt.Key.Key_Right, lab.step),
                      (Qt.Key.Key_R, lab.reset)):
        sc = QShortcut(QKeySequence(key), page)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(slot)


def run_buttons(page: QWidget, lab, step_tip: str, reset_tip: str) -> None:
    """Play/Pause, Step and Reset buttons wired to ``lab``, kept as ``page.play_button`` etc.;
    the Play button's text follows the lab's running state."""
    page.play_button = QPushButton("Play")
    page.play_button.setToolTip("Play / pause (Space)")
    page.play_button.clicked.connect(lab.toggle)
    lab.running_changed.connect(lambda on: page.play_button.setText("Pause" if on else "Play"))
    page.step_button = QPushButton("Step")
    page.step_button.setToolTip(f"{step_tip} (Right arrow)")
    page.step_button.clicked.connect(lab.step)
    page.reset_button = QPushButton("Reset")
    page.reset_button.setToolTip(f"{reset_tip} (R)")
    page.reset_button.clicked.connect(lab.reset)
