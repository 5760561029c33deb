"""Twin training runs, with and without batch norm, and what they teach, recorded per iteration.

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

It also computes what the lab's panels show: ``explain_values`` (the notes' equations for one
unit, with live values) and ``test_time_table`` (one test example normalized three ways).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from ..nn import MLP, BatchNorm, batch_statistics
from ..training import DIVERGED, ClassifierSettings, ClassifierTrainer
from ..validation import check_choice, check_int, check_range
from . import lessons, test_time
from .lessons import SHIFT_MOMENTS, Moments
from .records import Recorder, Snapshot
from .test_time import MODES, Stats, ewa_stats

# Rows each record holds; beyond it older rows are thinned (``Recorder``): an hour's run holds
# as much as a few minutes' (about 7 MB for a [16, 16] net). The recent half stays whole, more
# than the views' windows (the last 500 iterations; the snapshots, every 2, cover 2048).
HISTORY_LIMIT = 2048
RECORDS = ("batch_mean", "batch_var", "ewa_mean", "ewa_var", "ewa_mean_corrected",
           "ewa_var_corrected", "gamma", "beta")


def default_settings() -> ClassifierSettings:
    """A spiral and a [16, 16] tanh net, momentum at alpha = 0.3, where BN matters: after 30
    epochs the BN twin's training loss is about 0.2 and its test accuracy about 96%, the plain
    twin's about 0.5 and 76% (spiral noise 0.05, seed 0)."""
    return ClassifierSettings(dataset="spiral", n=300, classes=3, noise=0.05, hidden=[16, 16],
                            activation="tanh", optimizer="momentum", lr=0.3, batch_size=32,
                            batchnorm=True, bn_momentum=0.9)


class BNExperiment:
    """Twin runs with and without batch norm, and per-iteration batch-norm statistics.

    ``settings`` is a ``ClassifierSettings`` whose ``batchnorm`` flag is ignored: the twins take True
    and False. The hidden layers are the BN layers; ``units`` lists their widths and a unit is
    addressed as (layer, unit), layer from 0. Recorded arrays concatenate the layers' units:
    ``offset(layer) + unit`` is the column.
    """

    def __init__(self, settings: ClassifierSettings | None = None, pop_every: int = 1) -> None:
        self.pop_every = int(check_range("pop_every", pop_every, low=1))
        self.rebuild(settings or default_settings())

    # -- building -------------------------------------------------------------------------------

    def rebuild(self, settings: ClassifierSettings) -> None:
        """New twins from ``settings`` (validated first: a ValueError leaves everything as it was)."""
        if not settings.hidden:
            raise ValueError("batch norm needs at least one hidden layer, got none")
        check_range("bn_momentum", settings.bn_momentum, low=0.0, high=1.0, high_open=True)
        bn = ClassifierTrainer(settings.replace(batchnorm=True))
        plain = ClassifierTrainer(settings.replace(batchnorm=False))
        self.bn, self.plain, self.settings = bn, plain, settings
        self.reset()

    def apply(self, settings: ClassifierSettings) -> bool:
        """New settings: True if the twins were rebuilt; momentum, batch size, optimizer and
        learning rate keep the weights and the records (so a change shows up live)."""
        if not settings.hidden:
            raise ValueError("batch norm needs at least one hidden layer, got none")
        # The twins set batchnorm themselves: compare the rest.
        rebuilds = settings.replace(batchnorm=True).needs_rebuild(self.settings.replace(batchnorm=True))
        if rebuilds:
            self.rebuild(settings)
            return True
        check_range("bn_momentum", settings.bn_momentum, low=0.0, high=1.0, high_open=True)
        new_bn, new_plain = settings.replace(batchnorm=True), settings.replace(batchnorm=False)
        self.bn.apply(new_bn)
        self.plain.apply(new_plain)
        self.settings = settings
        return False

    def reset(self) -> None:
        """Fresh weights for both twins and empty records."""
        self.bn.reset()
        self.plain.reset()
        self.units = list(map(int, self.settings.hidden))
        self._offsets = np.concatenate([[0], np.cumsum(self.units)]).astype(int)
        width = int(self._offsets[-1])
        rec = partial(Recorder, limit=HISTORY_LIMIT)  # bounded: older rows thinned in long runs
        self.iterations = rec(1)
        self.batch_size = rec(1)
        self.records = {name: rec(width) for name in RECORDS}
        self.loss_bn = rec(1)
        self.loss_plain = rec(1)
        self.snap = Snapshot(iteration=rec(1), pop_mean=rec(width), pop_var=rec(width),
                             shift_bn_mean=rec(width), shift_bn_std=rec(width),
                             shift_plain_mean=rec(width), shift_plain_std=rec(width))
        self.moments = Moments()
        self._take_snapshot()
        self._capture_moment()

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
        layer = check_int("layer", layer, 0, len(self.units) - 1)
        return self.offset(layer) + check_int("unit", unit, 0, self.units[layer] - 1)

    def series(self, name: str, layer: int, unit: int) -> np.ndarray:
        """One unit's recorded values of ``name`` (see ``RECORDS``), one per iteration."""
        return self.records[check_choice("record", name, RECORDS)].data[:, self.column(layer, unit)]

    def snapshot_series(self, name: str, layer: int, unit: int) -> np.ndarray:
        """One unit's values of a ``Snapshot`` field (e.g. "pop_mean"), one per snapshot; the
        iterations they were taken at are ``snap.iteration``."""
        fields = [f for f in vars(self.snap) if f != "iteration"]
        return getattr(self.snap, check_choice("snapshot", name, fields)).data[:, self.column(layer, unit)]

    def norm_layer(self, layer: int) -> BatchNorm:
        """The BN twin's batch norm of hidden layer ``layer`` (from 0)."""
        self.column(layer, 0)
        return self.model.hidden_layers[layer][1]

    def population_stats(self) -> Stats:
        """(mu, sigma^2) per BN layer over the training set under the current weights."""
        return self.model.population_stats(self.bn.F_train)

    def ewa(self, corrected: bool) -> Stats:
        return ewa_stats(self.model, corrected)

    def stats_for(self, mode: str, corrected: bool = True) -> Stats | None:
        if mode == "ewa":
            return self.ewa(corrected)
        if mode == "population":
            return self.population_stats()
        return None

    def hidden_train(self) -> list[Any]:
        """z, z_tilde and a of every hidden layer over the training set, normalized with the
        training set's own statistics (the population ones)."""
        return self.model.hidden_values(self.bn.F_train, training=True)

    def unit_values(self, layer: int, unit: int) -> tuple[np.ndarray, np.ndarray]:
        """z and z_tilde of one unit over the training set (for the histograms)."""
        self.column(layer, unit)
        hv = self.hidden_train()[layer]
        return hv.z[:, unit], hv.z_tilde[:, unit]

    # -- test time ------------------------------------------------------------------------------

    def _test_set(self) -> tuple[np.ndarray, np.ndarray]:
        """The test set, or the training set when there is no test set."""
        if len(self.bn.data.y_test):
            return self.bn.F_test, self.bn.data.y_test
        return self.bn.F_train, self.bn.y_train

    def test_accuracy(self, mode: str, corrected: bool = True) -> float:
        """Accuracy on the test set (the training set when there is none, never NaN) with BN
        normalized one of the ways in ``MODES``."""
        return test_time.accuracy(self.model, *self._test_set(), mode,
                                  self.stats_for(mode, corrected))

    def test_batches(self, batch_size: int, layer: int, unit: int) -> dict[str, Any]:
        """The test set (the training set without one, as everywhere at test time) in batches of
        ``batch_size`` (fixed order), each normalized with its own statistics: per batch, mu and
        sigma^2 of the watched unit, and the overall accuracy."""
        self.column(layer, unit)
        return test_time.own_batches(self.model, *self._test_set(), batch_size, layer, unit)

    @property
    def test_size(self) -> int:
        """Examples the test-time tab uses: the test set's, or the training set's without one."""
        return len(self._test_set()[1])

    def example(self, index: int, corrected: bool = True,
                stats: dict[str, Stats | None] | None = None) -> dict[str, Any]:
        """Test example ``index`` normalized three ways: per mode the hidden values, the class
        probabilities and the predicted class."""
        F, y = self._test_set()
        index = int(index) % len(y)
        stats = stats or {mode: self.stats_for(mode, corrected) for mode in MODES}
        return {"index": index, "label": int(y[index]), "x": F[index],
                **test_time.three_ways(self.model, F[index], stats)}

    def test_time_table(self, index: int, layer: int, unit: int,
                        corrected: bool = True) -> dict[str, Any]:
        """What the test-time table shows: test example ``index`` (its number, x and label),
        gamma and beta of unit (layer, unit), and per mode (``MODES``) that unit's mu and
        sigma^2 used, z, z_norm, z_tilde, the prediction, its probability and the test accuracy
        (NaN, and prediction None, for the EWA before the first batch); the EWA momentum, t, and
        how the EWA's accuracy compares with the population's (``compare_ewa``)."""
        bn = self.norm_layer(layer)
        self.column(layer, unit)
        stats = {mode: self.stats_for(mode, corrected) for mode in MODES}
        ex = self.example(index, corrected, stats)
        F, y = self._test_set()
        acc = {mode: test_time.accuracy(self.model, F, y, mode, stats[mode]) for mode in MODES}
        unseen = ("ewa",) if bn.t == 0 else ()  # no batch yet: the EWA holds nothing
        modes = test_time.table_values(ex, acc, layer, unit, unseen)
        return {"index": ex["index"], "label": ex["label"], "x": [float(v) for v in ex["x"]],
                "gamma": float(bn.gamma[unit]), "beta": float(bn.beta[unit]), "modes": modes,
                "momentum": float(bn.momentum), "t": int(bn.t),
                "verdict": test_time.compare_ewa(modes["ewa"]["accuracy"],
                                                 modes["population"]["accuracy"])}

    def explain_values(self, layer: int, unit: int, corrected: bool = True) -> dict[str, Any]:
        """The numbers of the notes' equations for unit (layer, unit), live: the last mini-batch's
        mu and sigma^2 and its size m; z of its first example, its z_norm and z_tilde; gamma and
        beta; the EWA zero-started and bias-corrected (and which one test time uses), the EWA
        momentum, t, momentum^t ("decay"); the last population mu and sigma^2; the chain
        X -> z -> z_tilde -> a (``lessons.chain``) and the activation. Values that do
        not exist yet (the batch statistics and their EWA before the first batch) are NaN, which
        the page shows as "—"."""
        bn = self.norm_layer(layer)
        col = self.column(layer, unit)
        nan = math.nan
        seen = bn.t > 0  # before the first batch there are no statistics to show
        mu, var = (float(bn.batch_mean[unit]), float(bn.batch_var[unit])) if seen else (nan, nan)
        z = z_norm = z_tilde = nan
        hidden = self.model.hidden
        if seen and len(hidden) > layer and len(hidden[layer].z):
            z = float(hidden[layer].z[0, unit])
            z_norm = (z - mu) / math.sqrt(var + bn.eps)
            z_tilde = float(bn.gamma[unit] * z_norm + bn.beta[unit])
        raw, cor = self.ewa(False)[layer], self.ewa(True)[layer]
        raw, cor = ((float(s[0][unit]), float(s[1][unit])) if seen else (nan, nan)
                    for s in (raw, cor))
        used = cor if corrected else raw
        return {
            "mu": mu, "var": var, "m": min(int(self.settings.batch_size), len(self.bn.y_train)),
            "z": z, "z_norm": z_norm, "z_tilde": z_tilde,
            "gamma": float(bn.gamma[unit]), "beta": float(bn.beta[unit]), "eps": float(bn.eps),
            "ewa_mu": raw[0], "ewa_var": raw[1],
            "ewa_mu_corrected": cor[0], "ewa_var_corrected": cor[1],
            "corrected": bool(corrected), "used_mu": used[0], "used_var": used[1],
            "momentum": float(bn.momentum), "t": int(bn.t), "decay": float(bn.decay),
            "chain": lessons.chain(self.model, layer, unit), "activation": self.settings.activation,
            "pop_mu": float(self.snap.pop_mean.data[-1, col]),
            "pop_var": float(self.snap.pop_var.data[-1, col]),
        }

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
            try:
                self._record()
            except ValueError:  # the training set's statistics overflowed: the twin diverged
                self.bn._diverge("the hidden values over the training set overflowed (α too large?)")
                return
            if self.bn.iteration in SHIFT_MOMENTS:
                self._capture_moment()

    def _capture_moment(self) -> None:
        """The deepest hidden layer's values over the training set, both twins (``Moments``)."""
        with np.errstate(all="ignore"):
            bn = self.hidden_train()[-1].z_tilde
            plain = self.plain.model.hidden_values(self.plain.F_train)[-1].z
        self.moments.capture(self.bn.iteration, bn, plain)

    def batch_noise(self, layer: int, unit: int) -> dict[str, np.ndarray]:
        """The noise batch norm adds to one training example's z_tilde at (layer, unit), against
        the mini-batch size (``lessons.batch_noise``), seeded by the settings' seed."""
        self.column(layer, unit)
        return lessons.batch_noise(self.model, self.bn.F_train, layer, unit, self.settings.seed)

    def chain(self, layer: int, unit: int) -> dict[str, Any]:
        """X -> z -> z_tilde -> a at (layer, unit) for the last mini-batch (``lessons.chain``)."""
        self.column(layer, unit)
        return lessons.chain(self.model, layer, unit)

    def undo_normalization(self, layer: int) -> None:
        """Layer ``layer``'s gamma and beta set so that z_tilde = z (``lessons``)."""
        lessons.undo_normalization(self.norm_layer(layer))

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
        self.batch_size.append(min(self.settings.batch_size, len(self.bn.y_train)))
        self.loss_bn.append(self.bn.batch_loss if self.bn.status != DIVERGED else np.nan)
        self.loss_plain.append(self.plain.batch_loss if self.plain.status != DIVERGED else np.nan)
        if self.bn.iteration % self.pop_every == 0:
            self._take_snapshot()

    def _take_snapshot(self) -> None:
        s = self.snap
        with np.errstate(all="ignore"):
            hv = self.hidden_train()  # first: if it fails (overflow), nothing is half recorded
            hp = self.plain.model.hidden_values(self.plain.F_train)
            s.iteration.append(self.bn.iteration)
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

