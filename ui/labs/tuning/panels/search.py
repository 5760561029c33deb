"""The controls of a search over two hyperparameters (the Search and Coarse-to-fine lessons): each
axis's hyperparameter, scale and range, the budget, epochs and seed, where the trials run, and
the worker's progress bar with its Cancel button. Every widget is bound to the controller; a value
the engine refuses shows its message and the field goes back to the value in force."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from simulator.tuning import MAX_SEED
from simulator.tuning.lessons import RUN_ON
from simulator.tuning.space import AXES, AXIS_SCALES, LABELS, MAX_BUDGET
from simulator.tuning.trials import MAX_EPOCHS
from ui.framework.binder import Binder
from ui.framework.widgets import note_label, row

from ..explain_search import status_text
from .common import TrimmedField, group, spin

SCALE_TITLES = {"linear": "linear", "log": "log", "one_minus_log": "log of 1 − β", "int": "whole numbers",
                "pow2": "powers of 2", "choice": "choices"}
FIELD = (0.0, 100_000.0, 10, 0.0001)  # wide enough to reach every refusal, so the engine explains


def combo(items: dict[str, str]) -> QComboBox:
    c = QComboBox()
    for data, text in items.items():
        c.addItem(text, data)
    return c


class SearchControls(QWidget):
    """``axis_combos[i]``, ``scale_combos[i]``, ``range_fields[(i, end)]``, ``budget_spin``,
    ``epochs_spin``, ``seed_spin``; ``progress_bar`` and ``cancel_button`` while a search runs."""

    def __init__(self, lab, binder: Binder, key: str, budget_title: str = "trials per search") -> None:
        super().__init__()
        self.lab, self.binder, self.key = lab, binder, key
        self.axis_combos: list[QComboBox] = []
        self.scale_combos: list[QComboBox] = []
        self.range_fields: dict[tuple[int, str], TrimmedField] = {}
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.column.addWidget(self.status_label)
        self.column.addWidget(self._job_row())
        for i in range(2):
            self.column.addWidget(self._axis_group(i))
        self.column.addWidget(self._budget_group(budget_title))
        lab.job_changed.connect(self._job_changed)
        lab.job_progress.connect(lambda f: self.progress_bar.setValue(round(1000 * f)))
        self._job_changed(False)

    @property
    def settings(self):
        return self.lab.lessons[self.key].settings

    def _job_row(self) -> QWidget:
        box = QWidget()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the search; the trials trained so far stay")
        self.cancel_button.clicked.connect(self.lab.pause)
        box.setLayout(row(self.progress_bar, self.cancel_button, stretch=0))
        box.layout().setContentsMargins(0, 0, 0, 0)
        return box

    def _job_changed(self, running: bool) -> None:
        mine = self.lab.lesson_key == self.key
        self.cancel_button.setEnabled(running and mine)
        self.progress_bar.setEnabled(mine)

    def _axis_group(self, i: int) -> QGroupBox:
        lab, key, bind = self.lab, self.key, self.binder.bind
        box, form = group(f"Axis {i + 1}")
        names = combo({n: LABELS[n] for n in AXES})
        self.axis_combos.append(bind(names, lambda: self.settings.axes[i].name,
                                     lambda v: lab.configure(key, axis=i, name=v)))
        scales = combo({s: SCALE_TITLES[s] for s in AXIS_SCALES})
        self.scale_combos.append(bind(scales, lambda: self.settings.axes[i].scale,
                                      lambda v: lab.configure(key, axis=i, scale=v)))
        form.addRow("hyperparameter", names)
        form.addRow("scale", scales)
        for end in ("low", "high"):
            field = bind(TrimmedField(*FIELD), lambda end=end: getattr(self.settings.axes[i], end),
                         lambda v, end=end: lab.configure(key, axis=i, **{end: v}),
                         enabled=lambda: self.settings.axes[i].scale != "choice")
            self.range_fields[(i, end)] = field
            form.addRow(end, field)
        return box

    def _budget_group(self, title: str) -> QGroupBox:
        lab, key, bind = self.lab, self.key, self.binder.bind
        box, form = group("Budget")
        self.budget_spin = bind(spin(0, MAX_BUDGET), lambda: self.settings.budget,
                                lambda v: lab.configure(key, budget=v))
        self.epochs_spin = bind(spin(0, MAX_EPOCHS), lambda: self.settings.epochs,
                                lambda v: lab.configure(key, epochs=v))
        self.seed_spin = bind(spin(0, MAX_SEED), lambda: self.settings.seed,
                              lambda v: lab.configure(key, seed=v))
        self.epochs_spin.setToolTip("Epochs each trial trains; its score is its validation accuracy")
        form.addRow(title, self.budget_spin)
        form.addRow("epochs per trial", self.epochs_spin)
        form.addRow("seed", self.seed_spin)
        return box

    def show_status(self, text: str) -> None:
        if text != self.status_label.text():
            self.status_label.setText(text)
        value = round(1000 * self.lab.lessons[self.key].progress)
        if value != self.progress_bar.value():
            self.progress_bar.setValue(value)


class SearchPanel(QWidget):
    """The Search lesson: ``controls`` (a ``SearchControls``) and where the trials run."""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.controls = SearchControls(lab, binder, key)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.controls)
        lay.addWidget(self._run_on_group(binder))
        lay.addWidget(note_label("Play trains both searches in the background; Cancel (or Pause) "
                                 "stops them and keeps what they trained.", hint=True))
        lay.addStretch(1)

    def _run_on_group(self, binder: Binder) -> QGroupBox:
        lab, key = self.lab, self.key
        settings = lambda: lab.lessons[key].settings  # noqa: E731
        box, form = group("Run trials on")
        self.run_on_combo = binder.bind(combo(RUN_ON), lambda: settings().run_on,
                                        lambda v: lab.configure(key, run_on=v))
        self.address_edit = binder.bind(QLineEdit(), lambda: settings().address,
                                        lambda v: lab.configure(key, address=v),
                                        enabled=lambda: settings().run_on == "dask")
        self.address_edit.setToolTip("The Dask scheduler's address, e.g. tcp://10.0.0.5:8786")
        form.addRow(self.run_on_combo)
        form.addRow("scheduler", self.address_edit)
        return box

    def show_iteration(self) -> None:
        self.controls.show_status(status_text(self.lab.lessons[self.key]))


class CoarsePanel(QWidget):
    """The Coarse-to-fine lesson: ``controls`` (the axes of the whole space, trials per round,
    epochs, seed) and how to go from one round to the next."""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.controls = SearchControls(lab, binder, key, "trials per round")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.controls)
        lay.addWidget(note_label("Play trains round 1 over the whole space. Then drag the red box "
                                 "(or press Zoom on the best) and Resample: a new round of random "
                                 "trials inside it, each round with its own marker."))
        lay.addStretch(1)

    def show_iteration(self) -> None:
        self.controls.show_status(status_text(self.lab.lessons[self.key]))
