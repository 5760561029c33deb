"""The tuning lab: hyperparameter search on real training runs, one lesson per tab: Scale (α and β
drawn uniformly and on a log scale), Grid vs random, Coarse to fine, Caviar (many models at once),
Panda (one model nudged while it trains), Halving (successive halving) and Population
(population-based training). ``controller`` (TuningController) owns every lesson (``lessons/``)
and the worker; ``page`` (TuningPage) assembles ``panel`` (with ``panels/``), the ``views`` and
the text of ``explain`` and ``explain_search``."""
