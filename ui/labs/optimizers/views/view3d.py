"""The surface and the racers' paths in 3D, when OpenGL is available. Where it is not, the tab
says why and everything else works as before."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QStackedWidget, QVBoxLayout, QWidget

from simulator.race_settings import RACER_NAMES
from ui.framework.plots import LogScale, surface_lut

from .racers import racer_color

HEIGHT = 4.0  # the colour scale's 0..1 drawn this high over a 10 x 10 floor
DRAW_POINTS = 3000  # points of a path drawn in 3D, however long the run
GRID = 120  # the mesh's points per side
# On a software renderer (no GPU: llvmpipe under Xvfb, a virtual machine, a remote desktop) the
# full mesh and paths froze a 2-core machine's display for minutes: a coarse mesh, short paths and
# at most SOFT_HZ redraws a second keep the window answering.
SOFTWARE_WORDS = ("llvmpipe", "softpipe", "software", "swiftshader", "lavapipe", "gdi generic",
                  "basic render")
SOFT_GRID, SOFT_POINTS, SOFT_HZ = 40, 300, 5.0


def is_software(renderer: str) -> bool:
    """Whether an OpenGL renderer's name (GL_RENDERER) is a software one."""
    return any(word in renderer.lower() for word in SOFTWARE_WORDS)


def renderer_name(view) -> str:
    """The GL_RENDERER of ``view``'s context ("" if it cannot be read)."""
    try:
        from OpenGL import GL

        view.makeCurrent()
        name = GL.glGetString(GL.GL_RENDERER)
    except Exception:  # noqa: BLE001 - no context, or a GL that will not say
        return ""
    return name.decode(errors="replace") if isinstance(name, bytes) else str(name or "")


class Heights:
    """J to a height in 0..1: on the colour map's log scale (deep valleys visible), or linear in J
    between the grid's lowest and highest value (a saddle's true shape)."""

    def __init__(self, z: np.ndarray, f_min: float, linear: bool) -> None:
        self.log = LogScale(z, f_min)
        self.linear = linear
        self.lo, self.hi = float(np.min(z)), float(np.max(z))

    def __call__(self, values: np.ndarray) -> np.ndarray:
        if not self.linear:
            return self.log(values)
        return np.clip((np.asarray(values) - self.lo) / max(self.hi - self.lo, 1e-12), 0.0, 1.0)


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
        self.linear_box = QCheckBox("Linear height (J itself, not its log)")
        self.linear_box.toggled.connect(self._rebuild)
        self._failed = False
        self._surface = None
        self._lines: dict[str, object] = {}
        self.software = False  # a software renderer: the light budget (SOFT_*)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.hide()
        self._drawn_at = 0.0

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
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(view, 1)
        lay.addWidget(self.note)
        lay.addWidget(self.linear_box)
        self.addWidget(page)
        try:  # showing it creates the GL context, which pyqtgraph may refuse (an old or odd GL)
            self.setCurrentWidget(page)
        except Exception as exc:
            self._refused(exc)
            return
        QTimer.singleShot(0, self._check_context)  # the mesh once the context says what it is

    def _refused(self, exc: Exception) -> None:
        self._drop_view(f"The 3D view could not start OpenGL here ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[-1] if str(exc) else ''}).\n"
                        "Every other view works without it.")

    def _drop_view(self, text: str) -> None:
        """Take the GL view down and say why (the tab shows ``text`` from now on)."""
        view, self.view, self._surface, self._lines = self.view, None, None, {}
        if view is not None:
            page = view.parentWidget()
            self.removeWidget(page)
            page.deleteLater()
        self._fail(text)

    def _fail(self, text: str) -> None:
        self._failed = True
        self.message.setText(text)
        self.setCurrentWidget(self.message)

    def _check_context(self) -> None:
        """PyOpenGL may import on a display without OpenGL; then the context fails when shown.
        With a context, the renderer decides the budget, then the mesh is built."""
        view = self.view
        if view is None:
            return
        if not view.isValid():
            self._drop_view("This display offers no OpenGL context, so the 3D view is off.\n"
                            "Every other view works without it.")
            return
        renderer = renderer_name(view)
        self.software = is_software(renderer)
        if self.software:
            self.note.setText(f"Software OpenGL ({renderer.split('(')[0].strip()}): a coarser mesh and "
                              f"paths redrawn {SOFT_HZ:g} times a second, so the window keeps "
                              "answering. The Surface tab shows the same race in full.")
            self.note.show()
        try:
            self.show_surface()
        except Exception as exc:  # noqa: BLE001 - a GL that fails at its first drawing
            self._refused(exc)

    def show_surface(self) -> None:
        """The lab's surface as a coloured mesh and one line per racer (when it changed)."""
        surface = self.lab.surface
        if self.view is None or surface is self._surface:
            return
        gl, view = self._gl, self.view
        for item in list(view.items):
            view.removeItem(item)
        xs, ys, z = surface.grid(SOFT_GRID if self.software else GRID)
        self._scale = Heights(z, surface.f_min, self.linear_box.isChecked())
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
        for name in RACER_NAMES:
            c = pg.mkColor(racer_color(name)).getRgbF()
            self._lines[name] = gl.GLLinePlotItem(pos=np.zeros((1, 3)), color=c, width=3,
                                                  antialias=not self.software)
            view.addItem(self._lines[name])
        view.setCameraPosition(distance=15, elevation=32, azimuth=-60)
        view.opts["center"] = pg.Vector(5, 5, 1.5)
        self._surface = surface  # built: ``draw`` may draw the paths over it
        self.draw()

    def _rebuild(self, _on: bool = False) -> None:
        """The height scale changed: build the mesh again."""
        self._surface = None
        self.show_surface()

    def draw(self) -> None:
        """The paths, while the GL view is on screen."""
        if self.view is None or self._surface is None or not self.isVisible():
            return
        if self.software:  # at most SOFT_HZ redraws a second
            now = time.monotonic()
            if now - self._drawn_at < 1.0 / SOFT_HZ:
                return
            self._drawn_at = now
        x0, y0, k = self._map
        most = SOFT_POINTS if self.software else DRAW_POINTS
        for name, line in self._lines.items():
            r = self.lab.racers.get(name)
            if r is None:
                line.setData(pos=np.zeros((0, 3)))
                continue
            p, losses = r.path, r.losses
            if len(p) > most:  # a few thousand points (a few hundred in software), the last kept
                keep = np.linspace(0, len(p) - 1, most).round().astype(np.int64)
                p, losses = p[keep], losses[keep]
            z = self._scale(losses) * HEIGHT + 0.05
            line.setData(pos=np.column_stack([(p[:, 0] - x0) * k, (p[:, 1] - y0) * k, z]))
