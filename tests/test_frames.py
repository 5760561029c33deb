"""A worker's unit waits while the window draws a frame (ui/framework/frames.py): the worker and
the GUI thread would otherwise take turns at the interpreter, and a Caviar frame drawn over an
epoch of 64 models took twice its time. Paced work also waits to fit between two frames."""

from __future__ import annotations

import threading

from simulator.work import Training
from ui.framework.frames import FRAMES, HOLD_S, LATE_S, POLL_S, Frames
from ui.framework.worker import Job, drive


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def frames_at(interval: float = 0.08, drawn_after: float = 0.012) -> tuple[Frames, Clock]:
    """Frames with one frame drawn already (tick at 0, painted ``drawn_after`` later)."""
    clock = Clock()
    frames = Frames(clock)
    frames.begin(interval)
    clock.now = drawn_after
    frames.drawn()
    return frames, clock


def test_with_no_frames_a_unit_never_waits():
    assert Frames(Clock()).hold(0.5) == 0.0


def test_a_unit_waits_while_a_frame_is_drawn_and_goes_once_it_is_painted():
    frames, clock = frames_at()
    assert frames.frame_s == 0.012
    clock.now = 0.08
    frames.begin(0.08)
    clock.now = 0.085
    assert frames.hold(0.01) > 0 and frames.hold(0.01, between=False) > 0
    clock.now = 0.09
    frames.drawn()
    assert frames.hold(0.01) == 0.0


def test_paced_work_waits_to_fit_between_frames_and_work_at_full_speed_does_not():
    frames, clock = frames_at()
    clock.now = 0.013
    assert frames.hold(0.01) == 0.0  # 67 ms to the next tick: it fits
    clock.now = 0.075  # 5 ms to the next tick: a 10 ms unit would run into it
    assert 0 < frames.hold(0.01) <= 0.005 + POLL_S
    assert frames.hold(0.01, between=False) == 0.0
    assert frames.hold(0.075) == 0.0  # could never fit between two frames: no use waiting
    clock.now = 0.08 + LATE_S / 2  # the tick is due and late: still waits for it
    assert frames.hold(0.01) > 0
    clock.now = 0.08 + LATE_S + 0.001  # a tick that does not come holds no longer
    assert frames.hold(0.01) == 0.0


def test_a_frame_that_never_paints_holds_a_unit_only_a_little_while():
    frames, clock = frames_at()
    clock.now = 1.0
    frames.begin(0.08)  # nothing changed: the window will not paint
    clock.now = 1.0 + 2 * 0.012  # within twice the last frame (and HOLD_S)
    assert frames.hold(0.01, between=False) > 0
    clock.now = 1.0 + min(HOLD_S, 2 * 0.012 + 0.005) + 0.001
    assert frames.hold(0.01, between=False) == 0.0
    assert frames.drawing_since is None
    clock.now = 2.0
    frames.begin(0.08)  # the next unpainted frame (a minimized window) holds only 5 ms
    clock.now = 2.006
    assert frames.hold(0.01, between=False) == 0.0


class Units:
    """A Training whose units count themselves and note whether a frame was being drawn."""

    def __init__(self, frames: Frames, n: int) -> None:
        self.frames, self.n, self.during_frames, self.done = frames, n, [], 0

    def training(self) -> Training:
        def units():
            for _ in range(self.n):
                self.during_frames.append(self.frames.drawing_since is not None)
                self.done += 1
                yield

        return Training(generation=1, units=units(), changes=lambda: self.done,
                        fraction=lambda: self.done / self.n)


def started(frames: Frames, units: Units) -> tuple[threading.Thread, Job]:
    """``drive`` of ``units`` in a thread of its own, unpaced; (the thread, its job)."""
    job = Job(lambda report: None)
    worker = threading.Thread(target=drive, args=(units.training(), job, lambda: None, 0.05, frames))
    worker.start()
    return worker, job


def test_the_worker_holds_its_units_until_the_frame_is_painted_and_a_cancel_ends_the_wait(qtbot):
    frames = Frames(Clock())  # the clock stands still: only drawn() ends the frame
    frames.frame_s = 1.0  # a frame that never paints would hold for HOLD_S of that clock: never
    frames.begin(10.0)
    units = Units(frames, 5)
    worker, _ = started(frames, units)
    worker.join(0.3)
    assert worker.is_alive() and units.done == 0  # held: the frame is being drawn
    frames.drawn()
    worker.join(10)
    assert not worker.is_alive() and units.done == 5 and not any(units.during_frames)

    frames.begin(10.0)
    held = Units(frames, 5)
    worker, job = started(frames, held)
    worker.join(0.3)
    assert worker.is_alive() and held.done == 0
    job.stop.set()  # Pause or a settings change while the worker waits: it stops, no unit run
    worker.join(10)
    assert not worker.is_alive() and held.done == 0


def test_a_shown_page_says_when_its_frame_is_painted(make_page, qtbot):
    page = make_page("tuning", shown=True)
    FRAMES.begin(10.0)
    assert FRAMES.drawing_since is not None
    page.lab.play()  # a tick of the page: it redraws, and its window paints
    page.lab.tick()
    qtbot.waitUntil(lambda: FRAMES.drawing_since is None, timeout=5000)
    page.lab.pause()
