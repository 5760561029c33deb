"""The Caviar lesson's controls: how many models, α's range (drawn on a log scale), the epochs
and the seed; Play trains them all at once in the background, the curves growing as the epochs
come in."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from simulator.tuning import MAX_SEED
from simulator.tuning.lessons import MAX_MODELS
from simulator.tuning.trials import MAX_EPOCHS
from ui.framework.binder import Binder
from ui.framework.widgets import note_label

from ..explain_search import status_text
from .common import StatusLine, alpha_fields, column, group, spin

READING = ("Each line is one model's validation accuracy; its colour is its α (dark: small, "
           "yellow: large). Thick red: the best so far. Below: each model's accuracy against its α.")


class CaviarPanel(QWidget):
    """``models_spin``, ``alpha_fields[end]``, ``epochs_spin``, ``seed_spin``, ``status_label``."""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        settings = lambda: lab.lessons[key].settings  # noqa: E731
        bind = binder.bind
        box, form = group("Models")
        self.models_spin = bind(spin(0, MAX_MODELS), lambda: settings().models,
                                lambda v: lab.configure(key, models=v))
        self.models_spin.setToolTip(f"How many models train at once (1 to {MAX_MODELS})")
        form.addRow("models", self.models_spin)
        self.alpha_fields = alpha_fields(bind, form, settings, lambda a: lab.configure(key, alpha=a))
        self.epochs_spin = bind(spin(0, MAX_EPOCHS), lambda: settings().epochs,
                                lambda v: lab.configure(key, epochs=v))
        self.seed_spin = bind(spin(0, MAX_SEED), lambda: settings().seed,
                              lambda v: lab.configure(key, seed=v))
        form.addRow("epochs", self.epochs_spin)
        form.addRow("seed", self.seed_spin)
        self.status_label = StatusLine()
        column(self, self.status_label, box, note_label(READING))

    def show_iteration(self) -> None:
        self.status_label.setText(status_text(self.lab.lessons[self.key]))
