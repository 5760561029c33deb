"""Cross-sections of the surface through its saddle point (or its global minimum): J along w1 and
J along w2, as the notes draw the saddle (a minimum along w1, a maximum along w2). The racers sit
on each section as balls at their own w1 (or w2). On the bowl the w1 section is the notes' own
J(w) = w² − 10w + 25."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from simulator.critical_points import sections
from simulator.race_settings import RACER_NAMES
from ui.framework.plots import fixed_plot

from .racers import racer_color

TRAIL = 200  # positions of the explained racer shown on each section
BOWL_NOTE = ("On the bowl, the section along w1 at w2 = 5 is the notes' J(w) = w² − 10w + 25 = "
             "(w − 5)²: started on that line, a racer is the notes' one-dimensional descent, and "
             "its ball rolls down the curve until w reaches 5.")


def section_title(axis: str, kind: str, point: tuple[float, float]) -> str:
    """Two short lines: which section, and what the cut point is along it."""
    other = f"w2 = {point[1]:g}" if axis == "w1" else f"w1 = {point[0]:g}"
    return f"J along {axis} ({other})<br><b>a {kind}</b> at {axis} = {point[0 if axis == 'w1' else 1]:g}"


class SectionPlot(pg.PlotWidget):
    """One section: the curve, the cut point, and a ball per racer."""

    def __init__(self, axis: str) -> None:
        super().__init__(enableMenu=False)
        self.axis = axis
        p = self.getPlotItem()
        fixed_plot(p)
        p.setLabel("bottom", axis)
        p.setLabel("left", "J")
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#333", width=2.5))
        self.point = pg.ScatterPlotItem(symbol="star", size=18, brush="w", pen=pg.mkPen("k", width=1.2))
        p.addItem(self.curve)
        p.addItem(self.point)
        # The explained racer's last positions on the section: the ball's way down.
        self.trail = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(0, 0, 0, 90), pen=None)
        p.addItem(self.trail)
        self.balls = {n: pg.ScatterPlotItem(size=13, brush=racer_color(n), pen=pg.mkPen("k", width=1.2))
                      for n in RACER_NAMES}
        for ball in self.balls.values():
            p.addItem(ball)


class SectionsView(QWidget):
    """Both sections side by side (``show_surface`` when the surface changes, ``draw`` per frame)."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.along_w1, self.along_w2 = SectionPlot("w1"), SectionPlot("w2")
        row.addWidget(self.along_w1)
        row.addWidget(self.along_w2)
        lay.addLayout(row, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.cut: dict | None = None
        self._surface = None

    def show_surface(self) -> None:
        surface = self.lab.surface
        if surface is self._surface:
            return
        self._surface = surface
        self.cut = cut = sections(surface)
        for plot, axis in ((self.along_w1, "w1"), (self.along_w2, "w2")):
            xs, js = cut[axis], cut[f"along_{axis}"]
            plot.curve.setData(xs, js)
            at = cut["point"][0 if axis == "w1" else 1]
            plot.point.setData([at], [cut["value"]])
            plot.getPlotItem().setTitle(section_title(axis, cut[f"kind_{axis}"], cut["point"]), size="10pt")
            lo, hi = float(np.min(js)), float(np.max(js))
            plot.getPlotItem().setRange(xRange=(xs[0], xs[-1]), yRange=(lo, hi), padding=0.05)
        saddle = cut["kind_w1"] != cut["kind_w2"]
        what = ("The saddle point (star): the gradient is zero, J is a minimum along one direction "
                "and a maximum along the other." if saddle else
                "Sections through the global minimum (star): J curves up along both directions.")
        self.note.setText(what + (" " + BOWL_NOTE if surface.name == "bowl" else "")
                          + " Balls: each racer's own w1 (left) and w2 (right), on the section.")
        self.draw()

    def draw(self) -> None:
        """Each racer's ball at its coordinate on each section, and the explained racer's trail."""
        if self.cut is None or not self.isVisible():
            return
        surface, (px, py) = self.lab.surface, self.cut["point"]
        r = self.lab.selected_racer
        tail = r.path[-TRAIL:] if r is not None else np.empty((0, 2))
        self.along_w1.trail.setData(tail[:, 0], surface.f(tail[:, 0], np.full(len(tail), py)))
        self.along_w2.trail.setData(tail[:, 1], surface.f(np.full(len(tail), px), tail[:, 1]))
        for name in RACER_NAMES:
            r = self.lab.racers.get(name)
            for plot, axis in ((self.along_w1, 0), (self.along_w2, 1)):
                ball = plot.balls[name]
                if r is None:
                    ball.setData([], [])
                    continue
                w = float(r.path[-1, axis])
                j = surface.f(w, py) if axis == 0 else surface.f(px, w)
                ball.setData([w], [float(j)])
