"""The classroom screen (issue 17): the run keys act on the page in front from the first second,
a clicker's PgDn/PgUp step through the page's presets, Stage view gives the picture the room, and
rendering to a file needs no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit
from pytestqt.exceptions import TimeoutError as QtBotTimeout

from ui.framework.presentation import ZOOM_STEPS
from ui.labs import LAB_KEYS, LABS, entry_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def shown(qtbot, shown):
    """The main window on screen and active, as a teacher's is: keys reach the active window
    (offscreen it always is; under Xvfb with no window manager it must be asked for)."""
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow, timeout=5000)
    return shown


def click_tab(qtbot, win, key: str) -> None:
    bar = win.tabs.tabBar()
    i = LAB_KEYS.index(key)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
    assert win.current_key == key


@pytest.mark.parametrize("key", LAB_KEYS)
def test_space_right_and_r_act_after_a_tab_click_and_after_a_button(qtbot, shown, key):
    if key != LAB_KEYS[0]:
        click_tab(qtbot, shown, key)
    lab = shown.current_page.lab
    qtbot.keyClick(shown, Qt.Key.Key_Space)  # no click into the page first
    assert lab.running
    qtbot.keyClick(shown, Qt.Key.Key_Space)
    assert not lab.running
    qtbot.waitUntil(lambda: not lab.busy, timeout=10000)
    before = lab.iteration
    qtbot.keyClick(shown, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: lab.iteration == before + 1, timeout=10000)
    step = shown.current_page.step_button
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)  # the Step button now has the focus
    qtbot.waitUntil(lambda: lab.iteration == before + 2, timeout=10000)
    qtbot.keyClick(QApplication.focusWidget() or shown, Qt.Key.Key_Space)  # plays, does not step
    assert lab.running
    qtbot.keyClick(shown, Qt.Key.Key_R)
    lab.pause()
    qtbot.waitUntil(lambda: not lab.busy, timeout=10000)


def test_the_keys_work_right_after_launch(qtbot, shown):
    assert shown.current_key == LABS[0].key
    qtbot.keyClick(shown, Qt.Key.Key_Right)
    assert shown.current_page.lab.iteration == 1


def test_space_types_in_a_text_field_and_right_moves_a_spin_boxs_cursor(qtbot, shown):
    click_tab(qtbot, shown, "batchnorm")
    page, lab = shown.current_page, shown.current_page.lab
    field = next(w for w in page.findChildren(QLineEdit) if w.isVisible() and w.isEnabled()
                 and not isinstance(w.parent(), QAbstractSpinBox))
    field.setFocus()
    field.setText("16")
    field.end(False)
    qtbot.keyClick(field, Qt.Key.Key_Space)
    assert field.text() == "16 " and not lab.running
    spin = next(w for w in page.findChildren(QAbstractSpinBox) if w.isVisible() and w.isEnabled())
    spin.setFocus()
    edit = spin.findChild(QLineEdit)
    edit.setCursorPosition(0)
    before = lab.iteration
    qtbot.keyClick(spin, Qt.Key.Key_Right)
    assert edit.cursorPosition() == 1 and lab.iteration == before


def test_page_down_and_up_step_through_the_pages_presets(qtbot, shown):
    click_tab(qtbot, shown, "optimizers")
    names = [p["name"] for p in entry_for("optimizers").presets()]
    page = shown.current_page
    qtbot.keyClick(shown, Qt.Key.Key_PageDown)
    assert page.preset["name"] == names[0]
    qtbot.keyClick(shown, Qt.Key.Key_PageDown)
    assert page.preset["name"] == names[1]
    qtbot.keyClick(shown, Qt.Key.Key_PageUp)
    qtbot.keyClick(shown, Qt.Key.Key_PageUp)  # wraps round to the last
    assert page.preset["name"] == names[-1]
    assert "PgDown" in shown.shortcuts_text().replace("Page Down", "PgDown")


def settle(qtbot, settled, most_ms: int = 1500) -> None:
    """Let a zoom's relayout finish: the legends are placed last, about 100 ms later on a quiet
    machine. Waits until ``settled()`` or ``most_ms``; the assertions after it decide."""
    qtbot.wait(30)
    try:
        qtbot.waitUntil(settled, timeout=most_ms)
    except QtBotTimeout:  # the assertions after it say what is wrong
        pass


def share(page, widget) -> tuple[float, float]:
    """The widget's width and height as shares of the window's."""
    win = page.window()
    return widget.width() / win.width(), widget.height() / win.height()


@pytest.mark.parametrize("key", LAB_KEYS)
def test_stage_gives_the_main_view_the_room_at_every_zoom_and_gives_it_back(qtbot, shown, key):
    click_tab(qtbot, shown, key)
    page = shown.current_page
    preset = next(iter(entry_for(key).presets()), None)
    if preset is not None:
        shown.apply_preset(preset)
    qtbot.wait(20)
    widths = page.columns.sizes()
    qtbot.keyClick(shown, Qt.Key.Key_F10)
    assert page.staged and shown.view_actions["Stage: the main view only"].isChecked()
    assert page.play_button.isVisible() and not page.columns.widget(2).isVisible()
    for step in range(len(ZOOM_STEPS)):
        shown.presentation.set_step(step)
        qtbot.wait(20)
        w, h = share(page, page.main_view)
        assert w >= 0.60 and h >= 0.55, (ZOOM_STEPS[step], round(w, 2), round(h, 2))
        assert page.preset_bar.height() <= 0.15 * shown.height()
    shown.presentation.zoom_reset()
    qtbot.keyClick(shown, Qt.Key.Key_F10)
    qtbot.wait(20)
    assert not page.staged and page.columns.widget(0).isVisible() and page.columns.widget(2).isVisible()
    assert page.run_box.parentWidget() is page.columns.widget(0)  # back in its column
    assert abs(page.columns.sizes()[0] - widths[0]) <= 2


def render(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """main.py in a fresh process with no display and no Qt platform set."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HOME"] = str(tmp_path)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_page_renders_a_png_with_no_display(tmp_path, key):
    out = tmp_path / f"{key}.png"
    proc = render(["--page", key, "--steps", "5", "--screenshot", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000


def test_the_optimizer_page_renders_a_gif_with_no_display(tmp_path):
    out = tmp_path / "race.gif"
    proc = render(["--page", "optimizers", "--gif", str(out), "--frames", "3"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:6] in (b"GIF89a", b"GIF87a")


def test_version_and_about_name_the_versions(qtbot, shown):
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("Descent ")
    box = shown.show_about()
    text = box.text()
    for name in ("Python", "Qt", "PySide6", "pyqtgraph", "NumPy", *(e.title.lower() for e in LABS)):
        assert name in text, name
    copy = next(b for b in box.buttons() if b.text() == "Copy versions")
    copy.click()
    assert QApplication.clipboard().text().startswith("Descent ")
    assert box.isVisible()  # copying does not close it
    box.close()


def test_the_session_folder_can_be_moved(monkeypatch, tmp_path):
    from ui.autosave import default_session_path

    monkeypatch.setenv("DESCENT_CONFIG_DIR", str(tmp_path / "here"))
    assert default_session_path() == tmp_path / "here" / "session.json"


def test_the_session_is_state_and_an_earlier_one_comes_along(monkeypatch, tmp_path):
    """The session and the view live in the platform's state folder (XDG_STATE_HOME on Linux);
    a session kept in the configuration folder by an earlier version is copied there once."""
    from ui.autosave import default_session_path

    monkeypatch.delenv("DESCENT_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    old = tmp_path / "config" / "descent"
    old.mkdir(parents=True)
    (old / "session.json").write_text('{"version": 1}', encoding="utf-8")
    (old / "view.ini").write_text("[view]\nzoom=1.5\n", encoding="utf-8")
    path = default_session_path()
    assert path == tmp_path / "state" / "descent" / "session.json"
    assert path.read_text(encoding="utf-8") == '{"version": 1}'
    assert (path.parent / "view.ini").read_text(encoding="utf-8").endswith("zoom=1.5\n")
    (old / "session.json").write_text('{"version": 2}', encoding="utf-8")
    assert default_session_path().read_text(encoding="utf-8") == '{"version": 1}'  # once only


def legends_clipped(page) -> list[str]:
    """Every legend shown on the page that its plot's view does not show whole."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsView

    out = []
    for view in page.findChildren(QGraphicsView):
        if not view.isVisible():
            continue
        shown = view.mapToScene(view.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
        for item in view.items():
            if isinstance(item, pg.LegendItem) and item.isVisible() and item.items:
                rect = item.mapRectToScene(item.boundingRect())
                if not shown.contains(rect):
                    out.append(f"{[label.text for _, label in item.items]} at {rect} in {shown}")
    return out


def plots_squeezed(page, zoom: float) -> list[str]:
    """Every plot shown on the page whose data area its view squeezed below the room it keeps
    (``plot_room.DATA_MIN``, zoomed): a strip of axes with no data to read."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsView

    from ui.framework.plot_room import DATA_MIN

    out = []
    for view in page.findChildren(QGraphicsView):
        if view.isVisible():
            out += [f"{item.titleLabel.text or item.getAxis('left').labelText!r}: "
                    f"{item.vb.height():.0f} px" for item in view.items()
                    if isinstance(item, pg.PlotItem) and item.isVisible()
                    and item.vb.height() < 0.9 * DATA_MIN * zoom]
    return out


def centre_scrolls_sideways(page) -> bool:
    area = page.columns.widget(1)
    return area.horizontalScrollBar().maximum() > 0


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)], ids=["1024x768", "1280x800"])
def test_the_main_view_keeps_its_room_at_every_zoom_with_a_caption(qtbot, shown, size):
    """The side columns give way first: the largest view keeps 30% of the width and 40% of the
    height on every page at every zoom step, with a preset's caption shown in full; no legend is
    cut, no plot squeezed to its axes, and the centre never scrolls sideways."""
    shown.resize(*size)
    for key in LAB_KEYS:
        click_tab(qtbot, shown, key)
        page = shown.current_page
        preset = next(iter(entry_for(key).presets()), None)
        if preset is not None:
            shown.apply_preset(preset)
            page.preset_bar.more_button.setChecked(True)  # the claim and the caption in full
        for step in range(len(ZOOM_STEPS)):
            shown.presentation.set_step(step)
            settle(qtbot, lambda p=page: not legends_clipped(p))
            w, h = share(page, page.main_view)
            assert w >= 0.30 and h >= 0.40, (key, size, ZOOM_STEPS[step], round(w, 2), round(h, 2))
            assert not legends_clipped(page), (key, ZOOM_STEPS[step], legends_clipped(page))
            # the side columns scroll rather than squeeze a plot to a strip of axes, and a wide
            # tab behind the one in front does not widen the centre
            squeezed = plots_squeezed(page, ZOOM_STEPS[step])
            assert not squeezed, (key, ZOOM_STEPS[step], squeezed)
            assert not centre_scrolls_sideways(page), (key, ZOOM_STEPS[step])
        shown.presentation.zoom_reset()
        if preset is not None:
            page.preset_bar.more_button.setChecked(False)
            assert page.preset_bar.height() <= 0.15 * shown.height()  # one line, "more" folded


def test_a_long_status_message_stops_short_of_the_run_state(qtbot, shown):
    shown.resize(1024, 768)
    qtbot.wait(20)
    folder = "/home/teacher" + "/a folder with a long name" * 12 + "/missing"
    text = f"Could not write {folder}/x.png: the folder {folder} does not exist"
    shown._say(text)
    bar = shown.statusBar()
    shown_text = bar.currentMessage()
    assert "…" in shown_text and bar.toolTip() == text
    assert shown_text.startswith("Could not write") and shown_text.endswith("does not exist")
    room = bar.width() - shown._run_state.width()
    assert bar.fontMetrics().horizontalAdvance(shown_text) < room
    shown._say("Saved")
    assert bar.currentMessage() == "Saved" and bar.toolTip() == ""


def luminance(c) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def rendered_contrast(widget) -> float:
    """The contrast ratio (WCAG) between a rendered widget's background (its most common colour)
    and its text (the colour farthest from it in luminance)."""
    from collections import Counter

    image = widget.grab().toImage()
    colours = Counter(image.pixelColor(x, y).rgb() for x in range(0, image.width(), 2)
                      for y in range(0, image.height(), 2))
    from PySide6.QtGui import QColor

    back = QColor.fromRgb(colours.most_common(1)[0][0])
    text = max((QColor.fromRgb(c) for c in colours), key=lambda c: abs(luminance(c) - luminance(back)))
    hi, lo = sorted((luminance(back), luminance(text)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_high_contrast_is_white_on_black_at_seven_to_one_and_disabled_looks_disabled(qtbot, shown):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QLabel

    shown.presentation.set_theme("high contrast")
    qtbot.wait(20)
    page = shown.pages["optimizers"]
    shown.apply_preset(entry_for("optimizers").presets()[0])
    qtbot.wait(20)
    label = next(w for w in page.findChildren(QLabel) if w.isVisible() and w.text().strip()
                 and w is not page.message_line and w.width() > 40)
    for widget in (label, page.play_button, page.preset_bar.line):
        assert rendered_contrast(widget) >= 7.0, widget
    for theme in ("light", "dark", "high contrast"):
        shown.presentation.set_theme(theme)
        pal = QApplication.palette()
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
            enabled = pal.color(QPalette.ColorGroup.Active, role)
            disabled = pal.color(QPalette.ColorGroup.Disabled, role)
            assert abs(luminance(enabled) - luminance(disabled)) > 0.05, (theme, role)


def test_checkboxes_grow_with_the_zoom(qtbot, shown):
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    box = next(w for w in shown.current_page.findChildren(QCheckBox) if w.isVisible())

    def indicator() -> int:
        opt = QStyleOptionButton()
        box.initStyleOption(opt) if hasattr(box, "initStyleOption") else opt.initFrom(box)
        return box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, opt, box).width()

    small = indicator()
    shown.presentation.set_step(len(ZOOM_STEPS) - 1)
    qtbot.wait(20)
    assert indicator() >= 1.6 * small, (small, indicator())


def test_no_tab_is_out_of_reach(qtbot, shown):
    """A tab bar that overflows (a large zoom on a small screen) scrolls: every tab stays reachable."""
    from PySide6.QtWidgets import QTabBar

    shown.resize(1024, 768)
    assert len(list(shown.pages.values())) == len(LAB_KEYS)  # every page built (they are built when wanted)
    shown.presentation.set_step(len(ZOOM_STEPS) - 1)
    qtbot.wait(30)
    bars = shown.findChildren(QTabBar)
    assert len(bars) >= 6
    for bar in bars:
        assert bar.usesScrollButtons(), [bar.tabText(i) for i in range(bar.count())]


def test_a_long_paste_never_widens_the_window(qtbot, shown):
    """20,000 characters in batch norm's Hidden field made the window 141,905 px wide (its
    message quoted the text whole, and the message line asked that width)."""
    from PySide6.QtWidgets import QLineEdit

    shown.resize(1280, 800)
    for key in LAB_KEYS:
        click_tab(qtbot, shown, key)
        page = shown.current_page
        for field in [f for f in page.findChildren(QLineEdit) if f.isVisible() and f.isEnabled()
                      and not f.isReadOnly()]:
            before = field.text()
            field.setText("x" * 20_000)
            field.editingFinished.emit()
            qtbot.wait(50)
            assert shown.width() <= 1280 and shown.minimumSizeHint().width() <= 1280, (
                key, field.objectName(), shown.width(), shown.minimumSizeHint().width())
            field.setText(before)
            field.editingFinished.emit()


def test_the_installed_version_is_the_one_the_app_says():
    from importlib import metadata

    from ui.version import version

    assert metadata.version("descent") == version()
