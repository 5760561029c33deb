"""The explanation panel: the explained racer's update rule and live values (``explain.py``)."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser

from ui.framework.plots import Throttle
from ui.framework.presentation import set_html

from ..explain import explanation_html


class ExplainView(QTextBrowser):
    """A text browser lays its document out once; a word-wrapped QLabel in a scroll area costs
    several milliseconds per update in height-for-width passes. While playing, the text is
    refreshed ten times a second; ``html`` is what it shows."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.setOpenLinks(False)
        self.html = ""
        self.throttle = Throttle(10.0)

    def draw(self) -> None:
        lab = self.lab
        if not self.throttle.ready(lab.running):
            return
        html = explanation_html(lab.selected_racer, lab.selected_spec, lab.narration, lab.running)
        if html != self.html:
            self.html = html
            set_html(self, html)
