"""The batch-norm lab's controller: owns the twin experiment and the timer; the page subscribes.

Widgets call the setters here. Settings the engine refuses emit ``error`` with its message and
leave the experiment as it was; settings that are allowed but teach a lesson the hard way (a
mini-batch of one) are adopted and explained with ``message``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from simulator.batchnorm import BNExperiment, default_settings
from simulator.batchnorm.bias import BiasRun, compare_bias
from simulator.batchnorm.regularizer import GapRun, compare_gaps
from simulator.claims import Verdict
from simulator.claims.batchnorm import CLAIMS, BNRun, ready
from simulator.training import ClassifierSettings
from simulator.validation import check_int, check_number
from ui.framework.controller import LabController
from ui.session import check_limits

# The page's slider ranges: the EWA momentum and the mini-batch size it offers.
MOMENTUM_RANGE = (0.5, 0.999)
BATCH_RANGE = (1, 512)
TEST_BATCH_RANGE = (1, 512)


def check_momentum(momentum: float) -> float:
    """The EWA momentum if this page offers it, else ValueError saying why."""
    lo, hi = MOMENTUM_RANGE
    if not lo <= momentum <= hi:  # also refuses NaN
        raise ValueError(f"EWA momentum must be in [{lo}, {hi}], got {momentum:g}: at 1 the "
                         "average never moves, near 0 it is just the last batch")
    return float(momentum)


def check_batch_size(size: int) -> int:
    lo, hi = BATCH_RANGE
    if not lo <= int(size) <= hi:
        raise ValueError(f"mini-batch size must be in [{lo}, {hi}], got {size}")
    return int(size)


def parse_hidden(text: str) -> list[int]:
    """'16, 16' -> [16, 16]; ValueError with a clear message for anything else."""
    try:
        return [int(s) for s in str(text).replace(",", " ").split()]
    except ValueError:
        raise ValueError(f"hidden layers must be whole numbers like 16, 16; got {text!r:.60}") from None


class BatchNormController(LabController):
    """The twins (``experiment``), the watched unit (``layer``, ``unit``, from 0), whether the
    EWA is bias-corrected (``corrected``), and the test-time tab's example and batch size."""

    key = "batchnorm"
    MAX_SPEED = 50
    DEFAULT_SPEED = 2
    PRESET_ACTIONS = ("measure_bias", "measure_gaps")
    bias_changed = Signal()  # a "No b" measurement started, ended or was cancelled
    gaps_changed = Signal()  # a "Regularizer" measurement started, ended or was cancelled

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
        self.test_batch_size = 16
        self.example_index = 0
        self._announced = False  # a twin's divergence was reported
        self.bias: BiasRun | None = None  # the last "No b" measurement
        self.gaps: GapRun | None = None  # the last "Regularizer" measurement

    # -- reading --------------------------------------------------------------------------------

    @property
    def settings(self) -> ClassifierSettings:
        return self.experiment.settings

    @property
    def momentum(self) -> float:
        """The EWA momentum of every BN layer (the settings' ``bn_momentum``)."""
        return float(self.settings.bn_momentum)

    @property
    def iteration(self) -> int:
        return self.experiment.iteration

    @property
    def n_test(self) -> int:
        """Test examples (at least 1, for the example picker; the training set's without a test
        set, as the test-time tab uses it)."""
        return max(1, self.experiment.test_size)

    @property
    def test_batch(self) -> int:
        """The test batch size in force: the one chosen, at most the test set's size (a smaller
        test set shows and uses its own size; a larger one brings the chosen size back)."""
        return min(self.test_batch_size, self.n_test)

    # -- settings -------------------------------------------------------------------------------

    def configure(self, **changes: Any) -> bool:
        """Change settings; True if adopted. Data or architecture changes restart both twins."""
        return self.change(lambda: self._adopt(changes))

    def _adopt(self, changes: dict[str, Any]) -> None:
        self.experiment.apply(self.settings.replace(**changes))
        self._announced = False
        self._forget_measurements()
        self.layer = min(self.layer, len(self.experiment.units) - 1)
        self.unit = min(self.unit, self.experiment.units[self.layer] - 1)

    def set_hidden(self, text: str | list[int]) -> bool:
        """Units per hidden layer, as a list or as text like '16, 16'."""
        return self.change(lambda: self._adopt_hidden(text))

    def _adopt_hidden(self, text: str | list[int]) -> None:
        hidden = parse_hidden(text) if isinstance(text, str) else [int(u) for u in text]
        if hidden != list(self.settings.hidden):
            self._adopt({"hidden": hidden})

    def set_momentum(self, momentum: float) -> bool:
        """The EWA momentum of every BN layer, in MOMENTUM_RANGE on this page."""
        return self.change(lambda: self._adopt({"bn_momentum": check_momentum(momentum)}))

    def set_batch_size(self, size: int) -> bool:
        if not self.change(lambda: self._adopt({"batch_size": check_batch_size(size)})):
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

    def set_corrected(self, on: bool) -> bool:
        """Show (and test with) the bias-corrected EWA, or the one started at zero."""
        return self.change(lambda: setattr(self, "corrected", bool(on)))

    def undo_normalization(self) -> bool:
        """Set the watched layer's γ = √(σ² + ε) and β = μ of the last mini-batch, so that
        z̃ = z: batch norm undone (training goes on from there)."""
        if not self.change(lambda: self.experiment.undo_normalization(self.layer)):
            return False
        self.message.emit(f"Layer {self.layer + 1}: γ = √(σ² + ε) and β = μ of the last "
                          "mini-batch, so z̃ = z (see the chain on the right).")
        return True

    def watch(self, layer: int, unit: int) -> bool:
        """Watch hidden layer ``layer`` (from 0) and its unit ``unit``, clipped to what exists."""
        return self.change(lambda: self._watch(layer, unit))

    def _watch(self, layer: int, unit: int) -> None:
        units = self.experiment.units
        self.layer = int(min(max(int(layer), 0), len(units) - 1))
        self.unit = int(min(max(int(unit), 0), units[self.layer] - 1))

    def set_test_batch_size(self, size: int) -> bool:
        lo, hi = TEST_BATCH_RANGE
        return self.change(lambda: setattr(self, "test_batch_size", int(min(max(int(size), lo), hi))))

    def set_example(self, index: int) -> bool:
        """The test example the test-time table follows (from 0; wraps around)."""
        return self.change(lambda: setattr(self, "example_index", int(index) % self.n_test))

    def next_example(self) -> bool:
        return self.set_example(self.example_index + 1)

    def _forget_measurements(self) -> None:
        """New settings: the "No b" and "Regularizer" measurements were of the old ones."""
        for name, signal in (("bias", self.bias_changed), ("gaps", self.gaps_changed)):
            if getattr(self, name) is not None:
                setattr(self, name, None)
                signal.emit()

    def measure_bias(self) -> bool:
        """Train the settings in force without and with a b in the BN layers, from the same
        weights on the same mini-batches, in the worker; ``bias_changed`` when it is done. Not a
        settings change: a preset that asks for it stays in force."""
        return self._measure("bias", compare_bias, self.bias_changed, "measuring b")

    def measure_gaps(self) -> bool:
        """Train the settings in force with and without batch norm at several mini-batch sizes
        and measure each run's train/test gap, in the worker; ``gaps_changed`` when it is done."""
        return self._measure("gaps", compare_gaps, self.gaps_changed, "measuring the gaps")

    def _measure(self, name: str, measure, signal, what: str) -> bool:
        """Run ``measure(settings, progress=...)`` in the worker and keep its result as
        ``self.<name>``; ``signal`` when it starts and when it ends, failed or not."""
        settings = self.settings

        def done(result) -> None:
            if result is not None:
                setattr(self, name, result)
            signal.emit()

        def failed(text: str) -> None:
            self.error.emit(f"{what} failed: {text}")
            signal.emit()

        started = self.jobs().start(lambda report: measure(settings, progress=report), done,
                                    on_failed=failed)
        if started:
            signal.emit()
        return started

    def measure_claim(self, key: str) -> Verdict | None:
        claim = CLAIMS.get(key)
        run = BNRun(self.experiment, self.corrected, self.layer, self.unit, self.bias, self.gaps)
        if claim is None or not ready(run, claim):
            return None
        return claim.measure(run)

    # -- saved state ----------------------------------------------------------------------------

    def settings_dict(self) -> dict[str, Any]:
        """The settings (as saved before states had versions): the settings, "corrected", "watch"."""
        return {**self.settings.to_dict(), "corrected": self.corrected, "watch": [self.layer, self.unit]}

    def _load_settings(self, data: dict[str, Any]) -> None:
        """Adopt saved settings; settings it does not name keep the lab's defaults."""
        data = dict(data)
        corrected = data.pop("corrected", True)
        if not isinstance(corrected, bool):
            raise TypeError(f"corrected must be true or false, got {corrected!r}")
        watch = data.pop("watch", [0, 0])
        if not isinstance(watch, (list, tuple)) or len(watch) != 2:
            raise ValueError(f"watch must be [layer, unit], got {watch!r}")
        check_limits(data, {"lr": (None, 10), "batch_size": (None, BATCH_RANGE[1])})  # the widgets' ranges
        if "bn_momentum" in data:  # this page's range, before the engine's wider one
            check_momentum(check_number("bn_momentum", data["bn_momentum"]))
        settings = ClassifierSettings.from_dict({**default_settings().to_dict(), **data})
        experiment = BNExperiment(settings, pop_every=self.experiment.pop_every)
        units = experiment.units  # a watched unit the network does not have is named, not moved
        layer = check_int("watch layer", watch[0], 0, len(units) - 1)
        unit = check_int(f"watch unit of layer {layer + 1}", watch[1], 0, units[layer] - 1)
        self.experiment = experiment
        self.corrected = corrected
        self._announced = False
        self._forget_measurements()
        self._watch(layer, unit)
        self.example_index %= self.n_test

    # -- running --------------------------------------------------------------------------------

    def _ready_to_play(self) -> bool:
        if self.experiment.diverged:
            self.error.emit("Both runs diverged; lower α or press Reset")
            return False
        return True

    def _advance(self, k: int) -> None:
        """k mini-batches for each twin; a twin that diverges is reported once."""
        e = self.experiment
        for _ in range(k):
            e.step()
        for name, trainer in (("with BN", e.bn), ("without BN", e.plain)):
            if trainer.reason and not self._announced:
                self._announced = True
                self.error.emit(f"The run {name} diverged: {trainer.reason}")
        if e.diverged:
            self.pause()

    def _reset(self) -> None:
        self.experiment.reset()
        self._announced = False
