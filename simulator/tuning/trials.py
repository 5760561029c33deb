"""What every trial of a search trains, and trials trained together as one stack of networks.

``Objective`` says what a trial is: the classifier settings every trial starts from (a
``ClassifierSettings``), the hyperparameters a trial changes (``settings_for``) and the epochs it
trains; its score is the validation accuracy. ``Trial`` keeps one trial's curves and status.
``StackGroup`` trains trials that share an architecture and a mini-batch size as one ``MLPStack``,
each model with its own α, β, β1, β2, ε and decay rate, as ``ClassifierTrainer`` would train it
alone: the same data split, the same initial weights (the settings's seed), the same mini-batch
order and the same divergence rule. A search computes in float32 (``Objective.dtype``): about twice
as fast as float64, and what it teaches (which α wins) does not rest on the last digits; in float64
a trial's curves are the trainer's to 1e-12 (tested).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..nn import MLPStack, per_model
from ..nn.functional import check_dtype
from ..optimizers import OPTIMIZERS, make_optimizer
from ..specs import DataSpec
from ..training import ClassifierSettings, featurize
from ..validation import check_int, check_range
from .space import AXIS_NAMES, LABELS

MAX_EPOCHS = 10_000
STATUSES = ("running", "done", "diverged", "cancelled")
# Hyperparameters that change the network or the mini-batches: trials differing in them train in
# different stacks, and they cannot change while a trial trains.
STRUCTURAL = ("hidden_units", "layers", "batch_size")
OPTIMIZER_KEYS = {"beta1": "beta1", "beta2": "beta2", "eps": "eps"}


def default_base() -> ClassifierSettings:
    """The settings a trial starts from: 3 spiral arms, a 2-16-16-3 tanh network, Adam."""
    return ClassifierSettings(dataset="spiral", n=300, classes=3, noise=0.1, test_fraction=0.3,
                            hidden=[16, 16], activation="tanh", optimizer="adam", lr=0.01,
                            batch_size=32, seed=0)


@functools.lru_cache(maxsize=8)
def _load(spec: DataSpec, features: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """(F_train, y_train, F_val, y_val), read-only: built once per process for each data set."""
    data = spec.build()
    out = (featurize(data.X_train, features), data.y_train, featurize(data.X_test, features),
           data.y_test)
    for a in out:
        a.setflags(write=False)
    return out


@dataclass
class Objective:
    """What every trial trains and how it is scored.

    ``base``: the classifier settings (data set, validation fraction = its ``test_fraction``,
    network, optimizer, mini-batch size, seed) a trial starts from; ``epochs``: how many epochs a
    trial trains. A trial's score is its validation accuracy after its last epoch; its validation
    loss is recorded beside it. Batch norm and L1 are not offered (the stack has neither).
    ``dtype``: what the stacks compute in, float32 (the default: a search's speed) or float64 (the
    classifier trainer's, to compare with it); not part of a saved setup.
    """

    base: ClassifierSettings = field(default_factory=default_base)
    epochs: int = 20
    dtype: Any = np.float32

    def __post_init__(self) -> None:
        self.dtype = check_dtype(self.dtype)
        if not isinstance(self.base, ClassifierSettings):
            raise ValueError(f"the base of a search is ClassifierSettings, got {self.base!r:.60}")
        self.epochs = check_int("epochs", self.epochs, 1, MAX_EPOCHS)
        check_range("validation fraction", self.base.test_fraction, 0.0, 0.9, low_open=True)
        if self.base.batchnorm or self.base.l1:
            raise ValueError("a search trains without batch norm and without L1")
        if self.base.schedule not in ("constant", "inverse_time"):
            raise ValueError(f"a search decays α with inverse_time or not at all, got "
                             f"{self.base.schedule!r}")

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(F_train, y_train, F_val, y_val): the features of the training and validation points."""
        return _load(self.base.data_spec, tuple(self.base.features))

    def optimizer_key(self, name: str) -> str:
        """The optimizer hyperparameter an axis sets: "beta" is momentum's and RMSprop's β and
        Adam's β1; "beta1", "beta2" and "eps" are Adam's (ε also RMSprop's). ValueError if the
        base optimizer has no such hyperparameter."""
        opt = self.base.optimizer
        key = ("beta1" if opt == "adam" else "beta") if name == "beta" else OPTIMIZER_KEYS[name]
        if key not in OPTIMIZERS[opt].defaults:
            raise ValueError(f"{LABELS[name]} is not a hyperparameter of {OPTIMIZERS[opt].title}")
        return key

    def settings_for(self, params: dict[str, Any]) -> ClassifierSettings:
        """The base settings with a trial's hyperparameters: lr -> α; beta, beta1, beta2, eps -> the
        optimizer's (see ``optimizer_key``); hidden_units and layers -> ``hidden`` (units per
        layer, repeated; one missing keeps the base's); batch_size; decay_rate -> the schedule
        "inverse_time", α = α0 / (1 + decay_rate · epoch). Validated: ValueError naming a bad value."""
        unknown = set(params) - set(AXIS_NAMES)
        if unknown:
            raise ValueError(f"unknown hyperparameter {sorted(unknown)[0]!r}; choose from "
                             f"{', '.join(AXIS_NAMES)}")
        changes: dict[str, Any] = {}
        hyper = dict(self.base.hyper)
        for name, value in params.items():
            if name == "lr":
                changes["lr"] = check_range("α", value, 0.0, None, low_open=True)
            elif name in ("beta", "beta1", "beta2"):
                hyper[self.optimizer_key(name)] = check_range(LABELS[name], value, 0.0, 1.0,
                                                              high_open=True)
            elif name == "eps":
                hyper[self.optimizer_key(name)] = check_range("ε", value, 0.0, None, low_open=True)
            elif name == "batch_size":
                changes["batch_size"] = check_int("mini-batch size", value, 1, None)
            elif name == "decay_rate":
                changes["schedule"] = "inverse_time"
                changes["schedule_params"] = {"decay_rate": check_range("decay rate", value, 0.0)}
        if "hidden_units" in params or "layers" in params:
            units = params.get("hidden_units", self.base.hidden[0] if self.base.hidden else 16)
            layers = params.get("layers", len(self.base.hidden))
            changes["hidden"] = [check_int("hidden units", units, 1, 64)] * check_int("layers", layers, 0, 4)
        return self.base.replace(hyper=hyper, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base.to_dict(), "epochs": self.epochs}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Objective:
        if not isinstance(data, dict) or set(data) - {"base", "epochs"}:
            raise ValueError("an objective is a JSON object with 'base' and 'epochs'")
        base = ClassifierSettings.from_dict(data.get("base", default_base().to_dict()))
        return cls(base, data.get("epochs", 20))


@dataclass
class Trial:
    """One trial: its hyperparameters, where it stands and its curves.

    ``round``: the coarse-to-fine round that made it; ``group``: the stack it trains in. ``status``
    is "running", "done", "diverged" (``reason`` says why; the curves stop at the last good epoch,
    never NaN) or "cancelled". Curves hold one value per epoch, index 0 before any training, so
    ``epochs`` = len - 1. ``score`` is the final validation accuracy (after the last epoch trained).
    ``marks``: (epoch, changes) for each hyperparameter change made while it trained.
    """

    index: int
    params: dict[str, Any]
    round: int = 0
    group: int = 0
    status: str = "running"
    reason: str = ""
    budget: int = 1  # epochs to train
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    marks: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Epochs trained (to the last good one, for a diverged trial)."""
        return max(0, len(self.val_acc) - 1)

    @property
    def score(self) -> float:
        """Validation accuracy after the last epoch trained (0.0 before the first record)."""
        return self.val_acc[-1] if self.val_acc else 0.0

    @property
    def final_val_loss(self) -> float:
        return self.val_loss[-1] if self.val_loss else float("inf")

    @property
    def live(self) -> bool:
        return self.status == "running"

    def record(self, values: dict[str, float]) -> None:
        """Append one epoch's training loss and validation loss and accuracy."""
        for key in ("train_loss", "val_loss", "val_acc"):
            getattr(self, key).append(float(values[key]))

    def row(self) -> dict[str, Any]:
        """The results table's row: index, round, params, status, score, val loss, epochs, reason."""
        return {"index": self.index, "round": self.round, "params": dict(self.params),
                "status": self.status, "score": self.score, "val_loss": self.final_val_loss,
                "epochs": self.epochs, "reason": self.reason}


def in_range(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Hyperparameters (float64) as ``dtype``: in float32 a magnitude beyond its range is taken as
    its largest (3.4e38: such an α diverges at once, as 1e300 does in float64) and a nonzero one
    below its smallest normal (1.2e-38) as that, so that ε is never 0."""
    if dtype == np.float64:
        return values
    info = np.finfo(dtype)
    mag = np.abs(values)
    fitted = np.where(mag > info.max, np.copysign(info.max, values),
                      np.where((mag > 0) & (mag < info.tiny), np.copysign(info.tiny, values), values))
    return fitted.astype(dtype)


class Rate:
    """α per model at an epoch: α0 / (1 + decay_rate · epoch), both (N, 1) arrays (decay 0 = a
    constant α). Written as ``InverseTime`` computes it, so that in float64 a trial's α is the
    trainer's to the bit."""

    def __init__(self, lr0: np.ndarray, decay: np.ndarray) -> None:
        self.lr0, self.decay = lr0, decay

    def __call__(self, epoch: float) -> np.ndarray:
        return self.lr0 / (1.0 + self.decay * max(float(epoch), 0.0))


class StackGroup:
    """Trials with one architecture and mini-batch size trained as one ``MLPStack``.

    Row k is trial ``ids[k]``. ``run_epoch`` trains every row one epoch on shared mini-batches (the
    order ``ClassifierTrainer`` draws from the seed) and returns each row's curves' values. A row
    whose loss turns NaN or infinite, or reaches 100 times its untrained loss, is diverged: its
    reason is kept in ``reasons``, its weights go back to its last good epoch and it stops moving.
    """

    def __init__(self, objective: Objective, trial_settings: list[ClassifierSettings],
                 ids: list[int]) -> None:
        c0, n = trial_settings[0], len(trial_settings)
        self.objective, self.ids = objective, list(ids)
        dt = objective.dtype
        F, self.y, F_val, self.y_val = objective.data()
        self.F, self.F_val = F.astype(dt, copy=False), F_val.astype(dt, copy=False)
        sizes = [self.F.shape[1], *map(int, c0.hidden), int(c0.classes)]
        self.stack = MLPStack(sizes, n, c0.activation, seeds=[c.seed for c in trial_settings],
                              l2=[c.l2 for c in trial_settings], dtype=dt)
        self.batch_size = min(int(c0.batch_size), len(self.y))
        decay = [c.schedule_params.get("decay_rate", 0.0) if c.schedule == "inverse_time" else 0.0
                 for c in trial_settings]
        full = [c.optimizer_spec.full_hyper for c in trial_settings]
        self.rate = Rate(in_range(per_model([c.lr for c in trial_settings], n, "lr"), dt),
                         in_range(per_model(decay, n, "decay"), dt))
        hyper = {k: in_range(per_model([h[k] for h in full], n, k), dt) if k != "bias_correction"
                 else v for k, v in full[0].items()}
        self.optimizer = make_optimizer(c0.optimizer, self.rate, **hyper)
        self.rng = np.random.default_rng(c0.seed)
        self.epoch = self.iteration = 0
        self.live = np.ones(n, dtype=bool)
        self.reasons: dict[int, str] = {}
        self.first = self.evaluate()
        self.limit = 100.0 * np.maximum(1.0, self.first["train_loss"])
        self.good = self.stack.theta.copy()

    def __len__(self) -> int:
        return len(self.ids)

    def evaluate(self) -> dict[str, np.ndarray]:
        """Every row's loss on the training points and loss and accuracy on the validation points
        (test mode). Three forward passes: the training accuracy is left out, as it would cost a
        fourth (tanh over every point dominates an epoch of 256 models)."""
        s = self.stack
        with np.errstate(all="ignore"):
            return {"train_loss": s.loss(self.F, self.y), "val_loss": s.loss(self.F_val, self.y_val),
                    "val_acc": s.accuracy(self.F_val, self.y_val)}

    def run_epoch(self) -> dict[str, np.ndarray]:
        """One epoch of mini-batch steps for every row; the new per-row curve values."""
        theta, m = self.stack.theta, len(self.y)
        order = self.rng.permutation(m)
        with np.errstate(all="ignore"):
            for start in range(0, m, self.batch_size):
                idx = order[start:start + self.batch_size]
                losses, _ = self.stack.loss_and_grads(self.F[idx], self.y[idx])
                self.optimizer.step([theta], [self.stack.dtheta], epoch=self.epoch + 1)
                self.iteration += 1
                ok = (losses < self.limit) & np.isfinite(theta).all(axis=1)
                for k in np.flatnonzero(~ok & self.live):
                    self.diverge(k, f"the loss became {losses[k]:.3g} at epoch {self.epoch + 1}, "
                                    f"iteration {self.iteration}: the learning rate is too large "
                                    "for these settings")
        self.epoch += 1
        values = self.evaluate()
        for k in np.flatnonzero(~np.isfinite(values["train_loss"]) & self.live):
            self.diverge(k, f"the training loss became {values['train_loss'][k]:g} at epoch "
                            f"{self.epoch}")
        self.good[self.live] = theta[self.live]
        return values

    def diverge(self, k: int, reason: str) -> None:
        """Row k stops: back to its last good weights, its optimizer state cleared, α = 0."""
        self.live[k] = False
        self.reasons[int(k)] = reason
        self.stack.theta[k] = self.good[k]
        for arr in self.optimizer.state.get(0, {}).values():
            if np.ndim(arr) == 2 and arr.shape[0] == len(self):
                arr[k] = 0.0
        self.rate.lr0[k] = 0.0

    def set_hyper(self, k: int, name: str, value: float) -> None:
        """Row k's α ("lr"), decay rate or optimizer hyperparameter (an axis name) from now on."""
        if name == "lr":
            row = self.rate.lr0
        elif name == "decay_rate":
            row = self.rate.decay
        else:
            row = self.optimizer.hyper[self.objective.optimizer_key(name)]
        row[k] = in_range(np.float64(value), row.dtype)

    def copy_row(self, src: int, dst: int) -> None:
        """Row dst takes row src's weights, last good weights, optimizer state (v, s) and
        hyperparameters, and trains again if it had stopped."""
        self.stack.copy_model(src, dst)
        self.good[dst] = self.good[src]
        arrays = [*self.optimizer.state.get(0, {}).values(), *self.optimizer.hyper.values(),
                  self.rate.lr0, self.rate.decay]
        for arr in arrays:
            if np.ndim(arr) == 2 and arr.shape[0] == len(self):
                arr[dst] = arr[src]
        self.live[dst] = True

    def keep(self, rows: np.ndarray) -> None:
        """Keep only these rows (a smaller stack: finished trials cost nothing more)."""
        rows = np.asarray(rows, dtype=np.intp)
        old = self.stack
        self.stack = MLPStack(old.sizes, len(rows), old.activation, seeds=[old.seeds[r] for r in rows],
                              l2=old.l2[rows], dtype=old.dtype)
        self.stack.theta[:] = old.theta[rows]
        st = self.optimizer.state.get(0)
        if st is not None:
            self.optimizer.state[0] = {k: v[rows] for k, v in st.items()
                                       if k in ("v", "s") and np.ndim(v) == 2}
        for key, value in self.optimizer.hyper.items():
            if np.ndim(value) == 2:
                self.optimizer.hyper[key] = value[rows]
        self.rate.lr0, self.rate.decay = self.rate.lr0[rows], self.rate.decay[rows]
        self.ids = [self.ids[r] for r in rows]
        self.live, self.limit, self.good = self.live[rows], self.limit[rows], self.good[rows]
        self.first = {k: v[rows] for k, v in self.first.items()}
        self.reasons = {}


__all__ = ["MAX_EPOCHS", "STATUSES", "STRUCTURAL", "Objective", "Rate", "StackGroup", "Trial",
           "default_base"]
