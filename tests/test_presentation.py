"""Presentation and long runs (issue 10): the time-budgeted tick, bounded histories, the window
fitting small screens, zoom, themes and fullscreen."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.records import Recorder
from ui.framework.controller import LabController


class FakeClock:
    """A clock that moves only when a step is taken: ``per_step`` seconds a step."""

    def __init__(self, per_step: float) -> None:
        self.now, self.per_step = 0.0, per_step

    def __call__(self) -> float:
        return self.now


class Steps(LabController):
    """A lab whose every step costs ``clock.per_step`` seconds of its fake clock."""

    key = "steps"
    MAX_SPEED = 20

    def __init__(self, per_step: float) -> None:
        super().__init__()
        self.count = 0
        self.calls = 0
        self.clock = FakeClock(per_step)

    def _advance(self, k: int) -> None:
        self.count += k
        self.calls += 1
        self.clock.now += k * self.clock.per_step

    @property
    def iteration(self) -> int:
        return self.count

    def _reset(self) -> None:
        self.count = 0


@pytest.fixture
def steps(qtbot):
    made = []

    def make(per_step: float) -> Steps:
        made.append(Steps(per_step))
        return made[-1]

    yield make
    for lab in made:
        lab.shutdown()


def playing_tick(lab: LabController) -> int:
    """One tick as the timer runs it (playing), the steps it ran."""
    lab.play()
    before = lab.iteration
    lab.tick()
    lab.pause()
    return lab.iteration - before


def test_at_max_the_frames_a_page_knows_to_be_dearer_train_less_and_the_others_do_not(steps):
    """Every third redraw costs 10 ms (a throttled text), the others 1 ms: averaged together,
    the dear frames ran 8 ms of steps and took 18 ms; kept apart (``frame_kind``), each kind of
    frame stays within MAX_FRAME and the cheap ones still train the whole budget."""
    lab = steps(0.001)
    count = {"frames": 0}

    def dear_next() -> bool:
        return count["frames"] % 3 == 2

    def redraw() -> None:
        lab.clock.now += 0.010 if dear_next() else 0.001
        count["frames"] += 1

    lab.stepped.connect(redraw)
    lab.frame_kind = dear_next
    lab.set_speed(lab.MAX_SPEED)
    lab.play()
    frames = []
    for _ in range(60):
        before, start, dear = lab.iteration, lab.clock.now, dear_next()
        lab.tick()
        frames.append((dear, lab.iteration - before, lab.clock.now - start))
    lab.pause()
    late = frames[30:]
    assert all(took <= lab.MAX_FRAME + 0.001 for _, _, took in late), late
    assert all(n >= 8 for dear, n, _ in late if not dear), late  # the cheap ones: the whole budget
    assert all(n <= 4 for dear, n, _ in late if dear)


def test_a_cheap_step_runs_the_requested_steps_per_frame(steps):
    lab = steps(1e-5)  # 0.01 ms a step: 5 steps take far less than the budget
    lab.set_speed(5)
    assert playing_tick(lab) == 5 and lab.last_tick_steps == 5


def test_a_dear_step_runs_only_what_fits_in_the_budget(steps):
    lab = steps(0.001)  # 1 ms a step, an 8 ms budget: 8 steps, though 15 were asked for
    lab.set_speed(15)
    assert playing_tick(lab) == 8
    assert lab.calls <= 4  # the clock read a few times a frame, not at every step


def test_a_step_dearer_than_the_budget_still_runs_one(steps):
    lab = steps(0.05)
    lab.set_speed(10)
    assert playing_tick(lab) == 1


def test_the_top_notch_runs_as_many_as_the_budget_allows(steps):
    lab = steps(1e-5)  # 800 steps fit in 8 ms, far above MAX_SPEED = 20
    lab.set_speed(lab.MAX_SPEED)
    assert 700 <= playing_tick(lab) <= 800


def test_at_max_a_dear_redraw_leaves_fewer_steps_so_the_frame_stays_short(steps):
    lab = steps(0.001)  # 1 ms a step; each redraw costs 10 ms of the same clock
    lab.stepped.connect(lambda: setattr(lab.clock, "now", lab.clock.now + 0.010))
    lab.set_speed(lab.MAX_SPEED)
    assert lab.timer.interval() == 0  # at max the timer does not wait: the frame is the budget
    lab.play()
    frames = []
    for _ in range(30):
        before, start = lab.iteration, lab.clock.now
        lab.tick()
        frames.append((lab.iteration - before, lab.clock.now - start))
    lab.pause()
    assert frames[0][0] == 8  # the first frame knows no redraw yet: the whole 8 ms budget
    steps_late, frame_late = frames[-1]
    assert steps_late <= 5 and frame_late <= lab.MAX_FRAME + 0.001  # 14 ms less 10 ms of redraw
    lab.set_speed(5)
    assert lab.timer.interval() == lab.interval_ms  # below max, the timer paces the frames again


def test_a_paused_tick_runs_exactly_the_speed(steps):
    lab = steps(0.01)  # dearer than the budget: a script's tick still runs what it asked for
    lab.set_speed(7)
    lab.tick()
    assert lab.iteration == 7


def test_the_run_box_names_the_top_notch_max_speed(qtbot):
    from ui.framework.widgets import RunBox

    lab = Steps(1e-5)
    box = RunBox(lab, "one step", "back to the start", "steps")
    qtbot.addWidget(box)
    lab.set_speed(3)
    assert box.speed_label.text() == "3 steps/frame"
    box.speed_slider.setValue(box.speed_slider.maximum())
    assert lab.speed == lab.MAX_SPEED and box.speed_label.text() == "max speed"
    lab.shutdown()


# -- bounded histories ---------------------------------------------------------------------------


def test_a_limited_recorder_keeps_the_recent_rows_whole_and_thins_the_old():
    r = Recorder(1, limit=64)
    for i in range(10_000):
        r.append([i])
    assert r.count == 10_000 and r.n <= 64
    assert np.array_equal(r.data[:, 0], r.steps)  # each row knows its index
    assert r.steps[0] == 0 and r.steps[-1] == 9_999
    assert np.array_equal(r.steps[-16:], np.arange(9_984, 10_000))  # the recent ones all there
    assert np.all(np.diff(r.steps) > 0)


def test_an_unlimited_recorder_keeps_every_row():
    r = Recorder(2, capacity=2)
    for i in range(1000):
        r.append([i, -i])
    assert r.n == r.count == 1000 and np.array_equal(r.steps, np.arange(1000))


def test_a_long_race_holds_bounded_history_and_the_page_draws_bounded_data(qtbot):
    from simulator.racing import HISTORY_LIMIT
    from ui.labs import entry_for

    page = entry_for("optimizers").make_page()
    qtbot.addWidget(page)
    lab = page.lab
    assert lab.set_surface("bowl") and lab.set_noise(0.5)  # noise: the race never stops
    lab.run(3 * HISTORY_LIMIT)
    for name, r in lab.racers.items():
        assert r.iteration == 3 * HISTORY_LIMIT
        assert len(r.path) <= HISTORY_LIMIT and len(r.losses) == len(r.path) == len(r.steps)
        x, y = page.losses.data(name)
        curve = page.losses.curves[name]  # a growing curve: a strided history, the recent points
        bound = 2 * curve.MAX_HISTORY + 1 + curve.chunk
        assert len(x) <= bound and x[-1] == r.iteration
    alpha_t, _ = page.alpha_view.curve.getData()
    assert len(alpha_t) <= page.alpha_view.POINTS and alpha_t[-1] >= lab.iteration
    page.shutdown()


# -- the window fits the screen ------------------------------------------------------------------

SIZES = [(1024, 768), (1280, 800), (1920, 1080), (960, 540)]  # 960x540: 1920x1080 at scale 2


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_window_fits_and_every_page_shows_its_run_buttons(qtbot, win, size):
    from PySide6.QtCore import QRect

    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    hint = win.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1]
    assert (win.width(), win.height()) == size
    visible = QRect(0, 0, *size)
    for key, page in win.pages.items():
        win.show_page(key)
        qtbot.wait(1)
        for button in (page.play_button, page.step_button, page.reset_button):
            corner = button.mapTo(win, button.rect().bottomRight())
            assert button.isVisible() and visible.contains(button.mapTo(win, button.rect().topLeft()))
            assert visible.contains(corner), (key, button.text(), corner)
            assert button.visibleRegion().boundingRect().size() == button.size(), (key, button.text())
        assert win.statusBar().isVisible() and win.statusBar().geometry().bottom() < size[1]


def test_a_remembered_window_fits_a_smaller_screen(qtbot, tmp_path):
    from ui.main_window import MainWindow

    w = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(w)
    area = w.screen().availableGeometry()  # the offscreen screen is 800 x 800
    assert w.width() <= area.width() and w.height() <= area.height()
    w.close()


# -- zoom, theme, fullscreen ---------------------------------------------------------------------



def _px(widget) -> int:
    from PySide6.QtGui import QFontInfo

    return QFontInfo(widget.font()).pixelSize()


def test_ctrl_plus_zooms_text_lines_and_markers_and_ctrl_0_resets(qtbot, shown):
    from PySide6.QtCore import Qt

    page = shown.pages["optimizers"]
    label, loss = page.panel.iteration_label, page.losses
    axis = loss.getPlotItem().getAxis("left")
    sgd = getattr(loss.curves["sgd"], "recent", loss.curves["sgd"])  # (a composite draws with "recent")
    before = (_px(label), sgd.opts["pen"].widthF(), page.losses.diverged_marks.opts["size"])
    for _ in range(3):
        qtbot.keyClick(shown, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(1)  # the font reaches the widgets through the event loop
    z = shown.presentation.zoom
    assert z > 1.4
    assert _px(label) >= 1.4 * before[0]
    assert sgd.opts["pen"].widthF() == pytest.approx(before[1] * z)
    assert page.losses.diverged_marks.opts["size"] == pytest.approx(before[2] * z)
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(9 * z)
    qtbot.keyClick(shown, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(1)
    assert shown.presentation.zoom == 1.0
    assert (_px(label), sgd.opts["pen"].widthF(),
            page.losses.diverged_marks.opts["size"]) == pytest.approx(before)


def test_at_the_largest_step_readouts_and_axis_labels_are_at_least_20_px(qtbot, shown):
    from PySide6.QtGui import QFontInfo

    pres = shown.presentation
    for _ in range(20):
        pres.zoom_in()
    qtbot.wait(1)
    page = shown.pages["optimizers"]
    assert _px(page.panel.iteration_label) >= 20  # a readout
    assert _px(page.explain) >= 20  # the equations (the document takes the widget's font)
    axis = page.losses.getPlotItem().getAxis("bottom")
    assert QFontInfo(axis.style["tickFont"]).pixelSize() >= 20
    assert QFontInfo(axis.label.font()).pixelSize() >= 20
    pres.zoom_out()
    assert pres.zoom < 2.0


def test_a_style_sheet_font_size_follows_the_zoom(qtbot, shown):
    from PySide6.QtWidgets import QLabel

    from ui.framework.presentation import ZOOM_STEPS
    from ui.framework.style import HINT_STYLE

    hints = [w for w in shown.findChildren(QLabel) if w.styleSheet() == HINT_STYLE]  # 11 px
    assert hints
    shown.presentation.set_step(len(ZOOM_STEPS) - 1)
    assert all("font-size: 22px" in h.styleSheet() for h in hints)
    shown.presentation.zoom_reset()
    assert all(h.styleSheet() == HINT_STYLE for h in hints)


def test_themes_change_palette_and_plot_background(qtbot, shown):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    pres = shown.presentation
    plot = shown.pages["optimizers"].losses
    pres.set_theme("dark")
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert plot.backgroundBrush().color().lightness() < 80
    assert [a.text() for a in _theme_actions(shown) if a.isChecked()] == ["Dark"]
    pres.set_theme("high contrast")  # white on black, one bright accent
    assert QApplication.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    assert plot.backgroundBrush().color().name() == "#000000"
    with pytest.raises(ValueError, match="theme must be one of"):
        pres.set_theme("neon")


def _theme_actions(win):
    view = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    themes = next(a.menu() for a in view.actions() if a.menu() is not None)
    return themes.actions()


def test_f11_toggles_fullscreen(qtbot, shown):
    from PySide6.QtCore import Qt

    qtbot.keyClick(shown, Qt.Key.Key_F11)
    assert shown.windowState() & Qt.WindowState.WindowFullScreen
    qtbot.keyClick(shown, Qt.Key.Key_F11)
    assert not shown.windowState() & Qt.WindowState.WindowFullScreen


def test_the_view_menu_and_the_shortcuts_dialog_name_the_keys(shown):
    view = next(a.menu() for a in shown.menuBar().actions() if a.text() == "&View")
    texts = [a.text() for a in view.actions()]
    assert texts[:4] == ["&Fullscreen", "Zoom &in", "Zoom &out", "&Reset zoom"]
    assert shown.view_actions["Fullscreen"].shortcut().toString() == "F11"
    text = shown.shortcuts_text()  # what F1 shows
    assert "F11" in text and "Ctrl+=" in text and "Ctrl+0" in text and "Ctrl+Shift+T" in text


def test_zoom_and_theme_are_remembered_beside_the_session(qtbot, tmp_path):
    from ui.main_window import MainWindow

    first = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(first)
    first.presentation.set_theme("dark")
    first.presentation.zoom_in()
    zoom = first.presentation.zoom
    first.close()
    second = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(second)
    try:
        assert second.presentation.theme == "dark" and second.presentation.zoom == zoom
        assert (tmp_path / "view.ini").exists()
    finally:
        second.presentation.zoom_reset()
        second.presentation.set_theme("light")
        second.close()


def test_the_batchnorm_records_stay_bounded_and_the_plot_keeps_its_recent_window(
        qtbot, make_page, monkeypatch):
    import simulator.batchnorm.experiment as experiment

    monkeypatch.setattr(experiment, "HISTORY_LIMIT", 1024)  # a long run, in miniature
    page = make_page("batchnorm", shown=True)
    lab = page.lab
    lab.reset()
    lab.run(3000)
    e = lab.experiment
    assert e.iterations.count == 3000 and e.iterations.n <= 1024
    assert all(r.n <= 1024 for r in e.records.values()) and e.snap.pop_mean.n <= 1024
    x, y = page.stats.batch_mu.getData()
    assert x[-1] == 3000 and 400 <= len(x) <= 600
    assert np.array_equal(x, np.arange(x[0], 3001))  # the window's iterations, all of them
    assert np.allclose(y, e.series("batch_mean", lab.layer, lab.unit)[-len(x):])
