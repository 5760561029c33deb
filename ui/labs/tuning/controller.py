"""The tuning lab's controller: one engine lesson per ``LESSONS`` entry, the timer and the worker;
Play, Step and Reset act on the lesson in front (``lesson``), which the page's tabs choose.

A lesson that trains on the timer (Scale, Panda) steps in ``_advance``. A lesson with ``worker``
set trains in the worker's loop (``JobRunner.train``) while the timer only redraws the changes it
sends. Nothing here waits for the worker: Pause and a settings change cancel it and go on; what
must wait for it (Step, a new Play, an action that changes the run in place) is queued with
``when_idle``, and a run's changes are stamped with its generation, so a stopping run's last
changes never reach new settings.

The settings are saved as {"lesson": key, "<lesson key>": that lesson's settings, ...}; a state
saved before the lab had lessons (the Scale settings at the top level) still loads. A value the
engine refuses emits ``error`` with its message and changes nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from simulator.claims import Verdict
from simulator.claims.tuning import CLAIMS, ready
from simulator.tuning.lessons import Lesson, ScaleLesson, check_keys
from simulator.validation import check_choice
from ui.framework.controller import LabController

from . import KEYS, LESSONS, lesson_entry

FRAME_MS = 80  # a batch of 20 per frame at speed 1: 1,000 draws build up in 4 seconds
SCALE = next(e.key for e in LESSONS if e.lesson is ScaleLesson)  # once saved at the top level
SCALE_KEYS = ("alpha", "beta", "draws", "seed")


class TuningController(LabController):
    """The lessons, the one in front, and what they share (timer, worker, messages).

    ``lesson_changed(key)``: another lesson came to the front (the page turns its tab).
    ``job_changed(bool)``: a run started or stopped in the worker; ``job_progress`` how far it is."""

    key = "tuning"
    MAX_SPEED = 25
    DEFAULT_SPEED = 1
    FILL_FRAME_AT_MAX = False  # the lessons state their frames (interval_ms), at max too

    lesson_changed = Signal(str)
    job_changed = Signal(bool)
    job_progress = Signal(float)

    def __init__(self, parent: QObject | None = None, interval_ms: int = FRAME_MS) -> None:
        super().__init__(parent, interval_ms)
        self.lessons: dict[str, Lesson] = {e.key: e.lesson() for e in LESSONS}
        self.lesson_key = KEYS[0]
        self._job: tuple[Lesson, bool] | None = None  # the lesson the worker trains; quiet stop
        self._front(self.lesson_key)

    @property
    def lesson(self) -> Lesson:
        """The lesson in front: Play, Step and Reset act on it."""
        return self.lessons[self.lesson_key]

    def set_lesson(self, key: str) -> bool:
        """Bring lesson ``key`` to the front; the one that was playing pauses (a run in the worker
        stops, what it trained kept)."""

        def adopt() -> None:
            check_choice("lesson", key, KEYS)
            if key != self.lesson_key:
                self._stop_worker(quiet=True)
                self.pause()
                self._front(key)
                self.message.emit("")

        return self.change(adopt)

    def _front(self, key: str) -> None:
        self.lesson_key = key
        self.timer.setInterval(self.lesson.interval_ms)
        self.lesson_changed.emit(key)

    def frame_interval(self) -> float:
        """The lesson's frame (its timer's interval)."""
        return self.lesson.interval_ms / 1000

    # -- settings -------------------------------------------------------------------------------

    def configure(self, key: str, **changes: Any) -> bool:
        """Change lesson ``key``'s settings by name (``configure("caviar", models=32)``; see each
        lesson's ``configure``). A run of it in the worker stops first; a refused value changes
        nothing and says why."""
        lesson = self.lessons[check_choice("lesson", key, KEYS)]

        def adopt() -> None:
            lesson.configure(**changes)
            if self._trains(lesson):
                self._stop_worker(quiet=True)
                self.pause()
            self.message.emit("")  # a note about the old run no longer holds

        return self.change(adopt)

    def act(self, key: str, action: str) -> bool:
        """One of lesson ``key``'s actions (a button: ``act("coarse", "resample")``), after its
        run in the worker has stopped; an action that asks for it is followed by Play."""
        lesson = self.lessons[check_choice("lesson", key, KEYS)]
        if self._trains(lesson):
            self._stop_worker(quiet=True)
            self.pause()
            self.jobs().when_idle(lambda: self.act(key, action))
            return True
        # An action is the class working the lesson (Zoom on the best, Resample), not a change of
        # its settings: a preset in force stays, so that its claim can be measured after it.
        try:
            play = lesson.act(action)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.message.emit("")
        self.stepped.emit()
        if play and lesson is self.lesson:
            self.play()
        return True

    def measure_claim(self, key: str) -> Verdict | None:
        """The claim's verdict on the lesson in front, if it is the kind the claim measures."""
        claim = CLAIMS.get(key)
        lesson = self.lesson
        if claim is None or not isinstance(lesson, claim.kind or Lesson) or not ready(lesson, claim):
            return None
        return claim.measure(lesson)

    def settings_dict(self) -> dict[str, Any]:
        """{"lesson": key in front, "scale": {...}, ...}: every lesson's settings."""
        return {"lesson": self.lesson_key, **{k: les.settings_dict() for k, les in self.lessons.items()}}

    def _migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        """The Scale settings alone at the top level (saved before the lab had lessons) become
        the Scale lesson's, in front."""
        if data and set(data) <= set(SCALE_KEYS):
            return {"lesson": SCALE, SCALE: data}
        return data

    def _unpack(self, data: Any, notes: list[str] | None = None) -> tuple[dict[str, Any], int | None]:
        """As every lab's, with versioned states of the old form migrated too."""
        settings, speed = super()._unpack(data, notes)
        return self._migrate(settings), speed

    def _load_settings(self, data: dict[str, Any]) -> None:
        """Adopt saved settings (every lesson built before any is replaced); lessons they do not
        name take their defaults."""
        data = check_keys("tuning", self._migrate(data), ("lesson", *KEYS))
        front = check_choice("lesson", data.get("lesson", KEYS[0]), KEYS)
        built = {e.key: e.lesson.from_dict(data.get(e.key, {})) for e in LESSONS}
        self._stop_worker(quiet=True)
        self.lessons = built
        self._front(front)

    # -- running --------------------------------------------------------------------------------

    @property
    def iteration(self) -> int:
        """The lesson in front's steps since its last reset or settings change."""
        return self.lesson.iteration

    @property
    def searching(self) -> bool:
        """A run is training in the worker (or stopping)."""
        return self.jobs().busy

    def _trains(self, lesson: Lesson) -> bool:
        return self._job is not None and self._job[0] is lesson and self.jobs().busy

    def _ready_to_play(self) -> bool:
        """Play after the end starts over, as a media player does at the end. A worker lesson
        starts its run in the worker (once a stopping run has stopped); the timer then only
        redraws what it sends."""
        if not self.lesson.worker:
            self._start_over_if_done()
        elif self.jobs().busy:
            self.jobs().when_idle(lambda: self.running and self._start_job())
        else:
            self._start_job()
        return True

    def _start_over_if_done(self) -> None:
        if self.lesson.done:
            self._reset()
            self.stepped.emit()

    def _advance(self, k: int) -> None:
        """k steps of the lesson in front (none while the worker trains: the timer redraws); a
        run that ends pauses and says so."""
        if self.lesson.worker and self.jobs().busy:
            if not self.running:  # Step while a run stops: once it has
                self.jobs().when_idle(lambda: self.run(k))
            return
        self.lesson.advance(k)
        if self.lesson.done:
            self.pause()
            self.message.emit(self.lesson.end_note())

    def _reset(self) -> None:
        if self._trains(self.lesson):
            self._stop_worker(quiet=True)
            self.pause()
        self.lesson.reset()
        self.message.emit("")

    def pause(self) -> None:
        """Stop the timer; a run in the worker stops (what it trained stays)."""
        super().pause()
        self.jobs().cancel()

    def _stop_worker(self, quiet: bool) -> None:
        """Cancel the worker's run; ``quiet``: without its stop note (something else happened)."""
        if self._job is not None and self.jobs().busy:
            self._job = (self._job[0], self._job[1] or quiet)
            self.jobs().cancel()

    # -- the worker -----------------------------------------------------------------------------

    def _start_job(self) -> None:
        """Train the lesson in front in the worker (from the start if it is at its end)."""
        lesson, runner = self.lesson, self.jobs()
        if not lesson.worker or runner.busy:
            return
        self._start_over_if_done()

        def cancelled() -> bool:
            job = runner.job
            return job is None or job.cancelled

        def per_frame() -> int | None:
            return None if not lesson.paced or self._speed >= self.MAX_SPEED else self._speed

        def partial(data) -> None:
            if lesson.receive(data):
                self.job_progress.emit(lesson.progress)

        self._job = (lesson, False)
        runner.train(lesson.training(cancelled), partial, lambda result: self._job_done(lesson, result),
                     lambda text: self._job_failed(lesson, text), per_frame, lesson.interval_ms / 1000)
        title = lesson_entry(self.lesson_key).title
        self.message.emit(f"Training {title.lower()} on {lesson.where()}…")
        self.job_changed.emit(True)
        self.job_progress.emit(lesson.progress)

    def _job_done(self, lesson: Lesson, result: Any) -> None:
        """The worker stopped: at the end of the run, or cancelled (``result`` None). The run's
        last changes have arrived before this."""
        quiet = self._job is None or self._job[1]
        self._job = None
        in_front = lesson is self.lesson
        if in_front and result is not None:
            self.pause()  # the run is over (a cancelled one was paused already)
        if in_front and not quiet:
            self.message.emit(lesson.end_note() if result is not None and lesson.done else
                              lesson.stop_note())
        self._job_stopped()

    def _job_failed(self, lesson: Lesson, text: str) -> None:
        self._job = None
        if lesson is self.lesson:
            self.pause()
        self._job_stopped()
        self.error.emit(text)

    def _job_stopped(self) -> None:
        self.job_changed.emit(False)
        self.job_progress.emit(self.lesson.progress)
        self.stepped.emit()
