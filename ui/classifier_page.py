"""The classifier lab page: a softmax classifier's decision regions forming live.

Left, the data, features, model and optimizer; centre, the plane coloured by the predicted class
(and a network view); right, loss and accuracy curves, the probe with the notes' softmax
computation, and a worked example box.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
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
    QSlider,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from simulator.datasets import CLASS_RANGE, DATASETS, make_dataset
from simulator.nn import softmax
from simulator.optimizers import OPTIMIZERS
from simulator.training import DIVERGED, FEATURES, MAX_HIDDEN_LAYERS, MAX_UNITS, featurize, fit_logistic

from .classifier_lab import ClassifierLab
from .optimizer_lab import LABELS
from .widgets import (
    CLASS_COLORS,
    NumberField,
    ScheduleEditor,
    blocked,
    contour_polyline,
    fixed_plot,
    run_buttons,
    run_shortcuts,
    three_columns,
)

GRID = 200  # decision-region resolution
UNIT_GRID = 40  # resolution of the hidden-unit heatmaps
MAX_UNIT_MAPS = 12  # heatmaps shown per hidden layer
BETA_KEY = {"momentum": "beta", "rmsprop": "beta", "adam": "beta1"}
NOTES_Z = "5, 2, -1, 3"


def class_rgb(n: int) -> np.ndarray:
    """(n, 3) float RGB of the first n class colours."""
    return np.array([QColor(CLASS_COLORS[i % len(CLASS_COLORS)]).getRgb()[:3] for i in range(n)],
                    dtype=np.float32)


def region_image(proba: np.ndarray, discretize: bool) -> np.ndarray:
    """(n, n, C) probabilities to an RGBA uint8 image: the argmax class's colour, stronger where
    the model is surer (or uniform when discretized)."""
    C = proba.shape[-1]
    cls = np.argmax(proba, axis=-1)
    if discretize:
        strength = np.full(cls.shape, 0.55, dtype=np.float32)
    else:
        top = np.max(proba, axis=-1)
        strength = 0.12 + 0.68 * np.clip((top - 1.0 / C) / (1.0 - 1.0 / C), 0.0, 1.0)
    rgb = 255.0 - strength[..., None] * (255.0 - class_rgb(C)[cls])
    out = np.empty(cls.shape + (4,), dtype=np.uint8)
    out[..., :3] = rgb
    out[..., 3] = 255
    return out


def dataset_icon(name: str, size: int = 40) -> QIcon:
    """A thumbnail of a data set, drawn from the engine's own points."""
    kw = {"classes": 3} if CLASS_RANGE[name][1] > 2 else {}
    d = make_dataset(name, n=150, seed=1, test_fraction=0.0, **kw)
    pix = QPixmap(size, size)
    pix.fill(QColor("white"))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    x0, x1, y0, y1 = d.domain
    for (x, y), c in zip(d.X_train, d.y_train, strict=True):
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(CLASS_COLORS[int(c) % len(CLASS_COLORS)]))
        px = (x - x0) / (x1 - x0) * size
        py = (1 - (y - y0) / (y1 - y0)) * size
        p.drawEllipse(QPointF(px, py), 1.6, 1.6)
    p.end()
    return QIcon(pix)


def parse_z(text: str) -> np.ndarray:
    """'5, 2, -1, 3' to an array; ValueError naming what is not a number."""
    parts = [t for t in text.replace(";", ",").replace(" ", ",").split(",") if t.strip()]
    if len(parts) < 2:
        raise ValueError("type at least two numbers for z, separated by commas (e.g. 5, 2, -1, 3)")
    out = []
    for t in parts:
        try:
            v = float(t)
        except ValueError:
            raise ValueError(
                f"z must be numbers separated by commas: {t.strip()!r} is not a number") from None
        if not np.isfinite(v):
            raise ValueError(f"z must be finite numbers, got {t.strip()!r}")
        out.append(v)
    return np.array(out)


def softmax_html(z: np.ndarray, label: int | None = None, digits: int = 3) -> str:
    """The notes' worked computation for logits z: t = e^z, sum, a = t / sum, hardmax, loss, dz."""
    with np.errstate(over="ignore"):
        t = np.exp(z)
    a = softmax(z)
    hard = (np.arange(len(z)) == np.argmax(z)).astype(int)

    def vec(v, d=digits):
        return "[" + ", ".join(f"{x:.{d}f}" if abs(x) < 1e4 else f"{x:.3g}" for x in v) + "]"

    def tvec(v):  # the notes write t to one decimal; small values need significant digits
        return "[" + ", ".join(f"{x:.1f}" if 1 <= abs(x) < 1e4 else f"{x:.3g}" for x in v) + "]"

    rows = [f"z = {vec(z, 2)}",
            f"t = e<sup>z</sup> = {tvec(t)}" + ("" if np.all(np.isfinite(t)) else
                                                  " (overflows: computed as e<sup>z − max z</sup>)"),
            f"Σ t = {np.sum(t):.4g}" if np.isfinite(np.sum(t)) else "Σ t = inf",
            f"a = t / Σ t = <b>{vec(a)}</b>",
            f"hardmax(z) = [{', '.join(map(str, hard))}]"]
    if label is not None:
        y = np.zeros_like(a)
        y[label] = 1.0
        rows.append(f"true class {label}: loss = −log a<sub>{label}</sub> = "
                    f"{-np.log(max(a[label], 1e-300)):.4f}")
        rows.append(f"dz = ŷ − y = {vec(a - y)}")
    return "<br>".join(rows)


class ClassifierPage(QWidget):
    """The softmax classifier lab."""

    title = "Classifier"
    hint = ("Space: play/pause   Right: one mini-batch   R: reset   Click: add a point   "
            "Right-click: remove   Hover: probe")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = ClassifierLab(self)
        self._text_time = 0.0
        self._probe_at: tuple[float, float] | None = None
        self._probe_label: int | None = None
        self.probe_html = ""

        controls = self._build_controls()
        self.views = QTabWidget()
        self.views.addTab(self._build_region_view(), "Decision regions")
        self.views.addTab(self._build_network_view(), "Network")
        self.views.currentChanged.connect(lambda _: self._redraw())

        three_columns(self, controls, self.views, self._build_right(), (310, 530, 440))
        run_shortcuts(self, self.lab)

        self.lab.config_changed.connect(self._on_config)
        self.lab.data_changed.connect(self._on_data)
        self.lab.stepped.connect(self._redraw)
        self.lab.running_changed.connect(self._on_running)
        self.lab.error.connect(self._status)
        self.lab.message.connect(self._status)
        self._on_config()
        self._on_data()
        self._redraw()

    # -- building -------------------------------------------------------------------------------

    def _build_controls(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(4, 4, 4, 4)

        # Run first: at 800 pixels high the bottom of this column needs scrolling.
        box = QGroupBox("Run")
        grid = QGridLayout(box)
        run_buttons(self, self.lab, "One mini-batch", "New weights from the seed")
        self.epoch_button = QPushButton("Epoch")
        self.epoch_button.setToolTip("One whole epoch")
        self.epoch_button.clicked.connect(self.lab.step_epoch)
        for i, b in enumerate((self.play_button, self.step_button, self.epoch_button,
                               self.reset_button)):
            grid.addWidget(b, 0, i)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, 50)
        self.speed_slider.valueChanged.connect(self._speed_edited)
        self.speed_label = QLabel()
        grid.addWidget(self.speed_label, 1, 0, 1, 2)
        grid.addWidget(self.speed_slider, 1, 2, 1, 2)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setKeyboardTracking(False)
        self.seed_spin.valueChanged.connect(lambda v: self.lab.set_config(seed=v))
        grid.addWidget(QLabel("Weight seed"), 2, 0, 1, 2)
        grid.addWidget(self.seed_spin, 2, 2, 1, 2)
        self.discretize_box = QCheckBox("Discretize regions")
        self.discretize_box.toggled.connect(lambda _: self._redraw(force=True))
        self.test_box = QCheckBox("Show test points")
        self.test_box.setChecked(True)
        self.test_box.toggled.connect(lambda _: self._on_data())
        self.logistic_box = QCheckBox("Compare with logistic regression (C = 2)")
        self.logistic_box.toggled.connect(lambda _: self._redraw(force=True))
        grid.addWidget(self.discretize_box, 3, 0, 1, 2)
        grid.addWidget(self.test_box, 3, 2, 1, 2)
        grid.addWidget(self.logistic_box, 4, 0, 1, 4)
        self.epoch_label = QLabel()
        grid.addWidget(self.epoch_label, 5, 0, 1, 4)
        lay.addWidget(box)

        box = QGroupBox("Data")
        form = QFormLayout(box)
        self.dataset_combo = QComboBox()
        self.dataset_combo.setIconSize(QSize(40, 40))
        for name in DATASETS:
            self.dataset_combo.addItem(dataset_icon(name), name, name)
        self.dataset_combo.currentIndexChanged.connect(self._dataset_edited)
        form.addRow("Set", self.dataset_combo)
        self.classes_spin = QSpinBox()
        self.classes_spin.setKeyboardTracking(False)
        self.classes_spin.valueChanged.connect(lambda v: self.lab.set_config(classes=v))
        form.addRow("Classes", self.classes_spin)
        self.noise_field = NumberField(0.0, 1.0, 2, 0.05)
        self.noise_field.edited.connect(lambda v: self.lab.set_config(noise=v))
        form.addRow("Noise", self.noise_field)
        self.test_field = NumberField(0.0, 90.0, 0, 5.0)
        self.test_field.setSuffix(" %")
        self.test_field.edited.connect(lambda v: self.lab.set_config(test_fraction=v / 100.0))
        form.addRow("Test share", self.test_field)
        self.n_spin = QSpinBox()
        self.n_spin.setRange(20, 2000)
        self.n_spin.setSingleStep(50)
        self.n_spin.setKeyboardTracking(False)
        self.n_spin.valueChanged.connect(lambda v: self.lab.set_config(n=v))
        form.addRow("Points", self.n_spin)
        row = QHBoxLayout()
        self.data_seed_spin = QSpinBox()
        self.data_seed_spin.setRange(0, 2**31 - 1)
        self.data_seed_spin.setKeyboardTracking(False)
        self.data_seed_spin.valueChanged.connect(lambda v: self.lab.set_config(data_seed=v))
        self.regen_button = QPushButton("Regenerate")
        self.regen_button.clicked.connect(self.lab.regenerate)
        row.addWidget(self.data_seed_spin, 1)
        row.addWidget(self.regen_button)
        form.addRow("Seed", row)
        self.add_class_combo = QComboBox()
        self.add_class_combo.currentIndexChanged.connect(
            lambda i: self.lab.set_add_class(max(i, 0)))
        form.addRow("Click adds", self.add_class_combo)
        hint = QLabel("Left-click the plot to add a point, right-click to remove the nearest.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666; font-size: 11px;")
        form.addRow(hint)
        lay.addWidget(box)

        box = QGroupBox("Input features")
        grid = QGridLayout(box)
        self.feature_boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(FEATURES):
            cb = QCheckBox(name)
            cb.toggled.connect(self._features_edited)
            self.feature_boxes[name] = cb
            grid.addWidget(cb, i // 4, i % 4)
        lay.addWidget(box)

        box = QGroupBox("Model")
        form = QFormLayout(box)
        self.layers_spin = QSpinBox()
        self.layers_spin.setRange(0, MAX_HIDDEN_LAYERS)
        self.layers_spin.setSpecialValueText("0 (softmax regression)")
        self.layers_spin.valueChanged.connect(self._hidden_edited)
        form.addRow("Hidden layers", self.layers_spin)
        row = QHBoxLayout()
        self.unit_spins: list[QSpinBox] = []
        for _ in range(MAX_HIDDEN_LAYERS):
            sp = QSpinBox()
            sp.setRange(1, MAX_UNITS)
            sp.setValue(8)  # what a newly added layer starts with
            sp.setKeyboardTracking(False)
            sp.valueChanged.connect(self._hidden_edited)
            self.unit_spins.append(sp)
            row.addWidget(sp)
        form.addRow("Units", row)
        self.activation_combo = QComboBox()
        self.activation_combo.addItems(["tanh", "relu"])
        self.activation_combo.currentTextChanged.connect(
            lambda t: self.lab.set_config(activation=t))
        form.addRow("Activation", self.activation_combo)
        row = QHBoxLayout()
        self.reg_combo = QComboBox()
        self.reg_combo.addItems(["none", "L2", "L1"])
        self.reg_combo.currentTextChanged.connect(lambda _: self._reg_edited())
        self.reg_field = NumberField(0.0, 100.0, 4, 0.01)
        self.reg_field.edited.connect(lambda _: self._reg_edited())
        row.addWidget(self.reg_combo)
        row.addWidget(QLabel("λ"))
        row.addWidget(self.reg_field, 1)
        form.addRow("Regularization", row)
        lay.addWidget(box)

        box = QGroupBox("Optimizer")
        form = QFormLayout(box)
        self.opt_combo = QComboBox()
        for name in OPTIMIZERS:
            self.opt_combo.addItem(LABELS[name], name)
        self.opt_combo.currentIndexChanged.connect(
            lambda i: self._optimizer_edited(optimizer=self.opt_combo.itemData(i)))
        form.addRow("Optimizer", self.opt_combo)
        self.lr_field = NumberField(0.0, 1000.0, 5, 0.001)
        self.lr_field.edited.connect(lambda v: self._optimizer_edited(lr=v))
        form.addRow("α", self.lr_field)
        row = QHBoxLayout()
        self.beta_field = NumberField(0.0, 1.0, 4, 0.01)
        self.beta_field.edited.connect(lambda v: self._hyper_edited(BETA_KEY.get(
            self.lab.config.optimizer, "beta"), v))
        self.beta2_field = NumberField(0.0, 1.0, 4, 0.001)
        self.beta2_field.edited.connect(lambda v: self._hyper_edited("beta2", v))
        self.beta_label = QLabel("β")
        row.addWidget(self.beta_label)
        row.addWidget(self.beta_field)
        self.beta2_label = QLabel("β2")
        row.addWidget(self.beta2_label)
        row.addWidget(self.beta2_field)
        form.addRow(row)
        self.schedule = ScheduleEditor()
        self.schedule.edited.connect(
            lambda name, params: self.lab.set_config(schedule=name, schedule_params=params))
        form.addRow(self.schedule)
        row = QHBoxLayout()
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 100000)
        self.batch_spin.setKeyboardTracking(False)
        self.batch_spin.valueChanged.connect(lambda v: self._optimizer_edited(batch_size=v))
        self.full_batch_button = QPushButton("Full batch")
        self.full_batch_button.clicked.connect(
            lambda: self._optimizer_edited(batch_size=max(1, len(self.lab.trainer.y_train))))
        row.addWidget(self.batch_spin, 1)
        row.addWidget(self.full_batch_button)
        form.addRow("Mini-batch", row)
        lay.addWidget(box)

        lay.addStretch(1)
        return w

    def _build_region_view(self) -> QWidget:
        self.plot = pg.PlotWidget()
        p = self.plot.getPlotItem()
        fixed_plot(p)
        p.setAspectLocked(True)
        p.setLabel("bottom", "x1")
        p.setLabel("left", "x2")
        self.region = pg.ImageItem(axisOrder="row-major")
        # An image of the final size first: setRect scales by the image's size in pixels, so a
        # rect set on an empty item would stretch one pixel over the whole plane.
        self.region.setImage(np.zeros((GRID, GRID, 4), dtype=np.uint8), levels=None)
        p.addItem(self.region)
        self.logistic_line = pg.PlotDataItem(pen=pg.mkPen("k", width=2.5, style=Qt.PenStyle.DashLine),
                                             connect="finite")
        self.softmax_line = pg.PlotDataItem(pen=pg.mkPen("#ffffff", width=1.5), connect="finite")
        p.addItem(self.softmax_line)
        p.addItem(self.logistic_line)
        self.train_points = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=0.8))
        self.test_points = pg.ScatterPlotItem(size=9, symbol="s", brush=pg.mkBrush("w"))
        self.wrong_points = pg.ScatterPlotItem(size=15, symbol="o", brush=None,
                                               pen=pg.mkPen("k", width=2.2))
        self.probe_marker = pg.ScatterPlotItem(size=16, symbol="+", pen=pg.mkPen("k", width=2.5))
        for item in (self.train_points, self.test_points, self.wrong_points, self.probe_marker):
            p.addItem(item)
        self.plot.scene().sigMouseClicked.connect(self._plot_clicked)
        self.plot.scene().sigMouseMoved.connect(self._plot_hovered)
        return self.plot

    def _build_network_view(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        self.units_view = pg.GraphicsLayoutWidget()
        lay.addWidget(QLabel("Each hidden unit's activation a over the plane (rows: layers; "
                             f"up to {MAX_UNIT_MAPS} units a layer). Blue: low, yellow: high."))
        lay.addWidget(self.units_view, 3)
        row = QHBoxLayout()
        row.addWidget(QLabel("Plane warped into hidden layer"))
        self.warp_layer = QSpinBox()
        self.warp_layer.setRange(1, MAX_HIDDEN_LAYERS)
        self.warp_i = QSpinBox()
        self.warp_j = QSpinBox()
        for sp in (self.warp_i, self.warp_j):
            sp.setRange(1, MAX_UNITS)
        self.warp_j.setValue(2)
        for sp in (self.warp_layer, self.warp_i, self.warp_j):
            sp.valueChanged.connect(lambda _: self._redraw(force=True))
        row.addWidget(self.warp_layer)
        row.addWidget(QLabel("units"))
        row.addWidget(self.warp_i)
        row.addWidget(self.warp_j)
        row.addStretch(1)
        lay.addLayout(row)
        self.warp_plot = pg.PlotWidget()
        wp = self.warp_plot.getPlotItem()
        fixed_plot(wp)
        self.warp_grid = pg.PlotDataItem(pen=pg.mkPen((120, 120, 120, 160), width=1), connect="finite")
        self.warp_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5))
        wp.addItem(self.warp_grid)
        wp.addItem(self.warp_points)
        lay.addWidget(self.warp_plot, 2)
        self.network_note = QLabel()
        lay.addWidget(self.network_note)
        self._unit_items: list[pg.ImageItem] = []
        self._unit_shape: tuple = ()
        return w

    def _build_right(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        self.loss_plot = pg.PlotWidget()
        lp = self.loss_plot.getPlotItem()
        fixed_plot(lp)
        lp.setLabel("left", "loss J")
        lp.setLabel("bottom", "epoch")
        lp.addLegend(offset=(-5, 5), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 210))
        self.train_loss = lp.plot(pen=pg.mkPen("#0072B2", width=2), name="train")
        self.test_loss = lp.plot(pen=pg.mkPen("#D55E00", width=2, style=Qt.PenStyle.DashLine),
                                 name="test")
        lay.addWidget(self.loss_plot, 3)
        self.acc_plot = pg.PlotWidget()
        ap = self.acc_plot.getPlotItem()
        fixed_plot(ap)
        ap.setLabel("left", "accuracy")
        ap.setLabel("bottom", "epoch")
        ap.setYRange(0, 1.02, padding=0)
        self.train_acc = ap.plot(pen=pg.mkPen("#0072B2", width=2))
        self.test_acc = ap.plot(pen=pg.mkPen("#D55E00", width=2, style=Qt.PenStyle.DashLine))
        lay.addWidget(self.acc_plot, 2)

        self.bars_plot = pg.PlotWidget()
        bp = self.bars_plot.getPlotItem()
        fixed_plot(bp)
        bp.setLabel("left", "a = ŷ")
        bp.setYRange(0, 1.0, padding=0.02)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.7)
        bp.addItem(self.bars)
        self.bars_plot.setMaximumHeight(120)
        lay.addWidget(self.bars_plot, 1)
        self.probe_text = QTextBrowser()
        lay.addWidget(self.probe_text, 3)

        box = QGroupBox("Worked example: type z")
        v = QVBoxLayout(box)
        self.z_edit = QLineEdit(NOTES_Z)
        self.z_edit.textChanged.connect(self._worked_example)
        self.z_result = QLabel()
        self.z_result.setTextFormat(Qt.TextFormat.RichText)
        self.z_result.setWordWrap(True)
        v.addWidget(self.z_edit)
        v.addWidget(self.z_result)
        lay.addWidget(box)
        self._worked_example(NOTES_Z)
        return w

    # -- widgets to the lab ---------------------------------------------------------------------

    def _dataset_edited(self, index: int) -> None:
        name = self.dataset_combo.itemData(index)
        lo, hi = CLASS_RANGE[name]
        classes = min(max(self.lab.config.classes, lo), hi)
        self.lab.set_config(dataset=name, classes=classes)

    def _features_edited(self) -> None:
        names = [n for n, cb in self.feature_boxes.items() if cb.isChecked()]
        self.lab.set_config(features=names)

    def _hidden_edited(self) -> None:
        n = self.layers_spin.value()
        self.lab.set_config(hidden=[sp.value() for sp in self.unit_spins[:n]])

    def _reg_edited(self) -> None:
        kind = self.reg_combo.currentText()
        rate = self.reg_field.value()
        self.lab.set_config(l2=rate if kind == "L2" else 0.0, l1=rate if kind == "L1" else 0.0)

    def _optimizer_edited(self, **changes) -> None:
        if "optimizer" in changes and changes["optimizer"] != self.lab.config.optimizer:
            changes["hyper"] = {}  # the new optimizer's own defaults
        field = self.lr_field if "lr" in changes else None
        if not self.lab.set_config(**changes) and field is not None:
            field.set_invalid(True, "see the status bar")

    def _hyper_edited(self, key: str, value: float) -> None:
        hyper = dict(self.lab.config.hyper, **{key: value})
        if not self.lab.set_config(hyper=hyper):
            (self.beta2_field if key == "beta2" else self.beta_field).set_invalid(True)

    def _speed_edited(self, v: int) -> None:
        self.lab.set_speed(v)
        self.speed_label.setText(f"{v} mini-batches/frame")

    def _plot_point(self, ev) -> tuple[float, float] | None:
        vb = self.plot.getPlotItem().getViewBox()
        pos = ev.scenePos() if hasattr(ev, "scenePos") else ev
        if not vb.sceneBoundingRect().contains(pos):
            return None
        pt = vb.mapSceneToView(pos)
        return pt.x(), pt.y()

    def _plot_clicked(self, ev) -> None:
        xy = self._plot_point(ev)
        if xy is None:
            return
        if ev.button() == Qt.MouseButton.LeftButton:
            if self.lab.add_point(*xy):
                self.set_probe(*xy, label=self.lab.add_class)
        elif ev.button() == Qt.MouseButton.RightButton:
            self.lab.remove_nearest(*xy)

    def _plot_hovered(self, pos) -> None:
        xy = self._plot_point(pos)
        if xy is not None:
            self.set_probe(*xy)

    def set_probe(self, x: float, y: float, label: int | None = None) -> None:
        """Probe a point: its probabilities and the worked computation. Without a label, a
        training point under the cursor lends its own, else the 'Click adds' class is used."""
        if label is None:
            t = self.lab.trainer
            if len(t.y_train):
                d = np.hypot(t.X_train[:, 0] - x, t.X_train[:, 1] - y)
                i = int(np.argmin(d))
                label = int(t.y_train[i]) if d[i] < 0.05 else self.lab.add_class
            else:
                label = self.lab.add_class
        self._probe_at = (x, y)
        self._probe_label = label
        self._draw_probe()

    # -- the lab to the widgets -----------------------------------------------------------------

    def _status(self, text: str) -> None:
        win = self.window()
        if hasattr(win, "statusBar"):
            win.statusBar().showMessage(text, 8000)

    def _on_running(self, running: bool) -> None:
        if not running:
            self._redraw(force=True)

    def _on_config(self) -> None:
        c = self.lab.config
        t = self.lab.trainer
        lo, hi = CLASS_RANGE[c.dataset]
        widgets = [self.dataset_combo, self.classes_spin, self.n_spin, self.data_seed_spin,
                   self.layers_spin, *self.unit_spins, self.activation_combo, self.reg_combo,
                   self.opt_combo, self.batch_spin, self.seed_spin,
                   self.add_class_combo, *self.feature_boxes.values()]
        with blocked(*widgets):
            self.dataset_combo.setCurrentIndex(self.dataset_combo.findData(c.dataset))
            self.classes_spin.setRange(lo, hi)
            self.classes_spin.setValue(c.classes)
            self.classes_spin.setEnabled(lo != hi)
            self.n_spin.setValue(c.n)
            self.data_seed_spin.setValue(c.data_seed)
            self.layers_spin.setValue(len(c.hidden))
            for i, sp in enumerate(self.unit_spins):
                if i < len(c.hidden):
                    sp.setValue(c.hidden[i])
                sp.setEnabled(i < len(c.hidden))
            self.activation_combo.setCurrentText(c.activation)
            self.reg_combo.setCurrentText("L2" if c.l2 else "L1" if c.l1 else "none")
            self.opt_combo.setCurrentIndex(self.opt_combo.findData(c.optimizer))
            self.batch_spin.setRange(1, max(1, len(t.y_train)))
            self.batch_spin.setValue(min(c.batch_size, max(1, len(t.y_train))))
            self.seed_spin.setValue(c.seed)
            for name, cb in self.feature_boxes.items():
                cb.setChecked(name in c.features)
            self.add_class_combo.clear()
            for k in range(t.data.n_classes):
                pix = QPixmap(12, 12)
                pix.fill(QColor(CLASS_COLORS[k % len(CLASS_COLORS)]))
                self.add_class_combo.addItem(QIcon(pix), f"class {k}")
            self.add_class_combo.setCurrentIndex(self.lab.add_class)
        self.noise_field.set_value(c.noise)
        self.test_field.set_value(round(100 * c.test_fraction))
        self.reg_field.set_value(c.l2 or c.l1)
        self.lr_field.set_value(c.lr)
        opt_defaults = OPTIMIZERS[c.optimizer].defaults
        beta_key = BETA_KEY.get(c.optimizer)
        for wdg in (self.beta_field, self.beta_label):
            wdg.setVisible(beta_key is not None)
        for wdg in (self.beta2_field, self.beta2_label):
            wdg.setVisible(c.optimizer == "adam")
        if beta_key:
            self.beta_label.setText("β1" if beta_key == "beta1" else "β")
            self.beta_field.set_value(c.hyper.get(beta_key, opt_defaults[beta_key]))
        if c.optimizer == "adam":
            self.beta2_field.set_value(c.hyper.get("beta2", opt_defaults["beta2"]))
        self.schedule.show_schedule(c.schedule, c.schedule_params)
        self.speed_slider.setValue(self.lab.speed)
        self.speed_label.setText(f"{self.lab.speed} mini-batches/frame")
        can_compare = t.data.n_classes == 2 and not c.hidden
        self.logistic_box.setEnabled(can_compare)
        x0, x1, y0, y1 = t.data.domain
        self.region.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.plot.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._redraw(force=True)

    def _on_data(self) -> None:
        t = self.lab.trainer
        colors = [pg.mkBrush(CLASS_COLORS[int(c) % len(CLASS_COLORS)]) for c in t.y_train]
        self.train_points.setData(t.X_train[:, 0], t.X_train[:, 1], brush=colors)
        if self.test_box.isChecked() and len(t.data.y_test):
            pens = [pg.mkPen(CLASS_COLORS[int(c) % len(CLASS_COLORS)], width=2.2)
                    for c in t.data.y_test]
            self.test_points.setData(t.data.X_test[:, 0], t.data.X_test[:, 1], pen=pens)
        else:
            self.test_points.setData([], [])
        with blocked(self.batch_spin):
            self.batch_spin.setRange(1, max(1, len(t.y_train)))
        self._redraw(force=True)

    def _redraw(self, force: bool = False) -> None:
        t = self.lab.trainer
        self.proba = t.proba_grid(GRID)
        self.region.setImage(region_image(self.proba, self.discretize_box.isChecked()),
                             levels=None, autoLevels=False)
        self._draw_wrong()
        h = t.history
        ep = np.asarray(h.epoch, dtype=float)
        self.train_loss.setData(ep, h.train_loss)
        self.train_acc.setData(ep, h.train_acc)
        if len(t.data.y_test):
            self.test_loss.setData(ep, h.test_loss)
            self.test_acc.setData(ep, h.test_acc)
        else:
            self.test_loss.setData([], [])
            self.test_acc.setData([], [])
        self._curve_ranges(ep, h)
        self._draw_logistic()
        now = time.monotonic()
        if force or not self.lab.running or now - self._text_time > 0.1:
            self._text_time = now
            self._epoch_text()
            self._draw_probe()
            if self.views.currentIndex() == 1:
                self._draw_network()

    def _curve_ranges(self, ep: np.ndarray, h) -> None:
        xmax = max(10.0, float(2 ** np.ceil(np.log2(max(ep[-1], 1.0)))))
        vals = [v for v in (*h.train_loss, *h.test_loss) if np.isfinite(v)]
        ymax = max(vals) if vals else 1.0
        target = (xmax, float(np.ceil(ymax * 4) / 4 + 0.25))
        if target != getattr(self, "_ranges", None):
            self._ranges = target
            self.loss_plot.getPlotItem().setRange(xRange=(0, xmax), yRange=(0, target[1]),
                                                  padding=0)
            self.acc_plot.getPlotItem().setXRange(0, xmax, padding=0)

    def _draw_wrong(self) -> None:
        """Outline misclassified points, train and (when shown) test."""
        t = self.lab.trainer
        X = t.X_train
        y = t.y_train
        if self.test_box.isChecked() and len(t.data.y_test):
            X = np.concatenate([X, t.data.X_test])
            y = np.concatenate([y, t.data.y_test])
        if len(y) == 0:
            self.wrong_points.setData([], [])
            return
        pred = t.model.predict(featurize(X, t.config.features))
        bad = pred != y
        self.wrong_points.setData(X[bad, 0], X[bad, 1])

    def _draw_logistic(self) -> None:
        t = self.lab.trainer
        on = self.logistic_box.isChecked() and self.logistic_box.isEnabled()
        if not on or len(t.y_train) == 0:
            self.logistic_line.setData([np.nan], [np.nan])
            self.softmax_line.setData([np.nan], [np.nan])
            self.logistic_note = ""
            return
        xs, ys, pts = t.data.grid(GRID, dtype=np.float64)
        # The logistic fit depends on the points, features and L2 only, not on training: fit it
        # and draw its boundary once per training set, not every frame.
        key = (t.F_train, t.config.l2)
        cached = getattr(self, "_logistic", None)
        if cached is None or cached[0][0] is not key[0] or cached[0][1] != key[1]:
            w, b = fit_logistic(t.F_train, t.y_train, l2=max(t.config.l2, 1e-3))
            score = (featurize(pts, t.config.features) @ w + b).reshape(GRID, GRID)
            self._logistic = cached = (key, score)
            self.logistic_line.setData(*contour_polyline(xs, ys, score, [0.0]))
        score = cached[1]
        p1 = self.proba[..., 1].astype(float) - 0.5
        self.softmax_line.setData(*contour_polyline(xs, ys, p1, [0.0]))
        agree = float(np.mean((score > 0) == (p1 > 0)))
        self.logistic_note = (f"Logistic regression (dashed) and softmax regression (white line) "
                              f"agree on {100 * agree:.1f}% of the plane.")

    def _epoch_text(self) -> None:
        t = self.lab.trainer
        h = t.history

        def pct(v: float) -> str:
            return "—" if not np.isfinite(v) else f"{100 * v:.1f}%"

        text = (f"Epoch {t.epoch} (iteration {t.iteration}): train loss {h.train_loss[-1]:.3f}, "
                f"accuracy {pct(h.train_acc[-1])}; test accuracy {pct(h.test_acc[-1])}")
        if t.status == DIVERGED:
            text = "<span style='color:#D55E00'><b>Diverged</b></span>: last good weights. " + text
        if getattr(self, "logistic_note", ""):
            text += "<br>" + self.logistic_note
        self.epoch_label.setWordWrap(True)
        self.epoch_label.setText(text)

    def _draw_probe(self) -> None:
        t = self.lab.trainer
        if self._probe_at is None:
            self.probe_text.setHtml("<i>Hover over the plane to probe a point; click to add one.</i>")
            C = t.data.n_classes
            self.bars.setOpts(x=np.arange(C), height=np.zeros(C))
            self._bar_axis(C)
            self.probe_marker.setData([], [])
            return
        x, y = self._probe_at
        label = self._probe_label if self._probe_label is not None else None
        if label is not None and label >= t.data.n_classes:
            label = None
        r = t.probe(x, y, label)
        C = len(r["a"])
        self.bars.setOpts(x=np.arange(C), height=r["a"], width=0.7,
                          brushes=[pg.mkBrush(CLASS_COLORS[k % len(CLASS_COLORS)]) for k in range(C)])
        self._bar_axis(C)
        self.probe_marker.setData([x], [y])
        html = (f"<b>Probe at ({x:.2f}, {y:.2f})</b>: predicted class {r['predicted']}<br>"
                + softmax_html(r["z"], label))
        if html != self.probe_html:
            self.probe_html = html
            self.probe_text.setHtml(html)

    def _bar_axis(self, C: int) -> None:
        """One bar per class, labelled by its number."""
        bp = self.bars_plot.getPlotItem()
        bp.setXRange(-0.6, C - 0.4, padding=0)
        bp.getAxis("bottom").setTicks([[(k, str(k)) for k in range(C)]])

    def _worked_example(self, text: str) -> None:
        try:
            z = parse_z(text)
        except ValueError as exc:
            self.z_edit.setStyleSheet("QLineEdit { background: #ffd6d6; }")
            self.z_result.setText(f"<span style='color:#a00'>{exc}</span>")
            return
        self.z_edit.setStyleSheet("")
        self.z_result.setText(softmax_html(z))

    def _draw_network(self) -> None:
        t = self.lab.trainer
        hidden = t.config.hidden
        if not hidden:
            self.units_view.clear()
            self._unit_items, self._unit_shape = [], ()
            self.warp_grid.setData([np.nan], [np.nan])
            self.warp_points.setData([], [])
            self.network_note.setText("Softmax regression has no hidden layer: add one in Model.")
            return
        shape = tuple(min(u, MAX_UNIT_MAPS) for u in hidden)
        if shape != self._unit_shape:
            self.units_view.clear()
            self._unit_items = []
            for li, units in enumerate(shape):
                for ui in range(units):
                    vb = self.units_view.addViewBox(row=li, col=ui, lockAspect=True, enableMouse=False)
                    img = pg.ImageItem(axisOrder="row-major")
                    img.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
                    vb.addItem(img)
                    self._unit_items.append(img)
            self._unit_shape = shape
        _, _, pts = t.data.grid(UNIT_GRID, dtype=np.float32)
        values = t.model.hidden_values(featurize(pts, t.config.features))
        k = 0
        lo = -1.0 if t.config.activation == "tanh" else 0.0
        for li, units in enumerate(shape):
            a = values[li].a
            for ui in range(units):
                img = a[:, ui].reshape(UNIT_GRID, UNIT_GRID)
                hi = 1.0 if t.config.activation == "tanh" else max(float(img.max()), 1e-6)
                self._unit_items[k].setImage(img, levels=(lo, hi))
                k += 1
        self._draw_warp(values)

    def _draw_warp(self, _values) -> None:
        """The input plane's grid lines and the training points, mapped into two hidden units."""
        t = self.lab.trainer
        hidden = t.config.hidden
        layer = min(self.warp_layer.value(), len(hidden)) - 1
        i = min(self.warp_i.value(), hidden[layer]) - 1
        j = min(self.warp_j.value(), hidden[layer]) - 1
        x0, x1, y0, y1 = t.data.domain
        s = np.linspace(0, 1, 80)
        lines = []
        for v in np.linspace(0, 1, 13):
            lines.append(np.column_stack([x0 + s * (x1 - x0), np.full_like(s, y0 + v * (y1 - y0))]))
            lines.append(np.column_stack([np.full_like(s, x0 + v * (x1 - x0)), y0 + s * (y1 - y0)]))
        P = np.concatenate(lines)
        a = t.model.hidden_values(featurize(P, t.config.features))[layer].a
        gx = a[:, i].reshape(len(lines), -1)
        gy = a[:, j].reshape(len(lines), -1)
        nan = np.full((len(lines), 1), np.nan)
        self.warp_grid.setData(np.hstack([gx, nan]).ravel(), np.hstack([gy, nan]).ravel())
        if len(t.y_train):
            b = t.model.hidden_values(t.F_train)[layer].a
            colors = [pg.mkBrush(CLASS_COLORS[int(c) % len(CLASS_COLORS)]) for c in t.y_train]
            self.warp_points.setData(b[:, i], b[:, j], brush=colors)
        wp = self.warp_plot.getPlotItem()
        wp.setLabel("bottom", f"a{i + 1} of hidden layer {layer + 1}")
        wp.setLabel("left", f"a{j + 1} of hidden layer {layer + 1}")
        wp.enableAutoRange()
        self.network_note.setText("As in ConvNetJS: the grid of the input plane, bent by the "
                                  "network. The softmax layer draws straight boundaries in the "
                                  "space of the last hidden layer.")
        self.network_note.setWordWrap(True)

    # -- lifetime -------------------------------------------------------------------------------

    def csv_lines(self) -> list[str]:
        """Every point with its set, class and the model's prediction, for File > Export."""
        t = self.lab.trainer
        lines = ["set,x1,x2,class,predicted"]
        for kind, X, y in (("train", t.X_train, t.y_train), ("test", t.data.X_test, t.data.y_test)):
            if len(y):
                pred = t.model.predict(featurize(X, t.config.features))
                lines += [f"{kind},{a:.10g},{b:.10g},{c},{p}"
                          for (a, b), c, p in zip(X, y, pred, strict=True)]
        return lines

    def shutdown(self) -> None:
        self.lab.pause()

