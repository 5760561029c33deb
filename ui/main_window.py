"""The main window: one tab per lab in LABS, the menus, presets, setups, exports and the saved
session. It names no lab: everything here loops over the registry."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from . import session
from .labs import LABS, entry_for


def default_session_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config" / "descent") / "session.json"


def load_presets() -> list[dict]:
    """Every lab's presets, in LABS order, each tagged with its lab's key as "page"."""
    return [p for entry in LABS for p in entry.presets()]


class MainWindow(QMainWindow):
    """Descent's window. ``session_path=None`` neither restores nor saves the session."""

    def __init__(self, session_path: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Descent: how deep networks are made to train well")
        self.session_path = session_path
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages = {entry.key: entry.make_page() for entry in LABS}
        for entry in LABS:
            self.tabs.addTab(self.pages[entry.key], entry.title)
        # Only the page in front runs: leaving a page pauses it.
        self.tabs.currentChanged.connect(self._page_changed)
        self.setCentralWidget(self.tabs)
        self.presets = load_presets()
        self._run_state = QLabel("paused")
        self.statusBar().addPermanentWidget(self._run_state)
        for page in self.pages.values():
            page.lab.running_changed.connect(
                lambda on: self._run_state.setText("running" if on else "paused"))
        self._build_menus()
        self.statusBar().showMessage(self.current_page.hint, 10000)
        self.resize(1280, 800)
        if session_path is not None:
            self._restore_session()

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
        file_menu.addSeparator()
        self._action(file_menu, "Export &picture…", self.export_picture, "Ctrl+E")
        self._action(file_menu, "Export as &CSV…", self.export_csv)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

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
                act.setStatusTip(p.get("description", ""))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "This &lab…", self.show_lab_help)
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "&About Descent", self.show_about)

    # -- pages ----------------------------------------------------------------------------------

    @property
    def current_page(self):
        return self.tabs.currentWidget()

    @property
    def current_key(self) -> str:
        return next(k for k, p in self.pages.items() if p is self.current_page)

    def show_page(self, key: str):
        """Bring the page of lab ``key`` to the front (ValueError for an unknown key)."""
        page = self.pages[entry_for(key).key]
        self.tabs.setCurrentWidget(page)
        return page

    def _page_changed(self, _index: int) -> None:
        for page in self.pages.values():
            if page is not self.current_page:
                page.lab.pause()
        self.statusBar().showMessage(self.current_page.hint, 10000)

    def _say(self, text: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(text, ms)

    # -- state ----------------------------------------------------------------------------------

    def _keys(self) -> dict[str, str]:
        return {k: entry.key for entry in LABS for k in (entry.key, *entry.aliases)}

    def state(self) -> dict:
        """Every lab's state, in the session file's format."""
        return session.pack({k: p.lab.state() for k, p in self.pages.items()}, self.current_key)

    def load_state(self, data) -> bool:
        """Load a saved setup or session, of this version or an older one; True if every lab in
        it loaded (each lab that fails says why and keeps its state)."""
        try:
            # The first setups, from when Descent had one lab, hold that lab's settings alone.
            states, current = session.unpack(data, self._keys(), first=LABS[0].key)
        except ValueError as exc:
            self._say(f"Could not read this setup: {exc}", 10000)
            return False
        ok = True
        for key, state in states.items():
            ok = self.pages[key].lab.load(state) and ok
        if current is not None:
            self.tabs.setCurrentWidget(self.pages[current])
        return ok

    # -- actions --------------------------------------------------------------------------------

    def apply_preset(self, preset: dict) -> bool:
        page = self.show_page(preset.get("page", LABS[0].key))
        ok = page.lab.load(preset["settings"])
        if ok:
            self._say(f"Preset: {preset['name']}. {preset.get('description', '')}", 10000)
        return ok

    def _ask_path(self, save: bool, title: str, default: str, kind: str) -> str:
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = dialog(self, title, default, kind)
        return path

    def open_setup(self, path: str | None = None) -> bool:
        path = path or self._ask_path(False, "Open setup", "", "Descent setup (*.json)")
        if not path:
            return False
        try:
            data = session.read_json(Path(path))
        except (OSError, ValueError) as exc:
            self._say(f"Could not open {path}: {exc}", 10000)
            return False
        ok = self.load_state(data)
        if ok:
            self._say(f"Opened {path}")
        return ok

    def save_setup(self, path: str | None = None) -> bool:
        path = path or self._ask_path(True, "Save setup", "descent-setup.json",
                                      "Descent setup (*.json)")
        if not path:
            return False
        try:
            session.write_atomic(Path(path), json.dumps(self.state(), indent=2))
        except (OSError, ValueError) as exc:
            self._say(f"Could not save {path}: {exc}", 10000)
            return False
        self._say(f"Saved {path}")
        return True

    def export_picture(self, path: str | None = None) -> bool:
        path = path or self._ask_path(True, "Export picture", "descent.png", "PNG image (*.png)")
        if not path:
            return False
        ok = self.current_page.export_png(path)
        self._say(f"Saved picture {path}" if ok else f"Could not write {path}")
        return ok

    def export_csv(self, path: str | None = None) -> bool:
        path = path or self._ask_path(True, "Export as CSV", "descent.csv", "CSV (*.csv)")
        if not path:
            return False
        try:
            rows = self.current_page.export_csv(path)
        except OSError as exc:
            self._say(f"Could not write {path}: {exc}", 10000)
            return False
        self._say(f"Saved {rows} rows to {path}")
        return True

    def show_lab_help(self) -> None:
        page = self.current_page
        QMessageBox.information(self, page.title, page.help_html or page.hint)

    def show_shortcuts(self) -> None:
        hints = "\n".join(f"{entry.title}: {self.pages[entry.key].hint}" for entry in LABS)
        QMessageBox.information(
            self, "Keyboard shortcuts",
            "Space: play / pause\nRight arrow: one step\nR: reset\n"
            "Ctrl+O / Ctrl+S: open / save a setup\nCtrl+E: export a picture\nCtrl+Q: quit\n\n"
            + hints)

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About Descent",
            "<b>Descent</b> shows how deep networks are made to train well: optimizers racing "
            "across loss surfaces, softmax classifiers and batch norm, with the formulas of the "
            "course notes and every number computed by a NumPy engine.")

    # -- session --------------------------------------------------------------------------------

    def _restore_session(self) -> None:
        try:
            data = session.read_json(self.session_path)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self._say(f"Ignored the saved session ({exc})", 8000)
            return
        if not self.load_state(data):
            self._say("Parts of the saved session could not be read; see each page's message", 8000)

    def _save_session(self) -> None:
        try:
            session.write_atomic(self.session_path, json.dumps(self.state(), indent=2))
        except (OSError, ValueError):
            pass  # a read-only home must not stop the app from closing

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        for page in self.pages.values():
            page.shutdown()
        if self.session_path is not None:
            self._save_session()
        super().closeEvent(event)
