"""Each tuning preset's claim, measured on five runs (the preset's seed and four others) by the
function in ``simulator.claims.tuning`` that the page calls on the lesson in front of the class.
Where the claim needs the class to act (Zoom on the best, a change of α), the claim's script does
it as a teacher would; and the same actions through the controller, with Play in the worker."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import drawn_tick_names

from simulator.claims import VARIANTS
from simulator.claims.tuning import CLAIMS, ready, run, variant
from ui.labs import entry_for
from ui.labs.tuning import lesson_entry

PRESETS = {p["name"]: p for p in entry_for("tuning").presets()}
SEEDS = tuple(range(VARIANTS))  # 0: the preset itself; 1 to 4: its seed moved
assert len(SEEDS) >= 5


def lesson_class(name: str):
    return lesson_entry(PRESETS[name]["settings"]["lesson"]).lesson


def test_every_preset_measures_its_claim_on_its_lesson():
    for name, p in PRESETS.items():
        claim = CLAIMS[p["measure"]]
        assert claim.kind is lesson_class(name), name


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", PRESETS)
def test_preset_claim_holds_on_every_seed(name, seed):
    claim = CLAIMS[PRESETS[name]["measure"]]
    verdict = claim.measure(run(variant(lesson_class(name), PRESETS[name]["settings"], claim, seed), claim))
    assert verdict.holds, verdict.text


def load(make_controller, name: str):
    lab = make_controller("tuning")
    assert lab.load(PRESETS[name]["settings"]), name
    assert lab.lesson_key == PRESETS[name]["settings"]["lesson"]
    return lab


def test_coarse_to_fine_through_the_controller_and_the_worker(qtbot, make_controller):
    lab = load(make_controller, "Coarse to fine")
    lesson = lab.lessons["coarse"]
    claim = CLAIMS[PRESETS["Coarse to fine"]["measure"]]
    lab.run(20)
    assert lesson.done and not ready(lesson, claim)  # one round: nothing to compare yet
    assert lab.act("coarse", "zoom_on_best")
    assert lab.act("coarse", "resample")  # adds round 2, and Play trains it in the worker
    assert lab.searching
    qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    assert ready(lesson, claim) and lab.measure_claim("coarse_to_fine").holds
    r1, r2 = lesson.groups["round 1"], lesson.groups["round 2"]
    assert len(r1) == len(r2) == 16


def test_panda_through_the_controller(make_controller):
    lab = load(make_controller, "Panda: α too small, then raised")
    lab.run(60)
    verdict = lab.measure_claim("panda")
    assert verdict is not None and not verdict.holds and "not changed" in verdict.text  # untouched
    lab.reset()
    lab.run(30)
    assert lab.configure("panda", lr=0.01)
    lab.run(30)
    assert lab.lessons["panda"].trial.marks == [(30, {"lr": 0.01})]
    assert lab.measure_claim("panda").holds


def test_halving_runs_whole_in_the_worker(qtbot, make_controller):
    lab = load(make_controller, "Successive halving: a ninth of the budget")
    lab.play()
    qtbot.waitUntil(lambda: not lab.busy, timeout=60000)
    result = lab.lessons["halving"].result
    assert [len(r.indices) for r in result.rounds] == [27, 9, 3, 1]
    assert result.rounds[-1].epochs == 54 and lab.measure_claim("halving").holds


def test_a_claim_is_measured_only_on_its_own_lesson(make_controller):
    lab = load(make_controller, "Learning rate α on a log scale")
    lab.run(50)
    assert lab.measure_claim("alpha_log_scale").holds
    assert lab.measure_claim("caviar") is None  # the Scale lesson is in front


def test_the_page_shows_the_verdict_of_the_run_in_front(make_page):
    page = make_page("tuning")
    preset = PRESETS["Caviar: 64 learning rates at once"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    page.lab.run(60)
    verdict = page.preset_bar.verdict
    assert verdict is not None and verdict.holds and "64 models" in verdict.text
    assert np.isclose(float(verdict.text.split("α = ")[1].split(" ")[0]),
                      page.lab.lessons["caviar"].best().params["lr"], rtol=1e-2)


def test_a_narrow_range_shows_its_medians_on_ticked_axes(make_page):
    page = make_page("tuning")
    preset = PRESETS["A narrow range: the scale matters less"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    page.lab.run(50)
    view = page.views["scale"]
    view.draw(True)
    run = page.lab.lessons["scale"].run
    for (param, scale), line in view.medians.items():
        median = float(np.median(run.values(param, scale)))
        assert line.isVisible() and line.value() == pytest.approx(float(run.axes[param].coordinate(median)))
        names = [t for _, t in drawn_tick_names(view.plots[(param, scale)].getAxis("bottom"))]
        assert len(names) >= 3, names  # the ends and a value between: the axis is never bare


def test_coarse_to_fine_keeps_its_preset_through_zoom_and_resample_and_shows_the_verdict(qtbot, make_page):
    page = make_page("tuning")
    preset = PRESETS["Coarse to fine"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    page.lab.run(20)
    assert page.preset_bar.verdict is None  # one round: nothing to compare yet
    assert page.lab.act("coarse", "zoom_on_best") and page.lab.act("coarse", "resample")
    qtbot.waitUntil(lambda: not page.lab.busy, timeout=60000)
    assert page.preset_bar.preset is preset  # the class's actions do not end the preset
    qtbot.waitUntil(lambda: page.preset_bar.verdict is not None, timeout=10000)
    assert page.preset_bar.verdict.holds and "round 2" in page.preset_bar.verdict.text


def test_raising_alpha_in_the_panda_run_keeps_the_preset_and_its_verdict(make_page):
    page = make_page("tuning")
    preset = PRESETS["Panda: α too small, then raised"]
    assert page.lab.load(preset["settings"])
    page.show_preset(preset)
    page.lab.run(30)
    assert page.lab.configure("panda", lr=0.01)  # the class raises α while the model trains
    assert page.preset_bar.preset is preset
    page.lab.run(30)
    assert page.preset_bar.verdict is not None and page.preset_bar.verdict.holds
    assert page.lab.configure("panda", epochs=100)  # a real change of settings ends it
    assert page.preset_bar.preset is None
