"""The tuning page, driven as a user would: Play, Step, Reset, keys and the range fields."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import click, press
from PySide6.QtCore import Qt

from simulator.tuning import BATCH, KINDS
from ui.framework.style import INVALID_BACKGROUND
from ui.labs.tuning.explain import pct


@pytest.fixture
def page(make_page):
    return make_page("tuning", shown=True)  # make_page fails a test that leaves it running


def bar_counts(page, kind) -> np.ndarray:
    return np.asarray(page.scale_view.bars[kind].getData()[1], dtype=float)


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_play_builds_the_histograms_up_to_the_total(qtbot, page):
    page.speed_slider.setValue(5)
    assert page.lab.speed == 5
    click(qtbot, page.play_button)
    assert page.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: 0 < page.lab.scale.drawn < 1000 and bar_counts(page, KINDS[0]).sum() > 0,
                    timeout=5000)  # drawn live, part way
    qtbot.waitUntil(lambda: not page.lab.running, timeout=10000)
    assert page.play_button.text() == "Play"
    for kind in KINDS:
        counts = bar_counts(page, kind)
        assert counts.sum() == 1000
        np.testing.assert_array_equal(counts, page.lab.scale.bins[kind].counts)
    assert "All 1,000 draws" in page.message
    assert "Draws: 1,000 of 1,000" in page.panel.draws_label.text()


def test_step_adds_one_batch_and_reset_starts_over(qtbot, page):
    click(qtbot, page.step_button)
    assert [bar_counts(page, k).sum() for k in KINDS] == [BATCH] * 4
    press(qtbot, page.scale_view, Qt.Key.Key_Right)
    assert [bar_counts(page, k).sum() for k in KINDS] == [2 * BATCH] * 4
    first = page.lab.scale.values("alpha", "log").copy()
    press(qtbot, page.scale_view, Qt.Key.Key_R)
    assert page.lab.iteration == 0 and bar_counts(page, KINDS[1]).sum() == 0
    click(qtbot, page.reset_button)
    page.lab.run(2)
    np.testing.assert_array_equal(page.lab.scale.values("alpha", "log"), first)  # same seed


def test_the_shares_shown_are_the_engines(qtbot, page):
    page.lab.run(50)
    alpha, beta = (page.lab.scale.decade_table(p)[0] for p in ("alpha", "beta"))
    titles = page.scale_view.titles
    assert pct(alpha["uniform"]["share"]) in titles[("alpha", "uniform")]
    assert "in [0.1, 1]" in titles[("alpha", "log")]
    assert pct(beta["log"]["share"]) in titles[("beta", "log")]
    text = plain(page.explain_html)
    assert (f"uniform: {pct(alpha['uniform']['share'])} of α in [0.1, 1]" in text
            and f"log scale: {pct(alpha['log']['share'])}" in text)
    assert 0.85 < alpha["uniform"]["share"] < 0.95 and 0.2 < alpha["log"]["share"] < 0.3
    assert "r = −4 · rand" in text and "r = −1 − 2 · rand" in text
    for row in ("10.05", "1,000", "2,000", "×2"):
        assert row in text
    # the dashed outline is the engine's expectation for the draws so far
    np.testing.assert_allclose(page.scale_view.outlines[("alpha", "log")].getData()[1],
                               page.lab.scale.expected_counts("alpha", "log"))


def test_a_bad_range_shows_the_message_and_keeps_the_state(qtbot, page):
    page.lab.run(5)
    before = bar_counts(page, ("alpha", "uniform"))
    field = page.panel.fields[("alpha", "low")]
    assert field.text() == "0.0001"
    field.setValue(0.0)  # as if typed and committed
    assert page.message == "α low must be in (0, 1), got 0"
    assert page.lab.settings.alpha[0] == 1e-4 and field.value() == pytest.approx(1e-4)
    assert INVALID_BACKGROUND in field.styleSheet() and "α low" in field.toolTip()  # red, says why
    np.testing.assert_array_equal(bar_counts(page, ("alpha", "uniform")), before)
    assert page.lab.iteration == 5
    beta_high = page.panel.fields[("beta", "high")]
    beta_high.setValue(1.0)
    assert page.message == "β high must be in (0.9, 1), got 1" and page.lab.settings.beta[1] == 0.999
    beta_high.setValue(0.9999)  # a good value: adopted, the draws start over, the message goes
    assert page.lab.settings.beta[1] == 0.9999 and page.lab.iteration == 0 and page.message == ""


def test_draws_and_seed_fields(qtbot, page):
    page.panel.draws_spin.setValue(40)
    assert page.lab.settings.draws == 40
    page.lab.run(10)
    assert page.lab.scale.drawn == 40 and not page.lab.running
    page.panel.draws_spin.setValue(0)
    assert "number of draws must be in [1, 100000], got 0" in page.message
    assert page.panel.draws_spin.value() == 40
    a = page.lab.scale.values("beta", "log").copy()
    page.panel.seed_spin.setValue(7)
    page.lab.run(10)
    assert page.lab.settings.seed == 7 and not np.array_equal(page.lab.scale.values("beta", "log"), a)


def test_csv_has_every_draw(qtbot, page):
    page.lab.run(3)
    lines = page.csv_lines()
    assert lines[0].startswith("#") and lines[1] == "kind,scale,value"
    rows = [line.split(",") for line in lines[2:]]
    assert len(rows) == 4 * 3 * BATCH
    assert {(r[0], r[1]) for r in rows} == set(KINDS)
    logs = [float(r[2]) for r in rows if r[:2] == ["alpha", "log"]]
    np.testing.assert_allclose(logs, page.lab.scale.values("alpha", "log"), rtol=1e-11)
