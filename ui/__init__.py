"""Descent's Qt user interface: one page per lab over the engine in ``simulator``."""

import pyqtgraph as pg

# Light plots read better on a classroom projector than pyqtgraph's default black.
pg.setConfigOptions(background="w", foreground="k", antialias=True)
