"""What every lab's controller shares: the timer, play/pause/step/reset, the speed, settings
changes that are adopted or rolled back with a clear message, and the saved state's format."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from simulator.validation import check_int

from ..session import check_like, check_version
from .frames import FRAMES
from .salvage import LOAD_ERRORS, declared, salvage
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
    MAX_SPEED = 50  # the slider's top notch: "max", as many steps as the frame budget allows
    DEFAULT_SPEED = 2
    FRAME_BUDGET = 0.008  # seconds of engine steps per playing frame, leaving room for the redraw
    MAX_FRAME = 0.014  # at the "max" notch a whole frame, steps and redraw, aims at this
    MIN_BUDGET = 0.001  # the least a playing frame trains, however dear its redraw
    FILL_FRAME_AT_MAX = True  # False: the lab paces its own frames (the tuning lessons)

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
        self.clock: Callable[[], float] = time.perf_counter  # tests inject a fake clock
        self.interval_ms = interval_ms
        self.last_tick_steps = 0  # engine steps the last playing tick ran
        self._last_tick: float | None = None  # when the last playing tick started (clock)
        self._last_steps_time = 0.0  # how long its steps took
        self._redraw: dict[Hashable, float] = {}  # running estimates of the rest of a frame, by kind
        self._kind: Hashable = None  # the kind of the last playing frame
        # What kind of redraw the next frame will have, as its page knows it (e.g. whether a
        # throttled text is due): the frame budget at "max" is kept per kind.
        self.frame_kind: Callable[[], Hashable] = lambda: None
        self._refused = False  # the last settings change was refused, and said so
        # Each raises ValueError if a value in force lies beyond what its field can show (the
        # page's Binder adds them): a loaded file is refused there, not shown as another value.
        self.shown_checks: list[Callable[[], None]] = []

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

    # What a preset may ask the lab to do once it is loaded ("actions": ["compute_basin_map"]):
    # the names of methods taking no argument.
    PRESET_ACTIONS: tuple[str, ...] = ()

    def preset_action(self, name: str) -> None:
        """Do a preset's action (ValueError naming it if this lab has no such action)."""
        if name not in self.PRESET_ACTIONS:
            raise ValueError(f"a {self.key} preset cannot ask for {name!r}; it may ask for "
                             f"{', '.join(self.PRESET_ACTIONS) or 'nothing'}")
        getattr(self, name)()

    def measure_claim(self, key: str):
        """The verdict of the claim ``key`` (a preset's "measure") on the run in front, once it is
        long enough, else None (``simulator.claims``); None for a lab without measured claims."""
        return None

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
        """Back to the start of the run; a message about the run before (it diverged) goes."""
        self.message.emit("")
        self._reset()
        self.stepped.emit()

    @Slot()
    def tick(self) -> None:
        """What the timer calls: while playing, as many engine steps as fit in ``FRAME_BUDGET``
        seconds of ``clock`` (at most ``speed``; no limit but the budget at the top notch,
        ``MAX_SPEED``), so a frame stays short at any setting; paused, exactly ``speed``. Then
        one redraw."""
        if not self.running:
            self.run(self._speed)
            return
        FRAMES.begin(self.frame_interval())
        start = self.clock()
        try:
            self.last_tick_steps = fill_budget(self._advance, self._frame_cap(),
                                               self.step_budget(start), self.clock,
                                               lambda: self.running)
        except ValueError as exc:  # e.g. every training point removed
            self.pause()
            self.error.emit(str(exc))
            return
        self._last_tick, self._last_steps_time = start, self.clock() - start
        self.stepped.emit()

    def frame_interval(self) -> float:
        """Seconds from one playing frame to the next: the timer's interval."""
        return self.timer.interval() / 1000

    def step_budget(self, now: float) -> float:
        """Seconds of engine steps this playing frame may take: ``FRAME_BUDGET``; at the "max"
        notch, what the redraw leaves of ``MAX_FRAME``. The redraw's cost is the time from one
        tick to the next less the steps (at max the timer does not wait), averaged over frames
        of the same kind (``frame_kind``), so a page whose redraw is dear trains less per frame
        instead of dropping frames, and less in the frames its page knows to be dearer."""
        if self._speed < self.MAX_SPEED or not self.FILL_FRAME_AT_MAX:
            return self.FRAME_BUDGET
        redraws = self._redraw
        if self._last_tick is not None and 0.0 < now - self._last_tick < 0.5:
            rest = max(now - self._last_tick - self._last_steps_time, 0.0)
            old = redraws.get(self._kind)
            redraws[self._kind] = rest if old is None else 0.7 * old + 0.3 * rest
        # Averaged per kind of frame (``frame_kind``): a page's dearer frames that come every
        # few frames (its throttled text) keep their own cost instead of raising the others'.
        self._kind = self.frame_kind()
        redraw = redraws.get(self._kind, max(redraws.values(), default=None))
        if redraw is None:
            return self.FRAME_BUDGET
        return min(max(self.MAX_FRAME - redraw, self.MIN_BUDGET), self.FRAME_BUDGET)

    def _frame_cap(self) -> int:
        """The most steps one playing frame may run: ``speed``, or (the "max" notch) unbounded."""
        return MAX_STEPS_PER_FRAME if self._speed >= self.MAX_SPEED else self._speed

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
        # at "max" the timer fires as soon as the last frame is drawn: the frame is the budget
        if self.FILL_FRAME_AT_MAX:
            self.timer.setInterval(0 if self._speed >= self.MAX_SPEED else self.interval_ms)
        self.speed_changed.emit(self._speed)

    def jobs(self, name: str = "jobs") -> JobRunner:
        """The controller's worker called ``name`` (made on first use): one background job at a
        time. A second name is a second worker, for work that must not wait for the first."""
        runner = self.findChild(JobRunner, name)
        if runner is None:
            runner = JobRunner(self)
            runner.setObjectName(name)
        return runner

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
        """Run ``adopt()``, which validates and applies a settings change or raises ValueError
        (the engine's refusal, naming the value) having changed nothing. Report either way; True
        if adopted. Any other exception is a bug, and is not caught."""
        try:
            adopt()
        except ValueError as exc:
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
        """Adopt a saved state, a preset's settings or an older or newer version's. Each field is
        checked against the kind of the value in force (``check_like``); if the whole cannot be
        adopted, every field that can be is, and the message names each field left out. True if
        all of it was adopted."""
        notes: list[str] = []
        try:
            settings, speed = self._unpack(data, notes)
        except (TypeError, ValueError) as exc:
            self.error.emit(f"could not load the {self.key} settings: {exc}")
            return False
        self.pause()
        bad = self._adopt_settings(settings)
        if speed is not None:
            self.set_speed(speed)
        if bad or notes:
            self.error.emit(f"could not load all of the {self.key} settings: "
                            + "; ".join(notes + bad) + ("; kept the rest" if bad else ""))
        self.settings_changed.emit()
        self.stepped.emit()
        return not bad and not notes

    def _adopt_settings(self, settings: dict[str, Any]) -> list[str]:
        """Load ``settings`` whole if it can be, else field by field (see ``salvage``); the
        messages of the fields left out."""
        base, self._adopted = self.settings_dict(), False
        try:
            self._try_settings(settings)
            return []
        except LOAD_ERRORS:
            pass
        kept, bad = salvage(base, settings, self._try_settings)
        if kept is not None:
            self._load_settings(kept)
        elif self._adopted:  # adopted, then refused as beyond its field: back as it was
            self._load_settings(base)
        return bad

    def _try_settings(self, settings: dict[str, Any]) -> None:
        """Raise as ``_load_settings`` would for these settings, or if a value in force is then
        one its field cannot show (they are adopted: the caller loads the final ones at the end)."""
        check_like("", settings, self.kinds_example())
        self._load_settings(settings)
        self._adopted = True
        for check in self.shown_checks:
            check()

    _kinds: dict[str, Any] | None = None
    _adopted = False  # a load attempt got past _load_settings (the state in force changed)

    def kinds_example(self) -> dict[str, Any]:
        """What a loaded field's JSON kind is checked against (``check_like``): the lab's settings
        as first asked, before anything was loaded, so a kind comes from the setting's
        declaration (its default), never from a value in force (an "lr": 1 once adopted made
        every later fraction "not a whole number")."""
        if self._kinds is None:
            self._kinds = self.settings_dict()
        return declared(self._kinds, self.settings_dict())

    def _unpack(self, data: Any, notes: list[str] | None = None) -> tuple[dict[str, Any], int | None]:
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        if "version" not in data:  # a preset's settings, or a state saved before versions
            return self._migrate(dict(data)), None
        if check_version(data["version"], STATE_VERSION, "state", notes) > STATE_VERSION:
            notes.append(f"saved by a newer Descent (state version {data['version']})")
        settings = data.get("settings")
        if not isinstance(settings, dict):
            raise TypeError("expected 'settings' to be a JSON object")
        speed = data.get("speed")
        return settings, None if speed is None else self.checked_speed(speed)

    def checked_speed(self, value: Any) -> int:
        """A saved speed, in [1, MAX_SPEED] (ValueError naming it otherwise: a setup's speed of
        -1 was set to 1 without a word). The speed slider clamps; a file is told."""
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        return check_int("speed", value, 1, self.MAX_SPEED)


MAX_STEPS_PER_FRAME = 1_000_000  # the "max" notch's bound, never reached within a budget


def fill_budget(advance: Callable[[int], None], cap: int, budget: float,
                clock: Callable[[], float], going: Callable[[], bool]) -> int:
    """Call ``advance(k)`` in chunks until ``cap`` steps ran, ``budget`` seconds of ``clock``
    passed or ``going()`` turns False (the run stopped itself); the steps run (at least one).
    A chunk is sized from the time per step so far, so the clock is read a few times a frame."""
    t0, done, chunk = clock(), 0, 1
    while True:
        advance(chunk)
        done += chunk
        elapsed = clock() - t0
        if done >= cap or elapsed >= budget or not going():
            return done
        per_step = max(elapsed / done, 1e-9)
        chunk = int(min(cap - done, max(1.0, (budget - elapsed) / per_step), 2 * done))
