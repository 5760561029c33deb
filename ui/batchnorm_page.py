"""The batch-norm lab page: mini-batch statistics, their EWA, test time three ways, and twins.

Left, the data, the network, the EWA momentum beta, the mini-batch size and the watched unit;
centre, three tabs ("Statistics", "Test time", "Twins"); right, the notes' equations with the
watched unit's live values. Only the visible tab is redrawn, and the rich text at most ten times a
second while playing, so a frame stays well inside 16.7 ms.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from simulator.bn_experiment import MODE_LABELS, MODES, MOMENTUM_RANGE
from simulator.datasets import DATASETS
from simulator.optimizers import OPTIMIZERS
from simulator.training import MAX_HIDDEN_LAYERS, MAX_UNITS

from .batchnorm_lab import MAX_SPEED, BatchNormLab
from .optimizer_lab import LABELS
from .widgets import OKABE_ITO, NumberField, blocked, fixed_plot, run_buttons, run_shortcuts

WINDOW = 400  # iterations shown in the statistics plots (the x range moves by 100 at a time)
HIST_BINS = 30
BETA_STEPS = 1000  # slider positions for beta, spaced evenly in log(1 - beta)
BATCH_POWERS = 9  # the batch-size slider: 2^0 .. 2^9 = 1 .. 512

C_BATCH = OKABE_ITO["sky_blue"]
C_EWA = OKABE_ITO["vermillion"]
C_POP = OKABE_ITO["black"]
C_BN = OKABE_ITO["blue"]
C_PLAIN = OKABE_ITO["orange"]


def beta_from_slider(pos: int) -> float:
    """Slider position -> beta in [0.5, 0.999], evenly spaced in log10(1 - beta), 3 decimals."""
    lo, hi = MOMENTUM_RANGE
    a, b = math.log10(1 - lo), math.log10(1 - hi)
    return round(1 - 10 ** (a + (b - a) * pos / BETA_STEPS), 3)


def slider_from_beta(beta: float) -> int:
    lo, hi = MOMENTUM_RANGE
    a, b = math.log10(1 - lo), math.log10(1 - hi)
    beta = min(max(beta, lo), hi)
    return int(round((math.log10(1 - beta) - a) / (b - a) * BETA_STEPS))


def num(v: float, digits: int = 4) -> str:
    """A number for the text panels; never 'nan' on screen."""
    v = float(v)
    return f"{v:.{digits}g}" if math.isfinite(v) else "—"


class _Range:
    """A view range that follows the data without moving every frame: it grows when the data
    leaves it and shrinks only when the data fills less than a quarter of it."""

    def __init__(self, min_span: float = 1e-3) -> None:
        self.current: tuple[float, float] | None = None
        self.min_span = min_span

    def fit(self, values: np.ndarray, zero: bool = False) -> tuple[float, float] | None:
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            return None
        lo, hi = float(v.min()), float(v.max())
        if zero:
            lo = min(lo, 0.0)
        span = max(hi - lo, self.min_span)
        cur = self.current
        if cur is not None and cur[0] <= lo and hi <= cur[1] and (cur[1] - cur[0]) < 4 * span:
            return None
        step = 10 ** math.floor(math.log10(span)) / 2
        new = (math.floor((lo - 0.1 * span) / step) * step, math.ceil((hi + 0.1 * span) / step) * step)
        if zero and lo >= 0:
            new = (0.0, new[1])
        self.current = new
        return new


def _plot(layout: pg.GraphicsLayoutWidget, row: int, col: int, left: str, bottom: str,
          title: str = "", colspan: int = 1) -> pg.PlotItem:
    p = layout.addPlot(row=row, col=col, colspan=colspan)
    fixed_plot(p)
    p.disableAutoRange()
    p.setLabel("left", left)
    p.setLabel("bottom", bottom)
    if title:
        p.setTitle(title, size="9pt")
    p.showGrid(x=True, y=True, alpha=0.15)
    return p


class BatchNormPage(QWidget):
    """The batch-norm lab: a view over ``BatchNormLab``."""

    title = "Batch norm"
    shows_own_messages = True  # in the line under the plots, which stays while it applies
    hint = ("Space: play/pause   Right: one mini-batch   R: reset   Watch a unit's batch statistics "
            "against the EWA used at test time")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = BatchNormLab(self)
        self._text_time = 0.0
        self._ranges: dict[str, _Range] = {}
        self._xwin: dict[str, tuple[float, float]] = {}
        self.explain_html = ""
        self.test_html = ""

        controls = self._build_controls()
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left = max(controls.minimumSizeHint().width(), controls.sizeHint().width()) + 24
        scroll.setMinimumWidth(left)

        self.views = QTabWidget()
        self.views.addTab(self._build_stats_view(), "Statistics")
        self.views.addTab(self._build_test_view(), "Test time")
        self.views.addTab(self._build_twins_view(), "Twins")
        self.views.currentChanged.connect(lambda _: self._redraw(force=True))

        self.explain = QTextBrowser()
        self.explain.setMinimumWidth(260)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(self.views)
        split.addWidget(self.explain)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 1)
        split.setSizes([left, 1280 - left - 330, 330])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(split, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #333; padding: 2px;")
        lay.addWidget(self.status)

        run_shortcuts(self, self.lab)

        self.lab.config_changed.connect(self._on_config)
        self.lab.stepped.connect(self._redraw)
        self.lab.running_changed.connect(self._on_running)
        self.lab.error.connect(lambda text: self._status(text, error=True))
        self.lab.message.connect(self._status)
        self._on_config()
        self._redraw(force=True)

    # -- building -------------------------------------------------------------------------------

    def _build_controls(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(4, 4, 4, 4)

        box = QGroupBox("Data and network")
        form = QFormLayout(box)
        self.dataset_combo = QComboBox()
        for name in DATASETS:
            self.dataset_combo.addItem(name, name)
        self.dataset_combo.currentIndexChanged.connect(
            lambda i: self.lab.set_config(dataset=self.dataset_combo.itemData(i)))
        form.addRow("Data set", self.dataset_combo)
        self.hidden_edit = QLineEdit()
        self.hidden_edit.setToolTip(f"Units per hidden layer, e.g. 16, 16 (1 to {MAX_HIDDEN_LAYERS} "
                                    f"layers of 1 to {MAX_UNITS})")
        self.hidden_edit.editingFinished.connect(self._hidden_edited)
        form.addRow("Hidden", self.hidden_edit)
        self.activation_combo = QComboBox()
        self.activation_combo.addItems(["relu", "tanh"])
        self.activation_combo.currentTextChanged.connect(
            lambda a: self.lab.set_config(activation=a))
        form.addRow("Activation", self.activation_combo)
        self.optimizer_combo = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer_combo.addItem(LABELS.get(name, name), name)
        self.optimizer_combo.currentIndexChanged.connect(
            lambda i: self.lab.set_config(optimizer=self.optimizer_combo.itemData(i), hyper={}))
        form.addRow("Optimizer", self.optimizer_combo)
        self.lr_field = NumberField(0.0, 10.0, 4, 0.01)
        self.lr_field.edited.connect(lambda v: self.lab.set_config(lr=v))
        form.addRow("Learning rate α", self.lr_field)
        lay.addWidget(box)

        box = QGroupBox("Batch norm")
        grid = QGridLayout(box)
        self.beta_label = QLabel()
        self.beta_slider = QSlider(Qt.Orientation.Horizontal)
        self.beta_slider.setRange(0, BETA_STEPS)
        self.beta_slider.valueChanged.connect(self._beta_edited)
        grid.addWidget(self.beta_label, 0, 0, 1, 2)
        grid.addWidget(self.beta_slider, 1, 0, 1, 2)
        self.batch_label = QLabel()
        self.batch_slider = QSlider(Qt.Orientation.Horizontal)
        self.batch_slider.setRange(0, BATCH_POWERS)
        self.batch_slider.setPageStep(1)
        self.batch_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.batch_slider.valueChanged.connect(lambda p: self.lab.set_batch_size(2 ** p))
        grid.addWidget(self.batch_label, 2, 0, 1, 2)
        grid.addWidget(self.batch_slider, 3, 0, 1, 2)
        self.corrected_box = QCheckBox("Bias-corrected EWA: v / (1 − βᵗ)")
        self.corrected_box.toggled.connect(self.lab.set_corrected)
        grid.addWidget(self.corrected_box, 4, 0, 1, 2)
        lay.addWidget(box)

        box = QGroupBox("Watch")
        form = QFormLayout(box)
        self.layer_spin = QSpinBox()
        self.layer_spin.valueChanged.connect(
            lambda v: self.lab.watch(v - 1, self.unit_spin.value() - 1))
        form.addRow("Hidden layer l", self.layer_spin)
        self.unit_spin = QSpinBox()
        self.unit_spin.valueChanged.connect(
            lambda v: self.lab.watch(self.layer_spin.value() - 1, v - 1))
        form.addRow("Unit j", self.unit_spin)
        lay.addWidget(box)

        box = QGroupBox("Run")
        grid = QGridLayout(box)
        run_buttons(self, self.lab, "One mini-batch for each twin",
                    "Both twins back to their first weights")
        grid.addWidget(self.play_button, 0, 0)
        grid.addWidget(self.step_button, 0, 1)
        grid.addWidget(self.reset_button, 0, 2)
        self.speed_label = QLabel()
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, MAX_SPEED)
        self.speed_slider.valueChanged.connect(self._speed_edited)
        grid.addWidget(self.speed_label, 1, 0, 1, 3)
        grid.addWidget(self.speed_slider, 2, 0, 1, 3)
        self.iteration_label = QLabel()
        grid.addWidget(self.iteration_label, 3, 0, 1, 3)
        hint = QLabel("Space plays or pauses, → steps, R resets.")
        hint.setStyleSheet("color: #666; font-size: 11px;")
        grid.addWidget(hint, 4, 0, 1, 3)
        lay.addWidget(box)
        lay.addStretch(1)
        return w

    def _build_stats_view(self) -> QWidget:
        self.stats_view = pg.GraphicsLayoutWidget()
        v = self.stats_view
        self.mu_plot = _plot(v, 0, 0, "μ", "iteration", "mini-batch μ, its EWA, population μ")
        self.var_plot = _plot(v, 0, 1, "σ²", "iteration", "mini-batch σ², its EWA, population σ²")
        legend = self.mu_plot.addLegend(offset=(-5, 5), labelTextSize="8pt",
                                        brush=pg.mkBrush(255, 255, 255, 210))
        # Hundreds of small dots: without antialiasing they draw in about half the time.
        dots = {"pen": None, "symbol": "o", "symbolSize": 4, "symbolPen": None,
                "symbolBrush": pg.mkBrush(C_BATCH), "antialias": False}
        self.batch_mu = self.mu_plot.plot(name="mini-batch", **dots)
        self.ewa_mu = self.mu_plot.plot(pen=pg.mkPen(C_EWA, width=2), name="EWA")
        self.pop_mu = self.mu_plot.plot(pen=pg.mkPen(C_POP, width=1.5, style=Qt.PenStyle.DashLine),
                                        name="population")
        self.batch_var = self.var_plot.plot(**dots)
        self.ewa_var = self.var_plot.plot(pen=pg.mkPen(C_EWA, width=2))
        self.pop_var = self.var_plot.plot(pen=pg.mkPen(C_POP, width=1.5,
                                                       style=Qt.PenStyle.DashLine))
        legend.setZValue(10)

        self.hist_z_plot = _plot(v, 1, 0, "count", "z (before BN), training set")
        self.hist_zt_plot = _plot(v, 1, 1, "count", "z̃ = γ z_norm + β (after BN)")
        fill = pg.mkBrush(86, 180, 233, 120)
        self.hist_z = self.hist_z_plot.plot(stepMode="center", fillLevel=0, brush=fill,
                                            pen=pg.mkPen(C_BATCH, width=1))
        self.hist_zt = self.hist_zt_plot.plot(stepMode="center", fillLevel=0,
                                              brush=pg.mkBrush(0, 158, 115, 110),
                                              pen=pg.mkPen(OKABE_ITO["bluish_green"], width=1))
        self.hist_z_mu = pg.InfiniteLine(angle=90, pen=pg.mkPen(C_POP, style=Qt.PenStyle.DashLine))
        self.hist_z_plot.addItem(self.hist_z_mu)
        self.hist_zt_beta = pg.InfiniteLine(angle=90, pen=pg.mkPen(OKABE_ITO["orange"], width=2))
        self.hist_zt_plot.addItem(self.hist_zt_beta)

        self.gb_plot = _plot(v, 2, 0, "value", "iteration", "learned γ and β of the watched unit",
                             colspan=2)
        self.gb_plot.addLegend(offset=(-5, 5), labelTextSize="8pt",
                               brush=pg.mkBrush(255, 255, 255, 210))
        self.gamma_curve = self.gb_plot.plot(pen=pg.mkPen(OKABE_ITO["bluish_green"], width=2),
                                             name="γ")
        self.beta_curve = self.gb_plot.plot(pen=pg.mkPen(OKABE_ITO["orange"], width=2), name="β")
        v.ci.layout.setRowStretchFactor(0, 3)
        v.ci.layout.setRowStretchFactor(1, 2)
        v.ci.layout.setRowStretchFactor(2, 2)
        return self.stats_view

    def _build_test_view(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel("Test example"))
        self.example_spin = QSpinBox()
        self.example_spin.setRange(1, 1)
        self.example_spin.valueChanged.connect(lambda v: self.lab.set_example(v - 1))
        row.addWidget(self.example_spin)
        self.next_example = QPushButton("Next")
        self.next_example.clicked.connect(lambda: self.lab.set_example(self.lab.example_index + 1))
        row.addWidget(self.next_example)
        row.addStretch(1)
        lay.addLayout(row)
        self.test_text = QTextBrowser()
        lay.addWidget(self.test_text, 3)

        row = QHBoxLayout()
        self.test_batch_label = QLabel()
        self.test_batch_slider = QSlider(Qt.Orientation.Horizontal)
        self.test_batch_slider.setRange(1, 64)
        self.test_batch_slider.valueChanged.connect(self.lab.set_test_batch_size)
        row.addWidget(self.test_batch_label)
        row.addWidget(self.test_batch_slider, 1)
        lay.addLayout(row)
        self.test_view = pg.GraphicsLayoutWidget()
        tv = self.test_view
        self.tb_mu_plot = _plot(tv, 0, 0, "μ", "test batch", "each test batch's own μ")
        self.tb_var_plot = _plot(tv, 0, 1, "σ²", "test batch", "each test batch's own σ²")
        dots = {"pen": None, "symbol": "o", "symbolSize": 6, "symbolPen": None,
                "symbolBrush": pg.mkBrush(C_BATCH)}
        self.tb_mu = self.tb_mu_plot.plot(**dots)
        self.tb_var = self.tb_var_plot.plot(**dots)
        self.tb_lines = {}
        for key, plot in (("mu", self.tb_mu_plot), ("var", self.tb_var_plot)):
            ewa = pg.InfiniteLine(angle=0, pen=pg.mkPen(C_EWA, width=2))
            pop = pg.InfiniteLine(angle=0, pen=pg.mkPen(C_POP, style=Qt.PenStyle.DashLine))
            plot.addItem(ewa)
            plot.addItem(pop)
            self.tb_lines[key] = (ewa, pop)
        lay.addWidget(self.test_view, 4)
        return w

    def _build_twins_view(self) -> QWidget:
        self.twins_view = pg.GraphicsLayoutWidget()
        v = self.twins_view
        self.twin_loss_plot = _plot(v, 0, 0, "training loss J", "epoch",
                                    "same network, initialization and data order")
        self.twin_loss_plot.addLegend(offset=(-5, 5), labelTextSize="8pt",
                                      brush=pg.mkBrush(255, 255, 255, 210))
        self.loss_bn = self.twin_loss_plot.plot(pen=pg.mkPen(C_BN, width=2), name="with BN")
        self.loss_plain = self.twin_loss_plot.plot(pen=pg.mkPen(C_PLAIN, width=2),
                                                   name="without BN")
        self.shift_plot = _plot(v, 1, 0, "z̃ (with BN), z (without)", "iteration")
        self.shift_plot.addLegend(offset=(-5, 5), labelTextSize="8pt",
                                  brush=pg.mkBrush(255, 255, 255, 210))
        self.shift = {}
        for key, color, name in (("bn", C_BN, "with BN"), ("plain", C_PLAIN, "without BN")):
            qc = pg.mkColor(color)
            mean = self.shift_plot.plot(pen=pg.mkPen(color, width=2), name=name)
            lo = self.shift_plot.plot(pen=pg.mkPen(color, width=0.5))
            hi = self.shift_plot.plot(pen=pg.mkPen(color, width=0.5))
            qc.setAlpha(50)
            band = pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(qc))
            self.shift_plot.addItem(band)
            self.shift[key] = (mean, lo, hi)
        return self.twins_view

    # -- widgets to the lab ---------------------------------------------------------------------

    def _hidden_edited(self) -> None:
        text = self.hidden_edit.text()
        try:
            hidden = [int(s) for s in text.replace(",", " ").split()]
        except ValueError:
            self._status(f"hidden layers must be whole numbers like 16, 16; got {text!r}", True)
            self._on_config()
            return
        if hidden != list(self.lab.config.hidden):
            self.lab.set_config(hidden=hidden)

    def _beta_edited(self, pos: int) -> None:
        self.lab.set_momentum(beta_from_slider(pos))

    def _speed_edited(self, v: int) -> None:
        self.lab.set_speed(v)
        self.speed_label.setText(f"Speed: {self.lab.speed} mini-batches per frame")

    def _status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {'#b00000' if error else '#333'}; padding: 2px;")
        self.status.setText(text)

    # -- the lab to the widgets -----------------------------------------------------------------

    def _on_running(self, running: bool) -> None:
        if not running:
            self._redraw(force=True)

    def _on_config(self) -> None:
        lab, c = self.lab, self.lab.config
        e = lab.experiment
        widgets = [self.dataset_combo, self.hidden_edit, self.activation_combo,
                   self.optimizer_combo, self.lr_field, self.beta_slider, self.batch_slider,
                   self.corrected_box, self.layer_spin, self.unit_spin, self.speed_slider,
                   self.test_batch_slider, self.example_spin]
        with blocked(*widgets):
            self.dataset_combo.setCurrentIndex(self.dataset_combo.findData(c.dataset))
            self.hidden_edit.setText(", ".join(str(u) for u in c.hidden))
            self.activation_combo.setCurrentText(c.activation)
            self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(c.optimizer))
            self.lr_field.set_value(c.lr)
            self.beta_slider.setValue(slider_from_beta(c.bn_momentum))
            self.batch_slider.setValue(int(round(math.log2(max(1, c.batch_size)))))
            self.corrected_box.setChecked(lab.corrected)
            self.layer_spin.setRange(1, len(e.units))
            self.layer_spin.setValue(lab.layer + 1)
            self.unit_spin.setRange(1, e.units[lab.layer])
            self.unit_spin.setValue(lab.unit + 1)
            self.speed_slider.setValue(lab.speed)
            n_test = max(1, len(e.bn.data.y_test))
            self.test_batch_slider.setRange(1, min(64, n_test))
            self.test_batch_slider.setValue(lab.test_batch_size)
            self.example_spin.setRange(1, n_test)
            self.example_spin.setValue(lab.example_index + 1)
        beta = c.bn_momentum
        self.beta_label.setText(f"EWA momentum β = {beta:.3f} (≈ {1 / (1 - beta):.0f} batches)")
        self.batch_label.setText(f"Mini-batch size m = {c.batch_size}")
        self.speed_label.setText(f"Speed: {lab.speed} mini-batches per frame")
        self.test_batch_label.setText(f"Test batch size: {lab.test_batch_size}")
        self._text_time = 0.0

    # -- drawing --------------------------------------------------------------------------------

    def _range(self, key: str) -> _Range:
        r = self._ranges.get(key)
        if r is None:
            r = self._ranges[key] = _Range()
        return r

    def _fit_y(self, plot: pg.PlotItem, key: str, *arrays: np.ndarray, zero: bool = False) -> None:
        vals = [np.asarray(a, dtype=float).ravel() for a in arrays if len(a)]
        if not vals:
            return
        new = self._range(key).fit(np.concatenate(vals), zero=zero)
        if new is not None:
            plot.setYRange(*new, padding=0)

    def _fit_x(self, plot: pg.PlotItem, key: str, x0: float, x1: float) -> None:
        if self._xwin.get(key) != (x0, x1):
            self._xwin[key] = (x0, x1)
            plot.setXRange(x0, x1, padding=0)

    def _window(self, n: int) -> tuple[int, int, int]:
        """(first record index, x0, x1) of the iteration window for n records."""
        if n <= WINDOW:  # the first iterations fill the plot: the range grows 50, 100, 200, 500
            x1 = next(x for x in (50, 100, 200, WINDOW + 100) if n <= x)
            return 0, 0, x1
        x0 = int(math.ceil((n - WINDOW) / 100) * 100)
        return x0 - 1, x0, x0 + WINDOW + 100

    def _redraw(self, force: bool = False) -> None:
        e = self.lab.experiment
        self.iteration_label.setText(
            f"Iteration {e.iteration}, epoch {e.bn.epoch}   (m = {e.config.batch_size})")
        tab = self.views.currentIndex()
        now = time.monotonic()
        # The slow-changing views (histograms, gamma and beta, test time, text) at most 10 times
        # a second while playing; the noisy mini-batch statistics every frame.
        rich = force or not self.lab.running or now - self._text_time > 0.1
        if tab == 0:
            self._draw_stats(rich)
        elif tab == 2:
            self._draw_twins()
        if rich:
            self._text_time = now
            if tab == 1:
                self._draw_test()
            self._draw_explain()

    def _draw_stats(self, rich: bool = True) -> None:
        lab, e = self.lab, self.lab.experiment
        layer, unit = lab.layer, lab.unit
        it = e.iterations.data[:, 0]
        i0, x0, x1 = self._window(len(it))
        x = it[i0:]
        bm = e.series("batch_mean", layer, unit)[i0:]
        bv = e.series("batch_var", layer, unit)[i0:]
        suffix = "_corrected" if lab.corrected else ""
        em = e.series("ewa_mean" + suffix, layer, unit)[i0:]
        ev = e.series("ewa_var" + suffix, layer, unit)[i0:]
        self.batch_mu.setData(x, bm)
        self.batch_var.setData(x, bv)
        self.ewa_mu.setData(x, em)
        self.ewa_var.setData(x, ev)
        s = e.snap
        px = s.iteration.data[:, 0]
        j0 = int(np.searchsorted(px, x0 - 1))
        col = e.column(layer, unit)
        pm = s.pop_mean.data[j0:, col]
        pv = s.pop_var.data[j0:, col]
        self.pop_mu.setData(px[j0:], pm)
        self.pop_var.setData(px[j0:], pv)
        for plot, key in ((self.mu_plot, "mu"), (self.var_plot, "var"), (self.gb_plot, "gb")):
            self._fit_x(plot, key, x0, x1)
        self._fit_y(self.mu_plot, "mu", bm, em, pm)
        self._fit_y(self.var_plot, "var", bv, ev, pv, zero=True)
        if not rich:
            return
        g = e.series("gamma", layer, unit)[i0:]
        b = e.series("beta", layer, unit)[i0:]
        self.gamma_curve.setData(x, g)
        self.beta_curve.setData(x, b)
        self._fit_y(self.gb_plot, "gb", g, b, np.array([0.0, 1.0]))

        hv = e.hidden_train()[layer]
        self._hist(self.hist_z, self.hist_z_plot, "hz", hv.z[:, unit])
        self._hist(self.hist_zt, self.hist_zt_plot, "hzt", hv.z_tilde[:, unit])
        if len(pm):
            self.hist_z_mu.setValue(float(pm[-1]))
        bn = e.model.bn_layers[layer]
        self.hist_zt_beta.setValue(float(bn.beta[unit]))

    def _hist(self, item: pg.PlotDataItem, plot: pg.PlotItem, key: str, values: np.ndarray) -> None:
        v = values[np.isfinite(values)]
        if v.size == 0:
            item.setData([], [])
            return
        xr = self._range(key + "x")
        new = xr.fit(v)
        if new is not None:
            plot.setXRange(*new, padding=0)
        lo, hi = xr.current
        counts, edges = np.histogram(v, bins=HIST_BINS, range=(lo, hi))
        item.setData(edges, counts)
        self._fit_y(plot, key + "y", counts, zero=True)

    def _draw_twins(self) -> None:
        lab, e = self.lab, self.lab.experiment
        hb, hp = e.bn.history, e.plain.history
        self.loss_bn.setData(hb.epoch, hb.train_loss)
        self.loss_plain.setData(hp.epoch, hp.train_loss)
        xmax = max(10.0, float(2 ** math.ceil(math.log2(max(len(hb.epoch), 1)))))
        self._fit_x(self.twin_loss_plot, "loss", 0, xmax)
        self._fit_y(self.twin_loss_plot, "loss", np.asarray(hb.train_loss),
                    np.asarray(hp.train_loss), zero=True)
        s = e.snap
        px = s.iteration.data[:, 0]
        # The deepest hidden layer, whatever layer is watched: its inputs are the ones that
        # shift as every earlier layer learns.
        layer = len(e.units) - 1
        unit = min(lab.unit, e.units[layer] - 1)
        col = e.column(layer, unit)
        i0, x0, x1 = self._window(len(px))
        px = px[i0:]
        vals = []
        for key, mean_r, std_r in (("bn", s.shift_bn_mean, s.shift_bn_std),
                                   ("plain", s.shift_plain_mean, s.shift_plain_std)):
            m = mean_r.data[i0:, col]
            sd = std_r.data[i0:, col]
            mean, lo, hi = self.shift[key]
            mean.setData(px, m)
            lo.setData(px, m - sd)
            hi.setData(px, m + sd)
            vals += [m - sd, m + sd]
        watched = (layer, unit)
        if getattr(self, "_shift_unit", None) != watched:  # a title change re-lays out the plot
            self._shift_unit = watched
            self.shift_plot.setTitle(
                f"covariate shift: mean ± std over the training set, layer {layer + 1} "
                f"(the deepest), unit {unit + 1}", size="9pt")
        self._fit_x(self.shift_plot, "shift", x0, x1)
        self._fit_y(self.shift_plot, "shift", *vals)

    def _draw_test(self) -> None:
        lab, e = self.lab, self.lab.experiment
        layer, unit = lab.layer, lab.unit
        ex = e.example(lab.example_index, lab.corrected)
        acc = {m: e.test_accuracy(m, lab.corrected) for m in MODES}
        tb = e.test_batches(lab.test_batch_size, layer, unit)
        bn = e.model.bn_layers[layer]
        rows = [("μ used", "mu"), ("σ² used", "var"), ("z", "z"), ("z_norm", "z_norm"),
                ("z̃ = γ z_norm + β", "z_tilde")]
        head = "".join(f"<th>{MODE_LABELS[m]}</th>" for m in MODES)
        body = ""
        for label, key in rows:
            cells = "".join(f"<td align='right'>{num(ex[m]['layers'][layer][key][0, unit])}</td>"
                            for m in MODES)
            body += f"<tr><td>{label}</td>{cells}</tr>"
        pred = "".join(
            f"<td align='right'>class {ex[m]['predicted']} "
            f"(p = {num(ex[m]['proba'][ex[m]['predicted']], 3)})</td>" for m in MODES)
        body += f"<tr><td><b>prediction</b></td>{pred}</tr>"
        accs = "".join(f"<td align='right'><b>{num(100 * acc[m], 3)} %</b></td>" for m in MODES)
        body += f"<tr><td><b>test accuracy</b></td>{accs}</tr>"
        x = ", ".join(num(v, 3) for v in ex["x"])
        html = (
            f"<p>Test example {ex['index'] + 1} at x = ({x}), true class {ex['label']}. "
            f"Hidden layer {layer + 1}, unit {unit + 1}: γ = {num(bn.gamma[unit])}, "
            f"β = {num(bn.beta[unit])}.</p>"
            f"<table cellspacing='0' cellpadding='3' border='1' style='border-collapse: collapse'>"
            f"<tr><th></th>{head}</tr>{body}</table>"
            "<p>A batch of one has μ = z and σ² = 0, so z_norm = 0 and z̃ = β for <i>every</i> "
            "example: all get the same prediction. The EWA and the population statistics give "
            "nearly the same answer once training has settled.</p>"
            f"<p>Test batches of {lab.test_batch_size}, each normalized with its own μ and σ²: "
            f"accuracy {num(100 * tb['accuracy'], 3)} % (the points below; lines: EWA in "
            "vermillion, population dashed).</p>"
        )
        self.test_html = html
        self.test_text.setHtml(html)
        self.test_batch_label.setText(f"Test batch size: {lab.test_batch_size}")
        k = np.arange(1, len(tb["mu"]) + 1)
        self.tb_mu.setData(k, tb["mu"])
        self.tb_var.setData(k, tb["var"])
        ewa = e.ewa(lab.corrected)[layer]
        pop = e.population_stats()[layer]
        for key, i in (("mu", 0), ("var", 1)):
            line_e, line_p = self.tb_lines[key]
            line_e.setValue(float(ewa[i][unit]))
            line_p.setValue(float(pop[i][unit]))
        for plot, key, arr, i in ((self.tb_mu_plot, "tbmu", tb["mu"], 0),
                                  (self.tb_var_plot, "tbvar", tb["var"], 1)):
            self._fit_x(plot, key, 0, len(arr) + 1)
            self._fit_y(plot, key, arr, np.array([ewa[i][unit], pop[i][unit]]), zero=i == 1)

    def _draw_explain(self) -> None:
        lab, e = self.lab, self.lab.experiment
        layer, unit = lab.layer, lab.unit
        model = e.model
        bn = model.bn_layers[layer]
        beta_m = bn.momentum
        t = bn.t
        m = min(e.config.batch_size, len(e.bn.y_train))
        mu_b, var_b = bn.batch_mean[unit], bn.batch_var[unit]
        v_mu, v_var = e.ewa(False)[layer]
        c_mu, c_var = e.ewa(True)[layer]
        pop = e.snap.pop_mean.data[-1, e.column(layer, unit)], e.snap.pop_var.data[-1, e.column(layer, unit)]
        z1 = zn = zt = float("nan")
        if t > 0 and len(model.hidden) > layer:
            z1 = float(model.hidden[layer].z[0, unit])
            zn = (z1 - mu_b) / math.sqrt(var_b + bn.eps)
            zt = float(bn.gamma[unit] * zn + bn.beta[unit])
        decay = bn.decay
        sub = f"<sup>[{layer + 1}]</sup>"
        html = (
            f"<h3>Batch norm, layer {layer + 1}, unit {unit + 1}</h3>"
            "<p><b>Training</b>, on each mini-batch of m examples:</p>"
            f"<p>μ{sub} = (1/m) Σ<sub>i</sub> z<sup>(i)</sup> = <b>{num(mu_b)}</b><br>"
            f"σ²{sub} = (1/m) Σ<sub>i</sub> (z<sup>(i)</sup> − μ)² = <b>{num(var_b)}</b>"
            f"&nbsp; (m = {m})<br>"
            f"z<sub>norm</sub> = (z − μ) / √(σ² + ε): first example z = {num(z1)} → "
            f"<b>{num(zn)}</b><br>"
            f"z̃ = γ z<sub>norm</sub> + β = {num(bn.gamma[unit])} × {num(zn)} + "
            f"{num(bn.beta[unit])} = <b>{num(zt)}</b></p>"
            "<p>γ and β are learned like weights: they set the mean and variance z̃ ends up "
            "with. With m = 1, σ² = 0, so z<sub>norm</sub> = 0 and z̃ = β.</p>"
            "<p><b>Test time</b> has no mini-batch, so it uses exponentially weighted averages "
            f"(β = {beta_m:.3f}, t = {t} batches):</p>"
            f"<p>v<sub>μ</sub> := β v<sub>μ</sub> + (1 − β) μ = <b>{num(v_mu[unit])}</b><br>"
            f"v<sub>σ²</sub> := β v<sub>σ²</sub> + (1 − β) σ² = <b>{num(v_var[unit])}</b><br>"
            f"bias-corrected v / (1 − β<sup>t</sup>), 1 − β<sup>t</sup> = {num(1 - decay)}: "
            f"<b>{num(c_mu[unit])}</b>, <b>{num(c_var[unit])}</b></p>"
            f"<p>Population (whole training set, current weights): μ = <b>{num(pop[0])}</b>, "
            f"σ² = <b>{num(pop[1])}</b></p>"
            "<p>The EWA started at 0 lags early on (the uncorrected line climbs from 0); "
            "dividing by 1 − β<sup>t</sup> fixes that. A larger β is smoother but follows the "
            "changing weights later; a larger m makes μ and σ² less noisy.</p>"
        )
        self.explain_html = html
        self.explain.setHtml(html)

    # -- closing --------------------------------------------------------------------------------

    def csv_lines(self) -> list[str]:
        """The watched unit's recorded statistics, one row per iteration, for File > Export."""
        lab, e = self.lab, self.lab.experiment
        names = ("batch_mean", "batch_var", "ewa_mean", "ewa_var", "ewa_mean_corrected",
                 "ewa_var_corrected", "gamma", "beta")
        cols = [e.series(n, lab.layer, lab.unit) for n in names]
        its = e.iterations.data[:, 0]
        lb, lp = e.loss_bn.data[:, 0], e.loss_plain.data[:, 0]
        lines = [f"# layer {lab.layer + 1}, unit {lab.unit + 1}",
                 "iteration," + ",".join(names) + ",loss_with_bn,loss_without_bn"]
        for i, it in enumerate(its):
            vals = [f"{c[i]:.10g}" for c in cols] + [f"{lb[i]:.10g}", f"{lp[i]:.10g}"]
            lines.append(f"{int(it)}," + ",".join(vals))
        return lines

    def shutdown(self) -> None:
        """Stop the timer (the page has no worker threads)."""
        self.lab.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)


__all__ = ["BatchNormPage", "beta_from_slider", "slider_from_beta"]
