"""A growing record of rows, shared by everything the engine keeps per step (a racer's path, the
batch-norm lab's statistics)."""

from __future__ import annotations

import numpy as np


class Recorder:
    """Rows of a fixed width appended one at a time into a NumPy array that doubles when full,
    so appending costs O(1) on average and reading is a view, not a copy."""

    def __init__(self, width: int, capacity: int = 256) -> None:
        self.width = width
        self._data = np.empty((capacity, width))
        self.n = 0

    def append(self, row) -> None:
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
