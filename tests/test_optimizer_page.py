"""The optimizer page, driven as a user would: clicks, keys, fields; model and view both ways."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from simulator.surfaces import SURFACES
from ui.main_window import MainWindow
from ui.optimizer_lab import OPTIMIZER_NAMES


@pytest.fixture
def win(qtbot):
    w = MainWindow(session_path=None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    page = w.optimizer_page
    leaked = page.lab.running or page._basin_worker is not None
    w.close()
    assert not leaked, "the test left the race timer or a basin worker running"
    assert not page.lab.running


@pytest.fixture
def page(win):
    return win.optimizer_page


def click_data(qtbot, plot, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:
    """Click a pyqtgraph plot at data coordinates (x, y)."""
    vb = plot.getPlotItem().getViewBox()
    view_pt = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(plot.viewport(), button, pos=QPoint(view_pt.x(), view_pt.y()))


def test_click_on_surface_moves_start(qtbot, page):
    click_data(qtbot, page.plot, 1.0, -1.5)
    sx, sy = page.lab.start
    assert sx == pytest.approx(1.0, abs=0.05) and sy == pytest.approx(-1.5, abs=0.05)
    for r in page.lab.racers.values():
        assert np.allclose(r.path[0], (sx, sy))
    assert page.start_x.value() == pytest.approx(sx, abs=1e-3)
    assert page.start_y.value() == pytest.approx(sy, abs=1e-3)
    xs, ys = page.start_item.getData()
    assert xs[0] == pytest.approx(sx) and ys[0] == pytest.approx(sy)


def test_play_pause_draws_paths_and_losses(qtbot, page):
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert page.lab.running and page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: page.lab.race.iteration >= 20, timeout=5000)
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert not page.lab.running and page.play_button.text() == "Play"
    for name, r in page.lab.racers.items():
        px, py = page.paths[name].getData()
        assert len(px) == len(r.path) and np.allclose(px, r.path[:, 0])
        lx, ly = page.loss_curves[name].getData()
        assert len(lx) == len(r.losses)
    assert f"Iteration {page.lab.race.iteration}" in page.iteration_label.text()


def test_keys_space_right_and_r(qtbot, page):
    page.plot.setFocus()
    qtbot.keyClick(page.plot, Qt.Key.Key_Right)
    assert page.lab.race.iteration == 1
    qtbot.keyClick(page.plot, Qt.Key.Key_Right)
    assert page.lab.race.iteration == 2
    qtbot.keyClick(page.plot, Qt.Key.Key_Space)
    assert page.lab.running
    qtbot.keyClick(page.plot, Qt.Key.Key_Space)
    assert not page.lab.running
    qtbot.keyClick(page.plot, Qt.Key.Key_R)
    assert page.lab.race.iteration == 0
    for r in page.lab.racers.values():
        assert len(r.path) == 1


def test_typing_a_learning_rate_reaches_the_engine(qtbot, page):
    field = page.lr_fields["sgd"]
    field.selectAll()
    qtbot.keyClicks(field, "0.03")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert page.lab.settings.hyper["sgd"]["lr"] == pytest.approx(0.03)
    page.lab.step()
    r = page.lab.racers["sgd"]
    g = np.array(SURFACES["ravine"].grad(*r.path[0]))
    assert np.allclose(r.path[1], r.path[0] - 0.03 * g)


def test_model_change_shows_in_widgets(qtbot, page):
    page.lab.set_hyper("momentum", "beta", 0.5)
    assert page.beta_fields["momentum"].value() == pytest.approx(0.5)
    page.lab.set_enabled("rmsprop", False)
    assert not page.enable_boxes["rmsprop"].isChecked()
    page.lab.set_surface("himmelblau")
    assert page.surface_combo.currentData() == "himmelblau"
    assert page.lr_fields["adam"].value() == pytest.approx(SURFACES["himmelblau"].suggested_lr["adam"])


def test_toggle_optimizer_removes_its_racer_and_curves(qtbot, page):
    page.enable_boxes["sgd"].click()
    assert "sgd" not in page.lab.racers
    assert not page.paths["sgd"].isVisible() and not page.loss_curves["sgd"].isVisible()
    page.enable_boxes["sgd"].click()
    assert "sgd" in page.lab.racers and page.paths["sgd"].isVisible()


def test_bad_learning_rate_gives_message_and_keeps_state(qtbot, win, page):
    before = page.lab.settings.hyper["adam"]["lr"]
    page.lab.step()
    field = page.lr_fields["adam"]
    field.selectAll()
    qtbot.keyClicks(field, "0")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert page.lab.settings.hyper["adam"]["lr"] == before
    assert page.lab.race.iteration == 1  # the race was not rebuilt
    assert "lr must be in (0, inf), got 0" in win.statusBar().currentMessage()
    assert "background" in field.styleSheet()


def test_diverging_racer_stops_others_go_on(qtbot, page):
    page.lab.set_hyper("sgd", "lr", 5.0)  # far above 2/50, the stable limit on the ravine
    for _ in range(40):
        page.lab.step()
    sgd = page.lab.racers["sgd"]
    assert sgd.status == "diverged"
    assert page.lab.racers["adam"].iteration == 40
    label = page.legend.getLabel(page.loss_curves["sgd"]).text
    assert "diverged" in label
    xs, _ = page.diverged_marks.getData()
    assert len(xs) == 1


def test_surface_combo_switches_everything(qtbot, page):
    idx = page.surface_combo.findData("rosenbrock")
    page.surface_combo.setCurrentIndex(idx)
    lab = page.lab
    assert lab.surface.name == "rosenbrock"
    assert lab.start == SURFACES["rosenbrock"].start
    assert lab.settings.hyper["sgd"]["lr"] == SURFACES["rosenbrock"].suggested_lr["sgd"]
    assert "Rosenbrock" in page.plot.getPlotItem().titleLabel.text
    assert page.image.image is not None


def test_schedule_decays_alpha(qtbot, page):
    page.schedule.combo.setCurrentIndex(page.schedule.combo.findData("exponential"))
    page.schedule.fields["base"].setValue(0.9)
    assert page.lab.settings.schedule == "exponential"
    for _ in range(3):
        page.lab.step()
    adam = page.lab.racers["adam"].optimizer
    lr = page.lab.settings.hyper["adam"]["lr"]
    assert adam.alpha == pytest.approx(lr * 0.9**3)
    t, a = page.alpha_curve.getData()
    assert a[4] == pytest.approx(lr * 0.9 ** t[4])
    assert page.schedule.fields["base"].isVisible()
    assert not page.schedule.fields["decay_rate"].isVisible()
    assert page.schedule.formula.text() == "alpha = base^epoch * alpha0"


def test_noise_is_seeded(qtbot, page):
    page.noise_slider.setValue(30)
    assert page.lab.settings.noise == pytest.approx(0.3)
    for _ in range(5):
        page.lab.step()
    first = page.lab.racers["sgd"].path.copy()
    page.lab.reset()
    for _ in range(5):
        page.lab.step()
    assert np.array_equal(first, page.lab.racers["sgd"].path)
    page.seed_spin.setValue(11)
    for _ in range(5):
        page.lab.step()
    assert not np.allclose(first, page.lab.racers["sgd"].path)


def test_narrated_adam_step_goes_through_stages(qtbot, page):
    page.narrate_box.click()
    assert page.lab.settings.selected == "adam"
    stages = []
    for _ in range(5):
        qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
        n = page.lab.narration
        stages.append(n["stages"][n["index"]])
        if stages[-1] != "step":
            assert page.lab.race.iteration == 0
    assert stages == ["gradient", "first moment", "second moment", "bias correction", "step"]
    assert page.lab.race.iteration == 1
    text = page.explain_html
    assert "Stage 5 of 5" in text and "corrected" in text
    # Adam's first step moves each coordinate by about alpha.
    r = page.lab.racers["adam"]
    assert np.allclose(np.abs(r.path[1] - r.path[0]), page.lab.settings.hyper["adam"]["lr"],
                       rtol=1e-3)


def test_basin_map_in_worker(qtbot, page):
    page.lab.set_surface("himmelblau")
    page.basin_grid.setValue(50)
    page.basin_steps.setValue(150)
    page.views.setCurrentIndex(2)
    qtbot.mouseClick(page.basin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page._basin_worker is None, timeout=20000)
    labels = page.basin_labels
    assert labels.shape == (50, 50)
    assert set(np.unique(labels)) >= {0, 1, 2, 3}
    assert "%" in page.basin_legend.text() and page.basin_progress.value() == 100


def test_momentum_map_marks_and_sets_the_racer(qtbot, page):
    page.views.setCurrentIndex(3)
    assert page._mmap_rates is not None and page._mmap_rates.shape == (100, 120)
    click_data(qtbot, page.mmap_plot, -1.0, 0.8)
    h = page.lab.settings.hyper["momentum"]
    assert h["lr"] == pytest.approx(0.1, rel=0.1) and h["beta"] == pytest.approx(0.8, abs=0.02)
    xs, ys = page.mmap_marker.getData()
    assert xs[0] == pytest.approx(np.log10(h["lr"])) and ys[0] == pytest.approx(h["beta"])


def test_window_shows_surface_pixels(qtbot, win):
    img: QImage = win.grab().toImage()
    assert img.width() >= 1000
    page = win.optimizer_page
    pix = page.plot.grab().toImage()
    colors = {pix.pixel(x, y) for x in range(0, pix.width(), 7) for y in range(0, pix.height(), 7)}
    assert len(colors) > 50  # a coloured surface, not an empty plot


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_explain_panel_shows_each_rule(qtbot, page, name):
    page.select_combo.setCurrentIndex(page.select_combo.findData(name))
    page.lab.step()
    text = page.explain_html
    assert "W :=" in text
    assert ("v<sub>dW</sub>" in text) == (name in ("momentum", "adam"))
    assert ("s<sub>dW</sub>" in text) == (name in ("rmsprop", "adam"))


def test_3d_tab_never_breaks_the_page(qtbot, page):
    """Offscreen there is no OpenGL context: the tab says so and the race goes on."""
    page.views.setCurrentIndex(1)
    qtbot.wait(50)
    if page._gl_view is None:
        assert "3D view" in page.view3d_message.text()
        assert "opens when you select" not in page.view3d_message.text()
    page.lab.step()
    page.views.setCurrentIndex(0)
    assert page.lab.race.iteration == 1
