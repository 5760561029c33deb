"""The Scale tab: histograms of α and β drawn uniformly (left) and on a log scale (right), on a
log axis (log10 α, and log10(1 − β) with β growing to the right), one bar per fifth of a decade.

Bars grow as the draws come in; the dashed outline is what each bar should hold on average after
as many draws, and the shaded band is the top decade whose share the title gives.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.tuning import KINDS, PARAMS, SCALES, LogAxis, ScaleSettings
from ui.framework.plots import add_plot, show_grid
from ui.framework.style import HIGHLIGHT_BACKGROUND, OKABE_ITO

from ..explain import headline, short_value, tick_texts
from .axes import big_axes, named_where_they_fit

COLORS = {"uniform": OKABE_ITO["orange"], "log": OKABE_ITO["blue"]}
X_LABELS = {"alpha": "α (log scale)", "beta": "β (log scale of 1 − β)"}
TITLE_SIZE = "13pt"
MEDIAN_OF = 100_000
def _fill(color: str, alpha: int) -> pg.QtGui.QColor:
    c = pg.mkColor(color)
    c.setAlpha(alpha)
    return c


class ScaleView(pg.GraphicsLayoutWidget):
    """Four histograms: rows α and β, columns uniform and log scale. ``draw`` only calls
    ``setData`` (and, at most ten times a second, ``setTitle``); ranges and ticks change only
    with the settings."""

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.plots: dict[tuple[str, str], pg.PlotItem] = {}
        self.bars: dict[tuple[str, str], pg.PlotCurveItem] = {}
        self.outlines: dict[tuple[str, str], pg.PlotCurveItem] = {}
        self.bands: dict[tuple[str, str], pg.LinearRegionItem] = {}
        self.titles: dict[tuple[str, str], str] = {}
        self.medians: dict[tuple[str, str], pg.InfiniteLine] = {}
        self._medians_of: tuple = ()
        for row, param in enumerate(PARAMS):
            for col, scale in enumerate(SCALES):
                self._build((param, scale), row, col)
        self.ci.setContentsMargins(2, 2, 22, 2)  # room for the last tick label (0.999)
        self._settings: ScaleSettings | None = None
        self._drawn: tuple = ()

    @property
    def run(self):
        """The Scale lesson's draws (``ScaleRun``)."""
        return self.lab.lessons[self.key].run

    def _build(self, kind: tuple[str, str], row: int, col: int) -> None:
        param, scale = kind
        plot = add_plot(self, row, col, "count" if col == 0 else "", X_LABELS[param])
        big_axes(plot)
        show_grid(plot, x=False, y=True, alpha=0.2)
        band = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(HIGHLIGHT_BACKGROUND),
                                   pen=pg.mkPen(None))
        band.setZValue(-10)
        plot.addItem(band)
        color = COLORS[scale]
        # Bare curve items: a PlotDataItem's bookkeeping cost more than drawing 20 bars.
        # (A step curve is made with one empty bar: it refuses no data. Its edges are upright
        # and level, so drawing them without antialiasing looks the same, and costs less.)
        empty = {"x": [0.0, 0.0], "y": [0.0], "stepMode": "center", "antialias": False}
        self.bars[kind] = pg.PlotCurveItem(**empty, fillLevel=0, pen=pg.mkPen(color, width=1.5),
                                           brush=pg.mkBrush(_fill(color, 190)))
        self.outlines[kind] = pg.PlotCurveItem(**empty, pen=pg.mkPen(
            "k", width=1.5, style=Qt.PenStyle.DashLine))
        plot.addItem(self.bars[kind])
        plot.addItem(self.outlines[kind])
        # The draws' median, labelled: a narrow range shows how close the two scales' medians are.
        median = pg.InfiniteLine(angle=90, pen=pg.mkPen("k", width=2), label="",
                                 labelOpts={"position": 0.93, "color": "k", "fill": (255, 255, 255, 200)})
        median.setVisible(False)
        plot.addItem(median)
        self.plots[kind], self.bands[kind], self.medians[kind] = plot, band, median

    def configure(self) -> None:
        """Ranges, ticks and the top-decade band for the settings in force."""
        run = self.run
        self._settings = run.settings
        for (param, scale), plot in self.plots.items():
            axis: LogAxis = run.axes[param]
            u0, u1 = axis.u_range
            pad = 0.04 * (u1 - u0)
            plot.setXRange(u0 - pad, u1 + pad, padding=0)
            plot.invertX(param == "beta")  # β grows to the right
            ticks = axis.ticks()
            ticks = list(zip([u for u, _ in ticks], tick_texts([v for _, v in ticks]), strict=True))
            plot.getAxis("bottom").setTicks([*named_where_they_fit(ticks),
                                              [(u, "") for u in axis.minor_ticks()]])
            peak = float(run.expected_counts(param, scale, run.settings.draws).max())
            plot.setYRange(0, 1.15 * peak + 3 * math.sqrt(peak) + 2, padding=0)
            edges = axis.decade_edges()
            self.bands[(param, scale)].setRegion((edges[-2], edges[-1]))
        self.titles.clear()

    def draw(self, rich: bool = True) -> None:
        """The bars and outlines when new draws came in; the titles (with the top decade's share) when
        ``rich``."""
        run = self.run
        if run.settings != self._settings:
            self.configure()
        state = (run, run.drawn, run.settings)
        if state != self._drawn:  # else no new draws: the bars stand
            self._drawn = state
            for kind in self.plots:
                tally = run.bins[kind]
                self.bars[kind].setData(tally.edges, tally.counts)
                self.outlines[kind].setData(tally.edges, run.expected_counts(*kind))
        if rich:
            for param in PARAMS:
                top = run.decade_table(param)[0]
                for scale in SCALES:
                    self._title((param, scale), headline(param, scale, top, "<br>"))
            self._draw_medians(run)

    def _draw_medians(self, run) -> None:
        """Each histogram's median, when new draws came in (of at most MEDIAN_OF draws, evenly
        taken: the median of a million draws need not cost a frame)."""
        state = (run, run.drawn, run.settings)
        if state == self._medians_of:
            return
        self._medians_of = state
        for (param, scale), line in self.medians.items():
            values = run.values(param, scale)
            line.setVisible(len(values) > 0)
            if len(values):
                median = float(np.median(values[:: max(1, len(values) // MEDIAN_OF)]))
                u = float(run.axes[param].coordinate(median))
                line.setValue(u)
                line.label.setFormat(f"median\n{short_value(median)}")
                # The text beside the line, on the side with more room (never cut at an edge).
                u0, u1 = run.axes[param].u_range
                right = (u - u0 < (u1 - u0) / 2) != (param == "beta")  # β's axis is inverted
                line.label.anchors = [(0, 0.5), (0, 0.5)] if right else [(1, 0.5), (1, 0.5)]
                line.label.updatePosition()

    def _title(self, kind: tuple[str, str], text: str) -> None:
        if self.titles.get(kind) != text:  # a title change re-lays out the plot
            self.titles[kind] = text
            self.plots[kind].setTitle(text, size=TITLE_SIZE, color=COLORS[kind[1]], bold=True)

    def csv_lines(self) -> list[str]:
        """Every draw so far, one per row: which hyperparameter, which scale, its value."""
        s = self.run.settings
        lines = [f"# α in [{s.alpha[0]:g}, {s.alpha[1]:g}], β in [{s.beta[0]:g}, {s.beta[1]:g}],"
                 f" seed {s.seed}", "kind,scale,value"]
        run = self.run
        for param, scale in KINDS:
            lines += [f"{param},{scale},{v:.12g}" for v in run.values(param, scale)]
        return lines
