"""What every lab's page shares: title, hint, help, the message line, the preset bar, exports and
shutdown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QTextBrowser, QToolButton, QVBoxLayout, QWidget

from .controller import LabController
from .style import ERROR_COLOR, HIGHLIGHT_BACKGROUND, themed
from .widgets import run_shortcuts, three_columns


class LabPage(QWidget):
    """A lab's page: it assembles a panel of controls, the views and a readout column around one
    controller, and adds the message line where the controller's errors and notes appear.

    Subclasses set ``title``, ``hint`` (shown in the status bar when the page comes to the front)
    and ``help_html`` (the lab's help), build their parts in ``__init__`` and call ``assemble``.
    ``csv_lines()`` returns the page's data for File > Export as CSV.
    """

    title = "Lab"
    hint = ""
    help_html = ""

    def __init__(self, lab: LabController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = lab
        if lab.parent() is None:
            lab.setParent(self)
        self.message_line = QLabel()
        self.message_line.setWordWrap(True)
        self.message_line.setStyleSheet("color: #333; padding: 2px;")
        self.message_line.setObjectName("message_line")
        lab.error.connect(lambda text: self.show_message(text, error=True))
        lab.message.connect(self.show_message)
        self.preset_bar = PresetBar()
        # A setting changed by hand ends the preset (a preset's own load emits before it is shown).
        lab.settings_changed.connect(self.preset_bar.dismiss)

    def assemble(self, controls: QWidget, centre: QWidget, right: QWidget,
                 sizes: tuple[int, int, int]) -> None:
        """Lay out the three columns over the message line and install the run keys. The
        controls' ``run_box`` (a ``RunBox``) gives the page its ``play_button`` and the rest.
        The run box is pinned above the controls' scroll area, and the preset bar sits at the
        top of the centre column, so the run buttons never scroll away nor move when it appears."""
        self.run_box = getattr(controls, "run_box", None)
        texts = [right] if isinstance(right, QTextBrowser) else right.findChildren(QTextBrowser)
        for text in texts:  # the explanations wrap to their column: never scroll sideways
            text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        middle = QWidget()
        col = QVBoxLayout(middle)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(self.preset_bar)
        col.addWidget(centre, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(three_columns(controls, middle, right, sizes, pinned=self.run_box), 1)
        lay.addWidget(self.message_line)
        run_shortcuts(self, self.lab)

    # Play, Step, Reset and the speed slider, wherever the panel put its run box.
    play_button = property(lambda self: self.run_box.play_button)
    step_button = property(lambda self: self.run_box.step_button)
    reset_button = property(lambda self: self.run_box.reset_button)
    speed_slider = property(lambda self: self.run_box.speed_slider)

    @property
    def message(self) -> str:
        """The text of the message line (plain, as shown)."""
        return self.message_line.property("plain") or ""

    def show_message(self, text: str, error: bool = False) -> None:
        """Show ``text`` in the page's own line, where it stays until the next message."""
        self.message_line.setProperty("plain", text)
        if error and text:
            self.message_line.setText(f"<span style='color:{themed(ERROR_COLOR)}'>{_escape(text)}</span>")
        else:
            self.message_line.setText(_escape(text))

    @property
    def preset(self) -> dict | None:
        """The preset in force (shown in the bar), or None."""
        return self.preset_bar.preset

    def show_preset(self, preset: dict) -> None:
        """Show a just-loaded preset's title, claim and caption above the views, until the user
        dismisses it, changes a setting by hand or loads another preset."""
        self.preset_bar.show_preset(preset)

    def csv_lines(self) -> list[str]:
        """A header line and the page's rows, for File > Export as CSV."""
        raise NotImplementedError

    def export_csv(self, path: str | Path) -> int:
        """Write ``csv_lines()`` to ``path``; returns the number of data rows (OSError on failure)."""
        lines = self.csv_lines()
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        # The header is the first line that is not a "#" comment (a comment may come first).
        return max(0, sum(1 for line in lines if not line.startswith("#")) - 1)

    def export_png(self, path: str | Path) -> bool:
        """A picture of the page as it is on screen."""
        return self.grab().save(str(path))

    def shutdown(self) -> None:
        """Stop the controller's timer and workers: the page or the window is closing."""
        self.lab.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)


class PresetBar(QFrame):
    """The preset in force: its title and claim in bold, its caption below, and a × to dismiss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preset_bar")
        self.setStyleSheet(f"#preset_bar {{ background: {HIGHLIGHT_BACKGROUND}; border: 1px solid #d8c070;"
                           " border-radius: 3px; }")
        self.preset: dict | None = None
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.caption_label = QLabel()
        self.caption_label.setWordWrap(True)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Hide the preset's note")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title_label)
        text.addWidget(self.caption_label)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 3, 2, 3)
        lay.addLayout(text, 1)
        lay.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_preset(self, preset: dict) -> None:
        self.preset = preset
        name, claim = _escape(str(preset.get("name", ""))), _escape(str(preset.get("claim", "")))
        self.title_label.setText(f"<b>Preset: {name}.</b> {claim}" if claim else f"<b>Preset: {name}</b>")
        self.caption_label.setText(_escape(str(preset.get("caption", ""))))
        self.caption_label.setVisible(bool(preset.get("caption")))
        self.show()

    def dismiss(self) -> None:
        self.preset = None
        self.hide()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
