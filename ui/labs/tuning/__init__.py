"""The tuning lab: hyperparameter search. Its first lesson, Scale, draws α and β uniformly and on
a log scale and builds their histograms up side by side. ``controller`` (TuningController) owns
the engine (``simulator.tuning``); ``page`` (TuningPage) assembles ``panel``, the ``views`` and
the text of ``explain``."""
