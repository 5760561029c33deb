"""The tuning lab page. Left, the controls (``panel``); centre, one tab per lesson (so far
"Scale": α and β drawn uniformly and on a log scale); right, the shares per decade and the
β-sensitivity table (``explain``). The bars are redrawn every frame, the text at most ten times a
second while playing."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QTextBrowser, QWidget

from simulator.tuning import KINDS
from ui.framework.page import LabPage
from ui.framework.plots import Throttle

from .controller import TuningController
from .explain import HELP_HTML, explain_html
from .panel import TuningPanel
from .views import ScaleView

EXPLAIN_WIDTH = 350
TEXT_STYLE = "QTextBrowser { font-size: 14px; }"


class TuningPage(LabPage):
    """The tuning lab: a view over ``TuningController``."""

    title = "Tuning"
    hint = "Space: play/pause   Right: one batch of draws   R: start over   Uniform against log scale"
    help_html = HELP_HTML

    def __init__(self, lab: TuningController, parent: QWidget | None = None) -> None:
        super().__init__(lab, parent)
        self.panel = TuningPanel(lab)
        self.scale_view = ScaleView(lab)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scale_view, "Scale")

        self.explain = QTextBrowser()
        self.explain.setStyleSheet(TEXT_STYLE)
        self.explain.setMinimumWidth(300)
        self.explain_html = ""
        self.throttle = Throttle(hz=10.0)

        self.assemble(self.panel, self.tabs, self.explain, self._sizes())
        self._follow(lab)
        self.redraw(force=True)

    def _sizes(self) -> tuple[int, int, int]:
        """The columns at 1280 px: the panel as wide as it asks, the text EXPLAIN_WIDTH."""
        left = max(self.panel.minimumSizeHint().width(), self.panel.sizeHint().width()) + 24
        return left, 1280 - left - EXPLAIN_WIDTH, EXPLAIN_WIDTH

    def _follow(self, lab: TuningController) -> None:
        """Redraw after each step; in full after a settings change and when the run stops."""
        lab.settings_changed.connect(self.throttle.expire)
        lab.stepped.connect(self.redraw)
        lab.running_changed.connect(lambda running: running or self.redraw(force=True))

    def redraw(self, force: bool = False) -> None:
        """The bars every frame; the titles and the text when the throttle allows."""
        rich = self.throttle.ready(self.lab.running, force)
        self.panel.show_iteration()
        self.scale_view.draw(rich)
        if rich:
            self.explain_html = explain_html(self.lab.scale)
            self.explain.setHtml(self.explain_html)

    def csv_lines(self) -> list[str]:
        """Every draw so far, one per row: which hyperparameter, which scale, its value."""
        s = self.lab.settings
        lines = [f"# α in [{s.alpha[0]:g}, {s.alpha[1]:g}], β in [{s.beta[0]:g}, {s.beta[1]:g}],"
                 f" seed {s.seed}", "kind,scale,value"]
        run = self.lab.scale
        for param, scale in KINDS:
            lines += [f"{param},{scale},{v:.12g}" for v in run.values(param, scale)]
        return lines
