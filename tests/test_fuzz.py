"""Hostile input at every door of every page, as a hostile user (or a damaged file) gives it:

- a setup fuzz: every field of every lab's setup given wrong kinds, huge, tiny, negative, NaN,
  nested and unicode values, one at a time, through ``load`` (what a session, a setup file, a
  pasted setup and a preset go through);
- a widget walk: every input widget of every page driven to hostile text.

After each: nothing raised (pytest-qt fails a test on an exception in a Qt slot), the field is
either as it was or the value given (nothing a third value, silently), and every bound widget
shows the value in force (a field saying one thing while the run uses another is the defect)."""

from __future__ import annotations

import functools
import json
import math

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSpinBox,
)
from shiboken6 import isValid

from tests.test_every_lab import NAN, input_widgets, screen_text
from ui.framework.widgets import NumberField
from ui.labs import LAB_KEYS

HOSTILE_VALUES = [None, True, "x", "１２", "ünï ✓\u202e", "", [], {}, [[1, 2]], {"a": {"b": [1]}},
                  1e308, -1e308, 5e-324, -1, 0, 10**40, math.nan, -math.inf]
HOSTILE_TEXT = ["", "nan", "-inf", "1e309", "-0", "0x1F", "１２", "1,,2", "ünï ✓\u202e",
                "\x00", "9" * 400, "  3  "]


def leaves(d, path: tuple = ()) -> list[tuple[tuple, object]]:
    """Every value of a settings dict, by path (short lists item by item, long ones whole)."""
    if isinstance(d, dict):
        return [leaf for k, v in d.items() for leaf in leaves(v, (*path, k))]
    if isinstance(d, list) and 0 < len(d) <= 4:
        return [leaf for i, v in enumerate(d) for leaf in leaves(v, (*path, i))]
    return [(path, d)]


def at(d, path: tuple):
    try:
        return functools.reduce(lambda cur, k: cur[k], path, d)
    except (KeyError, IndexError, TypeError):
        return "<gone>"


def put(d: dict, path: tuple, value) -> dict:
    d = json.loads(json.dumps(d))
    functools.reduce(lambda cur, k: cur[k], path[:-1], d)[path[-1]] = value
    return d


def shows(widget, value) -> bool:
    """Whether ``widget`` shows ``value`` (the binding's value, in the widget's terms)."""
    if isinstance(widget, NumberField):
        return widget.cleanText() == widget.textFromValue(float(value))
    if isinstance(widget, QComboBox):
        i = widget.findData(value)
        return widget.currentIndex() == (i if i >= 0 else widget.findText(str(value)))
    if isinstance(widget, QAbstractButton):
        return widget.isChecked() == bool(value)
    if isinstance(widget, (QSpinBox, QAbstractSlider)):
        return widget.value() == int(value)
    if isinstance(widget, QLineEdit):
        return widget.text() == str(value)
    return True


def wrong_shown(page) -> list[str]:
    """The bound widgets that do not show the value in force."""
    out = []
    for b in page_binder(page).bindings:
        if isValid(b.widget) and not shows(b.widget, b.read()):
            out.append(f"{type(b.widget).__name__} {b.widget.toolTip()[:40]!r} shows "
                       f"{_shown(b.widget)!r}, in force {b.read()!r}")
    return out


def _shown(widget):
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    return widget.value()


def page_binder(page):
    return getattr(page, "binder", None) or page.panel.binder


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is not bool and type(b) is not bool and a == b or a is b or (
        isinstance(a, bool) and isinstance(b, bool) and a == b)


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_field_of_a_setup_given_hostile_values(make_page, key):
    page = make_page(key)
    lab = page.lab
    base = lab.settings_dict()
    checked = 0
    for path, before in leaves(base):
        for value in HOSTILE_VALUES:
            lab.load(put(base, path, value))
            got = at(lab.settings_dict(), path)
            assert same(got, before) or same(got, value), (path, value, got)
            assert not wrong_shown(page), (path, value, wrong_shown(page))
            checked += 1
            if lab.settings_dict() != base:
                assert lab.load(base), (path, value)
    assert checked >= 20 * len(HOSTILE_VALUES)
    assert lab.settings_dict() == base


def type_into(widget, text: str) -> None:
    """Text typed into a field (a spin box's own edit included) and committed with Enter."""
    edit = widget.lineEdit() if isinstance(widget, (QAbstractSpinBox, QComboBox)) else widget
    if edit is None:
        return
    edit.setText(text)
    if isinstance(widget, QAbstractSpinBox):
        widget.interpretText()
    widget.editingFinished.emit() if hasattr(widget, "editingFinished") else None


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_field_of_a_page_given_hostile_text(qtbot, make_page, key):
    page = make_page(key, shown=True)
    fields = [w for w in input_widgets(page)
              if isinstance(w, (QLineEdit, QAbstractSpinBox))
              or (isinstance(w, QComboBox) and w.isEditable())]
    assert fields
    for text in HOSTILE_TEXT:
        for w in fields:
            if isValid(w) and w.isEnabled():
                type_into(w, text)
        qtbot.wait(5)
        assert not wrong_shown(page), (text, wrong_shown(page))
        page.lab.run(2)
        shown_text = screen_text(page)
        assert not NAN.search(shown_text), (text, NAN.search(shown_text).group())
    assert page.window().width() < 4000
