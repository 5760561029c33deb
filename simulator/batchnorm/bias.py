"""The notes' "b is useless" under batch norm, measured: z = W a + b, then BN subtracts the batch
mean μ of z, and μ holds b, so b cancels (z − μ does not change when b does). A layer with b and
one without give the same z_norm, the same loss on every mini-batch, and b's gradient is 0.

``compare_bias`` trains twins from the same weights on the same mini-batches: the network as batch
norm builds it (no b in its BN layers) and the same network with a b in each BN layer, started at
random values. Their loss curves coincide to rounding, and b stays where it started.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..nn import MLP
from ..training import ClassifierSettings, ClassifierTrainer
from ..validation import check_int, check_range

ITERATIONS = 100  # mini-batches each twin trains: the loss falls well below its start


@dataclass(frozen=True)
class BiasRun:
    """Both twins' loss per mini-batch (``without`` b, ``with_b``), the first BN layer's b per unit
    at the start and at the end (``b_start``, ``b_end``), and the largest |db| seen."""

    without: np.ndarray
    with_b: np.ndarray
    b_start: np.ndarray
    b_end: np.ndarray
    largest_db: float

    @property
    def gap(self) -> float:
        """The largest |J with b − J without| over the run."""
        return float(np.max(np.abs(self.with_b - self.without)))

    @property
    def drop(self) -> float:
        """How far training brought J down: the mean J of the first 10 mini-batches less that of
        the last 10 (one mini-batch's J is noisy)."""
        return float(np.mean(self.without[:10]) - np.mean(self.without[-10:]))

    @property
    def b_moved(self) -> float:
        return float(np.max(np.abs(self.b_end - self.b_start)))


def compare_bias(settings: ClassifierSettings, iterations: int = ITERATIONS, b_scale: float = 1.0,
                 progress: Callable[[float], None] | None = None) -> BiasRun:
    """Train the network of ``settings`` with batch norm, without and with a b in its BN layers
    (b drawn from N(0, ``b_scale``²), seeded by the settings' seed), from the same weights on the
    same mini-batches with the same optimizer, for ``iterations`` mini-batches."""
    iterations = check_int("iterations", iterations, 1, 100_000)
    b_scale = check_range("b_scale", b_scale, low=0.0, high=1e3)
    settings = settings.replace(batchnorm=True)
    if not settings.hidden:
        raise ValueError("b is useless only under batch norm: it needs at least one hidden layer")
    plain = ClassifierTrainer(settings)  # the data, the features and the network as built
    F, y = plain.F_train, plain.y_train
    if len(y) == 0:
        raise ValueError("there are no training points to train on")
    without = plain.model
    biased = MLP(without.sizes, activation=without.activation, batchnorm=True, seed=without.seed,
                 l2=without.l2, l1=without.l1, bn_momentum=without.bn_momentum, bn_bias=True)
    state = biased.state_dict()
    state.update(without.state_dict())  # the same W, γ, β and running statistics
    rng = np.random.default_rng(settings.seed)
    b_names = [f"b{i}" for i in range(1, len(without.sizes) - 1)]
    for name in b_names:
        state[name] = rng.normal(0.0, b_scale, size=state[name].shape)
    biased.load_state_dict(state)
    b_first = biased.params[biased.param_names.index(b_names[0])]
    b_start = b_first.copy()
    optimizers = [settings.optimizer_spec.build(), settings.optimizer_spec.build()]
    order = np.random.default_rng(settings.seed).permutation(len(y))
    bs, cursor = min(int(settings.batch_size), len(y)), 0
    losses = np.empty((2, iterations))
    largest_db = 0.0
    for it in range(iterations):
        if cursor + bs > len(y):
            order, cursor = np.random.default_rng(settings.seed + it).permutation(len(y)), 0
        idx = order[cursor:cursor + bs]
        cursor += bs
        for k, (model, opt) in enumerate(zip((without, biased), optimizers, strict=True)):
            with np.errstate(all="ignore"):
                losses[k, it], grads = model.loss_and_grads(F[idx], y[idx])
                opt.step([model.theta], [model.dtheta], epoch=1)
            if model is biased:
                largest_db = max(largest_db, *(float(np.max(np.abs(grads[model.param_names.index(n)])))
                                               for n in b_names))
        if progress is not None and it % 25 == 0:
            progress(it / iterations)
    return BiasRun(losses[0], losses[1], b_start, b_first.copy(), largest_db)


__all__ = ["ITERATIONS", "BiasRun", "compare_bias"]
