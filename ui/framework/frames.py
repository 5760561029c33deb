"""When the window draws, so that a worker's training waits for a frame instead of slowing it.

The worker is a Python thread: while it trains (many small NumPy calls), it and the GUI thread
take turns at the interpreter, and a frame drawn during a unit of training took about twice its
time (the Caviar tab at 1920x1080: 11 ms frames became 20-30 ms whenever a 13 ms epoch of 64
models ran under them). Taking turns costs the worker nothing it would not lose anyway, so the
worker waits for the frame rather than share it:

- a controller's tick calls ``FRAMES.begin(interval_s)``: a frame starts, the next one is due
  ``interval_s`` later;
- the window (``watch``) says when it has painted: ``FRAMES.drawn()`` runs just after the window
  handles the update request the frame posted;
- before each unit, the worker calls ``FRAMES.wait(estimate, stop, between)``: it waits while a
  frame is being drawn; paced work (``between``: it trains a few units a frame and has time to
  spare) also waits, when a unit of ``estimate`` seconds would still be running at the next tick
  but fits between two frames, until that frame is drawn. Work that trains as fast as it can
  does not: waiting for a gap lost it a third of its speed (a search), waiting for the frame
  nothing.

A frame that never paints (nothing changed, the window minimized) holds the worker at most a
little over twice the last frame drawn (``hold``'s limit), and the frames after it 5 ms until a
paint is seen again; with no frames at all (a script, the command line) the worker never waits.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

POLL_S = 0.002  # how often a held worker looks again while a frame is being drawn
HOLD_S = 0.05  # the longest a frame that never paints holds the worker
LATE_S = 0.02  # the longest a unit waits for a tick that is due but has not come (a busy loop)


class Frames:
    """The GUI thread's frames as the worker sees them (thread-safe); see the module's docstring."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self.drawing_since: float | None = None  # the frame being drawn began then
        self.next_tick = -math.inf
        self.interval = 0.0
        self.frame_s = 0.0  # the last frame drawn, tick to painted

    def begin(self, interval_s: float) -> None:
        """A frame starts now (a tick); the next is due ``interval_s`` later."""
        now = self.clock()
        with self._lock:
            self.drawing_since = now
            self.interval = max(float(interval_s), 0.0)
            self.next_tick = now + self.interval

    def drawn(self) -> None:
        """The window has painted the frame."""
        now = self.clock()
        with self._lock:
            if self.drawing_since is not None:
                self.frame_s = now - self.drawing_since
                self.drawing_since = None

    def hold(self, estimate: float, between: bool = True) -> float:
        """Seconds a unit of about ``estimate`` seconds should wait before it starts; 0: start.
        ``between``: it also waits to fit between two frames (paced work, which has the time)."""
        now = self.clock()
        with self._lock:
            if self.drawing_since is not None:
                if now - self.drawing_since < min(HOLD_S, 2 * self.frame_s + 0.005):
                    return POLL_S
                # Never painted (nothing changed, a minimized window): it holds no longer, and
                # the next frame only briefly unless a paint is seen again.
                self.drawing_since, self.frame_s = None, 0.0
            left = self.next_tick - now
            late = min(LATE_S, self.interval / 4)  # a tick may come this much after it is due
            fits_between = estimate <= self.interval - self.frame_s
            if between and -late < left < estimate and fits_between:
                return max(left, POLL_S)  # wait for the tick; its frame then holds the unit
        return 0.0

    def wait(self, estimate: float, stop: threading.Event, between: bool = True) -> None:
        """Hold the calling thread as long as ``hold`` asks (``stop`` ends the wait)."""
        while not stop.is_set():
            left = self.hold(estimate, between)
            if left <= 0:
                return
            stop.wait(left)


FRAMES = Frames()


class _PaintWatch(QObject):
    """On a window's update request (it paints what the frame changed), ``FRAMES.drawn`` once the
    request is handled: a zero timer posted now runs after it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.UpdateRequest:
            QTimer.singleShot(0, FRAMES.drawn)
        return False


def watch(widget: QWidget) -> None:
    """Tell ``FRAMES`` when ``widget``'s window has painted (once per window)."""
    window = widget.window()
    if window.property("descent_frames_watched"):
        return
    window.setProperty("descent_frames_watched", True)
    window.installEventFilter(_PaintWatch(window))


__all__ = ["FRAMES", "Frames", "watch"]
