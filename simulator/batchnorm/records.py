"""What the batch-norm lab records per iteration (in ``Recorder``s), and histogram counts."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..records import Recorder
from ..validation import check_array, check_int, check_number


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
    v = check_array("values", values)
    v = v[np.isfinite(v)]
    lo, hi = check_number("lo", lo), check_number("hi", hi)
    if v.size == 0 or not hi - lo > 1e-9 * max(abs(lo), abs(hi), 1e-300):  # no room for bins
        return np.empty(0), np.empty(0)
    counts, edges = np.histogram(v, bins=check_int("bins", bins, 1, 10_000), range=(float(lo), float(hi)))
    return edges, counts
