"""The Search lesson's tab: sub-tabs for grid against random (``Figure1View``), the standard
views (``StandardViews``) and the results table, each drawn from the same trials. Only the
sub-tab in front is drawn each frame."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ui.framework.plots import Throttle

from .. import lesson_entry
from .coarse import CoarseMain
from .figure1 import Figure1View
from .standard import StandardViews
from .table import TrialsTable, trial_csv


class TableTab(QWidget):
    """The results table and a button that exports it (the lesson's CSV)."""

    def __init__(self, lines) -> None:
        super().__init__()
        self.lines = lines
        self.table = TrialsTable()
        self.export_button = QPushButton("Export as CSV…")
        self.export_button.clicked.connect(self._export)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.export_button)

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the trials", "trials.csv", "CSV (*.csv)")
        if path:
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(self.lines()) + "\n")


class TrialsTabs(QTabWidget):
    """``main`` (the lesson's own plot), ``standard`` and ``table_tab`` as sub-tabs."""

    def __init__(self, lab, key: str, main: QWidget, main_title: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.main = main
        self.standard = StandardViews(lab, key)
        self.table_tab = TableTab(self.csv_lines)
        self.table = self.table_tab.table
        self.addTab(main, main_title)
        self.addTab(self.standard, "Views")
        self.addTab(self.table_tab, "Table")
        self.currentChanged.connect(self._tab_changed)
        self._rows_of = None
        # A table that changes ten times a second cannot be read, and redrawing it costs more
        # than the plots: twice a second while a search runs, at once when it stops.
        self.table_throttle = Throttle(hz=2.0)

    def _tab_changed(self, _index: int) -> None:
        self.table_throttle.expire()
        self.draw(True)

    @property
    def lesson(self):
        return self.lab.lessons[self.key]

    def draw(self, rich: bool = True) -> None:
        front = self.currentWidget()
        if front is self.table_tab:
            fresh = self._rows_of is not self.lesson.trials
            if rich and fresh and self.table_throttle.ready(self.lab.running):
                self._rows_of = self.lesson.trials
                rows = [{**t.row(), "search": label} for label, ts in self.lesson.groups.items()
                        for t in ts]
                self.table.set_rows(rows, self.lesson.settings.names)
        else:
            front.draw(rich)

    def csv_lines(self) -> list[str]:
        s = self.lesson.settings
        head = (f"# {lesson_entry(self.key).title}: " + ", ".join(
            f"{a.label} in [{a.low:g}, {a.high:g}] ({a.scale})" for a in s.axes)
            + f"; {s.budget} trials of {s.epochs} epochs, seed {s.seed}")
        return [head, *trial_csv(self.lesson.groups, s.names)]


class CoarseView(TrialsTabs):
    """The rounds (with the box and its buttons), the standard views and the table."""

    def __init__(self, lab, key: str) -> None:
        super().__init__(lab, key, CoarseMain(lab, key), "Rounds")
        self.rounds = self.main.rounds


class SearchView(TrialsTabs):
    """Grid against random, the standard views and the table."""

    def __init__(self, lab, key: str) -> None:
        super().__init__(lab, key, Figure1View(lab, key), "Grid vs random")
        self.figure = self.main
