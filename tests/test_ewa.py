"""Exponentially weighted averages (simulator.ewa), the notes' formulas, without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.ewa import daily_temperatures, ewa, gradient_average, lag, roughness, window
from simulator.race_settings import RaceSettings, build_race


def test_ewa_is_the_notes_recurrence_and_bias_correction_removes_the_start_from_zero():
    theta = np.array([40.0, 49.0, 45.0])
    v = ewa(theta, 0.9)
    assert v == pytest.approx([4.0, 0.9 * 4.0 + 4.9, 0.9 * (0.9 * 4.0 + 4.9) + 4.5])
    assert ewa(theta, 0.9, corrected=True)[0] == pytest.approx(40.0)  # v_1 / (1 − β) = θ_1
    flat = ewa(np.full(50, 7.0), 0.98, corrected=True)
    assert flat == pytest.approx(np.full(50, 7.0))  # a constant is its own average
    both = ewa(np.stack([theta, 2 * theta], axis=1), 0.5)
    assert both[:, 1] == pytest.approx(2 * both[:, 0])  # column by column
    assert window(0.9) == pytest.approx(10) and window(0.98) == pytest.approx(50)


@pytest.mark.parametrize("beta", [1.0, -0.1, float("nan")])
def test_a_beta_outside_0_1_is_refused(beta):
    with pytest.raises(ValueError, match="beta"):
        ewa([1.0, 2.0], beta)


def test_a_larger_beta_is_smoother_and_later():
    season, temps = daily_temperatures(seed=3)
    curves = [ewa(temps, b, corrected=True) for b in (0.5, 0.9, 0.98)]
    assert roughness(curves[0]) > roughness(curves[1]) > roughness(curves[2])
    assert lag(curves[0], season) < lag(curves[1], season) < lag(curves[2], season)
    assert lag(season, season) == 0


def test_momentums_v_dw_is_the_ewa_of_its_gradients():
    race = build_race(RaceSettings())
    race.step(250)
    g = gradient_average(race.racers["momentum"])
    assert len(g["v"]) == 200 and np.max(np.abs(g["from_steps"] - g["v"])) < 1e-9
    assert gradient_average(race.racers["sgd"])["from_steps"] is None  # SGD keeps no average
