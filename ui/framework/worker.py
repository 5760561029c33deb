"""The one worker: a job on a QThreadPool, with progress, partial results and cancel.

Work longer than a frame runs off the GUI thread, in one of two shapes:

- ``JobRunner.start(fn, ...)``: ``fn(report)`` runs to its end (a basin map).
  ``report(fraction, partial=None)`` sends progress (and, optionally, a partial result) to the GUI
  thread and returns False once the job is cancelled, so ``fn`` stops early and returns None.
- ``JobRunner.train(training, ...)``: the loop every long run shares (``drive``). It trains a
  ``simulator.work.Training`` unit by unit, sends its changes as one ``Partial`` at most every
  PARTIAL_S and once at the end, paces the units at the speed asked (``per_frame`` units a frame
  of ``frame_s`` seconds, or as fast as it can), and stops within a unit of a cancel. A unit
  waits while the window draws a frame (``frames.FRAMES``): the two threads would otherwise take
  turns at the interpreter and the frame would take twice its time.

Nothing here blocks the GUI thread: ``cancel`` only asks, and ``when_idle(fn)`` runs ``fn`` on the
GUI thread once the job has stopped (at once if none runs). ``shutdown`` (a closing window) is the
one wait.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from simulator.work import Training

from .frames import FRAMES, Frames

PARTIAL_S = 0.05  # seconds between two sets of changes sent to the window: it draws no faster
PerFrame = Callable[[], "int | None"]
_END = object()


class _Signals(QObject):
    progress = Signal(float)
    partial = Signal(object)
    finished = Signal(object)  # the result, or None if cancelled
    failed = Signal(str)


class Job(QRunnable):
    """``fn(report)`` run in a pool thread; its signals arrive on the GUI thread."""

    def __init__(self, fn: Callable[[Callable[..., bool]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()
        self.stop = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self.stop.is_set()

    def report(self, fraction: float, partial: Any = None) -> bool:
        self.signals.progress.emit(float(fraction))
        if partial is not None:
            self.signals.partial.emit(partial)
        return not self.cancelled

    def run(self) -> None:
        try:
            result = self.fn(self.report)
        except (ValueError, RuntimeError) as exc:  # the engine's own words, for the user
            self.signals.failed.emit(str(exc) or type(exc).__name__)
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash in a thread
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.finished.emit(None if self.cancelled else result)


def drive(training: Training, job: Job, per_frame: PerFrame, frame_s: float,
          frames: Frames = FRAMES) -> int:
    """Train ``training`` to its end or until ``job`` is cancelled: its changes at most every
    PARTIAL_S and once at the end, at most ``per_frame()`` units a frame (None: no limit), each
    unit started when ``frames`` lets it (not while the window draws a frame). Returns the run's
    generation."""
    last, due = -math.inf, time.monotonic()
    estimate = 0.0  # seconds a unit takes, as measured
    try:
        while True:
            limit = per_frame()
            frames.wait(estimate, job.stop, between=limit is not None)
            start = time.monotonic()
            if job.cancelled or next(training.units, _END) is _END:
                break
            took = time.monotonic() - start
            estimate = took if estimate == 0.0 else 0.7 * estimate + 0.3 * took
            if job.cancelled:
                break
            now = time.monotonic()
            if now - last >= PARTIAL_S:
                last = now
                partial = training.partial()
                job.report(partial.fraction, partial)
            due = _pace(due, limit, frame_s, job.stop)
    finally:
        training.units.close()  # a run stopped early tidies up (cancelled trials, a closed pool)
    partial = training.partial()
    job.report(partial.fraction, partial)
    return training.generation


def _pace(due: float, per_frame: int | None, frame_s: float, stop: threading.Event) -> float:
    """Hold the worker until a unit is due again at ``per_frame`` units a frame (None: at once);
    a cancel ends the wait. The time the next unit is due."""
    if per_frame is None:
        return time.monotonic()
    due = max(due + frame_s / max(per_frame, 1), time.monotonic() - frame_s)
    left = due - time.monotonic()
    if left > 0:
        stop.wait(left)
    return due


class JobRunner(QObject):
    """Runs one job at a time for a controller; ``busy`` while it runs; ``shutdown`` cancels
    and waits, so no thread outlives its page."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.job: Job | None = None
        self._idle: list[Callable[[], Any]] = []

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, fn: Callable[[Callable[..., bool]], Any], on_done: Callable[[Any], None],
              on_progress: Callable[[float], None] | None = None,
              on_partial: Callable[[Any], None] | None = None,
              on_failed: Callable[[str], None] | None = None) -> bool:
        """Start ``fn`` unless a job is running; the callbacks run on the GUI thread."""
        return self._launch(Job(fn), on_done, on_progress, on_partial, on_failed)

    def train(self, training: Training, on_partial: Callable[[Any], None], on_done: Callable[[Any], None],
              on_failed: Callable[[str], None], per_frame: PerFrame = lambda: None,
              frame_s: float = 0.05) -> bool:
        """Start ``drive(training, ...)`` unless a job is running (see the module's docstring)."""
        job = Job(lambda report: drive(training, job, per_frame, frame_s))
        return self._launch(job, on_done, None, on_partial, on_failed)

    def _launch(self, job: Job, on_done: Callable[[Any], None], on_progress: Callable[[float], None] | None,
                on_partial: Callable[[Any], None] | None, on_failed: Callable[[str], None] | None) -> bool:
        if self.job is not None:
            return False

        def done(result: Any) -> None:
            self.job = None
            on_done(result)
            self._run_idle()

        def failed(text: str) -> None:
            self.job = None
            if on_failed is not None:
                on_failed(text)
            self._run_idle()

        job.signals.finished.connect(done)
        job.signals.failed.connect(failed)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        if on_partial is not None:
            job.signals.partial.connect(on_partial)
        self.job = job
        self.pool.start(job)
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.job.stop.set()

    def when_idle(self, fn: Callable[[], Any]) -> None:
        """``fn()`` on the GUI thread once no job runs: now, or when the running one stops."""
        if self.job is None:
            fn()
        else:
            self._idle.append(fn)

    def _run_idle(self) -> None:
        waiting, self._idle = self._idle, []
        for fn in waiting:
            if self.job is not None:  # one of them started a job: the rest wait for it
                self._idle.append(fn)
            else:
                fn()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel and wait for the job (the page is closing), and deliver its last signals now,
        while the controller they call is alive, not later to a deleted one."""
        self._idle.clear()
        job = self.job
        self.cancel()
        self.pool.waitForDone(timeout_ms)
        if job is not None:
            QCoreApplication.sendPostedEvents(job.signals, 0)
