"""The preset bar at the top of a page's main view: the preset in force, on one line so that the
picture keeps its room, with "more" for its claim and caption in full, and × to dismiss it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from .style import HIGHLIGHT_BACKGROUND


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class OneLine(QLabel):
    """Plain text on one line, cut with "…" where it does not fit (all of it in the tooltip); it
    asks for no width, so a long line never widens its column."""

    def __init__(self) -> None:
        super().__init__()
        self.full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_full(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight, self.width()))


class PresetBar(QFrame):
    """The preset in force: its title and claim on one line (``line``, elided), and with "more"
    (``more_button``) the claim in full (``title_label``) and the caption (``caption_label``);
    × (``close_button``) dismisses it. ``set_compact(True)`` (Stage view) keeps it to one line."""

    verdict_changed = Signal(object)  # a Verdict measured on the run in front, or None
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Quiet (a course step in front): the preset is in force and its claim measured, but the
        # bar stays hidden: its name and claim would give away the answer the class predicts.
        self.quiet = False
        self.setObjectName("preset_bar")
        self.setStyleSheet(f"#preset_bar {{ background: {HIGHLIGHT_BACKGROUND}; border: 1px solid #d8c070;"
                           " border-radius: 3px; }")
        self.preset: dict | None = None
        self.compact = False
        self.line = OneLine()
        font = self.line.font()
        font.setBold(True)
        self.line.setFont(font)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.caption_label = QLabel()
        self.caption_label.setWordWrap(True)
        # What the run in front measured of the claim (``set_verdict``): the claim's own test.
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.hide()
        self.verdict = None
        self.more_button = self._button("more", "Show the claim in full and what to look at", self._more)
        self.more_button.setCheckable(True)
        self.close_button = self._button("×", "Hide the preset's note", self.dismiss)
        text = QVBoxLayout()
        text.setSpacing(1)
        for label in (self.line, self.title_label, self.caption_label, self.verdict_label):
            text.addWidget(label)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 3, 2, 3)
        lay.addLayout(text, 1)
        lay.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @staticmethod
    def _button(text: str, tip: str, slot) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(lambda *_: slot())
        return b

    @property
    def expanded(self) -> bool:
        return self.more_button.isChecked() and not self.compact

    def _more(self) -> None:
        self.more_button.setText("less" if self.more_button.isChecked() else "more")
        if self.preset is not None:
            self.show_preset(self.preset)

    def set_compact(self, on: bool) -> None:
        """One line only, without "more" (Stage view); or the bar as the user left it."""
        self.compact = on
        if self.preset is not None:
            self.show_preset(self.preset)

    def show_preset(self, preset: dict) -> None:
        self.preset = preset
        name, claim = str(preset.get("name", "")), str(preset.get("claim", ""))
        self.line.set_full(f"Preset: {name}. {claim}" if claim else f"Preset: {name}")
        self.title_label.setText(f"<b>Preset: {escape(name)}.</b> {escape(claim)}" if claim
                                 else f"<b>Preset: {escape(name)}</b>")
        self.caption_label.setText(escape(str(preset.get("caption", ""))))
        self.more_button.setVisible(not self.compact)
        self.line.setVisible(not self.expanded)
        self.title_label.setVisible(self.expanded)
        self.caption_label.setVisible(self.expanded and bool(preset.get("caption")))
        self.verdict_label.setVisible(self.verdict is not None)
        self.setVisible(not self.quiet)

    def set_verdict(self, verdict) -> None:
        """Show what this run measured of the claim (a ``simulator.claims.Verdict``), or nothing."""
        self.verdict = verdict
        if verdict is None:
            self.verdict_label.clear()
        else:
            mark = "✓ Measured on this run:" if verdict.holds else "✗ Not on this run:"
            self.verdict_label.setText(f"<b>{mark}</b> {escape(verdict.text)}")
        self.verdict_label.setVisible(verdict is not None and self.preset is not None)
        self.verdict_changed.emit(verdict)

    def set_quiet(self, on: bool) -> None:
        """Hide the bar while the preset stays in force (``quiet``), or show it again."""
        self.quiet = bool(on)
        self.setVisible(self.preset is not None and not self.quiet)

    def dismiss(self) -> None:
        had = self.preset is not None
        self.preset = None
        self.set_verdict(None)
        self.hide()
        if had:
            self.dismissed.emit()
