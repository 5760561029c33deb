"""The engine's door, fuzzed: every public entry point of ``simulator`` that takes a value from a
user, a file or a script is called with each of its arguments replaced, one at a time, by wrong
kinds, empty, huge, tiny, negative and NaN values. Each call either works (and gives no NaN) or
raises a ValueError whose message names the argument; never another exception, a NaN or a hang
(each call has ten seconds). The hand-written cases of ``test_engine_door*.py`` say why each
refusal matters; this walks every door."""

from __future__ import annotations

import math
import re
import signal
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from simulator import critical_points, datasets, ewa, own_data, race_settings, racing, typed_surface
from simulator.batchnorm import experiment as bn
from simulator.batchnorm import histogram
from simulator.nn import functional as F
from simulator.nn.layers import BatchNorm, Dense
from simulator.nn.mlp import MLP
from simulator.nn.stack import MLPStack
from simulator.optimizers import make_optimizer
from simulator.schedules import make_schedule
from simulator.specs import OptimizerSpec
from simulator.surfaces import SURFACES, from_formula, get_surface
from simulator.training import ClassifierSettings, ClassifierTrainer, featurize
from simulator.tuning import AXES, Axis, Objective, SearchSpace, Sweep, run_search
from simulator.tuning.halving import successive_halving
from simulator.tuning.population import PopulationTraining
from simulator.tuning.space import distinct_counts
from simulator.tuning.trials import default_base

NAN = math.nan
HOSTILE = {
    "None": None, "text": "x", "unicode": "ünï ✓", "true": True, "list": [], "nested": [[1, [2]]],
    "dict": {"a": 1}, "empty array": np.array([]), "nan": NAN, "inf": math.inf, "-inf": -math.inf,
    "huge": 1e308, "-huge": -1e308, "huge int": 10**40, "tiny": 5e-324, "negative": -1, "zero": 0,
    "nan array": np.full((3, 2), NAN),
}
BOWL = SURFACES["bowl"]
X = np.random.default_rng(0).normal(size=(8, 2))
Y = np.array([0, 1, 2, 0, 1, 2, 0, 1])


def _step(name: str, lr: Any = 0.1, params: Any = None, grads: Any = None, **hyper: Any):
    opt = make_optimizer(name, lr, **hyper)
    params = [np.zeros(2)] if params is None else params
    opt.step(params, [np.ones(2)] if grads is None else grads)
    return params


def _train(settings_changes: dict, steps: int = 3):
    trainer = ClassifierTrainer(ClassifierSettings().replace(n=60, **settings_changes))
    for _ in range(steps):
        trainer.step()
    return trainer.losses if hasattr(trainer, "losses") else None


def _small_objective(epochs: Any = 2) -> Objective:
    return Objective(default_base().replace(n=60), epochs)


# name -> (call, valid keyword arguments, {argument: words its message may use instead of its name})
ENTRIES: dict[str, tuple[Callable[..., Any], dict[str, Any], dict[str, tuple[str, ...]]]] = {
    "make_optimizer + step": (_step, {"name": "adam", "lr": 0.1, "beta1": 0.9, "beta2": 0.999,
                                      "eps": 1e-8}, {"name": ("optimizer",), "lr": ("learning rate", "α")}),
    "step's arrays": (_step, {"name": "sgd", "params": [np.zeros(2)], "grads": [np.ones(2)]},
                      {"name": ("optimizer",)}),
    "make_schedule": (lambda **k: make_schedule(**k)(10), {"name": "inverse_time", "alpha0": 0.1,
                                                          "decay_rate": 0.5},
                      {"name": ("schedule",), "alpha0": ("α0", "alpha")}),
    "Surface.f": (lambda w1, w2: BOWL.f(w1, w2), {"w1": 1.0, "w2": 2.0}, {}),
    "Surface.grad": (lambda w1, w2: BOWL.grad(w1, w2), {"w1": 1.0, "w2": 2.0}, {}),
    "get_surface": (get_surface, {"name": "bowl"}, {"name": ("surface",)}),
    "from_formula": (from_formula, {"text": "x**2 + y**2", "domain": (-2.0, 2.0, -2.0, 2.0)},
                     {"text": ("formula", "character"), "domain": ("xmin", "xmax", "ymin", "ymax")}),
    "momentum_rate_map": (lambda **k: racing.momentum_rate_map(BOWL, **k),
                          {"alphas": [0.1, 0.2], "betas": [0.5], "steps": 20, "start": (1.0, 1.0)}, {}),
    "basin_map": (lambda n, steps: racing.basin_map(BOWL, lambda: make_optimizer("sgd", 0.1), n, steps),
                  {"n": 8, "steps": 10}, {}),
    "Racer": (lambda **k: racing.Racer(BOWL, make_optimizer("sgd", 0.1), **k).step(),
              {"start": (1.0, 1.0), "noise": 0.1, "seed": 0}, {}),
    "check_start": (lambda x, y: race_settings.check_start(BOWL, x, y), {"x": 1.0, "y": 1.0},
                    {"x": ("start",), "y": ("start",)}),
    "RaceSettings.from_dict": (lambda **k: race_settings.build_race(race_settings.RaceSettings.from_dict(k)),
                               {"surface": "bowl", "noise": 0.1, "seed": 1, "schedule": "constant"}, {}),
    "make_dataset": (datasets.make_dataset, {"name": "spiral", "n": 60, "classes": 3, "noise": 0.1,
                                             "seed": 0, "test_fraction": 0.25},
                     {"name": ("data set", "dataset")}),
    "ClassifierTrainer": (lambda **k: _train(k), {"hidden": (4,), "lr": 0.03, "batch_size": 8,
                                                  "l2": 0.001, "activation": "tanh", "optimizer": "adam"},
                          {"lr": ("learning rate", "α"), "batch_size": ("mini-batch", "batch")}),
    "softmax_cross_entropy": (F.softmax_cross_entropy, {"z": np.zeros((4, 3)), "y": np.array([0, 1, 2, 0])},
                              {"z": ("logits", "scores"), "y": ("labels",)}),
    "softmax": (F.softmax, {"z": np.zeros((4, 3))}, {}),
    "MLP": (lambda **k: MLP(**k).loss(X, Y), {"sizes": [2, 4, 3], "activation": "tanh", "seed": 0,
                                               "l2": 0.01, "l1": 0.0, "batchnorm": True}, {}),
    "MLP.loss": (lambda X, y: MLP([2, 4, 3]).loss(X, y), {"X": X, "y": Y}, {"y": ("labels",)}),
    "MLPStack": (lambda **k: MLPStack(**k).loss(X, Y), {"sizes": [2, 4, 3], "n_models": 3,
                                                         "activation": "relu", "l2": 0.01}, {}),
    "BatchNorm": (lambda **k: BatchNorm(**k).forward(X, training=True), {"dim": 2, "momentum": 0.9,
                                                                          "eps": 1e-5}, {}),
    "ewa": (ewa.ewa, {"values": [1.0, 2.0, 3.0], "beta": 0.9, "corrected": True}, {}),
    "ewa.window": (ewa.window, {"beta": 0.9}, {}),
    "daily_temperatures": (ewa.daily_temperatures, {"days": 30, "seed": 0}, {}),
    "load_points_csv": (own_data.load_points_csv, {"source": "1,2,0\n3,4,1\n", "max_rows": 100,
                                                   "max_classes": 4},
                        {"source": ("line", "CSV", "csv", "cannot read")}),
    "points_from_settings": (own_data.points_from_settings, {"points": [[1.0, 2.0, 0], [3.0, 4.0, 1]]},
                             {"points": ("point",)}),
    "BNExperiment": (lambda **k: bn.BNExperiment(bn.default_settings().replace(n=60, **k)).step(),
                     {"batch_size": 8, "lr": 0.1, "bn_momentum": 0.9}, {"lr": ("learning rate", "α")}),
    "histogram": (histogram, {"values": np.arange(5.0), "lo": 0.0, "hi": 5.0, "bins": 5}, {}),
    "Axis": (Axis, {"name": "lr", "scale": "log", "low": 1e-4, "high": 1.0},
             {"name": ("hyperparameter",), "low": ("range", "α"), "high": ("range", "α")}),
    "SearchSpace.search": (lambda method, budget, seed:
                           SearchSpace([AXES["lr"]]).search(method, budget, seed),
                           {"method": "random", "budget": 4, "seed": 0}, {"method": ("search",)}),
    "Objective": (lambda epochs: _small_objective(epochs).settings_for({"lr": 0.01}),
                  {"epochs": 2}, {}),
    "Sweep": (lambda params, seed: Sweep(_small_objective(), [params], seed).step(),
              {"params": {"lr": 0.01}, "seed": 0}, {"params": ("lr", "hyperparameter", "trial")}),
    "run_search": (lambda method, budget, seed: run_search(SearchSpace([AXES["lr"]]), _small_objective(),
                                                           method, budget, seed),
                   {"method": "grid", "budget": 2, "seed": 0}, {"method": ("search",)}),
    "successive_halving": (lambda n, min_epochs, keep: successive_halving(
        SearchSpace([AXES["lr"]]), _small_objective(), n, min_epochs, keep),
        {"n": 4, "min_epochs": 1, "keep": 0.5}, {}),
    "PopulationTraining": (lambda size, interval, fraction: PopulationTraining(
        _small_objective(), SearchSpace([AXES["lr"]]), size, interval, fraction=fraction).step(),
        {"size": 4, "interval": 1, "fraction": 0.25}, {}),
    "alpha_curve": (lambda iterations, points: race_settings.alpha_curve(
        OptimizerSpec("adam", 0.1, schedule="inverse_time", schedule_params={"decay_rate": 0.1}),
        iterations, points), {"iterations": 50, "points": 20}, {}),
    "check_twin": (lambda of, key, value:
                   race_settings.check_twin({"of": of, "key": key, "value": value}),
                   {"of": "sgd", "key": "lr", "value": 0.1},
                   {"of": ("racer", "twin"), "key": ("twin",), "value": ("lr",)}),
    "basin_shares": (racing.basin_shares, {"labels": np.array([[0, 1], [1, -1]]), "n_minima": 2},
                     {"n_minima": ("minima",)}),
    "best_pair": (racing.best_pair, {"rates": np.array([[0.9, 0.8]]), "alphas": np.array([0.1, 0.2]),
                                     "betas": np.array([0.5])}, {}),
    "minimum_kind": (lambda index: racing.minimum_kind(BOWL, index), {"index": 0}, {}),
    "minimum_shares": (critical_points.minimum_shares, {"dims": [1, 2], "samples": 50, "seed": 0},
                       {"dims": ("dimension",)}),
    "curvature": (lambda point, axis: critical_points.curvature(BOWL, point, axis),
                  {"point": (1.0, 1.0), "axis": 0}, {}),
    "fitted_domain": (own_data.fitted_domain, {"X": X}, {}),
    "check_domain": (typed_surface.check_domain, {"domain": (-2.0, 2.0, -1.0, 1.0)},
                     {"domain": ("xmin", "xmax", "ymin", "ymax")}),
    "surface_fields": (lambda **k: typed_surface.surface_fields(k),
                       {"surface": "formula", "formula": "x**2 + y**2", "domain": [-1.0, 1.0, -1.0, 1.0]},
                       {"surface": ("surface",)}),
    "featurize": (featurize, {"X": X, "names": ["x1", "x2", "x1*x2"]}, {"names": ("feature",)}),
    "distinct_counts": (distinct_counts, {"trials_params": [{"lr": 0.1}, {"lr": 0.2}], "names": ["lr"]},
                        {"trials_params": ("params", "trial"), "names": ("hyperparameter",)}),
    "Dense": (lambda W, b: Dense(W, b).forward(X), {"W": np.ones((2, 3)), "b": np.zeros(3)}, {}),
    "minimum_share": (critical_points.minimum_share, {"n": 3, "samples": 100, "seed": 0, "batch": 50}, {}),
    "sections": (lambda point, n: critical_points.sections(BOWL, point, n),
                 {"point": (1.0, 1.0), "n": 20}, {}),
}


# NaN in, NaN out, as documented: a surface at a NaN point (the basin map marks the starts that
# left the domain so), an average of NaN values, the features of a NaN point.
NAN_THROUGH = {"Surface.f", "Surface.grad", "ewa", "featurize"}


class Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise Hang


def _has_nan(result: Any, depth: int = 0) -> bool:
    if depth > 3:
        return False
    if isinstance(result, float):
        return math.isnan(result)
    if isinstance(result, np.ndarray) and result.dtype.kind == "f":
        return bool(np.isnan(result).any())
    if isinstance(result, (list, tuple)):
        return any(_has_nan(r, depth + 1) for r in result[:50])
    if isinstance(result, dict):
        return any(_has_nan(r, depth + 1) for r in list(result.values())[:50])
    return False


def outcome(call: Callable[..., Any], kwargs: dict[str, Any], arg: str, words: tuple[str, ...]) -> str:
    """"" if the call behaved, else what went wrong."""
    before = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    try:
        with np.errstate(all="ignore"):
            result = call(**kwargs)
    except ValueError as exc:
        text = str(exc)
        names = (arg, arg.replace("_", " "), *words)
        # as a word: "n" is not named by any message holding the letter n
        named = any(re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text, re.IGNORECASE) for n in names if n)
        return "" if named else f"ValueError not naming {arg}: {text[:160]}"
    except Hang:
        return "no answer in 10 s"
    except Exception as exc:  # noqa: BLE001 - the defect this test looks for
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    return "NaN in the result" if _has_nan(result) else ""


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_argument_of_every_entry_point_given_hostile_values(entry):
    call, valid, words = ENTRIES[entry]
    assert outcome(call, valid, "", ()) == "", "the valid call itself fails"
    wrong = []
    for arg in valid:
        for label, value in HOSTILE.items():
            what = outcome(call, {**valid, arg: value}, arg, words.get(arg, ()))
            if what == "NaN in the result" and entry in NAN_THROUGH and label.startswith("nan"):
                continue
            if what:
                wrong.append(f"{arg}={label}: {what}")
    assert not wrong, "\n".join(wrong)
