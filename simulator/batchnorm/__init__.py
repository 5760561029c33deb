"""The batch-norm lab's engine: twin runs with and without batch norm, the mini-batch statistics
and their EWA recorded per iteration, and batch norm at test time three ways.

- ``experiment``: ``BNExperiment`` (the twins, what they record, and the numbers the lab's
  explanation and test-time table show) and ``default_settings``.
- ``test_time``: ``ewa_stats`` (the notes' zero-started EWA, raw or bias-corrected) and
  ``forward_with_stats`` (a test-time pass with the formulas written out, in one of ``MODES``).
- ``records``: ``Recorder`` and ``Snapshot`` (growing buffers), ``histogram``.

Qt-free and deterministic, like the rest of ``simulator``.
"""

from .experiment import RECORDS, BNExperiment, default_settings
from .records import Recorder, Snapshot, histogram
from .test_time import MODES, TABLE_ROWS, ewa_stats, forward_with_stats

__all__ = [
    "MODES",
    "RECORDS",
    "TABLE_ROWS",
    "BNExperiment",
    "Recorder",
    "Snapshot",
    "default_settings",
    "ewa_stats",
    "forward_with_stats",
    "histogram",
]
