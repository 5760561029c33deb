"""The batch-norm lab's engine: twin training runs and what they teach, recorded per iteration.

``BNExperiment`` trains two ``ClassifierTrainer`` runs side by side, the same network with and
without batch norm (same initialization: the weights are drawn in the same order; same data order:
both shuffle with a generator seeded from the same seed). After every mini-batch it records, for
every unit of every BN layer of the BN twin (the course's notation):

- the mini-batch statistics mu and sigma^2 that training normalized with,
- the EWA of them, both zero-started and bias-corrected (see ``ewa_stats``),
- gamma and beta,
- every ``pop_every`` iterations, the population mu and sigma^2 over the whole training set
  under the current weights, and for both twins the mean and standard deviation over the
  training set of every hidden unit's z_tilde (z without BN): the values the layer passes to its
  activation. Without BN they drift as the earlier layers learn (the "covariate shift" a deeper
  layer sees); with BN their mean and variance are beta and gamma^2, whatever the earlier layers
  do.

``forward_with_stats`` runs a test-time forward pass with the notes' formulas written out, three
ways (``MODES``): with the EWA estimates, with each example's own "batch" of one (sigma^2 = 0, so
z_norm = 0 and z_tilde = beta exactly), or with the population statistics.

Qt-free and deterministic, like the rest of ``simulator``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .nn import MLP, batch_statistics
from .training import DIVERGED, ClassifierConfig, ClassifierTrainer
from .validation import check_range

MODES = ("ewa", "single", "population")
MODE_LABELS = {"ewa": "EWA estimates", "single": "own batch of one", "population": "population",
               "batch": "own test batch"}
MOMENTUM_RANGE = (0.5, 0.999)
BATCH_RANGE = (1, 512)


def default_config() -> ClassifierConfig:
    """A spiral and a [16, 16] tanh net, momentum at alpha = 0.3, where BN matters: after 30
    epochs the BN twin's training loss is about 0.2 and its test accuracy about 96%, the plain
    twin's about 0.5 and 76% (spiral noise 0.05, seed 0)."""
    return ClassifierConfig(dataset="spiral", n=300, classes=3, noise=0.05, hidden=[16, 16],
                            activation="tanh", optimizer="momentum", lr=0.3, batch_size=32,
                            batchnorm=True, bn_momentum=0.9)


# --- statistics ---------------------------------------------------------------------------------


def ewa_stats(model: MLP, corrected: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """(mu, sigma^2) per BN layer from the EWA, as the course defines it: started at 0.

    The model's running statistics start at mean 0 and variance 1 (Keras' and PyTorch's choice),
    so the zero-started EWA of sigma^2 is running_var - momentum^t (see ``BatchNorm``); the EWA
    of mu started at 0 already. ``corrected`` divides by (1 - momentum^t), the bias correction.
    Before any batch (t = 0) both give the model's running statistics.
    """
    out = []
    for bn in model.bn_layers:
        if corrected or bn.decay >= 1.0:
            out.append((bn.running_mean_corrected, bn.running_var_corrected))
        else:
            out.append((bn.running_mean.copy(), bn.running_var - bn.decay))
    return out


def _activation(model: MLP, z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0) if model.activation == "relu" else np.tanh(z)


def forward_with_stats(
    model: MLP,
    X: np.ndarray,
    mode: str,
    stats: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, list[dict[str, np.ndarray]]]:
    """Test-time logits (m, C) of X and, per hidden layer, z, mu, sigma^2, z_norm, z_tilde, a.

    mode "ewa" or "population": normalize with ``stats`` (one (mu, sigma^2) per BN layer).
    mode "single": each example is its own batch of one, so mu = z and sigma^2 = 0, z_norm = 0 and
    z_tilde = beta exactly. mode "batch": X is one batch, normalized with its own statistics.
    The formulas are written out as in the notes (z_norm = (z - mu) / sqrt(sigma^2 + eps), z_tilde
    = gamma z_norm + beta) rather than folded into the weights, so the values shown are the ones
    computed.
    """
    if mode not in (*MODES, "batch"):
        raise ValueError(f"mode must be one of {', '.join((*MODES, 'batch'))}, got {mode!r}")
    if mode in ("ewa", "population") and stats is None:
        raise ValueError(f"mode {mode!r} needs statistics")
    a = np.asarray(X, dtype=np.float64)
    layers: list[dict[str, np.ndarray]] = []
    k = 0
    for dense, bn in zip(model.dense[:-1], model.norms, strict=True):
        z = dense.forward(a)
        if bn is None:
            a = _activation(model, z)
            layers.append({"z": z, "z_tilde": z, "a": a})
            continue
        if mode == "single":
            mu, var = z.copy(), np.zeros_like(z)
        elif mode == "batch":
            mu, var = batch_statistics(z)
        else:
            mu, var = (np.asarray(s, dtype=np.float64) for s in stats[k])
        k += 1
        # A zero-started, uncorrected EWA of sigma^2 can dip a hair below 0 by rounding.
        var = np.maximum(var, 0.0)
        z_norm = (z - mu) / np.sqrt(var + bn.eps)
        z_tilde = bn.gamma * z_norm + bn.beta
        a = _activation(model, z_tilde)
        layers.append({"z": z, "mu": np.broadcast_to(mu, z.shape), "var": np.broadcast_to(var, z.shape),
                       "z_norm": z_norm, "z_tilde": z_tilde, "a": a})
    return model.dense[-1].forward(a), layers


def softmax_rows(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --- growing buffers ----------------------------------------------------------------------------


class Recorder:
    """Rows of a fixed width appended one at a time into NumPy arrays that double when full."""

    def __init__(self, width: int, capacity: int = 256) -> None:
        self.width = width
        self._data = np.empty((capacity, width))
        self.n = 0

    def append(self, row: np.ndarray) -> None:
        if self.n == len(self._data):
            grown = np.empty((2 * len(self._data), self.width))
            grown[: self.n] = self._data[: self.n]
            self._data = grown
        self._data[self.n] = row
        self.n += 1

    @property
    def data(self) -> np.ndarray:
        """The rows so far, (n, width): a view, valid until the next append."""
        return self._data[: self.n]


@dataclass
class Snapshot:
    """What the covariate-shift and population views read every ``pop_every`` iterations."""

    iteration: Recorder = field(default_factory=lambda: Recorder(1))
    pop_mean: Recorder | None = None  # BN twin, all BN units, population mu
    pop_var: Recorder | None = None
    shift_bn_mean: Recorder | None = None  # every hidden unit's z_tilde, mean over the train set
    shift_bn_std: Recorder | None = None
    shift_plain_mean: Recorder | None = None
    shift_plain_std: Recorder | None = None


# --- the experiment -----------------------------------------------------------------------------


class BNExperiment:
    """Twin runs with and without batch norm, and per-iteration batch-norm statistics.

    ``config`` is a ``ClassifierConfig`` whose ``batchnorm`` flag is ignored: the twins take True
    and False. The hidden layers are the BN layers; ``units`` lists their widths and a unit is
    addressed as (layer, unit), layer from 0. Recorded arrays concatenate the layers' units:
    ``offset(layer) + unit`` is the column.
    """

    def __init__(self, config: ClassifierConfig | None = None, pop_every: int = 1) -> None:
        self.pop_every = int(check_range("pop_every", pop_every, low=1))
        self.rebuild(config or default_config())

    # -- building -------------------------------------------------------------------------------

    def rebuild(self, config: ClassifierConfig) -> None:
        """New twins from ``config`` (validated first: a ValueError leaves everything as it was)."""
        config = copy.deepcopy(config)
        if not config.hidden:
            raise ValueError("batch norm needs at least one hidden layer, got none")
        check_range("bn_momentum", config.bn_momentum, low=0.0, high=1.0, high_open=True)
        bn = ClassifierTrainer(_with(config, batchnorm=True))
        plain = ClassifierTrainer(_with(config, batchnorm=False))
        self.bn, self.plain, self.config = bn, plain, config
        self.reset()

    def apply(self, config: ClassifierConfig) -> bool:
        """New settings: True if the twins were rebuilt; momentum, batch size, optimizer and
        learning rate keep the weights and the records (so a change shows up live)."""
        if not config.hidden:
            raise ValueError("batch norm needs at least one hidden layer, got none")
        # The twins set batchnorm themselves: compare the rest.
        rebuilds = _with(config, batchnorm=True).needs_rebuild(_with(self.config, batchnorm=True))
        if rebuilds:
            self.rebuild(config)
            return True
        check_range("bn_momentum", config.bn_momentum, low=0.0, high=1.0, high_open=True)
        new_bn, new_plain = _with(config, batchnorm=True), _with(config, batchnorm=False)
        new_bn.validate()
        self.bn.apply(new_bn)
        self.plain.apply(new_plain)
        self.config = copy.deepcopy(config)
        return False

    def reset(self) -> None:
        """Fresh weights for both twins and empty records."""
        self.bn.reset()
        self.plain.reset()
        self.units = list(map(int, self.config.hidden))
        self._offsets = np.concatenate([[0], np.cumsum(self.units)]).astype(int)
        width = int(self._offsets[-1])
        self.iterations = Recorder(1)
        self.batch_size = Recorder(1)
        names = ("batch_mean", "batch_var", "ewa_mean", "ewa_var", "ewa_mean_corrected",
                 "ewa_var_corrected", "gamma", "beta")
        self.records = {name: Recorder(width) for name in names}
        self.loss_bn = Recorder(1)
        self.loss_plain = Recorder(1)
        self.snap = Snapshot(pop_mean=Recorder(width), pop_var=Recorder(width),
                             shift_bn_mean=Recorder(width), shift_bn_std=Recorder(width),
                             shift_plain_mean=Recorder(width), shift_plain_std=Recorder(width))
        self._take_snapshot()

    # -- reading --------------------------------------------------------------------------------

    @property
    def model(self) -> MLP:
        """The BN twin's network."""
        return self.bn.model

    @property
    def iteration(self) -> int:
        return self.bn.iteration

    def offset(self, layer: int) -> int:
        return int(self._offsets[layer])

    def column(self, layer: int, unit: int) -> int:
        if not 0 <= layer < len(self.units):
            raise ValueError(f"layer must be in [0, {len(self.units) - 1}], got {layer}")
        if not 0 <= unit < self.units[layer]:
            raise ValueError(f"unit must be in [0, {self.units[layer] - 1}], got {unit}")
        return self.offset(layer) + unit

    def series(self, name: str, layer: int, unit: int) -> np.ndarray:
        """One unit's recorded values of ``name`` (see ``reset``), one per iteration."""
        return self.records[name].data[:, self.column(layer, unit)]

    def population_stats(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(mu, sigma^2) per BN layer over the training set under the current weights."""
        return self.model.population_stats(self.bn.F_train)

    def ewa(self, corrected: bool) -> list[tuple[np.ndarray, np.ndarray]]:
        return ewa_stats(self.model, corrected)

    def stats_for(self, mode: str, corrected: bool = True) -> list[tuple[np.ndarray, np.ndarray]] | None:
        if mode == "ewa":
            return self.ewa(corrected)
        if mode == "population":
            return self.population_stats()
        return None

    def hidden_train(self) -> list[Any]:
        """z, z_tilde and a of every hidden layer over the training set, normalized with the
        training set's own statistics (the population ones)."""
        return self.model.hidden_values(self.bn.F_train, training=True)

    def test_accuracy(self, mode: str, corrected: bool = True) -> float:
        """Accuracy on the test set with BN normalized one of the ways in ``MODES``."""
        y = self.bn.data.y_test
        if len(y) == 0:
            return float("nan")
        with np.errstate(all="ignore"):
            logits, _ = forward_with_stats(self.model, self.bn.F_test, mode,
                                           self.stats_for(mode, corrected))
        return float(np.mean(np.argmax(logits, axis=1) == y))

    def test_batches(self, batch_size: int, layer: int, unit: int) -> dict[str, Any]:
        """The test set in batches of ``batch_size`` (fixed order), each normalized with its own
        statistics: per batch, mu and sigma^2 of the watched unit, and the overall accuracy."""
        F, y = self.bn.F_test, self.bn.data.y_test
        bs = int(check_range("test batch size", batch_size, low=1))
        col_layer = self.column(layer, unit) - self.offset(layer)
        mus, vars_, correct = [], [], 0
        with np.errstate(all="ignore"):
            for start in range(0, len(y), bs):
                logits, layers = forward_with_stats(self.model, F[start:start + bs], "batch")
                mus.append(float(layers[layer]["mu"][0, col_layer]))
                vars_.append(float(layers[layer]["var"][0, col_layer]))
                correct += int(np.sum(np.argmax(logits, axis=1) == y[start:start + bs]))
        acc = correct / len(y) if len(y) else float("nan")
        return {"mu": np.array(mus), "var": np.array(vars_), "accuracy": acc}

    def example(self, index: int, corrected: bool = True) -> dict[str, Any]:
        """Test example ``index`` normalized three ways: per mode the hidden values, the class
        probabilities and the predicted class."""
        F, y = self.bn.F_test, self.bn.data.y_test
        if len(y) == 0:
            F, y = self.bn.F_train, self.bn.y_train
        index = int(index) % len(y)
        out: dict[str, Any] = {"index": index, "label": int(y[index]), "x": F[index]}
        for mode in MODES:
            with np.errstate(all="ignore"):
                logits, layers = forward_with_stats(self.model, F[index:index + 1], mode,
                                                    self.stats_for(mode, corrected))
            p = softmax_rows(logits)[0]
            out[mode] = {"layers": layers, "proba": p, "predicted": int(np.argmax(p))}
        return out

    # -- training -------------------------------------------------------------------------------

    def step(self) -> None:
        """One mini-batch for each twin (the same examples), then record.

        A twin that diverged stops (its trainer keeps the last good weights); once the BN twin
        has, nothing new is recorded, so the plots hold its last statistics.
        """
        if self.plain.status != DIVERGED:
            self.plain.step()
        if self.bn.status == DIVERGED:
            return
        self.bn.step()
        if self.bn.status != DIVERGED:
            self._record()

    @property
    def diverged(self) -> bool:
        return self.bn.status == DIVERGED and self.plain.status == DIVERGED

    def _record(self) -> None:
        bns = self.model.bn_layers
        cat = np.concatenate
        r = self.records
        r["batch_mean"].append(cat([b.batch_mean for b in bns]))
        r["batch_var"].append(cat([b.batch_var for b in bns]))
        zero_started = ewa_stats(self.model, corrected=False)
        corrected = ewa_stats(self.model, corrected=True)
        r["ewa_mean"].append(cat([m for m, _ in zero_started]))
        r["ewa_var"].append(cat([v for _, v in zero_started]))
        r["ewa_mean_corrected"].append(cat([m for m, _ in corrected]))
        r["ewa_var_corrected"].append(cat([v for _, v in corrected]))
        r["gamma"].append(cat([b.gamma for b in bns]))
        r["beta"].append(cat([b.beta for b in bns]))
        self.iterations.append(self.bn.iteration)
        self.batch_size.append(min(self.config.batch_size, len(self.bn.y_train)))
        self.loss_bn.append(self.bn.batch_loss if self.bn.status != DIVERGED else np.nan)
        self.loss_plain.append(self.plain.batch_loss if self.plain.status != DIVERGED else np.nan)
        if self.bn.iteration % self.pop_every == 0:
            self._take_snapshot()

    def _take_snapshot(self) -> None:
        s = self.snap
        s.iteration.append(self.bn.iteration)
        with np.errstate(all="ignore"):
            hv = self.hidden_train()
            hp = self.plain.model.hidden_values(self.plain.F_train)
            # One (m, 3 * units) array and one pass of batch_statistics: a few NumPy calls
            # instead of a dozen per layer.
            cols = [h.z for h in hv] + [h.z_tilde for h in hv] + [h.z for h in hp]
            mean, var = batch_statistics(np.concatenate(cols, axis=1))
            w = len(mean) // 3
            s.pop_mean.append(mean[:w])
            s.pop_var.append(var[:w])
            s.shift_bn_mean.append(mean[w:2 * w])
            s.shift_bn_std.append(np.sqrt(var[w:2 * w]))
            s.shift_plain_mean.append(mean[2 * w:])
            s.shift_plain_std.append(np.sqrt(var[2 * w:]))


def _with(config: ClassifierConfig, **changes: Any) -> ClassifierConfig:
    new = copy.deepcopy(config)
    for k, v in changes.items():
        setattr(new, k, v)
    return new


__all__ = ["BNExperiment", "Recorder", "ewa_stats", "forward_with_stats", "default_config",
           "MODES", "MODE_LABELS", "MOMENTUM_RANGE", "BATCH_RANGE"]
