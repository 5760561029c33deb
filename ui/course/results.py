"""A student's results on a course path: step by step, what they predicted, what the run measured,
and whether it confirmed the prediction; exported as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from simulator.course import CoursePath, Progress, results_rows
from ui.session import write_atomic

COLUMNS = ("step", "lab", "question", "predicted", "measured", "confirmed", "measurement")


def summary(path: CoursePath, progress: Progress) -> str:
    rows = results_rows(path, progress)
    judged = [r for r in rows if r["confirmed"]]
    right = sum(r["confirmed"] == "yes" for r in judged)
    return (f"{path.title}: the runs confirmed {right} of your {len(judged)} predictions that they "
            f"answered ({len(progress.revealed)} of {len(rows)} steps run).")


def results_csv(path: CoursePath, progress: Progress) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(results_rows(path, progress))
    return out.getvalue()


class ResultsDialog(QDialog):
    """``summary_label``, ``table`` (one row per step) and ``export(file)``."""

    def __init__(self, parent, path: CoursePath, progress: Progress) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your course results")
        self.path, self.progress = path, progress
        self.summary_label = QLabel(summary(path, progress))
        self.summary_label.setWordWrap(True)
        rows = results_rows(path, progress)
        self.table = QTableWidget(len(rows), len(COLUMNS) - 1)
        self.table.setHorizontalHeaderLabels([c.capitalize() for c in COLUMNS if c != "measurement"])
        for r, row in enumerate(rows):
            for c, key in enumerate(k for k in COLUMNS if k != "measurement"):
                item = QTableWidgetItem(row[key])
                if key == "measured":
                    item.setToolTip(row["measurement"])
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton("Export as CSV…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(lambda: self.export())
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary_label)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.resize(900, 560)

    def export(self, file: str | None = None) -> bool:
        file = file or QFileDialog.getSaveFileName(self, "Export your results", "course-results.csv",
                                                   "CSV (*.csv)")[0]
        if not file:
            return False
        try:
            write_atomic(Path(file), results_csv(self.path, self.progress))
        except OSError as exc:
            self.summary_label.setText(f"Could not write {file}: {exc}")
            return False
        self.summary_label.setText(f"{summary(self.path, self.progress)} Saved to {file}.")
        return True


__all__ = ["ResultsDialog", "results_csv", "summary"]
