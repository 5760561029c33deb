"""Descent's engine: NumPy and the standard library only, never Qt.

Modules: ``optimizers`` (SGD, momentum, RMSprop, Adam), ``schedules`` (learning-rate decay),
``surfaces`` (2D loss surfaces), ``racing`` (optimizers racing on a surface, basin and momentum maps),
``nn`` (softmax, MLP, batch norm), ``datasets`` (seeded 2D classification sets) and ``training``
(a classifier trained one mini-batch at a time).
"""
