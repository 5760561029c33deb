"""The batch-norm lab's text, from the engine's numbers, without any window."""

from __future__ import annotations

import math
import re

import pytest

from simulator.batchnorm import MODES, BNExperiment
from ui.framework.style import num
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


def test_iteration_zero_shows_dashes_not_statistics_never_computed():
    exp = BNExperiment(pop_every=2)
    values = exp.explain_values(0, 0)
    for key in ("mu", "var", "ewa_mu", "ewa_var", "ewa_mu_corrected", "used_var"):
        assert math.isnan(values[key]), key
    text = plain(explain_html(values, 0, 0))
    assert "= —" in text and "μ[1] = (1/m) Σi z(i) = —" in text
    table = exp.test_time_table(0, 0, 0)
    assert table["modes"]["ewa"]["predicted"] is None and table["verdict"] == "unknown"
    text = plain(table_html(table, 0, 0))
    assert "No mini-batch has been seen yet" in text and "nearly the same" not in text


def _table(ewa: float, population: float) -> dict:
    modes = {m: {"mu": 0.1, "var": 1.0, "z": 0.3, "z_norm": 0.2, "z_tilde": 0.2, "predicted": 1,
                 "p": 0.9, "accuracy": 0.6} for m in MODES}
    modes["ewa"]["accuracy"], modes["population"]["accuracy"] = ewa, population
    from simulator.batchnorm.test_time import compare_ewa
    return {"index": 0, "label": 1, "x": [0.1, 0.2], "gamma": 1.0, "beta": 0.0, "modes": modes,
            "momentum": 0.9, "t": 10, "verdict": compare_ewa(ewa, population)}


def test_the_test_time_sentence_follows_the_accuracies_on_screen():
    far = plain(table_html(_table(0.52, 0.90), 0, 0))
    assert "52 % against 90 %" in far and "worse" in far and "nearly the same" not in far
    assert "about 10 mini-batches" in far
    close = plain(table_html(_table(0.89, 0.90), 0, 0))
    assert "nearly the same test accuracy (89 % and 90 %)" in close
    above = plain(table_html(_table(0.95, 0.80), 0, 0))
    assert "better" in above and "nearly the same" not in above


def test_the_panel_says_b_is_dropped_and_draws_the_chain(trained):
    text = plain(explain_html(trained.explain_values(1, 0), 1, 0))
    assert "No b in a layer with batch norm: z = W a" in text and "β takes its place" in text
    assert "Chain, first example of the last mini-batch" in text
    c = trained.chain(1, 0)
    assert f"→ z = W a[1] = {num(c['z'])}" in text and f"→ a = tanh(z̃) = {num(c['a'])}" in text
    first = plain(explain_html(trained.explain_values(0, 0), 0, 0))
    assert "X = [" in first and "→ z = W X =" in first
    fresh = BNExperiment(pop_every=2)
    assert "Chain X → z → z̃ → a: — (no mini-batch yet)" in plain(
        explain_html(fresh.explain_values(0, 0), 0, 0))
