"""The handout: every step of a course path rendered after its run, into ``index.html`` and one PNG
per step, ready to print or put online (``main.py --handout DIR``, no display needed).

Each step is opened as the class would open it, played at the top speed until its claim is
measured (the class's actions, where the step asks for them, done as a teacher would), and the
window is drawn: the question, the answers with the one the run gave, the measurement's words,
and the picture that answers it.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from simulator.course import Step
from ui.framework import export
from ui.session import write_atomic

STEP_TIMEOUT_S = 180.0  # the slowest default step takes a few seconds; a stuck one is reported


def act_for(window, step: Step) -> None:
    """What the class does beyond Play where a step asks for it (its "do"), once it is due:
    Coarse to fine's Zoom on the best and Resample after round 1; Panda's α raised at epoch 30."""
    lab = window.pages[step.lab].lab
    lesson = lab.lessons.get(lab.lesson_key) if hasattr(lab, "lessons") else None
    if step.measure == "coarse_to_fine" and lesson.rounds == 1 and lesson.done and not lab.busy:
        lab.act("coarse", "zoom_on_best")
        lab.act("coarse", "resample")
        lab.play()
    elif step.measure == "panda" and lesson.iteration >= 30 and lesson.current("lr") < 0.01:
        lab.configure("panda", lr=0.01)


def play_step(window, index: int, timeout_s: float = STEP_TIMEOUT_S) -> tuple[int | None, str] | None:
    """Open step ``index``, play it at the top speed until its answer is revealed (or
    ``timeout_s`` passes: None), then pause; the window as the run left it."""
    course, app = window.course, QApplication.instance()
    course.go(index)
    step, page = course.step, window.current_page
    page.lab.set_speed(page.lab.MAX_SPEED)
    page.lab.play()
    end = time.monotonic() + timeout_s
    while course.revealed() is None and time.monotonic() < end:
        act_for(window, step)
        app.processEvents()
        time.sleep(0.002)
    page.lab.pause()
    while page.lab.busy and time.monotonic() < end + 10:  # a worker finishing its last unit
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    return course.revealed()


def _answers_html(step: Step, answer: int | None) -> str:
    items = []
    for k, text in enumerate(step.answers):
        mark = " <b>← the run's answer</b>" if k == answer else ""
        items.append(f"<li{' class=answer' if k == answer else ''}>{html.escape(text)}{mark}</li>")
    return "<ol type=A>" + "".join(items) + "</ol>"


STYLE = ("body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em;line-height:1.4}"
         "section{page-break-inside:avoid;border-top:1px solid #ccc;padding-top:1em;margin-top:1em}"
         "blockquote{color:#555;font-style:italic;margin-left:1em}li.answer{color:#1b7a3a}"
         "img{width:100%;border:1px solid #ddd}.lab{color:#777;font-size:small}")


def write_handout(window, folder: Path, say: Callable[[str], None] = print) -> int:
    """Render every step of the course path in force into ``folder`` (made if missing): one
    ``step-NN.png`` each and ``index.html``. Returns how many steps showed their answer."""
    course = window.course
    path = course.path
    folder.mkdir(parents=True, exist_ok=True)
    sections, shown = [], 0
    for i, step in enumerate(path.steps):
        started = time.monotonic()
        revealed = play_step(window, i)
        answer, text = revealed if revealed is not None else (None, "")
        image = f"step-{i + 1:02d}.png"
        export.save_png(window, folder / image, 1.0)
        shown += answer is not None
        said = (f"Measured on this run: {html.escape(text)}" if answer is not None else
                f"This run did not show it. {html.escape(text) or 'It was not measured in time.'}")
        sections.append(
            f"<section id=step-{i + 1}><h2>Step {i + 1}. {html.escape(step.question)}</h2>"
            f"<p class=lab>{html.escape(window.pages[step.lab].title)} · "
            f"{html.escape(step.preset or step.measure)}</p>"
            f"<blockquote>{html.escape(step.quote)}</blockquote>"
            + (f"<p><i>{html.escape(step.do)}</i></p>" if step.do else "")
            + _answers_html(step, answer) + f"<p>{said}</p><img src='{image}' alt='Step {i + 1}'>"
            "</section>")
        say(f"step {i + 1}/{len(path.steps)} ({time.monotonic() - started:.1f} s): "
            + (f"the run says {step.answers[answer]!r}" if answer is not None else "not shown"))
    page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(path.title)}</title>"
            f"<style>{STYLE}</style><h1>{html.escape(path.title)}</h1>"
            f"<p>{len(path.steps)} steps. Each was run in Descent, and its answer is what that run "
            "measured, with the function its claim's tests run on several seeds.</p>"
            + "".join(sections) + "</html>\n")
    write_atomic(folder / "index.html", page)
    return shown


__all__ = ["STEP_TIMEOUT_S", "act_for", "play_step", "write_handout"]
