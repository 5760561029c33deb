"""One way to tie a widget to a setting in both directions (napari's ``connect_setattr`` with
``qt_signals_blocked``): the user's edit calls the controller's setter; when the settings change,
every bound widget shows the value in force, with its signals blocked so nothing loops."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)
from shiboken6 import isValid

from .widgets import NumberField, blocked


@dataclass
class Binding:
    widget: QWidget
    read: Callable[[], Any]  # the value in force, in the widget's terms
    enabled: Callable[[], bool] | None = None
    limits: Callable[[], tuple[float, float]] | None = None  # the range in force, set first


def _show(widget: QWidget, value: Any) -> None:
    """Set a widget's value without its signals (the caller blocks them)."""
    if isinstance(widget, NumberField):
        widget.set_value(value)
    elif isinstance(widget, QComboBox):
        i = widget.findData(value)
        widget.setCurrentIndex(i if i >= 0 else widget.findText(str(value)))
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(bool(value))
    elif isinstance(widget, (QSpinBox, QAbstractSlider)):
        widget.setValue(int(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))
    else:
        raise TypeError(f"cannot bind a {type(widget).__name__}")


def _connect(widget: QWidget, write: Callable[[Any], Any]) -> None:
    """Call ``write(value)`` when the user commits a new value."""
    if isinstance(widget, QSpinBox):
        widget.setKeyboardTracking(False)  # typing 1000 is one value, not 1, 10, 100, 1000
    if isinstance(widget, NumberField):
        widget.edited.connect(write)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(
            lambda i: write(widget.itemData(i) if widget.itemData(i) is not None else widget.itemText(i)))
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(write)
    elif isinstance(widget, (QSpinBox, QAbstractSlider)):
        widget.valueChanged.connect(write)
    elif isinstance(widget, QLineEdit):
        widget.editingFinished.connect(lambda: write(widget.text()))
    else:
        raise TypeError(f"cannot bind a {type(widget).__name__}")


def check_shown(b: Binding) -> None:
    """ValueError naming the field if the value in force lies outside its widget's range (a
    spin box would show its end instead, and the screen would say something else than the run)."""
    if not isValid(b.widget):
        return  # its panel is gone
    try:
        value = float(b.read())
    except OverflowError:  # a value so large that the widget's own terms overflow (1e308 × 100)
        value = math.inf
    except (TypeError, ValueError):
        return  # not a number: the engine has judged it
    lo, hi = b.limits() if b.limits is not None else (b.widget.minimum(), b.widget.maximum())
    if lo <= value <= hi or hi < lo:
        return
    name = _field_name(b.widget)
    if isinstance(b.widget, QAbstractSlider):  # its units are the slider's, not the setting's
        raise ValueError(f"{name + ': ' if name else ''}beyond the end of its slider")
    raise ValueError(f"{name + ' ' if name else ''}{value:g} is beyond what its field shows "
                     f"({lo:g} to {hi:g})")


def _field_name(widget: QWidget) -> str:
    """The words beside a field (its form label), else its tooltip's first words, else ""."""
    parent = widget.parentWidget()
    labels = parent.findChildren(QLabel) if parent is not None else []
    for label in labels:
        if label.buddy() is widget and label.text():
            return label.text().rstrip(":")
    return widget.toolTip().split("(")[0].strip()


class Binder:
    """The bindings of one page. ``bind`` ties a widget; ``refresh`` (connected to the
    controller's ``settings_changed``) shows every value in force.

    A ``NumberField`` whose write is refused (the setter returns False) turns red with the
    message until a valid value is set, so the user sees which field was wrong.
    """

    def __init__(self, lab) -> None:
        self.lab = lab
        self.bindings: list[Binding] = []
        self._last_error = ""
        lab.error.connect(self._remember_error)
        lab.settings_changed.connect(self.refresh)

    def _remember_error(self, text: str) -> None:
        self._last_error = text

    def bind(self, widget: QWidget, read: Callable[[], Any], write: Callable[[Any], Any],
             enabled: Callable[[], bool] | None = None,
             limits: Callable[[], tuple[float, float]] | None = None) -> QWidget:
        """Tie ``widget`` to a setting: ``read()`` gives the value to show, ``write(value)``
        asks the controller to adopt the user's value. ``enabled()``, if given, greys the widget
        out when the setting does nothing in the current state. ``limits()``, if given, is the
        (low, high) range of a spin box or slider whose range depends on the settings (e.g. the
        units of the chosen layer); it is set before the value."""

        def user_wrote(value: Any) -> None:
            self._last_error = ""
            ok = write(value)
            if isinstance(widget, NumberField) and ok is False:
                widget.set_invalid(True, self._last_error)

        _connect(widget, user_wrote)
        binding = Binding(widget, read, enabled, limits)
        self.bindings.append(binding)
        if isinstance(widget, (QAbstractSpinBox, QAbstractSlider)) and hasattr(self.lab, "shown_checks"):
            self.lab.shown_checks.append(lambda: check_shown(binding))
        self._show(binding)
        return widget

    def _show(self, b: Binding) -> None:
        with blocked(b.widget):
            if b.limits is not None:
                b.widget.setRange(*b.limits())
            _show(b.widget, b.read())  # a NumberField also loses a red mark here
        if b.enabled is not None:
            b.widget.setEnabled(bool(b.enabled()))

    def refresh(self) -> None:
        for b in self.bindings:
            self._show(b)
