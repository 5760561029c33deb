"""Each batch-norm preset's claim, measured on five runs (the preset's own and four with other
data and initial weights) by the function in ``simulator.claims.batchnorm`` that the page calls on
the run in front of the class; and what the presets set, checked through the controller."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.claims import VARIANTS
from simulator.claims.batchnorm import CLAIMS, BNRun, ready, run, variant
from ui.labs import entry_for

PRESETS = {p["name"]: p for p in entry_for("batchnorm").presets()}
SEEDS = tuple(range(VARIANTS))  # 0: the preset itself; 1 to 4: both seeds moved
assert len(SEEDS) >= 5


@pytest.fixture
def load(make_controller):
    """load(name) -> the batch-norm controller with the preset in force."""

    def make(name: str):
        lab = make_controller("batchnorm")
        assert lab.load(PRESETS[name]["settings"]), name
        return lab

    return make


def test_every_preset_measures_its_claim():
    assert {n: p.get("measure") in CLAIMS for n, p in PRESETS.items()} == dict.fromkeys(PRESETS, True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", PRESETS)
def test_preset_claim_holds_on_every_seed(name, seed):
    claim = CLAIMS[PRESETS[name]["measure"]]
    verdict = claim.measure(run(variant(PRESETS[name]["settings"], claim, seed), claim))
    assert verdict.holds, verdict.text


def test_the_page_shows_the_verdict_of_the_run_in_front(make_page):
    page = make_page("batchnorm")
    preset = PRESETS["Covariate shift: batch norm holds the distribution"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    claim = CLAIMS[preset["measure"]]
    lab = page.lab
    while not ready(BNRun(lab.experiment, lab.corrected, lab.layer, lab.unit), claim):
        lab.run(100)
    assert page.preset_bar.verdict == claim.measure(BNRun(lab.experiment, lab.corrected, lab.layer, lab.unit))
    assert page.preset_bar.verdict.holds


@pytest.mark.parametrize("name, corrected", [
    ("Slow EWA without bias correction", False),
    ("Slow EWA with bias correction", True),
])
def test_slow_ewa_presets_set_the_momentum_and_the_correction(load, name, corrected):
    lab = load(name)
    assert lab.momentum == 0.99 and lab.corrected is corrected


def test_the_mini_batch_presets_set_their_sizes(load):
    assert load("Small mini-batch: noisy statistics").settings.batch_size == 4
    assert load("Large mini-batch: smooth statistics").settings.batch_size == 128
    assert load("Covariate shift: batch norm holds the distribution").experiment.moments.iterations == [0]


def y_span(plot) -> float:
    lo, hi = plot.getViewBox().viewRange()[1]
    return hi - lo


def test_the_mini_batch_presets_share_the_mu_axis(make_page):
    """The μ axis follows the population's spread, not the dots: at m = 4 the dots fill it, at
    m = 128 they hug the population line on an axis about as tall."""
    spans = {}
    for name in ("Small mini-batch: noisy statistics", "Large mini-batch: smooth statistics"):
        page = make_page("batchnorm")
        assert page.lab.load(PRESETS[name]["settings"])
        page.show_preset(PRESETS[name])
        page.lab.run(100)
        page.stats.draw(True)
        spans[name] = y_span(page.stats.mu_plot)
        sd = float(np.sqrt(page.lab.experiment.snapshot_series("pop_var", 0, 0)[-1]))
        assert spans[name] >= 3 * sd * 0.99  # population μ ± 1.5 σ at least
    small, large = spans.values()
    assert small / large < 2  # against about 8 for the dots' own scatter


def test_covariate_shift_is_drawn_from_iteration_0_on_shared_axes(make_page):
    page = make_page("batchnorm")
    preset = PRESETS["Covariate shift: batch norm holds the distribution"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    page.lab.run(800)
    view = page.twins
    view.draw(True)
    assert view.shift_plot.getViewBox().viewRange()[0][0] == 0
    assert view.shift["plain"][0].getData()[0][0] == 0  # the band starts at iteration 0
    ranges = [p.getViewBox().viewRange() for p in view.moment_plots.values()]
    assert ranges[0] == ranges[1]  # both histograms on the same axes


def in_window(win, name: str):
    """The batch-norm page of the main window with preset ``name`` applied (its action started)."""
    assert win.apply_preset({**PRESETS[name], "page": "batchnorm"})
    return win.pages["batchnorm"]


def test_the_no_b_preset_measures_in_the_background_and_shows_its_verdict(qtbot, win):
    """The preset opens the No b tab, measures there in the worker, draws both twins' J (one on the
    other) and b at the start and end, and the preset bar shows the verdict of that run."""
    page = in_window(win, "No b: batch norm makes a layer's bias useless")
    assert page.tabs.currentWidget() is page.bias
    qtbot.waitUntil(lambda: page.lab.bias is not None, timeout=30_000)
    run = page.lab.bias
    assert np.array_equal(page.bias.without.yData, run.without)
    assert np.array_equal(page.bias.with_b.yData, run.with_b)
    assert len(page.bias.b_end.yData) == 16
    qtbot.waitUntil(lambda: page.preset_bar.verdict is not None, timeout=10_000)
    assert page.preset_bar.verdict.holds and "differed by at most" in page.preset_bar.verdict.text
    page.lab.configure(lr=0.1)  # a change: the measurement was of the old settings
    assert page.lab.bias is None and len(page.bias.without.yData or []) == 0


def test_the_regularizer_preset_measures_the_gaps_and_shows_its_verdict(qtbot, win):
    """The preset opens the Regularizer tab and measures there in the worker: both twins' gap at
    every m is drawn, the x axis is labelled in m (the last the whole set), and the preset bar
    shows the verdict of that run; a change of settings forgets it."""
    page = in_window(win, "Batch norm's slight regularization, and m")
    assert page.tabs.currentWidget() is page.regularizer
    qtbot.waitUntil(lambda: page.lab.gaps is not None, timeout=60_000)
    run = page.lab.gaps
    assert run.sizes == (4, 8, 16, 32, 75)
    assert np.array_equal(page.regularizer.gap["bn"].yData, run.gap[0])
    assert np.array_equal(page.regularizer.gap["plain"].yData, run.gap[1])
    ticks = page.regularizer.gap_plot.getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == ["4", "8", "16", "32", "75 (all)"]
    qtbot.waitUntil(lambda: page.preset_bar.verdict is not None, timeout=10_000)
    assert page.preset_bar.verdict.holds and "at m = 8" in page.preset_bar.verdict.text
    page.lab.configure(lr=0.02)
    assert page.lab.gaps is None and len(page.regularizer.gap["bn"].yData or []) == 0
