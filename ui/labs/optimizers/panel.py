"""The optimizer lab's controls column: run, surface and start, the racers and their
hyperparameters, learning-rate decay and mini-batch noise. Every widget is bound to a setting."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from simulator.race_settings import OPTIMIZER_NAMES
from simulator.surfaces import SURFACES
from ui.framework.binder import Binder
from ui.framework.plots import Throttle
from ui.framework.style import BETA_KEY, LABELS, OPTIMIZER_COLORS
from ui.framework.widgets import NumberField, RunBox, ScheduleEditor, note_label, row

from .explain import EPOCH_NOTE, iteration_text, noise_text
from .formula_dialog import FormulaButton
from .twins import twins_box


class OptimizerPanel(QWidget):
    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.binder = Binder(lab)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        twins, self.twin_rows = twins_box(lab)
        for box in (self._run_box(), self._surface_box(), self._optimizers_box(), twins,
                    self._schedule_box(), self._noise_box()):
            lay.addWidget(box)
        lay.addStretch(1)
        self.text_throttle = Throttle(10.0)
        lab.settings_changed.connect(self._show_notes)
        self._show_notes()

    def _bind(self, widget, read, write, enabled=None):
        return self.binder.bind(widget, read, write, enabled)

    def _run_box(self) -> QGroupBox:
        box = QGroupBox("Run")
        v = QVBoxLayout(box)
        self.run_box = RunBox(self.lab, "One step", "Back to the start", "steps")
        v.addWidget(self.run_box)
        self.narrate_box = self._bind(QCheckBox("Narrate each step in stages"),
                                      lambda: self.lab.narrate, self.lab.set_narrate)
        v.addWidget(self.narrate_box)
        self.iteration_label = QLabel()
        v.addWidget(self.iteration_label)
        return box

    def _surface_box(self) -> QGroupBox:
        lab = self.lab
        box = QGroupBox("Loss surface")
        v = QVBoxLayout(box)
        self.surface_combo = QComboBox()
        for name, s in SURFACES.items():
            self.surface_combo.addItem(s.title, name)
        self.surface_combo.addItem("Typed: f(x, y) (Formula…)", "formula")
        self._bind(self.surface_combo, lambda: lab.settings.surface.name, lab.set_surface)
        self.surface_note = note_label()
        self.start_x = self._bind(NumberField(-1e3, 1e3, 3, 0.1), lambda: lab.start[0],
                                  lambda x: lab.set_start(x, lab.start[1]))
        self.start_y = self._bind(NumberField(-1e3, 1e3, 3, 0.1), lambda: lab.start[1],
                                  lambda y: lab.set_start(lab.start[0], y))
        v.addLayout(row(self.surface_combo, FormulaButton(lab), stretch=0))
        v.addWidget(self.surface_note)
        v.addLayout(row("Start w1", self.start_x, "w2", self.start_y))
        v.addWidget(note_label("Click the surface to move the start.", hint=True))
        return box

    def _optimizers_box(self) -> QGroupBox:
        lab = self.lab
        hyper = lambda n, k: lambda: lab.settings.hyper[n][k]  # noqa: E731
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
            cb.setStyleSheet(f"QCheckBox {{ color: {OPTIMIZER_COLORS[name]}; font-weight: bold; }}")
            self.enable_boxes[name] = self._bind(cb, lambda n=name: bool(lab.settings.enabled.get(n)),
                                                 lambda on, n=name: lab.set_enabled(n, on))
            grid.addWidget(cb, r, 0)
            lr = NumberField(0.0, 1000.0, 5, 0.001)
            lr.setToolTip("learning rate α (α0 when a decay schedule is on)")
            self.lr_fields[name] = self._bind(lr, hyper(name, "lr"),
                                              lambda v, n=name: lab.set_hyper(n, "lr", v))
            grid.addWidget(lr, r, 1)
            if name in BETA_KEY:
                key = BETA_KEY[name]
                self.beta_fields[name] = self._bind(
                    NumberField(0.0, 1.0, 4, 0.01), hyper(name, key),
                    lambda v, n=name, k=key: lab.set_hyper(n, k, v))
                grid.addWidget(self.beta_fields[name], r, 2)
        self.beta2_field = self._bind(NumberField(0.0, 1.0, 4, 0.001), hyper("adam", "beta2"),
                                      lambda v: lab.set_hyper("adam", "beta2", v))
        grid.addWidget(self.beta2_field, len(OPTIMIZER_NAMES), 3)
        self.bias_box = self._bind(QCheckBox("Adam bias correction"),
                                   lambda: bool(lab.settings.hyper["adam"]["bias_correction"]),
                                   lambda on: lab.set_hyper("adam", "bias_correction", on))
        grid.addWidget(self.bias_box, len(OPTIMIZER_NAMES) + 1, 0, 1, 4)
        self.select_combo = QComboBox()
        for name in OPTIMIZER_NAMES:
            self.select_combo.addItem(LABELS[name], name)
        self._bind(self.select_combo, lambda: lab.settings.selected, lab.select)
        grid.addLayout(row("Explain", self.select_combo, stretch=1), len(OPTIMIZER_NAMES) + 2, 0, 1, 4)
        return box

    def _schedule_box(self) -> QGroupBox:
        box = QGroupBox("Learning-rate decay")
        v = QVBoxLayout(box)
        self.schedule = ScheduleEditor()
        self.schedule.edited.connect(lambda name, params: self.lab.set_schedule(name, **params))
        self.lab.shown_checks.append(self.schedule.check_shown(lambda: self.lab.settings.schedule_params))
        v.addWidget(self.schedule)
        v.addWidget(note_label(EPOCH_NOTE, hint=True))
        return box

    def _noise_box(self) -> QGroupBox:
        lab = self.lab
        box = QGroupBox("Mini-batch noise")
        form = QFormLayout(box)
        self.noise_slider = QSlider(Qt.Orientation.Horizontal)
        self.noise_slider.setRange(0, 100)
        self._bind(self.noise_slider, lambda: round(lab.settings.noise * 100),
                   lambda v: lab.set_noise(v / 100.0))
        self.noise_label = QLabel()
        self.noise_label.setWordWrap(True)
        form.addRow(self.noise_slider)
        form.addRow(self.noise_label)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setKeyboardTracking(False)
        self._bind(self.seed_spin, lambda: lab.settings.seed, lab.set_seed)
        form.addRow("Seed", self.seed_spin)
        return box

    def _show_notes(self) -> None:
        """What the binder does not show: the schedule, the surface's note, the noise's meaning."""
        s = self.lab.settings
        self.schedule.show_schedule(s.schedule, s.schedule_params)
        self.surface_note.setText(self.lab.surface.note)
        self.noise_label.setText(noise_text(s.noise))

    def draw(self) -> None:
        """The iteration counter (ten times a second while playing)."""
        lab = self.lab
        if self.text_throttle.ready(lab.running):
            self.iteration_label.setText(iteration_text(lab.iteration, lab.race.running))
