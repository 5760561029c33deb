"""The Scale lesson: α and β drawn uniformly and on a log scale (``ScaleRun``), one batch of each
kind per step, until every draw is in."""

from __future__ import annotations

from typing import Any

from ...work import Training, never
from ..experiment import BATCH, PARAMS, ScaleRun, ScaleSettings
from .base import Lesson


class ScaleLesson(Lesson):
    """The draws (``run``) and their settings; the views draw ``run`` itself."""

    Settings = ScaleSettings
    unit = f"× {BATCH} draws"
    step_tip = f"Draw one batch ({BATCH} of each kind)"
    reset_tip = "Start over from the seed"

    def _start(self) -> None:
        self.run = ScaleRun(self.settings, self.run.batch if hasattr(self, "run") else BATCH)

    def configure(self, **changes: Any) -> None:
        """As every lesson's; a range changed at one end ("alpha": (low, high)) is checked as that
        end, so the message names it and the range it may take given the other end."""
        settings = self.settings
        for param in PARAMS:
            if param in changes:
                pair = changes.pop(param)
                pair = tuple(pair) if isinstance(pair, (list, tuple)) else pair  # else refused below
                for i, end in enumerate(("low", "high")):
                    if isinstance(pair, tuple) and len(pair) == 2 and pair[i] != getattr(settings, param)[i]:
                        settings = settings.with_end(param, end, pair[i])
                settings = settings.replace(**{param: pair})
        self.adopt(settings.replace(**changes))

    def training(self, cancelled=never) -> Training:
        run = self.run

        def units():
            while run.step():
                yield

        return Training(self.generation, units(), lambda: None, lambda: run.drawn / run.settings.draws)

    @property
    def iteration(self) -> int:
        """Batches drawn since the last reset or settings change."""
        return self.run.iteration

    @property
    def done(self) -> bool:
        return self.run.done

    def end_note(self) -> str:
        return (f"All {self.settings.draws:,} draws of each kind are in. Play starts over; "
                "change the seed for new draws.")
