"""The Halving lesson's controls: how many trials start, the epochs of the first round and the
seed; a progress bar and Cancel while it runs in the worker."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget

from simulator.tuning import MAX_SEED
from ui.framework.binder import Binder
from ui.framework.widgets import note_label, row

from .common import StatusLine, column, group, spin

READING = ("Round 1 trains every trial briefly; each round keeps the best third and trains them "
           "longer, until one is left. The bars are the epochs each round spent: a fixed budget "
           "spread over many short runs and a few long ones.")


class HalvingPanel(QWidget):
    """``spins`` (trials, min_epochs, seed), ``progress_bar`` and ``cancel_button``."""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        settings = lambda: lab.lessons[key].settings  # noqa: E731
        box, form = group("Successive halving")
        self.spins = {}
        for name, title, hi in (("trials", "trials at first", 729), ("min_epochs", "epochs in round 1", 100),
                                ("seed", "seed", MAX_SEED)):
            self.spins[name] = binder.bind(spin(0, hi), lambda k=name: getattr(settings(), k),
                                          lambda v, k=name: lab.configure(key, **{k: v}))
            form.addRow(title, self.spins[name])
        self.status_label = StatusLine()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(lab.pause)
        lab.job_changed.connect(lambda on: self.cancel_button.setEnabled(on and lab.lesson_key == key))
        self.cancel_button.setEnabled(False)
        lay = column(self, self.status_label, box, note_label(READING))
        lay.insertLayout(1, row(self.progress_bar, self.cancel_button, stretch=0))

    def show_iteration(self) -> None:
        lesson = self.lab.lessons[self.key]
        self.progress_bar.setValue(round(1000 * lesson.progress))
        if lesson.result is not None:
            text = f"Done: {len(lesson.result.rounds)} rounds, {lesson.result.spent} epochs"
        elif lesson.trials:
            text = f"{len(lesson.trials)} trials; the longest has trained {lesson.iteration} epochs"
        else:
            text = "Press Play to run successive halving in the background."
        self.status_label.setText(text)
