"""The tuning lab's text, from the engine's numbers, without any window."""

from __future__ import annotations

import math
import re

import pytest

from simulator.tuning import ScaleRun, ScaleSettings
from simulator.tuning.lessons import (
    CaviarLesson,
    CaviarSettings,
    PandaLesson,
    SearchLesson,
    SearchSettings,
)
from simulator.tuning.space import AXES
from ui.labs.tuning import LESSONS
from ui.labs.tuning.explain import (
    HELP_HTML,
    draws_text,
    explain_html,
    headline,
    last_draw_text,
    pct,
    pct_html,
    r_formula,
    range_text,
    sensitivity_html,
    shares_sentence,
    short_value,
    tick_texts,
    value_text,
)
from ui.labs.tuning.explain_search import (
    caviar_html,
    panda_html,
    params_text,
    search_html,
    status_text,
)

NAN = re.compile(r"\b(nan|NaN|inf)\b")


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def full() -> ScaleRun:
    run = ScaleRun(ScaleSettings(draws=1000))
    while not run.done:
        run.step()
    return run


def test_numbers():
    assert [pct(s) for s in (0.9, 0.25, 0.09, 0.009, 0.0009, 0.0, 1.0)] == \
        ["90%", "25%", "9%", "0.9%", "0.09%", "0%", "100%"]
    assert pct(math.nan) == "—" and pct(math.inf) == "—"
    assert [value_text(v) for v in (1e-4, 1.0, 0.999, 1e-5, 1e-7, 1e5, -2.5)] == \
        ["0.0001", "1", "0.999", "10⁻⁵", "10⁻⁷", "10⁵", "−2.5"]
    assert pct(9e-7) == "<0.01%" and pct_html(9e-7) == "&lt;0.01%"
    # an axis of five decades is labelled in powers, short enough for a narrow plot
    assert tick_texts([1e-4, 1e-3, 1e-2, 0.1, 1.0]) == ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "1"]
    assert tick_texts([0.9, 0.99, 0.999]) == ["0.9", "0.99", "0.999"]  # not powers: as they are
    assert tick_texts([0.01, 0.1, 1.0]) == ["0.01", "0.1", "1"]  # a short axis keeps decimals
    assert range_text((0.1, 1.0)) == "[0.1, 1]"
    assert draws_text(1000, 1000, 50) == "Draws: 1,000 of 1,000 of each kind (50 batches)"


def test_shares_sentence_and_titles_say_the_notes_numbers(full):
    top = full.decade_table("alpha")[0]
    u, g = pct(top["uniform"]["share"]), pct(top["log"]["share"])
    assert shares_sentence("alpha", top) == f"uniform: {u} of α in [0.1, 1]; log scale: {g}"
    assert headline("alpha", "uniform", top) == f"α uniform: {u} in [0.1, 1]"
    assert headline("beta", "log", full.decade_table("beta")[0], "<br>").startswith("β log scale<br>")
    assert "[0.9, 0.99]" in headline("beta", "log", full.decade_table("beta")[0])


def test_before_any_draw_the_shares_are_dashes_not_nan():
    run = ScaleRun()
    top = run.decade_table("alpha")[0]
    assert shares_sentence("alpha", top) == "uniform: — of α in [0.1, 1]; log scale: —"
    assert last_draw_text("alpha", run.last_draw("alpha", "log")) == "no draw yet"
    text = plain(explain_html(run))
    assert not NAN.search(text) and "Draws: 0 of 1,000" in text


def test_r_formula_is_the_notes():
    assert r_formula("alpha", (-4.0, 0.0)).startswith("r = −4 · rand; α = 10<sup>r</sup>")
    beta = r_formula("beta", (-3.0, -1.0))
    assert beta.startswith("r = −1 − 2 · rand;") and "β = 1 − 10<sup>r</sup>" in beta
    assert last_draw_text("alpha", {"r": -2.5, "value": 10**-2.5}) == "r = −2.5 → α = 0.003162"


def test_sensitivity_table_and_sentence():
    text = plain(sensitivity_html((0.9, 0.999)))
    for cell in ("0.9", "0.9005", "10.05", "0.999", "0.9995", "1,000", "2,000", "×1.005", "×2"):
        assert cell in text
    assert "no change" in text and "more sensitive" in text and "close to 1" in text
    assert "averages 10 to 1,000 values" in text
    assert "averages 1 to 10,000 values" in plain(sensitivity_html((0.0, 0.9999)))
    assert "averages 1 to 100 values" in plain(sensitivity_html((0.0, 0.99)))


def test_explain_html_for_a_full_run(full):
    text = plain(explain_html(full))
    assert not NAN.search(text)
    alpha = full.decade_table("alpha")
    for row in alpha:
        assert range_text(row["range"]) in text
        assert pct(row["uniform"]["share"]) in text and pct(row["log"]["expected"]) in text
    assert "[0.99, 0.999]" in text and "latest r = −" in text


def test_help_names_the_lesson():
    text = plain(HELP_HTML)
    assert "log scale" in text and "r = −4 · rand" in text and "1/(1 − β)" in text


def test_tiny_expected_shares_survive_as_text():
    run = ScaleRun(ScaleSettings(alpha=(1e-8, 10.0), draws=20))
    run.step()
    text = plain(explain_html(run))
    assert "/ <0.01%" in text.replace("&lt;", "<") and "[10⁻⁸, 0.001]" in text


# -- the search lessons' text ---------------------------------------------------------------------



def test_short_values():
    assert [short_value(v) for v in (0.198325, 3.33938e-10, 1e-8, 2e-7, 64.0, 0.0001, -0.5)] == \
        ["0.198", "3.34·10⁻¹⁰", "10⁻⁸", "2·10⁻⁷", "64", "0.0001", "−0.5"]
    assert short_value(math.nan) == "—"
    assert params_text({"lr": 0.0316, "eps": 1e-8}, (AXES["lr"], AXES["eps"])) == "α = 0.0316, ε = 10⁻⁸"


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.key)
def test_before_any_step_every_lessons_text_shows_no_nan(entry):
    lesson = entry.lesson()
    if hasattr(lesson, "all_trials") and entry.key != "population":  # a population is made at once
        assert status_text(lesson).startswith("Press Play")
    html = entry.explain(lesson)
    assert html and not NAN.search(plain(html))


def test_the_search_text_gives_the_distinct_values_and_the_best_of_each_search():
    lesson = SearchLesson(SearchSettings(budget=4, epochs=2))
    lesson.advance(2)
    text = plain(search_html(lesson))
    assert not NAN.search(text)
    best = {m: max(t.score for t in ts) for m, ts in lesson.trials.items()}
    assert f"grid22{best['grid']:.1%}" in text.replace(" ", "")
    assert f"random44{best['random']:.1%}" in text.replace(" ", "")
    assert "Importance" in text and "The notes' order: 1. α (" in text  # the whole order, α first
    assert "4. β1, β2, ε (" in text and "(almost never)" in text and "hidden units" in text
    assert status_text(lesson) == "Epoch 2 of 2 · 8 of 8 trials finished"


def test_caviar_and_panda_texts_follow_the_runs():
    caviar = CaviarLesson(CaviarSettings(models=4, epochs=2))
    caviar.advance(2)
    best = caviar.best()
    text = plain(caviar_html(caviar))
    assert f"Best so far: α = {short_value(best.params['lr'])}, {best.score:.1%}" in text
    panda = PandaLesson()
    panda.advance(2)
    panda.configure(lr=0.01)
    text = plain(panda_html(panda))
    assert "Epoch 2:" in text and "epoch 2: α → 0.01" in text


def test_a_trial_not_back_from_the_cluster_is_no_best():
    """On a pool or a cluster a trial is "running" with its untrained values until its task comes
    back; the page said "best 34.4%" for trials no one had trained."""
    from simulator.tuning.trials import Trial
    from ui.labs.tuning.explain_search import best_line, importance_html

    axes = (AXES["lr"], AXES["eps"])
    waiting = [Trial(index=i, params={"lr": 0.01 * (i + 1), "eps": 1e-8}) for i in range(3)]
    for t in waiting:
        t.val_acc = [0.344]  # the untrained model's score, epoch 0
    assert all(t.epochs == 0 for t in waiting)
    assert "no trial trained yet" in best_line("grid", waiting, axes)
    assert importance_html(waiting, axes) == ""
    waiting[1].val_acc.append(0.9)  # one came back, trained one epoch
    assert "best 90.0%" in best_line("grid", waiting, axes)
