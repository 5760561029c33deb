"""The Coarse-to-fine tab: every round's trials on the two axes' own scales, each round with its own
marker, coloured by validation accuracy; each round's box drawn dashed; the box for the next
round as a rectangle the user drags and resizes (or "Zoom on the best" places it)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from ui.framework.plots import side_legend
from ui.framework.style import OKABE_ITO
from ui.framework.widgets import row

from .axes import PAD, TITLE_SIZE, on_scale, plot_in, score_brushes
from .drawn import FixedScatter, set_curve

SYMBOLS = ("o", "s", "t", "d", "star", "p")
BOX = OKABE_ITO["vermillion"]


def unit_box(axes, box: dict[str, tuple[float, float]]) -> tuple[float, float, float, float]:
    """(u0, v0, u1, v1): a box of values on the two axes, in unit positions."""
    (u0, u1), (v0, v1) = (np.sort(a.to_unit(list(box[a.name]))) for a in axes)
    return float(u0), float(v0), float(u1), float(v1)


class RoundsPlot(pg.GraphicsLayoutWidget):
    """``scatter[r]`` per round, ``frames[r]`` (the rounds' boxes) and ``roi`` (the next box)."""

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.plot = plot_in(self, 0, 0)
        side_legend(self.plot, "10pt")
        self.scatter: list[FixedScatter] = []
        self.frames: list[pg.PlotDataItem] = []
        self.roi = pg.RectROI((0.25, 0.25), (0.5, 0.5), pen=pg.mkPen(BOX, width=3),
                              hoverPen=pg.mkPen(BOX, width=4), movable=True, rotatable=False)
        self.roi.addScaleHandle((0, 0), (1, 1))
        self.roi.setZValue(20)
        self.plot.addItem(self.roi)
        self.roi.sigRegionChangeFinished.connect(self._dragged)
        self._axes = None
        self._shown_box = None
        self.title = ""

    @property
    def lesson(self):
        return self.lab.lessons[self.key]

    def configure(self) -> None:
        axes = self._axes = self.lesson.settings.axes
        on_scale(self.plot, "bottom", axes[0])
        on_scale(self.plot, "left", axes[1])
        self.roi.maxBounds = pg.QtCore.QRectF(-PAD, -PAD, 1 + 2 * PAD, 1 + 2 * PAD)

    def _round_items(self, r: int) -> None:
        while len(self.scatter) <= r:
            k = len(self.scatter)
            item = FixedScatter(size=12 if k else 10, symbol=SYMBOLS[k % len(SYMBOLS)],
                                pen=pg.mkPen("k", width=0.7), name=f"round {k + 1}")
            frame = self.plot.plot(pen=pg.mkPen("k", width=1.2, style=Qt.PenStyle.DashLine))
            self.plot.addItem(item)
            self.scatter.append(item)
            self.frames.append(frame)

    def draw(self, rich: bool = True) -> None:
        lesson = self.lesson
        if lesson.settings.axes != self._axes:
            self.configure()
        axes = self._axes
        lo = 1.0 / lesson.settings.objective.base.classes
        groups = list(lesson.groups.values())
        self._round_items(len(groups) - 1)
        for r, item in enumerate(self.scatter):
            trials = groups[r] if r < len(groups) else []
            self._draw_round(r, item, trials, axes, lo, lesson.boxes[r] if r < len(lesson.boxes) else None)
        self._place_roi(lesson, axes)
        if rich:
            self._title(lesson)

    def _draw_round(self, r, item, trials, axes, lo, box) -> None:
        """A round's trials and its box; a round whose trials have not changed (an earlier one,
        while the next trains) is left alone."""
        if not trials:
            item.set_points([], [])
        else:
            u = [a.to_unit([t.params[a.name] for t in trials]) for a in axes]
            ok = np.array([t.status != "diverged" for t in trials])
            item.set_points(u[0], u[1], score_brushes(np.array([t.score for t in trials]), ok, lo, 1.0))
        if box is None or r == 0:
            set_curve(self.frames[r], [], [])
            return
        u0, v0, u1, v1 = unit_box(axes, box)
        set_curve(self.frames[r], [u0, u1, u1, u0, u0], [v0, v0, v1, v1, v0])

    def _place_roi(self, lesson, axes) -> None:
        box = lesson.box or lesson.boxes[-1]
        if box is self._shown_box:
            return
        self._shown_box = box
        u0, v0, u1, v1 = unit_box(axes, box)
        self.roi.blockSignals(True)
        self.roi.setPos((u0, v0))
        self.roi.setSize((max(u1 - u0, 0.01), max(v1 - v0, 0.01)))
        self.roi.blockSignals(False)

    def _dragged(self) -> None:
        """The user moved or resized the box: it becomes the next round's (in values)."""
        x, y = self.roi.pos()
        w, h = self.roi.size()
        u = np.clip([x, x + w], 0.0, 1.0)
        v = np.clip([y, y + h], 0.0, 1.0)
        a, b = self._axes
        box = {a.name: tuple(float(z) for z in a.from_unit(u)),
               b.name: tuple(float(z) for z in b.from_unit(v))}
        self._shown_box = None
        self.lab.configure(self.key, box=box)

    def _title(self, lesson) -> None:
        text = f"Round {lesson.rounds}: drag the red box, then Resample"
        if text != self.title:
            self.title = text
            self.plot.setTitle(text, size=TITLE_SIZE)


class CoarseMain(QWidget):
    """The rounds plot over the two buttons that make the next round."""

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.rounds = RoundsPlot(lab, key)
        self.zoom_button = QPushButton("Zoom on the best")
        self.zoom_button.setToolTip("Put the box around the best trials so far")
        self.resample_button = QPushButton("Resample in the box")
        self.resample_button.setToolTip("A new round of random trials inside the box, trained at once")
        self.zoom_button.clicked.connect(lambda: lab.act(key, "zoom_on_best"))
        self.resample_button.clicked.connect(lambda: lab.act(key, "resample"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.rounds, 1)
        lay.addLayout(row(self.zoom_button, self.resample_button))

    def draw(self, rich: bool = True) -> None:
        self.rounds.draw(rich)
