"""Own data for the classifier: "Load CSV…" reads x1, x2, label through the engine
(``simulator.own_data``) and makes the points the data set "csv", saved inline with the setup. The
loader's message (a malformed line, too many classes, a huge file) goes to the page's message line;
the data in force stays."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from simulator.own_data import MAX_CLASSES, MAX_ROWS, load_points_csv


class OwnDataButton(QPushButton):
    """"Load CSV…": a file dialog, then the points, or the loader's message on ``lab.error``."""

    def __init__(self, lab, parent: QWidget | None = None) -> None:
        super().__init__("Load CSV…", parent)
        self.lab = lab
        self.setToolTip(f"Your own points: a CSV file of x1, x2, label (up to {MAX_ROWS:,} points "
                        f"and {MAX_CLASSES} classes; '#' starts a comment)")
        self.clicked.connect(self.choose)

    def choose(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self, "Load points", "",
                                              "CSV files (*.csv *.txt);;All files (*)")
        return self.load(path) if path else False

    def load(self, path: str) -> bool:
        """Load the file at ``path``; True if its points are now the data set."""
        try:
            own = load_points_csv(Path(path))
        except ValueError as exc:
            self.lab.error.emit(f"{Path(path).name}: {exc}")
            return False
        if not self.lab.configure(dataset="csv", points=own.rows(), classes=own.classes):
            return False
        note = f" ({own.note})" if own.note else ""
        self.lab.message.emit(f"loaded {len(own.y)} points in {own.classes} classes from "
                              f"{Path(path).name}{note}")
        return True
