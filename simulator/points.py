"""The training points a user edits on the classifier's plane: points added (``add_point``) and
generated points removed (``remove_nearest``, ``set_removed``), and added points of a class the
data set does not have, kept aside (``aside``). A mixin of ``ClassifierTrainer``: it uses the
trainer's ``data``, ``added``, ``removed``, ``X_train`` and ``_refresh_training_set``."""

from __future__ import annotations

import numpy as np

from .own_data import MAX_ROWS
from .validation import check_added_point, check_label, check_point, check_range


class EditablePoints:
    """Point edits for ``ClassifierTrainer``."""

    def _in_use(self) -> list[int]:
        """The indices in ``added`` of the points the training set holds (not those kept aside)."""
        return [k for k, p in enumerate(self.added) if p[2] < self.data.n_classes]

    @property
    def aside(self) -> int:
        """Added points kept out of the training set: their class is not one of the data set's."""
        return len(self.added) - len(self._in_use())

    def set_removed(self, indices) -> None:
        """Remove the generated training points at ``indices`` (as ``removed`` saved them); those
        the data set does not have are ignored (it may have changed since)."""
        self.removed = {int(i) for i in indices if 0 <= int(i) < len(self.data.y_train)}
        self._refresh_training_set()

    def add_point(self, x: float, y: float, label: int) -> None:
        check_label("class", label, self.data.n_classes)
        if len(self.added) >= MAX_ROWS:
            raise ValueError(f"{MAX_ROWS:,} points added already, the most there may be: remove some")
        self.added.append(_point(x, y, label))
        self._refresh_training_set()

    def remove_nearest(self, x: float, y: float, radius: float = 0.15) -> bool:
        """Remove the training point nearest to (x, y) if it lies within ``radius``."""
        x, y = check_point("the point to remove", (x, y))
        check_range("radius", radius, low=0.0)
        if len(self.y_train) == 0:
            return False
        d = np.hypot(self.X_train[:, 0] - x, self.X_train[:, 1] - y)
        i = int(np.argmin(d))
        if d[i] > radius:
            return False
        generated = [j for j in range(len(self.data.y_train)) if j not in self.removed]
        if i < len(generated):
            self.removed.add(generated[i])
        else:
            del self.added[self._in_use()[i - len(generated)]]
        self._refresh_training_set()
        return True


def _point(x: float, y: float, label: int) -> tuple[float, float, int]:
    """An added point as (x, y, class); ValueError for a non-finite coordinate or a class < 0."""
    return check_added_point((x, y, label))


__all__ = ["EditablePoints"]
