"""What every lab's controller shares: a QTimer on the GUI thread and play / pause / toggle."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from simulator.datasets import CLASS_RANGE
from simulator.training import ClassifierConfig


def with_changes(config: ClassifierConfig, changes: dict[str, Any]) -> ClassifierConfig:
    """A copy of ``config`` with ``changes``. A new data set keeps the number of classes where it
    allows it, else the nearest it allows (moons has 2, blobs 2 to 8)."""
    changes = dict(changes)
    if "dataset" in changes and "classes" not in changes:
        lo, hi = CLASS_RANGE.get(changes["dataset"], (1, 64))
        changes["classes"] = min(max(config.classes, lo), hi)
    return dataclasses.replace(copy.deepcopy(config), **changes)


class TimedLab(QObject):
    """A controller that advances its engine on a timer: each tick runs ``_tick`` (some engine
    steps), after which the lab emits ``stepped`` for the views to redraw once."""

    stepped = Signal()
    running_changed = Signal(bool)
    error = Signal(str)  # a clear message for the status bar; the state is unchanged
    message = Signal(str)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _ready_to_play(self) -> bool:
        """Subclasses prepare here (or refuse, with a message) before the timer starts."""
        return True

    def _tick(self) -> None:
        raise NotImplementedError

    @Slot()
    def play(self) -> None:
        if self.running or not self._ready_to_play():
            return
        self._timer.start()
        self.running_changed.emit(True)

    @Slot()
    def pause(self) -> None:
        if self.running:
            self._timer.stop()
            self.running_changed.emit(False)

    @Slot()
    def toggle(self) -> None:
        self.pause() if self.running else self.play()
