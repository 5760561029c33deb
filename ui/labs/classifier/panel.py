"""The classifier lab's controls column: run, data, input features, model and optimizer, each
widget bound to its setting with a ``Binder``."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from simulator.classifier.plane import LogisticComparison
from simulator.datasets import CLASS_RANGE, DATASETS, TURNS_RANGE, make_dataset
from simulator.optimizers import OPTIMIZERS
from simulator.training import FEATURES, MAX_HIDDEN_LAYERS, MAX_UNITS
from ui.framework.binder import Binder
from ui.framework.style import BETA_KEY, LABELS, class_color
from ui.framework.widgets import NumberField, RunBox, ScheduleEditor, blocked, note_label, row

from .controller import REGULARIZATION, ClassifierController
from .own_data_button import OwnDataButton

SEED_MAX = 2**31 - 1
NEW_LAYER_UNITS = 8  # what a newly added hidden layer starts with
DEFAULT_RATE = 0.001  # λ offered when regularization is switched on from none


def dataset_icon(name: str, size: int = 40) -> QIcon:
    """A thumbnail of a data set, drawn from the engine's own points."""
    kw = {"classes": 3} if CLASS_RANGE[name][1] > 2 else {}
    d = make_dataset(name, n=150, seed=1, test_fraction=0.0, **kw)
    pix = QPixmap(size, size)
    pix.fill(QColor("white"))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    x0, x1, y0, y1 = d.domain
    for (x, y), c in zip(d.X_train, d.y_train, strict=True):
        p.setBrush(QColor(class_color(c)))
        p.drawEllipse(QPointF((x - x0) / (x1 - x0) * size, (1 - (y - y0) / (y1 - y0)) * size),
                      1.6, 1.6)
    p.end()
    return QIcon(pix)


def _spin(lo: int, hi: int, step: int = 1) -> QSpinBox:
    sp = QSpinBox()
    sp.setRange(lo, hi)
    sp.setSingleStep(step)
    sp.setKeyboardTracking(False)
    return sp


def _combo(items: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo


class ClassifierPanel(QWidget):
    """The controls. The view options (``discretize_box``, ``test_box``) are not settings: the
    page connects them to the plane. ``epoch_label`` shows the run's line."""

    def __init__(self, lab: ClassifierController) -> None:
        super().__init__()
        self.lab = lab
        # Ranges and choices that follow the data (classes, mini-batch, "Click adds") must be set
        # before the binder shows the values: connect them first, so they run first.
        lab.settings_changed.connect(self._refresh_choices)
        lab.data_changed.connect(self._refresh_choices)
        self.binder = Binder(lab)
        lab.data_changed.connect(self.binder.refresh)
        lab.settings_changed.connect(self._show_optimizer)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        # Run first: at 800 pixels high the bottom of this column needs scrolling.
        for group in (self._run_group(), self._data_group(), self._features_group(),
                      self._model_group(), self._optimizer_group()):
            lay.addWidget(group)
        lay.addStretch(1)
        self._refresh_choices()
        self._show_optimizer()

    # -- groups ---------------------------------------------------------------------------------

    def _run_group(self) -> QGroupBox:
        lab = self.lab
        box = QGroupBox("Run")
        grid = QGridLayout(box)
        self.epoch_button = QPushButton("Epoch")
        self.epoch_button.setToolTip("One whole epoch")
        self.epoch_button.clicked.connect(lab.step_epoch)
        self.run_box = RunBox(lab, "One mini-batch", "New weights from the seed", "mini-batches",
                              extra=(self.epoch_button,))
        grid.addWidget(self.run_box, 0, 0, 1, 4)
        self.seed_spin = self.binder.bind(_spin(0, SEED_MAX), lambda: lab.settings.seed,
                                          lambda v: lab.configure(seed=v))
        grid.addWidget(QLabel("Weight seed"), 1, 0, 1, 2)
        grid.addWidget(self.seed_spin, 1, 2, 1, 2)
        self.discretize_box = QCheckBox("Discretize regions")
        self.test_box = QCheckBox("Show test points")
        self.test_box.setChecked(True)
        # Ticked only while it applies (two classes, no hidden layer), greyed out otherwise.
        self.logistic_box = self.binder.bind(
            QCheckBox("Compare with logistic regression (C = 2)"), lambda: lab.comparing,
            lab.set_compare_logistic, enabled=lambda: LogisticComparison.applies(lab.trainer))
        grid.addWidget(self.discretize_box, 2, 0, 1, 2)
        grid.addWidget(self.test_box, 2, 2, 1, 2)
        grid.addWidget(self.logistic_box, 3, 0, 1, 4)
        self.epoch_label = QLabel()
        self.epoch_label.setWordWrap(True)
        grid.addWidget(self.epoch_label, 4, 0, 1, 4)
        return box

    def _data_group(self) -> QGroupBox:
        lab, bind = self.lab, self.binder.bind
        box = QGroupBox("Data")
        form = QFormLayout(box)
        self.dataset_combo = QComboBox()
        self.dataset_combo.setIconSize(QSize(40, 40))
        for name in DATASETS:
            self.dataset_combo.addItem(dataset_icon(name), name, name)
        bind(self.dataset_combo, lambda: lab.settings.dataset, lambda v: lab.configure(dataset=v))
        form.addRow("Set", row(self.dataset_combo, OwnDataButton(lab), stretch=0))
        self.classes_spin = _spin(*CLASS_RANGE[lab.settings.dataset])
        bind(self.classes_spin, lambda: lab.settings.classes, lambda v: lab.configure(classes=v),
             enabled=self._classes_vary)
        form.addRow("Classes", self.classes_spin)
        self.noise_field = bind(NumberField(0.0, 1.0, 2, 0.05), lambda: lab.settings.noise,
                                lambda v: lab.configure(noise=v))
        form.addRow("Noise", self.noise_field)
        self.turns_field = bind(NumberField(*TURNS_RANGE, 2, 0.25), lambda: lab.settings.turns,
                                lambda v: lab.configure(turns=v),
                                enabled=lambda: lab.settings.dataset == "spiral")
        self.turns_field.setToolTip("How many times each spiral arm winds round: 0.64 is "
                                    "CS231n's spiral, 1.75 TensorFlow Playground's")
        form.addRow("Spiral turns", self.turns_field)
        self.test_field = NumberField(0.0, 90.0, 0, 5.0)
        self.test_field.setSuffix(" %")
        bind(self.test_field, lambda: round(100 * lab.settings.test_fraction),
             lambda v: lab.configure(test_fraction=v / 100.0))
        form.addRow("Test share", self.test_field)
        self.n_spin = bind(_spin(20, 2000, 50), lambda: lab.settings.n,
                           lambda v: lab.configure(n=v))
        form.addRow("Points", self.n_spin)
        self.data_seed_spin = bind(_spin(0, SEED_MAX), lambda: lab.settings.data_seed,
                                   lambda v: lab.configure(data_seed=v))
        self.regen_button = QPushButton("Regenerate")
        self.regen_button.clicked.connect(lab.regenerate)
        form.addRow("Seed", row(self.data_seed_spin, self.regen_button, stretch=0))
        self.add_class_combo = QComboBox()
        self._show_add_classes()
        bind(self.add_class_combo, lambda: lab.add_class, lab.set_add_class)
        form.addRow("Click adds", self.add_class_combo)
        form.addRow(note_label("Left-click the plot to add a point, right-click to remove the "
                               "nearest.", hint=True))
        return box

    def _features_group(self) -> QGroupBox:
        lab = self.lab
        box = QGroupBox("Input features")
        grid = QGridLayout(box)
        self.feature_boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(FEATURES):
            cb = self.binder.bind(QCheckBox(name), lambda n=name: n in lab.settings.features,
                                  lambda on, n=name: lab.set_feature(n, on))
            self.feature_boxes[name] = cb
            grid.addWidget(cb, i // 4, i % 4)
        return box

    def _model_group(self) -> QGroupBox:
        lab, bind = self.lab, self.binder.bind
        box = QGroupBox("Model")
        form = QFormLayout(box)
        self.layers_spin = _spin(0, MAX_HIDDEN_LAYERS)
        self.layers_spin.setSpecialValueText("0 (softmax regression)")
        bind(self.layers_spin, lambda: len(lab.settings.hidden),
             lambda n: lab.configure(hidden=self._units(n)))
        form.addRow("Hidden layers", self.layers_spin)
        units = QHBoxLayout()
        self.unit_spins: list[QSpinBox] = []
        for i in range(MAX_HIDDEN_LAYERS):
            sp = _spin(1, MAX_UNITS)
            sp.setValue(NEW_LAYER_UNITS)
            self.unit_spins.append(sp)
            bind(sp, lambda i=i, sp=sp: self._shown_units(i, sp),
                 lambda _v: lab.configure(hidden=self._units(len(lab.settings.hidden))),
                 enabled=lambda i=i: i < len(lab.settings.hidden))
            units.addWidget(sp)
        form.addRow("Units", units)
        self.activation_combo = bind(_combo([("tanh", "tanh"), ("relu", "relu")]),
                                     lambda: lab.settings.activation,
                                     lambda v: lab.configure(activation=v),
                                     enabled=lambda: bool(lab.settings.hidden))
        form.addRow("Activation", self.activation_combo)
        self.reg_combo = _combo([(k, k) for k in REGULARIZATION])
        self.reg_field = NumberField(0.0, 100.0, 4, 0.01)
        self.reg_field.set_value(DEFAULT_RATE)
        bind(self.reg_combo, lambda: lab.regularization[0],
             lambda kind: lab.set_regularization(kind, self.reg_field.value()))
        # Without regularization the field keeps the rate that choosing L2 or L1 will use.
        bind(self.reg_field, lambda: lab.regularization[1] or self.reg_field.value() or DEFAULT_RATE,
             lambda v: lab.set_regularization(lab.regularization[0], v),
             enabled=lambda: lab.regularization[0] != "none")
        form.addRow("Regularization", row(self.reg_combo, "λ", self.reg_field, stretch=2))
        return box

    def _optimizer_group(self) -> QGroupBox:
        lab, bind = self.lab, self.binder.bind
        box = QGroupBox("Optimizer")
        form = QFormLayout(box)
        self.opt_combo = bind(_combo([(LABELS[n], n) for n in OPTIMIZERS]),
                              lambda: lab.settings.optimizer, lab.set_optimizer)
        form.addRow("Optimizer", self.opt_combo)
        self.lr_field = bind(NumberField(0.0, 1000.0, 5, 0.001), lambda: lab.settings.lr,
                             lambda v: lab.configure(lr=v))
        form.addRow("α", self.lr_field)
        self.beta_label, self.beta2_label = QLabel("β"), QLabel("β2")
        self.beta_field = bind(NumberField(0.0, 1.0, 4, 0.01), lambda: self._hyper(self._beta_key()),
                               lambda v: lab.set_hyper(self._beta_key() or "beta", v))
        self.beta2_field = bind(NumberField(0.0, 1.0, 4, 0.001), lambda: self._hyper("beta2"),
                                lambda v: lab.set_hyper("beta2", v))
        form.addRow(row(self.beta_label, self.beta_field, self.beta2_label, self.beta2_field))
        self.schedule = ScheduleEditor()
        self.schedule.edited.connect(
            lambda name, params: lab.configure(schedule=name, schedule_params=params))
        lab.shown_checks.append(self.schedule.check_shown(lambda: lab.settings.schedule_params))
        form.addRow(self.schedule)
        self.batch_spin = _spin(1, 100000)
        self._show_batch_range()
        bind(self.batch_spin, lambda: min(lab.settings.batch_size, self.batch_spin.maximum()),
             lambda v: lab.configure(batch_size=v))
        self.full_batch_button = QPushButton("Full batch")
        self.full_batch_button.clicked.connect(
            lambda: lab.configure(batch_size=max(1, len(lab.trainer.y_train))))
        form.addRow("Mini-batch", row(self.batch_spin, self.full_batch_button, stretch=0))
        return box

    # -- reading the widgets --------------------------------------------------------------------

    def _units(self, layers: int) -> list[int]:
        """Hidden layer sizes from the unit boxes: a new layer takes what its box shows."""
        return [sp.value() for sp in self.unit_spins[:layers]]

    def _shown_units(self, i: int, sp: QSpinBox) -> int:
        hidden = self.lab.settings.hidden
        return hidden[i] if i < len(hidden) else sp.value()

    def _classes_vary(self) -> bool:
        lo, hi = CLASS_RANGE[self.lab.settings.dataset]
        return lo != hi

    def _beta_key(self) -> str | None:
        return BETA_KEY.get(self.lab.settings.optimizer)

    def _hyper(self, key: str | None) -> float:
        return float(self.lab.settings.optimizer_spec.full_hyper.get(key, 0.0)) if key else 0.0

    # -- the lab to the widgets (what the binder does not cover) --------------------------------

    def _refresh_choices(self) -> None:
        lo, hi = CLASS_RANGE[self.lab.settings.dataset]
        with blocked(self.classes_spin):
            self.classes_spin.setRange(lo, hi)
        self._show_batch_range()
        self._show_add_classes()

    def _show_batch_range(self) -> None:
        with blocked(self.batch_spin):
            self.batch_spin.setRange(1, max(1, len(self.lab.trainer.y_train)))

    def _show_add_classes(self) -> None:
        """One "Click adds" entry per class, with its colour."""
        combo, n = self.add_class_combo, self.lab.trainer.data.n_classes
        if combo.count() == n:
            return
        with blocked(combo):
            combo.clear()
            for k in range(n):
                pix = QPixmap(12, 12)
                pix.fill(QColor(class_color(k)))
                combo.addItem(QIcon(pix), f"class {k}", k)
            combo.setCurrentIndex(self.lab.add_class)

    def _show_optimizer(self) -> None:
        """β (β1 for Adam) and β2 appear for the optimizers that have them; the schedule."""
        c = self.lab.settings
        key = self._beta_key()
        for w in (self.beta_field, self.beta_label):
            w.setVisible(key is not None)
        for w in (self.beta2_field, self.beta2_label):
            w.setVisible(c.optimizer == "adam")
        self.beta_label.setText("β1" if key == "beta1" else "β")
        self.schedule.show_schedule(c.schedule, c.schedule_params)
