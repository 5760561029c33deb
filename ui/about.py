"""Help > Keyboard shortcuts and Help > About: every key the window answers, and the version of
Descent and of what it runs on (with a button that copies them, for a bug report)."""

from __future__ import annotations

import platform

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .framework.widgets import RUN_KEYS
from .labs import LABS
from .version import version


def versions() -> dict[str, str]:
    """Descent's version and those of Python, Qt, PySide6, pyqtgraph and NumPy."""
    import numpy
    import pyqtgraph
    import PySide6
    from PySide6.QtCore import qVersion

    return {"Descent": version(), "Python": platform.python_version(), "Qt": qVersion(),
            "PySide6": PySide6.__version__, "pyqtgraph": pyqtgraph.__version__, "NumPy": numpy.__version__}


def versions_text() -> str:
    return "\n".join(f"{name} {v}" for name, v in versions().items())


def about_html() -> str:
    labs = ", ".join(entry.title.lower() for entry in LABS)
    rows = "".join(f"<tr><td>{name}</td><td>{v}</td></tr>" for name, v in versions().items())
    return ("<p><b>Descent</b> shows how deep networks are made to train well, following the course "
            f"notes on <i>Improving Deep Neural Networks</i>. Its labs: {labs}. Every number on "
            "screen is computed by a small NumPy engine that you can also script.</p>"
            f"<table cellspacing='0' cellpadding='2'>{rows}</table>")


def show_about(parent: QWidget) -> QMessageBox:
    """The About box, with Copy versions (the versions as plain text on the clipboard)."""
    box = QMessageBox(parent)
    box.setWindowTitle("About Descent")
    box.setText(about_html())
    copy = box.addButton("Copy versions", QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()  # an action button would close the box
    copy.clicked.connect(lambda: QApplication.clipboard().setText(versions_text()))
    box.addButton(QMessageBox.StandardButton.Close)
    box.open()
    return box


def shortcuts_text(window) -> str:
    """Every key: the run keys, each menu command's (read from the menus, so none is left out),
    then each page's mouse and key hints."""
    lines = [f"{key if key != 'Right' else 'Right arrow'}: {what}" for key, what, _ in RUN_KEYS]
    for act in menu_actions(window.menuBar().actions()):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()]
        keys = [k for k in keys if " " not in k or k.startswith("Page")]  # not a "Zoom In" key
        if keys:
            name = act.text().split("\t")[0].replace("&", "").rstrip("…")
            lines.append(f"{' / '.join(keys)}: {name}")
    hints = [f"{entry.title}: {entry.page.hint}" for entry in LABS]  # without building the pages
    return "\n".join(lines) + "\n\n" + "\n".join(hints)


def menu_actions(actions) -> list[QAction]:
    """``actions`` and those of their sub-menus, in menu order."""
    out: list[QAction] = []
    for act in actions:
        out += menu_actions(act.menu().actions()) if act.menu() is not None else [act]
    return out
