"""What every lab's page shares: title, hint, help, the message line, the preset bar, exports and
shutdown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .controller import LabController
from .frames import watch
from .preset_bar import PresetBar, escape
from .style import ERROR_COLOR, themed
from .widgets import run_shortcuts, size_to_current, three_columns


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
    view_tabs: QTabWidget | None = None  # the main view's tabs, which a preset's "view" names

    def __init__(self, lab: LabController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = lab
        if lab.parent() is None:
            lab.setParent(self)
        self.message_line = QLabel()
        self.message_line.setWordWrap(True)
        # Its text never sets the window's width: a message quoting a long pasted value is cut
        # at the window's edge (a 20,000-character paste made the window 141,905 px wide).
        self.message_line.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message_line.setStyleSheet("color: #333; padding: 2px;")
        self.message_line.setObjectName("message_line")
        lab.error.connect(lambda text: self.show_message(text, error=True))
        lab.message.connect(self.show_message)
        self.preset_bar = PresetBar()
        # A setting changed by hand ends the preset (a preset's own load emits before it is shown);
        # what leaves the settings as they were (the class's actions, α changed in a live run)
        # does not, so the claim can still be measured after it.
        self._preset_settings: dict | None = None
        lab.settings_changed.connect(self._settings_changed_by_hand)
        lab.stepped.connect(self._measure)
        self._measured_at: int | None = None  # the iteration the shown verdict was measured at

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Its window tells the worker when a frame is painted (``frames.watch``)."""
        super().showEvent(event)
        watch(self)

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
        self.middle = QVBoxLayout(middle)
        self.middle.setContentsMargins(0, 0, 0, 0)
        self.middle.setSpacing(2)
        self.middle.addWidget(self.preset_bar)
        self.middle.addWidget(centre, 1)
        self.main_view = centre
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.columns = three_columns(controls, middle, right, sizes, pinned=self.run_box)
        lay.addWidget(self.columns, 1)
        lay.addWidget(self.message_line)
        self.run_keys = run_shortcuts(self, self.lab)
        self.staged = False
        # A tab widget's pages too; not a view that is a stack of its own (the 3D view, whose
        # refused GL context must raise into the code that showed it, not into a slot).
        for stack in self.findChildren(QStackedWidget):
            if type(stack) is QStackedWidget:
                size_to_current(stack)

    def set_stage(self, on: bool) -> None:
        """Stage view (View > Stage): the main view alone, under its Play/Step/Reset row and a
        one-line preset caption; the controls and the explanation fold away, and come back as
        they were. For a projector: the picture gets the room."""
        on = bool(on)
        if on == self.staged or self.run_box is None:
            return
        self.staged = on
        home = self.columns.widget(0).layout()
        (home if on else self.middle).removeWidget(self.run_box)
        if on:  # at its own width, on the left: a row of buttons, not a bar across the picture
            self.middle.insertWidget(0, self.run_box, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            home.insertWidget(0, self.run_box)
        self.run_box.show()
        self.columns.set_stage(on)
        self.preset_bar.set_compact(on)

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
            self.message_line.setText(f"<span style='color:{themed(ERROR_COLOR)}'>{escape(text)}</span>")
        else:
            self.message_line.setText(escape(text))

    @property
    def preset(self) -> dict | None:
        """The preset in force (shown in the bar), or None."""
        return self.preset_bar.preset

    def show_preset(self, preset: dict) -> None:
        """Show a just-loaded preset's title, claim and caption above the views, until the user
        dismisses it, changes a setting by hand or loads another preset; and open the tab of the
        main view it describes (its "view", e.g. "Twins")."""
        self.preset_bar.set_verdict(None)
        self._measured_at = None
        self._preset_settings = self.lab.settings_dict()
        self.preset_bar.show_preset(preset)
        for action in preset.get("actions", []):
            try:
                self.lab.preset_action(action)
            except ValueError as exc:
                self.show_message(str(exc), error=True)
        self._measure()
        tabs = self.view_tabs
        for i in range(tabs.count() if tabs is not None else 0):
            if tabs.tabText(i) == preset.get("view"):
                tabs.setCurrentIndex(i)

    def _settings_changed_by_hand(self) -> None:
        if self.preset_bar.preset is not None and self.lab.settings_dict() != self._preset_settings:
            self.preset_bar.dismiss()

    def _measure(self) -> None:
        """Once the run in front is long enough, measure the preset's claim on it (the function its
        test calls on several seeds) and show the verdict; a reset clears it, to be measured again."""
        preset = self.preset_bar.preset
        if preset is None or "measure" not in preset:
            return
        iteration = self.lab.iteration
        if self._measured_at is not None and iteration >= self._measured_at:
            return  # measured on this run already
        verdict = self.lab.measure_claim(str(preset["measure"]))
        self._measured_at = iteration if verdict is not None else None
        self.preset_bar.set_verdict(verdict)

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
