"""What every lab's page shares: title, hint, help, the message line, exports and shutdown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .controller import LabController
from .style import ERROR_COLOR
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

    def assemble(self, controls: QWidget, centre: QWidget, right: QWidget,
                 sizes: tuple[int, int, int]) -> None:
        """Lay out the three columns over the message line and install the run keys. The
        controls' ``run_box`` (a ``RunBox``) gives the page its ``play_button`` and the rest."""
        self.run_box = getattr(controls, "run_box", None)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(three_columns(controls, centre, right, sizes), 1)
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
            self.message_line.setText(f"<span style='color:{ERROR_COLOR}'>{_escape(text)}</span>")
        else:
            self.message_line.setText(_escape(text))

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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
