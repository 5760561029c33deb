"""The batch-norm lab: a unit's mini-batch statistics against the EWA used at test time, test
time three ways, and twins with and without batch norm. ``controller`` (BatchNormController)
owns the engine (``simulator.batchnorm``); ``page`` (BatchNormPage) assembles ``panel``, the
``views`` and the text of ``explain``."""
