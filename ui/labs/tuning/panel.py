"""The tuning lab's controls column: run buttons, the α and β ranges, the number of draws and the
seed, each bound to the controller. Values the engine refuses are let through the fields, so the
engine's message is what the user sees."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from simulator.tuning import ALPHA_LIMITS, BATCH, MAX_DRAWS, MAX_SEED
from ui.framework.binder import Binder
from ui.framework.widgets import NumberField, RunBox, note_label

from .explain import draws_text

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


class TrimmedField(NumberField):
    """A NumberField that shows 0.0001 and 1 rather than 0.000100 and 1.000000."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt's name)
        locale = self.locale()
        text = locale.toString(float(value), "f", self.decimals())
        if not self.isGroupSeparatorShown():  # as QDoubleSpinBox does: 1000, not 1,000
            text = text.replace(locale.groupSeparator(), "")
        point = locale.decimalPoint()
        return text.rstrip("0").rstrip(point) if point in text else text


def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    return box, QFormLayout(box)


def _spin(lo: int, hi: int, step: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(lo, hi)
    spin.setSingleStep(step)
    spin.setKeyboardTracking(False)  # one change when the user has typed the whole number
    spin.setGroupSeparatorShown(hi >= 10_000 and step > 1)  # 100,000 draws; seeds as typed
    return spin


class TuningPanel(QWidget):
    """The controls column. Its widgets are public (tests drive them as a user would):
    ``fields[(param, end)]``, ``draws_spin``, ``seed_spin`` and the ``run_box``."""

    def __init__(self, lab) -> None:
        super().__init__()
        self.lab = lab
        self.binder = Binder(lab)  # no view binds a widget, so the panel holds the page's binder
        self.fields: dict[tuple[str, str], TrimmedField] = {}
        parts = (self._run_group(), self._range_group("alpha"), self._range_group("beta"),
                 self._draws_group(), note_label(READING))
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        for part in parts:
            column.addWidget(part)
        column.addStretch(1)
        self.show_iteration()

    def _run_group(self) -> QGroupBox:
        box = QGroupBox("Run")
        lay = QVBoxLayout(box)
        self.run_box = RunBox(self.lab, f"Draw one batch ({BATCH} of each kind)",
                              "Start over from the seed", f"× {BATCH} draws")
        self.draws_label = QLabel()
        self.draws_label.setWordWrap(True)
        for w in (self.run_box, self.draws_label,
                  note_label("Space plays or pauses, → draws a batch, R starts over.", hint=True)):
            lay.addWidget(w)
        return box

    def _range_group(self, param: str) -> QGroupBox:
        lab = self.lab
        box, form = _group(TITLES[param])
        box.setToolTip(TIPS[param])
        for i, end in enumerate(("low", "high")):
            field = self.binder.bind(
                TrimmedField(*FIELDS[param]),
                lambda i=i: getattr(lab.settings, param)[i],
                lambda v, end=end: lab.set_range(param, end, v))
            self.fields[(param, end)] = field
            form.addRow(end, field)
        return box

    def _draws_group(self) -> QGroupBox:
        lab, bind = self.lab, self.binder.bind
        box, form = _group("Draws")
        # From 0, so that 0 gets the engine's message rather than a silent clamp.
        self.draws_spin = bind(_spin(0, MAX_DRAWS, 100), lambda: lab.settings.draws, lab.set_draws)
        self.draws_spin.setToolTip(f"Values of each kind in a run (1 to {MAX_DRAWS:,})")
        self.seed_spin = bind(_spin(0, MAX_SEED, 1), lambda: lab.settings.seed, lab.set_seed)
        self.seed_spin.setToolTip("The same seed draws the same values again")
        form.addRow("of each kind", self.draws_spin)
        form.addRow("seed", self.seed_spin)
        return box

    def show_iteration(self) -> None:
        run = self.lab.scale
        self.draws_label.setText(draws_text(run.drawn, run.settings.draws, run.iteration))
