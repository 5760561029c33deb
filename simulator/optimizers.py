"""The optimizers of the course notes, in order of increasing complexity.

Every optimizer updates a list of NumPy arrays in place: ``opt.step(params, grads)``. The arrays may
have any shape, so the same code moves one racer (shape ``(2,)``), 40,000 start points of a basin
map (shape ``(40000, 2)``) or a network's weight matrices. Hyperparameters may be NumPy arrays that
broadcast against the parameters: a ``(K, 1)`` learning rate gives K rows K different rates, which is
how the momentum (alpha, beta) map runs many optimizers in one vectorized batch.

State is kept per parameter (the index in the list) and is readable for the UI: ``opt.t``,
``opt.alpha`` (the learning rate used by the last step) and ``opt.state[i]`` with the notes' names
``dW``, ``v`` (v_dW), ``s`` (s_dW), ``v_hat`` and ``s_hat`` (the corrected values) and ``update`` (the
change applied to W).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .schedules import Schedule
from .validation import check_bool, check_choice, check_range

LearningRate = float | np.ndarray | Callable[[float], Any]


def _gradient(i: int, dw: Any, w: np.ndarray) -> np.ndarray:
    """``grads[i]`` as numbers of ``w``'s shape, else ValueError naming it."""
    if isinstance(dw, np.ndarray) and dw.shape == w.shape and dw.dtype.kind == "f":
        return dw  # the hot path: nothing to convert
    try:
        dw = np.asarray(dw, dtype=w.dtype)
        if np.broadcast_shapes(dw.shape, w.shape) != w.shape:
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(f"grads[{i}] must be numbers in the shape of params[{i}] {w.shape}, got "
                         f"{type(dw).__name__}") from None
    return dw


class Optimizer:
    """Base class: validation, per-parameter state and the learning-rate lookup."""

    name = "base"
    title = "base"
    defaults: dict[str, Any] = {}
    # What the UI shows about an optimizer, in the notes' notation (see ``STAGE_NOTES``):
    # the stages of one narrated update, the state it keeps per parameter, and its update rule.
    stages: tuple[str, ...] = ("gradient", "step")
    state_names: dict[str, str] = {"dW": "dW", "update": "ΔW = W_new − W"}
    rule: tuple[str, ...] = ()

    def __init__(self, lr: LearningRate, **hyper: Any) -> None:
        unknown = set(hyper) - set(self.defaults)
        if unknown:
            allowed = ", ".join(["lr", *self.defaults]) or "lr"
            raise ValueError(
                f"{self.name}: unknown hyperparameter {sorted(unknown)[0]!r}; allowed: {allowed}"
            )
        if callable(lr):
            self.lr: LearningRate = lr
        else:
            self.lr = check_range("lr", lr, low=0.0, low_open=True)
        self.hyper = {**self.defaults, **hyper}
        self._validate()
        self.reset()

    def _validate(self) -> None:
        """Subclasses check their own hyperparameters here."""

    def reset(self) -> None:
        """Forget all state: the next step is step 1 again."""
        self.t = 0
        self.alpha: Any = None
        self.state: dict[int, dict[str, np.ndarray]] = {}

    def learning_rate(self, epoch: float) -> Any:
        """alpha for this epoch: the number itself, or the schedule's value."""
        return self.lr(epoch) if callable(self.lr) else self.lr

    def step(
        self,
        params: Sequence[np.ndarray],
        grads: Sequence[np.ndarray],
        epoch: float | None = None,
    ) -> None:
        """Apply one update to every array in ``params`` in place.

        ``epoch`` feeds the learning-rate schedule; by default it is t, the number of this step
        counted from 1, so a schedule decays once per step.
        """
        if not (hasattr(params, "__len__") and hasattr(grads, "__len__")):
            raise ValueError(f"params and grads must be lists of arrays, got {type(params).__name__} "
                             f"and {type(grads).__name__}")
        if len(params) != len(grads):
            raise ValueError(f"params and grads must pair up: got {len(params)} parameter arrays "
                             f"but {len(grads)} gradients")
        grads = list(grads)
        for i, w in enumerate(params):
            if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
                kind = w.dtype if isinstance(w, np.ndarray) else type(w).__name__
                raise ValueError(f"params[{i}] must be a float array (it is updated in place), "
                                 f"got {kind}")
            grads[i] = _gradient(i, grads[i], w)
        alpha = self.learning_rate(self.t + 1 if epoch is None else epoch)
        if callable(self.lr) and not _usable(alpha):  # NaN, inf or negative: named
            check_range("the learning rate lr(epoch)", alpha, low=0.0)  # 0: a stopped model
        self.t += 1
        self.alpha = alpha
        for i, (w, dw) in enumerate(zip(params, grads, strict=True)):
            st = self.state.setdefault(i, {})
            st["dW"] = dw
            update = self._update(st, dw)
            st["update"] = update
            w += update

    def _update(self, st: dict[str, np.ndarray], dw: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _beta(self, key: str) -> None:
        self.hyper[key] = check_range(key, self.hyper[key], low=0.0, high=1.0, high_open=True)

    def _eps(self) -> None:
        self.hyper["eps"] = check_range("eps", self.hyper["eps"], low=0.0, low_open=True)


def _usable(alpha: Any) -> bool:
    """A schedule's α (a number, or one per model) is finite and not negative: the check of
    every step, so a fast one (``check_range`` then says what is wrong)."""
    if type(alpha) is float:
        return 0.0 <= alpha < math.inf
    a = np.asarray(alpha)
    return a.dtype.kind in "iuf" and bool(np.isfinite(a).all()) and bool((a >= 0).all())


class SGD(Optimizer):
    """W = W - alpha * dW."""

    name = "sgd"
    title = "SGD"
    rule = ("W := W − α·dW",)

    def _update(self, st, dw):
        return -self.alpha * dw


class Momentum(Optimizer):
    """v_dW = beta * v_dW + (1 - beta) * dW;  W = W - alpha * v_dW."""

    name = "momentum"
    title = "Momentum"
    defaults = {"beta": 0.9}
    stages = ("gradient", "first moment", "step")
    state_names = {"dW": "dW", "v": "v_dW", "update": "ΔW = W_new − W"}
    rule = ("v_dW = β·v_dW + (1 − β)·dW", "W := W − α·v_dW")

    def _validate(self):
        self._beta("beta")

    def _update(self, st, dw):
        beta = self.hyper["beta"]
        v = _moment(st, "v", dw, beta)
        v *= beta
        v += (1.0 - beta) * dw
        return -self.alpha * v


class RMSprop(Optimizer):
    """s_dW = beta * s_dW + (1 - beta) * dW^2;  W = W - alpha * dW / (sqrt(s_dW) + eps)."""

    name = "rmsprop"
    title = "RMSprop"
    defaults = {"beta": 0.999, "eps": 1e-8}
    stages = ("gradient", "second moment", "step")
    state_names = {"dW": "dW", "s": "s_dW", "update": "ΔW = W_new − W"}
    rule = ("s_dW = β·s_dW + (1 − β)·dW²", "W := W − α·dW / (√s_dW + ε)")

    def _validate(self):
        self._beta("beta")
        self._eps()

    def _update(self, st, dw):
        beta, eps = self.hyper["beta"], self.hyper["eps"]
        s = _moment(st, "s", dw, beta)
        s *= beta
        s += (1.0 - beta) * np.square(dw)
        return -self.alpha * dw / (np.sqrt(s) + eps)


class Adam(Optimizer):
    """Momentum plus RMSprop, with bias correction.

    v_dW = beta1 * v_dW + (1 - beta1) * dW
    s_dW = beta2 * s_dW + (1 - beta2) * dW^2
    v_corrected = v_dW / (1 - beta1^t),  s_corrected = s_dW / (1 - beta2^t)
    W = W - alpha * v_corrected / (sqrt(s_corrected) + eps)

    On the first step v_corrected = dW and s_corrected = dW^2, so each coordinate moves by about
    alpha whatever the size of its gradient.
    """

    name = "adam"
    title = "Adam"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "bias_correction": True}
    stages = ("gradient", "first moment", "second moment", "bias correction", "step")
    state_names = {"dW": "dW", "v": "v_dW", "s": "s_dW", "v_hat": "v_dW^corrected",
                   "s_hat": "s_dW^corrected", "update": "ΔW = W_new − W"}
    rule = ("v_dW = β1·v_dW + (1 − β1)·dW", "s_dW = β2·s_dW + (1 − β2)·dW²",
            "v_dW^corrected = v_dW / (1 − β1^t),  s_dW^corrected = s_dW / (1 − β2^t)",
            "W := W − α·v_dW^corrected / (√s_dW^corrected + ε)")

    def _validate(self):
        self._beta("beta1")
        self._beta("beta2")
        self._eps()
        self.hyper["bias_correction"] = check_bool("bias_correction", self.hyper["bias_correction"])

    def _update(self, st, dw):
        b1, b2, eps = self.hyper["beta1"], self.hyper["beta2"], self.hyper["eps"]
        v = _moment(st, "v", dw, b1)
        v *= b1
        v += (1.0 - b1) * dw
        s = _moment(st, "s", dw, b2)
        s *= b2
        s += (1.0 - b2) * np.square(dw)
        if self.hyper["bias_correction"]:
            v_hat = v / (1.0 - b1**self.t)
            s_hat = s / (1.0 - b2**self.t)
        else:
            v_hat, s_hat = v, s
        st["v_hat"], st["s_hat"] = v_hat, s_hat
        return -self.alpha * v_hat / (np.sqrt(s_hat) + eps)


def _moment(st: dict[str, np.ndarray], key: str, dw: np.ndarray, beta: Any) -> np.ndarray:
    """The running average ``key`` (v or s), created as zeros on the first step and then
    updated in place: no new array per step, which matters for many small layers."""
    m = st.get(key)
    if m is None:
        shape = np.broadcast_shapes(np.shape(dw), np.shape(beta))
        m = st[key] = np.zeros(shape, dtype=np.result_type(dw, np.float32))
    return m


# What each stage of a narrated update computes; the state keys it reveals are in ``STAGE_KEYS``.
STAGE_NOTES = {
    "gradient": "dW, the slope of J at W; the black arrow points along −dW, downhill.",
    "first moment": "v_dW, an exponentially weighted average of recent dW: momentum keeps the "
                    "direction that persists and cancels what zig-zags.",
    "second moment": "s_dW, an exponentially weighted average of dW²: the size of recent "
                     "gradients, per coordinate.",
    "bias correction": "v and s started at 0, so early averages are too small; dividing by "
                       "1 − β^t corrects that (it matters only for small t).",
    "step": "W moves by ΔW (the white arrow).",
}
STAGE_KEYS = {"gradient": ("dW",), "first moment": ("v",), "second moment": ("s",),
              "bias correction": ("v_hat", "s_hat"), "step": ("update",)}

OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, RMSprop, Adam)
}


def make_optimizer(name: str, lr: LearningRate = 0.01, **hyper: Any) -> Optimizer:
    """Build an optimizer by name: "sgd", "momentum", "rmsprop" or "adam".

    Raises ValueError for an unknown name or a hyperparameter out of its range.
    """
    return OPTIMIZERS[check_choice("optimizer", name, OPTIMIZERS, fold_case=True)](lr, **hyper)


__all__ = ["Optimizer", "SGD", "Momentum", "RMSprop", "Adam", "OPTIMIZERS", "make_optimizer",
           "Schedule", "STAGE_NOTES", "STAGE_KEYS"]
