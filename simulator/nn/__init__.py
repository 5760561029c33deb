"""A small neural-network classifier: Dense layers, ReLU/tanh, batch norm, softmax cross-entropy.

Arrays are (examples, features), so a layer is ``z = a @ W + b`` with W of shape (in, out). The
notation is the course's: z (pre-activation), z_norm and z_tilde (batch norm), a (activation),
gamma and beta (batch norm's learnable scale and shift), mu and sigma^2 (mini-batch statistics).

- ``functional``: softmax, softmax_cross_entropy, activations, batch statistics.
- ``layers``: ``Dense`` and ``BatchNorm``, in the notes' formulas.
- ``mlp``: ``MLP``, whose forward and backward read like the notes, layer by layer.
- ``fast``: the speed tricks ``MLP`` uses for training steps and maps (flat theta, fused [W; b]
  products, batch norm folded into the weights, blocks of rows); the same arithmetic.
- ``stack``: ``MLPStack``, N models of one architecture on a leading model axis, trained at once
  with per-model hyperparameters (``per_model``).

Nothing here prints, sleeps or reads the clock; the only randomness is the initialization, from
``numpy.random.default_rng(seed)``.
"""

from .functional import (
    ACTIVATIONS,
    MAX_CLASSES,
    MAX_INPUTS,
    MAX_LAYERS,
    MAX_UNITS,
    HiddenValues,
    batch_statistics,
    per_model,
    relu,
    relu_backward,
    softmax,
    softmax_cross_entropy,
    tanh_backward,
)
from .layers import BatchNorm, Dense
from .mlp import MLP
from .stack import MLPStack

__all__ = [
    "ACTIVATIONS",
    "MAX_CLASSES",
    "MAX_INPUTS",
    "MAX_LAYERS",
    "MAX_UNITS",
    "MLP",
    "MLPStack",
    "BatchNorm",
    "Dense",
    "HiddenValues",
    "batch_statistics",
    "per_model",
    "relu",
    "relu_backward",
    "softmax",
    "softmax_cross_entropy",
    "tanh_backward",
]
