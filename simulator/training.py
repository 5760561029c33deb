"""Training a softmax classifier on a 2D data set, one mini-batch at a time.

``ClassifierTrainer`` ties a data set, its input features, an ``MLP`` and an optimizer together and
keeps what the classifier page shows: the epoch, the train and test loss and accuracy per epoch, the
points a user added or removed, and the last good weights when a run diverges. It is also the engine
of the batch-norm lab, and will be of the tuning lab.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .classifier.history import CostTrace, History
from .classifier.softmax import softmax_steps
from .datasets import CLASS_RANGE, DATASETS, DEFAULT_TURNS, TURNS_RANGE, Dataset
from .nn import MLP
from .optimizers import OPTIMIZERS
from .own_data import MAX_ROWS, freeze_points
from .points import EditablePoints
from .schedules import SCHEDULES
from .specs import DataSpec, ModelSpec, OptimizerSpec
from .validation import (
    MAX_EWA_MOMENTUM,
    check_added_point,
    check_array,
    check_choice,
    check_count,
    check_fields,
    check_point,
    check_range,
)

# Input features, as TensorFlow Playground offers them: name -> function of (x1, x2).
FEATURES: dict[str, Any] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
MAX_HIDDEN_LAYERS = 4
# The type of every setting, checked before its range (see ``check_fields``).
SETTING_KINDS = {"dataset": "text", "n": "int", "classes": "int", "noise": "number",
                "test_fraction": "number", "data_seed": "int", "hidden": "ints", "activation": "text",
                "features": "texts", "l2": "number", "l1": "number", "optimizer": "text",
                "lr": "number", "hyper": "mapping", "schedule": "text", "schedule_params": "mapping",
                "batch_size": "int", "seed": "int", "batchnorm": "bool", "bn_momentum": "number",
                "turns": "number"}
MAX_UNITS = 64
RUNNING, DIVERGED = "running", "diverged"


def featurize(X: np.ndarray, names: tuple[str, ...] | list[str]) -> np.ndarray:
    """The chosen features of points X (m, 2), as columns (m, len(names)) in X's dtype (a NaN
    point gives NaN features: the grid of the regions is featurized as it is)."""
    if isinstance(names, (str, bytes)) or not isinstance(names, (list, tuple)) or not names:
        raise ValueError(f"choose at least one input feature (a list of names), got {names!r:.40}")
    unknown = [n for n in names if not isinstance(n, str) or n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r:.40}; choose from {', '.join(FEATURES)}")
    X = check_array("X", X, dtype=None)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"points X must have shape (m, 2), got shape {X.shape}")
    x1, x2 = X[:, 0], X[:, 1]
    return np.stack([FEATURES[n](x1, x2) for n in names], axis=1).astype(X.dtype, copy=False)


@dataclass(frozen=True)
class ClassifierSettings:
    """Everything that defines a training run; saved with the page's state. Frozen and checked
    when made (ValueError naming the first bad setting); changed with ``replace``. The lists and
    dicts are the settings' own copies."""

    dataset: str = "blobs"
    n: int = 300
    classes: int = 3
    noise: float = 0.15
    test_fraction: float = 0.3
    data_seed: int = 0
    hidden: list[int] = field(default_factory=list)  # [] is softmax regression
    activation: str = "tanh"
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    l2: float = 0.0
    l1: float = 0.0
    optimizer: str = "adam"
    lr: float = 0.03
    hyper: dict[str, Any] = field(default_factory=dict)  # beta, beta1, beta2, eps, ...
    schedule: str = "constant"
    schedule_params: dict[str, float] = field(default_factory=dict)
    batch_size: int = 32
    seed: int = 0
    batchnorm: bool = False
    bn_momentum: float = 0.9
    turns: float = DEFAULT_TURNS  # the spiral's arms, in turns (other sets ignore it)
    points: list[list[float]] = field(default_factory=list)  # own data ("csv"): [x1, x2, label]

    def __post_init__(self) -> None:
        check_fields(self, SETTING_KINDS)  # the types first: "16" is not [16]
        own = object.__setattr__
        for name in ("hidden", "features"):
            own(self, name, list(getattr(self, name)))
        for name in ("hyper", "schedule_params"):
            own(self, name, copy.deepcopy(getattr(self, name)))
        if not isinstance(self.points, (list, tuple)):
            raise ValueError(f"points must be a list of [x1, x2, class] rows, got {self.points!r:.60}")
        own(self, "points", copy.deepcopy(list(self.points)))
        self._check()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def replace(self, **changes: Any) -> ClassifierSettings:
        """A copy with ``changes``, checked (ValueError naming a bad or unknown setting). A new
        data set keeps the number of classes where it allows it, else the nearest it allows
        (moons has 2, blobs 2 to 8)."""
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown classifier setting {sorted(unknown)[0]!r}")
        if "dataset" in changes and "classes" not in changes:
            lo, hi = CLASS_RANGE.get(changes["dataset"], (1, 64))
            changes["classes"] = min(max(int(self.classes), lo), hi)
        return dataclasses.replace(self, **changes)

    # -- the specs it is made of: which one changed says what must be rebuilt ----------------------

    @property
    def data_spec(self) -> DataSpec:
        return DataSpec(self.dataset, int(self.n), int(self.classes), float(self.noise),
                        float(self.test_fraction), int(self.data_seed), float(self.turns),
                        freeze_points(self.points))

    @property
    def model_spec(self) -> ModelSpec:
        return ModelSpec(tuple(self.features), tuple(int(u) for u in self.hidden), self.activation,
                         int(self.seed), bool(self.batchnorm))

    @property
    def optimizer_spec(self) -> OptimizerSpec:
        return OptimizerSpec(self.optimizer, self.lr, self.hyper, self.schedule, self.schedule_params)

    def needs_rebuild(self, other: ClassifierSettings) -> bool:
        """True if going from ``other`` to these settings needs new data or a new network."""
        return self.data_spec != other.data_spec or self.model_spec != other.model_spec

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClassifierSettings:
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object with the classifier settings")
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown classifier setting {sorted(unknown)[0]!r}")
        return cls(**data)

    def _check(self) -> None:
        """ValueError naming the first setting out of range (the types are checked before)."""
        check_range("bn_momentum", self.bn_momentum, low=0.0, high=MAX_EWA_MOMENTUM)
        check_choice("data set", self.dataset, DATASETS)
        lo, hi = CLASS_RANGE[self.dataset]
        if not lo <= int(self.classes) <= hi:
            raise ValueError(f"{self.dataset} takes classes in [{lo}, {hi}], got {self.classes}")
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(self.hidden)}")
        for units in self.hidden:
            if not 1 <= int(units) <= MAX_UNITS:
                raise ValueError(f"hidden layer sizes must be in [1, {MAX_UNITS}], got {units}")
        check_range("turns", self.turns, low=TURNS_RANGE[0], high=TURNS_RANGE[1])
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_range("batch_size", self.batch_size, low=1)
        check_range("l2", self.l2, low=0.0)
        check_range("l1", self.l1, low=0.0)
        featurize(np.zeros((1, 2)), self.features)


class ClassifierTrainer(EditablePoints):
    """A data set, a model and an optimizer; ``step()`` trains on one mini-batch.

    Points the user added (``add_point``) or removed (``remove_nearest``) are part of the training
    set and survive a rebuild with new settings; regenerating the data with another seed keeps the
    added points and forgets the removals (they named points of the old set). An added point of a
    class the data set does not have (class 2 on a two-class set) is kept aside (``aside``), out of
    the training set, and comes back when the set has that class again.
    """

    def __init__(self, settings: ClassifierSettings | None = None,
                 added: list[tuple[float, float, int]] | None = None) -> None:
        self.settings = settings or ClassifierSettings()
        check_count("added points", added or [], MAX_ROWS)  # as many as an own data set holds
        self.added: list[tuple[float, float, int]] = [check_added_point(p) for p in (added or [])]
        self.removed: set[int] = set()
        self.rebuild(self.settings)

    # -- building ---------------------------------------------------------------------------------

    def rebuild(self, settings: ClassifierSettings, keep_removed: bool = True) -> None:
        """Adopt new settings: new data (if its settings changed), a fresh model and optimizer.

        Validates everything first, so a ValueError leaves the trainer as it was.
        """
        old = getattr(self, "settings", None)
        same_data = hasattr(self, "data") and old is not None and old.data_spec == settings.data_spec
        data = self.data if same_data else settings.data_spec.build()
        sizes = [len(settings.features), *map(int, settings.hidden), data.n_classes]
        model = MLP(sizes, activation=settings.activation, batchnorm=settings.batchnorm,
                    seed=settings.seed, l2=settings.l2, l1=settings.l1, bn_momentum=settings.bn_momentum)
        optimizer = self._make_optimizer(settings)
        self.settings, self.data, self.model, self.optimizer = settings, data, model, optimizer
        if not (same_data and keep_removed):
            self.removed = set()
        self._refresh_training_set()
        self.reset()

    def apply(self, settings: ClassifierSettings) -> bool:
        """Adopt new settings. Returns True if the network was rebuilt (training starts over);
        optimizer, learning rate, decay, regularization, batch size and BN momentum changes keep
        the weights, so a teacher can lower alpha in the middle of a run."""
        if settings.needs_rebuild(self.settings):
            self.rebuild(settings)
            return True
        optimizer = self._make_optimizer(settings)
        check_range("bn_momentum", settings.bn_momentum, low=0.0, high=1.0, high_open=True)
        old = self.settings
        self.settings = settings
        if settings.optimizer_spec != old.optimizer_spec:
            self.optimizer = optimizer
        self.model.l1, self.model.l2 = float(settings.l1), float(settings.l2)
        if self.model.bn_layers:
            self.model.set_bn_momentum(settings.bn_momentum)
        if self.status == DIVERGED:  # new settings: try again from the last good weights
            self.status, self.reason = RUNNING, ""
        return False

    @staticmethod
    def _make_optimizer(settings: ClassifierSettings):
        return settings.optimizer_spec.build()

    def _refresh_training_set(self) -> None:
        keep = np.array([i not in self.removed for i in range(len(self.data.y_train))], dtype=bool)
        X, y = self.data.X_train[keep], self.data.y_train[keep]
        used = [self.added[k] for k in self._in_use()]
        if used:
            a = np.asarray(used, dtype=float)
            X = np.concatenate([X, a[:, :2]])
            y = np.concatenate([y, a[:, 2].astype(np.int64)])
        self.X_train, self.y_train = X, y
        self.F_train = featurize(X, self.settings.features)
        self.F_test = featurize(self.data.X_test, self.settings.features)

    def reset(self) -> None:
        """Fresh weights from the seed, fresh optimizer state, epoch 0."""
        self.model.initialize(self.settings.seed)
        self.optimizer.reset()
        self.rng = np.random.default_rng(self.settings.seed)
        self.epoch = 0
        self.iteration = 0
        self._order = np.empty(0, dtype=np.intp)
        self._cursor = 0
        self.status = RUNNING
        self.reason = ""
        self.batch_loss = float("nan")
        self.history = History()
        self.costs = CostTrace()  # J of every mini-batch, for the noisy per-iteration curve
        self._good = self.model.state_dict()
        self._record()

    # -- training -----------------------------------------------------------------------------------

    @property
    def batches_per_epoch(self) -> int:
        m = len(self.y_train)
        return max(1, -(-m // min(self.settings.batch_size, max(m, 1))))

    def step(self) -> None:
        """Train on one mini-batch; at the end of an epoch, evaluate and record.

        A loss or weight that turns NaN or infinite marks the run diverged and puts back the weights
        of the last good epoch, so the page keeps showing sensible regions.
        """
        if self.status == DIVERGED:
            return
        m = len(self.y_train)
        if m == 0:
            raise ValueError("there are no training points: add some by clicking the plot")
        if self._cursor >= len(self._order):
            self._order = self.rng.permutation(m)
            self._cursor = 0
        bs = min(int(self.settings.batch_size), m)
        idx = self._order[self._cursor:self._cursor + bs]
        self._cursor += bs
        with np.errstate(all="ignore"):
            loss, _ = self.model.loss_and_grads(self.F_train[idx], self.y_train[idx])
            # One update of the flat parameter vector: the same arithmetic as layer by layer,
            # in a few NumPy calls instead of a few per layer.
            self.optimizer.step([self.model.theta], [self.model.dtheta], epoch=self.epoch + 1)
        self.iteration += 1
        self.batch_loss = loss
        self.costs.append(self.iteration, loss)
        # Blown up: NaN or inf, or a loss a hundred times the untrained one (cross-entropy at
        # the start is about log C; a trained model's is below it).
        limit = 100.0 * max(1.0, self.history.train_loss[0])
        if not (np.isfinite(loss) and loss < limit and np.all(np.isfinite(self.model.theta))):
            self._diverge(f"the loss became {loss:.3g} at epoch {self.epoch + 1}, iteration "
                          f"{self.iteration}: the learning rate is too large for these settings")
            return
        if self._cursor >= len(self._order):
            self.epoch += 1
            self._record()
            if not np.isfinite(self.history.train_loss[-1]):
                self._diverge(f"the training loss became {self.history.train_loss[-1]:g} at "
                              f"epoch {self.epoch}")
                return
            self._good = self.model.state_dict()

    def run_epochs(self, epochs: int) -> None:
        """Whole epochs of mini-batch steps (stops early if the run diverges)."""
        target = self.epoch + int(epochs)
        while self.epoch < target and self.status != DIVERGED:
            self.step()

    def _diverge(self, reason: str) -> None:
        self.status = DIVERGED
        self.reason = reason
        self.model.load_state_dict(self._good)

    def _record(self) -> None:
        h = self.history
        with np.errstate(all="ignore"):
            tr_loss = self.model.loss(self.F_train, self.y_train) if len(self.y_train) else np.nan
            tr_acc = self.model.accuracy(self.F_train, self.y_train) if len(self.y_train) else np.nan
            if len(self.data.y_test):
                te_loss = self.model.loss(self.F_test, self.data.y_test)
                te_acc = self.model.accuracy(self.F_test, self.data.y_test)
            else:
                te_loss = te_acc = float("nan")
        h.append(self.epoch, tr_loss, tr_acc, te_loss, te_acc)

    # -- reading -------------------------------------------------------------------------------------

    @property
    def alpha(self) -> float:
        """α_t, the learning rate the next mini-batch uses: α itself, or the decay schedule's
        value at epoch_num = epoch + 1 (the notes count epochs from 1)."""
        return float(self.optimizer.learning_rate(self.epoch + 1))

    def proba_grid(self, n: int = 200) -> np.ndarray:
        """Class probabilities over an n x n grid of the plane, (n, n, C) float32, [iy, ix]."""
        key = (n, tuple(self.data.domain), tuple(self.settings.features))
        if getattr(self, "_grid", (None,))[0] != key:  # the grid's features: once per plane
            self._grid = (key, featurize(self.data.grid(n, dtype=np.float32)[2], key[2]))
        return self.model.predict_proba(self._grid[1]).reshape(n, n, -1)

    def probe(self, x: float, y: float, label: int | None = None) -> dict[str, Any]:
        """The notes' softmax computation at one point (see ``softmax_steps``)."""
        x, y = check_point("the probed point", (x, y))
        F = featurize(np.array([[x, y]], dtype=float), self.settings.features)
        return softmax_steps(self._logits(F)[0], label)

    def _logits(self, F: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.forward(F, training=False), dtype=float)


__all__ = ["FEATURES", "featurize", "ClassifierSettings", "ClassifierTrainer", "History",
           "CostTrace", "softmax_steps", "Dataset"]
