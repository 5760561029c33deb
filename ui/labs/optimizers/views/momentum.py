"""The momentum map: momentum's convergence rate for each (α, β) on the lab's surface from its
start, with a cross at the Momentum racer's own pair and a star at the best pair; a click moves
the racer there. The β axis can be linear or evenly spaced in log(1 − β)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from ui.framework.plots import fixed_plot, view_point
from ui.framework.style import OPTIMIZER_COLORS, num

from ..controller import MomentumMap

NOTE = ("Each pixel runs the notes' momentum (v = βv + (1-β)dW, W -= αv) for 200 steps from the "
        "start on this surface. Dark: fast; yellow: slow; left blank (the plot's background, in any "
        "theme): does not converge. The cross is "
        "the Momentum racer's (α, β), the star the fastest pair; click to move the racer.")
LOG_TICKS = [(0.0, "0"), (1.0, "0.9"), (2.0, "0.99"), (3.0, "0.999")]


def beta_to_y(beta, log_beta: bool):
    """Where β sits on the map's vertical axis: β itself, or −log10(1 − β)."""
    beta = np.asarray(beta, dtype=float)
    return -np.log10(np.maximum(1.0 - beta, 1e-12)) if log_beta else beta


def y_to_beta(y: float, log_beta: bool) -> float:
    return 1.0 - 10.0 ** (-y) if log_beta else y


class MomentumView(QWidget):
    """Computed when the tab is shown (``activate``) and again, while shown, when the surface or
    start changes; ``shown`` holds the map on screen."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.shown: MomentumMap | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget(enableMenu=False)
        p = self.plot.getPlotItem()
        fixed_plot(p)
        p.setLabel("bottom", "log10 α")
        self.image = pg.ImageItem(axisOrder="row-major")
        p.addItem(self.image)
        self.outline = pg.ScatterPlotItem(symbol="+", size=24, pen=pg.mkPen("k", width=6))
        self.marker = pg.ScatterPlotItem(symbol="+", size=22,
                                         pen=pg.mkPen(OPTIMIZER_COLORS["momentum"], width=3))
        self.best = pg.ScatterPlotItem(symbol="star", size=20, brush="w", pen=pg.mkPen("k", width=1.5))
        for item in (self.outline, self.marker, self.best):
            p.addItem(item)
        self.bar = pg.ColorBarItem(values=(0.8, 1.0), colorMap=pg.colormap.get("viridis"),
                                   label="rate: |W - W*| shrinks by this per step",
                                   interactive=False, width=18)
        self.bar.setImageItem(self.image, insert_in=p)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        lay.addWidget(self.plot, 1)
        self.log_box = QCheckBox("β axis on a log(1 − β) scale")
        self.log_box.setToolTip("0.9, 0.99 and 0.999 evenly apart")
        self.log_box.toggled.connect(lambda _on: self.refresh(force=True))
        lab.momentum_changed.connect(self._arrived)
        lay.addWidget(self.log_box)
        self.best_label = QLabel()
        self.best_label.setWordWrap(True)
        lay.addWidget(self.best_label)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        lay.addWidget(note)

    @property
    def rates(self) -> np.ndarray | None:
        return None if self.shown is None else self.shown.rates

    def _clicked(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and (pt := view_point(self.plot, ev)) is not None:
            self.lab.set_momentum_pair(float(np.power(10.0, pt[0])),
                                       y_to_beta(pt[1], self.log_box.isChecked()))

    def activate(self) -> None:
        """The tab came to the front: compute and show the map for the lab's surface and start."""
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """After a settings change: the map again if the surface or start changed (only while
        the tab is on screen, or when ``force``d), and the cross. A map not computed yet is
        computed in the lab's worker; ``momentum_changed`` brings it here."""
        if force or self.isVisible():
            try:
                m = self.lab.request_momentum_map(self.log_box.isChecked())
            except ValueError as e:  # the start sits on the minimum: nothing to measure
                self._clear(f"No map: {e}.")
            else:
                if m is None:
                    self._clear("Computing the momentum map for this surface and start…")
                elif m is not self.shown:
                    self._show_map(m)
        self.draw_marker()

    def _arrived(self) -> None:
        """The worker brought a map (or failed): show it if it is this surface's and start's."""
        m = self.lab.momentum_map_ready(self.log_box.isChecked())
        if m is not None and m is not self.shown:
            self._show_map(m)
        elif m is None and not self.lab.momentum_computing and self.shown is None:
            self.best_label.setText("No map.")  # it failed: the message line says why

    def _clear(self, text: str) -> None:
        self.shown = None
        self.image.clear()
        self.best.setData([], [])
        self.best_label.setText(text)

    def _show_map(self, m: MomentumMap) -> None:
        self.shown = m
        # Pairs that do not converge are NaN: drawn transparent, so the background shows (the note
        # says "left blank", true in every theme).
        self.image.setImage(np.where(m.rates < 1.0, m.rates, np.nan).astype(np.float32))
        self.bar.setLevels((0.8, 1.0))
        la, yb = np.log10(m.alphas), beta_to_y(m.betas, m.log_beta)
        self.image.setRect(QRectF(la[0], yb[0], la[-1] - la[0], yb[-1] - yb[0]))
        p = self.plot.getPlotItem()
        p.setRange(xRange=(la[0], la[-1]), yRange=(yb[0], yb[-1]), padding=0)
        p.getAxis("left").setTicks([LOG_TICKS] if m.log_beta else None)
        p.setLabel("left", "β (log(1 − β) scale)" if m.log_beta else "β")
        p.setTitle(f"Momentum's rate per (α, β) on {m.surface.title.split(' (')[0]}", size="10pt")
        a, b, rate = m.best
        self.best.setData([np.log10(a)], [beta_to_y(b, m.log_beta)])
        self.best_label.setText(f"Fastest pair (star): α = {num(a, 3)}, β = {num(b, 3)}, "
                                f"rate {num(rate, 3)} per step")

    def draw_marker(self) -> None:
        """The cross at the Momentum racer's own (α, β) (after a settings change)."""
        h = self.lab.settings.hyper["momentum"]
        x, y = np.log10(max(h["lr"], 1e-12)), beta_to_y(h["beta"], self.log_box.isChecked())
        self.marker.setData([x], [y])
        self.outline.setData([x], [y])
