"""The Panda tab: one model's curves (validation accuracy and loss, training loss) growing one epoch
per frame, with a vertical mark at each epoch where the user changed a hyperparameter, labelled
with the change; below, α (and the other hyperparameters changed) over the epochs."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulator.tuning.space import LABELS
from ui.framework.plots import PlotRanges, side_legend
from ui.framework.style import OKABE_ITO

from ..explain import short_value
from .axes import on_score_scale, plot_in
from .caviar import Curves, Drawn, stride_for

MARK = OKABE_ITO["vermillion"]


def change_text(changes: dict) -> str:
    return ", ".join(f"{LABELS.get(k, k)} → {short_value(v)}" for k, v in changes.items())


class PandaView(Drawn, pg.GraphicsLayoutWidget):
    """``val_acc``, ``val_loss`` and ``train_loss`` curves, ``marks`` (one line per change) and
    the α history (``alpha_curve``)."""

    def __init__(self, lab, key: str) -> None:
        super().__init__()
        self.lab, self.key = lab, key
        self.ranges = PlotRanges()
        acc = self.acc_plot = plot_in(self, 0, 0, "validation accuracy")
        on_score_scale(acc)
        self.val_acc = acc.plot(pen=pg.mkPen(OKABE_ITO["blue"], width=3))
        loss = self.loss_plot = plot_in(self, 1, 0, "loss")
        side_legend(loss, "10pt")
        self.train_loss = loss.plot(pen=pg.mkPen(OKABE_ITO["orange"], width=2), name="training")
        self.val_loss = loss.plot(pen=pg.mkPen(OKABE_ITO["blue"], width=2.5), name="validation")
        lr = self.lr_plot = plot_in(self, 2, 0, "α", "epoch")
        lr.setLogMode(False, True)
        self.alpha_curve = lr.plot(pen=pg.mkPen("k", width=2), stepMode="right")
        for p in (loss, lr):
            p.setXLink(acc)
        for p in (acc, loss, lr):
            p.getAxis("left").setWidth(64)  # the three plots' epochs line up
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self.ci.layout.setRowStretchFactor(2, 1)
        self.marks: list[pg.InfiniteLine] = []
        self.curves = Curves()  # rows: validation accuracy, validation loss, training loss

    def configure(self) -> None:
        s = self._settings = self.lesson.settings
        self.acc_plot.setXRange(0, s.epochs, padding=0.02)
        self.lr_plot.setYRange(-4.2, 0.2, padding=0)
        self.ranges.clear()

    def draw(self, rich: bool = True) -> None:
        """Only when the model trained or changed (a new epoch, a mark, its status)."""
        lesson = self.in_force()
        t = lesson.trial
        state = (lesson, lesson.generation, lesson.settings, t is None or (t.epochs, len(t.marks), t.status))
        if self.fresh(state):
            self._draw(t, lesson.settings)
        if t is not None:
            self.set_title(self.acc_plot, rich, lambda: self._title(t))

    def _draw(self, t, settings) -> None:
        if t is None:
            for c in (self.val_acc, self.val_loss, self.train_loss, self.alpha_curve):
                c.setData([], [])
            self._marks([])
            return
        self.curves.update([t.val_acc, t.val_loss, t.train_loss])
        stride = stride_for(1, settings.epochs)
        for row, item in enumerate((self.val_acc, self.val_loss, self.train_loss)):
            item.setData(*self.curves.path([row], stride))
        self.ranges.fit_y(self.loss_plot, "loss", self.curves.row(1), self.curves.row(2), zero=True)
        self._draw_alpha(t, settings.value("lr"))
        self._marks(t.marks)

    def _draw_alpha(self, t, start: float) -> None:
        """α from the start, stepping at each change, to the last epoch."""
        epochs, values = [0], [start]
        for epoch, changes in t.marks:
            if "lr" in changes:
                epochs.append(epoch)
                values.append(changes["lr"])
        epochs.append(max(t.epochs, epochs[-1]))
        values.append(values[-1])
        self.alpha_curve.setData(epochs, values)

    def _marks(self, marks: list) -> None:
        while len(self.marks) > len(marks):
            line = self.marks.pop()
            self.acc_plot.removeItem(line)
        for k, (epoch, changes) in enumerate(marks):
            if k == len(self.marks):
                line = pg.InfiniteLine(angle=90, movable=False,
                                       pen=pg.mkPen(MARK, width=2, style=Qt.PenStyle.DashLine),
                                       label=change_text(changes),
                                       labelOpts={"position": 0.12 + 0.1 * (k % 4), "color": MARK,
                                                  "fill": (255, 255, 255, 200)})
                self.acc_plot.addItem(line)
                self.marks.append(line)
            self.marks[k].setValue(epoch)

    def _title(self, t) -> str:
        text = f"Epoch {t.epochs}: validation accuracy {t.score:.1%}"
        return text + " (diverged)" if t.status == "diverged" else text

    def csv_lines(self) -> list[str]:
        """The model's curves per epoch, and its changes as comments."""
        t = self.lesson.trial
        if t is None:
            return ["epoch,train_loss,val_loss,val_acc"]
        lines = [f"# change at epoch {e}: {change_text(c)}" for e, c in t.marks]
        lines.append("epoch,train_loss,val_loss,val_acc")
        lines += [f"{e},{a:.6g},{b:.6g},{c:.6g}" for e, (a, b, c) in
                  enumerate(zip(t.train_loss, t.val_loss, t.val_acc, strict=True))]
        return lines
