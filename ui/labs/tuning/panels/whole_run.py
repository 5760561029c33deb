"""The controls of a lesson that runs whole in the worker (``simulator.tuning.lessons.WholeRun``):
its settings as spin boxes, a status line, a progress bar and Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget

from ui.framework.binder import Binder
from ui.framework.widgets import note_label, row

from .common import StatusLine, column, group, spin


class WholeRunPanel(QWidget):
    """``spins`` (one per setting in ``SPINS``: name, title, highest), ``status_label``,
    ``progress_bar`` and ``cancel_button``. Subclasses set ``TITLE``, ``SPINS`` and ``READING``
    and say where the run stands in ``status(lesson)``."""

    TITLE = ""
    SPINS: tuple[tuple[str, str, int], ...] = ()
    READING = ""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        settings = lambda: lab.lessons[key].settings  # noqa: E731
        box, form = group(self.TITLE)
        self.spins = {}
        for name, title, hi in self.SPINS:
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
        lay = column(self, self.status_label, box, note_label(self.READING))
        lay.insertLayout(1, row(self.progress_bar, self.cancel_button, stretch=0))

    def show_iteration(self) -> None:
        lesson = self.lab.lessons[self.key]
        self.progress_bar.setValue(round(1000 * lesson.progress))
        self.status_label.setText(self.status(lesson))

    def status(self, lesson) -> str:
        raise NotImplementedError
