"""What a training run keeps for its curves: the per-epoch ``History`` and the per-iteration
``CostTrace`` (the cost J of every mini-batch, bounded however long the run), and ``noise``, how
jagged a cost curve is (the notes' smooth batch descent against noisy mini-batch descent)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

TRACE_POINTS = 4000  # at most this many (iteration, J) points are kept for the plot
RECENT = 500  # the last costs kept undecimated, for ``CostTrace.noise``


@dataclass
class History:
    """Per-epoch curves; test values are NaN when there is no test set."""

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)


class CostTrace:
    """The cost J of each mini-batch against the iteration, decimated to stay bounded.

    Every iteration is kept until ``capacity`` points are held; then the stride doubles and only
    iterations that are multiples of it are kept, then and from then on, so a run left playing
    for an hour holds at most ``capacity`` points spread evenly over all of it. The last
    ``RECENT`` costs are also kept whole, for ``noise``.
    """

    def __init__(self, capacity: int = TRACE_POINTS) -> None:
        if capacity < 2:
            raise ValueError(f"a cost trace keeps at least 2 points, got {capacity}")
        self.capacity = int(capacity)
        self.stride = 1
        self._it: list[int] = []
        self._cost: list[float] = []
        self.recent: deque[float] = deque(maxlen=RECENT)

    def append(self, iteration: int, cost: float) -> None:
        self.recent.append(float(cost))
        if iteration % self.stride:
            return
        if len(self._it) >= self.capacity:
            self.stride *= 2
            keep = [k for k, it in enumerate(self._it) if it % self.stride == 0]
            self._it = [self._it[k] for k in keep]
            self._cost = [self._cost[k] for k in keep]
            if iteration % self.stride:
                return
        self._it.append(int(iteration))
        self._cost.append(float(cost))

    def __len__(self) -> int:
        return len(self._it)

    @property
    def iterations(self) -> np.ndarray:
        return np.asarray(self._it, dtype=float)

    @property
    def costs(self) -> np.ndarray:
        return np.asarray(self._cost, dtype=float)

    def noise(self, last: int = RECENT) -> float:
        """``noise`` of the last ``last`` mini-batch costs (at most ``RECENT``)."""
        return noise(np.asarray(self.recent, dtype=float)[-int(last):])


def noise(costs: np.ndarray) -> float:
    """How jagged a cost curve is: the standard deviation of the change from one iteration to
    the next. Batch descent's cost falls smoothly (near 0); a mini-batch of one jumps with every
    example. NaN with fewer than 3 finite costs."""
    c = np.asarray(costs, dtype=float)
    c = c[np.isfinite(c)]
    return float(np.std(np.diff(c))) if len(c) >= 3 else float("nan")


__all__ = ["History", "CostTrace", "noise", "TRACE_POINTS"]
