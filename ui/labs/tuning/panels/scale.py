"""The Scale lesson's controls: the α and β ranges, the number of draws and the seed, each bound
to the controller. Values the engine refuses are let through the fields, so the engine's message
is what the user sees."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QWidget

from simulator.tuning import ALPHA_LIMITS, MAX_DRAWS, MAX_SEED
from ui.framework.binder import Binder
from ui.framework.widgets import note_label

from ..explain import draws_text
from .common import StatusLine, TrimmedField, column, group, spin, with_end

# (lowest, highest, decimals, step) of each range field: wide enough to reach the refusals
# (α = 0, β = 1), so the engine explains them.
FIELDS = {"alpha": (0.0, ALPHA_LIMITS[1], 10, 0.0001), "beta": (0.0, 1.0, 10, 0.001)}
TITLES = {"alpha": "Learning rate α", "beta": "EWA β"}
TIPS = {
    "alpha": "α is drawn between low and high; the log scale needs 0 < low < high",
    "beta": "β is drawn between low and high, 0 ≤ low < high < 1; the log scale draws 1 − β",
}

READING = ("Orange: drawn uniformly. Blue: drawn on a log scale. Dashed: what each bar holds on "
           "average. Shaded: the top decade, whose share each title gives.")


class ScalePanel(QWidget):
    """``fields[(param, end)]``, ``draws_spin``, ``seed_spin`` and ``draws_label``."""

    def __init__(self, lab, binder: Binder, key: str) -> None:
        super().__init__()
        self.lab, self.binder, self.key = lab, binder, key
        self.fields: dict[tuple[str, str], TrimmedField] = {}
        self.draws_label = StatusLine()
        column(self, self.draws_label, self._range_group("alpha"), self._range_group("beta"),
               self._draws_group(), note_label(READING))
        self.show_iteration()

    @property
    def settings(self):
        return self.lab.lessons[self.key].settings

    def _range_group(self, param: str) -> QGroupBox:
        box, form = group(TITLES[param])
        box.setToolTip(TIPS[param])
        for i, end in enumerate(("low", "high")):
            field = self.binder.bind(
                TrimmedField(*FIELDS[param]),
                lambda i=i: getattr(self.settings, param)[i],
                lambda v, i=i: self.lab.configure(
                    self.key, **{param: with_end(getattr(self.settings, param), i, v)}))
            self.fields[(param, end)] = field
            form.addRow(end, field)
        return box

    def _draws_group(self) -> QGroupBox:
        lab, key, bind = self.lab, self.key, self.binder.bind
        box, form = group("Draws")
        # From 0, so that 0 gets the engine's message rather than a silent clamp.
        self.draws_spin = bind(spin(0, MAX_DRAWS, 100), lambda: self.settings.draws,
                               lambda v: lab.configure(key, draws=v))
        self.draws_spin.setToolTip(f"Values of each kind in a run (1 to {MAX_DRAWS:,})")
        self.seed_spin = bind(spin(0, MAX_SEED, 1), lambda: self.settings.seed,
                              lambda v: lab.configure(key, seed=v))
        self.seed_spin.setToolTip("The same seed draws the same values again")
        form.addRow("of each kind", self.draws_spin)
        form.addRow("seed", self.seed_spin)
        return box

    def show_iteration(self) -> None:
        run = self.lab.lessons[self.key].run
        self.draws_label.setText(draws_text(run.drawn, run.settings.draws, run.iteration))
