"""The optimizer lab's page: SGD, momentum, RMSprop and Adam racing across a 2D loss surface.

Controls at the left; the surface, its 3D view, the basin map and the momentum map in the middle;
the losses, α_t and the explanation at the right.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.framework.lazy import LazyView, drawn
from ui.framework.page import LabPage

from .controller import OptimizerController
from .panel import OptimizerPanel
from .views.basin import BasinView
from .views.critical import CriticalPointsView
from .views.ewa import EwaView
from .views.explanation import ExplainView
from .views.losses import AlphaView, LossView
from .views.momentum import MomentumView
from .views.sections import SectionsView
from .views.surface import SurfaceView
from .views.view3d import View3D

HELP = """<p>Four optimizers of the course notes race from one start point down a 2D loss surface:
SGD, momentum, RMSprop and Adam, each with its own α and β.</p>
<p>Pick a surface and click it to move the start. Play, step or reset with Space, Right and R.
Learning-rate decay and mini-batch noise apply to every racer. <i>Explain</i> picks the racer
whose update the right column reads out, beside the notes' rule; <i>Narrate</i> shows that update
one stage at a time.</p>
<p><i>Sections</i> cuts the surface along w1 and w2 through its saddle point (or its minimum);
<i>Critical points</i> shows why, in many dimensions, a zero gradient is almost always a saddle.</p>
<p>The basin map colours every start by the minimum the explained optimizer reaches from it; the
momentum map shows how fast momentum converges on this surface, from this start, for each
(α, β).</p>"""


class OptimizerPage(LabPage):
    title = "Optimizers"
    hint = "Space: play/pause   Right: one step   R: reset   Click the surface to set the start"
    help_html = HELP

    def __init__(self, lab: OptimizerController, parent: QWidget | None = None) -> None:
        super().__init__(lab, parent)
        self.panel = OptimizerPanel(lab)
        self.surface_combo = self.panel.surface_combo  # the lab's main choice, for the window's tests

        self.surface_view = SurfaceView(lab)
        self.view3d = View3D(lab)  # its GL view is made when its tab is first shown
        # The other tabs' views are made when first shown or asked for (``LazyView``), each up to
        # date with the lab when made.
        self.basin_view = LazyView(lambda: drawn(BasinView(lab)))
        self.momentum_view = LazyView(lambda: drawn(MomentumView(lab), "refresh"))
        self.sections_view = LazyView(lambda: drawn(SectionsView(lab), "show_surface", "draw"))
        self.critical_view = LazyView(lambda: CriticalPointsView(lab))
        self.ewa_view = LazyView(lambda: drawn(EwaView(lab)))
        self.views = QTabWidget()
        for view, text in ((self.surface_view, "Surface"), (self.view3d, "3D"),
                           (self.sections_view, "Sections"), (self.basin_view, "Basin map"),
                           (self.momentum_view, "Momentum map"), (self.critical_view, "Critical points"),
                           (self.ewa_view, "EWA")):
            self.views.addTab(view, text)
        self.views.currentChanged.connect(self._view_changed)
        self.view_tabs = self.views

        self.losses = LossView(lab)
        self.alpha_view = AlphaView(lab)
        self.explain = ExplainView(lab)
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        for w, stretch in ((self.losses, 5), (self.alpha_view, 2), (self.explain, 5)):
            col.addWidget(w, stretch)
        self.assemble(self.panel, self.views, right, (330, 560, 390))

        lab.settings_changed.connect(self._settings_changed)
        lab.stepped.connect(self.draw)
        lab.narration_changed.connect(self.draw)
        lab.running_changed.connect(lambda on: None if on else self.draw())  # text catches up
        self._settings_changed()
        self.draw()

    def _settings_changed(self) -> None:
        self.surface_view.show_surface()
        self.view3d.show_surface()
        if (sections := self.sections_view.built) is not None:
            sections.show_surface()
        self.losses.configure()
        self.alpha_view.draw_curve()
        if (momentum := self.momentum_view.built) is not None:
            momentum.refresh()

    def _view_changed(self, _index: int) -> None:
        view = self.views.currentWidget()
        if view is self.view3d:
            self.view3d.activate()
        elif view is self.momentum_view:
            self.momentum_view.activate()
        elif view is self.critical_view:
            self.critical_view.activate()
        elif view is self.sections_view:
            self.sections_view.draw()
        elif view is self.ewa_view:
            self.ewa_view.draw()

    def draw(self) -> None:
        """One frame: every view that moves with the race."""
        self.surface_view.draw()
        self.losses.draw()
        self.alpha_view.draw()
        self.panel.draw()
        self.explain.draw()
        self.view3d.draw()
        if (sections := self.sections_view.built) is not None:
            sections.draw()
        if self.views.currentWidget() is self.ewa_view:
            self.ewa_view.draw()

    def csv_lines(self) -> list[str]:
        """The racers' paths (after ``HISTORY_LIMIT`` iterations, older positions thinned)."""
        lines = ["optimizer,iteration,w1,w2,J"]
        for name, r in self.lab.racers.items():
            for i, (x, y), j in zip(r.steps, r.path, r.losses, strict=True):
                lines.append(f"{name},{i},{x:.10g},{y:.10g},{j:.10g}")
        return lines
