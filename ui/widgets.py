"""Small shared pieces of the UI: colours, signal blocking, number fields, formatting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QGraphicsItem, QWidget

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
