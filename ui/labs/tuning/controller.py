"""The tuning lab's controller: owns every lesson (``lessons``), the timer and the worker; Play,
Step and Reset act on the lesson in front (``lesson``), which the page's tabs choose.

The settings are saved as {"lesson": key, "<lesson key>": that lesson's settings, ...}; a state
saved before the lab had lessons (the Scale settings at the top level) still loads. A value the
engine refuses emits ``error`` with its message and changes nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from simulator.tuning import ScaleRun, ScaleSettings
from simulator.validation import check_choice
from ui.framework.controller import LabController
from ui.framework.worker import JobRunner

from .lessons import LESSON_KEYS, LESSONS, Lesson, ScaleLesson, check_keys

FRAME_MS = 80  # a batch of 20 per frame at speed 1: 1,000 draws build up in 4 seconds
SCALE_KEYS = ("alpha", "beta", "draws", "seed")  # the Scale settings, once saved at the top level


class TuningController(LabController):
    """The lessons, the one in front, and what they share (timer, worker, messages).

    ``lesson_changed(key)``: another lesson came to the front (the page turns its tab)."""

    key = "tuning"
    MAX_SPEED = 25
    DEFAULT_SPEED = 1
    FILL_FRAME_AT_MAX = False  # each lesson paces its frames (its interval_ms), at max too

    lesson_changed = Signal(str)
    job_changed = Signal(bool)  # a search started (True) or stopped in the worker
    job_progress = Signal(float)  # how far it is, 0 to 1

    def __init__(self, parent: QObject | None = None, interval_ms: int = FRAME_MS) -> None:
        super().__init__(parent, interval_ms)
        self.lessons: dict[str, Lesson] = {cls.key: cls() for cls in LESSONS}
        self.lesson_key = LESSON_KEYS[0]

    @property
    def lesson(self) -> Lesson:
        """The lesson in front: Play, Step and Reset act on it."""
        return self.lessons[self.lesson_key]

    def set_lesson(self, key: str) -> bool:
        """Bring lesson ``key`` to the front; the one that was playing pauses (a search in the
        worker is cancelled, its trials so far kept)."""

        def adopt() -> None:
            check_choice("lesson", key, LESSON_KEYS)
            if key != self.lesson_key:
                self.pause()
                self._settle()  # a search in the worker stops here, not later under another tab
                self._front(key)
                self.message.emit("")

        return self.change(adopt)

    def _front(self, key: str) -> None:
        self.lesson_key = key
        self.timer.setInterval(self.lesson.interval_ms)
        self.lesson_changed.emit(key)

    # -- the Scale lesson -------------------------------------------------------------------------

    @property
    def scale(self) -> ScaleRun:
        """The Scale lesson's draws."""
        return self.lessons["scale"].run

    @property
    def settings(self) -> ScaleSettings:
        """The Scale lesson's settings in force."""
        return self.lessons["scale"].settings

    def _adopt_scale(self, settings: ScaleSettings) -> None:
        self.lessons["scale"].adopt(settings)
        self.message.emit("")  # a note about the old draws ("all are in") no longer holds

    def set_range(self, param: str, end: str, value: float) -> bool:
        """One end ("low" or "high") of α's or β's range (``param`` "alpha" or "beta")."""
        return self.change(lambda: self._adopt_scale(self.settings.with_end(param, end, value)))

    def set_draws(self, n: int) -> bool:
        """How many values of each kind a run draws (1 to 100,000)."""
        return self.change(lambda: self._adopt_scale(self.settings.replace(draws=n)))

    def set_seed(self, seed: int) -> bool:
        return self.change(lambda: self._adopt_scale(self.settings.replace(seed=seed)))

    # -- the searches (Search, Coarse to fine) --------------------------------------------------

    def _adopt_search(self, key: str, settings) -> None:
        self._settle()
        self.lessons[key].adopt(settings)
        self.message.emit("")

    def set_search(self, key: str, **changes: Any) -> bool:
        """Lesson ``key``'s budget, epochs, seed, run_on ("local", "pool", "dask") or address."""
        return self.change(lambda: self._adopt_search(key, self.lessons[key].settings.replace(**changes)))

    def set_search_axis(self, key: str, i: int, **changes: Any) -> bool:
        """Lesson ``key``'s axis i: its hyperparameter (``name``), ``scale``, ``low`` or ``high``."""
        return self.change(lambda: self._adopt_search(
            key, self.lessons[key].settings.with_axis(i, **changes)))

    def zoom_on_best(self) -> bool:
        """Coarse to fine: the box around the best trials so far."""
        lesson = self.lessons["coarse"]
        return self.change(lesson.zoom_on_best)

    def set_coarse_box(self, box: dict[str, tuple[float, float]]) -> bool:
        """Coarse to fine: the box the next round samples, {axis name: (low, high)}."""
        lesson = self.lessons["coarse"]
        return self.change(lambda: lesson.set_box(box))

    def resample(self) -> bool:
        """Coarse to fine: a new round of trials inside the box, and Play trains it."""
        lesson = self.lessons["coarse"]
        self._settle()
        if not self.change(lesson.resample):
            return False
        if self.lesson_key == "coarse":
            self.play()
        return True

    # -- Caviar and Panda ------------------------------------------------------------------------

    def set_caviar(self, **changes: Any) -> bool:
        """The Caviar lesson's models, alpha (low, high), epochs or seed: the models start over."""
        lesson = self.lessons["caviar"]
        return self.change(lambda: lesson.adopt(lesson.settings.replace(**changes)))

    def set_panda(self, name: str, value: float) -> bool:
        """One of the panda's hyperparameters: while it trains, from the next mini-batch on (a
        mark on its curve); before it starts or after it ends, its starting value."""
        lesson = self.lessons["panda"]
        return self.change(lambda: lesson.change(name, value))

    def set_panda_run(self, **changes: Any) -> bool:
        """The Panda lesson's epochs or seed: the model starts over."""
        lesson = self.lessons["panda"]
        return self.change(lambda: lesson.adopt(lesson.settings.replace(**changes)))

    def set_population(self, **changes: Any) -> bool:
        """The Population lesson's size, interval, alpha (low, high), epochs or seed."""
        lesson = self.lessons["population"]
        return self.change(lambda: lesson.adopt(lesson.settings.replace(**changes)))

    def set_halving(self, **changes: Any) -> bool:
        """The Halving lesson's trials, min_epochs or seed."""
        lesson = self.lessons["halving"]
        self._settle()
        return self.change(lambda: lesson.adopt(lesson.settings.replace(**changes)))

    # -- saved state ----------------------------------------------------------------------------

    def settings_dict(self) -> dict[str, Any]:
        """{"lesson": key in front, "scale": {...}, ...}: every lesson's settings."""
        return {"lesson": self.lesson_key, **{k: les.settings_dict() for k, les in self.lessons.items()}}

    def _migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        """The Scale settings alone at the top level (saved before the lab had lessons) become
        the Scale lesson's, in front."""
        if data and set(data) <= set(SCALE_KEYS):
            return {"lesson": ScaleLesson.key, ScaleLesson.key: data}
        return data

    def _unpack(self, data: Any, notes: list[str] | None = None) -> tuple[dict[str, Any], int | None]:
        """As every lab's, with versioned states of the old form migrated too."""
        settings, speed = super()._unpack(data, notes)
        return self._migrate(settings), speed

    def _load_settings(self, data: dict[str, Any]) -> None:
        """Adopt saved settings (every lesson built before any is replaced); lessons they do not
        name take their defaults."""
        data = check_keys("tuning", self._migrate(data), ("lesson", *LESSON_KEYS))
        front = check_choice("lesson", data.get("lesson", LESSON_KEYS[0]), LESSON_KEYS)
        built = {cls.key: cls.from_dict(data.get(cls.key, {})) for cls in LESSONS}
        self._settle()
        self.lessons = built
        self._front(front)

    # -- running --------------------------------------------------------------------------------

    @property
    def iteration(self) -> int:
        """The lesson in front's steps since its last reset or settings change."""
        return self.lesson.iteration

    @property
    def searching(self) -> bool:
        """A search is training in the worker."""
        return any(r.busy for r in self.findChildren(JobRunner))

    def _ready_to_play(self) -> bool:
        """Play after the end starts over, as a media player does at the end. A search starts in
        the worker; the timer then only redraws its partial results."""
        if self.lesson.done:
            self._reset()
            self.stepped.emit()
        return self._start_job() if getattr(self.lesson, "worker", False) else True

    def _advance(self, k: int) -> None:
        """k steps of the lesson in front (none while the worker trains it); a run that ends
        pauses and says so."""
        if getattr(self.lesson, "worker", False):
            if self.searching:
                return
            self._settle()
        self.lesson.advance(k)
        if self.lesson.done:
            self.pause()
            self.message.emit(self.lesson.end_note())

    def _reset(self) -> None:
        self._settle()
        self.lesson.reset()
        self.message.emit("")

    def pause(self) -> None:
        """Stop the timer; a search in the worker is cancelled (its results so far stay)."""
        super().pause()
        for runner in self.findChildren(JobRunner):
            runner.cancel()

    # -- the worker -----------------------------------------------------------------------------

    def _start_job(self) -> bool:
        """Train the lesson in front in the worker (see ``SweepLesson.work``)."""
        lesson, runner = self.lesson, self.jobs()
        if runner.busy and not runner.job.cancelled:
            return True
        if runner.busy:  # Play soon after Pause: the cancelled job ends first (within an epoch)
            self._settle()
        lesson.ensure()
        lesson.speed = lambda: None if self._speed >= self.MAX_SPEED else self._speed

        def work(report):
            job = runner.job
            return lesson.work(report, lambda: job is None or job.cancelled)

        def partial(data) -> None:
            if lesson.receive(data):
                self.job_progress.emit(lesson.progress)

        runner.start(work, lambda result: self._job_done(lesson, result), on_partial=partial,
                     on_failed=lambda text: self._job_failed(lesson, text))
        self.message.emit(f"Training {lesson.title.lower()} on {lesson.where()}…")
        self.job_changed.emit(True)
        self.job_progress.emit(lesson.progress)
        return True

    def _job_done(self, lesson, result) -> None:
        """The worker stopped: at the end of the search, or cancelled (``result`` None)."""
        current = lesson is self.lessons.get(lesson.key)
        if current:
            lesson.finish()
        self._job_stopped()
        if current:
            self.message.emit(lesson.end_note() if result is not None and lesson.done else
                              lesson.stop_note())

    def _job_failed(self, lesson, text: str) -> None:
        if lesson is self.lessons.get(lesson.key):
            lesson.finish()
        self._job_stopped()
        self.error.emit(text)

    def _job_stopped(self) -> None:
        super().pause()
        self.job_changed.emit(False)
        self.job_progress.emit(getattr(self.lesson, "progress", 0.0))
        self.stepped.emit()

    def shutdown(self) -> None:
        """Stop the timer and any search, its last signals delivered while this is alive."""
        self.pause()
        self._settle()
        super().shutdown()

    def _settle(self) -> None:
        """Cancel a search in the worker and wait for it to stop (within an epoch), its last
        signals delivered: the sweeps are then the window's alone."""
        for runner in self.findChildren(JobRunner):
            job = runner.job
            if job is not None:
                job.cancelled = True
                runner.pool.waitForDone(5000)
                QCoreApplication.sendPostedEvents(job.signals, 0)
