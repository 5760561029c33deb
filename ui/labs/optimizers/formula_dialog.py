"""Typing a surface: a dialog with f(x, y), its domain and the parser's message in red, and the
"Formula…" button that opens it. The engine (``simulator.typed_surface``) reads and checks the
formula; the controller's ``set_formula`` adopts it, or keeps the surface in force."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from simulator.formula import ALLOWED, MAX_CHARS
from simulator.typed_surface import DEFAULT_DOMAIN, MAX_DOMAIN, from_formula
from ui.framework.style import ERROR_COLOR
from ui.framework.widgets import NumberField, note_label, row

EXAMPLE = "x**2 - y**2 + 0.1*sin(3*x)"


class FormulaDialog(QDialog):
    """f(x, y) and (xmin, xmax, ymin, ymax). OK adopts the surface if the engine reads it; else
    the engine's message stays in red under the fields and the dialog stays open."""

    def __init__(self, lab, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = lab
        self.setWindowTitle("Type a loss surface")
        spec = lab.settings.surface
        self.text = QLineEdit(spec.formula if spec.name == "formula" else EXAMPLE)
        self.text.setMaxLength(MAX_CHARS)
        self.text.setMinimumWidth(420)
        domain = spec.domain if spec.name == "formula" and spec.domain else DEFAULT_DOMAIN
        self.fields = [NumberField(-MAX_DOMAIN, MAX_DOMAIN, 3, 0.5) for _ in range(4)]
        for field, value in zip(self.fields, domain, strict=True):
            field.set_value(value)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("J(w1, w2) = f(x, y) =", self.text)
        form.addRow("x from", row(self.fields[0], "to", self.fields[1]))
        form.addRow("y from", row(self.fields[2], "to", self.fields[3]))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note_label(f"Use {ALLOWED}.", hint=True))
        lay.addWidget(self.error_label)
        lay.addWidget(buttons)

    @property
    def domain(self) -> tuple[float, float, float, float]:
        x0, x1, y0, y1 = (f.value() for f in self.fields)
        return x0, x1, y0, y1

    @property
    def error(self) -> str:
        return self.error_label.text()

    def apply(self) -> bool:
        """Read the formula through the engine; adopt it and close, or show why not."""
        try:
            from_formula(self.text.text(), self.domain)
        except ValueError as exc:
            self.error_label.setText(str(exc))
            return False
        if not self.lab.set_formula(self.text.text(), self.domain):
            self.error_label.setText("the optimizer lab refused this surface (see its message line)")
            return False
        self.error_label.setText("")
        self.accept()
        return True


class FormulaButton(QPushButton):
    """"Formula…": opens the dialog (modal), for the surface box of the optimizer lab."""

    def __init__(self, lab, parent: QWidget | None = None) -> None:
        super().__init__("Formula…", parent)
        self.lab = lab
        self.setToolTip("Type your own loss surface f(x, y) and its domain")
        self.dialog: FormulaDialog | None = None
        self.clicked.connect(self.open_dialog)

    def open_dialog(self) -> FormulaDialog:
        self.dialog = FormulaDialog(self.lab, self.window())
        self.dialog.open()
        return self.dialog
