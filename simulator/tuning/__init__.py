"""The tuning lab's engine: what hyperparameter search computes, testable without Qt.

- ``scale``: drawing hyperparameters on an appropriate scale. ``log_uniform`` (α = 10^r),
  ``one_minus_log`` (β = 1 − 10^r), ``uniform`` (the naive way), ``averaging_window``
  (1 / (1 − β)) and ``sensitivity`` (the notes' 0.9 → 0.9005 against 0.999 → 0.9995), and
  ``LogAxis`` (a range on a log axis: bins, decades, ticks, expected shares).
- ``experiment``: ``ScaleSettings`` and ``ScaleRun``, which draws one batch of each kind per
  ``step()`` and tallies the draws per histogram bar and per decade.

Qt-free and deterministic (seeded ``numpy.random.Generator``s), like the rest of ``simulator``.
"""

from .experiment import (
    ALPHA_LIMITS,
    BATCH,
    KINDS,
    MAX_DRAWS,
    MAX_SEED,
    PARAMS,
    SCALES,
    ScaleRun,
    ScaleSettings,
    Tally,
)
from .scale import (
    BINS_PER_DECADE,
    SENSITIVITY_PAIRS,
    LogAxis,
    averaging_window,
    check_beta_range,
    check_log_range,
    log_uniform,
    one_minus_log,
    sensitivity,
    uniform,
)

__all__ = [
    "ALPHA_LIMITS",
    "BATCH",
    "BINS_PER_DECADE",
    "KINDS",
    "MAX_DRAWS",
    "MAX_SEED",
    "PARAMS",
    "SCALES",
    "SENSITIVITY_PAIRS",
    "LogAxis",
    "ScaleRun",
    "ScaleSettings",
    "Tally",
    "averaging_window",
    "check_beta_range",
    "check_log_range",
    "log_uniform",
    "one_minus_log",
    "sensitivity",
    "uniform",
]
