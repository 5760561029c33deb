"""The classifier lab's controller: owns the trainer and the timer; the page's views subscribe.

Every change goes through ``set_config`` (or the point editors), which validates in the engine: a
bad value emits ``error`` with the engine's message and leaves the trainer as it was.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from simulator.training import DIVERGED, ClassifierConfig, ClassifierTrainer

from .lab_base import TimedLab, with_changes

MAX_SPEED = 50


class ClassifierLab(TimedLab):
    """Slots play, pause, step, reset. ``stepped``: the model changed (redraw regions, curves,
    probe); ``config_changed``: reflect the settings into the widgets; ``data_changed``: the points
    changed."""

    config_changed = Signal()
    data_changed = Signal()

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent, interval_ms)
        self.trainer = ClassifierTrainer(ClassifierConfig())
        self.speed = 2  # mini-batch steps per frame
        self.add_class = 0
        self._announced = False

    @property
    def config(self) -> ClassifierConfig:
        return self.trainer.config

    # -- settings -------------------------------------------------------------------------------

    def set_config(self, **changes: Any) -> bool:
        """Change settings; True if adopted. Data and architecture changes restart training."""
        try:
            new = with_changes(self.config, changes)
            rebuilt = self.trainer.apply(new)
        except (TypeError, ValueError) as exc:
            self.error.emit(str(exc))
            self.config_changed.emit()  # put the widgets back to the settings in force
            return False
        self._announced = False
        self.add_class = min(self.add_class, self.trainer.data.n_classes - 1)
        self.config_changed.emit()
        if rebuilt:
            self.data_changed.emit()
        self.stepped.emit()
        return True

    def regenerate(self) -> None:
        """New points: the next data seed (the seed box shows it)."""
        self.set_config(data_seed=self.config.data_seed + 1)

    def set_speed(self, steps_per_frame: int) -> None:
        self.speed = int(min(max(steps_per_frame, 1), MAX_SPEED))

    def set_add_class(self, label: int) -> None:
        self.add_class = int(min(max(label, 0), self.trainer.data.n_classes - 1))

    def add_point(self, x: float, y: float) -> bool:
        try:
            self.trainer.add_point(x, y, self.add_class)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.data_changed.emit()
        return True

    def remove_nearest(self, x: float, y: float) -> bool:
        if not self.trainer.remove_nearest(x, y):
            self.message.emit("No training point close enough to remove there")
            return False
        self.data_changed.emit()
        return True

    def state(self) -> dict[str, Any]:
        """What a saved session or setup holds for this page."""
        return {**self.config.to_dict(), "added": [list(p) for p in self.trainer.added]}

    def load(self, data: dict[str, Any]) -> bool:
        """Adopt a saved state; a malformed one changes nothing and says why."""
        try:
            data = dict(data)
            added = [(float(x), float(y), int(c)) for x, y, c in data.pop("added", [])]
            config = ClassifierConfig.from_dict(data)
            trainer = ClassifierTrainer(config, added=added)
        except (TypeError, ValueError) as exc:
            self.error.emit(f"could not load the classifier settings: {exc}")
            return False
        self.pause()
        self.trainer = trainer
        self._announced = False
        self.config_changed.emit()
        self.data_changed.emit()
        self.stepped.emit()
        return True

    # -- running --------------------------------------------------------------------------------

    def _ready_to_play(self) -> bool:
        if self.trainer.status == DIVERGED:
            self.error.emit(f"the run diverged ({self.trainer.reason}); lower α or press Reset")
            return False
        return True

    @Slot()
    def step(self) -> None:
        """One mini-batch."""
        self.pause()
        self._steps(1)

    @Slot()
    def step_epoch(self) -> None:
        self.pause()
        self._steps(self.trainer.batches_per_epoch)

    @Slot()
    def reset(self) -> None:
        self.trainer.reset()
        self._announced = False
        self.stepped.emit()

    def _tick(self) -> None:
        self._steps(self.speed)

    def _steps(self, k: int) -> None:
        try:
            for _ in range(k):
                self.trainer.step()
        except ValueError as exc:  # e.g. every training point removed
            self.pause()
            self.error.emit(str(exc))
            return
        if self.trainer.status == DIVERGED:
            self.pause()
            if not self._announced:
                self._announced = True
                self.error.emit(f"Diverged: {self.trainer.reason}. Showing the last good weights.")
        self.stepped.emit()
