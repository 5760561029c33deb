"""The EWA tab: exponentially weighted averages the lecture's way. Top: a year of noisy daily
temperatures (the seed is the race's) and their averages for β = 0.5, 0.9 and 0.98, bias-corrected,
with 0.98 also uncorrected (dashed: it starts from 0). Bottom: the same average of the explained
racer's gradient dW over its first iterations, which is momentum's v_dW (for a momentum racer, its
v_dW read back from its steps lies on the line)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.ewa import BETAS, FIRST, daily_temperatures, ewa, gradient_average, lag, window
from ui.framework.plots import add_plot, side_legend
from ui.framework.style import OKABE_ITO

from .racers import racer_color

SHADES = {0.5: "#9ecae1", 0.9: "#3182bd", 0.98: "#08306b"}  # light to dark: a longer window
TITLE_SIZE = "10pt"


class EwaView(pg.GraphicsLayoutWidget):
    """``temps`` (the readings), ``curves[β]`` (bias-corrected), ``uncorrected`` (β = 0.98), and
    for the explained racer ``grads`` (dW), ``average`` (its EWA) and ``from_steps``."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.temp_plot = add_plot(self, 0, 0, "°F", "day")
        side_legend(self.temp_plot)
        self.temps = pg.ScatterPlotItem(size=4, brush=pg.mkBrush(150, 150, 150, 160), pen=None,
                                        antialias=False, name="daily temperature")
        self.temp_plot.addItem(self.temps)
        self.curves = {b: self.temp_plot.plot(pen=pg.mkPen(SHADES[b], width=3),
                                              name=f"β = {b:g} (about {window(b):.0f} days)")
                       for b in BETAS}
        self.uncorrected = self.temp_plot.plot(
            pen=pg.mkPen(SHADES[BETAS[-1]], width=2, style=Qt.PenStyle.DashLine),
            name=f"β = {BETAS[-1]:g}, no bias correction")
        self.grad_plot = add_plot(self, 1, 0, "dW", "iteration")
        side_legend(self.grad_plot)
        self.grads = pg.ScatterPlotItem(size=5, pen=None, antialias=False, name="dW, one per step")
        self.grad_plot.addItem(self.grads)
        self.average = self.grad_plot.plot(pen=pg.mkPen(OKABE_ITO["vermillion"], width=3), name="its EWA")
        self.from_steps = pg.ScatterPlotItem(size=5, symbol="o", brush=None, pen=pg.mkPen("k", width=1),
                                             name="momentum's v_dW, from its steps")
        self.grad_plot.addItem(self.from_steps)
        self.average.setZValue(2)  # the average over the rings: they sit on it
        self.ci.layout.setRowStretchFactor(0, 1)
        self.ci.layout.setRowStretchFactor(1, 1)
        self._seed: int | None = None
        self._drawn: tuple = ()
        self.title = ""

    def draw(self) -> None:
        """The year when the seed changed; the racer's average when its first steps changed."""
        seed = int(self.lab.settings.seed)
        if seed != self._seed:
            self._seed = seed
            self._draw_year(seed)
        racer = self.lab.selected_racer
        state = (racer, None if racer is None else min(racer.iteration, FIRST))
        if state != self._drawn:
            self._drawn = state
            self._draw_gradients(racer)

    def _draw_year(self, seed: int) -> None:
        season, temps = daily_temperatures(seed=seed)
        days = np.arange(1, len(temps) + 1)
        self.temps.setData(days, temps)
        for b, curve in self.curves.items():
            curve.setData(days, ewa(temps, b, corrected=True))
        self.uncorrected.setData(days, ewa(temps, BETAS[-1]))
        self.temp_plot.setXRange(0, len(days) + 1, padding=0)
        self.temp_plot.setYRange(0, float(temps.max()) + 5, padding=0)
        lags = ", ".join(f"{lag(ewa(temps, b, True), season)}" for b in BETAS)
        self.temp_plot.setTitle(f"A year of daily temperatures (seed {seed}): the averages lag "
                                f"{lags} days", size=TITLE_SIZE)

    def _draw_gradients(self, racer) -> None:
        if racer is None or racer.iteration < 2:
            for item in (self.grads, self.from_steps):
                item.setData([], [])
            self.average.setData([], [])
            self._title("Press Play: the explained racer's gradients and their average")
            return
        g = gradient_average(racer)
        it = g["iteration"]
        self.grads.setData(it, g["dW"], brush=pg.mkBrush(racer_color(racer.name)))
        self.average.setData(it, g["v"])
        steps = g["from_steps"]
        self.from_steps.setData(it, steps) if steps is not None else self.from_steps.setData([], [])
        lo, hi = float(np.min(g["dW"])), float(np.max(g["dW"]))
        pad = 0.05 * max(hi - lo, 1e-9)
        self.grad_plot.setXRange(0, FIRST + 1, padding=0)
        self.grad_plot.setYRange(lo - pad, hi + pad, padding=0)
        w = f"w{g['component'] + 1}"
        self._title(f"{racer.label}: dW along {w} and its EWA, β = {g['beta']:g}"
                    + (" = its v_dW" if steps is not None else " (what momentum would average)"))

    def _title(self, text: str) -> None:
        if text != self.title:
            self.title = text
            self.grad_plot.setTitle(text, size=TITLE_SIZE)
