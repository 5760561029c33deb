"""Descent's engine: NumPy and the standard library only, never Qt.

Modules: ``optimizers`` (SGD, momentum, RMSprop, Adam, and how the notes write each),
``schedules`` (learning-rate decay), ``surfaces`` (2D loss surfaces), ``racing`` (optimizers racing
on a surface, basin and momentum maps), ``race_settings`` (the optimizer lab's settings and racers),
``nn`` (softmax, layers, a readable MLP and its fast path), ``datasets`` (seeded 2D classification
sets), ``training`` (a classifier trained one mini-batch at a time), ``specs`` (frozen settings
shared by the labs), ``records`` (growing per-step records), ``validation`` (checks at the door),
``memory`` (freed memory kept for NumPy's next temporary: asked for once, here).
Packages: ``classifier``, ``batchnorm`` and ``tuning``, what those labs compute.
"""

from .memory import keep_freed_memory

keep_freed_memory()
