"""The classifier presets' claims, measured on a trained ``ClassifierTrainer`` (see
``simulator.claims``). A claim about one setting compares the run with a twin that differs in that
setting only (the same data, seed and epochs), which the measure trains itself."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..classifier.batch_sizes import fastest, measure_sizes
from ..classifier.history import noise
from ..classifier.plane import LogisticComparison
from ..training import DIVERGED, ClassifierSettings, ClassifierTrainer
from . import Claim, Verdict, share

NOISE_LAST = 500  # the mini-batch costs whose noise is compared


def variant(data: dict[str, Any], claim: Claim, k: int) -> ClassifierSettings:
    """The k-th run a claim is measured on: the preset (k = 0), or other data and initial weights
    (both seeds moved by k)."""
    known = {key: v for key, v in data.items() if key in ClassifierSettings.__dataclass_fields__}
    settings = ClassifierSettings.from_dict(known)
    return settings if k == 0 else settings.replace(seed=settings.seed + k,
                                                    data_seed=settings.data_seed + k)


def run(settings: ClassifierSettings, claim: Claim) -> ClassifierTrainer:
    """A trainer from ``settings``, trained as long as ``claim`` needs."""
    trainer = ClassifierTrainer(settings)
    train(trainer, claim.steps, claim.unit)
    return trainer


def train(trainer: ClassifierTrainer, steps: int, unit: str) -> None:
    """Train until ``steps`` epochs or iterations (``unit``) are done, or the run diverges."""
    if unit == "epoch":
        trainer.run_epochs(steps - trainer.epoch)
    else:
        while trainer.iteration < steps and trainer.status != DIVERGED:
            trainer.step()


def ready(trainer: ClassifierTrainer, claim: Claim) -> bool:
    """Trained as long as the claim needs (or diverged, which no claim survives)."""
    done = trainer.epoch if claim.unit == "epoch" else trainer.iteration
    return trainer.status == DIVERGED or done >= claim.steps


def twin(trainer: ClassifierTrainer, unit: str, **changes: Any) -> ClassifierTrainer:
    """The same run with ``changes``, trained as many epochs or iterations (``unit``) as it was;
    the same seeds, so the same data and initial weights."""
    other = ClassifierTrainer(trainer.settings.replace(**changes))
    train(other, trainer.epoch if unit == "epoch" else trainer.iteration, unit)
    return other


def test_acc(trainer: ClassifierTrainer) -> float:
    return float(trainer.history.test_acc[-1])


def cost_noise(trainer: ClassifierTrainer) -> float:
    return noise(trainer.costs.costs[-NOISE_LAST:])


# -- the measures -------------------------------------------------------------------------------


def accuracy_above(level: float):
    def measure(t: ClassifierTrainer) -> Verdict:
        acc = test_acc(t)
        return Verdict(acc > level, f"Test accuracy {share(acc)} after {t.epoch} epochs "
                                    f"(the claim: above {share(level)}).")
    return measure


def accuracy_below(level: float):
    def measure(t: ClassifierTrainer) -> Verdict:
        acc = test_acc(t)
        return Verdict(acc < level, f"Test accuracy {share(acc)} after {t.epoch} epochs "
                                    f"(the claim: below {share(level)}).")
    return measure


def feature_helps(level: float):
    """The run with its extra features against a twin on x1 and x2 alone."""

    def measure(t: ClassifierTrainer) -> Verdict:
        bare = twin(t, "epoch", features=["x1", "x2"])
        acc, acc_bare = test_acc(t), test_acc(bare)
        holds = acc > level and acc_bare < 0.7
        return Verdict(holds, f"Test accuracy with {', '.join(t.settings.features)}: {share(acc)}; "
                              f"on x1 and x2 alone: {share(acc_bare)} (after {t.epoch} epochs each).")

    return measure


def logistic_agrees(t: ClassifierTrainer) -> Verdict:
    agree = LogisticComparison().agreement(t, t.proba_grid(200))
    return Verdict(agree > 0.999, f"Softmax and logistic regression predict the same class on "
                                 f"{100 * agree:.1f}% of the plane after {t.epoch} epochs.")


def batch_noise(t: ClassifierTrainer) -> Verdict:
    """The cost's noise at this run's mini-batch size against the other two sizes the presets
    show (the whole set, 32, and 1), each trained as many iterations."""
    sizes = {"the whole set": 1000, "32": 32, "1": 1}
    n = {label: cost_noise(t if t.settings.batch_size == size else twin(t, "iteration", batch_size=size))
         for label, size in sizes.items()}
    holds = n["the whole set"] < 0.1 * n["32"] and n["32"] * 3 < n["1"]
    return Verdict(holds, f"Noise of J per iteration (std of ΔJ over the last {NOISE_LAST}): batch of "
                          f"the whole set {n['the whole set']:.2g}, mini-batches of 32 {n['32']:.2g}, "
                          f"of 1 {n['1']:.2g}.")


def alpha_decays(t: ClassifierTrainer) -> Verdict:
    """α_t = α0 / (1 + decay_rate · epoch_num), epoch_num counting from 1: after 9 epochs, the
    tenth uses α0 / (1 + 0.5 · 10) = α0 / 6."""
    s = t.settings
    rate = s.schedule_params.get("decay_rate", 0.0)
    expected = s.lr / (1 + rate * (t.epoch + 1))
    holds = bool(np.isclose(t.alpha, expected)) and t.alpha < s.lr / 5
    return Verdict(holds, f"Epoch {t.epoch + 1} trains at α_t = {t.alpha:.3g} = α0 / "
                          f"(1 + {rate:g} · {t.epoch + 1}), {t.alpha / s.lr:.2f} of α0 = {s.lr:g}.")


BATCH_TARGET = 0.35


def batch_sizes(t: ClassifierTrainer) -> Verdict:
    """Every size from 1 to the whole set reaches J ≤ 0.3 in about the same number of iterations,
    so the epochs it takes grow with m (the times, measured beside, are the computer's)."""
    runs = measure_sizes(t.settings, BATCH_TARGET)
    its = [r.iterations for r in runs]
    epochs = [r.epochs for r in runs]
    reached = all(i is not None for i in its)
    holds = (reached and max(its) < 2 * min(its)
             and all(a < b for a, b in zip(epochs, epochs[1:], strict=False)))
    best = fastest(runs)
    return Verdict(holds, f"To J ≤ {BATCH_TARGET:g}: {min(i for i in its if i)}–{max(i for i in its if i)} "
                          f"iterations at every m, {epochs[0]:.1f} epochs at m = 1 and {epochs[-1]:.0f} at "
                          f"m = {runs[-1].size}; fastest here: m = {best.size if best else '—'}.")


CLAIMS: dict[str, Claim] = {
    "four_blobs": Claim(50, accuracy_above(0.95), unit="epoch"),
    "spiral_linear": Claim(200, accuracy_below(0.7), unit="epoch"),
    "spiral_deep": Claim(300, accuracy_above(0.9), unit="epoch"),
    "circles_squares": Claim(100, feature_helps(0.95), unit="epoch"),
    "xor_product": Claim(100, feature_helps(0.85), unit="epoch"),
    "logistic": Claim(300, logistic_agrees, unit="epoch"),
    "batch_noise": Claim(600, batch_noise),
    "alpha_decay": Claim(9, alpha_decays, unit="epoch"),
    "batch_sizes": Claim(0, batch_sizes, unit="epoch"),
}

__all__ = ["CLAIMS", "variant", "run", "ready", "train", "twin"]
