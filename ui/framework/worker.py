"""One worker job on a QThreadPool: progress, partial results, cancel.

Work longer than a frame (a basin map, a tuning sweep) runs in ``fn(report)`` off the GUI thread.
``report(fraction, partial=None)`` sends progress (and, optionally, a partial result) to the GUI
thread and returns False once the job is cancelled, so ``fn`` stops early and returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    progress = Signal(float)
    partial = Signal(object)
    finished = Signal(object)  # the result, or None if cancelled
    failed = Signal(str)


class Job(QRunnable):
    """``fn(report)`` run in a pool thread; its signals arrive on the GUI thread."""

    def __init__(self, fn: Callable[[Callable[..., bool]], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.cancelled = False

    def report(self, fraction: float, partial: Any = None) -> bool:
        self.signals.progress.emit(float(fraction))
        if partial is not None:
            self.signals.partial.emit(partial)
        return not self.cancelled

    def run(self) -> None:
        try:
            result = self.fn(self.report)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash in a thread
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.finished.emit(None if self.cancelled else result)


class JobRunner(QObject):
    """Runs one job at a time for a controller; ``busy`` while it runs; ``shutdown`` cancels
    and waits, so no thread outlives its page."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.job: Job | None = None

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, fn: Callable[[Callable[..., bool]], Any], on_done: Callable[[Any], None],
              on_progress: Callable[[float], None] | None = None,
              on_partial: Callable[[Any], None] | None = None,
              on_failed: Callable[[str], None] | None = None) -> bool:
        """Start ``fn`` unless a job is running; the callbacks run on the GUI thread."""
        if self.job is not None:
            return False
        job = Job(fn)

        def done(result: Any) -> None:
            self.job = None
            on_done(result)

        def failed(text: str) -> None:
            self.job = None
            if on_failed is not None:
                on_failed(text)

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
            self.job.cancelled = True

    def shutdown(self, timeout_ms: int = 5000) -> None:
        self.cancel()
        self.pool.waitForDone(timeout_ms)
