"""What every lab's controller shares: the timer, play/pause/step/reset, the speed, settings
changes that are adopted or rolled back with a clear message, and the saved state's format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..session import check_version
from .worker import JobRunner

STATE_VERSION = 1


class LabController(QObject):
    """A lab's engine objects, its timer and its settings. Views subscribe to the signals.

    Subclasses implement:

    - ``_advance(k)``: k engine steps (a ValueError pauses and is reported), and ``iteration``;
    - ``_reset()``: back to the start of the run;
    - ``settings_dict()`` and ``_load_settings(data)``: the settings as JSON-ready data, and
      adopting them (raising ``ValueError`` or ``TypeError`` to refuse, with nothing changed);
    - optionally ``_ready_to_play()`` (refuse with a message) and ``_migrate(data)`` (read a state
      saved by an older version).

    ``stepped``: the engine advanced or was reset (redraw). ``settings_changed``: reflect the
    settings into the widgets. ``error``: a clear message, the state unchanged. ``message``: a note
    for the user.
    """

    key = "lab"
    MAX_SPEED = 50
    DEFAULT_SPEED = 2

    stepped = Signal()
    running_changed = Signal(bool)
    settings_changed = Signal()
    speed_changed = Signal(int)
    error = Signal(str)
    message = Signal(str)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self._speed = self.DEFAULT_SPEED
        self._refused = False  # the last settings change was refused, and said so

    # -- running --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def _ready_to_play(self) -> bool:
        """Prepare (or refuse, with a message) before the timer starts."""
        return True

    def _advance(self, k: int) -> None:
        raise NotImplementedError

    @property
    def iteration(self) -> int:
        """Engine steps since the last reset (the unit ``step`` advances by one)."""
        raise NotImplementedError

    def _reset(self) -> None:
        raise NotImplementedError

    @Slot()
    def play(self) -> None:
        if self.running or not self._ready_to_play():
            return
        self.timer.start()
        self.running_changed.emit(True)

    @Slot()
    def pause(self) -> None:
        if self.running:
            self.timer.stop()
            self.running_changed.emit(False)

    @Slot()
    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    @Slot()
    def step(self) -> None:
        """One unit of the lab (a step, a mini-batch), paused."""
        self.pause()
        self.run(1)

    @Slot()
    def reset(self) -> None:
        self._reset()
        self.stepped.emit()

    @Slot()
    def tick(self) -> None:
        """What the timer calls: ``speed`` engine steps, then one redraw."""
        self.run(self._speed)

    def run(self, k: int) -> None:
        """k engine steps without the timer (tests, scripts), then one redraw."""
        try:
            self._advance(int(k))
        except ValueError as exc:  # e.g. every training point removed
            self.pause()
            self.error.emit(str(exc))
            return
        self.stepped.emit()

    @property
    def speed(self) -> int:
        """Engine steps per frame, in [1, MAX_SPEED]."""
        return self._speed

    @Slot(int)
    def set_speed(self, steps_per_frame: int) -> None:
        self._speed = int(min(max(int(steps_per_frame), 1), self.MAX_SPEED))
        self.speed_changed.emit(self._speed)

    def jobs(self) -> JobRunner:
        """The controller's worker (made on first use): one background job at a time."""
        runner = self.findChild(JobRunner)
        return runner if runner is not None else JobRunner(self)

    @property
    def busy(self) -> bool:
        """True while the timer or a worker job runs."""
        return self.running or any(r.busy for r in self.findChildren(JobRunner))

    def shutdown(self) -> None:
        """Stop the timer and cancel and wait for any worker: the page or window is closing."""
        self.pause()
        for runner in self.findChildren(JobRunner):
            runner.shutdown()

    # -- settings -------------------------------------------------------------------------------

    def change(self, adopt: Callable[[], Any]) -> bool:
        """Run ``adopt()``, which validates and applies a settings change or raises ValueError /
        TypeError having changed nothing. Report either way; True if adopted."""
        try:
            adopt()
        except (TypeError, ValueError) as exc:
            self._refused = True
            self.error.emit(str(exc))
            self.settings_changed.emit()  # put the widgets back to the settings in force
            return False
        if self._refused:  # the earlier refusal no longer applies: take its message down
            self._refused = False
            self.message.emit("")
        self.settings_changed.emit()
        self.stepped.emit()
        return True

    # -- saved state ----------------------------------------------------------------------------

    def settings_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def _load_settings(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def _migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        """Settings saved before states had a version (0) read as they are."""
        return data

    def state(self) -> dict[str, Any]:
        """What a saved session or setup holds for this lab: a version and the settings."""
        return {"version": STATE_VERSION, "settings": self.settings_dict(), "speed": self._speed}

    def load(self, data: Any) -> bool:
        """Adopt a saved state, a preset's settings or an older version's; a malformed one
        changes nothing and says why."""
        try:
            settings, speed = self._unpack(data)
            self.pause()
            self._load_settings(settings)
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            self.error.emit(f"could not load the {self.key} settings: {exc}")
            return False
        if speed is not None:
            self.set_speed(speed)
        self.settings_changed.emit()
        self.stepped.emit()
        return True

    def _unpack(self, data: Any) -> tuple[dict[str, Any], int | None]:
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        if "version" not in data:  # a preset's settings, or a state saved before versions
            return self._migrate(dict(data)), None
        check_version(data["version"], STATE_VERSION, "state")
        settings = data.get("settings")
        if not isinstance(settings, dict):
            raise TypeError("expected 'settings' to be a JSON object")
        speed = data.get("speed")
        if speed is not None and (not isinstance(speed, int) or isinstance(speed, bool)):
            raise ValueError(f"speed must be an integer, got {speed!r}")
        return settings, speed
