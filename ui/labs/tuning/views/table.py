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
DIVERGED_BRUSH = QBrush(DIVERGED_BACKGROUND)
SORT_ROLE = Qt.ItemDataRole.UserRole
DISPLAY, BACKGROUND = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


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


def _value(r: dict[str, Any], key: str, names: tuple[str, ...]) -> Any:
    return r["params"].get(key, "") if key in names else r.get(key, "")


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
        self._background: list[QBrush | None] = []  # per row: red for a diverged trial

    @property
    def columns(self) -> tuple[str, ...]:
        return self._columns

    def set_rows(self, rows: list[dict[str, Any]], names: tuple[str, ...]) -> bool:
        """New rows; the view keeps its sort order (the proxy re-sorts). Only the rows whose values
        changed are reported, so a search's update repaints what moved. True if the table's shape
        changed (the columns are then sized to their contents again)."""
        columns = (*self.FIXED, *names, *self.TAIL)
        reshaped = tuple(names) != self.names or len(rows) != len(self.rows)
        values = [[_value(r, key, names) for key in columns] for r in rows]
        text = [[_cell(key, v) for key, v in zip(columns, vals, strict=True)] for vals in values]
        changed = [i for i in range(len(rows)) if reshaped or values[i] != self._values[i]]
        if reshaped:
            self.beginResetModel()
        self.rows, self.names, self._columns = rows, tuple(names), columns
        self._values, self._text = values, text
        self._background = [DIVERGED_BRUSH if r["status"] == "diverged" else None for r in rows]
        if reshaped:
            self.endResetModel()
        elif changed:
            self.dataChanged.emit(self.index(changed[0], 0),
                                  self.index(changed[-1], len(columns) - 1))
        return reshaped

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = DISPLAY) -> Any:
        """What a cell shows (made in ``set_rows``, not per paint: the view asks for each role of
        each cell at every repaint)."""
        if not index.isValid():
            return None
        if role == DISPLAY:
            return self._text[index.row()][index.column()]
        if role == SORT_ROLE:
            v = self._values[index.row()][index.column()]
            return v if isinstance(v, (int, float)) else str(v)
        if role == BACKGROUND:
            return self._background[index.row()]
        if role == ALIGNMENT:
            v = self._values[index.row()][index.column()]
            return RIGHT if isinstance(v, (int, float)) else None
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
