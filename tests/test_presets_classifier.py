"""Each classifier preset's claim, measured on five runs (the preset's own and four with other
data and initial weights) by the function in ``simulator.claims.classifier`` that the page calls on
the run in front of the class; and what the presets set, checked through the controller."""

from __future__ import annotations

import pytest

from simulator.claims import VARIANTS
from simulator.claims.classifier import CLAIMS, ready, run, variant
from ui.labs import entry_for

PRESETS = {p["name"]: p for p in entry_for("classifier").presets()}
SEEDS = tuple(range(VARIANTS))  # 0: the preset itself; 1 to 4: both seeds moved
assert len(SEEDS) >= 5


@pytest.fixture
def load(make_controller):
    """load(name, **changes) -> the controller with the preset in force (and ``changes`` made
    afterwards, as a user would make them)."""

    def make(name: str, **changes):
        lab = make_controller("classifier")
        assert lab.load(PRESETS[name]["settings"]), name
        if changes:
            assert lab.configure(**changes)
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
    page = make_page("classifier")
    preset = PRESETS["Circles: add x1^2 and x2^2"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    claim = CLAIMS[preset["measure"]]
    while not ready(page.lab.trainer, claim):
        page.lab.run(100)
    assert page.preset_bar.verdict == claim.measure(page.lab.trainer)
    assert page.preset_bar.verdict.holds and "x1^2" in page.preset_bar.verdict.text


def test_presets_set_what_their_claims_name(load):
    assert load("Softmax regression: four blobs").settings.hidden == []
    assert load("Spiral: straight lines are not enough").settings.turns == 1.75
    assert load("Two classes: softmax is logistic regression").comparing
    assert load("Batch gradient descent: a smooth cost").trainer.batches_per_epoch == 1


def test_mini_batch_of_one_draws_a_point_per_iteration(load):
    lab = load("Mini-batch of one: stochastic descent")
    lab.run(600)
    assert len(lab.trainer.costs) == 600  # one point per iteration, not one per epoch


def test_learning_rate_decay_alpha_t_shrinks(load):
    decayed = load("Learning-rate decay: α_t shrinks").trainer
    alpha0 = decayed.settings.lr
    assert decayed.alpha == pytest.approx(alpha0 / 1.5)  # epoch_num 1
    decayed.run_epochs(9)  # the tenth epoch is next
    assert decayed.alpha == pytest.approx(alpha0 / 6) and decayed.alpha < alpha0 / 5


def test_the_mini_batch_size_preset_measures_every_size_as_it_loads(qtbot, make_page):
    page = make_page("classifier")
    preset = PRESETS["Mini-batch size: iterations, epochs and time"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    assert page.tabs.currentWidget() is page.batch_sizes
    qtbot.waitUntil(lambda: page.lab.batch_sizes is not None and not page.lab.jobs().busy, timeout=60000)
    runs = page.lab.batch_sizes.runs
    assert [r.size for r in runs] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 420]
    assert all(r.iterations is not None and r.seconds > 0 for r in runs)
    assert len(page.batch_sizes.iterations.getData()[0]) == len(runs)
    assert page.preset_bar.verdict is not None and page.preset_bar.verdict.holds
