"""The surface and the racers' paths in 3D, when OpenGL is available. Where it is not, the tab
says why and everything else works as before."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QStackedWidget

from simulator.race_settings import OPTIMIZER_NAMES
from ui.framework.plots import LogScale, surface_lut
from ui.framework.style import OPTIMIZER_COLORS

HEIGHT = 4.0  # the colour scale's 0..1 drawn this high over a 10 x 10 floor


class View3D(QStackedWidget):
    """A message until the tab is first shown (``activate``); then a GL view, built then, or
    the reason there is none. ``gl_available`` says which."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.message = QLabel("The 3D view opens when you select this tab.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.addWidget(self.message)
        self.view = None
        self._failed = False
        self._surface = None
        self._lines: dict[str, object] = {}

    @property
    def gl_available(self) -> bool:
        return self.view is not None

    def activate(self) -> None:
        if self.view is not None or self._failed:
            return
        try:
            import OpenGL.GL  # noqa: F401  (PyOpenGL: an optional dependency)
            import pyqtgraph.opengl as gl

            view = gl.GLViewWidget()
        except Exception as exc:  # no PyOpenGL, or no OpenGL context on this display
            self._fail("The 3D view needs OpenGL and PyOpenGL, which this machine lacks "
                       f"({type(exc).__name__}: {exc}).\nInstall it with: pip install PyOpenGL\n"
                       "Every other view works without it.")
            return
        self._gl = gl
        self.view = view
        view.setBackgroundColor("w")
        self.addWidget(view)
        self.setCurrentWidget(view)
        self.show_surface()
        QTimer.singleShot(0, self._check_context)

    def _fail(self, text: str) -> None:
        self._failed = True
        self.message.setText(text)
        self.setCurrentWidget(self.message)

    def _check_context(self) -> None:
        """PyOpenGL may import on a display without OpenGL; then the context fails when shown."""
        view = self.view
        if view is None or view.isValid():
            return
        self.view = None
        self.removeWidget(view)
        view.deleteLater()
        self._fail("This display offers no OpenGL context, so the 3D view is off.\n"
                   "Every other view works without it.")

    def show_surface(self) -> None:
        """The lab's surface as a coloured mesh and one line per racer (when it changed)."""
        surface = self.lab.surface
        if self.view is None or surface is self._surface:
            return
        self._surface = surface
        gl, view = self._gl, self.view
        for item in list(view.items):
            view.removeItem(item)
        xs, ys, z = surface.grid(120)
        self._scale = LogScale(z, surface.f_min)
        img = self._scale(z)
        x0, _, y0, _ = surface.domain
        self._map = (x0, y0, 10.0 / surface.span)
        k = self._map[2]
        colors = (surface_lut(0.15).astype(float) / 255)[(img * 255).astype(int)]
        colors = np.transpose(colors, (1, 0, 2))
        view.addItem(gl.GLSurfacePlotItem(x=(xs - x0) * k, y=(ys - y0) * k, z=img.T * HEIGHT,
                                          colors=colors.reshape(-1, 4), shader=None,
                                          smooth=False, computeNormals=False))
        self._lines = {}
        for name in OPTIMIZER_NAMES:
            c = pg.mkColor(OPTIMIZER_COLORS[name]).getRgbF()
            self._lines[name] = gl.GLLinePlotItem(pos=np.zeros((1, 3)), color=c, width=3,
                                                  antialias=True)
            view.addItem(self._lines[name])
        view.setCameraPosition(distance=15, elevation=32, azimuth=-60)
        view.opts["center"] = pg.Vector(5, 5, 1.5)
        self.draw()

    def draw(self) -> None:
        """The paths, while the GL view is on screen."""
        if self.view is None or not self.isVisible():
            return
        x0, y0, k = self._map
        for name, line in self._lines.items():
            r = self.lab.racers.get(name)
            if r is None:
                line.setData(pos=np.zeros((0, 3)))
                continue
            p = r.path
            z = self._scale(r.losses) * HEIGHT + 0.05
            line.setData(pos=np.column_stack([(p[:, 0] - x0) * k, (p[:, 1] - y0) * k, z]))
