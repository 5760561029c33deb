"""Every optimizer preset's claim, measured on several runs: the preset's own and four others
(another noise seed where the racers are noisy, else a start nudged by 1% of the surface), by the
function in ``simulator.claims.optimizers`` that the page calls on the run in front of the class.

Every preset names its claim with "measure" (``test_every_lab.py`` checks that none is missing)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.claims import VARIANTS
from simulator.claims.optimizers import CLAIMS, RaceRun, first_flips, ready, run, variant
from simulator.critical_points import sections
from simulator.racing import basin_shares
from ui.labs import entry_for

PRESETS = {p["name"]: p for p in entry_for("optimizers").presets()}
SEEDS = tuple(range(VARIANTS))  # 0: the preset itself; 1 to 4: another seed, or a nudged start
assert len(SEEDS) >= 5


def loaded(make_controller, name: str):
    lab = make_controller("optimizers")
    assert lab.load(PRESETS[name]["settings"]), name
    return lab


def measured(name: str, seed: int) -> RaceRun:
    claim = CLAIMS[PRESETS[name]["measure"]]
    return run(variant(PRESETS[name]["settings"], claim, seed), claim)


def test_every_preset_measures_its_claim():
    assert {n: p.get("measure") in CLAIMS for n, p in PRESETS.items()} == dict.fromkeys(PRESETS, True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", PRESETS)
def test_preset_claim_holds_on_every_seed(name, seed):
    claim = CLAIMS[PRESETS[name]["measure"]]
    verdict = claim.measure(measured(name, seed))
    assert verdict.holds, verdict.text


def test_the_variants_differ_only_in_what_is_random_or_the_start():
    noisy = PRESETS["Learning-rate decay settles tighter than constant α"]
    claim = CLAIMS[noisy["measure"]]
    a, b = variant(noisy["settings"], claim, 0), variant(noisy["settings"], claim, 3)
    assert b == a.replace(seed=a.seed + 3)
    still = PRESETS["Saddle point: stuck without noise"]
    claim = CLAIMS[still["measure"]]
    a, b = variant(still["settings"], claim, 0), variant(still["settings"], claim, 2)
    assert b.start[1] == a.start[1] == 0.0 and b.start[0] != a.start[0]  # still on the ridge
    assert b == a.replace(start=b.start)


@pytest.mark.parametrize("name", ["Ravine: SGD zig-zags, momentum glides",
                                  "Local minimum: momentum tames a large α"])
def test_the_page_measures_the_run_in_front_with_the_same_function(make_page, name):
    page = make_page("optimizers")
    preset = PRESETS[name]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    assert page.preset_bar.verdict is None  # nothing to measure before the run
    claim = CLAIMS[preset["measure"]]
    while not ready(RaceRun(page.lab.settings, page.lab.race), claim):
        page.lab.run(250)
    expected = claim.measure(measured(name, 0))
    assert page.preset_bar.verdict == expected and expected.holds
    assert "Measured on this run" in page.preset_bar.verdict_label.text()
    page.lab.reset()
    assert page.preset_bar.verdict is None  # a new run is measured again


def test_elongated_default_is_the_notes_rmsprop_picture(make_controller):
    """``main.py --fresh --page optimizers --surface elongated``: every racer at the same α; SGD's
    w2 step flips at least twice as often as RMSprop's over the first 100 steps, and RMSprop gets
    within 1e-3 of the minimum first."""
    lab = make_controller("optimizers")
    assert lab.set_surface("elongated")
    assert len({lab.settings.hyper[n]["lr"] for n in lab.settings.hyper}) == 1
    claim = CLAIMS["elongated_rmsprop"]
    while not ready(RaceRun(lab.settings, lab.race), claim):
        lab.run(250)
    verdict = claim.measure(RaceRun(lab.settings, lab.race))
    assert verdict.holds, verdict.text
    sgd, rms = lab.racers["sgd"], lab.racers["rmsprop"]
    assert first_flips(sgd, lambda p: p[:, 1]) >= 2 * first_flips(rms, lambda p: p[:, 1])


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items() if p["measure"] in (
    "ravine", "local_minimum", "elongated_rmsprop", "elongated_momentum", "double_well")])
def test_compared_racers_share_alpha_where_alpha_is_not_taught(name):
    """Equal settings except the one taught: racers compared for their optimizer run at one α."""
    s = variant(PRESETS[name]["settings"], CLAIMS[PRESETS[name]["measure"]], 0)
    alphas = {n: s.optimizer_spec(n).lr for n in s.racer_names()}
    if PRESETS[name]["measure"] == "local_minimum":  # two α's, each run by SGD and by momentum
        assert alphas["sgd"] == alphas["momentum_b"] != alphas["momentum"] == alphas["sgd_b"]
    else:
        assert len(set(alphas.values())) == 1, alphas


def test_notes_bowl_follows_the_notes_formula(make_controller):
    lab = loaded(make_controller, "The notes' bowl: J(w) = w² − 10w + 25")
    lab.run(2000)
    cut = sections(lab.surface)
    assert np.allclose(cut["along_w1"], cut["w1"] ** 2 - 10 * cut["w1"] + 25)


def test_typed_double_well_numbers(make_controller):
    lab = loaded(make_controller, "Typed double well: local or global minimum")
    assert lab.surface.name == "formula" and lab.surface.formula == "(x**2 - 1)**2 + 0.3*x + y**2"
    assert lab.surface.kinds == ("global", "local")  # found from the formula: left well deeper
    lab.run(3000)
    sgd, mom = lab.racers["sgd"], lab.racers["momentum"]
    assert sgd.minimum_kind == "local" and sgd.w[0] == pytest.approx(0.96, abs=0.01)
    assert mom.minimum_kind == "global" and mom.w[0] == pytest.approx(-1.04, abs=0.01)
    assert sgd.path[:, 0].min() > 0.5  # SGD never came near the ridge at w1 = 0
    assert sgd.loss - mom.loss == pytest.approx(0.6, abs=0.05)


def test_himmelblau_computes_its_basin_map_as_it_loads(qtbot, make_page):
    page = make_page("optimizers")
    preset = PRESETS["Himmelblau: where you start decides"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    assert page.view_tabs.tabText(page.view_tabs.currentIndex()) == "Basin map"
    qtbot.waitUntil(lambda: page.lab.basin is not None and not page.lab.basin_running, timeout=60000)
    shares = basin_shares(page.lab.basin.labels, 4)
    assert all(shares[i] > 0.1 for i in range(4)), shares
