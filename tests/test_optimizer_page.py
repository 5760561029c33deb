"""The optimizer page, driven as a user would: clicks, keys, fields; model and view both ways."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from simulator.race_settings import OPTIMIZER_NAMES
from simulator.surfaces import SURFACES
from ui.labs import entry_for


@pytest.fixture
def page(make_page):
    return make_page("optimizers", shown=True)  # make_page fails a test that leaves it running


def click_data(qtbot, plot, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:
    """Click a pyqtgraph plot at data coordinates (x, y)."""
    vb = plot.getPlotItem().getViewBox()
    view_pt = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(plot.viewport(), button, pos=QPoint(view_pt.x(), view_pt.y()))


def type_into(qtbot, field, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_click_on_surface_moves_start(qtbot, page):
    click_data(qtbot, page.surface_view, 1.0, -1.5)
    sx, sy = page.lab.start
    assert sx == pytest.approx(1.0, abs=0.05) and sy == pytest.approx(-1.5, abs=0.05)
    for r in page.lab.racers.values():
        assert np.allclose(r.path[0], (sx, sy))
    assert page.panel.start_x.value() == pytest.approx(sx, abs=1e-3)
    assert page.panel.start_y.value() == pytest.approx(sy, abs=1e-3)
    xs, ys = page.surface_view.start_item.getData()
    assert xs[0] == pytest.approx(sx) and ys[0] == pytest.approx(sy)


def test_play_pause_draws_paths_and_losses(qtbot, page):
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert page.lab.running and page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: page.lab.race.iteration >= 20, timeout=5000)
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert not page.lab.running and page.play_button.text() == "Play"
    for name, r in page.lab.racers.items():
        px, py = page.surface_view.paths[name].getData()
        assert len(px) == len(r.path) and np.allclose(px, r.path[:, 0])
        # What was set on the curve, not the downsampled and clipped points it draws.
        lx, ly = page.losses.data(name)
        assert len(lx) == len(r.losses)
        assert np.allclose(ly, r.gaps)
    assert f"Iteration {page.lab.race.iteration}" in page.panel.iteration_label.text()


def test_keys_space_right_and_r(qtbot, page):
    plot = page.surface_view
    plot.setFocus()
    qtbot.keyClick(plot, Qt.Key.Key_Right)
    assert page.lab.race.iteration == 1
    qtbot.keyClick(plot, Qt.Key.Key_Right)
    assert page.lab.race.iteration == 2
    qtbot.keyClick(plot, Qt.Key.Key_Space)
    assert page.lab.running
    qtbot.keyClick(plot, Qt.Key.Key_Space)
    assert not page.lab.running
    qtbot.keyClick(plot, Qt.Key.Key_R)
    assert page.lab.race.iteration == 0
    for r in page.lab.racers.values():
        assert len(r.path) == 1


def test_run_controls_sit_at_the_top_of_the_panel(page):
    run = page.panel.run_box
    assert run.mapTo(page.panel, run.rect().topLeft()).y() < page.panel.surface_combo.mapTo(
        page.panel, page.panel.surface_combo.rect().topLeft()).y()
    page.speed_slider.setValue(40)
    assert page.lab.speed == 40 and "40 steps/frame" in run.speed_label.text()


def test_typing_a_learning_rate_reaches_the_engine(qtbot, page):
    type_into(qtbot, page.panel.lr_fields["sgd"], "0.03")
    assert page.lab.settings.hyper["sgd"]["lr"] == pytest.approx(0.03)
    page.lab.step()
    r = page.lab.racers["sgd"]
    g = np.array(SURFACES["ravine"].grad(*r.path[0]))
    assert np.allclose(r.path[1], r.path[0] - 0.03 * g)


def test_model_change_shows_in_widgets(qtbot, page):
    panel = page.panel
    page.lab.set_hyper("momentum", "beta", 0.5)
    assert panel.beta_fields["momentum"].value() == pytest.approx(0.5)
    page.lab.set_enabled("rmsprop", False)
    assert not panel.enable_boxes["rmsprop"].isChecked()
    page.lab.set_surface("himmelblau")
    assert panel.surface_combo.currentData() == "himmelblau"
    assert panel.lr_fields["adam"].value() == pytest.approx(SURFACES["himmelblau"].suggested_lr["adam"])


def test_toggle_optimizer_removes_its_racer_and_curves(qtbot, page):
    page.panel.enable_boxes["sgd"].click()
    assert "sgd" not in page.lab.racers
    assert not page.surface_view.paths["sgd"].isVisible()
    assert not page.losses.curves["sgd"].isVisible()
    page.panel.enable_boxes["sgd"].click()
    assert "sgd" in page.lab.racers and page.surface_view.paths["sgd"].isVisible()


def test_bad_learning_rate_gives_message_and_keeps_state(qtbot, page):
    before = page.lab.settings.hyper["adam"]["lr"]
    page.lab.step()
    field = page.panel.lr_fields["adam"]
    type_into(qtbot, field, "0")
    assert page.lab.settings.hyper["adam"]["lr"] == before
    assert page.lab.race.iteration == 1  # the race was not rebuilt
    assert "lr must be in (0, inf), got 0" in page.message
    assert "background" in field.styleSheet()


def test_diverging_racer_stops_others_go_on(qtbot, page):
    page.lab.set_hyper("sgd", "lr", 5.0)  # far above 2/50, the stable limit on the ravine
    for _ in range(40):
        page.lab.step()
    sgd = page.lab.racers["sgd"]
    assert sgd.status == "diverged"
    assert page.lab.racers["adam"].iteration == 40
    label = page.losses.legend.getLabel(page.losses.curves["sgd"]).text
    assert "diverged" in label
    xs, _ = page.losses.diverged_marks.getData()
    assert len(xs) == 1
    assert "SGD diverged at iteration" in page.message


def test_surface_combo_switches_everything(qtbot, page):
    combo = page.panel.surface_combo
    combo.setCurrentIndex(combo.findData("rosenbrock"))
    lab = page.lab
    assert lab.surface.name == "rosenbrock"
    assert lab.start == SURFACES["rosenbrock"].start
    assert lab.settings.hyper["sgd"]["lr"] == SURFACES["rosenbrock"].suggested_lr["sgd"]
    assert "Rosenbrock" in page.surface_view.getPlotItem().titleLabel.text
    assert page.surface_view.image.image is not None
    assert page.panel.surface_note.text() == SURFACES["rosenbrock"].note


def test_schedule_decays_alpha(qtbot, page):
    schedule = page.panel.schedule
    schedule.combo.setCurrentIndex(schedule.combo.findData("exponential"))
    schedule.fields["base"].setValue(0.9)
    assert page.lab.settings.schedule == "exponential"
    for _ in range(3):
        page.lab.step()
    adam = page.lab.racers["adam"].optimizer
    lr = page.lab.settings.hyper["adam"]["lr"]
    assert adam.alpha == pytest.approx(lr * 0.9**3)
    t, a = page.alpha_view.curve.getData()
    assert a[4] == pytest.approx(lr * 0.9 ** t[4])
    assert schedule.fields["base"].isVisible()
    assert not schedule.fields["decay_rate"].isVisible()
    assert schedule.formula.text() == "alpha = base^epoch * alpha0"


def test_alpha_curve_follows_the_explained_racer_and_grows(qtbot, page):
    panel = page.panel
    panel.select_combo.setCurrentIndex(panel.select_combo.findData("sgd"))
    _, a = page.alpha_view.curve.getData()
    assert a[0] == pytest.approx(page.lab.settings.hyper["sgd"]["lr"])
    assert "SGD" in page.alpha_view.getPlotItem().titleLabel.text
    page.lab.set_noise(0.5)  # never stops
    page.lab.run(600)
    t, _ = page.alpha_view.curve.getData()
    assert t[-1] >= 601 and page.alpha_view.now.value() == 601


def test_noise_is_seeded(qtbot, page):
    page.panel.noise_slider.setValue(30)
    assert page.lab.settings.noise == pytest.approx(0.3)
    assert "mini-batch" in page.panel.noise_label.text()
    for _ in range(5):
        page.lab.step()
    first = page.lab.racers["sgd"].path.copy()
    page.lab.reset()
    for _ in range(5):
        page.lab.step()
    assert np.array_equal(first, page.lab.racers["sgd"].path)
    page.panel.seed_spin.setValue(11)
    for _ in range(5):
        page.lab.step()
    assert not np.allclose(first, page.lab.racers["sgd"].path)


def test_narrated_adam_step_goes_through_stages(qtbot, page):
    page.panel.narrate_box.click()
    assert page.lab.narrate and page.lab.settings.selected == "adam"
    stages = []
    for _ in range(5):
        qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
        n = page.lab.narration
        stages.append(n["stages"][n["index"]])
        if stages[-1] != "step":
            assert page.lab.race.iteration == 0
    assert stages == ["gradient", "first moment", "second moment", "bias correction", "step"]
    assert page.lab.race.iteration == 1
    text = page.explain.html
    assert "Stage 5 of 5" in text and "corrected" in text
    # Adam's first step moves each coordinate by about alpha.
    r = page.lab.racers["adam"]
    assert np.allclose(np.abs(r.path[1] - r.path[0]), page.lab.settings.hyper["adam"]["lr"],
                       rtol=1e-3)
    # While narrating, the white arrow shows the step only at the "step" stage.
    xs, _ = page.surface_view.step_arrow.getData()
    assert xs is not None and np.isfinite(xs).any()


def test_basin_map_in_worker(qtbot, page):
    page.lab.set_surface("himmelblau")
    view = page.basin_view
    view.grid.setValue(50)
    view.steps.setValue(150)
    page.views.setCurrentWidget(view)
    qtbot.mouseClick(view.button, Qt.MouseButton.LeftButton)
    assert page.lab.busy and not view.button.isEnabled() and view.cancel.isEnabled()
    qtbot.waitUntil(lambda: not page.lab.busy, timeout=20000)
    labels = page.lab.basin.labels
    assert labels.shape == (50, 50)
    assert set(np.unique(labels)) >= {0, 1, 2, 3}
    assert "%" in view.legend.text() and view.progress.value() == 100
    assert view.button.isEnabled() and not view.cancel.isEnabled()
    page.lab.set_surface("bowl")  # another surface: the map no longer applies
    assert page.lab.basin is None and view.progress.value() == 0
    assert "press Compute" in view.legend.text()


def test_basin_map_shows_the_surface_before_the_first_compute(qtbot, page):
    view = page.basin_view
    page.views.setCurrentWidget(view)
    for name in ("ravine", "himmelblau"):
        page.lab.set_surface(name)
        x0, x1, y0, y1 = SURFACES[name].domain
        assert view.image.image is not None and view.image.image.shape == (120, 120)
        assert np.ptp(view.image.image) > 50  # the surface's levels, not a blank
        (vx0, vx1), (vy0, vy1) = view.plot.getPlotItem().getViewBox().viewRange()
        assert vx0 <= x0 + 0.01 and vx1 >= x1 - 0.01 and vy0 <= y0 + 0.01 and vy1 >= y1 - 0.01
        assert min(vx1 - vx0 - (x1 - x0), vy1 - vy0 - (y1 - y0)) < 0.1  # fitted (aspect locked)
        assert len(view.minima.getData()[0]) == len(SURFACES[name].minima)
        assert "press Compute" in view.legend.text()


def map_shown(qtbot, page, surface: str | None = None):
    """The momentum map of the page's surface (or ``surface``), once the worker brought it."""
    view = page.momentum_view
    qtbot.waitUntil(lambda: view.shown is not None and view.shown.surface is page.lab.surface,
                    timeout=20000)
    return view.shown


def test_momentum_map_marks_and_sets_the_racer(qtbot, page):
    view = page.momentum_view
    assert view.rates is None  # computed when the tab is first shown
    page.views.setCurrentWidget(view)
    assert "Computing" in view.best_label.text()  # in the worker: the window answers meanwhile
    map_shown(qtbot, page)
    assert view.rates is not None and view.rates.shape == (100, 120)
    click_data(qtbot, view.plot, -1.0, 0.8)
    h = page.lab.settings.hyper["momentum"]
    assert h["lr"] == pytest.approx(0.1, rel=0.1) and h["beta"] == pytest.approx(0.8, abs=0.02)
    xs, ys = view.marker.getData()
    assert xs[0] == pytest.approx(np.log10(h["lr"])) and ys[0] == pytest.approx(h["beta"])
    a, b, rate = view.shown.best  # the star: the lowest rate of the map
    assert rate == pytest.approx(np.min(view.rates))
    assert view.best.getData()[0][0] == pytest.approx(np.log10(a))
    assert "Fastest pair" in view.best_label.text()


def test_momentum_map_follows_the_surface_and_the_racers_own_alpha(qtbot, page):
    view = page.momentum_view
    page.views.setCurrentWidget(view)
    page.lab.set_surface("rosenbrock")
    map_shown(qtbot, page)
    assert view.shown.surface.name == "rosenbrock" and view.shown.start == page.lab.start
    lr = page.lab.settings.hyper["momentum"]["lr"]
    assert view.shown.alphas[0] < lr < view.shown.alphas[-1]
    assert view.marker.getData()[0][0] == pytest.approx(np.log10(lr))
    assert "Rosenbrock" in view.plot.getPlotItem().titleLabel.text


def test_momentum_map_beta_axis_on_a_log_scale(qtbot, page):
    view = page.momentum_view
    page.views.setCurrentWidget(view)
    view.log_box.setChecked(True)
    qtbot.waitUntil(lambda: view.shown is not None and view.shown.log_beta, timeout=20000)
    assert view.shown.log_beta and view.shown.betas[-1] == pytest.approx(0.999)
    # 0.9, 0.99 and 0.999 are evenly apart: each decade of 1 − β gets a third of the axis
    assert np.mean(view.shown.betas >= 0.9) == pytest.approx(2 / 3, abs=0.02)
    click_data(qtbot, view.plot, -1.0, 2.0)
    assert page.lab.settings.hyper["momentum"]["beta"] == pytest.approx(0.99, abs=0.002)
    assert view.marker.getData()[1][0] == pytest.approx(2.0, abs=0.1)


def test_window_shows_surface_pixels(qtbot, win):
    win.show()
    qtbot.waitExposed(win)
    img: QImage = win.grab().toImage()
    assert img.width() >= 1000
    page = win.show_page("optimizers")
    pix = page.surface_view.grab().toImage()
    colors = {pix.pixel(x, y) for x in range(0, pix.width(), 7) for y in range(0, pix.height(), 7)}
    assert len(colors) > 50  # a coloured surface, not an empty plot


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_explain_panel_shows_each_rule(qtbot, page, name):
    combo = page.panel.select_combo
    combo.setCurrentIndex(combo.findData(name))
    page.lab.step()
    text = page.explain.html
    assert "W :=" in text
    assert ("v<sub>dW</sub>" in text) == (name in ("momentum", "adam"))
    assert ("s<sub>dW</sub>" in text) == (name in ("rmsprop", "adam"))
    assert page.explain.toPlainText().startswith(page.lab.racers[name].optimizer.title)


def test_3d_tab_never_breaks_the_page(qtbot, page):
    """Offscreen there is no OpenGL context: the tab says so and the race goes on."""
    page.views.setCurrentWidget(page.view3d)
    qtbot.wait(50)
    if not page.view3d.gl_available:
        assert "3D view" in page.view3d.message.text()
        assert "opens when you select" not in page.view3d.message.text()
    page.lab.step()
    page.views.setCurrentWidget(page.surface_view)
    assert page.lab.race.iteration == 1


def test_csv_has_every_racers_path(page):
    for _ in range(3):
        page.lab.step()
    rows = page.csv_lines()
    assert rows[0] == "optimizer,iteration,w1,w2,J"
    assert len(rows) == 1 + 4 * 4  # four racers, start + three steps each
    name, it, w1, w2, j = rows[-1].split(",")
    r = page.lab.racers[name]
    assert int(it) == 3 and float(w1) == pytest.approx(r.w[0]) and float(j) == pytest.approx(r.loss)


def test_loaded_preset_shows_in_every_widget(page):
    assert page.lab.load({"surface": "beale", "noise": 0.25, "seed": 4, "speed": 12,
                          "selected": "rmsprop", "schedule": "staircase",
                          "schedule_params": {"factor": 0.5, "every": 50},
                          "enabled": {"sgd": False}})
    panel = page.panel
    assert panel.surface_combo.currentData() == "beale"
    assert panel.noise_slider.value() == 25 and panel.seed_spin.value() == 4
    assert page.speed_slider.value() == 12 and panel.select_combo.currentData() == "rmsprop"
    assert panel.schedule.combo.currentData() == "staircase"
    assert panel.schedule.fields["every"].value() == 50
    assert not panel.enable_boxes["sgd"].isChecked()


def test_a_preset_shows_its_bar_until_a_setting_is_changed_by_hand(qtbot, page):
    preset = next(p for p in entry_for("optimizers").presets() if p["name"].startswith("Ravine"))
    before = page.play_button.mapTo(page, page.play_button.rect().topLeft())
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    assert page.preset is preset and page.preset_bar.isVisible()
    assert preset["claim"] in page.preset_bar.title_label.text()
    assert page.play_button.mapTo(page, page.play_button.rect().topLeft()) == before
    page.lab.run(5)
    page.lab.reset()  # running and resetting keep the preset in force
    assert page.preset is preset
    page.panel.noise_slider.setValue(20)  # a setting changed by hand
    assert page.preset is None and not page.preset_bar.isVisible()


def test_a_preset_can_open_its_tab(qtbot, page):
    preset = next(p for p in entry_for("optimizers").presets() if p.get("view") == "Sections")
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    assert page.views.currentWidget() is page.sections_view


def test_twins_are_set_from_the_panel_and_drawn_dashed(qtbot, page):
    row = page.panel.twin_rows[0]
    assert not page.panel.twin_rows[1].isEnabled()  # the second once the first is set
    row.racer.setCurrentIndex(row.racer.findData("adam"))
    assert page.lab.settings.twins == [{"of": "adam", "key": "bias_correction", "value": False}]
    assert "adam_b" in page.lab.racers and page.panel.twin_rows[1].isEnabled()
    assert row.flag.isVisibleTo(page) and not row.value.isVisibleTo(page)
    row.key.setCurrentIndex(row.key.findData("beta1"))
    assert page.lab.settings.twins[0] == {"of": "adam", "key": "beta1", "value": 0.5}
    row.value.setValue(0.7)
    row.value.editingFinished.emit()
    assert page.lab.racers["adam_b"].optimizer.hyper["beta1"] == 0.7
    page.lab.run(3)
    assert page.surface_view.paths["adam_b"].isVisible()
    assert page.surface_view.paths["adam_b"].recent.opts["pen"].style() == Qt.PenStyle.DashLine
    assert page.losses.legend.getLabel(page.losses.curves["adam_b"]).text == "Adam, β1 = 0.7"
    row.racer.setCurrentIndex(0)  # "—": the twin goes
    assert page.lab.settings.twins == [] and "adam_b" not in page.lab.racers


def test_the_secondary_tabs_are_made_when_first_shown(qtbot, page):
    """Start-up makes the surface and the right column only; a tab's view is made when the tab
    first comes to the front (or code asks for it), once, up to date with the lab."""
    lazy = [page.basin_view, page.momentum_view, page.sections_view, page.critical_view, page.ewa_view]
    assert all(tab.built is None for tab in lazy)
    page.lab.set_surface("himmelblau")
    page.views.setCurrentWidget(page.basin_view)
    made = page.basin_view.built
    assert made is not None and made.isVisible() and "Himmelblau" in made.plot.getPlotItem().titleLabel.text
    assert all(tab.built is None for tab in lazy[1:])
    page.views.setCurrentWidget(page.surface_view)
    page.views.setCurrentWidget(page.basin_view)
    assert page.basin_view.built is made


def test_sections_tab_shows_the_saddle_and_the_racers_on_it(qtbot, page):
    page.lab.set_surface("saddle")
    page.views.setCurrentWidget(page.sections_view)
    view = page.sections_view
    assert "a minimum" in view.along_w1.getPlotItem().titleLabel.text
    assert "a maximum" in view.along_w2.getPlotItem().titleLabel.text
    page.lab.run(10)
    r = page.lab.racers["sgd"]
    xs, ys = view.along_w1.balls["sgd"].getData()
    assert xs[0] == pytest.approx(r.w[0]) and ys[0] == pytest.approx(SURFACES["saddle"].f(r.w[0], 0.0))
    sx, sy = page.surface_view.saddle_item.getData()
    assert (sx[0], sy[0]) == (0.0, 0.0) and page.surface_view.saddle_label.isVisible()
    page.lab.set_surface("ravine")
    assert len(page.surface_view.saddle_item.getData()[0]) == 0


def test_critical_points_tab_plots_the_share_of_minima(qtbot, page):
    view = page.critical_view
    assert view.shares is None
    page.views.setCurrentWidget(view)
    xs, ys = view.measured.xData, view.measured.yData  # the shares set (the plot draws their log)
    assert xs[0] == 1 and ys[0] == pytest.approx(0.5, abs=0.05) and np.all(np.diff(ys) < 0)
    assert len(view.independent.xData) == 20
    assert "none of them" in view.summary.text()


def test_3d_heights_can_be_linear():
    from ui.labs.optimizers.views.view3d import Heights

    s = SURFACES["saddle"]
    _, _, z = s.grid(50)
    lin, log = Heights(z, s.f_min, True), Heights(z, s.f_min, False)
    assert lin(np.array([z.min(), z.max()])) == pytest.approx([0.0, 1.0])
    mid = np.array([(z.min() + z.max()) / 2])
    assert lin(mid)[0] == pytest.approx(0.5) and log(mid)[0] > 0.6  # the log scale lifts low values


def test_readout_says_paused_not_running_while_paused(qtbot, page):
    page.lab.step()
    assert "paused" in page.explain.html and "running" not in page.explain.html
    page.lab.play()
    qtbot.waitUntil(lambda: "running" in page.explain.html, timeout=3000)
    page.lab.pause()
    assert "paused" in page.explain.html


def test_3d_tab_whose_opengl_fails_as_it_shows_says_so_and_the_race_goes_on(qtbot, page, monkeypatch):
    """pyqtgraph refuses some GL contexts when the view first shows (an exception from inside
    Qt): the tab then says why, and later frames do not touch the half-built view."""
    import pyqtgraph.opengl as gl
    from PySide6.QtWidgets import QWidget

    class Refused(QWidget):
        def __init__(self) -> None:
            super().__init__()

        def setBackgroundColor(self, *args) -> None:  # noqa: N802 (pyqtgraph's name)
            pass

        def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
            raise RuntimeError("pyqtgraph.opengl: Requires >= OpenGL 2.1")

    monkeypatch.setattr(gl, "GLViewWidget", Refused)
    page.views.setCurrentWidget(page.view3d)
    qtbot.wait(20)
    assert not page.view3d.gl_available
    assert "could not start OpenGL" in page.view3d.message.text()
    page.lab.play()
    qtbot.waitUntil(lambda: page.lab.race.iteration >= 3, timeout=5000)
    page.lab.pause()


def test_a_software_renderer_is_recognized_for_the_light_3d_budget():
    from ui.labs.optimizers.views.view3d import is_software

    for name in ("llvmpipe (LLVM 15.0.6, 256 bits)", "softpipe", "Mesa SwiftShader",
                 "GDI Generic", "Microsoft Basic Render Driver"):
        assert is_software(name), name
    for name in ("NVIDIA GeForce RTX 3060/PCIe/SSE2", "Mesa Intel(R) UHD Graphics 620 (KBL GT2)",
                 "AMD Radeon RX 6600", "Apple M2", ""):
        assert not is_software(name), name
