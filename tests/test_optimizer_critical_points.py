"""The engine behind the optimizer lab's Sections and Critical points tabs (no Qt): sections of a
surface through its saddle point, and the share of random critical points that are minima."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.critical_points import (
    NOTES_CAPTION,
    curvature,
    minimum_share,
    minimum_shares,
    random_hessians,
    section_point,
    sections,
)
from simulator.surfaces import SURFACES, get_surface


def test_saddle_sections_are_a_minimum_along_w1_and_a_maximum_along_w2():
    s = get_surface("saddle")
    assert s.saddles == ((0.0, 0.0),) and section_point(s) == (0.0, 0.0)
    gx, gy = s.grad(0.0, 0.0)
    assert gx == 0 and gy == 0  # a critical point
    cut = sections(s)
    assert cut["kind_w1"] == "minimum" and cut["kind_w2"] == "maximum"
    assert curvature(s, (0.0, 0.0), 0) == pytest.approx(1.0, rel=1e-3)
    assert curvature(s, (0.0, 0.0), 1) == pytest.approx(-1.0, rel=1e-3)
    i1, i2 = np.argmin(np.abs(cut["w1"])), np.argmin(np.abs(cut["w2"]))
    assert cut["along_w1"][i1] == pytest.approx(cut["along_w1"].min(), abs=1e-3)
    assert cut["along_w2"][i2] == pytest.approx(cut["along_w2"][np.abs(cut["w2"]) < 0.8].max(), abs=1e-3)


def test_without_a_saddle_the_sections_cut_through_the_global_minimum():
    for name in ("bowl", "local_minima"):
        s = SURFACES[name]
        p = section_point(s)
        assert s.f(*p) == pytest.approx(s.f_min)
        cut = sections(s)
        assert cut["kind_w1"] == cut["kind_w2"] == "minimum"
    cut = sections(get_surface("bowl"))  # the notes' J(w) = w² − 10w + 25 along w1
    assert np.allclose(cut["along_w1"], cut["w1"] ** 2 - 10 * cut["w1"] + 25)


def test_random_hessians_are_symmetric_and_seeded():
    h = random_hessians(4, 3, np.random.default_rng(0))
    assert h.shape == (3, 4, 4) and np.allclose(h, np.swapaxes(h, 1, 2))
    assert minimum_share(3, 500, seed=1) == minimum_share(3, 500, seed=1)


def test_share_of_minima_falls_fast_with_the_dimension():
    r = minimum_shares(range(1, 21), samples=2000, seed=0)
    share = r["share"]
    assert share[0] == pytest.approx(0.5, abs=0.04)  # n = 1: up or down, even odds
    assert share[1] == pytest.approx((2 - np.sqrt(2)) / 4, abs=0.03)  # n = 2, exact for the GOE
    assert np.all(np.diff(share[:5]) < 0)
    assert np.all(share[2:5] < r["independent"][2:5])  # faster than 2^-n
    assert np.all(r["count"][6:] == 0)  # from n = 7 on, none of 2000 is a minimum
    assert np.allclose(r["independent"], 0.5 ** np.arange(1, 21))
    assert "saddle" in NOTES_CAPTION and "plateaus" in NOTES_CAPTION


def test_bad_dimension_is_refused():
    with pytest.raises(ValueError, match="dimension n must be in"):
        minimum_share(0)
