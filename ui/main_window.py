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

from .optimizer_page import OptimizerPage

ASSETS = Path(__file__).resolve().parent.parent / "assets"
PRESETS_FILE = ASSETS / "presets" / "optimizer.json"


def default_session_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config" / "descent") / "session.json"


def load_presets(path: Path = PRESETS_FILE) -> list[dict]:
    """The classroom presets shipped in assets/; an unreadable file gives none, not a crash."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [p for p in data if isinstance(p, dict) and "name" in p and "settings" in p]
    except (OSError, ValueError, TypeError):
        return []


class MainWindow(QMainWindow):
    """Descent's window. ``session_path=None`` neither restores nor saves the session."""

    def __init__(self, session_path: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Descent: how deep networks are made to train well")
        self.session_path = session_path
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.optimizer_page = OptimizerPage()
        self.tabs.addTab(self.optimizer_page, self.optimizer_page.title)
        self.setCentralWidget(self.tabs)
        self.pages = [self.optimizer_page]
        self.presets = load_presets()
        self._build_menus()
        self.lab = self.optimizer_page.lab
        self.lab.message.connect(lambda t: self.statusBar().showMessage(t, 6000))
        self.lab.running_changed.connect(
            lambda on: self._run_state.setText("running" if on else "paused"))
        self._run_state = QLabel("paused")
        self.statusBar().addPermanentWidget(self._run_state)
        self.statusBar().showMessage(
            "Space: play/pause   Right: one step   R: reset   Click the surface to set the start",
            10000)
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
        act = QAction("Export paths as &CSV…", self)
        act.triggered.connect(self.export_csv)
        file_menu.addAction(act)
        file_menu.addSeparator()
        act = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        act.triggered.connect(self.close)
        file_menu.addAction(act)

        run = bar.addMenu("&Run")
        page = self.optimizer_page
        for text, slot in (("Play / pause\tSpace", page.lab.toggle),
                           ("Step\tRight", page.lab.step), ("Reset\tR", page.lab.reset)):
            act = QAction(text, self)
            act.triggered.connect(slot)
            run.addAction(act)

        presets = bar.addMenu("&Presets")
        if not self.presets:
            act = presets.addAction("(no presets found in assets/presets)")
            act.setEnabled(False)
        for p in self.presets:
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

    # -- actions --------------------------------------------------------------------------------

    def apply_preset(self, preset: dict) -> bool:
        ok = self.lab.load(preset["settings"])
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
        ok = self.lab.load(data.get("optimizer", data) if isinstance(data, dict) else data)
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
            Path(path).write_text(json.dumps({"optimizer": self.lab.settings.to_dict()}, indent=2),
                                  encoding="utf-8")
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
        ok = self.tabs.currentWidget().grab().save(path)
        self.statusBar().showMessage(f"Saved picture {path}" if ok else f"Could not write {path}",
                                     6000)
        return ok

    def export_csv(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export paths", "descent-paths.csv",
                                                  "CSV (*.csv)")
            if not path:
                return False
        lines = ["optimizer,iteration,w1,w2,J"]
        for name, r in self.lab.racers.items():
            for i, ((x, y), j) in enumerate(zip(r.path, r.losses, strict=True)):
                lines.append(f"{name},{i},{x:.10g},{y:.10g},{j:.10g}")
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
            "Space: play / pause\nRight arrow: one step (one stage when narrating)\nR: reset\n"
            "Ctrl+O / Ctrl+S: open / save a setup\nCtrl+E: export a picture\nCtrl+Q: quit\n\n"
            "Click the surface to move the start point.")

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
        if isinstance(data, dict) and "optimizer" in data:
            self.lab.load(data["optimizer"])

    def _save_session(self) -> None:
        try:
            self.session_path.parent.mkdir(parents=True, exist_ok=True)
            self.session_path.write_text(
                json.dumps({"optimizer": self.lab.settings.to_dict()}, indent=2), encoding="utf-8")
        except OSError:
            pass  # a read-only home must not stop the app from closing

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        for page in self.pages:
            page.shutdown()
        if self.session_path is not None:
            self._save_session()
        super().closeEvent(event)
