"""The classifier page, used as a user would: clicks on the plane, fields, buttons."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import press
from PySide6.QtCore import QPoint, QPointF, Qt


@pytest.fixture
def page(make_page):
    return make_page("classifier", shown=True)  # make_page fails a test that leaves it running


def click(qtbot, page, x, y, button=Qt.MouseButton.LeftButton):
    plot = page.regions
    vb = plot.getPlotItem().getViewBox()
    pt = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(plot.viewport(), button, pos=QPoint(pt.x(), pt.y()))


def train_epochs(qtbot, page, n):
    for _ in range(n):
        qtbot.mouseClick(page.epoch_button, Qt.MouseButton.LeftButton)


def test_click_adds_and_right_click_removes_a_point(qtbot, page):
    t = page.lab.trainer
    m = len(t.y_train)
    page.panel.add_class_combo.setCurrentIndex(2)
    click(qtbot, page, 1.3, 1.3)
    assert len(t.y_train) == m + 1 and t.y_train[-1] == 2
    assert t.X_train[-1] == pytest.approx([1.3, 1.3], abs=0.03)
    xs, _ = page.regions.train_points.getData()
    assert len(xs) == m + 1
    click(qtbot, page, 1.3, 1.3, Qt.MouseButton.RightButton)
    assert len(t.y_train) == m
    assert len(page.regions.train_points.getData()[0]) == m


def test_added_points_survive_retraining_and_are_saved(qtbot, make_page, page):
    click(qtbot, page, -1.2, 1.2)
    page.panel.layers_spin.setValue(1)  # a new network: training starts over
    added = page.lab.trainer.added[0]
    assert (pytest.approx(-1.2, abs=0.03), pytest.approx(1.2, abs=0.03), 0) == added
    saved = page.lab.state()
    assert page.lab.load({"dataset": "moons", "classes": 2})
    assert not page.lab.trainer.added
    assert page.panel.dataset_combo.currentData() == "moons"
    assert page.lab.load(saved)
    assert len(page.lab.trainer.added) == 1 and page.lab.settings.hidden == [8]
    other = make_page("classifier")
    assert other.lab.load(saved)
    assert other.panel.dataset_combo.currentData() == "blobs"
    assert other.panel.layers_spin.value() == 1 and len(other.regions.train_points.getData()[0]) \
        == len(other.lab.trainer.y_train)


def test_a_loaded_session_shows_its_settings(make_page):
    page = make_page("classifier")
    assert page.lab.load({"dataset": "xor", "classes": 2, "hidden": [6], "added": [[0.5, 0.5, 0]]})
    assert page.panel.dataset_combo.currentData() == "xor"
    assert page.panel.unit_spins[0].value() == 6 and page.panel.unit_spins[0].isEnabled()
    assert not page.panel.unit_spins[1].isEnabled()


def test_softmax_regression_reaches_95_percent_on_blobs(qtbot, page):
    panel = page.panel
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("blobs"))
    panel.classes_spin.setValue(3)
    assert panel.layers_spin.value() == 0
    train_epochs(qtbot, page, 15)
    t = page.lab.trainer
    assert t.epoch == 15
    assert t.history.test_acc[-1] >= 0.95
    assert "Epoch 15" in panel.epoch_label.text()
    # the regions are drawn from the model: one colour per predicted class
    assert len(np.unique(page.regions.proba.argmax(-1))) == 3


def test_hidden_layers_reach_90_percent_on_a_spiral(qtbot, page):
    panel = page.panel
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("spiral"))
    panel.classes_spin.setValue(3)
    panel.noise_field.setValue(0.05)
    panel.layers_spin.setValue(2)
    for sp in panel.unit_spins[:2]:
        sp.setValue(32)
    panel.lr_field.setValue(0.01)
    assert page.lab.settings.hidden == [32, 32] and page.lab.settings.lr == 0.01
    page.speed_slider.setValue(50)
    assert page.lab.speed == 50
    page.lab.play()
    qtbot.waitUntil(lambda: page.lab.trainer.epoch >= 150, timeout=60000)
    page.lab.pause()
    assert page.lab.trainer.history.test_acc[-1] >= 0.90


def test_probe_shows_the_clicked_points_numbers(qtbot, page):
    train_epochs(qtbot, page, 3)
    page.panel.add_class_combo.setCurrentIndex(1)
    click(qtbot, page, 0.5, -0.5)
    x, y = page.lab.trainer.X_train[-1]
    r = page.lab.trainer.probe(x, y, label=1)
    html = page.probe.html
    a_text = "[" + ", ".join(f"{v:.3f}" for v in r["a"]) + "]"
    assert a_text in html
    assert f"{r['loss']:.3f}" in html and "dz = ŷ − y" in html
    np.testing.assert_allclose(page.probe.bars.opts["height"], r["a"])
    assert page.regions.probe_marker.getData()[0] == pytest.approx([x])


def test_hovering_a_training_point_probes_with_its_class(qtbot, page):
    t = page.lab.trainer
    k = int(t.y_train[0])
    page.set_probe(*t.X_train[0])
    assert f"true class {k}" in page.probe.html


def test_worked_example_box(qtbot, page):
    w = page.worked
    assert "[0.842, 0.042, 0.002, 0.114]" in w.z_result.text()
    w.z_edit.clear()
    qtbot.keyClicks(w.z_edit, "1, 2, x")
    assert "'x' is not a number" in w.z_result.text()
    w.z_edit.setText("1000, -1000")
    assert "[1.000, 0.000]" in w.z_result.text()


def test_worked_example_takes_probabilities_and_a_true_class(qtbot, page):
    w = page.worked
    assert w.label_spin.value() == 2 and w.label == 1  # the notes' y = [0, 1, 0, 0]
    w.typed_combo.setCurrentIndex(w.typed_combo.findData("yhat"))
    assert w.z_edit.text() == "0.3, 0.2, 0.1, 0.4"
    assert "= −log 0.200 = <b>1.609</b>" in w.z_result.text()
    w.zero_box.setChecked(True)  # the same class, numbered from 0
    assert w.label_spin.value() == 1 and "true class 1: y = [0, 1, 0, 0]" in w.z_result.text()
    w.label_spin.setValue(3)
    assert "−log 0.400 = <b>0.916</b>" in w.z_result.text()


def test_learning_rate_that_blows_up_keeps_last_good_regions(qtbot, page):
    panel = page.panel
    panel.layers_spin.setValue(2)
    panel.opt_combo.setCurrentIndex(panel.opt_combo.findData("sgd"))
    train_epochs(qtbot, page, 2)
    good = page.regions.proba.copy()
    panel.lr_field.setValue(1e3 - 1)
    train_epochs(qtbot, page, 3)
    t = page.lab.trainer
    assert t.status == "diverged"
    assert "Diverged" in page.message
    assert np.all(np.isfinite(page.regions.proba))
    np.testing.assert_allclose(page.regions.proba, good, atol=1e-6)
    assert "Diverged" in panel.epoch_label.text()


def test_bad_value_gives_message_and_keeps_settings(qtbot, page):
    page.panel.lr_field.setValue(0.0)
    assert page.lab.settings.lr == 0.03
    assert "lr must be in (0, inf), got 0" in page.message
    assert page.panel.lr_field.value() == 0.03  # the value in force, marked with the message
    assert "lr must be" in page.panel.lr_field.toolTip()


def test_removing_every_point_says_why(qtbot, page):
    page.panel.n_spin.setValue(20)
    page.panel.test_field.setValue(0)
    t = page.lab.trainer
    while len(t.y_train):
        x, y = t.X_train[0]
        page.lab.remove_nearest(x, y)
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    assert "no training points" in page.message


def test_two_classes_compare_with_logistic_regression(qtbot, page):
    panel = page.panel
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("moons"))
    assert panel.logistic_box.isEnabled()
    train_epochs(qtbot, page, 30)
    panel.logistic_box.setChecked(True)
    xs, _ = page.regions.logistic_line.getData()
    assert np.isfinite(xs).sum() > 10
    assert "agree on" in panel.epoch_label.text()
    panel.layers_spin.setValue(1)
    assert not panel.logistic_box.isEnabled()
    assert "agree on" not in panel.epoch_label.text()


def test_regularization_can_be_switched_on(qtbot, page):
    panel = page.panel
    assert not panel.reg_field.isEnabled()
    panel.reg_combo.setCurrentIndex(panel.reg_combo.findData("L2"))
    assert page.lab.settings.l2 == pytest.approx(0.001) and panel.reg_field.isEnabled()
    panel.reg_field.setValue(0.05)
    assert page.lab.settings.l2 == 0.05
    panel.reg_combo.setCurrentIndex(panel.reg_combo.findData("L1"))
    assert (page.lab.settings.l1, page.lab.settings.l2) == (0.05, 0.0)


def test_optimizer_fields_follow_the_optimizer(qtbot, page):
    panel = page.panel
    assert panel.beta_label.text() == "β1" and panel.beta_field.value() == 0.9
    panel.beta2_field.setValue(0.99)
    assert page.lab.settings.hyper == {"beta2": 0.99}
    panel.opt_combo.setCurrentIndex(panel.opt_combo.findData("sgd"))
    assert panel.beta_field.isHidden() and panel.beta2_field.isHidden()
    panel.opt_combo.setCurrentIndex(panel.opt_combo.findData("momentum"))
    assert panel.beta_label.text() == "β" and not panel.beta_field.isHidden()
    panel.beta_field.setValue(0.5)
    assert page.lab.settings.hyper == {"beta": 0.5}
    qtbot.mouseClick(panel.full_batch_button, Qt.MouseButton.LeftButton)
    assert page.lab.settings.batch_size == len(page.lab.trainer.y_train) == panel.batch_spin.value()


def test_network_view_shows_hidden_units(qtbot, page):
    panel = page.panel
    panel.layers_spin.setValue(2)
    panel.unit_spins[0].setValue(5)
    panel.unit_spins[1].setValue(3)
    train_epochs(qtbot, page, 2)
    page.tabs.setCurrentIndex(1)
    assert len(page.network.unit_images) == 8
    assert page.network.unit_images[0].image.shape == (40, 40)
    gx, _ = page.network.warp_grid.getData()
    assert np.isfinite(gx).sum() > 100
    page.network.warp_j.setValue(3)
    assert page.network.warp_plot.getPlotItem().getAxis("left").labelText == "a3 of hidden layer 1"


def test_features_and_discretize(qtbot, page):
    panel = page.panel
    panel.feature_boxes["x1^2"].click()
    assert page.lab.settings.features == ["x1", "x2", "x1^2"]
    assert page.lab.trainer.model.sizes[0] == 3
    panel.discretize_box.click()
    img = page.regions.image.image
    assert len(np.unique(img.reshape(-1, 4), axis=0)) <= page.lab.trainer.data.n_classes


def test_test_points_can_be_hidden(qtbot, page):
    assert len(page.regions.test_points.getData()[0]) == len(page.lab.trainer.data.y_test)
    page.panel.test_box.click()
    assert len(page.regions.test_points.getData()[0]) == 0


def test_screenshot_shows_regions_and_points(qtbot, page, tmp_path):
    train_epochs(qtbot, page, 5)
    pix = page.regions.grab().toImage()
    colors = {pix.pixel(x, y) for x in range(0, pix.width(), 5) for y in range(0, pix.height(), 5)}
    assert len(colors) > 60
    path = tmp_path / "classifier.png"
    assert page.export_png(path) and path.stat().st_size > 50_000


def test_csv_export_is_the_learning_curves_one_row_per_epoch(qtbot, page, tmp_path):
    train_epochs(qtbot, page, 4)
    page.lab.pause()
    h = page.lab.trainer.history
    lines = page.csv_lines()
    assert lines[0] == "epoch,train_loss,train_acc,test_loss,test_acc"
    assert len(lines) == 1 + len(h) and len(h) >= 5  # epoch 0 (untrained) and every epoch since
    last = lines[-1].split(",")
    assert int(last[0]) == int(h.epoch[-1]) and float(last[1]) == pytest.approx(h.train_loss[-1])
    assert float(last[4]) == pytest.approx(h.test_acc[-1])
    assert page.export_csv(tmp_path / "curves.csv") == len(h)


def test_regions_cover_exactly_the_data_domain(qtbot, page):
    """The region image spans the plane it is computed on, pixel for pixel: a class's colour
    appears where the model predicts that class."""
    regions = page.regions
    x0, x1, y0, y1 = page.lab.trainer.data.domain
    r = regions.image.mapRectToView(regions.image.boundingRect())
    assert (r.left(), r.right()) == (pytest.approx(x0), pytest.approx(x1))
    assert (r.top(), r.bottom()) == (pytest.approx(y0), pytest.approx(y1))
    train_epochs(qtbot, page, 5)
    t = page.lab.trainer
    for item in (regions.train_points, regions.test_points, regions.wrong_points,
                 regions.probe_marker):
        item.setVisible(False)  # look at the regions alone
    pix = regions.grab().toImage()
    vb = regions.getPlotItem().getViewBox()
    for k in range(t.data.n_classes):  # the centre of each class's training points
        cx, cy = t.X_train[t.y_train == k].mean(axis=0)
        ix = int((cx - x0) / (x1 - x0) * regions.image.image.shape[1])
        iy = int((cy - y0) / (y1 - y0) * regions.image.image.shape[0])
        assert regions.proba[iy, ix].argmax() == k
        pt = regions.mapFromScene(vb.mapViewToScene(QPointF(cx, cy)))
        shown = pix.pixelColor(pt.x(), pt.y())
        expected = regions.image.image[iy, ix, :3].astype(int)
        assert abs(shown.red() - expected[0]) < 30 and abs(shown.blue() - expected[2]) < 30


def test_schedule_and_keys(qtbot, page):
    ed = page.panel.schedule
    ed.combo.setCurrentIndex(ed.combo.findData("staircase"))
    assert page.lab.settings.schedule == "staircase"
    assert set(page.lab.settings.schedule_params) == {"factor", "every"}
    press(qtbot, page.regions, Qt.Key.Key_Right)
    assert page.lab.iteration == 1 and not page.lab.running
    press(qtbot, page.regions, Qt.Key.Key_R)
    assert page.lab.iteration == 0


def test_controls_that_do_nothing_are_greyed_out(qtbot, page):
    panel = page.panel
    assert page.lab.settings.hidden == [] and not panel.activation_combo.isEnabled()
    assert not any(sp.isEnabled() for sp in panel.unit_spins) and not panel.reg_field.isEnabled()
    panel.layers_spin.setValue(1)
    assert panel.activation_combo.isEnabled() and panel.unit_spins[0].isEnabled()


def test_the_logistic_box_is_never_ticked_while_greyed_out(qtbot, page):
    panel = page.panel
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("moons"))
    panel.logistic_box.setChecked(True)
    assert page.lab.comparing
    panel.layers_spin.setValue(1)
    assert not panel.logistic_box.isEnabled() and not panel.logistic_box.isChecked()
    panel.layers_spin.setValue(0)  # the wish comes back with softmax regression
    assert panel.logistic_box.isEnabled() and panel.logistic_box.isChecked()
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("blobs"))
    panel.classes_spin.setValue(3)
    assert not panel.logistic_box.isEnabled() and not panel.logistic_box.isChecked()


def test_cost_per_mini_batch_is_plotted_beside_the_epochs_and_alpha_t_is_shown(qtbot, page):
    page.lab.configure(batch_size=1, hidden=[4])
    page.lab.run(300)  # not even two epochs of 210 examples
    x, y = page.curves.iter_curve.getData()
    assert len(x) == 300 and x[-1] == 300 and np.all(np.isfinite(y))
    assert len(page.curves.train_loss.getData()[0]) == page.lab.trainer.epoch + 1
    text = page.panel.epoch_label.text()
    assert "α<sub>t</sub> = α = 0.03" in text and "stochastic descent" in text
    page.lab.configure(schedule="inverse_time", schedule_params={"decay_rate": 1.0})
    expected = f"epoch 2 next, at α<sub>t</sub> = {0.03 / 3:.4g} (decayed, epoch_num = 2)"
    assert expected in page.panel.epoch_label.text()


def test_speed_readout_names_one_mini_batch_in_the_singular(qtbot, page):
    box = page.panel.run_box
    box.speed_slider.setValue(1)
    assert box.speed_label.text() == "1 mini-batch/frame"
    box.speed_slider.setValue(2)
    assert box.speed_label.text() == "2 mini-batches/frame"


def test_probe_bars_are_tall_enough_to_read(qtbot, page):
    page.set_probe(0.3, -0.2)
    assert page.probe.bars_plot.height() >= 100


def test_a_removal_among_ten_thousand_points_draws_a_symbol_per_class_not_per_point(
        qtbot, page, monkeypatch):
    """A brush object per point made pyqtgraph render a symbol per point: one right-click removal
    among 10,000 added points cost 1.2 s (50 ms among 200). Counted, not timed: the symbols
    rendered for a redraw are a few per class, however many points there are."""
    import numpy as np
    from pyqtgraph.graphicsItems import ScatterPlotItem as scatter

    rng = np.random.default_rng(0)
    n = 10_000
    points = [[float(a), float(b), int(c)] for a, b, c in
              zip(rng.uniform(-3, 3, n), rng.uniform(-3, 3, n), rng.integers(0, 3, n), strict=True)]
    assert page.lab.load({**page.lab.settings_dict(), "added": points})
    rendered = []
    original = scatter.renderSymbol
    monkeypatch.setattr(scatter, "renderSymbol", lambda *a, **k: rendered.append(1) or original(*a, **k))
    assert page.lab.remove_nearest(points[0][0], points[0][1])
    page.show()
    qtbot.waitExposed(page)
    assert len(page.lab.trainer.added) == n - 1
    assert 0 < len(rendered) <= 4 * page.lab.settings.classes


def test_the_page_tells_its_controller_which_frames_redraw_the_text(make_page):
    """At "max" the controller keeps a budget per kind of frame: the page says whether the next
    redraw lays out its text (ten times a second), which costs a few ms more."""
    page = make_page("classifier")
    page.throttle.expire()
    assert page.lab.frame_kind()[1] is True
    assert page.throttle.ready(running=True)  # the text drawn now: not due for a tenth of a second
    assert page.lab.frame_kind()[1] is False
