"""What the batch-norm lab's views share: colours, the iteration window, legends and dots."""

from __future__ import annotations

import math

import pyqtgraph as pg

from ui.framework.style import OKABE_ITO

WINDOW = 400  # iterations shown in the statistics plots (the x range moves by 100 at a time)

C_BATCH = OKABE_ITO["sky_blue"]
C_EWA = OKABE_ITO["vermillion"]
C_POP = OKABE_ITO["black"]
C_BN = OKABE_ITO["blue"]
C_PLAIN = OKABE_ITO["orange"]


def iteration_window(n: int) -> tuple[int, int, int]:
    """(first record index, x0, x1) of the iteration window for n records."""
    if n <= WINDOW:  # the first iterations fill the plot: the range grows 50, 100, 200, 500
        x1 = next(x for x in (50, 100, 200, WINDOW + 100) if n <= x)
        return 0, 0, x1
    x0 = int(math.ceil((n - WINDOW) / 100) * 100)
    return x0 - 1, x0, x0 + WINDOW + 100


def legend(plot: pg.PlotItem) -> pg.LegendItem:
    """A small legend in the top right corner, over the curves."""
    item = plot.addLegend(offset=(-5, 5), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 210))
    item.setZValue(10)
    return item


def dots(color: str, size: int = 4, antialias: bool = True) -> dict:
    """Keyword arguments for a scatter of small round dots without outlines."""
    return {"pen": None, "symbol": "o", "symbolSize": size, "symbolPen": None,
            "symbolBrush": pg.mkBrush(color), "antialias": antialias}
