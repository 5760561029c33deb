"""Every plot keeps some room for its data, however small its view is given: below that, the
page's column scrolls (the columns are scroll areas) rather than squeezing a plot to a strip of
axes, which on a small projector at a high zoom left the classifier's curves 20 px high.

Each plot's data area (its view box) is given a minimum of ``DATA_MIN``, zoomed, and the view's
minimum height is what its layout then needs (the plots' axes, titles and legends above and below
that much data, row by row). It is asked again whenever a plot's data area changes size (a
zoom, a legend that wraps, a resize), after the layout pass rather than inside it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from shiboken6 import isValid

DATA_MIN = 48  # px of data a plot keeps at zoom 1, however small its view
_PENDING: weakref.WeakSet = weakref.WeakSet()


def follow(plot: pg.PlotItem, zoom: Callable[[], float]) -> None:
    """Hold room for ``plot``'s data in its view from now on."""
    ref = weakref.ref(plot)
    plot.vb.sigResized.connect(lambda *_: _later(ref(), zoom))


def _later(plot: pg.PlotItem | None, zoom: Callable[[], float]) -> None:
    if plot is None or not isValid(plot) or plot.scene() is None:
        return
    views = plot.scene().views()
    if not views or not isValid(views[0]) or views[0] in _PENDING:
        return
    view = views[0]
    _PENDING.add(view)
    QTimer.singleShot(0, lambda: hold_room(view, zoom()))


def hold_room(view: pg.GraphicsView, zoom: float = 1.0) -> int:
    """Give each plot of ``view`` a data area of at least ``DATA_MIN``·``zoom`` and set (and
    return) ``view``'s minimum height to what its layout then needs: the plots' axes, titles and
    legends, and that much data in each row."""
    _PENDING.discard(view)
    if not isValid(view):
        return 0
    least = DATA_MIN * zoom
    for item in view.items():
        if isinstance(item, pg.PlotItem) and abs(item.vb.minimumHeight() - least) > 0.5:
            item.vb.setMinimumHeight(least)
    central = getattr(view, "centralWidget", None)
    if central is None or not isValid(central):
        return view.minimumHeight()
    need = int(central.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()) + 2 * view.frameWidth()
    if need != view.minimumHeight():
        view.setMinimumHeight(need)
    return need
