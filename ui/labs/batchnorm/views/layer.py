"""The Layer tab: the notes' chain X → z → z_norm → z̃ → a for a whole hidden layer (the watched
one) on the last mini-batch. One strip per step, each unit a column of the batch's values: z has
a mean and spread of its own per unit; z_norm has mean 0 and variance 1 in every unit; z̃ takes
the mean β and the spread γ the network learned; a is z̃ through the activation. The watched unit
is drawn in the accent colour."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from simulator.batchnorm.lessons import layer_chain
from ui.framework.plots import add_plot

from .common import C_BATCH, C_EWA

STEPS = (("z", "z = W a[l−1]", "each unit its own mean and spread"),
         ("z_norm", "z_norm = (z − μ) / √(σ² + ε)", "every unit mean 0, variance 1"),
         ("z_tilde", "z̃ = γ z_norm + β", "the mean β and spread γ learned"),
         ("a", "a = g(z̃)", "into the next layer"))
LABELS = {"z": "z", "z_norm": "z_norm", "z_tilde": "z̃", "a": "a"}
JITTER = 0.18  # how far a unit's dots spread sideways, so that the batch's values do not overlap


class LayerView(pg.GraphicsLayoutWidget):
    """Four strips (``plots[name]`` for z, z_norm, z_tilde, a) of the watched layer's values on
    the last mini-batch, unit by unit; ``scatters[name]`` holds the dots."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.plots: dict[str, pg.PlotItem] = {}
        self.scatters: dict[str, pg.ScatterPlotItem] = {}
        for row, (name, formula, says) in enumerate(STEPS):
            p = add_plot(self, row, 0, LABELS[name], "unit" if row == len(STEPS) - 1 else "",
                         f"{formula}: {says}")
            scatter = pg.ScatterPlotItem(size=5, pen=None, antialias=False)
            p.addItem(scatter)
            self.plots[name], self.scatters[name] = p, scatter
        self._units = -1
        self._jitter = np.empty(0)
        self._brushes: tuple[tuple, list] = ((), [])  # ((m, units, watched unit), brushes)

    def draw(self) -> None:
        lab = self.lab
        values = layer_chain(lab.experiment.model, lab.layer)
        if not values:
            for s in self.scatters.values():
                s.setData([], [])
            self.plots["z"].setTitle("Press Step or Play: the last mini-batch's values show here",
                                     size="9pt")
            return
        m, units = values["z"].shape
        if self._jitter.shape != (m, units):
            self._jitter = np.random.default_rng(0).uniform(-JITTER, JITTER, (m, units))
        x = (np.arange(1, units + 1)[None, :] + self._jitter).ravel()
        key = (m, units, lab.unit)
        if self._brushes[0] != key:
            watched, others = pg.mkBrush(C_EWA), pg.mkBrush(C_BATCH)
            self._brushes = (key, [watched if j == lab.unit else others
                                   for _ in range(m) for j in range(units)])
        brushes = self._brushes[1]
        for name, formula, says in STEPS:
            y = values[name].ravel()
            self.scatters[name].setData(x, y, brush=brushes)
            p = self.plots[name]
            lo, hi = float(np.min(y)), float(np.max(y))
            pad = 0.08 * max(hi - lo, 1e-6)
            p.setRange(xRange=(0.4, units + 0.6), yRange=(lo - pad, hi + pad), padding=0)
            p.setTitle(f"{formula}: {says}", size="9pt")
        if units != self._units:
            self._units = units
            ticks = [[(j, str(j)) for j in range(1, units + 1, max(1, units // 8))]]
            for p in self.plots.values():
                p.getAxis("bottom").setTicks(ticks)
        self.plots["z"].setTitle(f"Layer {lab.layer + 1}, last mini-batch (m = {m}): "
                                 f"{STEPS[0][1]}: {STEPS[0][2]}", size="9pt")


__all__ = ["LayerView", "STEPS"]
