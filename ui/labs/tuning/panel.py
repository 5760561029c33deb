"""The tuning lab's controls column: the run box (Play, Step, Reset, speed), then the controls of
the lesson in front, in a stack that follows the tabs. Each lesson's controls are its
``LESSONS`` entry's ``panel``."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QStackedWidget, QVBoxLayout, QWidget

from ui.framework.binder import Binder
from ui.framework.widgets import RunBox, note_label

from . import LESSONS

RUN_HINT = "Space plays or pauses, → steps, R starts over."


class TuningPanel(QWidget):
    """The controls column. Its widgets are public (tests drive them as a user would): the
    ``run_box``, the ``stack`` and each lesson's panel in ``lessons[key]`` (also an attribute
    named by the key: ``panel.scale``)."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.binder = Binder(lab)  # no view binds a widget, so the panel holds the page's binder
        self.stack = QStackedWidget()
        self.lessons: dict[str, QWidget] = {}
        for entry in LESSONS:
            panel = entry.panel(lab, self.binder, entry.key)
            self.lessons[entry.key] = panel
            setattr(self, entry.key, panel)
            self.stack.addWidget(panel)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self._run_group())
        column.addWidget(self.stack, 1)
        lab.lesson_changed.connect(self.follow)
        self.follow(lab.lesson_key)

    def _run_group(self) -> QGroupBox:
        box = QGroupBox("Run")
        lay = QVBoxLayout(box)
        self.run_box = RunBox(self.lab, "One step", "Start over", "steps")
        lay.addWidget(self.run_box)
        lay.addWidget(note_label(RUN_HINT, hint=True))
        return box

    def follow(self, key: str) -> None:
        """Show lesson ``key``'s controls, and name what its steps are in the run box."""
        self.stack.setCurrentWidget(self.lessons[key])
        lesson = self.lab.lessons[key]
        box = self.run_box
        box.unit = lesson.unit
        box.show_speed(self.lab.speed)
        box.step_button.setToolTip(f"{lesson.step_tip} (Right arrow)")
        box.reset_button.setToolTip(f"{lesson.reset_tip} (R)")

    def show_iteration(self) -> None:
        """The lesson in front's progress line."""
        self.lessons[self.lab.lesson_key].show_iteration()
