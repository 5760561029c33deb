"""The tuning lab's controller: owns the scale lesson's run (``simulator.tuning.ScaleRun``) and
the timer; the page subscribes.

Each step draws one batch of α and β of each kind; Play runs until every draw is in and then
stops (Play again starts over from the seed). A settings change starts the draws over; a value
the engine refuses emits ``error`` with its message and changes nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from simulator.tuning import ScaleRun, ScaleSettings
from ui.framework.controller import LabController

FRAME_MS = 80  # a batch of 20 per frame at speed 1: 1,000 draws build up in 4 seconds


class TuningController(LabController):
    """The scale lesson's draws (``scale``, a ``ScaleRun``) and their ``settings``."""

    key = "tuning"
    MAX_SPEED = 25
    DEFAULT_SPEED = 1

    def __init__(self, parent: QObject | None = None, interval_ms: int = FRAME_MS) -> None:
        super().__init__(parent, interval_ms)
        self.scale = ScaleRun(ScaleSettings())

    # -- settings -------------------------------------------------------------------------------

    @property
    def settings(self) -> ScaleSettings:
        """The settings in force (those of ``scale``)."""
        return self.scale.settings

    def _adopt(self, settings: ScaleSettings) -> None:
        """New settings: the draws start over (from the seed)."""
        if settings != self.settings:
            self.scale = ScaleRun(settings, self.scale.batch)
        self.message.emit("")  # a note about the old draws ("all are in") no longer holds

    def set_range(self, param: str, end: str, value: float) -> bool:
        """One end ("low" or "high") of α's or β's range (``param`` "alpha" or "beta")."""
        return self.change(lambda: self._adopt(self.settings.with_end(param, end, value)))

    def set_draws(self, n: int) -> bool:
        """How many values of each kind a run draws (1 to 100,000)."""
        return self.change(lambda: self._adopt(self.settings.replace(draws=n)))

    def set_seed(self, seed: int) -> bool:
        return self.change(lambda: self._adopt(self.settings.replace(seed=seed)))

    # -- saved state ----------------------------------------------------------------------------

    def settings_dict(self) -> dict[str, Any]:
        """{"alpha": [low, high], "beta": [low, high], "draws": n, "seed": s}."""
        return self.settings.to_dict()

    def _load_settings(self, data: dict[str, Any]) -> None:
        """Adopt saved settings; those it does not name take the defaults."""
        self.scale = ScaleRun(ScaleSettings.from_dict(data), self.scale.batch)

    # -- running --------------------------------------------------------------------------------

    @property
    def iteration(self) -> int:
        """Batches drawn since the last reset or settings change."""
        return self.scale.iteration

    def _ready_to_play(self) -> bool:
        """Play after the last draw starts over, as a media player does at the end."""
        if self.scale.done:
            self._reset()
            self.stepped.emit()
        return True

    def _advance(self, k: int) -> None:
        """k batches of each kind; the run stops when every draw is in."""
        for _ in range(k):
            if not self.scale.step():
                break
        if self.scale.done:
            self.pause()
            n = self.settings.draws
            self.message.emit(f"All {n:,} draws of each kind are in. Play starts over; "
                              "change the seed for new draws.")

    def _reset(self) -> None:
        self.scale.reset()
        self.message.emit("")
