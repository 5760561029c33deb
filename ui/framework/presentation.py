"""Presentation mode for a classroom: fullscreen (F11), an app-wide zoom of fonts, line widths and
markers (Ctrl+=, Ctrl+−, Ctrl+0), light, dark and high-contrast themes, and a window that fits the
screen it opens on. ``install_view_menu(window)`` adds the View menu; the zoom, the theme and the
window's geometry are remembered beside the session (a window without a session remembers
nothing, as tests and scripts want)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QLayout, QMainWindow, QRadioButton, QWidget

from . import plot_style, style
from .style import restyle
from .widgets import Columns

# The zoom steps; the largest makes the default 9 pt text 18 pt (24 px), readouts and
# equations at least 20 px.
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0)
DEFAULT_STEP = ZOOM_STEPS.index(1.0)
MIN_TOP_PX = 20  # text at the largest step is at least this high
THEMES = ("light", "dark", "high contrast")
# Plot background and foreground per theme.
PLOT_COLORS = {"light": ("w", "k"), "dark": ("#1e1e1e", "#e0e0e0"), "high contrast": ("k", "w")}
LINE_WEIGHT = {"high contrast": 1.6}  # plot lines this much thicker (else 1)
# Checkboxes and radio buttons sized in em: their boxes grow with the zoom, as their text does (the
# style draws them as usual, at that size). Set on each of them, not on the application: an
# application style sheet changes every widget's size hints.
INDICATOR_SHEET = "::indicator { width: 0.8em; height: 0.8em; }"
# High contrast draws what the style leaves black on black: the fields' frames and the boxes of
# checkboxes and radio buttons (sized in em, so they grow with the zoom; a ticked one is filled).
HIGH_CONTRAST_SHEET = """
QAbstractSpinBox, QLineEdit, QComboBox, QPushButton, QToolButton { border: 1px solid #ffffff; }
QPushButton, QToolButton { padding: 0.15em 0.6em; }
QAbstractSpinBox:disabled, QLineEdit:disabled, QComboBox:disabled,
QPushButton:disabled { border-color: #9a9a9a; }
QCheckBox::indicator, QRadioButton::indicator { width: 0.8em; height: 0.8em; border: 2px solid #ffffff; }
QRadioButton::indicator { border-radius: 0.5em; }
QCheckBox::indicator:checked, QRadioButton::indicator:checked { background: #ffd700; }
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled { border-color: #9a9a9a; }
"""
# Text of a disabled control, per theme: dimmer than the enabled text, still readable.
DISABLED_TEXT = {"dark": "#808080", "high contrast": "#9a9a9a"}
DEFAULT_SIZE = (1280, 800)
NEXT_THEME_KEY = "Ctrl+Shift+T"


def theme_palette(theme: str) -> QPalette:
    """The application palette of ``theme`` (light: the style's own)."""
    pal = QApplication.style().standardPalette()
    if theme == "light":
        return pal
    colors = {"dark": {"Window": "#2b2b2b", "WindowText": "#e8e8e8", "Base": "#1e1e1e",
                       "AlternateBase": "#2f2f2f", "Text": "#e8e8e8", "Button": "#3a3a3a",
                       "ButtonText": "#e8e8e8", "Highlight": "#3d7ab8", "HighlightedText": "#ffffff",
                       "ToolTipBase": "#3a3a3a", "ToolTipText": "#e8e8e8", "PlaceholderText": "#a0a0a0"},
              "high contrast": {"Window": "#000000", "WindowText": "#ffffff", "Base": "#000000",
                                "AlternateBase": "#1a1a1a", "Text": "#ffffff", "Button": "#000000",
                                "ButtonText": "#ffffff", "Highlight": "#ffd700",
                                "HighlightedText": "#000000", "ToolTipBase": "#000000",
                                "ToolTipText": "#ffffff", "PlaceholderText": "#c8c8c8",
                                "Link": "#ffd700", "Mid": "#ffffff", "Dark": "#ffffff",
                                "Light": "#ffffff", "Midlight": "#ffffff", "Shadow": "#ffffff"}}[theme]
    for role, color in colors.items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    # A disabled control must look disabled: its text dimmer than the enabled text (setColor
    # above set every group, the disabled one too).
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT[theme]))
    return pal


class Presentation(QObject):
    """The zoom, the theme, fullscreen and Stage of one main window, and what it remembers.

    ``zoom_changed(factor)``, ``theme_changed(name)`` and ``stage_changed(on)`` say when they
    change."""

    zoom_changed = Signal(float)
    theme_changed = Signal(str)
    stage_changed = Signal(bool)
    stage = False

    def __init__(self, window: QMainWindow, store: QSettings | None = None) -> None:
        super().__init__(window)
        self.window, self.store = window, store
        app = QApplication.instance()
        if app.property("descent_base_pt") is None:  # the font at zoom 1, read once per app
            app.setProperty("descent_base_pt", app.font().pointSizeF())
        self.step, self.theme = DEFAULT_STEP, "light"
        for box in [*window.findChildren(QCheckBox), *window.findChildren(QRadioButton)]:
            if not box.styleSheet():
                box.setStyleSheet(INDICATOR_SHEET)
        window.installEventFilter(self)

    def adopt(self, page: QWidget) -> None:
        """A page built after the window: the checkboxes' indicators, the style sheets at the zoom
        and theme in force (its plots follow them as they are made), and Stage view if it is on."""
        for box in [*page.findChildren(QCheckBox), *page.findChildren(QRadioButton)]:
            if not box.styleSheet():
                box.setStyleSheet(INDICATOR_SHEET)
        if self.step != DEFAULT_STEP or self.theme != "light":
            self.restyle([page, *page.findChildren(QWidget)])
        if self.stage and hasattr(page, "set_stage"):
            page.set_stage(True)

    def widgets(self) -> list[QWidget]:
        """The window and every widget in it (what the zoom and the theme restyle)."""
        return [self.window, *self.window.findChildren(QWidget)]

    # -- zoom -----------------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return zoom_factor(self.step)

    def zoom_in(self) -> None:
        self.set_step(self.step + 1)

    def zoom_out(self) -> None:
        self.set_step(self.step - 1)

    def zoom_reset(self) -> None:
        self.set_step(DEFAULT_STEP)

    def set_step(self, step: int) -> None:
        """Zoom to ``ZOOM_STEPS[step]`` (clamped): the app font, the widgets' own style sheets
        and every plot's fonts, pens and markers."""
        self.step = int(min(max(int(step), 0), len(ZOOM_STEPS) - 1))
        app = QApplication.instance()
        font = app.font()
        font.setPointSizeF(app.property("descent_base_pt") * self.zoom)
        app.setFont(font)
        if app.styleSheet():  # high contrast's: widgets it styles take the new font only so
            app.setStyleSheet(app.styleSheet())
        self.restyle()  # every widget's own sheet again: sizes in em (the checkboxes') follow the font
        plot_style.set_zoom(self.zoom, self.widgets())
        # the columns take the new font's widths once it has reached the widgets
        QTimer.singleShot(0, self.window, self.refit_columns)
        self._remember("zoom", self.step)
        self.zoom_changed.emit(self.zoom)

    def refit_columns(self) -> None:
        """Every page's columns at the zoom in force (``widgets.Columns.refit``)."""
        # A hidden tab's layouts keep the minimum sizes they cached at the old font, and one
        # hidden tab held too wide holds its column (and the tabs over it) too wide.
        for widget in self.window.findChildren(QWidget):
            widget.updateGeometry()
        for layout in self.window.findChildren(QLayout):
            layout.invalidate()
        for columns in self.window.findChildren(Columns):
            columns.refit()

    # -- theme ----------------------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        """``theme`` (one of THEMES; ValueError otherwise): palette, plots and style sheets."""
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {theme!r}")
        self.theme = style.THEME["name"] = theme
        app = QApplication.instance()
        app.setPalette(theme_palette(theme))
        app.setStyleSheet(HIGH_CONTRAST_SHEET if theme == "high contrast" else "")
        plot_style.set_theme(*PLOT_COLORS[theme], self.widgets(), LINE_WEIGHT.get(theme, 1.0))
        self.restyle()
        self._remember("theme", theme)
        self.theme_changed.emit(theme)

    def next_theme(self) -> None:
        """The theme after this one (light, dark, high contrast, light, …)."""
        self.set_theme(THEMES[(THEMES.index(self.theme) + 1) % len(THEMES)])

    def restyle(self, widgets: list[QWidget] | None = None) -> None:
        """Every widget's own style sheet (or those of ``widgets``) at the zoom and theme. The sheet
        a widget set itself is kept as its base; one it set since the last pass becomes its new
        base."""
        widgets = self.widgets() if widgets is None else widgets
        for w in widgets:
            sheet = w.styleSheet()
            if not sheet:
                continue
            if sheet != w.property("descent_sheet"):
                w.setProperty("descent_base_sheet", sheet)
            new = restyle(w.property("descent_base_sheet"), self.zoom, self.theme)
            w.setProperty("descent_sheet", new)
            w.setStyleSheet(new)  # even if the same: a styled widget takes the app's font only so
        for w in widgets:
            if w.property(HTML_PROPERTY) is not None:
                w.setHtml(style.recolor(w.property(HTML_PROPERTY), self.theme))

    # -- window ---------------------------------------------------------------------------------

    def toggle_fullscreen(self) -> None:
        w = self.window
        w.showNormal() if w.isFullScreen() else w.showFullScreen()

    def toggle_stage(self) -> None:
        self.set_stage(not self.stage)

    def set_stage(self, on: bool) -> None:
        """Stage view on every page (``LabPage.set_stage``): the main view and its run row."""
        self.stage = bool(on)
        pages = getattr(self.window, "pages", {})
        for page in pages.built() if hasattr(pages, "built") else pages.values():
            page.set_stage(self.stage)
        self.stage_changed.emit(self.stage)

    def fit_to_screen(self) -> None:
        """The remembered geometry if there is one, else the default size; either way no larger
        than the screen's available area, and on it."""
        saved = self.store.value("geometry") if self.store is not None else None
        if isinstance(saved, QByteArray) and self.window.restoreGeometry(saved):
            pass
        else:
            self.window.resize(*DEFAULT_SIZE)
        fit_window(self.window)

    def restore(self) -> None:
        """The remembered theme and zoom (a bad value is ignored)."""
        if self.store is None:
            return
        theme = self.store.value("theme", "light")
        if theme in THEMES and theme != "light":
            self.set_theme(theme)
        try:
            step = int(self.store.value("zoom", DEFAULT_STEP))
        except (TypeError, ValueError):
            step = DEFAULT_STEP
        if step != DEFAULT_STEP:
            self.set_step(step)

    def _remember(self, key: str, value) -> None:
        if self.store is not None:
            self.store.setValue(key, value)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.window and event.type() == QEvent.Type.Close and self.store is not None:
            self.store.setValue("geometry", self.window.saveGeometry())
            self.store.sync()
        return False


HTML_PROPERTY = "descent_base_html"


def set_html(view, html: str) -> None:
    """Show ``html`` (written in the light theme's colours, like the style sheets) in a text
    view, in the theme in force; a change of theme recolours it (``Presentation.restyle``)."""
    view.setProperty(HTML_PROPERTY, html)
    view.setHtml(style.recolor(html, style.THEME["name"]))


def zoom_factor(step: int) -> float:
    """The zoom at ``step``; the top step is large enough for text of ``MIN_TOP_PX``."""
    factor = ZOOM_STEPS[step]
    if step == len(ZOOM_STEPS) - 1:
        app = QApplication.instance()
        base_px = app.property("descent_base_pt") * app.primaryScreen().logicalDotsPerInch() / 72
        factor = max(factor, MIN_TOP_PX / base_px)
    return factor


def fit_window(window: QWidget) -> None:
    """Shrink and move ``window`` so that it lies within its screen's available area."""
    screen = window.screen() or QApplication.primaryScreen()
    area = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.size()  # title bar and borders
    w = min(window.width(), area.width() - frame.width())
    h = min(window.height(), area.height() - frame.height())
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)
    x = min(max(window.x(), area.left()), area.right() - window.frameGeometry().width() + 1)
    y = min(max(window.y(), area.top()), area.bottom() - window.frameGeometry().height() + 1)
    window.move(max(x, area.left()), max(y, area.top()))


def view_store(session_path: Path | str | None) -> QSettings | None:
    """Where a window with this session remembers its view: "view.ini" beside the session file
    (None: nothing remembered)."""
    if session_path is None:
        return None
    return QSettings(str(Path(session_path).with_name("view.ini")), QSettings.Format.IniFormat)


def install_view_menu(window: QMainWindow) -> Presentation:
    """The View menu (fullscreen, zoom, theme) of the main window, before its Help menu; restores
    the remembered view and fits the window to its screen. The window's ``presentation``."""
    store = view_store(getattr(window, "session_path", None))
    pres = Presentation(window, store)
    window.presentation = pres
    menu = window.menuBar().addMenu("&View")
    help_action = next((a for a in window.menuBar().actions() if a.text() == "&Help"), None)
    if help_action is not None:
        window.menuBar().insertMenu(help_action, menu)
    items = (("&Fullscreen", pres.toggle_fullscreen, (Qt.Key.Key_F11,)),
             ("Zoom &in", pres.zoom_in, (QKeySequence.StandardKey.ZoomIn, "Ctrl+=", "Ctrl++")),
             ("Zoom &out", pres.zoom_out, (QKeySequence.StandardKey.ZoomOut, "Ctrl+-")),
             ("&Reset zoom", pres.zoom_reset, ("Ctrl+0",)),
             ("&Stage: the main view only", pres.toggle_stage, (Qt.Key.Key_F10,)))
    window.view_actions = {}
    for text, slot, keys in items:
        act = QAction(text, window)
        act.setShortcuts(_key_list(keys))
        act.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        act.triggered.connect(lambda _=False, s=slot: s())
        menu.addAction(act)
        window.addAction(act)  # works in fullscreen, where the menu bar may be hidden
        window.view_actions[text.replace("&", "")] = act
    stage = window.view_actions["Stage: the main view only"]
    stage.setCheckable(True)
    pres.stage_changed.connect(stage.setChecked)
    _theme_menu(menu.addMenu("&Theme"), pres)
    pres.restore()
    if store is not None:
        pres.fit_to_screen()
    return pres


def _key_list(keys) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for k in keys:
        seqs = QKeySequence.keyBindings(k) if isinstance(k, QKeySequence.StandardKey) else [QKeySequence(k)]
        out += [s for s in seqs if s not in out]
    return out


def _theme_menu(menu, pres: Presentation) -> None:
    """One checkable action per theme, and "Next theme" (Ctrl+Shift+T) cycling through them."""
    group = QActionGroup(menu)
    for name in THEMES:
        act = menu.addAction(name.capitalize())
        act.setCheckable(True)
        act.setChecked(name == pres.theme)
        act.triggered.connect(lambda _=False, n=name: pres.set_theme(n))
        group.addAction(act)
    pres.theme_changed.connect(lambda n: [a.setChecked(a.text().lower() == n) for a in group.actions()])
    menu.addSeparator()
    cycle = menu.addAction("&Next theme")
    cycle.setShortcut(QKeySequence(NEXT_THEME_KEY))
    cycle.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    cycle.triggered.connect(lambda _=False: pres.next_theme())
    pres.window.addAction(cycle)  # works in fullscreen too
    pres.window.view_actions["Next theme"] = cycle
