"""The batch-norm lab page: mini-batch statistics, their EWA, test time three ways, and twins.

Left, the controls (``panel``); centre, three tabs ("Statistics", "Test time", "Twins"); right,
the notes' equations with the watched unit's live values. The Twins, Layer, No b and Regularizer
tabs are made when first shown or asked for (``LazyView``). Only the visible tab is redrawn, and
the slow-changing parts (histograms, γ and β, test time, the text) at most five times a second
while playing, so a frame stays well inside 16.7 ms.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QTextBrowser, QWidget

from simulator.batchnorm import RECORDS
from ui.framework.binder import Binder
from ui.framework.lazy import LazyView, drawn
from ui.framework.page import LabPage
from ui.framework.plots import Throttle
from ui.framework.presentation import set_html

from .controller import BatchNormController
from .explain import HELP_HTML, explain_html
from .panel import BatchNormPanel
from .views import BiasView, LayerView, RegularizerView, StatsView, TestTimeView, TwinsView

EXPLAIN_WIDTH = 330


class BatchNormPage(LabPage):
    """The batch-norm lab: a view over ``BatchNormController``."""

    title = "Batch norm"
    hint = ("Space: play/pause   Right: one mini-batch   R: reset   Watch a unit's batch statistics "
            "against the EWA used at test time")
    help_html = HELP_HTML

    def __init__(self, lab: BatchNormController, parent: QWidget | None = None) -> None:
        super().__init__(lab, parent)
        self.binder = Binder(lab)
        self.panel = BatchNormPanel(lab, self.binder)

        self.stats = StatsView(lab)
        self.test_time = TestTimeView(lab, self.binder)
        self.twins = LazyView(lambda: drawn(TwinsView(lab)))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.stats, "Statistics")
        self.tabs.addTab(self.test_time, "Test time")
        self.tabs.addTab(self.twins, "Twins")
        self.layer_view = LazyView(lambda: drawn(LayerView(lab)))
        self.tabs.addTab(self.layer_view, "Layer")
        self.bias = LazyView(lambda: drawn(BiasView(lab)))
        self.tabs.addTab(self.bias, "No b")
        self.regularizer = LazyView(lambda: drawn(RegularizerView(lab)))
        self.tabs.addTab(self.regularizer, "Regularizer")
        for signal in (lab.bias_changed, lab.gaps_changed):  # a preset's claim on the measurement
            signal.connect(self._measure)
        self.tabs.currentChanged.connect(lambda _: self.redraw(force=True))
        self.view_tabs = self.tabs

        self.explain = QTextBrowser()
        self.explain.setMinimumWidth(200)  # its text wraps; at 1024 px the column is narrow
        self.explain_html = ""
        # The slow-changing parts (histograms, γ and β, the test-time tab, the equations' text,
        # each a pass over the training set or a text layout) five times a second while playing.
        self.throttle = Throttle(hz=5.0)
        lab.frame_kind = lambda: self.throttle.due(lab.FRAME_BUDGET)  # rich frames: their own budget

        left = max(self.panel.minimumSizeHint().width(), self.panel.sizeHint().width()) + 24
        self.assemble(self.panel, self.tabs, self.explain,
                      (left, 1280 - left - EXPLAIN_WIDTH, EXPLAIN_WIDTH))
        lab.settings_changed.connect(lambda: self.redraw(force=True))  # a change is drawn in full
        lab.stepped.connect(self.redraw)
        lab.running_changed.connect(lambda running: running or self.redraw(force=True))
        self.redraw(force=True)

    def redraw(self, force: bool = False) -> None:
        """Draw the visible tab: the noisy mini-batch statistics every frame, the rest when the
        throttle allows (always when paused)."""
        self.panel.show_iteration()
        tab = self.tabs.currentWidget()
        rich = self.throttle.ready(self.lab.running, force)
        if tab is self.stats:
            self.stats.draw(rich, whole=force or not self.lab.running)
        elif tab is self.twins:
            self.twins.draw(rich, force)
        elif tab is self.layer_view and rich:  # 4 × m × units dots: five times a second
            self.layer_view.draw()
        if rich:
            if tab is self.test_time:
                self.test_time.draw()
            self._draw_explain()

    def _draw_explain(self) -> None:
        lab = self.lab
        values = lab.experiment.explain_values(lab.layer, lab.unit, lab.corrected)
        self.explain_html = explain_html(values, lab.layer, lab.unit)
        set_html(self.explain, self.explain_html)

    def csv_lines(self) -> list[str]:
        """The watched unit's recorded statistics, one row per iteration, for File > Export."""
        lab, e = self.lab, self.lab.experiment
        cols = [e.series(n, lab.layer, lab.unit) for n in RECORDS]
        its = e.iterations.data[:, 0]
        lb, lp = e.loss_bn.data[:, 0], e.loss_plain.data[:, 0]
        lines = [f"# layer {lab.layer + 1}, unit {lab.unit + 1}",
                 "iteration," + ",".join(RECORDS) + ",loss_with_bn,loss_without_bn"]
        for i, it in enumerate(its):
            vals = [f"{c[i]:.10g}" for c in cols] + [f"{lb[i]:.10g}", f"{lp[i]:.10g}"]
            lines.append(f"{int(it)}," + ",".join(vals))
        return lines
