"""The A/B twins box: up to two racers run again beside themselves with one setting changed
(α, a β, ε, bias correction, or the decay off), drawn dashed in the racer's colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from simulator.optimizers import OPTIMIZERS
from simulator.race_settings import MAX_TWINS, OPTIMIZER_NAMES, TWIN_EXTRA_KEYS, TWIN_SYMBOLS
from ui.framework.style import LABELS
from ui.framework.widgets import NumberField, blocked, note_label

FLAGS = ("bias_correction", "decay")  # on/off settings; the others are numbers


def twin_keys(of: str) -> list[str]:
    """What a twin of optimizer ``of`` may change."""
    return [k for k in (*TWIN_EXTRA_KEYS, *OPTIMIZERS[of].defaults) if k in TWIN_SYMBOLS]


def twin_default(lab, of: str, key: str) -> Any:
    """A first value that differs from the racer's: the flag flipped, α halved, β moved."""
    if key == "decay":
        return lab.settings.schedule == "constant"  # the shared decay off (or, with none, "on")
    value = lab.settings.hyper[of][key]
    if key == "bias_correction":
        return not value
    if key == "lr":
        return round(value / 2, 6)
    if key == "eps":
        return value * 1e4
    return 0.5 if value > 0.6 else 0.9


class TwinRow(QWidget):
    """One twin: which racer, which setting, its value (a number or on/off)."""

    def __init__(self, lab, slot: int) -> None:
        super().__init__()
        self.lab, self.slot = lab, slot
        self.racer = QComboBox()
        self.racer.addItem("—", "")
        for name in OPTIMIZER_NAMES:
            self.racer.addItem(LABELS[name], name)
        self.key = QComboBox()
        self.value = NumberField(0.0, 1000.0, 5, 0.01)
        self.flag = QCheckBox("on")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w, stretch in ((self.racer, 2), (self.key, 2), (self.value, 2), (self.flag, 1)):
            lay.addWidget(w, stretch)
        self.racer.currentIndexChanged.connect(self._racer_picked)
        self.key.currentIndexChanged.connect(self._key_picked)
        self.value.edited.connect(lambda v: self._write(self.key.currentData(), float(v)))
        self.flag.toggled.connect(lambda on: self._write(self.key.currentData(), bool(on)))
        lab.settings_changed.connect(self.show_twin)
        self.show_twin()

    @property
    def twin(self) -> dict[str, Any] | None:
        twins = self.lab.settings.twins
        return twins[self.slot] if self.slot < len(twins) else None

    def _racer_picked(self, _i: int) -> None:
        of = self.racer.currentData()
        if not of:
            self.lab.set_twin(self.slot, None)
        else:
            key = "bias_correction" if of == "adam" else "lr"
            self.lab.set_twin(self.slot, of, key, twin_default(self.lab, of, key))

    def _key_picked(self, _i: int) -> None:
        of, key = self.racer.currentData(), self.key.currentData()
        if of and key:
            self.lab.set_twin(self.slot, of, key, twin_default(self.lab, of, key))

    def _write(self, key: str | None, value: Any) -> None:
        of = self.racer.currentData()
        if of and key:
            self.lab.set_twin(self.slot, of, key, value)

    def show_twin(self) -> None:
        """The twin in force (or "—"); the second row only once the first is set."""
        twin = self.twin
        with blocked(self.racer, self.key, self.value, self.flag):
            self.racer.setCurrentIndex(max(0, self.racer.findData(twin["of"] if twin else "")))
            self.key.clear()
            if twin is not None:
                for k in twin_keys(twin["of"]):
                    self.key.addItem(TWIN_SYMBOLS[k], k)
                self.key.setCurrentIndex(self.key.findData(twin["key"]))
                flag = twin["key"] in FLAGS
                if flag:
                    self.flag.setChecked(bool(twin["value"]))
                else:
                    self.value.set_value(float(twin["value"]))
        flag = twin is not None and twin["key"] in FLAGS
        self.key.setEnabled(twin is not None)
        self.value.setVisible(not flag)
        self.value.setEnabled(twin is not None)
        self.flag.setVisible(flag)
        self.setEnabled(self.slot <= len(self.lab.settings.twins))


def twins_box(lab) -> tuple[QGroupBox, list[TwinRow]]:
    """The group of ``MAX_TWINS`` rows, with a line saying what a twin is."""
    box = QGroupBox("A/B twins")
    v = QVBoxLayout(box)
    v.addWidget(note_label("Run a racer again with one setting changed (dashed, same colour).",
                           hint=True))
    rows = [TwinRow(lab, slot) for slot in range(MAX_TWINS)]
    for r in rows:
        v.addWidget(r)
    return box, rows
