"""The course path in the window (issue 20): a clicker walks the whole default path, the class
picks, Play runs the step and the answer the run measured is revealed; the claim stays hidden
until then; the session remembers the path; a bad path file is named by step and field; a
teacher adds a page as a step and saves the path; a student exports their results."""

from __future__ import annotations

import csv
import json

import pytest
from PySide6.QtCore import Qt

from simulator.course import read_path
from ui.course import known, load_path
from ui.course import menu as course_menu
from ui.course.handout import act_for

REVEAL_S = 120  # the slowest step (a search repeated 20 times) takes a few seconds here


@pytest.fixture
def shown(qtbot, shown):
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow, timeout=5000)
    return shown


def test_a_clicker_walks_the_whole_default_path_and_every_run_reveals_its_answer(qtbot, shown):
    win, course, bar = shown, shown.course, shown.course_bar
    assert course.start("")
    path = course.path
    assert len(path.steps) >= 30
    for i, step in enumerate(path.steps):
        if i:
            qtbot.keyClick(win, Qt.Key.Key_PageDown)
        assert course.progress.index == i and win.current_key == step.lab
        page = win.current_page
        assert not page.preset_bar.isVisible()  # its name and claim would give the answer away
        assert bar.isVisible() and step.question in bar.question.text()
        assert "press Play" in bar.result.text()
        qtbot.mouseClick(bar.answer_buttons[0], Qt.MouseButton.LeftButton)
        assert course.progress.picks[i] == 0 and bar.answer_buttons[0].isChecked()
        page.lab.set_speed(page.lab.MAX_SPEED)
        qtbot.keyClick(win, Qt.Key.Key_Space)  # Play, as the class would
        qtbot.waitUntil(lambda s=step: act_for(win, s) or course.revealed() is not None,
                        timeout=REVEAL_S * 1000)
        answer, text = course.revealed()
        assert answer == step.reveal["holds"], f"step {i + 1} ({step.preset}): {text}"
        assert f"The run says {chr(ord('A') + answer)}" in bar.result.text() and text
        assert bar.answer_buttons[answer].property("measured")
        assert not course.note and page.lab.iteration >= 0
        page.lab.pause()
        qtbot.waitUntil(lambda p=page: not p.lab.busy, timeout=30_000)
    qtbot.keyClick(win, Qt.Key.Key_PageDown)  # past the last step: the results
    dialog = win.results_dialog
    assert dialog.isVisible() and dialog.table.rowCount() == len(path.steps)
    right = sum(s.reveal["holds"] == 0 for s in path.steps)
    assert f"confirmed {right} of your {len(path.steps)} predictions" in dialog.summary_label.text()
    dialog.close()


def step_index(path, preset: str) -> int:
    return next(i for i, s in enumerate(path.steps) if s.preset == preset)


def test_a_steps_measurement_waits_for_play(qtbot, shown):
    """The No b step's measurement (its preset's action) would show the answer at once: it waits
    for Play, and the answer with it."""
    course = shown.course
    course.start("")
    course.go(step_index(course.path, "No b: batch norm makes a layer's bias useless"))
    lab = shown.current_page.lab
    qtbot.wait(300)
    assert lab.bias is None and course.revealed() is None
    lab.play()
    qtbot.waitUntil(lambda: course.revealed() is not None, timeout=30_000)
    lab.pause()
    assert lab.bias is not None and course.revealed()[0] == 2
    qtbot.waitUntil(lambda: not lab.busy, timeout=10_000)


def test_leaving_the_course_shows_the_preset_notes_again_and_pgdn_steps_presets(qtbot, shown):
    course = shown.course
    course.start("")
    course.go(step_index(course.path, "Ravine: SGD zig-zags, momentum glides"))
    page = shown.current_page
    assert page.preset is not None and not page.preset_bar.isVisible()
    qtbot.mouseClick(shown.course_bar.close_button, Qt.MouseButton.LeftButton)
    assert not course.active and not shown.course_bar.isVisible() and page.preset_bar.isVisible()
    qtbot.keyClick(shown, Qt.Key.Key_PageDown)  # the page's next preset, as before
    assert page.preset["name"] != "Ravine: SGD zig-zags, momentum glides" and not course.active


def test_a_changed_setting_says_the_step_is_no_longer_measured(shown):
    course = shown.course
    course.start("")
    course.go(step_index(course.path, "Ravine: SGD zig-zags, momentum glides"))
    shown.current_page.lab.set_surface("bowl")
    assert "changed by hand" in course.note and "changed by hand" in shown.course_bar.result.text()
    course.go(course.progress.index)  # ⟲: the step again, as it started
    assert not course.note and shown.current_page.preset is not None


def test_the_session_remembers_where_the_course_was(qtbot, tmp_path):
    from ui.main_window import MainWindow

    file = tmp_path / "session.json"
    first = MainWindow(session_path=file)
    qtbot.addWidget(first)
    assert first.course.start("") and first.course.go(5)
    first.course.pick(1)
    first.close()
    saved = json.loads(file.read_text(encoding="utf-8"))["course"]
    assert saved["active"] and saved["progress"]["index"] == 5
    again = MainWindow(session_path=file)
    qtbot.addWidget(again)
    course = again.course
    assert course.active and course.progress.index == 5 and course.progress.picks == {5: 1}
    assert again.current_key == course.path.steps[5].lab and not again.course_bar.isHidden()
    again.close()


def test_a_bad_path_file_is_named_by_step_and_field_and_the_course_stays(shown, tmp_path):
    course = shown.course
    course.start("")
    course.go(3)
    data = load_path().to_dict()
    data["steps"][1]["reveal"] = {"holds": 7}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert not course_menu.open_path(shown, str(bad))
    said = shown.statusBar().currentMessage() + shown.statusBar().toolTip()
    assert "step 2: reveal['holds']" in said
    assert course.active and course.progress.index == 3 and len(course.path.steps) == len(data["steps"])


def test_a_teacher_adds_the_page_as_a_step_and_saves_the_path(shown, tmp_path):
    preset = next(p for p in shown.presets if p["name"] == "Ravine: SGD zig-zags, momentum glides")
    assert not course_menu.add_page_as_step(shown, "Who wins?", ["SGD", "Momentum"], 1)  # no preset yet
    assert shown.apply_preset(preset)
    assert course_menu.add_page_as_step(shown, "Who wins?", ["Momentum", "SGD"], 0)
    course = shown.course
    assert course.active and course.count == 1 and course.step.question == "Who wins?"
    assert not course_menu.add_page_as_step(shown, "Only one answer?", ["yes"], 0)  # refused by name
    assert course.count == 1
    file = tmp_path / "mine.json"
    assert course_menu.save_path(shown, str(file))
    again = load_path(file)
    assert again == course.path and again.steps[0].preset == preset["name"]
    assert read_path(json.loads(file.read_text(encoding="utf-8")), known()) == again


def test_a_student_exports_their_results(qtbot, shown, tmp_path):
    course = shown.course
    course.start("")
    course.go(step_index(course.path, "The notes' bowl: J(w) = w² − 10w + 25"))
    course.pick(1)
    lab = shown.current_page.lab
    lab.set_speed(lab.MAX_SPEED)
    lab.play()
    qtbot.waitUntil(lambda: course.revealed() is not None, timeout=30_000)
    lab.pause()
    dialog = course_menu.show_results(shown)
    file = tmp_path / "results.csv"
    assert dialog.export(str(file))
    rows = list(csv.DictReader(file.open(encoding="utf-8")))
    assert len(rows) == course.count
    row = rows[course.progress.index]
    assert row["confirmed"] == "yes" and row["measured"] == "At 5" and "w reached 5" in row["measurement"]
    assert "confirmed 1 of your 1 predictions" in dialog.summary_label.text()
    dialog.close()
