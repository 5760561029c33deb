"""The optimizer presets' claims, measured on a race (see ``simulator.claims``).

Each measure takes a ``RaceRun`` (the settings and the race run from them) and compares racers that
differ in the one setting the preset teaches. ``run(settings, claim)`` runs a race as the tests do;
on screen the page measures the race in front of the class with the same function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ewa import BETAS, daily_temperatures, ewa, gradient_average, lag, roughness
from ..race_settings import RaceSettings, build_race
from ..racing import CONVERGED, STUCK, Race, Racer, basin_map, basin_shares
from ..specs import SurfaceSpec
from . import Claim, Verdict, nudged, share

FIRST = 100  # the first iterations whose steps are counted


@dataclass
class RaceRun:
    """What an optimizer claim measures: the settings and the race they built."""

    settings: RaceSettings
    race: Race

    def racer(self, name: str) -> Racer:
        return self.race.racers[name]


def variant(data: dict[str, Any], claim: Claim, k: int) -> RaceSettings:
    """The k-th run a preset's claim is measured on (k = 0: the preset): another noise seed if the
    racers are noisy, else a start nudged by a small step."""
    settings = RaceSettings.from_dict(data)
    if k == 0:
        return settings
    if settings.noise > 0 or claim.along == "seed":
        return settings.replace(seed=settings.seed + k)
    surface = settings.surface.build()
    return settings.replace(start=nudged(settings.start_point(surface), surface.span, claim, k))


def run(settings: RaceSettings, claim: Claim) -> RaceRun:
    """A race from ``settings``, run for ``claim.steps`` iterations or until every racer stops."""
    race = build_race(settings)
    while race.iteration < claim.steps and race.running:
        race.step(min(50, claim.steps - race.iteration))
    return RaceRun(settings, race)


def ready(run_: RaceRun, claim: Claim) -> bool:
    """The race has run long enough to be measured."""
    return run_.race.iteration >= claim.steps or not run_.race.running


# -- what the measures count --------------------------------------------------------------------


def flips(steps: np.ndarray) -> float:
    """The share of consecutive steps whose sign differs: 1 for a zig-zag, 0 for a glide."""
    s = np.sign(np.asarray(steps, dtype=float))
    return float(np.mean(s[1:] != s[:-1])) if len(s) > 1 else 0.0


def across_ravine(path: np.ndarray) -> np.ndarray:
    """The coordinate across the ravine (its valley runs at 30 degrees)."""
    return -np.sin(np.pi / 6) * path[:, 0] + np.cos(np.pi / 6) * path[:, 1]


def first_flips(racer: Racer, coordinate) -> float:
    """How often the step's sign flips in ``coordinate(path)`` over the first ``FIRST`` iterations."""
    return flips(np.diff(coordinate(racer.path[: FIRST + 1])))


def arrival(racer: Racer) -> int | None:
    """The iteration at which the racer converged, or None."""
    return racer.iteration if racer.status == CONVERGED else None


def reached(racer: Racer, target: tuple[float, float], within: float) -> int | None:
    """The first iteration at which the racer was within ``within`` of ``target``, or None."""
    d = np.hypot(*(racer.path - np.asarray(target)).T)
    hits = np.flatnonzero(d < within)
    return int(hits[0]) if len(hits) else None


def when(i: int | None) -> str:
    return f"at iteration {i}" if i is not None else "not yet"


def earlier(a: int | None, b: int | None, factor: float = 1.0) -> bool:
    """``a`` happened, and before ``factor`` times ``b`` (or ``b`` never did)."""
    return a is not None and (b is None or a < factor * b)


# -- the measures -------------------------------------------------------------------------------


def zigzag_against(name: str, coordinate, across: str):
    """SGD's step flips sign ``across`` the valley at nearly every iteration, ``name``'s seldom,
    and ``name`` arrives first; both at the same α."""

    def measure(r: RaceRun) -> Verdict:
        sgd, other = r.racer("sgd"), r.racer(name)
        f_sgd, f_other = first_flips(sgd, coordinate), first_flips(other, coordinate)
        a_sgd, a_other = arrival(sgd), arrival(other)
        holds = f_sgd > 0.95 and f_other * 2 <= f_sgd and earlier(a_other, a_sgd)
        return Verdict(holds, f"SGD's step {across} changed sign at {share(f_sgd)} of the first "
                              f"{FIRST} iterations, {other.label}'s at {share(f_other)}; "
                              f"{other.label} arrived {when(a_other)}, SGD {when(a_sgd)}.")

    return measure


def elongated_rmsprop(r: RaceRun) -> Verdict:
    """The notes' RMSprop picture: at equal α, SGD oscillates along w2 (the notes' b) while
    RMSprop's division by √s damps it, and RMSprop gets near the minimum first."""
    sgd, rms = r.racer("sgd"), r.racer("rmsprop")
    f_sgd, f_rms = (first_flips(x, lambda p: p[:, 1]) for x in (sgd, rms))
    t_sgd, t_rms = (reached(x, r.race.surface.minima[0], 1e-3) for x in (sgd, rms))
    holds = f_sgd >= 2 * f_rms and f_sgd > 0.5 and earlier(t_rms, t_sgd)
    return Verdict(holds, f"Along w2, SGD's step changed sign at {share(f_sgd)} of the first {FIRST} "
                          f"iterations, RMSprop's at {share(f_rms)}; within 0.001 of the minimum: "
                          f"RMSprop {when(t_rms)}, SGD {when(t_sgd)}.")


def saddle_stuck(r: RaceRun) -> Verdict:
    stuck = [x for x in r.race.racers.values() if x.outcome == STUCK and np.hypot(*x.w) < 1e-3]
    holds = len(stuck) == len(r.race.racers)
    return Verdict(holds, f"{len(stuck)} of {len(r.race.racers)} racers stopped at the saddle point "
                          f"(the gradient there is 0), after {r.race.iteration} iterations.")


def saddle_noise(r: RaceRun) -> Verdict:
    left = [x for x in r.race.racers.values() if abs(abs(x.w[1]) - 1.0) < 0.2]
    holds = len(left) == len(r.race.racers)
    return Verdict(holds, f"With noisy gradients, {len(left)} of {len(r.race.racers)} racers left "
                          f"the saddle point for a minimum (w2 near ±1) within {r.race.iteration} "
                          "iterations.")


def plateau(r: RaceRun) -> Verdict:
    t = {n: reached(x, r.race.surface.minima[0], 1.0) for n, x in r.race.racers.items()}
    fast = [t["rmsprop"], t["adam"]]
    slow = [t["sgd"], t["momentum"]]
    holds = all(f is not None for f in fast) and all(
        s is None or max(fast) * 10 < s for s in slow)
    return Verdict(holds, "Within 1 of the minimum: " + ", ".join(
        f"{r.racer(n).label} {when(i)}" for n, i in t.items()) + ".")


def local_minimum(r: RaceRun) -> Verdict:
    """At equal α, SGD and momentum stop in the same place; at a large α SGD jumps out of the trap
    but bounces around for ever, while momentum's average damps the bounces and settles in the
    global minimum."""
    kinds = {n: x.minimum_kind or x.status for n, x in r.race.racers.items()}
    said = {n: WHERE.get(k, k) for n, k in kinds.items()}
    small, big = r.racer("sgd").optimizer.alpha, r.racer("sgd_b").optimizer.alpha
    holds = (kinds["sgd"] == kinds["momentum_b"] == "local" and kinds["momentum"] == "global"
             and kinds["sgd_b"] != "global" and r.racer("momentum").optimizer.alpha == big
             and r.racer("momentum_b").optimizer.alpha == small)
    return Verdict(holds, f"At α = {small:g}: SGD {said['sgd']}, momentum {said['momentum_b']}. "
                          f"At α = {big:g}: SGD {said['sgd_b']}, momentum {said['momentum']} "
                          f"(after {r.race.iteration} iterations).")


WHERE = {"local": "stopped in the local minimum", "global": "settled in the global minimum",
         "running": "is still bouncing", "diverged": "diverged"}


def decay(r: RaceRun) -> Verdict:
    decayed, constant = r.racer("sgd"), r.racer("sgd_b")
    centre = np.asarray(r.race.surface.minima[0])
    spread = {x.name: float(np.hypot(*(x.path[-300:] - centre).T).mean()) for x in (decayed, constant)}
    holds = (constant.optimizer.alpha > decayed.optimizer.alpha
             and spread["sgd"] * 3 < spread["sgd_b"])
    return Verdict(holds, f"Over the last 300 iterations the decayed run stayed {spread['sgd']:.2f} "
                          f"from the minimum on average, the constant-α run {spread['sgd_b']:.2f} "
                          f"(α_t = {decayed.optimizer.alpha:.3g} against {constant.optimizer.alpha:.3g}).")


def rosenbrock(r: RaceRun) -> Verdict:
    adam = r.racer("adam")
    d = {n: float(np.hypot(*(x.w - 1.0))) for n, x in r.race.racers.items()}
    holds = (arrival(adam) is not None and all(
        r.racer(n).status != CONVERGED and d[n] > d["adam"] for n in ("sgd", "momentum")))
    return Verdict(holds, f"Adam converged {when(arrival(adam))}; after {r.race.iteration} "
                          "iterations, distance to (1, 1): " + ", ".join(
                              f"{r.racer(n).label} {v:.2g}" for n, v in d.items()) + ".")


def himmelblau(r: RaceRun, grid: int = 40) -> Verdict:
    make = r.settings.optimizer_spec(r.settings.selected).build
    shares = basin_shares(basin_map(r.race.surface, make, n=grid, steps=500), 4)
    holds = all(shares[i] > 0.1 for i in range(4))
    return Verdict(holds, f"Of {grid}×{grid} starts, the four minima drew " + ", ".join(
        share(shares[i]) for i in range(4)) + f" ({r.settings.selected}).")


def adam_bias(r: RaceRun) -> Verdict:
    corrected, raw = r.racer("adam"), r.racer("adam_b")
    first = {x.name: float(np.hypot(*(x.path[1] - x.path[0]))) for x in (corrected, raw)}
    ratio = first["adam_b"] / first["adam"]
    expected = (1 - 0.9) / np.sqrt(1 - 0.999)
    holds = (abs(ratio / expected - 1) < 1e-3 and raw.losses[1] > raw.losses[0]
             and corrected.losses[1] < corrected.losses[0])
    return Verdict(holds, f"Iteration 1: without bias correction the step was {ratio:.2f} times "
                          f"the corrected one ((1 − β1)/√(1 − β2) = {expected:.2f}); J went from "
                          f"{raw.losses[0]:.3g} to {raw.losses[1]:.3g} without, to "
                          f"{corrected.losses[1]:.3g} with.")


def notes_bowl(r: RaceRun) -> Verdict:
    sgd = r.racer("sgd")
    w = sgd.path[:, 0]
    lr = sgd.optimizer.alpha
    holds = (sgd.minimum_kind == "global" and abs(sgd.w[0] - 5.0) < 1e-4
             and bool(np.all(sgd.path[:, 1] == sgd.path[0, 1]))
             and np.allclose(sgd.losses - (sgd.path[:, 1] - 5.0) ** 2, w**2 - 10 * w + 25)
             and np.allclose(np.diff(w), -lr * (2 * w[:-1] - 10)))
    return Verdict(holds, f"Every step was w := w − {lr:g}·(2w − 10); w reached {sgd.w[0]:.4f} "
                          f"{when(arrival(sgd))}, where J = w² − 10w + 25 is least.")


def momentum_betas(r: RaceRun) -> Verdict:
    high, low = r.racer("momentum"), r.racer("momentum_b")
    f_high, f_low = first_flips(high, across_ravine), first_flips(low, across_ravine)
    holds = f_high * 2 < f_low and earlier(arrival(high), arrival(low))
    return Verdict(holds, f"Across the valley, β = {high.optimizer.hyper['beta']:g} flipped its step "
                          f"at {share(f_high)} of the first {FIRST} iterations, β = "
                          f"{low.optimizer.hyper['beta']:g} at {share(f_low)}; arrived "
                          f"{when(arrival(high))} against {when(arrival(low))}.")


def double_well(r: RaceRun) -> Verdict:
    sgd, mom = r.racer("sgd"), r.racer("momentum")
    gap = sgd.loss - mom.loss
    holds = (sgd.minimum_kind == "local" and mom.minimum_kind == "global" and abs(sgd.w[0] - 0.96) < 0.01
             and abs(mom.w[0] + 1.04) < 0.01 and abs(gap - 0.6) < 0.05)
    return Verdict(holds, f"SGD settled in the {sgd.minimum_kind or sgd.status} minimum at "
                          f"w1 = {sgd.w[0]:.2f}, momentum in the {mom.minimum_kind or mom.status} one "
                          f"at w1 = {mom.w[0]:.2f}, J lower by {gap:.2f}.")


def ewa_claim(r: RaceRun) -> Verdict:
    """The lecture's temperatures (the race's seed): a larger β is smoother and lags more, about
    1/(1 − β) days' worth; without bias correction β = 0.98 starts far too low; and momentum's
    v_dW, read back from its steps, is this very average of its gradients."""
    season, temps = daily_temperatures(seed=r.settings.seed)
    curves = {b: ewa(temps, b, corrected=True) for b in BETAS}
    rough = [roughness(curves[b]) for b in BETAS]
    lags = [lag(curves[b], season) for b in BETAS]
    first = slice(0, 10)
    raw = float(np.mean(np.abs(ewa(temps, BETAS[-1])[first] - temps[first])))
    fixed = float(np.mean(np.abs(curves[BETAS[-1]][first] - temps[first])))
    g = gradient_average(r.racer("momentum"))
    same = float(np.max(np.abs(g["from_steps"] - g["v"]))) if len(g["v"]) else float("inf")
    holds = (rough[0] > rough[1] > rough[2] and lags[0] < lags[1] < lags[2] and 25 <= lags[2] <= 55
             and raw > 3 * fixed and same < 1e-9)
    return Verdict(holds, "β = " + ", ".join(f"{b:g}: lag {d} days, day-to-day change {x:.2f} °F"
                                            for b, d, x in zip(BETAS, lags, rough, strict=True))
                   + f". Uncorrected, β = 0.98 is {raw:.0f} °F off in the first 10 days, corrected "
                   f"{fixed:.0f}. Momentum's v_dW from its steps differs from the EWA of its dW by "
                   f"{same:.0e}.")


INPUT_SURFACES = ("raw_inputs", "normalized_inputs")


def normalizing(r: RaceRun) -> Verdict:
    """Gradient descent on the regression's inputs as they are and normalized, at the same α and
    from the same height J: iterations to within 0.001 of the minimum. The race in front is one
    of the two; the other is run here, the same settings on the other surface."""
    this = r.settings.surface.name
    other_name = INPUT_SURFACES[1 - INPUT_SURFACES.index(this)]
    other_spec = SurfaceSpec(other_name)
    alpha = r.settings.hyper["sgd"]["lr"]
    twin = run(r.settings.with_surface(other_spec).with_hyper("sgd", "lr", alpha), Claim(6000, normalizing))
    t = {this: reached(r.racer("sgd"), r.race.surface.minima[0], 1e-3),
         other_name: reached(twin.racer("sgd"), twin.race.surface.minima[0], 1e-3)}
    raw, norm = t["raw_inputs"], t["normalized_inputs"]
    holds = norm is not None and (raw is None or raw > 5 * norm)
    return Verdict(holds, f"Gradient descent at α = {alpha:g} got within 0.001 of the minimum {when(norm)} "
                          f"with normalized inputs, {when(raw)} without.")


CLAIMS: dict[str, Claim] = {
    "ravine": Claim(3000, zigzag_against("momentum", across_ravine, "across the valley")),
    "elongated_momentum": Claim(3000, zigzag_against("momentum", lambda p: p[:, 1], "along w2")),
    "elongated_rmsprop": Claim(3000, elongated_rmsprop),
    "saddle_stuck": Claim(5000, saddle_stuck, along="w1"),
    "saddle_noise": Claim(600, saddle_noise),
    "plateau": Claim(1500, plateau),
    "local_minimum": Claim(3000, local_minimum),
    "decay": Claim(1000, decay),
    "rosenbrock": Claim(5000, rosenbrock),
    "himmelblau": Claim(0, himmelblau),
    "adam_bias": Claim(1, adam_bias),
    "notes_bowl": Claim(2000, notes_bowl, along="w1"),
    "momentum_betas": Claim(3000, momentum_betas),
    "double_well": Claim(3000, double_well),
    "ewa": Claim(200, ewa_claim, along="seed"),
    "normalizing": Claim(6000, normalizing),
}

__all__ = ["CLAIMS", "RaceRun", "variant", "run", "ready", "flips"]
