"""The batch-norm lab's controller: owns the twin experiment and the timer; the page subscribes.

Widgets call the setters here. Settings the engine refuses emit ``error`` with its message and
leave the experiment as it was; settings that are allowed but teach a lesson the hard way (a
mini-batch of one) are adopted and explained with ``message``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from simulator.bn_experiment import BATCH_RANGE, MOMENTUM_RANGE, BNExperiment
from simulator.training import ClassifierConfig

from .lab_base import TimedLab, with_changes

MAX_SPEED = 50


class BatchNormLab(TimedLab):
    """Slots play, pause, step, reset. ``stepped``: the experiment advanced or was reset;
    ``config_changed``: reflect the settings into the widgets."""

    config_changed = Signal()

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent, interval_ms)
        # Population statistics and the covariate-shift band every 2nd mini-batch: a forward
        # pass of both twins over the training set is a third of a step's cost.
        self.experiment = BNExperiment(pop_every=2)
        self.corrected = True  # show (and test with) the bias-corrected EWA
        # The first hidden layer: its batch statistics come straight from the data. (Deeper, a
        # batch of 2 normalizes to +-1, so every pair gives the next layer the same mean.)
        self.layer = 0
        self.unit = 0
        self.speed = 2  # mini-batch steps per frame
        self.test_batch_size = 16
        self.example_index = 0
        self._announced = False

    # -- reading --------------------------------------------------------------------------------

    @property
    def config(self) -> ClassifierConfig:
        return self.experiment.config

    @property
    def momentum(self) -> float:
        return float(self.config.bn_momentum)

    # -- settings -------------------------------------------------------------------------------

    def set_config(self, **changes: Any) -> bool:
        """Change settings; True if adopted. Data or architecture changes restart both twins."""
        try:
            new = with_changes(self.config, changes)
            self.experiment.apply(new)
        except (TypeError, ValueError) as exc:
            self.error.emit(str(exc))
            self.config_changed.emit()  # put the widgets back to the settings in force
            return False
        self._announced = False
        self.layer = min(self.layer, len(self.experiment.units) - 1)
        self.unit = min(self.unit, self.experiment.units[self.layer] - 1)
        self.config_changed.emit()
        self.stepped.emit()
        return True

    def set_momentum(self, beta: float) -> bool:
        """The EWA momentum beta of every BN layer, in [0.5, 0.999] on this page."""
        lo, hi = MOMENTUM_RANGE
        if not lo <= beta <= hi:  # also refuses NaN
            self.error.emit(f"EWA momentum β must be in [{lo}, {hi}], got {beta:g}: at 1 the "
                            "average never moves, near 0 it is just the last batch")
            self.config_changed.emit()
            return False
        return self.set_config(bn_momentum=float(beta))

    def set_batch_size(self, size: int) -> bool:
        lo, hi = BATCH_RANGE
        size = int(size)
        if not lo <= size <= hi:
            self.error.emit(f"mini-batch size must be in [{lo}, {hi}], got {size}")
            self.config_changed.emit()
            return False
        if not self.set_config(batch_size=size):
            return False
        m = len(self.experiment.bn.y_train)
        if size == 1:
            self.message.emit("Mini-batch of 1: σ² = 0, so z_norm = 0 and z̃ = β for every "
                              "example. Batch norm then passes nothing on; use at least 2.")
        elif size > m:
            self.message.emit(f"The training set has {m} examples: each mini-batch is all of "
                              "them (batch gradient descent), so μ and σ² are not noisy.")
        else:
            self.message.emit("")  # clear an earlier note
        return True

    def state(self) -> dict[str, Any]:
        """What a saved session or setup holds for this page."""
        return {**self.config.to_dict(), "corrected": self.corrected, "watch": [self.layer, self.unit]}

    def load(self, data: dict[str, Any]) -> bool:
        """Adopt a saved state; a malformed one changes nothing and says why."""
        try:
            data = dict(data)
            corrected = bool(data.pop("corrected", True))
            layer, unit = (int(v) for v in data.pop("watch", [0, 0]))
            config = ClassifierConfig.from_dict(data)
            lo, hi = MOMENTUM_RANGE
            if not lo <= config.bn_momentum <= hi:
                raise ValueError(f"EWA momentum β must be in [{lo}, {hi}], got {config.bn_momentum}")
            experiment = BNExperiment(config, pop_every=self.experiment.pop_every)
        except (TypeError, ValueError) as exc:
            self.error.emit(f"could not load the batch-norm settings: {exc}")
            return False
        self.pause()
        self.experiment = experiment
        self.corrected = corrected
        self._announced = False
        self.watch(layer, unit)
        return True

    def set_corrected(self, on: bool) -> None:
        self.corrected = bool(on)
        self.config_changed.emit()
        self.stepped.emit()

    def watch(self, layer: int, unit: int) -> None:
        """Watch hidden layer ``layer`` (from 0) and its unit ``unit``, clipped to what exists."""
        units = self.experiment.units
        self.layer = int(min(max(layer, 0), len(units) - 1))
        self.unit = int(min(max(unit, 0), units[self.layer] - 1))
        self.config_changed.emit()
        self.stepped.emit()

    def set_speed(self, steps_per_frame: int) -> None:
        self.speed = int(min(max(steps_per_frame, 1), MAX_SPEED))

    def set_test_batch_size(self, size: int) -> None:
        self.test_batch_size = int(min(max(size, 1), 512))
        self.stepped.emit()

    def set_example(self, index: int) -> None:
        n = max(1, len(self.experiment.bn.data.y_test))
        self.example_index = int(index) % n
        self.config_changed.emit()
        self.stepped.emit()

    # -- running --------------------------------------------------------------------------------

    def _ready_to_play(self) -> bool:
        if self.experiment.diverged:
            self.error.emit("Both runs diverged; lower α or press Reset")
            return False
        return True

    @Slot()
    def step(self) -> None:
        """One mini-batch for each twin."""
        self.pause()
        self._steps(1)

    @Slot()
    def reset(self) -> None:
        self.experiment.reset()
        self._announced = False
        self.stepped.emit()

    def run(self, k: int) -> None:
        """k mini-batches without the timer (tests, scripts), then one redraw."""
        self._steps(int(k))

    def _tick(self) -> None:
        self._steps(self.speed)

    def _steps(self, k: int) -> None:
        try:
            for _ in range(k):
                self.experiment.step()
        except ValueError as exc:
            self.pause()
            self.error.emit(str(exc))
            return
        e = self.experiment
        for name, trainer in (("with BN", e.bn), ("without BN", e.plain)):
            if trainer.reason and not self._announced:
                self._announced = True
                self.error.emit(f"The run {name} diverged: {trainer.reason}")
        if e.diverged:
            self.pause()
        self.stepped.emit()

    def shutdown(self) -> None:
        self.pause()


__all__ = ["BatchNormLab", "MAX_SPEED"]
