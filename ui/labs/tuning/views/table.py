"""The results table: one row per trial (its search, hyperparameters, status, score, validation
loss, epochs and the reason a diverged trial stopped), sortable by any column, diverged trials
marked in red. Its text is the rows the engine gives (``Trial.row()``); the lesson's CSV is the
same rows."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from simulator.tuning.space import LABELS

from ..explain import short_value

DIVERGED_BACKGROUND = QColor("#ffd6d6")
SORT_ROLE = Qt.ItemDataRole.UserRole


def _cell(key: str, value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if key == "score":
        return f"{value:.1%}"
    if key == "val_loss":
        return f"{value:.3g}"
    if isinstance(value, float):
        return short_value(value)
    return str(value)


class TrialsModel(QAbstractTableModel):
    """Rows of trials: ``set_rows(rows, names)`` with rows as ``Trial.row()`` gives them plus a
    "search" entry (grid, random, round 2, …) and ``names`` the hyperparameters shown."""

    FIXED = ("search", "index")
    TAIL = ("status", "score", "val_loss", "epochs", "reason")
    TITLES = {"search": "search", "index": "#", "status": "status", "score": "val. accuracy",
              "val_loss": "val. loss", "epochs": "epochs", "reason": "why it stopped"}

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.names: tuple[str, ...] = ()
        self._columns: tuple[str, ...] = (*self.FIXED, *self.TAIL)
        self._values: list[list[Any]] = []  # per row, per column: for sorting
        self._text: list[list[str]] = []  # and as shown: made once per update, not per paint

    @property
    def columns(self) -> tuple[str, ...]:
        return self._columns

    def set_rows(self, rows: list[dict[str, Any]], names: tuple[str, ...]) -> bool:
        """New rows; the view keeps its sort order (the proxy re-sorts). True if the table's
        shape changed (the columns are then sized to their contents again)."""
        reshaped = names != self.names or len(rows) != len(self.rows)
        if reshaped:
            self.beginResetModel()
        self.rows, self.names = rows, tuple(names)
        self._columns = (*self.FIXED, *self.names, *self.TAIL)
        self._values = [[self._value(r, key) for key in self._columns] for r in rows]
        self._text = [[_cell(key, v) for key, v in zip(self._columns, vals, strict=True)]
                      for vals in self._values]
        if reshaped:
            self.endResetModel()
        elif rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self._columns) - 1))
        return reshaped

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def _value(self, r: dict[str, Any], key: str) -> Any:
        return r["params"].get(key, "") if key in self.names else r.get(key, "")

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[index.row()][index.column()]
        v = self._values[index.row()][index.column()]
        if role == SORT_ROLE:
            return v if isinstance(v, (int, float)) else str(v)
        if role == Qt.ItemDataRole.BackgroundRole and self.rows[index.row()]["status"] == "diverged":
            return QBrush(DIVERGED_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(v, (int, float)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        key = self.columns[section]
        return LABELS.get(key, key) if key in self.names else self.TITLES[key]


class TrialsTable(QTableView):
    """The sortable view of a ``TrialsModel`` (``model_`` holds the rows, ``proxy`` sorts)."""

    def __init__(self) -> None:
        super().__init__()
        self.model_ = TrialsModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model_)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the engine's order until a click
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        # Sized to the contents when the rows change shape, not at every update (costly).
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.setStyleSheet("QTableView { font-size: 13px; }")

    def set_rows(self, rows: list[dict[str, Any]], names: tuple[str, ...]) -> None:
        if self.model_.set_rows(rows, names):
            self.resizeColumnsToContents()

    def shown(self, column: str) -> list[str]:
        """A column's text in the order on screen (tests read the table as a user would)."""
        col = self.model_.columns.index(column)
        return [self.proxy.index(r, col).data() for r in range(self.proxy.rowCount())]


def trial_csv(groups: dict[str, list], names: tuple[str, ...]) -> list[str]:
    """The trials as CSV: a header, then one line per trial (its search or round, the table's
    columns; a diverged trial's reason quoted)."""
    head = ["search", "index", "round", *names, "status", "score", "val_loss", "epochs", "reason"]
    lines = [",".join(head)]
    for label, trials in groups.items():
        for t in trials:
            r = t.row()
            values = [label, r["index"], r["round"], *[r["params"].get(n, "") for n in names],
                      r["status"], f"{r['score']:.6g}", f"{r['val_loss']:.6g}", r["epochs"],
                      '"' + r["reason"].replace('"', "'") + '"']
            lines.append(",".join(str(v) for v in values))
    return lines
