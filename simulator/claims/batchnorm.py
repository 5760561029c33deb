"""The batch-norm presets' claims, measured on the twin experiment (see ``simulator.claims``): the
twins with and without batch norm share the network, the start and the mini-batches, so a claim
about batch norm compares them; a claim about the mini-batch size compares the run with a twin
experiment at the other size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..batchnorm import BNExperiment, default_settings
from ..batchnorm.bias import BiasRun, compare_bias
from ..batchnorm.lessons import layer_chain, shift_size
from ..batchnorm.regularizer import GapRun, compare_gaps
from ..training import ClassifierSettings
from . import Claim, Verdict, share

SCATTER_FROM = 10  # the EWA's first batches are still warming up: its scatter counts from here


@dataclass
class BNRun:
    """What a batch-norm claim measures: the experiment, whether the EWA is bias-corrected, and
    the watched unit (layer, unit)."""

    experiment: BNExperiment
    corrected: bool = True
    layer: int = 0
    unit: int = 0
    bias: BiasRun | None = None  # the page's "No b" measurement, if it made one
    gaps: GapRun | None = None  # the page's "Regularizer" measurement, if it made one


def variant(data: dict[str, Any], claim: Claim, k: int) -> BNRun:
    """The k-th run a claim is measured on (k = 0: the preset), before training: other data and
    initial weights (both seeds moved by k)."""
    known = {key: v for key, v in data.items() if key in ClassifierSettings.__dataclass_fields__}
    settings = ClassifierSettings.from_dict({**default_settings().to_dict(), **known})
    if k:
        settings = settings.replace(seed=settings.seed + k, data_seed=settings.data_seed + k)
    layer, unit = data.get("watch", (0, 0))
    return BNRun(BNExperiment(settings), bool(data.get("corrected", True)), int(layer), int(unit))


def done(r: BNRun, unit: str) -> int:
    return r.experiment.bn.epoch if unit == "epoch" else r.experiment.iteration


def run(r: BNRun, claim: Claim) -> BNRun:
    """Train the twins as long as the claim needs (or until a twin diverges)."""
    while done(r, claim.unit) < claim.steps and not r.experiment.diverged:
        r.experiment.step()
    return r


def ready(r: BNRun, claim: Claim) -> bool:
    if claim.ready is not None:
        return claim.ready(r)
    return r.experiment.diverged or done(r, claim.unit) >= claim.steps


def twin(r: BNRun, **changes: Any) -> BNRun:
    """The same experiment with ``changes``, trained as many iterations."""
    other = BNRun(BNExperiment(r.experiment.settings.replace(**changes)), r.corrected, r.layer, r.unit)
    while other.experiment.iteration < r.experiment.iteration:
        other.experiment.step()
    return other


def scatter(r: BNRun) -> dict[str, float]:
    """How far the watched unit's mini-batch μ, and its EWA, stray from the population μ (std
    over the snapshots)."""
    e = r.experiment
    pop = e.snapshot_series("pop_mean", r.layer, r.unit)
    its = e.snap.iteration.data[:, 0].astype(int)
    at = its[its > 0] - 1  # the snapshot after batch t sits beside record t - 1
    batch = e.series("batch_mean", r.layer, r.unit)[at] - pop[its > 0]
    ewa = e.series("ewa_mean_corrected", r.layer, r.unit)[at] - pop[its > 0]
    return {"batch": float(np.std(batch)), "ewa": float(np.std(ewa[SCATTER_FROM:]))}


# -- the measures -------------------------------------------------------------------------------


def bn_speeds_training(r: BNRun) -> Verdict:
    bn, plain = r.experiment.bn.history.train_loss, r.experiment.plain.history.train_loss
    below = next((k for k, v in enumerate(bn) if v < 0.3), None)
    holds = below is not None and min(plain) > 0.45 and min(plain) > 1.5 * min(bn)
    return Verdict(holds, f"With batch norm the training loss fell below 0.3 "
                          f"{f'at epoch {below}' if below is not None else 'not yet'}; without, its "
                          f"lowest in {len(plain) - 1} epochs was {min(plain):.2f}, "
                          f"{min(plain) / max(min(bn), 1e-12):.1f} times the lowest with.")


def covariate_shift(r: BNRun) -> Verdict:
    m = r.experiment.moments
    plain, bn = shift_size(m.plain), shift_size(m.bn)
    holds = plain > 3 * bn
    return Verdict(holds, f"From iteration {m.iterations[0]} to {m.iterations[-1]} the deepest layer's "
                          f"values moved {plain:.2f} without batch norm and {bn:.2f} with it "
                          f"({plain / max(bn, 1e-12):.1f} times as far).")


def batch_of_one(r: BNRun) -> Verdict:
    e = r.experiment
    ewa, single = e.test_accuracy("ewa"), e.test_accuracy("single")
    classes = e.bn.data.n_classes
    table = e.test_time_table(0, r.layer, r.unit)
    on_beta = bool(np.isclose(table["modes"]["single"]["z_tilde"], table["beta"]))
    holds = ewa > 0.9 and abs(single - 1 / classes) < 0.02 and on_beta
    return Verdict(holds, f"Test accuracy with the EWA's μ and σ²: {share(ewa)}; each example as its "
                          f"own batch of one: {share(single)} (one class for all, {classes} classes).")


def small_batch(r: BNRun) -> Verdict:
    small, large = scatter(r), scatter(twin(r, batch_size=128))
    holds = small["batch"] > 5 * large["batch"] and small["ewa"] < 0.5 * small["batch"]
    return Verdict(holds, f"Scatter of the mini-batch μ about the population μ: {small['batch']:.3f} "
                          f"at m = {r.experiment.settings.batch_size}, {large['batch']:.3f} at m = 128; "
                          f"the EWA's: {small['ewa']:.3f}.")


def large_batch(r: BNRun) -> Verdict:
    large, small = scatter(r), scatter(twin(r, batch_size=4))
    holds = large["batch"] < 0.2 * small["batch"]
    return Verdict(holds, f"Scatter of the mini-batch μ about the population μ: {large['batch']:.3f} "
                          f"at m = {r.experiment.settings.batch_size}, {small['batch']:.3f} at m = 4.")


def noise_shrinks(r: BNRun) -> Verdict:
    noise = r.experiment.batch_noise(r.layer, r.unit)
    std = dict(zip(noise["sizes"].tolist(), noise["std"], strict=True))
    holds = std[8] > 3 * std[128] and bool(np.all(np.diff(noise["std"][1:]) < 0.05))
    return Verdict(holds, "Spread of one example's z̃ over random mini-batches: " + ", ".join(
        f"m = {m}: {v:.3f}" for m, v in std.items()) + ".")


def slow_ewa(r: BNRun) -> Verdict:
    e = r.experiment
    suffix = "_corrected" if r.corrected else ""
    ewa = float(e.series("ewa_var" + suffix, r.layer, r.unit)[-1])
    batch = float(np.mean(e.series("batch_var", r.layer, r.unit)))
    rho, t = e.settings.bn_momentum, e.iteration
    ratio = ewa / batch
    holds = abs(ratio - 1) < 0.3 if r.corrected else abs(ratio - (1 - rho**t)) < 0.05
    return Verdict(holds, f"After {t} batches the {'corrected' if r.corrected else 'uncorrected'} EWA "
                          f"of σ² is {ratio:.2f} of the mini-batches' mean σ² (1 − ρᵗ = {1 - rho**t:.2f}).")


def whole_layer(r: BNRun) -> Verdict:
    """On the last mini-batch, the watched layer's z has a spread of its own per unit; z_norm has
    mean 0 and variance 1 (less ε's share) in every unit."""
    v = layer_chain(r.experiment.model, r.layer)
    spread = v["z"].std(axis=0)
    mean = float(np.abs(v["z_norm"].mean(axis=0)).max())
    var = float(np.abs(v["z_norm"].var(axis=0) - 1.0).max())
    holds = spread.max() > 2 * spread.min() and mean < 1e-9 and var < 0.01
    return Verdict(holds, f"Layer {r.layer + 1}, last mini-batch: the units' z spread from "
                          f"{spread.min():.2f} to {spread.max():.2f} (std); after normalizing, every "
                          f"unit's mean is within {mean:.0e} of 0 and its variance within "
                          f"{var:.0e} of 1.")


def b_useless(r: BNRun) -> Verdict:
    """With batch norm, a layer's b cancels in z − μ: twins with and without it, from the same
    weights on the same mini-batches, have the same J to rounding, and b's gradient is 0."""
    b = r.bias if r.bias is not None else compare_bias(r.experiment.settings)
    holds = b.gap < 1e-9 and b.largest_db < 1e-12 and b.b_moved < 1e-9 and b.drop > 0.2
    return Verdict(holds, f"Over {len(b.without)} mini-batches J fell {b.drop:.2f}; with b and "
                          f"without, J differed by at most {b.gap:.0e} (rounding). b's gradient "
                          f"stayed below {b.largest_db:.0e}, and b moved at most {b.b_moved:.0e}.")


def slight_regularizer(r: BNRun) -> Verdict:
    """Batch norm's noise regularizes: at a small m (8, or the nearest measured) its train/test gap
    is under half the plain network's, it grows with m, and at the full batch (no noise) it is not
    smaller than the plain network's."""
    g = r.gaps if r.gaps is not None else compare_gaps(r.experiment.settings)
    if len(g.sizes) < 2:
        return Verdict(False, f"The training set has {g.sizes[0]} examples: too few mini-batch "
                              "sizes to compare.")
    small = min(g.sizes[:-1], key=lambda m: abs(m - 8))
    (bn_small, plain_small), (bn_full, plain_full) = g.at(small), g.at(0)
    holds = bn_small < 0.5 * plain_small and bn_full > 3 * bn_small and bn_full > 0.8 * plain_full
    return Verdict(holds, f"Test J − training J after {g.epochs} epochs: at m = {small}, "
                          f"{bn_small:.2f} with batch norm against {plain_small:.2f} without; at "
                          f"m = {g.sizes[-1]} (the whole training set, no noise), {bn_full:.2f} "
                          f"against {plain_full:.2f}.")


CLAIMS: dict[str, Claim] = {
    "bn_speeds_training": Claim(25, bn_speeds_training, unit="epoch"),
    "covariate_shift": Claim(800, covariate_shift),
    "batch_of_one": Claim(40, batch_of_one, unit="epoch"),
    "small_batch": Claim(100, small_batch),
    "large_batch": Claim(100, large_batch),
    "noise_shrinks": Claim(200, noise_shrinks),
    "slow_ewa": Claim(10, slow_ewa),
    "whole_layer": Claim(50, whole_layer),
    # Measured on the page's own "No b" or "Regularizer" run (the preset asks for it); in the
    # tests, afresh.
    "b_useless": Claim(0, b_useless, ready=lambda r: r.bias is not None),
    "slight_regularizer": Claim(0, slight_regularizer, ready=lambda r: r.gaps is not None),
}

__all__ = ["CLAIMS", "BNRun", "variant", "run", "ready", "scatter"]
