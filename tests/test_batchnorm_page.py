"""The batch-norm page, driven as a user would: sliders, the toggle, buttons and keys."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from ui.batchnorm_page import BatchNormPage, beta_from_slider, slider_from_beta


@pytest.fixture
def page(qtbot):
    p = BatchNormPage()
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    qtbot.waitExposed(p)
    yield p
    leaked = p.lab.running
    p.shutdown()
    assert not leaked, "the test left the batch-norm timer running"
    assert not p.lab._timer.isActive()


def y_of(item) -> np.ndarray:
    return np.asarray(item.getData()[1], dtype=float)


def test_larger_mini_batch_gives_less_noisy_batch_means(qtbot, page):
    spreads = {}
    for power in (1, 7):  # m = 2, then m = 128
        page.batch_slider.setValue(power)
        assert page.lab.config.batch_size == 2**power
        page.lab.reset()
        page.lab.run(60)
        y = y_of(page.batch_mu)
        assert len(y) == 60
        spreads[2**power] = np.std(y)
    assert spreads[128] < 0.5 * spreads[2]
    assert "m = 128" in page.batch_label.text()


def test_beta_slider_sets_momentum_and_smooths_the_ewa(qtbot, page):
    page.beta_slider.setValue(slider_from_beta(0.5))
    assert all(bn.momentum == 0.5 for bn in page.lab.experiment.model.bn_layers)
    page.lab.run(80)
    rough = y_of(page.ewa_mu)
    page.beta_slider.setValue(slider_from_beta(0.99))
    assert all(bn.momentum == 0.99 for bn in page.lab.experiment.model.bn_layers)
    assert "0.990" in page.beta_label.text()
    page.lab.reset()
    page.lab.run(80)
    smooth = y_of(page.ewa_mu)
    assert not np.allclose(rough, smooth)
    assert np.std(np.diff(smooth)) < 0.5 * np.std(np.diff(rough))


def test_bias_correction_toggle_changes_the_early_ewa(qtbot, page):
    assert page.corrected_box.isChecked()
    page.lab.run(5)
    batch = y_of(page.batch_mu)
    corrected = y_of(page.ewa_mu)
    assert corrected[0] == pytest.approx(batch[0], rel=1e-9)  # starts at the first batch's mu
    page.corrected_box.click()
    assert not page.lab.corrected
    raw = y_of(page.ewa_mu)
    beta = page.lab.momentum
    assert raw[0] == pytest.approx((1 - beta) * batch[0], rel=1e-9)  # lags, starting from 0
    assert not np.allclose(raw, corrected)
    var_raw = y_of(page.ewa_var)
    assert var_raw[0] == pytest.approx((1 - beta) * y_of(page.batch_var)[0], rel=1e-9)


def test_test_time_batch_of_one_gives_beta(qtbot, page):
    page.lab.run(40)
    page.views.setCurrentIndex(1)
    page.example_spin.setValue(5)
    lab = page.lab
    ex = lab.experiment.example(lab.example_index, lab.corrected)
    for layer, bn in zip(ex["single"]["layers"], lab.experiment.model.bn_layers, strict=True):
        assert np.array_equal(layer["z_tilde"][0], bn.beta)
    assert np.all(np.isfinite(ex["single"]["proba"]))
    assert "Test example 5" in page.test_html
    assert "nan" not in page.test_html.lower()
    beta = lab.experiment.model.bn_layers[lab.layer].beta[lab.unit]
    assert f"{beta:.4g}" in page.test_html
    page.test_batch_slider.setValue(1)
    assert len(y_of(page.tb_mu)) == len(lab.experiment.bn.data.y_test)
    assert np.all(y_of(page.tb_var) == 0.0)
    page.test_batch_slider.setValue(30)
    assert len(y_of(page.tb_mu)) == int(np.ceil(len(lab.experiment.bn.data.y_test) / 30))


def test_population_line_is_the_training_set_statistics(qtbot, page):
    page.lab.run(12)
    e = page.lab.experiment
    hv = e.model.hidden_values(e.bn.F_train, training=True)
    z = hv[page.lab.layer].z[:, page.lab.unit]
    assert y_of(page.pop_mu)[-1] == pytest.approx(z.mean(), rel=1e-10)
    assert y_of(page.pop_var)[-1] == pytest.approx(z.var(), rel=1e-10)


def test_watch_spin_boxes_pick_layer_and_unit(qtbot, page):
    page.lab.run(10)
    page.layer_spin.setValue(1)
    page.unit_spin.setValue(4)
    assert (page.lab.layer, page.lab.unit) == (0, 3)
    e = page.lab.experiment
    assert np.array_equal(y_of(page.batch_mu), e.series("batch_mean", 0, 3))
    assert "layer 1, unit 4" in page.explain_html


def test_play_pause_step_reset_and_keys(qtbot, page):
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert page.lab.running and page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: page.lab.experiment.iteration >= 10, timeout=5000)
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert not page.lab.running and page.play_button.text() == "Play"
    n = page.lab.experiment.iteration
    assert len(y_of(page.batch_mu)) == n
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Right)
    assert page.lab.experiment.iteration == n + 1
    qtbot.keyClick(page, Qt.Key.Key_R)
    assert page.lab.experiment.iteration == 0
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    assert page.lab.experiment.iteration == 1
    assert "Iteration 1," in page.iteration_label.text()


def test_twins_tab_draws_both_loss_curves(qtbot, page):
    page.views.setCurrentIndex(2)
    page.lab.run(50)
    e = page.lab.experiment
    assert np.array_equal(y_of(page.loss_bn), e.bn.history.train_loss)
    assert np.array_equal(y_of(page.loss_plain), e.plain.history.train_loss)
    mean = y_of(page.shift["plain"][0])
    assert len(mean) == e.snap.iteration.n and np.all(np.isfinite(mean))


def test_bad_input_gives_messages_not_nan(qtbot, page):
    with qtbot.waitSignal(page.lab.error):
        assert page.lab.set_momentum(1.0) is False
    assert "momentum" in page.status.text() and page.lab.momentum == 0.9
    assert page.beta_slider.value() == slider_from_beta(0.9)
    page.batch_slider.setValue(0)  # a mini-batch of one
    assert page.lab.config.batch_size == 1
    assert "z̃ = β" in page.status.text()
    page.lab.run(20)
    assert np.all(np.isfinite(y_of(page.batch_mu))) and np.all(y_of(page.batch_var) == 0)
    assert "nan" not in page.explain_html.lower()
    page.batch_slider.setValue(9)  # 512, more than the training set
    assert "batch gradient descent" in page.status.text()
    page.batch_slider.setValue(5)
    assert page.status.text() == ""
    page.hidden_edit.setText("16, x")
    page.hidden_edit.editingFinished.emit()
    assert "whole numbers" in page.status.text()
    assert page.hidden_edit.text() == "16, 16"
    page.hidden_edit.setText("8, 8, 8")
    page.hidden_edit.editingFinished.emit()
    assert page.lab.experiment.units == [8, 8, 8]
    assert page.layer_spin.maximum() == 3 and page.unit_spin.maximum() == 8


def test_beta_slider_mapping_covers_the_range():
    assert beta_from_slider(0) == 0.5 and beta_from_slider(1000) == 0.999
    for beta in (0.5, 0.9, 0.99, 0.999):
        assert beta_from_slider(slider_from_beta(beta)) == pytest.approx(beta, abs=2e-3)


def test_screenshot_is_not_blank(qtbot, page):
    page.lab.run(60)
    img = page.grab().toImage()
    assert img.width() >= 1000
    pix = page.stats_view.grab().toImage()
    colors = {pix.pixel(x, y) for x in range(0, pix.width(), 5) for y in range(0, pix.height(), 5)}
    assert len(colors) > 50
