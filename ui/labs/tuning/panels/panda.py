"""The Panda lesson's controls: the model's α, β (Adam's β1), β2 and ε, which the user may change
while it trains (each change marks its curve), and its epochs and seed."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from simulator.tuning import MAX_SEED
from simulator.tuning.space import LABELS
from simulator.tuning.trials import MAX_EPOCHS
from ui.framework.binder import Binder
from ui.framework.widgets import note_label, row

from ..explain_search import status_text
from .common import StatusLine, TrimmedField, column, group, spin

FIELDS = {"lr": (0.0, 1000.0, 6, 0.001), "beta": (0.0, 1.0, 6, 0.01)}
READING = ("Change α while the model trains: its weights stay, and a dashed line marks the "
           "epoch. Too large and the curve jumps or diverges; too small and it crawls.")


class PandaPanel(QWidget):
    """``fields[name]`` (α, β), ``halve_button``/``double_button`` (α ÷ 2, α × 2), ``epochs_spin``,
    ``seed_spin`` and ``status_label``."""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        lesson = lambda: lab.lessons[key]  # noqa: E731
        bind = binder.bind
        box, form = group("Hyperparameters (change them while it trains)")
        self.fields = {}
        for name, spec in FIELDS.items():
            self.fields[name] = bind(TrimmedField(*spec), lambda n=name: lesson().current(n),
                                     lambda v, n=name: lab.configure(key, **{n: v}))
            form.addRow(LABELS[name], self.fields[name])
        self.halve_button = QPushButton("α ÷ 3")
        self.double_button = QPushButton("α × 3")
        self.halve_button.clicked.connect(lambda: lab.configure(key, lr=lesson().current("lr") / 3))
        self.double_button.clicked.connect(lambda: lab.configure(key, lr=lesson().current("lr") * 3))
        form.addRow(row(self.halve_button, self.double_button))
        run, run_form = group("Run")
        self.epochs_spin = bind(spin(0, MAX_EPOCHS), lambda: lesson().settings.epochs,
                                lambda v: lab.configure(key, epochs=v))
        self.seed_spin = bind(spin(0, MAX_SEED), lambda: lesson().settings.seed,
                              lambda v: lab.configure(key, seed=v))
        run_form.addRow("epochs", self.epochs_spin)
        run_form.addRow("seed", self.seed_spin)
        self.status_label = StatusLine()
        column(self, self.status_label, box, run, note_label(READING))

    def show_iteration(self) -> None:
        self.status_label.setText(status_text(self.lab.lessons[self.key]))
