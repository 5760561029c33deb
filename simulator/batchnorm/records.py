"""What the batch-norm lab records per iteration (in ``Recorder``s), and histogram counts."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..records import Recorder
from ..validation import check_int


@dataclass
class Snapshot:
    """What the covariate-shift and population views read every ``pop_every`` iterations."""

    iteration: Recorder = field(default_factory=lambda: Recorder(1))
    pop_mean: Recorder | None = None  # BN twin, all BN units, population mu
    pop_var: Recorder | None = None
    shift_bn_mean: Recorder | None = None  # every hidden unit's z_tilde, mean over the train set
    shift_bn_std: Recorder | None = None
    shift_plain_mean: Recorder | None = None
    shift_plain_std: Recorder | None = None


def histogram(values: np.ndarray, lo: float, hi: float, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges (bins + 1) and counts (bins) of the finite ``values`` over [lo, hi]; values
    outside the range are not counted. No finite value gives empty arrays."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0 or not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return np.empty(0), np.empty(0)
    counts, edges = np.histogram(v, bins=check_int("bins", bins, 1, 10_000), range=(float(lo), float(hi)))
    return edges, counts
