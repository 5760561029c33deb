"""The Course menu: start the default path or open one, resume, see and export the results,
save the page in front as a new step, save the path, leave the course."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog

from simulator.course import CoursePath, Progress, read_step
from ui.session import write_atomic

from . import known
from .results import ResultsDialog


def install(window, menu) -> None:
    course = window.course
    window._action(menu, "&Start the course path (the notes in order)", lambda: course.start(""))
    window._action(menu, "&Open a course path…", lambda: open_path(window))
    window._action(menu, "&Resume where the course was", lambda: resume(window))
    window._action(menu, "Your &results…", lambda: show_results(window))
    menu.addSeparator()
    window._action(menu, "&Add this page as a step…", lambda: add_page_as_step(window))
    window._action(menu, "Sa&ve the course path as…", lambda: save_path(window))
    menu.addSeparator()
    window._action(menu, "&Leave the course", course.leave)
    window.show_course_results = lambda: show_results(window)


def open_path(window, file: str | None = None) -> bool:
    file = file or QFileDialog.getOpenFileName(window, "Open a course path", "",
                                               "Descent course path (*.json)")[0]
    return bool(file) and window.course.start(file)


def resume(window) -> bool:
    course = window.course
    if course.path is None:
        return course.start("")
    return course.go(course.progress.index)


def show_results(window) -> ResultsDialog | None:
    course = window.course
    if course.path is None:
        window.say("Start the course path first (Course > Start): the results are your predictions on it")
        return None
    dialog = ResultsDialog(window, course.path, course.progress)
    window.results_dialog = dialog  # kept, so that it stays open
    dialog.show()
    return dialog


def add_page_as_step(window, question: str | None = None, answers: list[str] | None = None,
                     holds: int = 0) -> bool:
    """The page in front's preset as a new step after the one in front (or the first of a new
    path): the teacher types the question, the answers (one per line) and which one the claim
    gives. A step needs a claim to measure: the page's preset in force."""
    page = window.current_page
    preset = page.preset
    if preset is None or "measure" not in preset:
        window.say("Load a preset on this page first: a step is measured by its preset's claim")
        return False
    if question is None:
        question, ok = QInputDialog.getText(window, "New step", "The question for the class:")
        if not ok:
            return False
        text, ok = QInputDialog.getMultiLineText(window, "New step", "Two to four answers, one per line; "
                                                 "the first is what the claim says:")
        if not ok:
            return False
        answers = [line for line in text.splitlines() if line.strip()]
    data = {"quote": preset.get("claim") or preset["name"], "lab": window.current_key,
            "preset": preset["name"], "question": question, "answers": answers, "reveal": {"holds": holds}}
    course = window.course
    try:
        step = read_step(data, course.count + 1, known())
    except ValueError as exc:
        window.say(f"Could not add the step: {exc}")
        return False
    if course.path is None:
        course.path, course.source, course.progress = CoursePath("My course path", (step,)), "", Progress()
        at = 0
    else:
        at = course.progress.index + 1 if course.active else course.count
        steps = list(course.path.steps)
        steps.insert(at, step)
        course.path = CoursePath(course.path.title, tuple(steps))
        course.source = ""  # no longer the file it came from: Save the path as… keeps it
    window.say(f"Added step {at + 1} of {course.count}: Course > Save the course path as… keeps it")
    return course.go(at)


def save_path(window, file: str | None = None) -> bool:
    course = window.course
    if course.path is None:
        window.say("There is no course path to save: start one, or add this page as a step")
        return False
    file = file or QFileDialog.getSaveFileName(window, "Save the course path", "course-path.json",
                                               "Descent course path (*.json)")[0]
    if not file:
        return False
    try:
        write_atomic(Path(file), json.dumps(course.path.to_dict(), indent=1, ensure_ascii=False) + "\n")
    except OSError as exc:
        window.say(f"Could not save {file}: {exc}")
        return False
    course.source = str(file)
    window.say(f"Saved the course path ({course.count} steps) to {file}")
    return True


__all__ = ["add_page_as_step", "install", "open_path", "resume", "save_path", "show_results"]
