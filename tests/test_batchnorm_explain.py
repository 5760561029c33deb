"""The batch-norm lab's text, from the engine's numbers, without any window."""

from __future__ import annotations

import math
import re

import pytest

from simulator.batchnorm import MODES, BNExperiment
from ui.labs.batchnorm.explain import (
    HELP_HTML,
    MODE_LABELS,
    batches_sentence,
    corrected_label,
    explain_html,
    iteration_text,
    momentum_label,
    table_html,
)

# The EWA's weight next to a β: what the page must never write (β is batch norm's shift).
EWA_BETA = re.compile(r"β\s*v|\(1 − β\)|β<sup>t|βᵗ|(?<!\+ )β\s*=\s*0\.\d{3}\b")


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def trained() -> BNExperiment:
    exp = BNExperiment(pop_every=2)
    for _ in range(30):
        exp.step()
    return exp


def test_momentum_label_names_the_ewa_momentum_and_its_window():
    assert momentum_label(0.9) == "EWA momentum ρ = 0.900 (≈ 10 batches)"
    assert "0.990" in momentum_label(0.99) and "≈ 100 batches" in momentum_label(0.99)
    assert "β" not in momentum_label(0.9) and "β" not in corrected_label()
    assert corrected_label() == "Bias-corrected EWA: v / (1 − ρᵗ)"
    assert iteration_text(201, 28, 32) == "Iteration 201, epoch 28   (m = 32)"


def test_explain_shows_the_equations_with_live_values(trained):
    v = trained.explain_values(1, 3, corrected=True)
    html = explain_html(v, 1, 3)
    text = plain(html)
    assert "Batch norm, layer 2, unit 4" in text
    for key in ("mu", "var", "z_norm", "z_tilde", "ewa_mu", "ewa_var", "ewa_mu_corrected",
                "pop_mu", "pop_var"):
        assert f"{v[key]:.4g}" in text, key
    assert "(m = 32)" in text and "t = 30 batches" in text
    assert "v<sub>μ</sub> := ρ v<sub>μ</sub> + (1 − ρ) μ" in html
    assert "EWA momentum ρ = 0.900" in text
    assert "uses the bias-corrected values" in text
    assert "zero-started" in plain(explain_html(trained.explain_values(1, 3, corrected=False), 1, 3))
    assert not EWA_BETA.search(text), EWA_BETA.search(text)


def test_explain_shows_a_dash_not_nan_before_the_first_batch():
    exp = BNExperiment()
    text = plain(explain_html(exp.explain_values(0, 0), 0, 0))
    assert math.isnan(exp.explain_values(0, 0)["z"])
    assert "—" in text and not re.search(r"\b(nan|inf)\b", text, re.I)


def test_test_time_table_has_the_three_modes_and_beta_for_a_batch_of_one(trained):
    t = trained.test_time_table(4, 0, 2)
    html = table_html(t, 0, 2)
    text = plain(html)
    assert "Test example 5 at x = (" in text and f"true class {t['label']}" in text
    assert all(MODE_LABELS[m] in text for m in MODES)
    assert f"β = {t['beta']:.4g}" in text
    # The batch-of-one column: σ² = 0 and z̃ = β.
    single = t["modes"]["single"]
    assert single["var"] == 0 and single["z_tilde"] == t["beta"]
    for m in MODES:
        assert f"class {t['modes'][m]['predicted']} (p = " in text
        assert f"{100 * t['modes'][m]['accuracy']:.3g} %" in text
    assert html.count("<tr>") == 8  # head, five values, prediction, accuracy
    assert "nan" not in html.lower()


def test_batches_sentence_and_help():
    s = plain(batches_sentence(16, 0.833))
    assert "Test batches of 16" in s and "accuracy 83.3 %" in s
    assert "accuracy — %" in plain(batches_sentence(16, float("nan")))
    assert "EWA momentum" in HELP_HTML and not EWA_BETA.search(plain(HELP_HTML))
