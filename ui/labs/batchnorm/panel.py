"""The batch-norm lab's controls column: run buttons, data and network, the EWA momentum, the
mini-batch size, bias correction and the watched unit, each bound to the controller."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from simulator.datasets import DATASETS
from simulator.nn import ACTIVATIONS
from simulator.optimizers import OPTIMIZERS
from simulator.training import MAX_HIDDEN_LAYERS, MAX_UNITS
from ui.framework.binder import Binder
from ui.framework.style import LABELS
from ui.framework.widgets import NumberField, RunBox, note_label

from .controller import BATCH_RANGE, MOMENTUM_RANGE
from .explain import corrected_label, iteration_text, momentum_label

MOMENTUM_STEPS = 1000  # slider positions for the EWA momentum, evenly spaced in log(1 - momentum)
BATCH_POWERS = int(math.log2(BATCH_RANGE[1]))  # the batch-size slider: 2^0 .. 2^9 = 1 .. 512


def momentum_from_slider(pos: int) -> float:
    """Slider position -> EWA momentum in MOMENTUM_RANGE, evenly spaced in log10(1 - momentum),
    3 decimals."""
    lo, hi = MOMENTUM_RANGE
    a, b = math.log10(1 - lo), math.log10(1 - hi)
    return round(1 - 10 ** (a + (b - a) * pos / MOMENTUM_STEPS), 3)


def slider_from_momentum(momentum: float) -> int:
    lo, hi = MOMENTUM_RANGE
    a, b = math.log10(1 - lo), math.log10(1 - hi)
    momentum = min(max(momentum, lo), hi)
    return int(round((math.log10(1 - momentum) - a) / (b - a) * MOMENTUM_STEPS))


def _group(title: str, layout: type) -> tuple[QGroupBox, Any]:
    """A titled group box and its layout (a QFormLayout or QVBoxLayout class)."""
    box = QGroupBox(title)
    return box, layout(box)


class BatchNormPanel(QWidget):
    """The controls column. Its widgets are public (tests drive them as a user would)."""

    def __init__(self, lab, binder: Binder) -> None:
        super().__init__()
        self.lab, self.binder = lab, binder
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self._run_box())
        lay.addWidget(self._data_box())
        lay.addWidget(self._batchnorm_box())
        lay.addWidget(self._watch_box())
        lay.addStretch(1)
        lab.settings_changed.connect(self.show_labels)
        self.show_labels()
        self.show_iteration()

    def _run_box(self) -> QGroupBox:
        box, lay = _group("Run", QVBoxLayout)
        self.run_box = RunBox(self.lab, "One mini-batch for each twin",
                              "Both twins back to their first weights", "mini-batches")
        self.iteration_label = QLabel()
        for w in (self.run_box, self.iteration_label,
                  note_label("Space plays or pauses, → steps, R resets.", hint=True)):
            lay.addWidget(w)
        return box

    def _data_box(self) -> QGroupBox:
        lab, bind = self.lab, self.binder.bind
        box, form = _group("Data and network", QFormLayout)
        self.dataset_combo = QComboBox()
        for name in DATASETS:
            self.dataset_combo.addItem(name, name)
        bind(self.dataset_combo, lambda: lab.settings.dataset, lambda v: lab.configure(dataset=v))
        form.addRow("Data set", self.dataset_combo)
        self.hidden_edit = bind(QLineEdit(), lambda: ", ".join(str(u) for u in lab.settings.hidden),
                                lab.set_hidden)
        self.hidden_edit.setToolTip(f"Units per hidden layer, e.g. 16, 16 (1 to {MAX_HIDDEN_LAYERS} "
                                    f"layers of 1 to {MAX_UNITS})")
        form.addRow("Hidden", self.hidden_edit)
        self.activation_combo = QComboBox()
        for name in ACTIVATIONS:
            self.activation_combo.addItem(name, name)
        bind(self.activation_combo, lambda: lab.settings.activation,
             lambda v: lab.configure(activation=v))
        form.addRow("Activation", self.activation_combo)
        self.optimizer_combo = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer_combo.addItem(LABELS.get(name, name), name)
        bind(self.optimizer_combo, lambda: lab.settings.optimizer,
             lambda v: lab.configure(optimizer=v, hyper={}))
        form.addRow("Optimizer", self.optimizer_combo)
        self.lr_field = bind(NumberField(0.0, 10.0, 4, 0.01), lambda: lab.settings.lr,
                             lambda v: lab.configure(lr=v))
        form.addRow("Learning rate α", self.lr_field)
        return box

    def _batchnorm_box(self) -> QGroupBox:
        lab, bind = self.lab, self.binder.bind
        box, lay = _group("Batch norm", QVBoxLayout)
        self.momentum_label = QLabel()
        self.momentum_label.setWordWrap(True)  # a narrow column at a high zoom: two lines
        self.momentum_slider = QSlider(Qt.Orientation.Horizontal)
        self.momentum_slider.setRange(0, MOMENTUM_STEPS)
        self.momentum_slider.setToolTip("The weight of the old value in the EWA of μ and σ² that "
                                        "test time uses (the settings' bn_momentum)")
        bind(self.momentum_slider, lambda: slider_from_momentum(lab.momentum),
             lambda pos: lab.set_momentum(momentum_from_slider(pos)))
        self.batch_label = QLabel()
        self.batch_slider = QSlider(Qt.Orientation.Horizontal)
        self.batch_slider.setRange(0, BATCH_POWERS)
        self.batch_slider.setPageStep(1)
        self.batch_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        bind(self.batch_slider, lambda: int(round(math.log2(max(1, lab.settings.batch_size)))),
             lambda p: lab.set_batch_size(2**p))
        self.corrected_box = bind(QCheckBox(corrected_label()), lambda: lab.corrected,
                                  lab.set_corrected)
        self.undo_button = QPushButton("Undo: γ = √(σ² + ε), β = μ")
        self.undo_button.setToolTip("Set the watched layer's γ and β from the last mini-batch's "
                                    "μ and σ², so that z̃ = z")
        self.undo_button.clicked.connect(lambda: lab.undo_normalization())
        for w in (self.momentum_label, self.momentum_slider, self.batch_label, self.batch_slider,
                  self.corrected_box, self.undo_button):
            lay.addWidget(w)
        return box

    def _watch_box(self) -> QGroupBox:
        """The watched unit: layer l and unit j, from 1, their ranges following the network."""
        lab = self.lab
        box, form = _group("Watch", QFormLayout)
        self.layer_spin = self.binder.bind(QSpinBox(), lambda: lab.layer + 1,
                                           lambda v: lab.watch(v - 1, lab.unit),
                                           limits=lambda: (1, len(lab.experiment.units)))
        self.unit_spin = self.binder.bind(QSpinBox(), lambda: lab.unit + 1,
                                          lambda v: lab.watch(lab.layer, v - 1),
                                          limits=lambda: (1, lab.experiment.units[lab.layer]))
        form.addRow("Hidden layer l", self.layer_spin)
        form.addRow("Unit j", self.unit_spin)
        return box

    def show_labels(self) -> None:
        """The texts that follow the settings: the EWA momentum and the mini-batch size."""
        self.momentum_label.setText(momentum_label(self.lab.momentum))
        self.batch_label.setText(f"Mini-batch size m = {self.lab.settings.batch_size}")

    def show_iteration(self) -> None:
        e = self.lab.experiment
        self.iteration_label.setText(iteration_text(e.iteration, e.bn.epoch, e.settings.batch_size))
