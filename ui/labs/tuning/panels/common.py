"""Small pieces the tuning lab's lesson panels share: a trimmed number field, a group box with a
form, a spin box."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QSpinBox

from ui.framework.widgets import NumberField


class TrimmedField(NumberField):
    """A NumberField that shows 0.0001 and 1 rather than 0.000100 and 1.000000."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt's name)
        locale = self.locale()
        text = locale.toString(float(value), "f", self.decimals())
        if not self.isGroupSeparatorShown():  # as QDoubleSpinBox does: 1000, not 1,000
            text = text.replace(locale.groupSeparator(), "")
        point = locale.decimalPoint()
        return text.rstrip("0").rstrip(point) if point in text else text


def group(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    return box, QFormLayout(box)


def spin(lo: int, hi: int, step: int = 1) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setKeyboardTracking(False)  # one change when the user has typed the whole number
    s.setGroupSeparatorShown(hi >= 10_000 and step > 1)  # 100,000 draws; seeds as typed
    return s
