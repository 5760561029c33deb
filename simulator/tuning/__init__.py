"""The tuning lab's engine: what hyperparameter search computes, testable without Qt.

- ``scale``: drawing hyperparameters on an appropriate scale. ``log_uniform`` (α = 10^r),
  ``one_minus_log`` (β = 1 − 10^r), ``uniform`` (the naive way), ``averaging_window``
  (1 / (1 − β)) and ``sensitivity`` (the notes' 0.9 → 0.9005 against 0.999 → 0.9995), and
  ``LogAxis`` (a range on a log axis: bins, decades, ticks, expected shares).
- ``experiment``: ``ScaleSettings`` and ``ScaleRun``, which draws one batch of each kind per
  ``step()`` and tallies the draws per histogram bar and per decade.
- ``space``: ``Axis`` (a hyperparameter's range on its scale), ``AXES``, ``NOTES_ORDER`` and
  ``SearchSpace`` (grid and random trials, narrowed boxes for coarse to fine).
- ``trials``: ``Objective`` (what each trial trains, how it is scored), ``Trial`` (its curves) and
  ``StackGroup`` (trials of one architecture trained as one ``MLPStack``).
- ``sweep``: ``Sweep`` (trials that step one epoch at a time), ``run_search`` (here or on any
  ``concurrent.futures.Executor``, Dask's included).
- ``halving``: ``SuccessiveHalving``, which steps, and ``successive_halving``, run whole.
- ``population``: ``PopulationTraining``, the weak copying the strong.
- ``analysis``: best so far, marginals, importance, slices, parallel coordinates.
- ``lessons``: the tuning lab's eight lessons, each its settings and a run that steps (imported
  from ``simulator.tuning.lessons``, not re-exported here).

Qt-free and deterministic (seeded ``numpy.random.Generator``s), like the rest of ``simulator``.
"""

from .analysis import (
    Marginal,
    best_so_far,
    colour_positions,
    explained,
    history,
    importance,
    marginal,
    notes_rank,
    parallel_coordinates,
    ranking,
    slices,
)
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
from .halving import Halving, Rung, SuccessiveHalving, successive_halving
from .population import PopulationTraining, perturbed
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
from .space import AXES, AXIS_NAMES, AXIS_SCALES, LABELS, NOTES_ORDER, Axis, SearchSpace, distinct_counts
from .sweep import (
    RUN_ON,
    Sweep,
    executor_for,
    group_key,
    ranked,
    run_search,
    train_task,
)
from .trials import MAX_EPOCHS, Objective, StackGroup, Trial, default_base

__all__ = [
    "ALPHA_LIMITS",
    "AXES",
    "RUN_ON",
    "AXIS_NAMES",
    "AXIS_SCALES",
    "Axis",
    "Halving",
    "LABELS",
    "MAX_EPOCHS",
    "Marginal",
    "NOTES_ORDER",
    "Objective",
    "PopulationTraining",
    "Rung",
    "SearchSpace",
    "StackGroup",
    "SuccessiveHalving",
    "Sweep",
    "Trial",
    "best_so_far",
    "colour_positions",
    "default_base",
    "distinct_counts",
    "executor_for",
    "explained",
    "group_key",
    "history",
    "importance",
    "marginal",
    "notes_rank",
    "parallel_coordinates",
    "perturbed",
    "ranked",
    "ranking",
    "run_search",
    "slices",
    "successive_halving",
    "train_task",
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
