"""Learning-rate decay, as in the notes: a schedule maps an epoch number to alpha.

Epochs count from 1, as in the lecture ("epoch 1: alpha = alpha0 / (1 + decay_rate)"). Schedules
accept an array of epochs too, which the UI uses to plot alpha over iterations.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import check_choice, check_range

MAX_K = 100.0  # inverse_sqrt's k: past it alpha0 * k overflows the step long before it teaches


class Schedule:
    """A learning-rate schedule: ``schedule(epoch) -> alpha``."""

    name = "base"
    params: dict[str, float] = {}
    formula = ""

    def __init__(self, alpha0: float, **params: float) -> None:
        unknown = set(params) - set(self.params)
        if unknown:
            allowed = ", ".join(self.params) or "none"
            raise ValueError(
                f"{self.name} schedule: unknown parameter {sorted(unknown)[0]!r}; allowed: {allowed}"
            )
        self.alpha0 = check_range("alpha0", alpha0, low=0.0, low_open=True)
        self.p = {**self.params, **params}
        self._validate()

    def _validate(self) -> None:
        pass

    def __call__(self, epoch: Any) -> Any:
        e = np.maximum(np.asarray(check_range("epoch", epoch) if np.size(epoch) else epoch, dtype=float), 0.0)
        out = self._alpha(e)
        return float(out) if np.ndim(out) == 0 else out

    def _alpha(self, epoch: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.p.items())
        return f"make_schedule({self.name!r}, {self.alpha0:g}{', ' if args else ''}{args})"


class Constant(Schedule):
    name = "constant"
    formula = "alpha = alpha0"

    def _alpha(self, epoch):
        return np.full_like(epoch, self.alpha0)


class InverseTime(Schedule):
    name = "inverse_time"
    params = {"decay_rate": 1.0}
    formula = "alpha = alpha0 / (1 + decay_rate * epoch)"

    def _validate(self):
        self.p["decay_rate"] = check_range("decay_rate", self.p["decay_rate"], low=0.0)

    def _alpha(self, epoch):
        return self.alpha0 / (1.0 + self.p["decay_rate"] * epoch)


class Exponential(Schedule):
    name = "exponential"
    params = {"base": 0.95}
    formula = "alpha = base^epoch * alpha0"

    def _validate(self):
        self.p["base"] = check_range("base", self.p["base"], low=0.0, high=1.0, low_open=True)

    def _alpha(self, epoch):
        return self.p["base"] ** epoch * self.alpha0


class InverseSqrt(Schedule):
    name = "inverse_sqrt"
    params = {"k": 1.0}
    formula = "alpha = k / sqrt(epoch) * alpha0"

    def _validate(self):
        self.p["k"] = check_range("k", self.p["k"], low=0.0, low_open=True, high=MAX_K)

    def _alpha(self, epoch):
        # Epochs count from 1; epoch 0 is read as epoch 1 rather than dividing by zero.
        return self.p["k"] / np.sqrt(np.maximum(epoch, 1.0)) * self.alpha0


class Staircase(Schedule):
    name = "staircase"
    params = {"factor": 0.5, "every": 100.0}
    formula = "alpha = alpha0 * factor^floor(epoch / every)"

    def _validate(self):
        self.p["factor"] = check_range("factor", self.p["factor"], low=0.0, high=1.0, low_open=True)
        self.p["every"] = check_range("every", self.p["every"], low=0.0, low_open=True)

    def _alpha(self, epoch):
        return self.alpha0 * self.p["factor"] ** np.floor(epoch / self.p["every"])


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (Constant, InverseTime, Exponential, InverseSqrt, Staircase)
}


def make_schedule(name: str, alpha0: float, **params: float) -> Schedule:
    """Build a schedule: "constant", "inverse_time", "exponential", "inverse_sqrt", "staircase"."""
    return SCHEDULES[check_choice("schedule", name, SCHEDULES, fold_case=True)](alpha0, **params)
