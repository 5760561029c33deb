"""What a training run keeps for its curves: the per-epoch ``History`` and the per-iteration
``CostTrace`` (the cost J of every mini-batch), both bounded however long the run, and
``noise``, how jagged a cost curve is (the notes' smooth batch descent against noisy mini-batch
descent)."""

from __future__ import annotations

from collections import deque

import numpy as np

from ..records import Recorder

TRACE_POINTS = 4000  # at most this many (iteration, J) points are kept for the plot
RECENT = 500  # the last costs kept undecimated, for ``CostTrace.noise``
HISTORY_LIMIT = 2048  # epochs a History holds; beyond it older ones are thinned (``Recorder``)
DRAW_ROWS = 256  # about the most epochs a curve draws (``History.for_drawing``): one per 2-3 px
COLUMNS = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc")


def _column(k: int) -> property:
    return property(lambda self: self.record.data[:, k],
                    doc=f"The {COLUMNS[k]} of each epoch held: a view, valid until the next append.")


class History:
    """Per-epoch curves, one ``Recorder`` row (``COLUMNS``) per evaluated epoch; test values are
    NaN when there is no test set.

    Bounded: past ``limit`` rows the older half is thinned (the first epoch and the recent ones
    are always all there), so a run left playing for an hour holds, and draws, as many rows as
    one of a few minutes. The columns are NumPy views of the record; ``count`` is how many
    epochs were appended in all.
    """

    epoch = _column(0)
    train_loss = _column(1)
    train_acc = _column(2)
    test_loss = _column(3)
    test_acc = _column(4)

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self.record = Recorder(len(COLUMNS), capacity=64, limit=limit)

    def append(self, epoch: int, train_loss: float, train_acc: float, test_loss: float,
               test_acc: float) -> None:
        self.record.append((epoch, train_loss, train_acc, test_loss, test_acc))

    def __len__(self) -> int:
        return self.record.n

    @property
    def count(self) -> int:
        return self.record.count

    def for_drawing(self, most: int = DRAW_ROWS) -> dict[str, np.ndarray]:
        """The columns with at most about ``most`` rows, for a plot: the first row, then the
        mean of each run of k rows (k = ceil(rows / most)), then any rows left over, so the
        curve starts at the untrained model and ends at the latest epoch. A plot's cost
        follows the points it draws, not the epochs the run has held."""
        data = self.record.data
        k = -(-len(data) // max(1, int(most)))
        if k > 1:
            m = 1 + (len(data) - 1) // k * k
            data = np.concatenate([data[:1], data[1:m].reshape(-1, k, data.shape[1]).mean(axis=1),
                                   data[m:]])
        return {name: data[:, i] for i, name in enumerate(COLUMNS)}

    def rows(self) -> list[dict[str, float]]:
        """The rows held, as dicts keyed by ``COLUMNS`` (the epoch an int), for export."""
        return [{"epoch": int(r[0]), **dict(zip(COLUMNS[1:], map(float, r[1:]), strict=True))}
                for r in self.record.data]


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
        self._xy = np.empty((self.capacity, 2))  # (iteration, J) rows; the first ``n`` held
        self.n = 0
        self.recent: deque[float] = deque(maxlen=RECENT)

    def append(self, iteration: int, cost: float) -> None:
        self.recent.append(float(cost))
        if iteration % self.stride:
            return
        if self.n >= self.capacity:
            self.stride *= 2
            held = self._xy[: self.n]
            keep = held[held[:, 0] % self.stride == 0]
            self.n = len(keep)
            self._xy[: self.n] = keep
            if iteration % self.stride:
                return
        self._xy[self.n] = (iteration, cost)
        self.n += 1

    def __len__(self) -> int:
        return self.n

    @property
    def iterations(self) -> np.ndarray:
        """The iterations held: a view, valid until the next append."""
        return self._xy[: self.n, 0]

    @property
    def costs(self) -> np.ndarray:
        return self._xy[: self.n, 1]

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


__all__ = ["History", "CostTrace", "noise", "COLUMNS", "DRAW_ROWS", "HISTORY_LIMIT", "TRACE_POINTS"]
