"""The classifier page, used as a user would: clicks on the plane, fields, buttons."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from ui.main_window import MainWindow


@pytest.fixture
def win(qtbot):
    w = MainWindow(session_path=None)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.tabs.setCurrentWidget(w.classifier_page)
    qtbot.waitExposed(w)
    yield w
    leaked = w.classifier_page.lab.running
    w.close()
    assert not leaked, "the test left the training timer running"


@pytest.fixture
def page(win):
    return win.classifier_page


def click(qtbot, page, x, y, button=Qt.MouseButton.LeftButton):
    vb = page.plot.getPlotItem().getViewBox()
    pt = page.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(page.plot.viewport(), button, pos=QPoint(pt.x(), pt.y()))


def train_epochs(qtbot, page, n):
    for _ in range(n):
        qtbot.mouseClick(page.epoch_button, Qt.MouseButton.LeftButton)


def test_click_adds_and_right_click_removes_a_point(qtbot, page):
    t = page.lab.trainer
    m = len(t.y_train)
    page.add_class_combo.setCurrentIndex(2)
    click(qtbot, page, 1.3, 1.3)
    assert len(t.y_train) == m + 1 and t.y_train[-1] == 2
    assert t.X_train[-1] == pytest.approx([1.3, 1.3], abs=0.03)
    xs, _ = page.train_points.getData()
    assert len(xs) == m + 1
    click(qtbot, page, 1.3, 1.3, Qt.MouseButton.RightButton)
    assert len(t.y_train) == m
    assert len(page.train_points.getData()[0]) == m


def test_added_points_survive_retraining_and_are_saved(qtbot, win, page, tmp_path):
    click(qtbot, page, -1.2, 1.2)
    page.layers_spin.setValue(1)  # a new network: training starts over
    assert (pytest.approx(-1.2, abs=0.03), pytest.approx(1.2, abs=0.03), 0) == page.lab.trainer.added[0]
    path = tmp_path / "setup.json"
    assert win.save_setup(str(path))
    assert page.lab.load({"dataset": "moons", "classes": 2})
    assert not page.lab.trainer.added
    assert win.open_setup(str(path))
    assert len(page.lab.trainer.added) == 1 and page.lab.config.hidden == [8]


def test_softmax_regression_reaches_95_percent_on_blobs(qtbot, page):
    page.dataset_combo.setCurrentIndex(page.dataset_combo.findData("blobs"))
    page.classes_spin.setValue(3)
    assert page.layers_spin.value() == 0
    train_epochs(qtbot, page, 15)
    t = page.lab.trainer
    assert t.epoch == 15
    assert t.history.test_acc[-1] >= 0.95
    assert "Epoch 15" in page.epoch_label.text()
    # the regions are drawn from the model: one colour per predicted class
    assert len(np.unique(page.proba.argmax(-1))) == 3


def test_hidden_layers_reach_90_percent_on_a_spiral(qtbot, page):
    page.dataset_combo.setCurrentIndex(page.dataset_combo.findData("spiral"))
    page.classes_spin.setValue(3)
    page.noise_field.setValue(0.05)
    page.layers_spin.setValue(2)
    for sp in page.unit_spins[:2]:
        sp.setValue(32)
    page.lr_field.setValue(0.01)
    assert page.lab.config.hidden == [32, 32] and page.lab.config.lr == 0.01
    page.lab.speed = 50
    page.lab.play()
    qtbot.waitUntil(lambda: page.lab.trainer.epoch >= 150, timeout=60000)
    page.lab.pause()
    assert page.lab.trainer.history.test_acc[-1] >= 0.90


def test_probe_shows_the_clicked_points_numbers(qtbot, page):
    train_epochs(qtbot, page, 3)
    page.add_class_combo.setCurrentIndex(1)
    click(qtbot, page, 0.5, -0.5)
    x, y = page.lab.trainer.X_train[-1]
    r = page.lab.trainer.probe(x, y, label=1)
    html = page.probe_html
    a_text = "[" + ", ".join(f"{v:.3f}" for v in r["a"]) + "]"
    assert a_text in html
    assert f"{r['loss']:.4f}" in html and "dz = ŷ − y" in html
    np.testing.assert_allclose(page.bars.opts["height"], r["a"])


def test_worked_example_box(qtbot, page):
    assert "[0.842, 0.042, 0.002, 0.114]" in page.z_result.text()
    page.z_edit.clear()
    qtbot.keyClicks(page.z_edit, "1, 2, x")
    assert "'x' is not a number" in page.z_result.text()
    page.z_edit.setText("1000, -1000")
    assert "[1.000, 0.000]" in page.z_result.text()


def test_learning_rate_that_blows_up_keeps_last_good_regions(qtbot, win, page):
    page.layers_spin.setValue(2)
    page.opt_combo.setCurrentIndex(page.opt_combo.findData("sgd"))
    train_epochs(qtbot, page, 2)
    good = page.proba.copy()
    page.lr_field.setValue(1e3 - 1)
    train_epochs(qtbot, page, 3)
    t = page.lab.trainer
    assert t.status == "diverged"
    assert "Diverged" in win.statusBar().currentMessage()
    assert np.all(np.isfinite(page.proba))
    np.testing.assert_allclose(page.proba, good, atol=1e-6)
    assert "Diverged" in page.epoch_label.text()


def test_bad_value_gives_message_and_keeps_settings(qtbot, win, page):
    page.lr_field.setValue(0.0)
    assert page.lab.config.lr == 0.03
    assert "lr must be in (0, inf), got 0" in win.statusBar().currentMessage()


def test_removing_every_point_says_why(qtbot, win, page):
    page.n_spin.setValue(20)
    page.test_field.setValue(0)
    t = page.lab.trainer
    while len(t.y_train):
        x, y = t.X_train[0]
        page.lab.remove_nearest(x, y)
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    assert "no training points" in win.statusBar().currentMessage()


def test_two_classes_compare_with_logistic_regression(qtbot, page):
    page.dataset_combo.setCurrentIndex(page.dataset_combo.findData("moons"))
    assert page.logistic_box.isEnabled()
    train_epochs(qtbot, page, 30)
    page.logistic_box.setChecked(True)
    xs, _ = page.logistic_line.getData()
    assert np.isfinite(xs).sum() > 10
    assert "agree on" in page.epoch_label.text()
    page.layers_spin.setValue(1)
    assert not page.logistic_box.isEnabled()


def test_network_view_shows_hidden_units(qtbot, page):
    page.layers_spin.setValue(2)
    page.unit_spins[0].setValue(5)
    page.unit_spins[1].setValue(3)
    train_epochs(qtbot, page, 2)
    page.views.setCurrentIndex(1)
    assert len(page._unit_items) == 8
    assert page._unit_items[0].image.shape == (40, 40)
    gx, _ = page.warp_grid.getData()
    assert np.isfinite(gx).sum() > 100


def test_features_and_discretize(qtbot, page):
    page.feature_boxes["x1^2"].click()
    assert page.lab.config.features == ["x1", "x2", "x1^2"]
    assert page.lab.trainer.model.sizes[0] == 3
    page.discretize_box.click()
    img = page.region.image
    assert len(np.unique(img.reshape(-1, 4), axis=0)) <= page.lab.trainer.data.n_classes


def test_screenshot_shows_regions_and_points(qtbot, win, page, tmp_path):
    train_epochs(qtbot, page, 5)
    pix = page.plot.grab().toImage()
    colors = {pix.pixel(x, y) for x in range(0, pix.width(), 5) for y in range(0, pix.height(), 5)}
    assert len(colors) > 60
    path = tmp_path / "classifier.png"
    assert win.grab().save(str(path)) and path.stat().st_size > 50_000


def test_regions_cover_exactly_the_data_domain(qtbot, page):
    """The region image spans the plane it is computed on, pixel for pixel: a class's colour
    appears where the model predicts that class."""
    x0, x1, y0, y1 = page.lab.trainer.data.domain
    r = page.region.mapRectToView(page.region.boundingRect())
    assert (r.left(), r.right()) == (pytest.approx(x0), pytest.approx(x1))
    assert (r.top(), r.bottom()) == (pytest.approx(y0), pytest.approx(y1))
    train_epochs(qtbot, page, 5)
    t = page.lab.trainer
    for item in (page.train_points, page.test_points, page.wrong_points, page.probe_marker):
        item.setVisible(False)  # look at the regions alone
    pix = page.plot.grab().toImage()
    vb = page.plot.getPlotItem().getViewBox()
    for k in range(t.data.n_classes):  # the centre of each class's training points
        cx, cy = t.X_train[t.y_train == k].mean(axis=0)
        ix = int((cx - x0) / (x1 - x0) * page.region.image.shape[1])
        iy = int((cy - y0) / (y1 - y0) * page.region.image.shape[0])
        assert page.proba[iy, ix].argmax() == k
        pt = page.plot.mapFromScene(vb.mapViewToScene(QPointF(cx, cy)))
        shown = pix.pixelColor(pt.x(), pt.y())
        expected = page.region.image[iy, ix, :3].astype(int)
        assert abs(shown.red() - expected[0]) < 30 and abs(shown.blue() - expected[2]) < 30
