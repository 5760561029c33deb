"""What every lesson of the tuning lab is to the controller: its settings (as JSON-ready data),
its engine objects, and a run that advances, ends and starts over. Qt-free: the controller owns the
timer, the worker and the signals, and routes Play, Step and Reset to the lesson in front."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any


class Lesson:
    """One tab of the tuning lab. Subclasses set ``key`` and ``title`` and implement the run
    (``advance``, ``iteration``, ``done``, ``reset``) and the settings (``settings_dict``,
    ``from_dict``, which raises ``ValueError``/``TypeError`` for bad data)."""

    key = ""
    title = ""
    interval_ms = 80  # the timer's interval while this lesson plays
    unit = "steps"  # what the speed slider counts per frame
    step_tip = "One step"
    reset_tip = "Start over"

    @property
    def iteration(self) -> int:
        raise NotImplementedError

    @property
    def done(self) -> bool:
        """The run has reached its end (Play starts it over)."""
        return False

    def advance(self, k: int) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def end_note(self) -> str:
        """What the message line says when the run ends."""
        return ""

    def stop_note(self) -> str:
        """What the message line says when a run in the worker is stopped before its end."""
        return "Cancelled: the trials trained so far are kept; Play starts over."

    def settings_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lesson:
        raise NotImplementedError


def check_keys(what: str, data: Any, known: tuple[str, ...]) -> dict[str, Any]:
    """``data`` if it is a JSON object naming only ``known`` keys; else a clear error."""
    if not isinstance(data, dict):
        raise TypeError(f"the {what} settings must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} settings {unknown}; expected {', '.join(known)}")
    return data


# -- training in the worker, drawn from copies ---------------------------------------------------

PARTIAL_S = 0.05  # seconds between two sets of changes sent to the window
CURVES = ("train_loss", "val_loss", "val_acc")
Report = Callable[..., bool]
Cancelled = Callable[[], bool]


class Feed:
    """What grew, since the last call, in records that only grow (trials' curves and marks,
    histories, events) and trained elsewhere: a window keeps its own copies up to date by
    applying these changes (``apply_trials``, ``apply_tails``), so it never reads what another
    thread writes, and each set of changes costs what is new, not the whole run."""

    def __init__(self) -> None:
        self.trials: list[tuple] = []  # per trial: curve and marks lengths, status, reason, params
        self.lists: dict[str, list[int]] = {}  # per named list of lists: the lengths sent

    def trial_changes(self, trials: list) -> list[tuple]:
        """(position, start, new curve values by name, marks start, new marks, status, reason,
        params) for each trial that changed."""
        out = []
        for i, t in enumerate(trials):
            n = len(t.val_acc)
            now = (n, len(t.marks), t.status, t.reason, t.params)
            if i < len(self.trials) and _same(self.trials[i], now):
                continue
            start, m = self.trials[i][:2] if i < len(self.trials) else (0, 0)
            out.append((i, start, {k: getattr(t, k)[start:n] for k in CURVES}, m, t.marks[m:now[1]],
                        t.status, t.reason, dict(t.params)))
            self.trials[i:i + 1] = [now]
        return out

    def tails(self, name: str, lists: list[list]) -> list[tuple[int, int, list]]:
        """(row, start, new items) for each of ``lists`` that grew since the last call for ``name``."""
        sent = self.lists.setdefault(name, [])
        sent += [0] * (len(lists) - len(sent))
        out = []
        for row, items in enumerate(lists):
            n = len(items)
            if n != sent[row]:
                out.append((row, sent[row], items[sent[row]:n]))
                sent[row] = n
        return out


def _same(sent: tuple, now: tuple) -> bool:
    return sent[:4] == now[:4] and sent[4] is now[4]


def apply_trials(copies: list, changes: list[tuple]) -> None:
    """Bring the window's copies of trials up to date with ``Feed.trial_changes``."""
    for i, start, curves, m, marks, status, reason, params in changes:
        c = copies[i]
        for key, values in curves.items():
            getattr(c, key)[start:] = values
        c.marks[m:] = marks
        c.status, c.reason, c.params = status, reason, params


def apply_tails(lists: list[list], tails: list[tuple[int, int, list]]) -> None:
    """Bring the window's copies of lists up to date with ``Feed.tails``."""
    for row, start, items in tails:
        lists[row][start:] = items


class Background:
    """A lesson that trains in the controller's worker while it plays (mixed in before
    ``Lesson``): ``work`` trains epoch after epoch and sends what changed at most every
    PARTIAL_S; the window applies it to its own copies (``receive``), which the views draw, and
    ``version`` counts the updates. At speed k the worker trains at most k epochs per frame (the
    timer's interval), as fast as it can at the top notch (``speed`` None). Pause stops it
    between two epochs and Play goes on from there; Step trains one epoch here.

    Subclasses implement ``_trained()`` (no epoch left), ``_train_epoch()``, ``_changes()`` and
    ``_apply(changes)``, and ``_fraction()`` (how far the run is)."""

    worker = True
    interval_ms = 80  # a frame: at speed 1, one epoch per frame, as on the timer
    version = 0
    progress = 0.0
    speed: Callable[[], int | None] = staticmethod(lambda: None)  # set by the controller at Play

    def work(self, report: Report, cancelled: Cancelled) -> Any:
        generation, last, due = self.generation, -math.inf, time.monotonic()
        while not self._trained() and not cancelled():
            self._train_epoch()
            now = time.monotonic()
            if now - last >= PARTIAL_S or self._trained():
                last = now
                if not report(self._fraction(), (generation, self._fraction(), self._changes())):
                    break
            due = _wait(due, self.speed(), self.interval_ms / 1000, cancelled)
        return generation

    def receive(self, partial: tuple) -> bool:
        """The worker's changes, if they are of the run in force."""
        generation, fraction, changes = partial
        if generation != self.generation:
            return False
        self._apply(changes)
        self.progress = fraction
        self.version += 1
        return True

    def finish(self) -> None:
        """The worker has stopped: the copies catch up with the run."""
        self._sync()

    def advance(self, k: int) -> None:
        """k epochs here (Step, scripts), then the copies catch up."""
        self.ensure()
        for _ in range(k):
            if self._trained():
                break
            self._train_epoch()
        self._sync()

    def _sync(self) -> None:
        self._apply(self._changes())
        self.progress = self._fraction()
        self.version += 1

    def stop_note(self) -> str:
        return f"Paused after epoch {self.iteration}: Play goes on from here."

    def where(self) -> str:
        return "this computer, in the background"


def _wait(due: float, speed: int | None, frame_s: float, cancelled: Cancelled) -> float:
    """Hold the worker until an epoch is due again at ``speed`` epochs a frame (None: at once),
    looking at ``cancelled`` every 20 ms; the time the next epoch is due."""
    if speed is None:
        return time.monotonic()
    due = max(due + frame_s / max(speed, 1), time.monotonic() - frame_s)
    while not cancelled() and (left := due - time.monotonic()) > 0:
        time.sleep(min(left, 0.02))
    return due
