"""Typed surfaces: the whitelisted grammar, hostile formulas, the exact gradient against finite
differences, the minima found numerically, and a formula travelling in the race settings."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from simulator.formula import MAX_CHARS, parse
from simulator.optimizers import make_optimizer
from simulator.race_settings import RaceSettings, build_race
from simulator.racing import CONVERGED, basin_map
from simulator.specs import SurfaceSpec
from simulator.surfaces import SURFACES, from_formula
from simulator.typed_surface import FormulaSurface

DOMAIN = (-2.0, 2.0, -2.0, 2.0)

FORMULAS = [
    "x**2 - y**2 + 0.1*sin(3*x)",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "exp(-(x**2 + y**2)) * cos(2*x*y)",
    "log(1 + x**2 + y**2) - tanh(x - y)",
    "sqrt(1 + x**2) * abs(y - 0.3) + y**2",
    "x / (1 + y**2) + 3*y",
    "(2 + sin(x)) ** (1 + 0.2*y)",
    "-x**3 / 3 + x*y - 2*y**2",
    "pi*x - e*y + cos(x)**2",
    "tanh(2*x)*tanh(3*y) + 0.05*(x**2 + y**2)",
    "sin(x + y) / (2 + cos(x - y))",
]


def fd_grad(s, x, y, h=1e-6):
    gx = (s.f(x + h, y) - s.f(x - h, y)) / (2 * h)
    gy = (s.f(x, y + h) - s.f(x, y - h)) / (2 * h)
    return gx, gy


@pytest.mark.parametrize("text", FORMULAS)
def test_gradient_matches_finite_differences_at_random_points(text):
    s = from_formula(text, DOMAIN)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1.9, 1.9, 200), rng.uniform(-1.9, 1.9, 200)
    x = x[np.abs(y - 0.3) > 1e-3]  # abs has a kink there
    y = y[np.abs(y - 0.3) > 1e-3]
    gx, gy = s.grad(x, y)
    fx, fy = fd_grad(s, x, y)
    scale = 1.0 + np.abs(gx) + np.abs(gy)
    assert np.max(np.abs(gx - fx) / scale) < 1e-5
    assert np.max(np.abs(gy - fy) / scale) < 1e-5


def test_value_and_gradient_match_a_built_in_surface_written_out():
    rosen = SURFACES["rosenbrock"]
    typed = from_formula("(1 - x)**2 + 100*(y - x**2)**2", rosen.domain)
    xs, ys, z = rosen.grid(50)
    X, Y = np.meshgrid(xs, ys)
    np.testing.assert_allclose(typed.f(X, Y), z, rtol=1e-12)
    for a, b in zip(typed.grad(X, Y), rosen.grad(X, Y), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-9)


def test_works_on_scalars_and_arrays_of_any_shape_even_where_a_term_is_constant():
    s = from_formula("x**2 + 1", DOMAIN)  # does not use y: its y-gradient is 0 everywhere
    assert float(s.f(1.0, 5.0)) == 2.0
    gx, gy = s.grad(np.ones((3, 4)), np.zeros((3, 4)))
    assert gx.shape == gy.shape == (3, 4)
    assert np.all(gx == 2.0) and np.all(gy == 0.0)
    assert s.f(np.zeros(5), 0.0).shape == (5,)


@pytest.mark.parametrize(
    "text, where",
    [
        ("__import__('os')", "unknown function '__import__' at column 1"),
        ("x + os", "unknown name 'os' at column 5"),
        ("os.system('ls')", "attribute access 'os.system' at column 1"),
        ("x.__class__", "attribute access"),
        ("9**9**9", "exponent 9**9 at column 4"),
        ("2**2000", "exponent 2000 at column 4"),
        ("10**10**2", "too large"),
        ("1e400 * x", "number 1e400 at column 1 is too large"),
        ("x" * (MAX_CHARS + 1), f"at most {MAX_CHARS}"),
        ("", "empty"),
        ("   ", "empty"),
        ("(" * 40 + "x" + ")" * 40, "nested too deeply at column 33"),
        ("-" * 60 + "x", "nested too deeply"),
        ("2x", "column 2"),
        ("x^2", "use ** for powers"),
        ("x + 'a'", "unexpected character \"'\" at column 5"),
        ("sin x", "write sin(...)"),
        ("sin(x, y)", "one argument"),
        ("(x + y", "to close the '(' at column 1"),
        ("x +", "found the end of the formula"),
        ("3 + 4", "is a constant"),
        ("x\ny", "one line"),
        ("lambda: x", "unknown name 'lambda' at column 1"),
        ("[x for x in y]", "unexpected character '[' at column 1"),
        ("log(x)", "log(x) (column 1) is undefined at x = -2"),
        ("exp(40*x) + y", "exp(40*x) (column 1) reaches"),
        ("1/x + y", "1/x (column 1) overflows at x = 0"),
        ("sqrt(x + 2) + y", "the gradient of sqrt(x + 2) (column 1) overflows at x = -2"),
        ("0/0*x", "at column 1 is undefined"),
    ],
)
def test_hostile_or_broken_formulas_are_refused_naming_the_part(text, where):
    with pytest.raises(ValueError) as err:
        from_formula(text, DOMAIN)
    assert where in str(err.value)


@pytest.mark.parametrize("text", [None, 3, b"x**2", ["x"]])
def test_a_formula_that_is_not_text_is_refused(text):
    with pytest.raises(ValueError, match="must be text"):
        from_formula(text, DOMAIN)


@pytest.mark.parametrize(
    "domain, where",
    [
        ((0, 1, 0), "4 numbers"),
        ("abcd", "4 numbers"),
        (None, "4 numbers"),
        ((1, 0, 0, 1), "xmin must be below its xmax"),
        ((0, 1, 2, 2), "ymin must be below its ymax"),
        ((0, float("nan"), 0, 1), "xmax must be in"),
        ((0, 1e9, 0, 1), "xmax must be in"),
        ((0, True, 0, 1), "xmax must be a number"),
        ((0, "1", 0, 1), "xmax must be a number"),
    ],
)
def test_a_bad_domain_is_refused_naming_it(domain, where):
    with pytest.raises(ValueError, match=where):
        from_formula("x**2 + y**2", domain)


def test_constants_are_folded_and_the_tree_holds_only_whitelisted_parts():
    tree = parse("2*pi + x**(1 + 1) - -3")
    allowed = {"num", "x", "y", "neg", "+", "-", "*", "/", "**", "sin", "cos", "exp", "log", "sqrt",
               "tanh", "abs"}

    def ops(node):
        yield node.op
        for a in node.args:
            yield from ops(a)

    assert set(ops(tree)) <= allowed
    assert tree.args[0].args[0].op == "num"  # 2*pi folded
    assert tree.args[0].args[0].value == pytest.approx(2 * np.pi)
    assert float(from_formula("x**2 - -3 + y", DOMAIN).f(0.0, 0.0)) == 3.0


def test_operators_follow_the_usual_precedence():
    s = from_formula("-x**2 + 2*3**2 / 6 - y", DOMAIN)  # -(x**2) + 3 - y; ** is right-associative
    assert float(s.f(2.0, 1.0)) == pytest.approx(-4 + 3 - 1)
    assert float(from_formula("2**3**0.5 + 0*x", DOMAIN).f(0.0, 0.0)) == pytest.approx(2 ** 3 ** 0.5)


def test_minima_are_found_and_told_global_or_local():
    s = from_formula("(x**2 - 1)**2 + y**2 + 0.2*x", DOMAIN)
    assert isinstance(s, FormulaSurface)
    assert len(s.minima) == 2
    (gx, gy), (lx, ly) = s.minima
    assert s.kinds == ("global", "local")
    assert gx < 0 < lx and abs(gy) < 1e-8 and abs(ly) < 1e-8
    for mx, my in s.minima:  # exact stationary points, not grid points
        assert np.hypot(*s.grad(mx, my)) < 1e-9
    assert s.f_min == pytest.approx(float(s.f(gx, gy)))
    assert "Global minimum at (-1.02, 0)" in s.note and "Local minimum at (0.974, 0)" in s.note


def test_himmelblau_typed_finds_its_four_equal_minima():
    s = from_formula("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (-5, 5, -5, 5))
    found = sorted(s.minima)
    known = sorted(SURFACES["himmelblau"].minima)
    np.testing.assert_allclose(found, known, atol=1e-8)
    assert s.kinds == ("global",) * 4


def test_a_surface_falling_toward_an_edge_has_no_global_minimum_and_says_so():
    s = from_formula("x**2 - y**2", DOMAIN)  # a saddle: the lowest points are on the edge
    assert s.minima == ()
    assert s.f_min == pytest.approx(-4.0)
    assert "edge" in s.note
    assert np.all(s.nearest_minimum(np.zeros(3), np.zeros(3)) == -1)


def test_racers_converge_to_the_typed_minimum_and_the_basin_map_labels_both_wells():
    spec = SurfaceSpec("formula", "(x**2 - 1)**2 + y**2 + 0.2*x", DOMAIN)
    settings = RaceSettings().with_surface(spec)
    race = build_race(settings)
    for _ in range(2000):
        for r in race.racers.values():
            r.step()
    assert all(r.status == CONVERGED for r in race.racers.values())
    surface = spec.build()
    labels = basin_map(surface, lambda: make_optimizer("sgd", surface.suggested_lr["sgd"]), n=40,
                       steps=400)
    assert set(np.unique(labels)) == {0, 1}  # every start reaches one of the two wells
    assert np.all(labels[:, :15] == 0) and np.all(labels[:, -15:] == 1)


def test_a_formula_travels_in_the_settings_and_a_bad_one_is_refused_on_load():
    spec = SurfaceSpec("formula", "x**2 + 3*y**2 + 0.1*sin(5*x)", (-2.0, 2.0, -1.0, 1.0))
    settings = RaceSettings().with_surface(spec)
    data = json.loads(json.dumps(settings.to_dict()))
    assert (data["surface"], data["formula"], data["domain"]) == ("formula", spec.formula,
                                                                   [-2.0, 2.0, -1.0, 1.0])
    again = RaceSettings.from_dict(data)
    assert again.surface == spec and again.to_dict() == data
    for bad, message in ((dict(data, formula="os.getcwd()"), "attribute access"),
                         (dict(data, formula=7), "formula must be text"),
                         (dict(data, domain=[0, 1]), "4 numbers"),
                         (dict(data, domain=[0, 1, 0, "x"]), "ymax must be a number")):
        with pytest.raises(ValueError, match=message):
            RaceSettings.from_dict(bad)


def test_the_same_formula_and_domain_give_the_same_surface_object():
    a = from_formula("x**2 + y**2", DOMAIN)
    assert from_formula("x**2 + y**2", list(DOMAIN)) is a
    assert from_formula("x**2 + y**2", (-1, 1, -1, 1)) is not a


def test_a_valley_of_minima_is_marked_once_and_said_to_be_a_valley():
    s = from_formula("(x - 1)**2", DOMAIN)  # J = 0 all along x = 1
    assert len(s.minima) == 1 and s.minima[0][0] == pytest.approx(1.0)
    assert "valley" in s.note


def test_typographic_minus_and_times_pasted_from_notes_are_read():
    s = from_formula("x**2 − 2×y·y", DOMAIN)
    assert float(s.f(1.0, 1.0)) == -1.0
    with pytest.raises(ValueError, match="unknown name 'z' at column 10"):
        from_formula("x**2 − 2×z", DOMAIN)  # columns count the pasted characters


@pytest.mark.parametrize("huge", [10**140, 10**400, -(10**5000)], ids=["1e140", "1e400", "-1e5000"])
def test_a_domain_of_huge_integers_is_refused_by_its_bound(huge):
    """A JSON or typed domain may hold integers too large for a float: OverflowError before."""
    with pytest.raises(ValueError, match=r"domain xmin must be in \[-1000, 1000\], got about 10\^"):
        from_formula("x**2 + y**2", [huge, 1, -1, 1])


@pytest.mark.parametrize("text, part", [
    ("1/(x-0.015)+y**2", "x-0.015"),  # a sign change between x = 0 and 0.03
    ("1/((x-0.015)**2)+y**2", "(x-0.015)**2"),  # a dip to 0 without a sign change
    ("(x-0.015)**-2 + y**2", "x-0.015"),  # a negative power
    ("x/(y-0.007)", "y-0.007"),
])
def test_a_pole_between_grid_points_is_refused_naming_its_divisor(text, part):
    """Only grid points were checked: J was unbounded on the domain, and a racer near x = 0.015
    would have met an infinite gradient."""
    with pytest.raises(ValueError, match=rf"{re.escape(part)} \(column \d+\) is 0 between"):
        from_formula(text)


@pytest.mark.parametrize("text", ["1/(x**2+0.01)+y**2", "1/(2+sin(x*y))", "x**2/(1+y**2)",
                                  "(x**2+y**2+1)**-1"])
def test_a_divisor_that_stays_away_from_0_is_accepted(text):
    assert from_formula(text).minima or from_formula(text).note
