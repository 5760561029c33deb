"""The optimizer lab page: SGD, momentum, RMSprop and Adam racing across a 2D loss surface.

The page is a view over ``OptimizerLab``: widgets call the lab's setters, and the page redraws when
the lab emits ``stepped`` (paths, losses, readouts) or ``config_changed`` (everything).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGraphicsItem,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from simulator.optimizers import make_optimizer
from simulator.racing import (
    CONVERGED,
    DIVERGED,
    DIVERGED_LABEL,
    MOVING_LABEL,
    basin_map,
    momentum_rate_map,
)
from simulator.schedules import SCHEDULES, make_schedule
from simulator.surfaces import SURFACES, get_surface

from .optimizer_lab import LABELS, OPTIMIZER_NAMES, OptimizerLab
from .widgets import (
    CLASS_COLORS,
    OPTIMIZER_COLORS,
    NumberField,
    ScheduleEditor,
    blocked,
    contour_polyline,
    fixed_plot,
    fmt,
    run_buttons,
    run_shortcuts,
    surface_lut,
    three_columns,
)

# Which engine hyperparameter each column of the optimizer table edits.
BETA_KEY = {"momentum": "beta", "rmsprop": "beta", "adam": "beta1"}
MOMENTUM_MAP_ALPHAS = np.logspace(-3, 1, 120)
STAGE_TEXT = {
    "gradient": "dW, the slope of J at W; the black arrow points along −dW, downhill.",
    "first moment": "v<sub>dW</sub>, an exponentially weighted average of recent dW: momentum "
                    "keeps the direction that persists and cancels what zig-zags.",
    "second moment": "s<sub>dW</sub>, an exponentially weighted average of dW²: the size of "
                     "recent gradients, per coordinate.",
    "bias correction": "v and s started at 0, so early averages are too small; dividing by "
                       "1 − β<sup>t</sup> corrects that (it matters only for small t).",
    "step": "W moves by ΔW (the white arrow).",
}
NOISY_TRAIL = 300  # steps of path shown while mini-batch noise is on
MOMENTUM_MAP_BETAS = np.linspace(0.0, 0.99, 100)


class LogScale:
    """Loss values to 0..1 on a log scale, as the colour map shows them. The levels come from the
    surface's grid once; paths drawn in 3D are mapped with the same levels."""

    def __init__(self, z: np.ndarray, f_min: float) -> None:
        self.f_min = f_min
        self.floor = 1e-6 * (np.ptp(z) + 1e-12)
        v = self._log(z)
        self.lo, self.hi = np.percentile(v, 0.5), np.percentile(v, 99.5)

    def _log(self, values: np.ndarray) -> np.ndarray:
        return np.log10(np.maximum(values - self.f_min, 0.0) + self.floor)

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return np.clip((self._log(values) - self.lo) / max(self.hi - self.lo, 1e-12), 0.0, 1.0)


def _arrow(p: np.ndarray, d: np.ndarray, head: float):
    """A polyline drawing an arrow from p along d, with a head of size ``head``."""
    q = p + d
    n = np.hypot(*d)
    if not np.isfinite(n) or n == 0:
        return np.array([np.nan]), np.array([np.nan])
    u = d / n
    h = min(head, 0.5 * n)
    c, s = np.cos(np.radians(155)), np.sin(np.radians(155))
    left = q + h * np.array([c * u[0] - s * u[1], s * u[0] + c * u[1]])
    right = q + h * np.array([c * u[0] + s * u[1], -s * u[0] + c * u[1]])
    pts = np.array([p, q, [np.nan, np.nan], left, q, right])
    return pts[:, 0], pts[:, 1]


class PathTrace:
    """A racer's path drawn as two curves: the settled history, cached as a pixmap and redrawn
    only every ``CHUNK`` steps, and the recent part, redrawn each frame. A frame then costs the
    same after 5,000 steps as after 50."""

    CHUNK = 100
    MAX_HISTORY = 3000  # points drawn for the history; longer ones are strided

    def __init__(self, plot: pg.PlotItem, color: str) -> None:
        pens = {"pen": pg.mkPen(color, width=2.2), "shadowPen": pg.mkPen("k", width=4.5)}
        self.history = pg.PlotDataItem(**pens)
        self.recent = pg.PlotDataItem(**pens)
        self.history.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        for item in (self.history, self.recent):
            # Separate segments rasterize several times faster than one self-crossing polyline.
            item.curve.setSegmentedLineMode("on")
            plot.addItem(item)
        self._split = 0  # index of the first point drawn by ``recent``
        self._data = np.empty((0, 2))

    def set_path(self, p: np.ndarray) -> None:
        n = len(p)
        restarted = n < self._split + 1 or (self._split and not np.array_equal(
            p[self._split], self._data[self._split]))
        if restarted:
            self._split = 0
            self.history.setData([], [])
        if n - self._split > 2 * self.CHUNK:
            self._split = n - self.CHUNK
            old = p[: self._split + 1]
            if len(old) > self.MAX_HISTORY:
                stride = int(np.ceil(len(old) / self.MAX_HISTORY))
                old = np.concatenate([old[:-1:stride], old[-1:]])
            self.history.setData(old[:, 0], old[:, 1])
        tail = p[self._split:]
        self.recent.setData(tail[:, 0], tail[:, 1])
        self._data = p

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (as pyqtgraph's items)
        """Everything drawn, history then recent, as x and y arrays."""
        hx, hy = self.history.getData()
        rx, ry = self.recent.getData()
        if hx is None or len(hx) == 0:
            return rx, ry
        return np.concatenate([hx[:-1], rx]), np.concatenate([hy[:-1], ry])

    def setVisible(self, on: bool) -> None:  # noqa: N802
        self.history.setVisible(on)
        self.recent.setVisible(on)

    def isVisible(self) -> bool:  # noqa: N802
        return self.recent.isVisible()


class _BasinSignals(QObject):
    progress = Signal(float)
    finished = Signal(object, str)  # labels (or None if cancelled), surface name


class BasinWorker(QRunnable):
    """Computes a basin map off the GUI thread; reports progress and can be cancelled."""

    def __init__(self, surface_name: str, make_opt, n: int, steps: int) -> None:
        super().__init__()
        self.signals = _BasinSignals()
        self.surface_name, self.make_opt, self.n, self.steps = surface_name, make_opt, n, steps
        self.cancelled = False

    def run(self) -> None:
        def progress(frac: float) -> bool:
            self.signals.progress.emit(frac)
            return not self.cancelled

        labels = basin_map(get_surface(self.surface_name), self.make_opt, self.n, self.steps,
                           progress=progress)
        self.signals.finished.emit(labels, self.surface_name)


class OptimizerPage(QWidget):
    """Controls at the left, the surface (and its maps) in the middle, losses and rules at the right."""

    title = "Optimizers"
    hint = "Space: play/pause   Right: one step   R: reset   Click the surface to set the start"

    def __init__(self, lab: OptimizerLab | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = lab or OptimizerLab(self)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._basin_worker: BasinWorker | None = None
        self._gl_view = None
        self._loss_range = (0.0, 1.0, 1.0)  # x max, y min, y max currently shown
        self._text_time = 0.0

        controls = self._build_controls()
        self.views = QTabWidget()
        self.views.addTab(self._build_surface_view(), "Surface")
        self.views.addTab(self._build_3d_placeholder(), "3D")
        self.views.addTab(self._build_basin_view(), "Basin map")
        self.views.addTab(self._build_momentum_view(), "Momentum map")
        self.views.currentChanged.connect(self._view_changed)

        three_columns(self, controls, self.views, self._build_right(), (330, 560, 390))
        run_shortcuts(self, self.lab)

        self.lab.config_changed.connect(self._on_config)
        self.lab.stepped.connect(self._redraw)
        self.lab.narration_changed.connect(self._redraw)
        self.lab.running_changed.connect(self._on_running)
        self.lab.error.connect(self._on_error)
        self._on_config()

    # -- building -----------------------------------------------------------------------------

    def _build_controls(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(4, 4, 4, 4)

        box = QGroupBox("Loss surface")
        form = QVBoxLayout(box)
        self.surface_combo = QComboBox()
        for name, s in SURFACES.items():
            self.surface_combo.addItem(s.title, name)
        self.surface_combo.currentIndexChanged.connect(
            lambda i: self.lab.set_surface(self.surface_combo.itemData(i)))
        self.surface_note = QLabel()
        self.surface_note.setWordWrap(True)
        self.surface_note.setStyleSheet("color: #444;")
        row = QHBoxLayout()
        self.start_x = NumberField(-1e3, 1e3, 3, 0.1)
        self.start_y = NumberField(-1e3, 1e3, 3, 0.1)
        self.start_x.edited.connect(lambda v: self.lab.set_start(v, self.lab.start[1]))
        self.start_y.edited.connect(lambda v: self.lab.set_start(self.lab.start[0], v))
        row.addWidget(QLabel("Start w1"))
        row.addWidget(self.start_x)
        row.addWidget(QLabel("w2"))
        row.addWidget(self.start_y)
        hint = QLabel("Click the surface to move the start.")
        hint.setStyleSheet("color: #666; font-size: 11px;")
        form.addWidget(self.surface_combo)
        form.addWidget(self.surface_note)
        form.addLayout(row)
        form.addWidget(hint)
        lay.addWidget(box)

        box = QGroupBox("Optimizers")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(4)
        for col, text in enumerate(["", "α", "β / β1", "β2"]):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col, Qt.AlignmentFlag.AlignCenter)
        self.enable_boxes: dict[str, QCheckBox] = {}
        self.lr_fields: dict[str, NumberField] = {}
        self.beta_fields: dict[str, NumberField] = {}
        for r, name in enumerate(OPTIMIZER_NAMES, start=1):
            cb = QCheckBox(LABELS[name])
            cb.setStyleSheet(
                f"QCheckBox {{ color: {OPTIMIZER_COLORS[name]}; font-weight: bold; }}")
            cb.toggled.connect(lambda on, n=name: self.lab.set_enabled(n, on))
            self.enable_boxes[name] = cb
            grid.addWidget(cb, r, 0)
            lr = NumberField(0.0, 1000.0, 5, 0.001)
            lr.setToolTip("learning rate α (α0 when a decay schedule is on)")
            lr.edited.connect(lambda v, n=name: self._set_hyper(n, "lr", v))
            self.lr_fields[name] = lr
            grid.addWidget(lr, r, 1)
            if name in BETA_KEY:
                b = NumberField(0.0, 1.0, 4, 0.01)
                b.edited.connect(lambda v, n=name: self._set_hyper(n, BETA_KEY[n], v))
                self.beta_fields[name] = b
                grid.addWidget(b, r, 2)
        self.beta2_field = NumberField(0.0, 1.0, 4, 0.001)
        self.beta2_field.edited.connect(lambda v: self._set_hyper("adam", "beta2", v))
        grid.addWidget(self.beta2_field, len(OPTIMIZER_NAMES), 3)
        self.bias_box = QCheckBox("Adam bias correction")
        self.bias_box.toggled.connect(lambda on: self._set_hyper("adam", "bias_correction", on))
        grid.addWidget(self.bias_box, len(OPTIMIZER_NAMES) + 1, 0, 1, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Explain"))
        self.select_combo = QComboBox()
        for name in OPTIMIZER_NAMES:
            self.select_combo.addItem(LABELS[name], name)
        self.select_combo.currentIndexChanged.connect(
            lambda i: self.lab.select(self.select_combo.itemData(i)))
        row.addWidget(self.select_combo, 1)
        grid.addLayout(row, len(OPTIMIZER_NAMES) + 2, 0, 1, 4)
        lay.addWidget(box)

        box = QGroupBox("Learning-rate decay")
        v = QVBoxLayout(box)
        self.schedule = ScheduleEditor()
        self.schedule.edited.connect(lambda name, params: self.lab.set_schedule(name, **params))
        v.addWidget(self.schedule)
        lay.addWidget(box)

        box = QGroupBox("Mini-batch noise")
        form = QFormLayout(box)
        self.noise_slider = QSlider(Qt.Orientation.Horizontal)
        self.noise_slider.setRange(0, 100)
        self.noise_slider.valueChanged.connect(lambda v: self.lab.set_noise(v / 100.0))
        self.noise_label = QLabel()
        self.noise_label.setWordWrap(True)
        form.addRow(self.noise_slider)
        form.addRow(self.noise_label)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setKeyboardTracking(False)
        self.seed_spin.valueChanged.connect(self.lab.set_seed)
        form.addRow("Seed", self.seed_spin)
        lay.addWidget(box)

        box = QGroupBox("Run")
        grid = QGridLayout(box)
        run_buttons(self, self.lab, "One step", "Back to the start")
        grid.addWidget(self.play_button, 0, 0)
        grid.addWidget(self.step_button, 0, 1)
        grid.addWidget(self.reset_button, 0, 2)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, 100)
        self.speed_slider.valueChanged.connect(self._speed_edited)
        self.speed_label = QLabel()
        grid.addWidget(self.speed_label, 1, 0)
        grid.addWidget(self.speed_slider, 1, 1, 1, 2)
        self.narrate_box = QCheckBox("Narrate each step in stages")
        self.narrate_box.toggled.connect(self.lab.set_narrate)
        grid.addWidget(self.narrate_box, 2, 0, 1, 3)
        self.iteration_label = QLabel()
        grid.addWidget(self.iteration_label, 3, 0, 1, 3)
        lay.addWidget(box)
        lay.addStretch(1)
        return w

    def _build_surface_view(self) -> QWidget:
        self.plot = pg.PlotWidget()
        p = self.plot.getPlotItem()
        p.setAspectLocked(True)
        fixed_plot(p)
        p.setLabel("bottom", "w1")
        p.setLabel("left", "w2")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        p.addItem(self.image)
        self.contours = pg.PlotDataItem(pen=pg.mkPen((255, 255, 255, 150), width=1),
                                        connect="finite")
        self.contours.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        p.addItem(self.contours)
        self.minima_item = pg.ScatterPlotItem(symbol="star", size=18, brush="w",
                                              pen=pg.mkPen("k", width=1.2))
        p.addItem(self.minima_item)
        self.paths: dict[str, pg.PlotDataItem] = {}
        self.heads: dict[str, pg.ScatterPlotItem] = {}
        for name in OPTIMIZER_NAMES:
            c = OPTIMIZER_COLORS[name]
            path = PathTrace(p, c)
            head = pg.ScatterPlotItem(size=11, brush=c, pen=pg.mkPen("k", width=1.5))
            p.addItem(head)
            self.paths[name], self.heads[name] = path, head
        self.start_item = pg.ScatterPlotItem(symbol="o", size=12, brush="w",
                                             pen=pg.mkPen("k", width=2))
        p.addItem(self.start_item)
        self.grad_arrow = pg.PlotDataItem(pen=pg.mkPen("#000000", width=2.5), connect="finite")
        self.step_arrow = pg.PlotDataItem(
            pen=pg.mkPen("#FFFFFF", width=2.5, style=Qt.PenStyle.SolidLine), connect="finite",
            shadowPen=pg.mkPen("k", width=4.5))
        p.addItem(self.grad_arrow)
        p.addItem(self.step_arrow)
        self.plot.scene().sigMouseClicked.connect(self._surface_clicked)
        return self.plot

    def _build_3d_placeholder(self) -> QWidget:
        self.view3d_stack = QStackedWidget()
        msg = QLabel("The 3D view opens when you select this tab.")
        msg.setAlignment(Qt.AlignmentFlag.AlignCenter)
        msg.setWordWrap(True)
        self.view3d_message = msg
        self.view3d_stack.addWidget(msg)
        return self.view3d_stack

    def _build_basin_view(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        self.basin_plot = pg.PlotWidget()
        p = self.basin_plot.getPlotItem()
        p.setAspectLocked(True)
        fixed_plot(p)
        p.setLabel("bottom", "start w1")
        p.setLabel("left", "start w2")
        self.basin_image = pg.ImageItem(axisOrder="row-major")
        p.addItem(self.basin_image)
        self.basin_minima = pg.ScatterPlotItem(symbol="star", size=18, brush="w",
                                               pen=pg.mkPen("k", width=1.2))
        p.addItem(self.basin_minima)
        lay.addWidget(self.basin_plot, 1)
        row = QHBoxLayout()
        self.basin_button = QPushButton("Compute basin map")
        self.basin_button.clicked.connect(self.compute_basin_map)
        self.basin_cancel = QPushButton("Cancel")
        self.basin_cancel.setEnabled(False)
        self.basin_cancel.clicked.connect(self.cancel_basin_map)
        self.basin_grid = QSpinBox()
        self.basin_grid.setRange(50, 400)
        self.basin_grid.setValue(200)
        self.basin_grid.setSuffix(" px")
        self.basin_steps = QSpinBox()
        self.basin_steps.setRange(50, 5000)
        self.basin_steps.setValue(500)
        self.basin_steps.setSuffix(" steps")
        self.basin_progress = QProgressBar()
        self.basin_progress.setRange(0, 100)
        row.addWidget(self.basin_button)
        row.addWidget(QLabel("grid"))
        row.addWidget(self.basin_grid)
        row.addWidget(self.basin_steps)
        row.addWidget(self.basin_progress, 1)
        row.addWidget(self.basin_cancel)
        lay.addLayout(row)
        self.basin_legend = QLabel("Colour every start point by the minimum the explained "
                                   "optimizer reaches from it.")
        self.basin_legend.setWordWrap(True)
        lay.addWidget(self.basin_legend)
        return w

    def _build_momentum_view(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        self.mmap_plot = pg.PlotWidget()
        p = self.mmap_plot.getPlotItem()
        fixed_plot(p)
        p.setLabel("bottom", "log10 α")
        p.setLabel("left", "β")
        p.setTitle("Momentum on the ravine: convergence rate per (α, β)")
        self.mmap_image = pg.ImageItem(axisOrder="row-major")
        p.addItem(self.mmap_image)
        self.mmap_marker = pg.ScatterPlotItem(symbol="+", size=22,
                                              pen=pg.mkPen(OPTIMIZER_COLORS["momentum"], width=3))
        self.mmap_marker_outline = pg.ScatterPlotItem(symbol="+", size=24,
                                                      pen=pg.mkPen("k", width=6))
        p.addItem(self.mmap_marker_outline)
        p.addItem(self.mmap_marker)
        self.mmap_bar = pg.ColorBarItem(values=(0.8, 1.0), colorMap=pg.colormap.get("viridis"),
                                        label="rate: |W - W*| shrinks by this per step",
                                        interactive=False, width=18)
        self.mmap_bar.setImageItem(self.mmap_image, insert_in=p)
        self.mmap_plot.scene().sigMouseClicked.connect(self._mmap_clicked)
        lay.addWidget(self.mmap_plot, 1)
        note = QLabel("Each pixel runs the notes' momentum (v = βv + (1-β)dW, W -= αv) for 200 steps "
                      "from the ravine's start. Dark: fast; yellow: slow; white: diverged. The cross "
                      "is the Momentum racer's (α, β); click to move it there.")
        note.setWordWrap(True)
        lay.addWidget(note)
        self._mmap_rates: np.ndarray | None = None
        return w

    def _build_right(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        self.loss_plot = pg.PlotWidget()
        lp = self.loss_plot.getPlotItem()
        lp.setLogMode(False, True)
        lp.setLabel("bottom", "iteration")
        lp.setLabel("left", "J - J*")
        lp.showGrid(x=True, y=True, alpha=0.25)
        fixed_plot(lp)
        lp.disableAutoRange()
        self.legend = lp.addLegend(offset=(-5, 5), labelTextSize="9pt",
                                   brush=pg.mkBrush(255, 255, 255, 210))
        self.loss_curves: dict[str, pg.PlotDataItem] = {}
        for name in OPTIMIZER_NAMES:
            c = pg.PlotDataItem(pen=pg.mkPen(OPTIMIZER_COLORS[name], width=2), name=LABELS[name])
            c.setDownsampling(auto=True, method="peak")
            c.curve.setSegmentedLineMode("on")
            c.setClipToView(True)
            lp.addItem(c)
            self.loss_curves[name] = c
        self.diverged_marks = pg.ScatterPlotItem(symbol="x", size=14, pen=pg.mkPen("k", width=2),
                                                 brush=None)
        lp.addItem(self.diverged_marks)
        lay.addWidget(self.loss_plot, 5)

        self.alpha_plot = pg.PlotWidget()
        ap = self.alpha_plot.getPlotItem()
        ap.setLabel("left", "α_t")
        ap.setLabel("bottom", "iteration")
        fixed_plot(ap)
        ap.disableAutoRange()
        ap.getAxis("left").enableAutoSIPrefix(False)
        self.alpha_curve = pg.PlotDataItem(pen=pg.mkPen("#444", width=2))
        self.alpha_now = pg.InfiniteLine(angle=90, pen=pg.mkPen("#D55E00", width=1.5))
        ap.addItem(self.alpha_curve)
        ap.addItem(self.alpha_now)
        self.alpha_plot.setMaximumHeight(150)
        lay.addWidget(self.alpha_plot, 2)

        # A text browser lays its document out once; a word-wrapped QLabel in a scroll area costs
        # several milliseconds per update in height-for-width passes.
        self.explain = QTextBrowser()
        self.explain.setOpenLinks(False)
        self.explain_html = ""
        lay.addWidget(self.explain, 5)
        return w

    # -- from the widgets to the lab -------------------------------------------------------------

    def _set_hyper(self, name: str, key: str, value) -> None:
        field = {"lr": self.lr_fields.get(name), "beta2": self.beta2_field}.get(key)
        if field is None and key == BETA_KEY.get(name):
            field = self.beta_fields[name]
        self._last_field = field
        self.lab.set_hyper(name, key, value)
        self._last_field = None

    def _speed_edited(self, v: int) -> None:
        self.lab.set_speed(v)
        self.speed_label.setText(f"{v} steps/frame")

    def _surface_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        pt = vb.mapSceneToView(ev.scenePos())
        self.lab.set_start(pt.x(), pt.y())

    def _mmap_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.mmap_plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        pt = vb.mapSceneToView(ev.scenePos())
        alpha = float(10 ** np.clip(pt.x(), -3, 1))
        beta = float(np.clip(pt.y(), 0.0, 0.99))
        hyper = dict(self.lab.settings.hyper["momentum"], lr=round(alpha, 5), beta=round(beta, 4))
        self.lab.set_hyper("momentum", "lr", hyper["lr"])
        self.lab.set_hyper("momentum", "beta", hyper["beta"])

    def _on_error(self, text: str) -> None:
        field = getattr(self, "_last_field", None)
        if field is not None:
            field.set_invalid(True, text)
        self._status(text)

    def _status(self, text: str) -> None:
        win = self.window()
        if hasattr(win, "statusBar"):
            win.statusBar().showMessage(text, 8000)

    def _on_running(self, running: bool) -> None:
        if not running:
            self._redraw()  # the throttled readouts catch up at once

    # -- from the lab to the widgets and plots ---------------------------------------------------

    def _on_config(self) -> None:
        """Reflect every setting into the widgets (signals blocked) and rebuild the plots."""
        s = self.lab.settings
        surface = self.lab.surface
        widgets = [self.surface_combo, self.select_combo, self.noise_slider,
                   self.seed_spin, self.speed_slider, self.bias_box, *self.enable_boxes.values()]
        with blocked(*widgets):
            self.surface_combo.setCurrentIndex(self.surface_combo.findData(s.surface))
            self.select_combo.setCurrentIndex(self.select_combo.findData(s.selected))
            self.noise_slider.setValue(round(s.noise * 100))
            self.seed_spin.setValue(s.seed)
            self.speed_slider.setValue(s.speed)
            self.bias_box.setChecked(bool(s.hyper["adam"]["bias_correction"]))
            for name, cb in self.enable_boxes.items():
                cb.setChecked(bool(s.enabled.get(name)))
        for name in OPTIMIZER_NAMES:
            self.lr_fields[name].set_value(s.hyper[name]["lr"])
            if name in BETA_KEY:
                self.beta_fields[name].set_value(s.hyper[name][BETA_KEY[name]])
        self.beta2_field.set_value(s.hyper["adam"]["beta2"])
        self.start_x.set_value(self.lab.start[0])
        self.start_y.set_value(self.lab.start[1])
        self.schedule.show_schedule(s.schedule, s.schedule_params)
        self.surface_note.setText(surface.note)
        self.noise_label.setText(self._noise_text(s.noise))
        self.speed_label.setText(f"{s.speed} steps/frame")
        for name, curve in self.loss_curves.items():
            # A noisy loss is a dense band: thin, unsmoothed lines draw it several times faster.
            curve.setPen(pg.mkPen(OPTIMIZER_COLORS[name], width=1 if s.noise > 0 else 2))
            curve.curve.opts["antialias"] = s.noise == 0
        self._draw_surface()
        self._draw_alpha_curve()
        self._draw_momentum_marker()
        if self._basin_surface != surface.name:
            self._clear_basin()
        self._loss_range = (0.0, 1.0, 1.0)
        if self._gl_view is not None:
            self._gl_surface()
        self._redraw()

    _basin_surface: str | None = None
    _gl_failed = False

    def _noise_text(self, noise: float) -> str:
        kind = ("batch gradient descent" if noise == 0 else "mini-batch" if noise < 0.6
                else "stochastic (batch of 1)")
        trail = f"; paths show the last {NOISY_TRAIL} steps" if noise > 0 else ""
        return f"σ = {noise:.2f} × typical |dW|: {kind}{trail}"

    def _draw_surface(self) -> None:
        surface = self.lab.surface
        xs, ys, z = surface.grid(200)
        img = LogScale(z, surface.f_min)(z)
        lut = surface_lut()
        self.image.setImage((img * 255).astype(np.uint8), lut=lut, levels=(0, 255))
        x0, x1, y0, y1 = surface.domain
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        cx, cy = contour_polyline(xs, ys, img, np.linspace(0.04, 0.96, 14))
        self.contours.setData(cx, cy)
        m = np.asarray(surface.minima)
        self.minima_item.setData(m[:, 0], m[:, 1])
        vb = self.plot.getPlotItem().getViewBox()
        vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.plot.getPlotItem().setTitle(surface.title)

    def _draw_alpha_curve(self) -> None:
        s = self.lab.settings
        lr = s.hyper[s.selected]["lr"]
        n = max(500, self.lab.race.iteration + 100)
        t = np.arange(1, n + 1)
        try:
            alpha = make_schedule(s.schedule, lr, **s.schedule_params)(t)
        except ValueError:
            alpha = np.full(n, lr)
        self.alpha_curve.setData(t, alpha)
        top = float(np.max(alpha)) if np.all(np.isfinite(alpha)) else lr
        self.alpha_plot.getPlotItem().setRange(xRange=(0, n), yRange=(0, 1.1 * top), padding=0)
        self.alpha_plot.getPlotItem().setTitle(f"α_t for {LABELS[s.selected]}", size="9pt")

    def _redraw(self) -> None:
        """Per-frame drawing: paths, heads, losses, arrows and the readout."""
        lab = self.lab
        racers = lab.racers
        x0, x1, y0, y1 = lab.surface.domain
        f_min = lab.surface.f_min
        xmax, ylo, yhi = self._loss_range
        marks_x, marks_y = [], []
        noisy = lab.settings.noise > 0
        for name in OPTIMIZER_NAMES:
            r = racers.get(name)
            path, head, curve = self.paths[name], self.heads[name], self.loss_curves[name]
            if r is None:
                for item in (path, head, curve):
                    item.setVisible(False)
                if self.legend.getLabel(curve) is not None:
                    self.legend.removeItem(curve)
                continue
            for item in (path, head, curve):
                item.setVisible(True)
            if self.legend.getLabel(curve) is None:
                self.legend.addItem(curve, LABELS[name])
            p = r.path
            # With mini-batch noise the path is a scribble that never ends: show a trail.
            path.set_path(p[-NOISY_TRAIL:] if noisy else p)
            head.setData([p[-1, 0]], [p[-1, 1]], symbol="x" if r.status == DIVERGED else "o")
            gap = np.maximum(r.losses - f_min, 1e-16)
            it = np.arange(len(gap))
            curve.setData(it, gap)
            label = LABELS[name] + _status_suffix(r)
            lbl = self.legend.getLabel(curve)
            if lbl is not None and lbl.text != label:
                lbl.setText(label)
            if r.status == DIVERGED:
                marks_x.append(it[-1])
                marks_y.append(np.log10(gap[-1]))
            xmax = max(xmax, len(gap) * 1.0)
            finite = gap[np.isfinite(gap)]
            if finite.size:
                ylo = min(ylo, float(np.log10(finite.min())))
                yhi = max(yhi, float(np.log10(finite.max())))
        self.diverged_marks.setData(marks_x, marks_y)
        # The range is fixed and grows in steps (powers of two, whole decades), not every frame.
        hi = float(np.ceil(yhi))
        target = (max(100.0, float(2 ** np.ceil(np.log2(max(xmax, 1.0))))),
                  min(float(np.floor(ylo)), hi - 3.0), hi)
        if target != self._loss_range:
            xm, lo, hi = target
            self.loss_plot.getPlotItem().setRange(xRange=(0, xm), yRange=(lo, hi), padding=0.02)
            self._loss_range = target
        sx, sy = lab.start
        self.start_item.setData([sx], [sy])
        self._draw_arrows()
        self.alpha_now.setValue(lab.race.iteration + 1)
        if lab.race.iteration + 1 > self.alpha_curve.xData[-1]:
            self._draw_alpha_curve()
        # Text layout is the dearest part of a frame: while playing, refresh it ten times a second.
        now = time.monotonic()
        if not lab.running or now - self._text_time > 0.1:
            self._text_time = now
            it = lab.race.iteration
            self.iteration_label.setText(
                f"Iteration {it}" + ("" if lab.race.running else " (all stopped)"))
            html = self._explanation()
            if html != self.explain_html:
                self.explain_html = html
                self.explain.setHtml(html)
        if self._gl_view is not None and self.views.currentIndex() == 1:
            self._gl_paths()

    def _draw_arrows(self) -> None:
        """For the explained racer: the descent direction -dW (fixed length) and the last step."""
        r = self.lab.selected_racer
        n = self.lab.narration
        if r is None:
            self.grad_arrow.setData([np.nan], [np.nan])
            self.step_arrow.setData([np.nan], [np.nan])
            return
        span = self.lab.surface.span
        head = 0.025 * span
        if n is not None:
            w = n["w"]
            g = n["values"].get("dW", np.zeros(2))
            stage = n["stages"][n["index"]]
            step = n["w_next"] - w if stage == "step" else None
        else:
            w = r.w
            g = r.grad if r.iteration == 0 else r.last_grad
            step = r.last_step if r.iteration > 0 else None
            if r.iteration > 0:
                w = r.path[-2]
        gn = np.hypot(*g)
        if gn > 0 and np.isfinite(gn):
            # Direction of -dW at a fixed length; it shrinks only as dW vanishes near a minimum.
            length = 0.12 * span * min(1.0, gn / (1e-3 * self.lab.surface.grad_scale))
            self.grad_arrow.setData(*_arrow(w, -g / gn * length, head))
        else:
            self.grad_arrow.setData([np.nan], [np.nan])
        if step is not None and np.all(np.isfinite(step)):
            self.step_arrow.setData(*_arrow(w, step, head))
        else:
            self.step_arrow.setData([np.nan], [np.nan])

    def _explanation(self) -> str:
        lab = self.lab
        r = lab.selected_racer
        s = lab.settings
        if r is None:
            return "<i>Enable an optimizer to see its update rule.</i>"
        name = r.name
        opt = r.optimizer
        st = opt.state.get(0, {})
        h = s.hyper[name]
        color = OPTIMIZER_COLORS[name]
        n = lab.narration
        rows = [f"<h3 style='color:{color}; margin:0'>{LABELS[name]}</h3>"]
        status = {DIVERGED: f"<b>diverged</b>: {r.reason}",
                  CONVERGED: f"<b>{_status_suffix(r).strip(' ()')}</b>"}.get(r.status, "running")
        rows.append(f"t = {opt.t} &nbsp; J = {fmt(r.loss)} &nbsp; W = {fmt(r.w)} &nbsp; {status}")
        if opt.alpha is not None:
            rows.append(f"α<sub>t</sub> = {fmt(opt.alpha)} &nbsp; "
                        f"({SCHEDULES[s.schedule].formula}, α0 = {fmt(h['lr'])})")
        vals = n["values"] if n is not None else st
        if n is not None:
            idx, stages = n["index"], n["stages"]
            stage = stages[idx]
            rows.append(f"<div style='background:#fff3c4'><b>Stage {idx + 1} of {len(stages)}: "
                        f"{stage}.</b> {STAGE_TEXT[stage]}<br><i>"
                        + ("Done: press Step for the next update." if n["done"]
                           else "Press Step (Right arrow) for the next stage.") + "</i></div>")
        if vals:
            rows.append("<b>" + (f"Narrated step t = {n['t']}" if n is not None
                                 else "Last step") + "</b>")
            stage_idx = n["index"] if n is not None else 99
            stages = n["stages"] if n is not None else []
            items = [("gradient", "dW", "dW")]
            if name in ("momentum", "adam"):
                items.append(("first moment", "v", "v<sub>dW</sub>"))
            if name in ("rmsprop", "adam"):
                items.append(("second moment", "s", "s<sub>dW</sub>"))
            if name == "adam":
                items.append(("bias correction", "v_hat", "v<sub>dW</sub><sup>corrected</sup>"))
                items.append(("bias correction", "s_hat", "s<sub>dW</sub><sup>corrected</sup>"))
            items.append(("step", "update", "ΔW = W<sub>new</sub> − W"))
            table = ["<table cellspacing=2>"]
            for stage, key, label in items:
                shown = n is None or stages.index(stage) <= stage_idx
                cur = n is not None and stages.index(stage) == stage_idx
                val = fmt(vals[key]) if shown and key in vals else "…"
                style = " style='background:#fff3c4'" if cur else ""
                table.append(f"<tr{style}><td>{label}</td><td>= {val}</td></tr>")
            table.append("</table>")
            rows.append("".join(table))
        rows.append("<b>Update rule</b> (the notes' notation):")
        rows.append(_rule_html(name, h))
        return "<br>".join(rows)

    def _draw_momentum_marker(self) -> None:
        h = self.lab.settings.hyper["momentum"]
        x, y = np.log10(max(h["lr"], 1e-12)), h["beta"]
        self.mmap_marker.setData([x], [y])
        self.mmap_marker_outline.setData([x], [y])

    # -- the maps -------------------------------------------------------------------------------

    def _view_changed(self, index: int) -> None:
        if index == 1:
            self._ensure_3d()
        elif index == 3 and self._mmap_rates is None:
            self.compute_momentum_map()

    def compute_momentum_map(self) -> None:
        """Convergence rate of momentum over a log-alpha x beta grid on the ravine (~0.1 s)."""
        rates = momentum_rate_map(SURFACES["ravine"], MOMENTUM_MAP_ALPHAS, MOMENTUM_MAP_BETAS)
        self._mmap_rates = rates
        # Pairs that do not converge are NaN: drawn transparent, so the white background shows.
        shown = np.where(rates < 1.0, rates, np.nan).astype(np.float32)
        self.mmap_image.setImage(shown)
        self.mmap_bar.setLevels((0.8, 1.0))
        la = np.log10(MOMENTUM_MAP_ALPHAS)
        b = MOMENTUM_MAP_BETAS
        self.mmap_image.setRect(QRectF(la[0], b[0], la[-1] - la[0], b[-1] - b[0]))
        self.mmap_plot.getPlotItem().setRange(xRange=(la[0], la[-1]), yRange=(b[0], b[-1]),
                                              padding=0)

    def compute_basin_map(self) -> None:
        """Start the basin map of the explained optimizer in a worker thread."""
        if self._basin_worker is not None:
            return
        s = self.lab.settings
        name = s.selected
        h = dict(s.hyper[name])
        lr = h.pop("lr")
        sched = (lr if s.schedule == "constant"
                 else make_schedule(s.schedule, lr, **s.schedule_params))

        def make_opt():
            return make_optimizer(name, sched, **h)

        worker = BasinWorker(s.surface, make_opt, self.basin_grid.value(), self.basin_steps.value())
        worker.signals.progress.connect(lambda f: self.basin_progress.setValue(int(100 * f)))
        worker.signals.finished.connect(self._basin_done)
        self._basin_worker = worker
        self._basin_name = name
        self.basin_button.setEnabled(False)
        self.basin_cancel.setEnabled(True)
        self.basin_progress.setValue(0)
        self._pool.start(worker)

    def cancel_basin_map(self) -> None:
        if self._basin_worker is not None:
            self._basin_worker.cancelled = True

    def _basin_done(self, labels, surface_name: str) -> None:
        self._basin_worker = None
        self.basin_button.setEnabled(True)
        self.basin_cancel.setEnabled(False)
        if labels is None:
            self.basin_progress.setValue(0)
            self._status("Basin map cancelled")
            return
        self.basin_progress.setValue(100)
        self.basin_labels = labels
        surface = get_surface(surface_name)
        self._basin_surface = surface_name
        colors = [pg.mkColor(c).getRgb() for c in CLASS_COLORS]
        rgba = np.zeros(labels.shape + (4,), dtype=np.uint8)
        for i in range(len(surface.minima)):
            rgba[labels == i] = colors[i % len(colors)]
        rgba[labels == DIVERGED_LABEL] = (40, 40, 40, 255)
        rgba[labels == MOVING_LABEL] = (200, 200, 200, 255)
        self.basin_image.setImage(rgba, levels=None)
        x0, x1, y0, y1 = surface.domain
        self.basin_image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        m = np.asarray(surface.minima)
        self.basin_minima.setData(m[:, 0], m[:, 1])
        self.basin_plot.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        total = labels.size
        parts = []
        for i, (mx, my) in enumerate(surface.minima):
            share = 100.0 * np.count_nonzero(labels == i) / total
            parts.append(f"<span style='color:{CLASS_COLORS[i % len(CLASS_COLORS)]}'>■</span> "
                         f"minimum ({mx:.2f}, {my:.2f}): {share:.1f}%")
        for lab_, text, col in ((DIVERGED_LABEL, "diverged", "#282828"),
                                (MOVING_LABEL, "still moving / stuck", "#c8c8c8")):
            share = 100.0 * np.count_nonzero(labels == lab_) / total
            parts.append(f"<span style='color:{col}'>■</span> {text}: {share:.1f}%")
        self.basin_legend.setText(f"<b>{LABELS[self._basin_name]}</b> on {surface.title}: "
                                  + " &nbsp; ".join(parts))
        self.basin_plot.getPlotItem().setTitle(
            f"Where {LABELS[self._basin_name]} ends from each start")

    def _clear_basin(self) -> None:
        self.cancel_basin_map()
        self.basin_image.clear()
        self.basin_minima.setData([], [])
        self._basin_surface = None
        self.basin_progress.setValue(0)
        self.basin_plot.getPlotItem().setTitle("")
        self.basin_legend.setText("Colour every start point by the minimum the explained "
                                  "optimizer reaches from it: press Compute.")

    # -- 3D -------------------------------------------------------------------------------------

    def _ensure_3d(self) -> None:
        if self._gl_view is not None or self._gl_failed:
            return
        try:
            import OpenGL.GL  # noqa: F401  (PyOpenGL: an optional dependency)
            import pyqtgraph.opengl as gl

            view = gl.GLViewWidget()
        except Exception as exc:  # no PyOpenGL, or no OpenGL context on this display
            self.view3d_message.setText(
                "The 3D view needs OpenGL and PyOpenGL, which this machine lacks "
                f"({type(exc).__name__}: {exc}).\nInstall it with: pip install PyOpenGL\n"
                "Every other view works without it.")
            return
        self._gl = gl
        self._gl_view = view
        view.setBackgroundColor("w")
        self.view3d_stack.addWidget(view)
        self.view3d_stack.setCurrentWidget(view)
        self._gl_lines = {}
        self._gl_surface()
        QTimer.singleShot(0, self._check_gl)

    def _check_gl(self) -> None:
        """PyOpenGL may import on a display without OpenGL; then the context fails when shown."""
        view = self._gl_view
        if view is None or view.isValid():
            return
        self._gl_view = None
        self._gl_failed = True
        self.view3d_stack.removeWidget(view)
        view.deleteLater()
        self.view3d_message.setText(
            "This display offers no OpenGL context, so the 3D view is off.\n"
            "Every other view works without it.")
        self.view3d_stack.setCurrentWidget(self.view3d_message)

    def _gl_surface(self) -> None:
        gl, view = self._gl, self._gl_view
        for item in list(view.items):
            view.removeItem(item)
        surface = self.lab.surface
        xs, ys, z = surface.grid(120)
        self._gl_scale = LogScale(z, surface.f_min)
        img = self._gl_scale(z)
        x0, x1, y0, y1 = surface.domain
        scale = 10.0 / surface.span
        self._gl_map = (x0, y0, scale)
        lut = surface_lut(0.15).astype(float) / 255
        colors = lut[(img * 255).astype(int)]
        colors = np.transpose(colors, (1, 0, 2))
        item = gl.GLSurfacePlotItem(x=(xs - x0) * scale, y=(ys - y0) * scale, z=img.T * 4.0,
                                    colors=colors.reshape(-1, 4), shader=None,
                                    smooth=False, computeNormals=False)
        view.addItem(item)
        self._gl_lines = {}
        for name in OPTIMIZER_NAMES:
            c = pg.mkColor(OPTIMIZER_COLORS[name]).getRgbF()
            line = gl.GLLinePlotItem(pos=np.zeros((1, 3)), color=c, width=3, antialias=True)
            view.addItem(line)
            self._gl_lines[name] = line
        view.setCameraPosition(distance=15, elevation=32, azimuth=-60)
        view.opts["center"] = pg.Vector(5, 5, 1.5)
        self._gl_paths()

    def _gl_paths(self) -> None:
        x0, y0, scale = self._gl_map
        for name, line in self._gl_lines.items():
            r = self.lab.racers.get(name)
            if r is None:
                line.setData(pos=np.zeros((0, 3)))
                continue
            p = r.path
            zz = self._gl_scale(r.losses)
            pos = np.column_stack([(p[:, 0] - x0) * scale, (p[:, 1] - y0) * scale, zz * 4.0 + 0.05])
            line.setData(pos=pos)

    # -- lifetime -------------------------------------------------------------------------------

    def csv_lines(self) -> list[str]:
        """The racers' paths, for File > Export as CSV."""
        lines = ["optimizer,iteration,w1,w2,J"]
        for name, r in self.lab.racers.items():
            for i, ((x, y), j) in enumerate(zip(r.path, r.losses, strict=True)):
                lines.append(f"{name},{i},{x:.10g},{y:.10g},{j:.10g}")
        return lines

    def shutdown(self) -> None:
        """Stop the timer and any worker: called when the window closes."""
        self.lab.pause()
        self.cancel_basin_map()
        self._pool.waitForDone(5000)


def _status_suffix(r) -> str:
    """What the legend adds to a racer's name once it has stopped."""
    if r.status == DIVERGED:
        return " (diverged)"
    if r.status == CONVERGED:
        at_min = r.surface.nearest_minimum(r.w[0], r.w[1]) >= 0
        return " (converged)" if at_min else " (stuck: dW ≈ 0, not a minimum)"
    return ""


def _rule_html(name: str, h: dict) -> str:
    """The update rule of the notes with this racer's hyperparameter values filled in."""
    if name == "sgd":
        return "W := W − α·dW"
    if name == "momentum":
        b = fmt(h["beta"])
        return (f"v<sub>dW</sub> = β·v<sub>dW</sub> + (1 − β)·dW &nbsp; (β = {b})<br>"
                "W := W − α·v<sub>dW</sub>")
    if name == "rmsprop":
        return (f"s<sub>dW</sub> = β·s<sub>dW</sub> + (1 − β)·dW² &nbsp; (β = {fmt(h['beta'])})<br>"
                f"W := W − α·dW / (√s<sub>dW</sub> + ε) &nbsp; (ε = {fmt(h['eps'])})")
    corr = ("v<sub>dW</sub><sup>corrected</sup> = v<sub>dW</sub> / (1 − β1<sup>t</sup>), "
            "s<sub>dW</sub><sup>corrected</sup> = s<sub>dW</sub> / (1 − β2<sup>t</sup>)<br>"
            if h["bias_correction"] else "(bias correction off: corrected = raw)<br>")
    return (f"v<sub>dW</sub> = β1·v<sub>dW</sub> + (1 − β1)·dW &nbsp; (β1 = {fmt(h['beta1'])})<br>"
            f"s<sub>dW</sub> = β2·s<sub>dW</sub> + (1 − β2)·dW² &nbsp; (β2 = {fmt(h['beta2'])})<br>"
            + corr
            + "W := W − α·v<sub>dW</sub><sup>corrected</sup> / "
              f"(√s<sub>dW</sub><sup>corrected</sup> + ε) &nbsp; (ε = {fmt(h['eps'])})")
