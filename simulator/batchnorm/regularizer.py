"""The notes' "batch norm has a slight regularization effect", measured as a train/test gap.

Each mini-batch is scaled by the μ and σ² of just that mini-batch, which adds some noise to every
hidden unit's z̃, as dropout does; the smaller the mini-batch, the larger the noise, and with the
whole training set as the batch there is none. ``compare_gaps`` trains the network of the settings
in force with and without batch norm at several mini-batch sizes m, for the same number of epochs,
everything else equal (data, weights, optimizer, α), and measures each run's gap: the loss on the
test set less the loss on the training set, both in test mode (the EWA's μ and σ²). Where the
network can overfit (a small, noisy training set), batch norm's gap is far smaller than the plain
network's at small m, and not smaller at the full batch: the regularizer is the mini-batch noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..training import DIVERGED, ClassifierSettings, ClassifierTrainer
from ..validation import check_int

SIZES = (4, 8, 16, 32, 0)  # mini-batch sizes; 0 is the whole training set (no noise)
EPOCHS = 150  # each run's epochs: long enough for the plain network to overfit a small set


@dataclass(frozen=True)
class GapRun:
    """``sizes``: the mini-batch sizes trained (the last, the training set's size, is the full
    batch); ``train`` and ``test``: the final training and test loss, row 0 with batch norm and
    row 1 without, one column per size; ``epochs`` each run trained."""

    sizes: tuple[int, ...]
    train: np.ndarray
    test: np.ndarray
    epochs: int

    @property
    def gap(self) -> np.ndarray:
        """Test loss less training loss: row 0 with batch norm, row 1 without."""
        return self.test - self.train

    def at(self, m: int) -> tuple[float, float]:
        """(gap with batch norm, gap without) at mini-batch size ``m`` (0: the full batch)."""
        k = len(self.sizes) - 1 if m == 0 else self.sizes.index(m)
        return float(self.gap[0, k]), float(self.gap[1, k])


def compare_gaps(settings: ClassifierSettings, sizes: tuple[int, ...] = SIZES, epochs: int = EPOCHS,
                 progress: Callable[[float], None] | None = None) -> GapRun:
    """Train ``settings`` with and without batch norm at each mini-batch size of ``sizes`` (0: the
    whole training set) for ``epochs`` epochs, and measure the final train and test losses."""
    epochs = check_int("epochs", epochs, 1, 10_000)
    if not settings.hidden:
        raise ValueError("batch norm's noise needs at least one hidden layer to act on, got none")
    probe = ClassifierTrainer(settings.replace(batchnorm=True))
    n = len(probe.y_train)
    if n < 2 or len(probe.data.y_test) == 0:
        raise ValueError("the train/test gap needs a training set of 2 or more and a test set: "
                         f"got {n} training and {len(probe.data.y_test)} test examples")
    shown = tuple(sorted({min(check_int("mini-batch size", m, 0, 100_000) or n, n) for m in sizes}))
    train, test = np.empty((2, len(shown))), np.empty((2, len(shown)))
    for row, bn in enumerate((True, False)):
        for col, m in enumerate(shown):
            trainer = ClassifierTrainer(settings.replace(batchnorm=bn, batch_size=m))
            trainer.run_epochs(epochs)
            if trainer.status == DIVERGED:
                raise ValueError(f"the run {'with' if bn else 'without'} batch norm at m = {m} "
                                 f"diverged ({trainer.reason}); lower α")
            train[row, col] = trainer.history.train_loss[-1]
            test[row, col] = trainer.history.test_loss[-1]
            if progress is not None:
                progress((row * len(shown) + col + 1) / (2 * len(shown)))
    return GapRun(shown, train, test, epochs)


__all__ = ["EPOCHS", "SIZES", "GapRun", "compare_gaps"]
