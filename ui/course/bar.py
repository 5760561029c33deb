"""The course bar, above the pages while a course path is on: the step number and the notes'
point, the question in large type, one button per answer, and what the run measured. ◀ and ▶
(PgUp and PgDn, a presentation clicker's keys) move between steps; ⟲ opens the step again; ×
leaves the course. It stays in Stage view: a step is its question and its picture."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton, QVBoxLayout

from ui.framework.preset_bar import OneLine, escape
from ui.framework.style import ERROR_COLOR, HIGHLIGHT_BACKGROUND, OK_COLOR, themed

MAX_ANSWERS = 4
# The picked answer filled, the answer the run gave outlined in green (both, when they agree).
ANSWER_SHEET = ("QPushButton { padding: 3px 8px; }"
                " QPushButton:checked { background: #2a6fdb; color: white; font-weight: bold; }"
                " QPushButton[measured=\"true\"] { border: 3px solid #1b7a3a; font-weight: bold; }")


class CourseBar(QFrame):
    """``where`` (step n / N and the quote), ``question``, ``answer_buttons``, ``result`` and the
    buttons ``prev_button``, ``next_button``, ``again_button``, ``close_button``."""

    def __init__(self, course) -> None:
        super().__init__()
        self.course = course
        self.setObjectName("course_bar")
        self.setStyleSheet(f"#course_bar {{ background: {HIGHLIGHT_BACKGROUND}; border: 1px solid #d8c070;"
                           " border-radius: 3px; }")
        self.where = OneLine()
        self.question = QLabel()
        self.question.setWordWrap(True)
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.question.setFont(font)
        self.question.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.answer_buttons = []
        answers = QHBoxLayout()
        answers.setSpacing(6)
        for i in range(MAX_ANSWERS):
            b = QPushButton()
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays Play, not "press this answer"
            b.clicked.connect(lambda _=False, i=i: course.pick(i))
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            b.setStyleSheet(ANSWER_SHEET)
            answers.addWidget(b, 1)
            self.answer_buttons.append(b)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.prev_button = self._tool("◀", "Previous step (PgUp)", course.previous)
        self.next_button = self._tool("▶", "Next step (PgDn); after the last, your results", course.next)
        self.again_button = self._tool("⟲", "Open this step again, as it started",
                                       lambda: course.go(course.progress.index))
        self.close_button = self._tool("×", "Leave the course (Course > Resume brings it back)", course.leave)
        text = QVBoxLayout()
        text.setSpacing(3)
        text.addWidget(self.where)
        text.addWidget(self.question)
        text.addLayout(answers)
        text.addWidget(self.result)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 3, 2, 3)
        lay.addWidget(self.prev_button, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addLayout(text, 1)
        for b in (self.next_button, self.again_button, self.close_button):
            lay.addWidget(b, 0, Qt.AlignmentFlag.AlignTop if b is not self.next_button
                          else Qt.AlignmentFlag.AlignVCenter)
        course.changed.connect(self.refresh)
        self.refresh()

    def _tool(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.clicked.connect(lambda *_: slot())
        return b

    def refresh(self) -> None:
        course = self.course
        step = course.step
        self.setVisible(step is not None)
        if step is None:
            return
        i = course.progress.index
        self.where.set_full(f"Step {i + 1} / {course.count} · {course.path.title} · “{step.quote}”")
        do = f"<br><span style='font-weight:normal; font-size:small'>{escape(step.do)}</span>"
        self.question.setText(escape(step.question) + (do if step.do else ""))
        picked = course.progress.picks.get(i)
        revealed = course.revealed()
        measured = revealed[0] if revealed is not None else None
        for k, b in enumerate(self.answer_buttons):
            b.setVisible(k < len(step.answers))
            if k < len(step.answers):
                b.setText(f"{chr(ord('A') + k)}. {step.answers[k]}")
                b.setToolTip(step.answers[k])
                b.setChecked(k == picked)
                if b.property("measured") != (k == measured):
                    b.setProperty("measured", k == measured)
                    b.style().unpolish(b)  # the sheet's [measured="true"] rule, applied again
                    b.style().polish(b)
        self.prev_button.setEnabled(i > 0)
        self.result.setText(self._result_html(step, picked))
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The wrapped texts whole at the bar's width (a label that asks no width is not given
        the height its lines need), and the answers tall enough for the measured one's border."""
        for label in (self.question, self.result):
            need = label.heightForWidth(max(label.width(), 100))
            if need > 0 and label.minimumHeight() != need:
                label.setMinimumHeight(need)
        tall = self.fontMetrics().height() + 14
        for b in self.answer_buttons:
            if b.minimumHeight() != tall:
                b.setMinimumHeight(tall)

    def _result_html(self, step, picked: int | None) -> str:
        course = self.course
        revealed = course.revealed()
        if revealed is None:
            if course.note:
                return f"<span style='color:{themed(ERROR_COLOR)}'>{escape(course.note)}</span>"
            first = "Pick an answer, then" if picked is None else "Now"
            return f"{first} press Play (Space): the run answers it."
        answer, text = revealed
        if answer is None:
            return (f"<b>This run did not show it.</b> Measured: {escape(text)} "
                    "⟲ opens the step again.")
        letter = chr(ord("A") + answer)
        verdict = ""
        if picked is not None:
            good = picked == answer
            colour = themed(OK_COLOR if good else ERROR_COLOR)
            said = "✓ Your prediction was right." if good else "✗ Not what you predicted."
            verdict = f" <span style='color:{colour}'><b>{said}</b></span>"
        said = f"<b>The run says {letter}: {escape(step.answers[answer])}.</b>"
        return f"{said}{verdict} Measured: {escape(text)}"


__all__ = ["CourseBar"]
