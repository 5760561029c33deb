"""Small pieces the tuning lab's lesson panels share: a trimmed number field, a group box with a
form, a spin box that adopts a stepped value once the stepping rests, a progress line, and the α
range fields."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.framework.widgets import NumberField, blocked


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


class RestingSpinBox(QSpinBox):
    """A spin box whose steps (arrow keys, the wheel, its buttons) are adopted once the stepping
    rests: five quick steps are one change of settings, not five runs started and stopped (each
    took the tuning lab 0.4 to 0.8 s). A value typed, or set by code, is adopted at once."""

    REST_MS = 350

    def __init__(self) -> None:
        super().__init__()
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(self.REST_MS)
        self._rest.timeout.connect(lambda: self.valueChanged.emit(self.value()))
        self.editingFinished.connect(self.settle)  # leaving the field adopts what it shows

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt's name)
        with blocked(self):
            super().stepBy(steps)
        self._rest.start()

    def settle(self) -> None:
        """Adopt a stepped value now, if one is waiting."""
        if self._rest.isActive():
            self._rest.stop()
            self.valueChanged.emit(self.value())

    @property
    def resting(self) -> bool:
        return not self._rest.isActive()


def spin(lo: int, hi: int, step: int = 1) -> QSpinBox:
    s = RestingSpinBox()
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setKeyboardTracking(False)  # one change when the user has typed the whole number
    s.setGroupSeparatorShown(hi >= 10_000 and step > 1)  # 100,000 draws; seeds as typed
    return s


class StatusLine(QWidget):
    """A progress line that may change every frame without re-laying out the column: it is
    ``lines`` lines of text high, and its label is sized by hand, so a new text asks no layout
    for room. (A word-wrapped label in a layout re-lays out the whole column at each new text,
    which cost more than the plots.) ``text()``/``setText()`` as a QLabel's."""

    def __init__(self, lines: int = 2) -> None:
        super().__init__()
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.lines = lines
        self._fit_height()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _fit_height(self) -> None:
        self.setFixedHeight(self.lines * self.label.fontMetrics().lineSpacing() + 4)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """A zoom changes the font: the lines keep their room."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(120, self.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(60, self.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.label.setFixedSize(self.size())

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if text != self.label.text():
            self.label.setText(text)


def alpha_fields(bind, form: QFormLayout, settings, set_alpha) -> dict[str, TrimmedField]:
    """α's range as two fields in ``form`` ("α low", "α high"), bound to ``settings().alpha``;
    an edit calls ``set_alpha((low, high))`` with the other end kept."""
    fields = {}
    for i, end in enumerate(("low", "high")):
        fields[end] = bind(TrimmedField(0.0, 1000.0, 10, 0.0001), lambda i=i: settings().alpha[i],
                           lambda v, i=i: set_alpha(with_end(settings().alpha, i, v)))
        form.addRow(f"α {end}", fields[end])
    return fields


def column(panel: QWidget, *parts: QWidget) -> QVBoxLayout:
    """``parts`` one under the other in ``panel``, without margins, the rest of the room below."""
    lay = QVBoxLayout(panel)
    lay.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        lay.addWidget(part)
    lay.addStretch(1)
    return lay


def with_end(pair: tuple[float, float], i: int, v: float) -> tuple[float, float]:
    out = list(pair)
    out[i] = v
    return tuple(out)
