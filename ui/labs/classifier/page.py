"""The classifier lab's page: a softmax classifier's decision regions forming live.

Left, the controls (``panel``); centre, the plane coloured by the predicted class and the network
tab; right, the loss and accuracy curves, the probe with the notes' softmax computation, and the
worked example box. The page assembles these and routes the mouse; it computes nothing.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from simulator.classifier.history import COLUMNS
from simulator.classifier.plane import label_under
from ui.framework.page import LabPage
from ui.framework.plots import Throttle

from . import explain
from .controller import ClassifierController
from .panel import ClassifierPanel
from .views import CurvesView, NetworkView, ProbeView, RegionView, WorkedExample
from .views.batch_sizes import BatchSizeView

RIGHT_WIDTH = 430  # the curves and the softmax column
# The decision regions while playing: a map of the whole plane and a repaint of the largest
# plot, so at most this many times a second and never two frames running (every other frame at
# 60 fps, and on a slow machine too); paused, every change.
REGION_HZ = 30.0


class ClassifierPage(LabPage):
    """The softmax classifier lab."""

    title = "Classifier"
    hint = ("Space: play/pause   Right: one mini-batch   R: reset   Click: add a point   "
            "Right-click: remove   Hover: probe")
    help_html = explain.HELP_HTML

    def __init__(self, lab: ClassifierController, parent: QWidget | None = None) -> None:
        super().__init__(lab, parent)
        self.lab: ClassifierController = lab
        self.probe_at: tuple[float, float] | None = None  # the probed point, and its true class
        self.probe_label = 0
        self.throttle = Throttle(hz=10)
        self.region_throttle = Throttle(hz=REGION_HZ)
        self._regions_skipped = True  # the last frame left the regions as they were
        # At "max", frames that redraw the regions or the text train less (their own budget).
        lab.frame_kind = lambda: (self._regions_skipped and self.region_throttle.due(lab.FRAME_BUDGET),
                                  self.throttle.due(lab.FRAME_BUDGET))

        self.panel = ClassifierPanel(lab)
        self.epoch_button = self.panel.epoch_button
        self.dataset_combo = self.panel.dataset_combo  # the lab's main choice, for the window's tests

        self.regions = RegionView()
        self.network = NetworkView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.regions, "Decision regions")
        self.tabs.addTab(self.network, "Network")
        self.batch_sizes = BatchSizeView(lab)
        self.tabs.addTab(self.batch_sizes, "Mini-batch size")
        self.view_tabs = self.tabs

        self.curves = CurvesView()
        self.probe = ProbeView()
        self.worked = WorkedExample()
        # The probe and the worked example share the space under the curves, one tab each.
        self.softmax_tabs = QTabWidget()
        self.softmax_tabs.addTab(self.probe, "Probe")
        self.softmax_tabs.addTab(self.worked, "Softmax worked example")
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.curves, 5)
        col.addWidget(self.softmax_tabs, 4)
        left = max(self.panel.minimumSizeHint().width(), self.panel.sizeHint().width()) + 24
        self.assemble(self.panel, self.tabs, right, (left, 1270 - left - RIGHT_WIDTH, RIGHT_WIDTH))
        self._connect()
        self._data_changed()

    def _connect(self) -> None:
        lab, panel, regions = self.lab, self.panel, self.regions
        lab.stepped.connect(self.redraw)
        lab.data_changed.connect(self._data_changed)
        lab.settings_changed.connect(lambda: self.redraw(force=True))  # a change shows at once
        lab.running_changed.connect(self._running_changed)
        panel.discretize_box.toggled.connect(lambda on: self._set_view(discretize=on))
        panel.test_box.toggled.connect(lambda on: self._set_view(show_test=on))
        self.tabs.currentChanged.connect(lambda _: self.redraw(force=True))
        self.network.warp_changed.connect(lambda: self.redraw(force=True))
        regions.add_requested.connect(self._add_point)
        regions.remove_requested.connect(lab.remove_nearest)
        regions.hovered.connect(self.set_probe)

    # -- the user on the plane ------------------------------------------------------------------

    def _add_point(self, x: float, y: float) -> None:
        if self.lab.add_point(x, y):
            self.set_probe(x, y, label=self.lab.add_class)

    def set_probe(self, x: float, y: float, label: int | None = None) -> None:
        """Probe a point: its probabilities and the worked computation. Without a label, a
        training point under the cursor lends its own, else the "Click adds" class is used."""
        if label is None:
            label = label_under(self.lab.trainer, x, y, self.lab.add_class)
        self.probe_at, self.probe_label = (x, y), int(label)
        self._draw_probe()

    def _set_view(self, **options: bool) -> None:
        for name, on in options.items():
            setattr(self.regions, name, on)
        self.regions.show_data(self.lab.trainer)
        self.redraw(force=True)

    # -- drawing --------------------------------------------------------------------------------

    def _running_changed(self, running: bool) -> None:
        if not running:
            self.redraw(force=True)  # the text as it stands when paused

    def _data_changed(self) -> None:
        self.regions.show_data(self.lab.trainer)
        self.redraw(force=True)

    def redraw(self, force: bool = False) -> None:
        """The curves every frame (each only when it has a new point); while playing, the
        regions at most ``REGION_HZ`` and the text, the probe and the network tab at most ten
        times a second."""
        t = self.lab.trainer
        skipped, self._regions_skipped = self._regions_skipped, True
        if (skipped or force or not self.lab.running) and self.region_throttle.ready(
                self.lab.running, force):
            self._regions_skipped = False
            self.regions.compare_logistic = self.lab.compare_logistic
            self.regions.draw(t, self.lab.logistic)
        self.curves.draw(t.history, len(t.data.y_test) > 0)
        self.curves.draw_iterations(t.costs, t.iteration)
        if self.throttle.ready(self.lab.running, force):
            self.panel.epoch_label.setText(explain.epoch_html(t, self.regions.agreement))
            self._draw_probe()
            if self.tabs.currentWidget() is self.network:
                self.network.draw(t)

    def _draw_probe(self) -> None:
        t = self.lab.trainer
        C = t.data.n_classes
        self.regions.show_probe(self.probe_at)
        if self.probe_at is None:
            self.probe.clear(C)
            return
        label = self.probe_label if self.probe_label < C else None
        try:
            steps = t.probe(*self.probe_at, label)
        except ValueError as exc:  # logits beyond what the worked example shows (|z| > 1e6)
            self.probe.clear(C)
            self.lab.message.emit(f"The probe cannot show this point: {exc}")
            return
        self.probe.draw(*self.probe_at, steps)

    # -- export ---------------------------------------------------------------------------------

    def csv_lines(self) -> list[str]:
        """The learning curves, one row per epoch held (test columns empty without a test set;
        a long run's older epochs thinned, as ``History`` keeps them), for File > Export as CSV.
        A first comment line says when epochs were thinned. (The points travel in setups.)"""
        history = self.lab.trainer.history
        rows = history.rows()
        lines = [] if len(rows) == history.count else [
            f"# {len(rows)} of {history.count} epochs: a long run's older epochs are thinned"]
        lines.append(",".join(COLUMNS))
        for r in rows:
            lines.append(",".join(str(r[c]) if c == "epoch" else
                                  (f"{r[c]:.10g}" if math.isfinite(r[c]) else "") for c in COLUMNS))
        return lines

