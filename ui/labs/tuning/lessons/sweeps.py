"""Lessons whose trials train in ``simulator.tuning.Sweep``s, one epoch of every live trial per
step. ``trials`` is what the views draw: a copy made after each step, so a worker may train the
sweeps while the window draws the last copy.

A lesson with ``worker = True`` (a search) trains in the controller's worker when Play is pressed
(``work``): the window stays free, partial results arrive after each epoch, and the sweep checks
``cancelled`` before each stack's epoch. Step trains one epoch here. Caviar trains in the worker
too, sending only what changed (``base.Background``); the panda trains on the timer, one step per
tick.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from typing import Any

from simulator.tuning.sweep import Sweep, Trial

from .base import Lesson

Report = Callable[..., bool]
PARTIAL_S = 0.05  # seconds between two copies of the trials sent to the window
Cancelled = Callable[[], bool]


def snapshot(sweeps: dict[str, Sweep], copies: bool = True) -> dict[str, list[Trial]]:
    """Copies of every sweep's trials (curves included), safe to draw while training goes on; or
    (``copies`` False) the trials themselves."""
    return {label: [copy_trial(t) for t in s.trials] if copies else s.trials
            for label, s in sweeps.items()}


def copy_trial(t: Trial) -> Trial:
    """A copy of ``t`` that training it further leaves alone: its lists and dicts copied one level
    (they hold numbers and strings). ``copy.deepcopy`` visits every number of every curve, and
    holds the interpreter for as long (100 ms for 50 trials of 300 epochs, growing with the run),
    which the window's thread needs to draw."""
    c = copy.copy(t)
    c.params = dict(t.params)
    c.train_loss, c.val_loss, c.val_acc = t.train_loss[:], t.val_loss[:], t.val_acc[:]
    c.marks = [(epoch, dict(changes)) for epoch, changes in t.marks]
    return c


class SweepLesson(Lesson):
    """Sweeps by label (``sweeps``, made by ``build``), the copies the views draw (``trials``)
    and a ``generation`` that changes whenever the sweeps are replaced (a worker's results from
    an older generation are dropped)."""

    worker = False
    copies = True  # draw copies (a worker may train the sweeps); False: the sweeps' own trials
    unit = "epochs"
    step_tip = "Train every trial one epoch"
    reset_tip = "Start the trials over"

    def __init__(self) -> None:
        self.generation = 0
        self.note = ""
        self.reset()

    labels: tuple[str, ...] = ()

    def build(self) -> dict[str, Sweep]:
        """New sweeps for the settings in force (nothing trained yet)."""
        raise NotImplementedError

    def reset(self) -> None:
        """No sweeps until the first step or Play (``ensure``): loading settings stays cheap."""
        self.generation += 1
        self.sweeps: dict[str, Sweep] = {}
        self.trials: dict[str, list[Trial]] = {label: [] for label in self.labels}
        self.progress = 0.0

    def ensure(self) -> None:
        """Make the sweeps if they are not made yet (the trials at epoch 0)."""
        if not self.sweeps:
            self.sweeps = self.build()
            self.trials = snapshot(self.sweeps, self.copies)

    @property
    def iteration(self) -> int:
        """Epochs trained (the furthest trial's, in the copy drawn)."""
        return max((t.epochs for t in self.all_trials()), default=0)

    @property
    def done(self) -> bool:
        """The sweeps are made and no trial of the copy drawn is still training."""
        return bool(self.sweeps) and not any(t.live for t in self.all_trials())

    def advance(self, k: int) -> None:
        """k epochs of every live trial, here."""
        self.ensure()
        if all(s.done for s in self.sweeps.values()):
            return
        for _ in range(k):
            if not any([s.step() for s in self.sweeps.values() if not s.done]):
                break
        self.trials = snapshot(self.sweeps, self.copies)
        self.progress = self.fraction()

    def fraction(self) -> float:
        """How far the sweeps are: epochs trained over epochs to train, every trial counted."""
        trials = [t for s in self.sweeps.values() for t in s.trials]
        if not trials:
            return 1.0
        return sum(1.0 if not t.live else min(t.epochs / max(t.budget, 1), 1.0)
                   for t in trials) / len(trials)

    def work(self, report: Report, cancelled: Cancelled) -> Any:
        """What the worker runs: every sweep to its end, a copy of the trials after each epoch.
        Returns the generation it trained (None when cancelled, as the worker reports)."""
        generation, last = self.generation, -math.inf
        while not all(s.done for s in self.sweeps.values()) and not cancelled():
            for s in self.sweeps.values():
                if not s.done:
                    s.step(cancelled)
            # A copy at most every PARTIAL_S: the window draws no faster, and copying holds the
            # interpreter the window's thread needs.
            now = time.monotonic()
            partial = (generation, snapshot(self.sweeps)) if now - last >= PARTIAL_S else None
            last = now if partial is not None else last
            if not report(self.fraction(), partial):
                break
        if cancelled():
            for s in self.sweeps.values():
                s.cancel()  # the live trials stop as "cancelled", their curves kept
        return generation

    def receive(self, partial: tuple[int, dict[str, list[Trial]]]) -> bool:
        """A worker's copy of the trials, if it is of the sweeps in force."""
        generation, trials = partial
        if generation != self.generation:
            return False
        self.trials = trials
        self.progress = self.fraction_of(trials)
        return True

    def finish(self) -> None:
        """The worker has stopped: show the sweeps as they stand."""
        self.trials = snapshot(self.sweeps)
        self.progress = self.fraction()

    @staticmethod
    def fraction_of(trials: dict[str, list[Trial]]) -> float:
        every = [t for ts in trials.values() for t in ts]
        if not every:
            return 1.0
        return sum(1.0 if not t.live else min(t.epochs / max(t.budget, 1), 1.0)
                   for t in every) / len(every)

    @property
    def groups(self) -> dict[str, list[Trial]]:
        """The trials by the label the views and the table give them (a search, a round)."""
        return self.trials

    def where(self) -> str:
        """Where the trials train, for the message line."""
        return "this computer"

    def all_trials(self) -> list[Trial]:
        """The trials drawn, every sweep's, in order."""
        return [t for ts in self.trials.values() for t in ts]
