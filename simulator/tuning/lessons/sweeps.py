"""Lessons whose trials train in ``Sweep``s, one epoch of every live trial per unit (the searches
and Coarse to fine). ``trials`` is what the views draw: a copy made after each set of units, so a
worker may train the sweeps while the window draws the last copy; ``groups`` gives them by the
label the views and the table use."""

from __future__ import annotations

from collections.abc import Iterator

from ...work import Cancelled, Training, never
from ..sweep import Sweep, Trial
from .base import Lesson
from .copies import snapshot


def fraction_of(trials: list[Trial]) -> float:
    """How far trials are: epochs trained over epochs to train, every trial counted."""
    if not trials:
        return 1.0
    return sum(1.0 if not t.live else min(t.epochs / max(t.budget, 1), 1.0) for t in trials) / len(trials)


class SweepLesson(Lesson):
    """Sweeps by label (``sweeps``, made by ``build``) and the copies the views draw (``trials``).
    A search is not resumable: Pause cancels its live trials, and Play starts it over."""

    worker = True
    resumable = False
    paced = False  # a search trains as fast as it can; the window draws what arrives
    interval_ms = 50  # the frame while the worker trains: partial results drawn as they arrive
    step_tip = "Train every trial one epoch"
    reset_tip = "Start the trials over"
    labels: tuple[str, ...] = ()

    def build(self) -> dict[str, Sweep]:
        """New sweeps for the settings in force (nothing trained yet)."""
        raise NotImplementedError

    def _start(self) -> None:
        """No sweeps until the first unit (``ensure``): loading settings stays cheap."""
        self.sweeps: dict[str, Sweep] = {}
        self.trials: dict[str, list[Trial]] = {label: [] for label in self.labels}

    def ensure(self) -> None:
        """Make the sweeps if they are not made yet (the trials at epoch 0)."""
        if not self.sweeps:
            self.sweeps = self.build()
            self.trials = snapshot(self.sweeps)

    def training(self, cancelled: Cancelled = never) -> Training:
        self.ensure()
        sweeps = self.sweeps
        every = lambda: [t for s in sweeps.values() for t in s.trials]  # noqa: E731
        return Training(self.generation, self._units(sweeps, cancelled), lambda: snapshot(sweeps),
                        lambda: fraction_of(every()))

    def _units(self, sweeps: dict[str, Sweep], cancelled: Cancelled) -> Iterator[None]:
        """One epoch of every live trial per unit. Stopped by ``cancelled()``, the live trials
        become "cancelled", their curves kept."""
        try:
            while not all(s.done for s in sweeps.values()):
                for s in sweeps.values():
                    if not s.done:
                        s.step(cancelled)
                yield
        finally:
            if cancelled():
                for s in sweeps.values():
                    s.cancel()

    def _apply(self, changes: dict[str, list[Trial]]) -> None:
        self.trials = changes

    @property
    def iteration(self) -> int:
        """Epochs trained (the furthest trial's, in the copy drawn)."""
        return max((t.epochs for t in self.all_trials()), default=0)

    @property
    def done(self) -> bool:
        """The sweeps are made and no trial of the copy drawn is still training."""
        return bool(self.sweeps) and not any(t.live for t in self.all_trials())

    @property
    def groups(self) -> dict[str, list[Trial]]:
        """The trials by the label the views and the table give them (a search, a round)."""
        return self.trials

    def all_trials(self) -> list[Trial]:
        """The trials drawn, every sweep's, in order."""
        return [t for ts in self.trials.values() for t in ts]
