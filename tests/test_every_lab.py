"""Every lab in LABS gets these checks for free: build, step, save and load, export, presets, and
every input widget driven to both ends of its range with nothing raised and no NaN on screen."""

from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
)

from ui.framework.widgets import RunBox, ScheduleEditor
from ui.labs import LAB_KEYS, LABS, entry_for

NAN = re.compile(r"\b(nan|NaN|inf)\b")


def screen_text(page) -> str:
    """Every number the page shows (labels, text panels, fields), apart from the message line,
    whose messages name ranges such as "(0, inf)"."""
    parts = [w.text() for w in page.findChildren(QLabel)
             if w.isVisibleTo(page) and w is not page.message_line]
    parts += [w.toPlainText() for w in page.findChildren(QTextBrowser) if w.isVisibleTo(page)]
    parts += [w.text() for w in page.findChildren(QLineEdit) if w.isVisibleTo(page)]
    return "\n".join(parts)


def input_widgets(page) -> list:
    kinds = (QAbstractSpinBox, QAbstractSlider, QComboBox, QLineEdit)
    widgets = [w for kind in kinds for w in page.findChildren(kind) if w.isEnabled()
               and not isinstance(w.parent(), (QAbstractSpinBox, QComboBox))]  # their own edits
    widgets += [w for w in page.findChildren(QAbstractButton)
                if w.isCheckable() and not isinstance(w, QPushButton) and w.isEnabled()]
    return widgets


def drive_to(widget, end: str) -> None:
    """Set a widget as a user would, to its low or high end."""
    if isinstance(widget, (QSpinBox, QDoubleSpinBox, QAbstractSlider)):
        widget.setValue(widget.minimum() if end == "low" else widget.maximum())
        if isinstance(widget, QAbstractSpinBox):
            widget.editingFinished.emit()
    elif isinstance(widget, QComboBox):
        if widget.count():
            widget.setCurrentIndex(0 if end == "low" else widget.count() - 1)
    elif isinstance(widget, QLineEdit):
        widget.setText("" if end == "low" else "9" * 40)
        widget.editingFinished.emit()
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(end == "high")


def test_registry_keys_are_unique_and_have_presets_files():
    assert len(set(LAB_KEYS)) == len(LAB_KEYS) == len(LABS)
    for entry in LABS:
        assert entry.presets_path.exists(), entry.presets_path
        assert isinstance(json.loads(entry.presets_path.read_text(encoding="utf-8")), list)
    with pytest.raises(ValueError, match="unknown page"):
        entry_for("nope")


@pytest.mark.parametrize("key", LAB_KEYS)
def test_controller_key_page_title_and_run_box_match_the_registry(make_page, key):
    """CONTRIBUTING.md's contract: else --page and --preset fail while every other test passes."""
    entry = entry_for(key)
    page = make_page(key)
    assert page.lab.key == entry.key and page.title == entry.title
    assert isinstance(page.panel.run_box, RunBox) and page.run_box is page.panel.run_box


@pytest.mark.parametrize("key", LAB_KEYS)
def test_a_settings_change_that_raises_a_bug_is_not_swallowed(make_controller, key):
    """``change`` reports the engine's refusal (ValueError); any other exception is a bug and
    reaches the test that made it."""
    lab = make_controller(key)
    errors = []
    lab.error.connect(errors.append)
    assert not lab.change(lambda: int("x"))  # a refusal: said and survived
    assert errors
    with pytest.raises(TypeError):
        lab.change(lambda: len(5))


def plotted_points(page) -> int:
    """How many points the page's plot items hold now (curves and scatters of every plot)."""
    import pyqtgraph as pg

    total = 0
    for view in page.findChildren(QGraphicsView):
        for item in view.items():
            if isinstance(item, pg.PlotCurveItem) and item.xData is not None:
                total += len(item.xData)
            elif isinstance(item, pg.ScatterPlotItem):
                total += len(item.data)
    return total


@pytest.mark.parametrize("key", LAB_KEYS)
def test_a_frame_costs_the_same_after_ten_times_the_steps(make_page, sent_points, key):
    """CONTRIBUTING.md's promise, counted rather than timed: the points one redraw hands to the
    plot items after 10·N steps are at most a small factor of those after N (a view that plots
    its whole history hands about ten times as many)."""
    page = make_page(key, shown=True)
    sent = sent_points
    n = 2000  # past the bound of the longest bounded record (the classifier's 4,000-point J trace)
    page.lab.run(n - 1)
    sent.count = 0
    page.lab.run(1)
    early = sent.count
    page.lab.run(9 * n - 1)
    sent.count = 0
    page.lab.run(1)
    late = sent.count
    assert late <= 2.5 * early + 500, (early, late)
    assert plotted_points(page) > 0


@pytest.mark.parametrize("key", LAB_KEYS)
def test_controller_steps_resets_and_round_trips_its_state(make_controller, key):
    lab = make_controller(key)
    lab.run(3)
    saved = lab.state()
    assert saved["version"] >= 1 and isinstance(saved["settings"], dict)
    json.dumps(saved)  # JSON-ready
    other = make_controller(key)
    assert other.load(json.loads(json.dumps(saved)))
    assert other.state()["settings"] == saved["settings"]
    lab.reset()
    errors = []
    lab.error.connect(errors.append)
    assert not lab.load({"version": 99, "settings": {}})
    assert not lab.load(["not", "a", "state"])
    assert errors and lab.state()["settings"] == saved["settings"]  # refused: unchanged


@pytest.mark.parametrize("key", LAB_KEYS)
def test_page_plays_steps_exports_and_shuts_down(qtbot, make_page, key, tmp_path):
    page = make_page(key)
    page.show()
    assert page.play_button.isVisible() and page.speed_slider.isVisible()
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert page.lab.running and page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: page.lab.iteration >= 3, timeout=5000)
    page.lab.pause()
    it = page.lab.iteration
    page.lab.step()
    assert page.lab.iteration == it + 1 and not page.lab.running
    page.lab.reset()
    assert page.lab.iteration == 0
    page.lab.run(5)
    assert not NAN.search(screen_text(page)), screen_text(page)
    lines = page.csv_lines()
    assert "," in lines[0] and len(lines) >= 2
    assert page.export_csv(tmp_path / "out.csv") >= 1
    assert page.export_png(tmp_path / "out.png") and (tmp_path / "out.png").stat().st_size > 1000
    page.shutdown()
    assert not page.lab.busy


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_input_widget_to_both_ends(qtbot, make_page, key):
    page = make_page(key)
    page.show()
    widgets = input_widgets(page)
    assert len(widgets) >= 5
    for end in ("low", "high"):
        for w in input_widgets(page):
            drive_to(w, end)
            page.lab.run(2)
        qtbot.wait(10)
        text = screen_text(page)
        assert not NAN.search(text), f"{end}: {NAN.search(text).group()} in {text[:2000]}"
    page.lab.reset()
    page.lab.run(1)


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_preset_loads_and_runs(make_controller, key):
    lab = make_controller(key)
    for preset in entry_for(key).presets():
        for field in ("name", "claim", "caption"):
            assert isinstance(preset.get(field), str) and preset[field].strip(), (field, preset)
        assert "description" not in preset, preset["name"]  # replaced by claim + caption
        assert set(preset.get("actions", [])) <= set(lab.PRESET_ACTIONS), preset["name"]
        assert lab.load(preset["settings"]), preset["name"]
        lab.run(2)


def string_constants(path: Path) -> set[str]:
    """Every string literal in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_preset_has_a_claim_test(key):
    """CONTRIBUTING.md's rule: every preset's claim is tested. Either the preset names a measured
    claim ("measure", which tests/test_presets_<key>.py checks on every seed of its SEEDS), or the
    file names the preset, verbatim, as a string (the key of a table or a parametrize entry)."""
    presets = entry_for(key).presets()
    if not presets:
        return
    path = Path(__file__).parent / f"test_presets_{key}.py"
    assert path.exists(), f"{path.name} is missing: every preset needs a claim test"
    named = string_constants(path)
    missing = [p["name"] for p in presets if p["name"] not in named and not p.get("measure")]
    if any(p.get("measure") for p in presets):
        assert "SEEDS" in path.read_text(encoding="utf-8"), f"{path.name} measures claims without SEEDS"
    assert not missing, f"{path.name} has no claim test for {missing}"


@pytest.mark.parametrize("key", LAB_KEYS)
def test_preset_bar_shows_the_preset_and_leaves_the_run_buttons_in_place(qtbot, make_page, key):
    presets = entry_for(key).presets()
    page = make_page(key, shown=True)
    qtbot.wait(10)  # the first layout pass
    before = page.play_button.mapTo(page, page.play_button.rect().topLeft()), page.play_button.size()
    for preset in presets[:2]:
        assert page.lab.load(preset["settings"])
        page.show_preset(preset)
        qtbot.wait(10)
        assert page.preset is preset and page.preset_bar.isVisible()
        assert preset["name"] in page.preset_bar.title_label.text()
        assert preset.get("caption", "")[:20] in page.preset_bar.caption_label.text().replace("&amp;", "&")
        after = page.play_button.mapTo(page, page.play_button.rect().topLeft()), page.play_button.size()
        assert after == before, preset["name"]
    page.preset_bar.close_button.click()
    assert page.preset is None and not page.preset_bar.isVisible()


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_preset_opens_the_tab_it_describes(make_page, key):
    """A page whose main view has tabs names, in each preset, the tab its caption describes; the
    preset opens it, whichever tab was in front."""
    page = make_page(key)
    tabs = page.view_tabs
    if tabs is None:  # the tuning lab: its tabs are lessons, which the settings choose
        assert all("view" not in p for p in entry_for(key).presets())
        return
    names = [tabs.tabText(i) for i in range(tabs.count())]
    for preset in entry_for(key).presets():
        assert preset.get("view") in names, (preset["name"], preset.get("view"), names)
        tabs.setCurrentIndex((names.index(preset["view"]) + 1) % len(names))  # another tab in front
        assert page.lab.load(preset["settings"])
        page.show_preset(preset)
        assert tabs.tabText(tabs.currentIndex()) == preset["view"], preset["name"]


def _real_fields(d: dict, path: tuple = ()) -> list[tuple]:
    out = []
    for k, v in d.items():
        if isinstance(v, dict):
            out += _real_fields(v, (*path, k))
        elif isinstance(v, float):
            out.append((*path, k))
    return out


def _with(d: dict, path: tuple, value) -> dict:
    d = json.loads(json.dumps(d))
    cur = d
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return d


@pytest.mark.parametrize("key", LAB_KEYS)
def test_a_number_once_written_whole_still_takes_fractions(make_controller, key):
    """A setup with "lr": 1 (a JSON integer) is adopted; the kind a field expects comes from its
    declaration, so a later setup or preset with a fraction there is adopted too (it was refused:
    "must be a whole number", the kind taken from the value in force)."""
    lab = make_controller(key)
    errors = []
    lab.error.connect(errors.append)
    base = lab.settings_dict()
    fields = _real_fields(base)
    assert fields
    for path in fields:
        value = functools.reduce(lambda d, k: d[k], path, base)
        whole = max(1, round(value))
        lab.load(_with(base, path, whole))
        errors.clear()
        assert lab.load(base), (path, errors)
        assert functools.reduce(lambda d, k: d[k], path, lab.settings_dict()) == value, path


@pytest.mark.parametrize("key, path, value, words", [
    ("tuning", ("caviar", "alpha"), [0.001, 1e308], "α high 1e+308 is beyond what its field shows"),
    ("tuning", ("panda", "params", "lr"), 1e308, "α 1e+308 is beyond what its field shows"),
    ("optimizers", ("noise",), 1e10, "noise: beyond the end of its slider"),
    ("classifier", ("n",), 100_000, "Points 100000 is beyond what its field shows (20 to 2000)"),
])
def test_a_value_its_field_cannot_show_is_refused_by_name(make_page, key, path, value, words):
    """A setup adopted 1e308 while the field showed 1000 (the screen said another value than
    the run used); now the field's range is the door, and the field and the run agree."""
    page = make_page(key)
    errors = []
    page.lab.error.connect(errors.append)
    before = functools.reduce(lambda d, k: d[k], path, page.lab.settings_dict())
    assert not page.lab.load(_with(page.lab.settings_dict(), path, value))
    assert words in errors[-1]
    assert functools.reduce(lambda d, k: d[k], path, page.lab.settings_dict()) == before


@pytest.mark.parametrize("key", ["optimizers", "classifier"])
def test_a_decay_parameter_its_field_cannot_show_is_refused_by_name(make_page, key):
    """A setup's decay rate 1e308 was adopted while its field showed 100."""
    page = make_page(key)
    errors = []
    page.lab.error.connect(errors.append)
    settings = {**page.lab.settings_dict(), "schedule": "inverse_time",
                "schedule_params": {"decay_rate": 1e308}}
    assert not page.lab.load(settings)
    assert "decay rate 1e+308 is beyond what its field shows (0 to 100)" in errors[-1]
    assert page.lab.settings_dict()["schedule_params"].get("decay_rate", 1.0) <= 100
    assert page.lab.load({**settings, "schedule_params": {"decay_rate": 50.0}})
    assert page.findChild(ScheduleEditor).fields["decay_rate"].value() == 50.0
