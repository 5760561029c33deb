"""The main window: one tab per lab in LABS, the menus, presets, setups, exports and the saved
session. It names no lab: everything here loops over the registry."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from . import about, session
from .autosave import SessionKeeper
from .controllers import Labs
from .course import menu as course_menu
from .course.bar import CourseBar
from .course.controller import Course
from .framework import export
from .framework.presentation import install_view_menu
from .labs import LABS, entry_for
from .pages import Pages
from .window_exports import ExportActions


def load_presets() -> list[dict]:
    """Every lab's presets, in LABS order, each tagged with its lab's key as "page"."""
    return [p for entry in LABS for p in entry.presets()]


class MainWindow(ExportActions, QMainWindow):
    """Descent's window. ``session_path=None`` neither restores nor saves the session."""

    def __init__(self, session_path: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Descent: how deep networks are made to train well")
        self.session_path = session_path
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # A lab's controller and its page when they are first wanted (``ui.controllers``,
        # ``ui.pages``): at start-up, the page in front's.
        self._note = ""  # what a held session part that failed said (over the hint of its page)
        self.labs = Labs(self, self._held_part_failed)
        self.pages = Pages(self.labs, self._page_built)
        for entry in LABS:
            self.tabs.addTab(self.pages.slots[entry.key], entry.title)
        self.presets = load_presets()
        self.course = Course(self)  # the course path: the notes in order, predict then see
        self.course_bar = CourseBar(self.course)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.course_bar)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._run_state = QLabel("paused")
        self._run_state.setContentsMargins(12, 0, 6, 0)  # a gap after the message, however long
        self.statusBar().addPermanentWidget(self._run_state)
        self.labs.each(lambda _key, lab: lab.running_changed.connect(
            lambda on: self._run_state.setText("running" if on else "paused")))
        self._build_menus()
        self.resize(1280, 800)
        self.keeper: SessionKeeper | None = None
        self.recording: export.GifRecording | None = None
        if session_path is not None:
            self.keeper = SessionKeeper(Path(session_path), lambda: self.state(every_lab=False), self._say,
                                        self)
            self._restore_session()
            self.keeper.start()
        # Only the page in front runs: leaving a page pauses it. Built now: the one in front (its
        # lab loads its part of the session, which may have something to say).
        self.tabs.currentChanged.connect(self._page_changed)
        self.current_page  # noqa: B018 - built now, with the window
        if not self.statusBar().currentMessage():  # a note about the session comes first
            self._say(self.current_page.hint, 10000)
        self._initial_course = json.dumps(self.course.state())  # to tell whether the user made anything
        install_view_menu(self)  # View: fullscreen, zoom, theme; fits the window to its screen
        self.presentation.theme_changed.connect(lambda _: self.course_bar.refresh())  # its colours

    # -- menus ----------------------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _=False: slot())
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open setup…", self.open_setup, QKeySequence.StandardKey.Open)
        self._action(file_menu, "&Save setup…", self.save_setup, QKeySequence.StandardKey.Save)
        self._action(file_menu, "Save this &page's setup…", lambda: self.save_setup(only_page=True))
        self._action(file_menu, "Open a &course path…", lambda: course_menu.open_path(self))
        self._action(file_menu, "Cop&y setup (text)", self.copy_setup, "Ctrl+Shift+C")
        self._action(file_menu, "Pas&te setup (text)", self.paste_setup, "Ctrl+Shift+V")
        file_menu.addSeparator()
        self._action(file_menu, "Export &picture…", self.export_picture, "Ctrl+E")
        self._action(file_menu, "Export picture for &slides (2×)…", lambda: self.export_picture(scale=2))
        self._action(file_menu, "Export one p&lot (PNG, SVG or CSV)…", self.export_plot)
        self.gif_action = self._action(file_menu, "Record animated &GIF…", self.toggle_gif)
        self._action(file_menu, "Export as &CSV…", self.export_csv)
        file_menu.addSeparator()
        quit_action = self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        if quit_action.shortcut().isEmpty():  # a platform without a standard Quit key
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        run = bar.addMenu("&Run")
        for text, name in (("Play / pause\tSpace", "toggle"), ("Step\tRight", "step"),
                           ("Reset\tR", "reset")):
            self._action(run, text, lambda n=name: getattr(self.current_page.lab, n)())

        self.presets_menu = bar.addMenu("&Presets")
        if not self.presets:
            self.presets_menu.addAction("(no presets found)").setEnabled(False)
        for entry in LABS:
            mine = [p for p in self.presets if p["page"] == entry.key]
            if mine:
                self.presets_menu.addSection(entry.title)
            for p in mine:
                act = self._action(self.presets_menu, p["name"], lambda p=p: self.apply_preset(p))
                act.setStatusTip(p.get("claim", ""))
        self.presets_menu.addSeparator()
        # What a presentation clicker sends: the next or the previous preset of the page in front,
        # or, while a course path is on, its next or previous step.
        self._action(self.presets_menu, "&Next preset of this page (or course step)",
                     lambda: self.clicker(1), "PgDown")
        self._action(self.presets_menu, "P&revious preset of this page (or course step)",
                     lambda: self.clicker(-1), "PgUp")
        course_menu.install(self, bar.addMenu("&Course"))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "This &lab…", self.show_lab_help)
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "&About Descent", self.show_about)

    # -- pages ----------------------------------------------------------------------------------

    @property
    def current_page(self):
        """The page in front (built now if it was not)."""
        return self.pages[self.current_key]

    @property
    def current_key(self) -> str:
        return self.pages.key_of(self.tabs.currentWidget())

    def show_page(self, key: str):
        """Bring the page of lab ``key`` to the front (ValueError for an unknown key)."""
        key = entry_for(key).key
        self.tabs.setCurrentWidget(self.pages.slots[key])
        return self.pages[key]

    def _page_changed(self, _index: int) -> None:
        key = self.current_key
        for other, lab in self.labs.made().items():
            if other != key:
                lab.pause()
        self._note = ""
        page = self.pages[key]  # built now if it was not (its lab's held part may fail to load)
        self._say(self._note or page.hint, 20000 if self._note else 10000)

    def _page_built(self, page) -> None:
        """A page just made: the zoom, theme and Stage in force, and the course's hold on it."""
        presentation = getattr(self, "presentation", None)
        if presentation is not None:
            presentation.adopt(page)
        course = getattr(self, "course", None)
        if course is not None:
            course.adopt(page)

    def say(self, text: str, ms: int = 10000) -> None:
        self._say(text, ms)

    def _say(self, text: str, ms: int = 6000) -> None:
        """A note in the status bar for ``ms``, cut in the middle with "…" where it would run into
        the run state ("paused"): its start says what happened and its end why (a long path sits
        between them); the whole of it in the bar's tooltip."""
        bar = self.statusBar()
        room = bar.width() - self._run_state.sizeHint().width() - 24
        shown = bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, room) if room > 80 else text
        bar.setToolTip(text if shown != text else "")
        bar.showMessage(shown, ms)

    # -- state ----------------------------------------------------------------------------------

    def _keys(self) -> dict[str, str]:
        return {k: entry.key for entry in LABS for k in (entry.key, *entry.aliases)}

    def state(self, only_page: bool = False, every_lab: bool = True) -> dict:
        """Every lab's state (or the page in front's only), in the session file's format. Without
        ``every_lab`` (the session, saved every few seconds) the labs not made yet are not made:
        they give their held part of the session, if any (``Labs.states``)."""
        keys = (self.current_key,) if only_page else tuple(self.labs)
        packed = session.pack(self.labs.states(keys, make=every_lab), self.current_key)
        course = None if only_page else self.course.state()
        if course is not None:  # where the class is on the course path
            packed["course"] = course
        return packed

    def load_state(self, data, hold: bool = False) -> bool:
        """Load a saved setup or session, of this version or an older one; True if every lab in
        it loaded (each lab that fails says why and keeps its state). With ``hold`` (the session
        at start-up) a lab not made yet holds its part until it is (``Labs.load``)."""
        notes: list[str] = []
        try:
            # The first setups, from when Descent had one lab, hold that lab's settings alone.
            states, current = session.unpack(data, self._keys(), first=LABS[0].key, notes=notes)
        except ValueError as exc:
            self._say(f"Could not read this setup: {exc}", 10000)
            return False
        ok = not notes
        if notes:
            self._say("Read as far as possible: " + "; ".join(notes), 10000)
        for key, state in states.items():
            ok = self.labs.load(key, state, hold) and ok
        if current is not None:
            self.tabs.setCurrentWidget(self.pages.slots[current])
        if isinstance(data, dict) and "course" in data:
            self.course.restore(data["course"])
        return ok

    # -- actions --------------------------------------------------------------------------------

    def apply_preset(self, preset: dict) -> bool:
        page = self.show_page(preset.get("page", LABS[0].key))
        ok = page.lab.load(preset["settings"])
        if ok:  # the page's preset bar shows its title, claim and caption while it is in force
            page.show_preset(preset)
        return ok

    def clicker(self, delta: int) -> bool:
        """PgDn (1) or PgUp (-1): the course's next or previous step while a course is on, else
        the page's next or previous preset."""
        if self.course.active:
            return self.course.next() if delta > 0 else self.course.previous()
        return self.step_preset(delta)

    def step_preset(self, delta: int) -> bool:
        """The page in front's next (``delta`` 1) or previous (-1) preset, after the one in force
        (the first or the last if none is); False if the page has none."""
        mine = [p for p in self.presets if p["page"] == self.current_key]
        if not mine:
            self._say(f"The {self.current_page.title} page has no presets")
            return False
        names = [p["name"] for p in mine]
        now = self.current_page.preset
        i = names.index(now["name"]) + delta if now is not None and now.get("name") in names else \
            (0 if delta > 0 else -1)
        return self.apply_preset(mine[i % len(mine)])

    def _ask_path(self, save: bool, title: str, default: str, kind: str) -> str:
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = dialog(self, title, default, kind)
        return path

    def open_setup(self, path: str | None = None) -> bool:
        path = path or self._ask_path(False, "Open setup", "", "Descent setup (*.json)")
        return bool(path) and self._load_from(lambda: session.read_json(Path(path)),
                                              f"Could not open {path}", f"Opened {path}")

    def _load_from(self, read, failed: str, done: str) -> bool:
        """Load the state ``read()`` gives; the status bar says ``done`` (a text, or a function
        giving one), or ``failed`` and why."""
        try:
            data = read()
        except (OSError, ValueError) as exc:
            self._say(f"{failed}: {exc}", 10000)
            return False
        ok = self.load_state(data)
        if ok:
            self._say(done() if callable(done) else done)
        return ok

    def save_setup(self, path: str | None = None, only_page: bool = False) -> bool:
        """Every page's state (or only the page in front's) as a versioned JSON file."""
        path = path or self._ask_path(True, "Save setup", "descent-setup.json",
                                      "Descent setup (*.json)")
        if not path:
            return False
        try:
            session.write_atomic(Path(path), json.dumps(self.state(only_page), indent=2))
        except (OSError, ValueError) as exc:
            self._say(f"Could not save {path}: {exc}", 10000)
            return False
        self._say(f"Saved {path}")
        return True

    def copy_setup(self) -> str:
        """The page in front's setup as one line of text on the clipboard, for a chat or a
        course page ("descent:1:…"); File > Paste setup loads it."""
        text = session.to_text(self.state(only_page=True))
        QApplication.clipboard().setText(text)
        self._say(f"Copied the {self.current_page.title} setup ({len(text)} characters)")
        return text

    def paste_setup(self, text: str | None = None) -> bool:
        """Load a setup copied with Copy setup (from the clipboard unless ``text`` is given)."""
        text = QApplication.clipboard().text() if text is None else text
        return self._load_from(lambda: session.from_text(text), "Could not paste a setup",
                               lambda: f"Pasted the {self.current_page.title} setup")

    def show_lab_help(self) -> None:
        page = self.current_page
        QMessageBox.information(self, page.title, page.help_html or page.hint)

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", self.shortcuts_text())

    def shortcuts_text(self) -> str:
        """Every key the window answers (what F1 shows; see ``about.shortcuts_text``)."""
        return about.shortcuts_text(self)

    def show_about(self) -> QMessageBox:
        return about.show_about(self)

    # -- session --------------------------------------------------------------------------------

    def _restore_session(self) -> None:
        """Load the saved session as far as it can be read; a file that could not be fully read
        is kept aside (as "<name>.bak") before the session is saved over it, and that is said."""
        keeper = self.keeper
        said = [keeper.note] if keeper.note else []
        try:
            data = keeper.read()
        except (OSError, ValueError) as exc:
            said.insert(0, f"Ignored the saved session ({exc}); {keeper.keep_aside()}")
            data = None
        if data is not None and not self.load_state(data, hold=True):
            said.insert(0, "Parts of the saved session could not be read (see each page's "
                        f"message); {keeper.keep_aside()}")
        if said:
            self._say(". ".join(said), 20000)

    def _held_part_failed(self, key: str) -> None:
        """Lab ``key``'s part of the saved session, held until it was made, did not load: the file
        is kept aside as it was read (once), and every other held part is loaded now, so that all
        that could not be read is said at once and none of it is saved again."""
        if self.keeper is None:
            return
        for other in self.labs.held():
            self.labs[other]  # noqa: B018 - made now, its part loaded
        self._note = ("Parts of the saved session could not be read (see each page's message); "
                      f"{self.keeper.keep_aside()}")
        self._say(self._note, 20000)

    @property
    def unsaved(self) -> bool:
        """User-made work that closing would lose: the state differs from the last saved session,
        or from the start when there is no session (``--fresh``) or its save failed."""
        if self.keeper is not None and self.keeper.saving and not self.keeper.failed:
            return False  # saved every few seconds and once more when the window closes
        return json.dumps(self.course.state()) != self._initial_course or any(
            json.dumps(lab.state()) != self.labs.initial[key] for key, lab in self.labs.made().items())

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.spontaneous() and not self.may_close():
            event.ignore()
            return
        if self.recording is not None:
            self.recording.finish()
        for page in self.pages.built():
            page.shutdown()
        for lab in self.labs.made().values():
            lab.shutdown()
        if self.keeper is not None:
            self.keeper.stop()
        super().closeEvent(event)

    def may_close(self) -> bool:
        """True unless closing would lose work (``unsaved``) and the user, asked, keeps the
        window open (or saving the setup they asked for fails)."""
        return not self.unsaved or self._may_discard()

    def _may_discard(self) -> bool:
        """Asked when the user closes the window with work the session cannot keep."""
        why = (f"The session could not be saved ({self.keeper.failed})." if self.keeper
               and self.keeper.failed else "This window does not keep a session.")
        answer = QMessageBox.question(
            self, "Close Descent?", f"{why} Save your setup before closing?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_setup()
        return answer == QMessageBox.StandardButton.Discard

