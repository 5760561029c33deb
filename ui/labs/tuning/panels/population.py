"""The Population lesson's controls: the population's size, how often the weak copy the strong,
α's range (drawn on a log scale), the epochs and the seed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from simulator.tuning import MAX_SEED
from simulator.tuning.trials import MAX_EPOCHS
from ui.framework.binder import Binder
from ui.framework.widgets import note_label

from .common import StatusLine, alpha_fields, column, group, spin

READING = ("Top: each member's α over the epochs (the schedule the population found); a dot "
           "where a weak member copied a strong one and perturbed its α (× 0.8 or × 1.25). "
           "Bottom: the members' validation accuracy; thick red: the best.")


class PopulationPanel(QWidget):
    """``spins`` (size, interval, epochs, seed), ``alpha_fields[end]`` and ``status_label``."""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        settings = lambda: lab.lessons[key].settings  # noqa: E731
        bind = binder.bind
        box, form = group("Population")
        specs = (("size", "members", 0, 1024), ("interval", "copy every (epochs)", 0, 1000),
                 ("epochs", "epochs", 0, MAX_EPOCHS), ("seed", "seed", 0, MAX_SEED))
        self.spins = {}
        for name, title, lo, hi in specs:
            self.spins[name] = bind(spin(lo, hi), lambda k=name: getattr(settings(), k),
                                    lambda v, k=name: lab.configure(key, **{k: v}))
            form.addRow(title, self.spins[name])
        self.alpha_fields = alpha_fields(bind, form, settings, lambda a: lab.configure(key, alpha=a))
        self.status_label = StatusLine()
        column(self, self.status_label, box, note_label(READING))

    def show_iteration(self) -> None:
        lesson = self.lab.lessons[self.key]
        self.status_label.setText(f"Epoch {lesson.iteration} of {lesson.settings.epochs} · "
                                  f"{len(lesson.pbt.events)} copies so far")
