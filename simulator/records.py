"""A growing record of rows, shared by everything the engine keeps per step (a racer's path, the
batch-norm lab's statistics), bounded for long runs."""

from __future__ import annotations

import numpy as np

from .validation import check_int


class Recorder:
    """Rows of a fixed width appended one at a time into a NumPy array that doubles when full,
    so appending costs O(1) on average and reading is a view, not a copy.

    With a ``limit``, memory stays bounded however long the run: when ``limit`` rows are held,
    every other row of the older half is dropped (the first row is kept), so the recent rows are
    always all there and older ones grow sparser the older they are. ``steps`` gives each row's
    index among all the rows appended (the x of a plot); ``count`` how many were appended.
    """

    def __init__(self, width: int, capacity: int = 256, limit: int | None = None) -> None:
        self.width = check_int("width", width, 1, None)
        capacity = check_int("capacity", capacity, 1, None)
        self.limit = None if limit is None else check_int("limit", limit, 8, None)
        if self.limit is not None:
            capacity = min(capacity, self.limit)
        self._data = np.empty((capacity, width))
        self._steps = np.empty(capacity, dtype=np.int64)
        self.n = 0  # rows held
        self.count = 0  # rows appended

    def append(self, row) -> None:
        if self.n == len(self._data):
            if self.limit is not None and self.n >= self.limit:
                self._thin()
            else:
                self._grow()
        self._data[self.n] = row
        self._steps[self.n] = self.count
        self.n += 1
        self.count += 1

    def _grow(self) -> None:
        size = 2 * len(self._data) if self.limit is None else min(2 * len(self._data), self.limit)
        for name in ("_data", "_steps"):
            old = getattr(self, name)
            grown = np.empty((size, *old.shape[1:]), dtype=old.dtype)
            grown[: self.n] = old[: self.n]
            setattr(self, name, grown)

    def _thin(self) -> None:
        """Drop every other row of the older half (keeping the first): a quarter of the rows."""
        half = self.n // 2
        keep = np.concatenate([np.arange(0, half, 2), np.arange(half, self.n)])
        m = len(keep)
        self._data[:m] = self._data[keep]
        self._steps[:m] = self._steps[keep]
        self.n = m

    @property
    def data(self) -> np.ndarray:
        """The rows held, (n, width): a view, valid until the next append."""
        return self._data[: self.n]

    @property
    def steps(self) -> np.ndarray:
        """The index of each held row among all appended (0, 1, 2, … until the first thinning)."""
        return self._steps[: self.n]
