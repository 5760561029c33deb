"""The optimizer lab's texts, from engine state alone: no widgets, no event loop."""

from __future__ import annotations

import re

import numpy as np
import pytest

from simulator.optimizers import OPTIMIZERS, STAGE_NOTES, make_optimizer
from simulator.race_settings import OPTIMIZER_NAMES, RaceSettings, build_race
from simulator.racing import DIVERGED_LABEL, MOVING_LABEL, Racer, narrate
from simulator.surfaces import get_surface
from ui.labs.optimizers.explain import (
    BASIN_PROMPT,
    EPOCH_NOTE,
    basin_legend_html,
    explanation_html,
    iteration_text,
    legend_label,
    noise_text,
    rule_html,
    show,
    stop_message,
    values_table,
)

NAN = re.compile(r"\b(nan|inf)\b")


def race(steps: int = 1, **changes):
    settings = RaceSettings().replace(**changes) if changes else RaceSettings()
    r = build_race(settings)
    r.step(steps)
    return settings, r


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_explanation_shows_each_rule_and_its_state(name):
    settings, r = race(1)
    text = explanation_html(r.racers[name], settings.optimizer_spec(name))
    assert "W :=" in text
    assert ("v<sub>dW</sub>" in text) == (name in ("momentum", "adam"))
    assert ("s<sub>dW</sub>" in text) == (name in ("rmsprop", "adam"))
    assert ("corrected" in text) == (name == "adam")
    assert "Last step" in text and "ΔW = W<sub>new</sub> − W" in text
    assert "t = 1" in text and "paused" in text and "running" not in text  # not while paused
    assert "running" in explanation_html(r.racers[name], settings.optimizer_spec(name), playing=True)
    assert "α<sub>t</sub> = " in text and "alpha = alpha0" in text


def test_rules_come_from_the_optimizer_classes_with_live_values():
    assert rule_html("sgd", {}) == "W := W − α·dW"
    mom = rule_html("momentum", {"beta": 0.5})
    assert mom.startswith("v<sub>dW</sub> = β·v<sub>dW</sub> + (1 − β)·dW &nbsp; (β = 0.5)")
    assert mom.count("β = ") == 1
    rms = rule_html("rmsprop", {"beta": 0.999, "eps": 1e-8}).split("<br>")
    assert "(β = 0.999)" in rms[0] and "(ε = 1e-08)" in rms[1]
    adam = rule_html("adam", OPTIMIZERS["adam"].defaults).split("<br>")
    assert len(adam) == len(OPTIMIZERS["adam"].rule) == 4
    assert "(β1 = 0.9)" in adam[0] and "(β2 = 0.999)" in adam[1] and "(ε = 1e-08)" in adam[3]
    assert "β1<sup>t</sup>" in adam[2] and "= 0.9" not in adam[2]  # each value once


def test_adam_without_bias_correction_says_so():
    hyper = {**OPTIMIZERS["adam"].defaults, "bias_correction": False}
    lines = rule_html("adam", hyper).split("<br>")
    assert lines[2] == "(bias correction off: corrected = raw)"
    assert "W :=" in lines[3]


def test_narrated_table_reveals_stage_by_stage():
    s = get_surface("ravine")
    r = Racer(s, make_optimizer("adam", 0.1), s.start)
    n = narrate(r)
    first = values_table("adam", n["values"], n)
    assert first.count("…") == 5  # only dW is shown at the "gradient" stage
    assert "background" in first.split("</tr>")[0]  # and it is the highlighted row
    n["index"] = 3  # bias correction
    assert values_table("adam", n["values"], n).count("…") == 1  # ΔW still to come
    text = explanation_html(r, RaceSettings().optimizer_spec("adam"), n)
    assert "Stage 4 of 5: bias correction." in text and "Narrated step t = 1" in text
    assert "β<sup>t</sup>" in text  # the stage's note, in the notes' notation
    assert "Press Step" in text
    n["index"], n["done"] = 4, True
    text = explanation_html(r, RaceSettings().optimizer_spec("adam"), n)
    assert "Stage 5 of 5" in text and "Done: press Step for the next update." in text


def test_stage_notes_cover_every_stage():
    for cls in OPTIMIZERS.values():
        assert set(cls.stages) <= set(STAGE_NOTES)


def test_no_racer_no_rule():
    assert "Enable an optimizer" in explanation_html(None, RaceSettings().optimizer_spec("adam"))


def test_diverged_racer_never_shows_nan():
    settings, r = race(20, hyper={**RaceSettings().hyper, "sgd": {"lr": 1e6}})
    sgd = r.racers["sgd"]
    assert sgd.status == "diverged"
    text = explanation_html(sgd, settings.optimizer_spec("sgd"))
    assert "<b>diverged</b>" in text and not NAN.search(text)
    assert show([np.nan, 1.0]) == "[—, 1]" and show(np.inf) == "—"
    assert legend_label(sgd) == "SGD (diverged)"
    assert stop_message(sgd).startswith("SGD diverged at iteration ") and sgd.reason in stop_message(sgd)


def test_stopped_racers_say_where():
    bowl = get_surface("bowl")
    r = Racer(bowl, make_optimizer("sgd", 0.1), bowl.start)
    while r.step():
        pass
    assert legend_label(r) == "SGD (converged: global minimum)"
    assert stop_message(r) == f"SGD converged to the global minimum at iteration {r.iteration}"
    trap = get_surface("local_minima")
    r = Racer(trap, make_optimizer("sgd", 0.5), trap.start)
    while r.step():
        pass
    assert r.minimum_kind == "local" and legend_label(r) == "SGD (converged: local minimum)"
    saddle = get_surface("saddle")
    r = Racer(saddle, make_optimizer("momentum", 0.1), (-2.2, 0.0))
    for _ in range(5000):
        if not r.step():
            break
    assert legend_label(r) == "Momentum (stuck: dW ≈ 0, not a minimum)"
    assert "the gradient vanished away from every minimum (a saddle point)" in stop_message(r)
    running = Racer(bowl, make_optimizer("adam", 0.1), bowl.start)
    assert legend_label(running) == "Adam"


def test_short_texts():
    assert iteration_text(12, True) == "Iteration 12"
    assert iteration_text(12, False) == "Iteration 12 (all stopped)"
    assert noise_text(0.0) == "σ = 0.00 × typical |dW|: batch gradient descent"
    assert noise_text(0.3) == ("σ = 0.30 × typical |dW|: mini-batch; dots: the last 300 positions, "
                               "faint: the path")
    assert "stochastic (batch of 1)" in noise_text(0.8)
    assert "press Compute" in BASIN_PROMPT


def test_basin_legend_gives_each_minimums_share():
    s = get_surface("himmelblau")
    shares = {0: 0.25, 1: 0.25, 2: 0.2, 3: 0.2, DIVERGED_LABEL: 0.06, MOVING_LABEL: 0.04}
    text = basin_legend_html("adam", s, shares)
    assert text.startswith("<b>Adam</b> on " + s.title)
    assert "minimum (3.00, 2.00): 25.0%" in text
    assert "diverged: 6.0%" in text and "still moving / stuck: 4.0%" in text


def test_decay_formula_says_an_epoch_is_an_iteration_here():
    settings, r = race(3, schedule="inverse_time", schedule_params={"decay_rate": 0.5})
    text = explanation_html(r.racers["sgd"], settings.optimizer_spec("sgd"))
    assert "epoch" in text and "epoch = iteration t = 3" in text
    assert "one iteration" in EPOCH_NOTE
    settings, r = race(3)
    assert "epoch = iteration" not in explanation_html(r.racers["sgd"], settings.optimizer_spec("sgd"))
