"""How a racer looks in every view: its optimizer's colour, and a dashed line for an A/B twin."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.race_settings import TWIN_SUFFIX, base_of
from ui.framework.style import OPTIMIZER_COLORS


def racer_color(name: str) -> str:
    """The racer's optimizer's colour (a twin shares its racer's)."""
    return OPTIMIZER_COLORS[base_of(name)]


def is_twin(name: str) -> bool:
    return name.endswith(TWIN_SUFFIX)


def racer_pen(name: str, width: float = 2.0) -> pg.QtGui.QPen:
    """Solid for a racer, dashed for its twin, in the optimizer's colour."""
    style = Qt.PenStyle.DashLine if is_twin(name) else Qt.PenStyle.SolidLine
    return pg.mkPen(racer_color(name), width=width, style=style)
