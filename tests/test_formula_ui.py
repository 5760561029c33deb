"""Typed surfaces and own data in the UI: the optimizer lab's "Formula…" dialog and ``set_formula``,
and the classifier lab's "Load CSV…" button, each showing the engine's message on refusal."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QDialog

from ui.labs.classifier.own_data_button import OwnDataButton
from ui.labs.optimizers.formula_dialog import FormulaButton, FormulaDialog

TWO_WELLS = "(x**2 - 1)**2 + y**2 + 0.2*x"


def record(signal) -> list[str]:
    seen: list[str] = []
    signal.connect(seen.append)
    return seen


def test_set_formula_adopts_a_typed_surface_that_saves_and_loads(make_controller):
    lab = make_controller("optimizers")
    assert lab.set_formula(TWO_WELLS, (-2.0, 2.0, -2.0, 2.0))
    assert lab.surface.name == "formula" and len(lab.surface.minima) == 2
    assert lab.start == lab.surface.start
    lab.run(300)
    saved = json.loads(json.dumps(lab.state()))
    other = make_controller("optimizers")
    assert other.load(saved)
    assert other.settings.surface == lab.settings.surface
    assert other.surface.minima == lab.surface.minima


@pytest.mark.parametrize("text, domain, words", [
    ("__import__('os')", (-2, 2, -2, 2), "unknown function '__import__' at column 1"),
    ("9**9**9", (-2, 2, -2, 2), "exponent 9**9 at column 4"),
    ("log(x)", (-2, 2, -2, 2), "log(x) (column 1) is undefined"),
    ("x**2", (2, -2, -2, 2), "xmin must be below its xmax"),
])
def test_set_formula_refuses_with_the_parsers_message_and_keeps_the_surface(make_controller, text,
                                                                            domain, words):
    lab = make_controller("optimizers")
    before = lab.settings
    errors = record(lab.error)
    assert not lab.set_formula(text, domain)
    assert words in errors[-1]
    assert lab.settings is before and lab.surface.name == before.surface.name


def test_the_dialog_shows_the_refusal_in_red_and_stays_open(make_page, qtbot):
    page = make_page("optimizers")
    button = page.findChild(FormulaButton)
    assert button is not None  # the panel offers it
    dialog = button.open_dialog()
    qtbot.addWidget(dialog)
    dialog.text.setText("x + os.system")
    assert not dialog.apply()
    assert "attribute access 'os.system' at column 5" in dialog.error
    assert "color" in dialog.error_label.styleSheet()
    assert dialog.isVisible() and page.lab.surface.name != "formula"
    dialog.text.setText(TWO_WELLS)
    for field, v in zip(dialog.fields, (-2.0, 2.0, -1.5, 1.5), strict=True):
        field.setValue(v)
    assert dialog.apply()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.error == ""
    assert page.lab.surface.domain == (-2.0, 2.0, -1.5, 1.5)
    assert "Global minimum at (-1.02, 0)" in page.panel.surface_note.text()


def test_the_dialog_opens_on_the_formula_in_force(make_controller, qtbot):
    lab = make_controller("optimizers")
    lab.set_formula("x**2 + 3*y**2", (-1.0, 1.0, -1.0, 1.0))
    dialog = FormulaDialog(lab)
    qtbot.addWidget(dialog)
    assert dialog.text.text() == "x**2 + 3*y**2" and dialog.domain == (-1.0, 1.0, -1.0, 1.0)


def test_load_csv_makes_the_points_the_data_set_and_says_so(make_page, tmp_path):
    page = make_page("classifier")
    button = page.findChild(OwnDataButton)
    assert button is not None  # the panel offers it
    path = tmp_path / "mine.csv"
    path.write_text("x1,x2,label\n" + "".join(
        f"{0.1 * i - 1:.2f},{(0.3 if i % 2 else -0.3):.2f},{i % 2 * 2 - 1}\n" for i in range(20)))
    assert button.load(str(path))
    lab = page.lab
    assert lab.settings.dataset == "csv" and lab.trainer.data.n_classes == 2
    assert len(lab.settings.points) == 20
    assert "loaded 20 points in 2 classes from mine.csv (labels -1, 1 read as classes 0, 1)" in page.message
    assert lab.settings_dict()["points"][0] == [-1.0, -0.3, 0]  # saved with the setup


@pytest.mark.parametrize("content, words", [
    ("1,2,0\n3,x,1\n", "bad.csv: line 2: x2 'x' is not a number"),
    ("".join(f"{i},{i},{i}\n" for i in range(10)), "line 9: label 8 is a class beyond the first 8"),
    ("", "the file holds no points"),
])
def test_a_refused_file_shows_the_loaders_message_and_keeps_the_data(make_page, tmp_path, content,
                                                                      words):
    page = make_page("classifier")
    button = page.findChild(OwnDataButton)
    before = page.lab.trainer.data
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert not button.load(str(path))
    assert words in page.message
    assert page.lab.trainer.data is before


def long_formula() -> str:
    """A legal typed surface near the 500-character limit, slow to evaluate: its momentum map
    (12,000 runs of 200 steps) takes seconds."""
    from simulator.formula import MAX_CHARS

    terms, k = [], 1
    while len(" + ".join([*terms, f"0.01*sin({k}.1*x+y)*cos(x-{k}.3*y)"])) < MAX_CHARS - 20:
        terms.append(f"0.01*sin({k}.1*x+y)*cos(x-{k}.3*y)")
        k += 1
    return " + ".join(terms) + " + x**2 + y**2"


def test_a_long_typed_surfaces_momentum_map_is_made_while_the_window_answers(make_page, qtbot, ticks):
    """It was computed on the GUI thread: the window froze for seconds when the tab was shown."""
    from tests.conftest import FROZEN_S

    page = make_page("optimizers")
    assert page.lab.set_formula(long_formula(), (-2.0, 2.0, -2.0, 2.0))
    view = page.momentum_view
    ticks.restart()  # what set_formula took is not this case's
    page.views.setCurrentWidget(view)
    assert "Computing" in view.best_label.text()
    qtbot.waitUntil(lambda: view.shown is not None, timeout=120000)
    assert ticks.longest < FROZEN_S
    assert view.shown.surface is page.lab.surface and view.rates.shape == (100, 120)
