"""The Caviar lesson's controls: how many models, α's range (drawn on a log scale), the epochs
and the seed; Play trains them all at once, one epoch per frame."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from simulator.tuning.trials import MAX_EPOCHS
from ui.framework.binder import Binder
from ui.framework.widgets import note_label

from ..explain_search import status_text
from ..lessons.caviar import MAX_MODELS
from ..lessons.search_settings import MAX_SEED
from .common import TrimmedField, group, spin

READING = ("Each line is one model's validation accuracy; its colour is its α (dark: small, "
           "yellow: large). Thick red: the best so far. Below: each model's accuracy against its α.")


class CaviarPanel(QWidget):
    """``models_spin``, ``alpha_fields[end]``, ``epochs_spin``, ``seed_spin``, ``status_label``."""

    def __init__(self, lab, binder: Binder) -> None:
        super().__init__()
        self.lab = lab
        settings = lambda: lab.lessons["caviar"].settings  # noqa: E731
        bind = binder.bind
        box, form = group("Models")
        self.models_spin = bind(spin(0, MAX_MODELS), lambda: settings().models,
                                lambda v: lab.set_caviar(models=v))
        self.models_spin.setToolTip(f"How many models train at once (1 to {MAX_MODELS})")
        form.addRow("models", self.models_spin)
        self.alpha_fields = {}
        for i, end in enumerate(("low", "high")):
            self.alpha_fields[end] = bind(
                TrimmedField(0.0, 1000.0, 10, 0.0001), lambda i=i: settings().alpha[i],
                lambda v, i=i: lab.set_caviar(alpha=_with(settings().alpha, i, v)))
            form.addRow(f"α {end}", self.alpha_fields[end])
        self.epochs_spin = bind(spin(0, MAX_EPOCHS), lambda: settings().epochs,
                                lambda v: lab.set_caviar(epochs=v))
        self.seed_spin = bind(spin(0, MAX_SEED), lambda: settings().seed, lambda v: lab.set_caviar(seed=v))
        form.addRow("epochs", self.epochs_spin)
        form.addRow("seed", self.seed_spin)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.status_label, box, note_label(READING)):
            lay.addWidget(w)
        lay.addStretch(1)

    def show_iteration(self) -> None:
        self.status_label.setText(status_text(self.lab.lessons["caviar"]))


def _with(pair: tuple[float, float], i: int, v: float) -> tuple[float, float]:
    out = list(pair)
    out[i] = v
    return tuple(out)
