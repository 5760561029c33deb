"""The batch-norm page, driven as a user would: sliders, the toggle, buttons and keys."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt

from ui.framework.style import num
from ui.labs.batchnorm.panel import momentum_from_slider, slider_from_momentum


@pytest.fixture
def page(make_page):
    return make_page("batchnorm", shown=True)  # make_page fails a test that leaves it running


def y_of(item) -> np.ndarray:
    """The values set on a curve (before any downsampling for the screen), or on a row of dots
    (the points, not the segments that draw them)."""
    return np.asarray(item.yData if isinstance(item, pg.PlotDataItem) else item.getData()[1],
                      dtype=float)


def test_larger_mini_batch_gives_less_noisy_batch_means(qtbot, page):
    spreads = {}
    for power in (1, 7):  # m = 2, then m = 128
        page.panel.batch_slider.setValue(power)
        assert page.lab.settings.batch_size == 2**power
        page.lab.reset()
        page.lab.run(60)
        y = y_of(page.stats.batch_mu)
        assert len(y) == 60
        spreads[2**power] = np.std(y)
    assert spreads[128] < 0.5 * spreads[2]
    assert "m = 128" in page.panel.batch_label.text()


def test_momentum_slider_sets_momentum_and_smooths_the_ewa(qtbot, page):
    panel = page.panel
    panel.momentum_slider.setValue(slider_from_momentum(0.5))
    assert all(bn.momentum == 0.5 for bn in page.lab.experiment.model.bn_layers)
    page.lab.run(80)
    rough = y_of(page.stats.ewa_mu)
    panel.momentum_slider.setValue(slider_from_momentum(0.99))
    assert all(bn.momentum == 0.99 for bn in page.lab.experiment.model.bn_layers)
    assert panel.momentum_label.text() == "EWA momentum ρ = 0.990 (≈ 100 batches)"
    page.lab.reset()
    page.lab.run(80)
    smooth = y_of(page.stats.ewa_mu)
    assert not np.allclose(rough, smooth)
    assert np.std(np.diff(smooth)) < 0.5 * np.std(np.diff(rough))


def test_bias_correction_toggle_changes_the_early_ewa(qtbot, page):
    box = page.panel.corrected_box
    assert box.isChecked() and "β" not in box.text()
    page.lab.run(5)
    batch = y_of(page.stats.batch_mu)
    corrected = y_of(page.stats.ewa_mu)
    assert corrected[0] == pytest.approx(batch[0], rel=1e-9)  # starts at the first batch's mu
    box.click()
    assert not page.lab.corrected
    raw = y_of(page.stats.ewa_mu)
    momentum = page.lab.momentum
    assert raw[0] == pytest.approx((1 - momentum) * batch[0], rel=1e-9)  # lags, starting from 0
    assert not np.allclose(raw, corrected)
    var_raw = y_of(page.stats.ewa_var)
    assert var_raw[0] == pytest.approx((1 - momentum) * y_of(page.stats.batch_var)[0], rel=1e-9)


def test_test_time_batch_of_one_gives_beta(qtbot, page):
    page.lab.run(40)
    page.tabs.setCurrentWidget(page.test_time)
    view = page.test_time
    view.example_spin.setValue(5)
    lab = page.lab
    assert lab.example_index == 4
    ex = lab.experiment.example(lab.example_index, lab.corrected)
    for layer, bn in zip(ex["single"]["layers"], lab.experiment.model.bn_layers, strict=True):
        assert np.array_equal(layer["z_tilde"][0], bn.beta)
    assert np.all(np.isfinite(ex["single"]["proba"]))
    assert "Test example 5" in view.html
    assert "nan" not in view.html.lower()
    beta = lab.experiment.model.bn_layers[lab.layer].beta[lab.unit]
    assert f"{beta:.4g}" in view.html
    view.batch_slider.setValue(1)
    assert len(y_of(view.batch_mu)) == len(lab.experiment.bn.data.y_test)
    assert np.all(y_of(view.batch_var) == 0.0)
    view.batch_slider.setValue(30)
    assert len(y_of(view.batch_mu)) == int(np.ceil(len(lab.experiment.bn.data.y_test) / 30))
    assert view.batch_label.text() == "Test batch size: 30"
    view.next_example.click()
    assert lab.example_index == 5 and view.example_spin.value() == 6


def test_population_line_is_the_training_set_statistics(qtbot, page):
    page.lab.run(12)
    e = page.lab.experiment
    hv = e.model.hidden_values(e.bn.F_train, training=True)
    z = hv[page.lab.layer].z[:, page.lab.unit]
    assert y_of(page.stats.pop_mu)[-1] == pytest.approx(z.mean(), rel=1e-10)
    assert y_of(page.stats.pop_var)[-1] == pytest.approx(z.var(), rel=1e-10)
    # The histograms count the watched unit's z over the training set.
    assert y_of(page.stats.hist_z).sum() == len(z)


def test_watch_spin_boxes_pick_layer_and_unit(qtbot, page):
    page.lab.run(10)
    page.panel.layer_spin.setValue(1)
    page.panel.unit_spin.setValue(4)
    assert (page.lab.layer, page.lab.unit) == (0, 3)
    e = page.lab.experiment
    assert np.array_equal(y_of(page.stats.batch_mu), e.series("batch_mean", 0, 3))
    assert "layer 1, unit 4" in page.explain_html


def test_play_pause_step_reset_and_keys(qtbot, page):
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert page.lab.running and page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: page.lab.experiment.iteration >= 10, timeout=5000)
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert not page.lab.running and page.play_button.text() == "Play"
    n = page.lab.experiment.iteration
    assert len(y_of(page.stats.batch_mu)) == n
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Right)
    assert page.lab.experiment.iteration == n + 1
    qtbot.keyClick(page, Qt.Key.Key_R)
    assert page.lab.experiment.iteration == 0
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    assert page.lab.experiment.iteration == 1
    assert "Iteration 1," in page.panel.iteration_label.text()
    page.speed_slider.setValue(7)
    assert page.lab.speed == 7


def test_twins_tab_draws_both_loss_curves(qtbot, page):
    page.tabs.setCurrentWidget(page.twins)
    page.lab.run(50)
    e = page.lab.experiment
    assert np.array_equal(y_of(page.twins.loss["bn"]), e.bn.history.train_loss)
    assert np.array_equal(y_of(page.twins.loss["plain"]), e.plain.history.train_loss)
    mean = y_of(page.twins.shift["plain"][0])
    assert len(mean) == e.snap.iteration.n and np.all(np.isfinite(mean))


def test_bad_input_gives_messages_not_nan(qtbot, page):
    panel = page.panel
    with qtbot.waitSignal(page.lab.error):
        assert page.lab.set_momentum(1.0) is False
    assert "EWA momentum" in page.message and page.lab.momentum == 0.9
    assert panel.momentum_slider.value() == slider_from_momentum(0.9)
    panel.batch_slider.setValue(0)  # a mini-batch of one
    assert page.lab.settings.batch_size == 1
    assert "z̃ = β" in page.message
    page.lab.run(20)
    assert np.all(np.isfinite(y_of(page.stats.batch_mu))) and np.all(y_of(page.stats.batch_var) == 0)
    assert "nan" not in page.explain_html.lower()
    panel.batch_slider.setValue(9)  # 512, more than the training set
    assert "batch gradient descent" in page.message
    panel.batch_slider.setValue(5)
    assert page.message == ""
    panel.hidden_edit.setText("16, x")
    panel.hidden_edit.editingFinished.emit()
    assert "whole numbers" in page.message
    assert panel.hidden_edit.text() == "16, 16"
    panel.hidden_edit.setText("8, 8, 8")
    panel.hidden_edit.editingFinished.emit()
    assert page.lab.experiment.units == [8, 8, 8]
    assert panel.layer_spin.maximum() == 3 and panel.unit_spin.maximum() == 8


def test_settings_loaded_show_in_the_widgets(qtbot, page):
    assert page.lab.load({"hidden": [8, 12], "bn_momentum": 0.99, "batch_size": 4,
                          "corrected": False, "watch": [1, 10]})
    panel = page.panel
    assert panel.hidden_edit.text() == "8, 12" and not panel.corrected_box.isChecked()
    assert panel.batch_slider.value() == 2 and "m = 4" in panel.batch_label.text()
    assert momentum_from_slider(panel.momentum_slider.value()) == pytest.approx(0.99, abs=2e-3)
    assert (panel.layer_spin.value(), panel.unit_spin.value()) == (2, 11)
    assert panel.unit_spin.maximum() == 12


def test_momentum_slider_mapping_covers_the_range():
    assert momentum_from_slider(0) == 0.5 and momentum_from_slider(1000) == 0.999
    for momentum in (0.5, 0.9, 0.99, 0.999):
        assert momentum_from_slider(slider_from_momentum(momentum)) == pytest.approx(momentum, abs=2e-3)


def test_csv_export_has_one_row_per_iteration(qtbot, page, tmp_path):
    page.lab.watch(1, 2)
    page.lab.run(7)
    path = tmp_path / "bn.csv"
    assert page.export_csv(path) == 7
    rows = path.read_text().splitlines()
    assert rows[0] == "# layer 2, unit 3"
    header = rows[1].split(",")
    assert header[0] == "iteration" and header[-2:] == ["loss_with_bn", "loss_without_bn"]
    assert len(rows) == 2 + 7 and all(len(r.split(",")) == len(header) for r in rows[1:])
    first = dict(zip(header, rows[2].split(","), strict=True))
    e = page.lab.experiment
    assert first["iteration"] == "1"
    assert float(first["batch_mean"]) == pytest.approx(e.series("batch_mean", 1, 2)[0], rel=1e-9)


def test_screenshot_is_not_blank(qtbot, page):
    page.lab.run(60)
    img = page.grab().toImage()
    assert img.width() >= 1000
    pix = page.stats.grab().toImage()
    colors = {pix.pixel(x, y) for x in range(0, pix.width(), 5) for y in range(0, pix.height(), 5)}
    assert len(colors) > 50


def test_twins_shift_plot_shows_data_after_hundreds_of_iterations(qtbot, page):
    page.tabs.setCurrentWidget(page.twins)
    page.lab.run(900)  # snapshots every 2nd iteration: 451 of them
    x, y = page.twins.shift["bn"][0].getData()
    x0, x1 = page.twins.shift_plot.viewRange()[0]
    shown = (x >= x0) & (x <= x1)
    assert shown.sum() > 100 and x[-1] == page.lab.iteration
    assert np.isfinite(y[shown]).all()


def test_undo_button_sets_gamma_and_beta_so_z_tilde_is_z(qtbot, page):
    page.panel.undo_button.click()
    assert "no mini-batch" in page.message  # refused before the first batch, state kept
    page.lab.run(5)
    page.panel.layer_spin.setValue(2)
    page.panel.undo_button.click()
    assert "z̃ = z" in page.message
    v = page.lab.experiment.explain_values(1, 0)
    assert v["z_tilde"] == pytest.approx(v["z"], abs=1e-9)
    assert f"z̃ = <b>{num(v['z'])}</b>" in page.explain_html  # the chain: z̃ = z


def test_twins_tab_shows_train_and_test_losses_moments_and_the_noise_curve(qtbot, page):
    page.tabs.setCurrentWidget(page.twins)
    page.lab.run(210)  # 30 epochs of 7 mini-batches
    twins = page.twins
    for key in ("bn", "plain"):
        assert len(y_of(twins.loss[key])) == len(y_of(twins.test_loss[key])) == 31
        drawn = [c for c in twins.moment_curves[key] if c.getData()[1] is not None
                 and len(c.getData()[1])]
        assert len(drawn) == 3  # iterations 0, 50 and 200
    page.redraw(force=True)
    x, y = twins.noise_curve.getData()
    assert len(x) == 7 and y[0] > y[-1] > 0
    assert "mean" in twins.moment_plots["plain"].titleLabel.text


def test_the_layer_tab_draws_the_whole_chain_of_the_watched_layer(make_page):
    page = make_page("batchnorm")
    page.tabs.setCurrentWidget(page.layer_view)
    page.lab.run(5)
    page.redraw(force=True)
    m, units = page.lab.settings.batch_size, page.lab.experiment.units[page.lab.layer]
    for name, scatter in page.layer_view.scatters.items():
        assert len(scatter.data) == m * units, name
    z_norm = page.layer_view.scatters["z_norm"].data["y"].reshape(m, units)
    assert np.abs(z_norm.mean(axis=0)).max() < 1e-9
    watched = page.layer_view.scatters["z"].data["brush"]
    assert watched[page.lab.unit] != watched[(page.lab.unit + 1) % units]


def test_reset_clears_the_message_about_the_run_before(make_page):
    """"The run without BN diverged…" stayed on screen after Reset, over a fresh run."""
    page = make_page("batchnorm")
    page.lab.configure(lr=50.0)
    page.lab.run(60)
    assert "diverged" in page.message
    page.lab.reset()
    assert page.message == ""


@pytest.mark.parametrize("changes, tiny", [({"n": 40, "test_fraction": 0.1}, True),
                                           ({"n": 40, "test_fraction": 0.0}, False)])
def test_the_test_batch_slider_shows_the_size_in_force_with_a_tiny_or_no_test_set(page, changes, tiny):
    """With 3 test examples the slider showed 1 (its end) while 16 stayed in force; with none the
    tab drew nothing. The size in force is the one chosen, at most the test set's; without a test
    set the tab uses the training set, as test-time accuracy does."""
    lab = page.lab
    assert lab.load(changes)
    page.tabs.setCurrentWidget(page.test_time)
    page.test_time.draw()
    view = page.test_time
    shown = lab.n_test if tiny else 16
    assert (lab.n_test < 16) is tiny
    assert lab.test_batch == shown == view.batch_slider.value()
    assert view.batch_label.text() == f"Test batch size: {shown}"
    assert len(view.batch_mu.getData()[0]) == -(-lab.n_test // shown)
    assert "nan" not in view.html.lower()
    lab.load({"n": 300, "test_fraction": 0.3})  # a test set again: the chosen 16 comes back
    assert lab.test_batch == 16


def test_while_playing_the_slow_plots_are_drawn_one_a_frame_and_paused_all_at_once(page):
    """A rich frame redrew γ, β and both histograms at once, repainting all five plots (20-40 ms
    at 1920x1080): while playing they come one a frame in the three frames from a rich one."""
    stats = page.stats
    page.lab.run(50)
    drawn = []
    for name in ("gamma_curve", "hist_z", "hist_zt"):
        item = getattr(stats, name)
        item.setData = lambda *a, _name=name, _set=item.setData, **k: (drawn.append(_name), _set(*a, **k))
    stats.draw(rich=True, whole=False)
    assert drawn == ["gamma_curve"]
    stats.draw(rich=False, whole=False)
    assert drawn == ["gamma_curve", "hist_z"]
    stats.draw(rich=False, whole=False)
    stats.draw(rich=False, whole=False)
    assert drawn == ["gamma_curve", "hist_z", "hist_zt"]  # then nothing until the next rich frame
    drawn.clear()
    stats.draw(rich=True, whole=True)  # paused, or a change: all of them now
    assert drawn == ["gamma_curve", "hist_z", "hist_zt"]
    z, _ = page.lab.experiment.unit_values(page.lab.layer, page.lab.unit)
    assert y_of(stats.hist_z).sum() == len(z)
