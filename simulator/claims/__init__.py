"""A preset's claim as a measurement: one function decides it, in the tests (on several seeds) and
on screen (on the run in front of the class).

A ``Claim`` says how long its run must be (``steps``, in the lab's own unit: iterations for the
optimizer lab) and measures it (``measure``), giving a ``Verdict``: whether the claim holds on this
run, and what was measured, in a sentence the page shows ("SGD's step across the valley changed
sign at 100% of the first 100 iterations, momentum's at 13%").

A preset names its claim with ``"measure"``; ``variant(settings, k)`` gives the k-th of the runs
the tests measure it on: k = 0 is the preset itself, and each other k changes only what is random
(the seed), or, where nothing is, nudges the start by a small step (``Claim.nudge``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# How many runs a claim is measured on in the tests: the preset's own and four others.
VARIANTS = 5


@dataclass(frozen=True)
class Verdict:
    """Whether a claim held on one run, and what was measured."""

    holds: bool
    text: str


@dataclass(frozen=True)
class Claim:
    """``measure(subject)`` once the run has ``steps`` steps of its ``unit`` ("iteration", or
    "epoch" where the claim counts epochs), or has stopped by itself.

    ``nudge``: how far a variant moves the start, as a share of the surface's span, and in which
    directions: "any" (around a circle), "w1" or "w2" (along one axis only, for a start that must
    stay on a line, such as the saddle's ridge); or "seed": a variant moves the seed instead."""

    steps: int
    measure: Callable[[Any], Verdict]
    nudge: float = 0.01
    along: str = "any"
    unit: str = "iteration"
    # What the tests do before measuring where the class must act (press a button, change α),
    # and when the run in front is ready to be measured, where ``steps`` cannot say it.
    script: Callable[[Any], None] | None = None
    ready: Callable[[Any], bool] | None = None
    # The kind of engine object it measures, where a lab has several (a tuning lesson's class).
    kind: type | None = None


def nudged(start: tuple[float, float], span: float, claim: Claim, k: int) -> tuple[float, float]:
    """Variant k's start: ``claim.nudge`` · span away from ``start``, in the k-th direction."""
    if k == 0:
        return start
    step = claim.nudge * span
    if claim.along == "w1":
        return start[0] + step * (1 if k % 2 else -1) * math.ceil(k / 2), start[1]
    if claim.along == "w2":
        return start[0], start[1] + step * (1 if k % 2 else -1) * math.ceil(k / 2)
    angle = 2 * math.pi * (k - 1) / (VARIANTS - 1)
    return start[0] + step * math.cos(angle), start[1] + step * math.sin(angle)


def share(part: float) -> str:
    """0.127 -> "13%"."""
    return f"{100 * part:.0f}%"


__all__ = ["Claim", "Verdict", "VARIANTS", "nudged", "share"]
