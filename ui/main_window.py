"""The main window: one tab per lab, a menu, a status bar, presets and the saved session."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
)

from .batchnorm_page import BatchNormPage
from .classifier_page import ClassifierPage
from .optimizer_page import OptimizerPage

ASSETS = Path(__file__).resolve().parent.parent / "assets"
PRESETS_DIR = ASSETS / "presets"
PAGE_PRESETS = {"optimizer": "Optimizers", "classifier": "Classifier"}  # file stem -> menu section


def default_session_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config" / "descent") / "session.json"


def load_presets(directory: Path = PRESETS_DIR) -> list[dict]:
    """The classroom presets shipped in assets/presets, each tagged with its page; an unreadable
    file gives none, not a crash."""
    out = []
    for page in PAGE_PRESETS:
        try:
            data = json.loads((directory / f"{page}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, list):
            out += [{**p, "page": page} for p in data
                    if isinstance(p, dict) and "name" in p and "settings" in p]
    return out


class MainWindow(QMainWindow):
    """Descent's window. ``session_path=None`` neither restores nor saves the session."""

    def __init__(self, session_path: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Descent: how deep networks are made to train well")
        self.session_path = session_path
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.optimizer_page = OptimizerPage()
        self.classifier_page = ClassifierPage()
        self.batchnorm_page = BatchNormPage()
        self.pages = [self.optimizer_page, self.classifier_page, self.batchnorm_page]
        for page in self.pages:
            self.tabs.addTab(page, page.title)
        # Only the page in front runs: leaving a page pauses it.
        self.tabs.currentChanged.connect(self._page_changed)
        self.setCentralWidget(self.tabs)
        self.presets = load_presets()
        self._build_menus()
        self.lab = self.optimizer_page.lab
        for page in self.pages:
            if not getattr(page, "shows_own_messages", False):  # else it would say it twice
                page.lab.message.connect(lambda t: self.statusBar().showMessage(t, 6000))
            page.lab.running_changed.connect(
                lambda on: self._run_state.setText("running" if on else "paused"))
        self._run_state = QLabel("paused")
        self.statusBar().addPermanentWidget(self._run_state)
        self.statusBar().showMessage(self.optimizer_page.hint, 10000)
        self.resize(1280, 800)
        if session_path is not None:
            self._restore_session()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        act = QAction("&Open setup…", self, shortcut=QKeySequence.StandardKey.Open)
        act.triggered.connect(self.open_setup)
        file_menu.addAction(act)
        act = QAction("&Save setup…", self, shortcut=QKeySequence.StandardKey.Save)
        act.triggered.connect(self.save_setup)
        file_menu.addAction(act)
        file_menu.addSeparator()
        act = QAction("Export &picture…", self, shortcut=QKeySequence("Ctrl+E"))
        act.triggered.connect(self.export_picture)
        file_menu.addAction(act)
        act = QAction("Export as &CSV…", self)
        act.triggered.connect(self.export_csv)
        file_menu.addAction(act)
        file_menu.addSeparator()
        act = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        act.triggered.connect(self.close)
        file_menu.addAction(act)

        run = bar.addMenu("&Run")
        for text, name in (("Play / pause\tSpace", "toggle"), ("Step\tRight", "step"),
                           ("Reset\tR", "reset")):
            act = QAction(text, self)
            act.triggered.connect(lambda _=False, n=name: getattr(self.current_page.lab, n)())
            run.addAction(act)

        presets = bar.addMenu("&Presets")
        if not self.presets:
            act = presets.addAction("(no presets found in assets/presets)")
            act.setEnabled(False)
        section = None
        for p in self.presets:
            if p["page"] != section:
                section = p["page"]
                presets.addSection(PAGE_PRESETS[section])
            act = QAction(p["name"], self)
            act.setStatusTip(p.get("description", ""))
            act.triggered.connect(lambda _=False, p=p: self.apply_preset(p))
            presets.addAction(act)
        self.presets_menu = presets

        help_menu = bar.addMenu("&Help")
        act = QAction("&Keyboard shortcuts", self)
        act.triggered.connect(self.show_shortcuts)
        help_menu.addAction(act)
        act = QAction("&About Descent", self)
        act.triggered.connect(self.show_about)
        help_menu.addAction(act)

    @property
    def current_page(self):
        return self.tabs.currentWidget()

    def _page_changed(self, _index: int) -> None:
        for page in self.pages:
            if page is not self.current_page:
                page.lab.pause()
        self.statusBar().showMessage(getattr(self.current_page, "hint", ""), 10000)

    def _labs(self) -> dict:
        return {"optimizer": self.lab, "classifier": self.classifier_page.lab,
                "batchnorm": self.batchnorm_page.lab}

    def _state(self) -> dict:
        labs = self._labs()
        return {"optimizer": self.lab.settings.to_dict(),
                **{k: lab.state() for k, lab in labs.items() if k != "optimizer"}}

    def _load_state(self, data) -> bool:
        """Load a saved setup or session: {"optimizer": ..., "classifier": ..., "batchnorm": ...}
        (any may be missing; a bare optimizer-settings object is read as the optimizer's)."""
        labs = self._labs()
        if not isinstance(data, dict) or not set(data) & set(labs):
            return self.lab.load(data)  # says why it cannot, if it cannot
        ok = True
        for key, lab in labs.items():
            if key in data:
                ok = lab.load(data[key]) and ok
        return ok

    # -- actions --------------------------------------------------------------------------------

    def apply_preset(self, preset: dict) -> bool:
        page = self.classifier_page if preset.get("page") == "classifier" else self.optimizer_page
        self.tabs.setCurrentWidget(page)
        ok = page.lab.load(preset["settings"])
        if ok:
            self.statusBar().showMessage(f"Preset: {preset['name']}. {preset.get('description', '')}",
                                         10000)
        return ok

    def open_setup(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Open setup", "", "Descent setup (*.json)")
            if not path:
                return False
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(f"Could not open {path}: {exc}", 10000)
            return False
        ok = self._load_state(data)
        if ok:
            self.statusBar().showMessage(f"Opened {path}", 6000)
        return ok

    def save_setup(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save setup", "descent-setup.json",
                                                  "Descent setup (*.json)")
            if not path:
                return False
        try:
            Path(path).write_text(json.dumps(self._state(), indent=2), encoding="utf-8")
        except OSError as exc:
            self.statusBar().showMessage(f"Could not save {path}: {exc}", 10000)
            return False
        self.statusBar().showMessage(f"Saved {path}", 6000)
        return True

    def export_picture(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export picture", "descent.png",
                                                  "PNG image (*.png)")
            if not path:
                return False
        ok = self.current_page.grab().save(path)
        self.statusBar().showMessage(f"Saved picture {path}" if ok else f"Could not write {path}",
                                     6000)
        return ok

    def export_csv(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export as CSV", "descent.csv",
                                                  "CSV (*.csv)")
            if not path:
                return False
        lines = self.current_page.csv_lines()
        try:
            Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError as exc:
            self.statusBar().showMessage(f"Could not write {path}: {exc}", 10000)
            return False
        self.statusBar().showMessage(f"Saved {len(lines) - 1} rows to {path}", 6000)
        return True

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self, "Keyboard shortcuts",
            "Space: play / pause\nRight arrow: one step (one stage when narrating; one mini-batch "
            "in the classifier)\nR: reset\n"
            "Ctrl+O / Ctrl+S: open / save a setup\nCtrl+E: export a picture\nCtrl+Q: quit\n\n"
            "Optimizers: click the surface to move the start point.\n"
            "Classifier: left-click adds a point, right-click removes the nearest; hover to probe.")

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About Descent",
            "<b>Descent</b> shows how deep networks are made to train well: optimizers racing "
            "across loss surfaces, with the update rules of the course notes and every number "
            "computed by a NumPy engine.")

    # -- session --------------------------------------------------------------------------------

    def _restore_session(self) -> None:
        try:
            data = json.loads(self.session_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(f"Ignored the saved session ({exc})", 8000)
            return
        if isinstance(data, dict):
            self._load_state(data)

    def _save_session(self) -> None:
        try:
            self.session_path.parent.mkdir(parents=True, exist_ok=True)
            self.session_path.write_text(json.dumps(self._state(), indent=2), encoding="utf-8")
        except OSError:
            pass  # a read-only home must not stop the app from closing

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        for page in self.pages:
            page.shutdown()
        if self.session_path is not None:
            self._save_session()
        super().closeEvent(event)
