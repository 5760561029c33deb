"""The classifier lab's text, from engine state alone (no widgets, no QApplication)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.classifier.softmax import parse_z, softmax_steps
from simulator.training import ClassifierSettings, ClassifierTrainer
from ui.labs.classifier import explain


def test_the_notes_worked_example():
    html = explain.softmax_html(softmax_steps(parse_z(explain.NOTES_Z)))
    assert "z = [5.00, 2.00, -1.00, 3.00]" in html
    assert "t = e<sup>z</sup> = [148.4, 7.389, 0.3679, 20.09]" in html  # as many digits as Σ t
    assert "Σ t = 176.3" in html
    assert "<b>[0.842, 0.042, 0.002, 0.114]</b>" in html
    assert "hardmax(z) = [1, 0, 0, 0]" in html
    assert "loss" not in html  # no true class given


def test_the_loss_and_dz_for_a_true_class():
    html = explain.softmax_html(softmax_steps(np.array([5.0, 2.0, -1.0, 3.0]), label=3))
    assert "true class 3: y = [0, 0, 0, 1]" in html
    assert "L = −log ŷ<sub>3</sub> = −log 0.114 = <b>2.172</b>" in html
    assert "dz = ŷ − y = [0.842, 0.042, 0.002, -0.886]" in html
    one_based = explain.softmax_html(softmax_steps(np.array([5.0, 2.0, -1.0, 3.0]), label=3), base=1)
    assert "true class 4: y = [0, 0, 0, 1]" in one_based and "ŷ<sub>4</sub>" in one_based


def test_the_notes_loss_for_typed_probabilities():
    html, ok = explain.worked_example_html(explain.NOTES_YHAT, "yhat", explain.NOTES_LABEL, base=1)
    assert ok and "true class 2: y = [0, 1, 0, 0]" in html
    assert "L = −log ŷ<sub>2</sub> = −log 0.200 = <b>1.609</b>" in html
    assert "dz = ŷ − y = [0.300, -0.800, 0.100, 0.400]" in html
    html, ok = explain.worked_example_html("0.5, 0.6", "yhat", 0)
    assert not ok and "sum to 1" in html
    html, ok = explain.worked_example_html("1.5, -0.5", "yhat", 0)
    assert not ok and "in [0, 1]" in html
    html, ok = explain.worked_example_html("0.3, 0.7", "yhat", 4, base=1)
    assert not ok and "the true class must be in [1, 2] for 2 classes, got 5" in html


def test_two_logits_show_that_softmax_is_the_sigmoid_of_their_difference():
    html, ok = explain.worked_example_html("0.5, 2", "z", None, base=0)
    assert ok and "σ(z<sub>1</sub> − z<sub>0</sub>) = σ(1.50) = <b>0.818</b> = a<sub>1</sub>" in html
    assert "[0.182, 0.818]" in html
    html, _ = explain.worked_example_html("0.5, 2", "z", None, base=1)
    assert "σ(z<sub>2</sub> − z<sub>1</sub>)" in html
    assert "σ(" not in explain.worked_example_html("1, 2, 3")[0]


def test_worked_example_text_and_its_errors():
    html, ok = explain.worked_example_html("5, 2, -1, 3")
    assert ok and "[0.842, 0.042, 0.002, 0.114]" in html
    html, ok = explain.worked_example_html("1, 2, x")
    assert not ok and "'x' is not a number" in html
    html, ok = explain.worked_example_html("7")
    assert not ok and "at least two numbers" in html
    html, ok = explain.worked_example_html("1000, -1000")
    assert ok and "[1.000, 0.000]" in html and "overflows" in html
    assert "Σ t = 1.97×10<sup>434</sup>" in html and "inf" not in html and "nan" not in html
    html, ok = explain.worked_example_html("1000, 0, -1000", label=2)
    assert ok and "<b>2000.000</b>" in html  # log-softmax: log Σ e^z − z_3 = 1000 + 1000, not 690.8
    assert softmax_steps(np.array([1000.0, 0.0, -1000.0]), label=1)["loss"] == pytest.approx(1000.0)


def test_probe_text_says_where_and_what():
    t = ClassifierTrainer(ClassifierSettings())
    t.run_epochs(2)
    r = t.probe(0.3, -0.2, label=1)
    html = explain.probe_html(0.3, -0.2, r)
    assert html.startswith(f"<b>Probe at (0.30, -0.20)</b>: predicted class {r['predicted']}")
    assert f"{r['loss']:.3f}" in html


def test_epoch_line():
    t = ClassifierTrainer(ClassifierSettings(test_fraction=0.0))
    t.run_epochs(3)
    text = explain.epoch_html(t)
    assert text.startswith(f"Epoch 3 done (iteration {t.iteration}): train loss "
                           f"{t.history.train_loss[-1]:.3f}")
    assert "test accuracy —" in text and "nan" not in text  # no test set
    assert "agree on 97.5% of the plane" in explain.epoch_html(t, agreement=0.975)
    t.status = "diverged"
    assert "<b>Diverged</b></span>: last good weights. Epoch 3" in explain.epoch_html(t)


def test_a_loss_that_is_not_a_number_is_never_shown():
    t = ClassifierTrainer(ClassifierSettings())
    t.history.train_loss[-1] = float("nan")
    t.history.train_acc[-1] = float("nan")
    text = explain.epoch_html(t)
    assert "nan" not in text and "train loss —, accuracy —" in text


def test_warp_labels_count_from_one():
    assert explain.warp_labels(0, 0, 2) == ("a1 of hidden layer 1", "a3 of hidden layer 1")


def test_the_worked_example_shows_numbers_never_inf_or_nan():
    """z = [1000, 0, −1000] showed Σt = ∞; z = 1e308, −1e308 showed σ(−inf). Now t and Σt are
    powers of ten from their logs, and z beyond ±1e6 is refused by name."""
    html, ok = explain.worked_example_html("1000, 0, -1000", label=2, base=0)
    assert ok and "∞" not in html and "inf" not in html and "nan" not in html
    assert "1.97×10<sup>434</sup>" in html and "<b>2000.000</b>" in html
    html, ok = explain.worked_example_html("1e308, -1e308", label=0, base=0)
    assert not ok and "z must be in" in html and "σ(" not in html
