"""The tuning lab page. Left, the controls (``panel``: the run box, then the controls of the lesson
in front); centre, one tab per lesson; right, the lesson's explanation (``explain``). Play, Step
and Reset act on the lesson whose tab is in front. The plots are redrawn every frame, the text
at most ten times a second while playing. A lesson's view (its plots, and its module) is made
when its tab is first shown or the view is asked for (``LazyView``): nine tabs of 33 plots were
most of the page's making, and a class rarely opens them all."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QTextBrowser, QWidget

from ui.framework.lazy import LazyView
from ui.framework.page import LabPage
from ui.framework.plots import Throttle
from ui.framework.presentation import set_html
from ui.framework.widgets import blocked

from . import LESSONS, explain, lesson_entry
from .controller import TuningController
from .panel import TuningPanel

EXPLAIN_WIDTH = 300
TEXT_STYLE = "QTextBrowser { font-size: 14px; }"


class TuningPage(LabPage):
    """The tuning lab: a view over ``TuningController``. ``views[key]`` is each lesson's tab (a
    ``LazyView``: ``views[key].view`` is the lesson's view, made then if it was not)."""

    title = "Tuning"
    hint = "Space: play/pause   Right: one step   R: start over   The tabs are the lessons"
    help_html = explain.HELP_HTML

    def __init__(self, lab: TuningController, parent: QWidget | None = None) -> None:
        super().__init__(lab, parent)
        self.panel = TuningPanel(lab)
        self.tabs = QTabWidget()
        self.views: dict[str, LazyView] = {}
        for entry in LESSONS:
            self.views[entry.key] = LazyView(lambda entry=entry: entry.view(lab, entry.key))
            self.tabs.addTab(self.views[entry.key], entry.title)

        self.explain = QTextBrowser()
        self.explain.setStyleSheet(TEXT_STYLE)
        self.explain.setMinimumWidth(200)  # its text wraps; at 1024 px the column is narrow
        self.explain_html = ""
        self.throttle = Throttle(hz=10.0)

        self.assemble(self.panel, self.tabs, self.explain, self._sizes())
        self._follow(lab)
        self._lesson_changed(lab.lesson_key)

    def _sizes(self) -> tuple[int, int, int]:
        """The columns at 1280 px: the panel as wide as it asks, the text EXPLAIN_WIDTH."""
        left = max(self.panel.minimumSizeHint().width(), self.panel.sizeHint().width()) + 24
        return left, 1280 - left - EXPLAIN_WIDTH, EXPLAIN_WIDTH

    def _follow(self, lab: TuningController) -> None:
        """Redraw after each step; in full after a settings change and when the run stops. The
        tabs choose the lesson; a lesson chosen elsewhere (a preset) turns the tabs."""
        lab.settings_changed.connect(self.throttle.expire)
        lab.stepped.connect(self.redraw)
        lab.running_changed.connect(lambda running: running or self.redraw(force=True))
        lab.lesson_changed.connect(self._lesson_changed)
        self.tabs.currentChanged.connect(lambda i: lab.set_lesson(list(lab.lessons)[i]))

    def _lesson_changed(self, key: str) -> None:
        with blocked(self.tabs):
            self.tabs.setCurrentIndex(list(self.lab.lessons).index(key))
        self.redraw(force=True)

    @property
    def view(self) -> QWidget:
        """The view of the lesson in front."""
        return self.views[self.lab.lesson_key].view

    def redraw(self, force: bool = False) -> None:
        """The lesson in front's plots every frame; its text when the throttle allows."""
        rich = self.throttle.ready(self.lab.running, force)
        self.view.draw(rich)
        if rich:  # text re-lays out its column: at the throttle's rate, and only when it changed
            self.panel.show_iteration()
            html = lesson_entry(self.lab.lesson_key).explain(self.lab.lesson)
            if html != self.explain_html:
                self.explain_html = html
                set_html(self.explain, html)

    def csv_lines(self) -> list[str]:
        """The data of the lesson in front (see its view's ``csv_lines``)."""
        return self.view.csv_lines()
