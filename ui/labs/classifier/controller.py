"""The classifier lab's controller: owns the trainer, the logistic comparison and the timer; the
page's views subscribe.

Every settings change goes through ``configure`` (or a setter built on it), which validates in the
engine: a bad value emits ``error`` with the engine's message and leaves the trainer as it was.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from simulator.claims import Verdict
from simulator.claims.classifier import CLAIMS, ready
from simulator.classifier.batch_sizes import BatchSizes, measure_sizes
from simulator.classifier.plane import LogisticComparison
from simulator.own_data import MAX_ROWS
from simulator.training import DIVERGED, FEATURES, ClassifierSettings, ClassifierTrainer
from simulator.validation import check_choice, check_count, check_numeric, check_rows, check_whole
from ui.framework.controller import LabController
from ui.session import check_limits

REGULARIZATION = ("none", "L2", "L1")


class ClassifierController(LabController):
    """A softmax classifier training on a 2D data set, one mini-batch per engine step.

    ``data_changed``: the points changed (a new data set, a point added or removed). The saved
    settings are the ``ClassifierSettings`` plus the points the user added ("added").
    """

    key = "classifier"
    MAX_SPEED = 50
    # An epoch a frame on TF Playground's spiral (its 250 training points in its mini-batches of 10),
    # as TF Playground trains; 3.6 epochs at this lab's own 210 points in mini-batches of 32. The
    # slider's lower notches are the slow motion.
    DEFAULT_SPEED = 25

    data_changed = Signal()
    batch_sizes_changed = Signal()  # a measurement of mini-batch sizes started, finished or was cleared
    batch_sizes_progress = Signal(float)
    PRESET_ACTIONS = ("measure_batch_sizes",)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent, interval_ms)
        self.trainer = ClassifierTrainer(ClassifierSettings())
        self.logistic = LogisticComparison()
        self.add_class = 0  # the class a click on the plane adds
        # Draw logistic regression's boundary beside softmax regression's (a wish: it shows only
        # while it applies, two classes and no hidden layer).
        self.compare_logistic = False
        self._announced = False  # the divergence message was shown
        self.batch_sizes: BatchSizes | None = None  # the last measurement of mini-batch sizes
        self.batch_target = 0.35  # the training loss each size trains to

    @property
    def settings(self) -> ClassifierSettings:
        return self.trainer.settings

    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def comparing(self) -> bool:
        """The logistic comparison is asked for and applies (C = 2, no hidden layer)."""
        return self.compare_logistic and LogisticComparison.applies(self.trainer)

    # -- settings -------------------------------------------------------------------------------

    def configure(self, **changes: Any) -> bool:
        """Change settings; True if adopted. Data and architecture changes restart training; the
        others keep the weights."""
        return self.change(lambda: self._adopt(self.settings.replace(**changes)))

    def _adopt(self, settings: ClassifierSettings) -> None:
        rebuilt = self.trainer.apply(settings)
        self._announced = False
        self.add_class = min(self.add_class, self.trainer.data.n_classes - 1)
        if rebuilt:
            self.data_changed.emit()
            aside = self.trainer.aside
            if aside:
                self.message.emit(f"{aside} added point{'s' if aside > 1 else ''} of a class this data set "
                                  "does not have kept aside: back when it has that class again")

    def set_optimizer(self, name: str) -> bool:
        """Another optimizer starts from its own default hyperparameters."""
        if name == self.settings.optimizer:
            return self.configure(optimizer=name)
        return self.configure(optimizer=name, hyper={})

    def set_hyper(self, key: str, value: float) -> bool:
        """One hyperparameter of the optimizer (β, β1, β2, ε)."""
        return self.configure(hyper={**self.settings.hyper, key: value})

    def set_feature(self, name: str, on: bool) -> bool:
        """Use input feature ``name`` or not; the features keep FEATURES' order."""
        chosen = set(self.settings.features) - {name} | ({name} if on else set())
        return self.configure(features=[n for n in dict.fromkeys([*FEATURES, name]) if n in chosen])

    def set_regularization(self, kind: str, rate: float) -> bool:
        """"none", "L2" or "L1" with its rate λ."""

        def adopt() -> None:
            check_choice("regularization", kind, REGULARIZATION)
            self._adopt(self.settings.replace(l2=rate if kind == "L2" else 0.0,
                                              l1=rate if kind == "L1" else 0.0))

        return self.change(adopt)

    @property
    def regularization(self) -> tuple[str, float]:
        """The kind of regularization in force and its rate (("none", 0.0) without)."""
        c = self.settings
        return ("L2", c.l2) if c.l2 else ("L1", c.l1) if c.l1 else ("none", 0.0)

    def regenerate(self) -> None:
        """New points: the next data seed (the seed box shows it)."""
        self.configure(data_seed=self.settings.data_seed + 1)

    def set_compare_logistic(self, on: bool) -> bool:
        """Draw logistic regression's boundary beside softmax regression's (when C = 2)."""
        return self.change(lambda: setattr(self, "compare_logistic", bool(on)))

    def set_add_class(self, label: int) -> None:
        self.add_class = int(min(max(int(label), 0), self.trainer.data.n_classes - 1))

    # -- points ---------------------------------------------------------------------------------

    def add_point(self, x: float, y: float) -> bool:
        """Add a training point of class ``add_class`` at (x, y)."""
        try:
            self.trainer.add_point(x, y, self.add_class)
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.data_changed.emit()
        return True

    def remove_nearest(self, x: float, y: float) -> bool:
        if not self.trainer.remove_nearest(x, y):
            self.message.emit("No training point close enough to remove there")
            return False
        self.data_changed.emit()
        return True

    # -- mini-batch sizes, measured in the worker ------------------------------------------------

    def measure_batch_sizes(self, target: float | None = None) -> bool:
        """Train the settings in force at m = 1, 2, 4, … and the whole set, each to ``target``
        (the last one by default), in the worker; ``batch_sizes_changed`` when it is done."""
        try:  # not a settings change: a preset that asks for it stays in force
            chosen = [check_numeric("target loss", self.batch_target if target is None else target)]
            if not 0 < chosen[0] < float("inf"):  # NaN too
                raise ValueError(f"the target loss must be a number above 0, got {chosen[0]:g}")
        except ValueError as exc:
            self.error.emit(str(exc))
            return False
        self.batch_target = chosen[0]
        settings = self.settings

        def work(report):
            return measure_sizes(settings, chosen[0], progress=report)

        def done(runs) -> None:
            if runs is None:
                self.message.emit("Mini-batch sizes: cancelled")
            else:
                self.batch_sizes = BatchSizes(settings, chosen[0], runs)
            self.batch_sizes_changed.emit()

        def failed(text: str) -> None:
            self.error.emit(f"measuring the mini-batch sizes failed: {text}")
            self.batch_sizes_changed.emit()

        started = self.jobs().start(work, done, on_progress=self.batch_sizes_progress.emit, on_failed=failed)
        if started:
            self.batch_sizes_progress.emit(0.0)
            self.batch_sizes_changed.emit()
        return started

    def measure_claim(self, key: str) -> Verdict | None:
        claim = CLAIMS.get(key)
        if claim is None or not ready(self.trainer, claim):
            return None
        return claim.measure(self.trainer)

    # -- saved state ----------------------------------------------------------------------------

    def settings_dict(self) -> dict[str, Any]:
        """The settings, the added points (those kept aside too), the generated points removed
        and the logistic comparison's switch."""
        return {**self.settings.to_dict(), "added": [list(p) for p in self.trainer.added],
                "removed": sorted(self.trainer.removed), "compare_logistic": self.compare_logistic}

    def _load_settings(self, data: dict[str, Any]) -> None:
        data = dict(data)
        added = check_rows("added", data.pop("added", []), check_numeric, check_numeric, check_whole)
        removed = data.pop("removed", [])
        if not isinstance(removed, list):
            raise ValueError(f"removed must be a list of point numbers, got {removed!r:.60}")
        check_count("removed", removed, MAX_ROWS * 10)  # at most the generated points
        removed = [check_whole(f"removed[{k}]", v, 0) for k, v in enumerate(removed)]
        compare = data.pop("compare_logistic", False)
        if not isinstance(compare, bool):
            raise TypeError(f"compare_logistic must be true or false, got {compare!r}")
        check_limits(data, {"lr": (None, 1000), "l2": (None, 100), "l1": (None, 100)})  # the fields' ranges
        trainer = ClassifierTrainer(ClassifierSettings.from_dict(data), added=added)
        trainer.set_removed(removed)
        self.trainer, self.compare_logistic = trainer, compare
        self._announced = False
        self.add_class = min(self.add_class, trainer.data.n_classes - 1)
        self.data_changed.emit()

    # -- running --------------------------------------------------------------------------------

    def _ready_to_play(self) -> bool:
        if self.trainer.status == DIVERGED:
            self.error.emit(f"the run diverged ({self.trainer.reason}); lower α or press Reset")
            return False
        return True

    def _advance(self, k: int) -> None:
        for _ in range(k):
            self.trainer.step()
        if self.trainer.status == DIVERGED:
            self.pause()
            if not self._announced:
                self._announced = True
                self.error.emit(f"Diverged: {self.trainer.reason}. Showing the last good weights.")

    def _reset(self) -> None:
        self.trainer.reset()
        self._announced = False

    @Slot()
    def step_epoch(self) -> None:
        """One whole epoch of mini-batches, paused."""
        self.pause()
        self.run(self.trainer.batches_per_epoch)
