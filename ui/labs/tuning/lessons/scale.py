"""The Scale lesson: α and β drawn uniformly and on a log scale (``simulator.tuning.ScaleRun``),
one batch of each kind per step, until every draw is in."""

from __future__ import annotations

from typing import Any

from simulator.tuning import BATCH, ScaleRun, ScaleSettings

from .base import Lesson


class ScaleLesson(Lesson):
    """The draws (``run``) and their settings."""

    key = "scale"
    title = "Scale"
    unit = f"× {BATCH} draws"
    step_tip = f"Draw one batch ({BATCH} of each kind)"
    reset_tip = "Start over from the seed"

    def __init__(self, settings: ScaleSettings | None = None) -> None:
        self.run = ScaleRun(settings or ScaleSettings())

    @property
    def settings(self) -> ScaleSettings:
        return self.run.settings

    def adopt(self, settings: ScaleSettings) -> None:
        """New settings: the draws start over (from the seed)."""
        if settings != self.settings:
            self.run = ScaleRun(settings, self.run.batch)

    @property
    def iteration(self) -> int:
        """Batches drawn since the last reset or settings change."""
        return self.run.iteration

    @property
    def done(self) -> bool:
        return self.run.done

    def advance(self, k: int) -> None:
        for _ in range(k):
            if not self.run.step():
                break

    def reset(self) -> None:
        self.run.reset()

    def end_note(self) -> str:
        return (f"All {self.settings.draws:,} draws of each kind are in. Play starts over; "
                "change the seed for new draws.")

    def settings_dict(self) -> dict[str, Any]:
        """{"alpha": [low, high], "beta": [low, high], "draws": n, "seed": s}."""
        return self.settings.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScaleLesson:
        return cls(ScaleSettings.from_dict(data))
