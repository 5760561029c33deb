"""Mini-batch size, measured: the same network trained with m = 1, 2, 4, … up to the whole training
set, each until its training loss reaches a target. A smaller m takes about as many iterations but
each sees fewer examples, so it needs fewer epochs; a larger m makes each iteration one vectorized
pass over more examples, so an epoch costs less time. The notes' advice, m between 1 and the whole
set and a power of two, is where the two meet.

The time is the engine's own (``clock``, the steps only: evaluating the loss to know when the
target is reached is not counted); the counts are deterministic for a seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..training import DIVERGED, ClassifierSettings, ClassifierTrainer
from ..validation import check_int, check_range

MAX_ITERATIONS = 5000  # a size that has not reached the target by then is reported as not reaching it


@dataclass(frozen=True)
class SizeRun:
    """One mini-batch size: iterations to the target (None: not within ``MAX_ITERATIONS``), the
    epochs they make, and the seconds the steps took."""

    size: int
    iterations: int | None
    epochs: float
    seconds: float

    @property
    def per_epoch(self) -> float:
        """Seconds per epoch: the cost of one pass over the training set at this m."""
        return self.seconds / self.epochs if self.epochs > 0 else float("nan")


def sizes_for(m: int) -> list[int]:
    """1, 2, 4, … below the training set's size m, then m itself (batch gradient descent)."""
    m = check_int("training examples", m, 1, None)
    out, k = [], 1
    while k < m:
        out.append(k)
        k *= 2
    return [*out, m]


def measure(settings: ClassifierSettings, size: int, target: float,
            clock: Callable[[], float] = time.perf_counter, max_iterations: int = MAX_ITERATIONS) -> SizeRun:
    """Train ``settings`` at mini-batch size ``size`` until the training loss is at most ``target``."""
    trainer = ClassifierTrainer(settings.replace(batch_size=check_int("mini-batch size", size, 1, None)))
    target = check_range("target loss", target, 0.0, None, low_open=True)
    spent, hit = 0.0, None
    while trainer.iteration < max_iterations and trainer.status != DIVERGED:
        start = clock()
        trainer.step()
        spent += clock() - start
        if trainer.model.loss(trainer.F_train, trainer.y_train) <= target:
            hit = trainer.iteration
            break
    epochs = trainer.iteration / trainer.batches_per_epoch
    return SizeRun(int(size), hit, epochs, spent)


def measure_sizes(settings: ClassifierSettings, target: float,
                  progress: Callable[[float], bool] | None = None,
                  clock: Callable[[], float] = time.perf_counter) -> list[SizeRun] | None:
    """Every size of ``sizes_for`` in turn; ``progress(fraction)`` after each, and None if it
    answers False (cancelled)."""
    m = len(ClassifierTrainer(settings).y_train)
    sizes = sizes_for(m)
    runs = []
    for i, size in enumerate(sizes):
        runs.append(measure(settings, size, target, clock))
        if progress is not None and progress((i + 1) / len(sizes)) is False:
            return None
    return runs


@dataclass(frozen=True)
class BatchSizes:
    """A measurement: the settings, the target loss, and one ``SizeRun`` per size."""

    settings: ClassifierSettings
    target: float
    runs: list[SizeRun]


def fastest(runs: list[SizeRun]) -> SizeRun | None:
    """The size that reached the target in the least time."""
    reached = [r for r in runs if r.iterations is not None]
    return min(reached, key=lambda r: r.seconds) if reached else None


__all__ = ["MAX_ITERATIONS", "BatchSizes", "SizeRun", "sizes_for", "measure", "measure_sizes", "fastest"]
