"""N networks of one architecture trained at once: every array gets a leading model axis.

``MLPStack`` is N copies of ``MLP`` (no batch norm) laid side by side, as PyTorch's model ensembling
and JAX's ``vmap`` do: W is (N, in, out), b is (N, out), and a layer is one batched product
``np.matmul`` over the N models instead of a Python loop over them. All parameters are views into
one array ``theta`` of shape (N, P), one row per model, laid out like ``MLP.theta``; the gradients
are views into ``dtheta``, laid out the same way. So one optimizer call trains every model, each
with its own hyperparameters::

    stack = MLPStack([2, 16, 16, 3], 256, activation="tanh", seeds=range(256))
    opt = Adam(per_model(alphas, 256), beta1=per_model(beta1s, 256))  # (N, 1) arrays
    losses, _ = stack.loss_and_grads(X_batch, y_batch)                 # losses: (N,)
    opt.step([stack.theta], [stack.dtheta])

The optimizer's state (``opt.state[0]["v"]``, ...) is then (N, P) too, one row per model.

Speed (benchmarks/bench_stack.py): the training pass runs transposed, examples last, so that every
array an elementwise pass touches is contiguous: each hidden layer's a^T is (N, units, m), z^T =
W^T a^T + b is one batched product and one addition, and g(z) is computed in place. The first
layer reads [X, 1]^T, whose last row is 1, so its b rides in the product ([W1; b1] is a view of
theta, the fused product of fast.py). db is a product with a vector of ones, the logits are kept
classes outermost (C, N, m) so that softmax's reductions are whole-array passes, and every buffer
stays from one step to the next: a step allocates no array per layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..validation import check_array, check_int, check_range
from .functional import check_dtype, check_sizes, get_activation, per_model
from .mlp import MLP

MAX_NUMBERS = 20_000_000  # parameters in one stack (160 MB in float64, with as much for gradients)


class MLPStack:
    """N fully connected classifiers of one architecture, trained at once (no batch norm).

    - ``sizes``, ``activation``: as for ``MLP``; ``n_models`` >= 1.
    - ``seeds``: one per model (default 0, 1, ..., N - 1). Model k starts exactly as
      ``MLP(sizes, activation, seed=seeds[k])``, to the bit.
    - ``dtype``: float64 (default, as MLP) or float32.
    - ``l2``: a number or one per model; adds (l2 / 2m) sum W^2 to each model's loss.

    ``params`` lists W1, b1, W2, b2, ... in ``MLP.params``' order, with the model axis first: W is
    (N, in, out), b is (N, out). They are views into ``theta`` (N, P), and ``grads`` are views into
    ``dtheta`` (N, P): train with ``opt.step([stack.theta], [stack.dtheta])`` and hyperparameters
    of shape (N, 1) (see ``per_model``); ``opt.step(stack.params, grads)`` works too when the
    hyperparameters are shared.

    Data is shared by all models, X (m, in) and y (m,), or one set per model, X (N, m, in) and
    y (N, m). ``loss_and_grads`` is a training step's pass; ``predict_proba``, ``predict``,
    ``loss``, ``accuracy`` and ``loss_and_accuracy`` (both from one pass) are test mode and change
    nothing; each returns one value or row per model. ``state``, ``set_state``,
    ``copy_model`` and ``model`` move weights between members (population-based training) or out
    to a plain ``MLP``.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        n_models: int,
        activation: str = "relu",
        seeds: Sequence[int] | np.ndarray | None = None,
        dtype: Any = np.float64,
        l2: float | Sequence[float] = 0.0,
    ) -> None:
        self.sizes = check_sizes(sizes)
        self.n_models = n = check_int("n_models", n_models, 1, None)
        size = n * sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))
        if size > MAX_NUMBERS:
            raise ValueError(f"n_models = {n:,} of {self.sizes} would hold {size:,} parameters; "
                             f"a stack holds at most {MAX_NUMBERS:,}")
        self._g = get_activation(activation)[0]
        self._g_backward = _BACKWARD[activation]
        self.activation, self.dtype = activation, check_dtype(dtype)
        self.seeds = _check_seeds(seeds, n)
        self.l2 = check_range("l2", per_model(l2, n, "l2")[:, 0], low=0.0)
        self._lay_out()
        self._buffers: dict[tuple[int, bool], _Buffers] = {}  # by (m, one set of X per model)
        self.initialize()

    # -- layout ---------------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        """theta, dtheta, params, grads and the fused [W; b] views (N, in + 1, out) of both."""
        names, slots, offset = [], [], 0
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            names += [f"W{i}", f"b{i}"]
            slots += [(offset, offset + n_in * n_out, (n_in, n_out))]
            offset += n_in * n_out
            slots += [(offset, offset + n_out, (n_out,))]
            offset += n_out
        self.param_names, self._slots = names, slots
        self.theta = np.zeros((self.n_models, offset), dtype=self.dtype)
        self.dtheta = np.zeros_like(self.theta)
        self.params, self.grads = self.split(self.theta), self.split(self.dtheta)
        self.weights, self.biases = self.params[0::2], self.params[1::2]
        self._fused1, self._dfused1 = self._fused_view(self.theta), self._fused_view(self.dtheta)

    def _fused_view(self, array: np.ndarray) -> np.ndarray:
        """[W1; b1], the first layer's W and b as one (N, in + 1, out) view of ``array``."""
        n_in, n_out = self.sizes[:2]
        view = array[:, : (n_in + 1) * n_out].reshape(-1, n_in + 1, n_out)
        assert np.shares_memory(view, array)
        return view

    def split(self, array: np.ndarray) -> list[np.ndarray]:
        """Views of an (N, P) array laid out like ``theta``, one per parameter (shapes as ``params``),
        e.g. ``stack.split(opt.state[0]["v"])`` for v_dW of every layer."""
        return [array[:, a:b].reshape(-1, *shape) for a, b, shape in self._slots]

    @property
    def n_params(self) -> int:
        """P, the parameters of one model."""
        return self.theta.shape[1]

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    # -- set-up and moving weights --------------------------------------------------------------------

    def initialize(self, seeds: Sequence[int] | None = None) -> None:
        """Fresh weights, model k as ``MLP(sizes, activation, seed=seeds[k])`` (default: the
        stack's seeds, which ``seeds`` replaces); zero biases."""
        if seeds is not None:
            self.seeds = _check_seeds(seeds, self.n_models)
        self.theta[:] = 0.0
        last = len(self.weights) - 1
        for k, seed in enumerate(self.seeds):
            rng = np.random.default_rng(seed)
            for i, W in enumerate(self.weights):
                gain = 2.0 if i < last and self.activation == "relu" else 1.0
                W[k] = rng.standard_normal(W.shape[1:]) * np.sqrt(gain / W.shape[1])

    def state(self, k: int) -> dict[str, np.ndarray]:
        """Model k's parameters by name (copies), as ``MLP.state_dict()`` gives them."""
        k = self._index(k)
        return {name: p[k].copy() for name, p in zip(self.param_names, self.params, strict=True)}

    def set_state(self, k: int, state: dict[str, Any]) -> None:
        """Load parameters by name (from ``state`` or ``MLP.state_dict()``) into model k."""
        k = self._index(k)
        for name, p in zip(self.param_names, self.params, strict=True):
            if name not in state:
                raise ValueError(f"state has no {name!r}")
            value = np.asarray(state[name])
            if value.shape != p.shape[1:]:
                raise ValueError(f"{name} must have shape {p.shape[1:]}, got {value.shape}")
            p[k] = value

    def copy_model(self, src: Any, dst: Any) -> None:
        """Copy the weights of model(s) ``src`` into model(s) ``dst`` (ints or equal-length index
        arrays): the exploit step of population-based training. Optimizer state rows (N, P) can be
        copied the same way, ``v[dst] = v[src]``."""
        src, dst = self._index(src), self._index(dst)
        if np.shape(src) != np.shape(dst):
            raise ValueError(f"src and dst must have the same length, got {np.size(src)} and {np.size(dst)}")
        self.theta[dst] = self.theta[src]

    def model(self, k: int) -> MLP:
        """Model k as an independent ``MLP`` (its seed, weights and l2)."""
        k = self._index(k)
        mlp = MLP(self.sizes, self.activation, seed=self.seeds[k], l2=float(self.l2[k]), dtype=self.dtype)
        mlp.theta[:] = self.theta[k]
        return mlp

    def _index(self, k: Any) -> Any:
        """k (an int or ints) checked to lie in [0, N - 1]."""
        arr = np.asarray(k)
        if arr.dtype.kind not in "iu" or arr.ndim > 1 or np.any((arr < 0) | (arr >= self.n_models)):
            raise ValueError(f"model index must be in [0, {self.n_models - 1}], got {k!r}")
        return int(arr) if arr.ndim == 0 else arr

    # -- training -------------------------------------------------------------------------------------

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """One training pass on a mini-batch for every model: J = mean cross-entropy (+ L2) per
        model, shape (N,), and dJ/dparams in ``params`` order (shapes as ``params``).

        X is (m, in) shared or (N, m, in) per model, y (m,) or (N, m) integer labels. The
        gradients are views into ``dtheta``, which the next call overwrites (copy them to keep).
        """
        X, y = self._check_data(X, y, self.dtype)
        buffers = self._forward(X)
        losses, dz = _cross_entropy(buffers.logits, y)
        self._backward(buffers, _classes_second(dz))
        m = X.shape[-2]
        if np.any(self.l2):
            coef = (self.l2 / m).astype(self.dtype)[:, None, None]
            for W, dW in zip(self.weights, self.grads[0::2], strict=True):
                dW += coef * W
            losses += self.penalty(m)
        return losses, self.grads

    def penalty(self, m: int) -> np.ndarray:
        """(l2 / 2m) sum W^2 per model, shape (N,)."""
        total = sum(np.square(W).sum(axis=(1, 2)) for W in self.weights)
        return self.l2 / (2 * m) * total

    def _forward(self, X: np.ndarray) -> _Buffers:
        """The training pass forward, transposed (examples last): z^T = W^T a^T + b per layer, g(z)
        in place. Fills the buffers: every hidden layer's a^T (N, units, m) and the logits,
        (C, N, m) (see ``_cross_entropy``). The first layer reads [X, 1]^T, so its b rides in the
        product ([W1; b1] is a view of theta)."""
        key = (X.shape[-2], X.ndim == 3)
        buffers = self._buffers.get(key)
        if buffers is None:
            if len(self._buffers) >= 6:  # e.g. the last, shorter mini-batch and test-mode blocks
                self._buffers.pop(next(iter(self._buffers)))
            buffers = self._buffers[key] = _Buffers(self.sizes, self.n_models, *key, self.dtype)
        buffers.x[..., :-1, :] = _t(X)
        outs = [*buffers.acts, _classes_second(buffers.logits)]
        np.matmul(_t(self._fused1), buffers.x, out=outs[0])
        for i in range(1, len(outs)):
            self._g(outs[i - 1], out=outs[i - 1])
            np.matmul(_t(self.weights[i]), outs[i - 1], out=outs[i])
            outs[i] += self.biases[i][:, :, None]
        return buffers

    def _backward(self, buffers: _Buffers, dz: np.ndarray) -> None:
        """dW = a^T dz, db = sum of dz over the examples (a product with a vector of ones) and
        da^T = W dz^T, layer by layer into ``dtheta``, from dJ/dlogits transposed (N, C, m).
        dz = da * g'(z) is computed in place: each a is overwritten by g'(z) once dW is done."""
        acts = buffers.acts
        for i in range(len(acts), 0, -1):
            np.matmul(acts[i - 1], _t(dz), out=self.grads[2 * i])
            np.matmul(dz, buffers.ones, out=self.grads[2 * i + 1])
            da = np.matmul(self.weights[i], dz, out=buffers.da[i - 1])
            self._g_backward(da, acts[i - 1])
            dz = da
        np.matmul(buffers.x, _t(dz), out=self._dfused1)  # [dW1; db1] = [X, 1]^T dz

    # -- test mode ------------------------------------------------------------------------------------

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (N, m, C) for X (m, in) or (N, m, in); changes nothing."""
        t = self._test_logits(self._check_x(X, self.dtype))
        t -= np.maximum.reduce(t, axis=0)
        np.exp(t, out=t)
        t /= np.add.reduce(t, axis=0)
        return np.ascontiguousarray(np.moveaxis(t, 0, -1))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of each example, (N, m)."""
        return self._test_logits(self._check_x(X, self.dtype)).argmax(axis=0)

    def loss(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """J per model (N,) in test mode: mean cross-entropy + L2 penalty; changes nothing."""
        return self.loss_and_accuracy(X, y)[0]

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The fraction of examples each model classifies right, (N,)."""
        X, y = self._check_data(X, y, self.dtype)
        return np.mean(self._test_logits(X).argmax(axis=0) == y, axis=-1)

    def loss_and_accuracy(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``loss`` and ``accuracy`` from one test-mode pass: half the time of calling both."""
        X, y = self._check_data(X, y, self.dtype)
        logits = self._test_logits(X)
        accuracies = np.mean(logits.argmax(axis=0) == y, axis=-1)
        losses = _cross_entropy(logits, y)[0]
        return (losses + self.penalty(X.shape[-2]) if np.any(self.l2) else losses), accuracies

    def _test_logits(self, X: np.ndarray) -> np.ndarray:
        """Logits (C, N, m), classes outermost, by the training pass's forward a block of rows at a
        time: small blocks stay in the cache and reuse the same buffers."""
        n, m = self.n_models, X.shape[-2]
        out = np.empty((self.n_classes, n, m), dtype=self.dtype)
        step = max(16, 2**17 // (n * max(self.sizes)))
        for start in range(0, m, step):
            rows = slice(start, start + step)
            out[..., rows] = self._forward(X[..., rows, :]).logits
        return out

    # -- checks ---------------------------------------------------------------------------------------

    def _check_x(self, X: Any, dtype: np.dtype) -> np.ndarray:
        X = np.asarray(X, dtype=dtype)
        n, n_in = self.n_models, self.sizes[0]
        if not ((X.ndim == 2 and X.shape[1] == n_in) or (X.ndim == 3 and X.shape[::2] == (n, n_in))):
            raise ValueError(
                f"X must have shape (examples, {n_in}) or ({n}, examples, {n_in}), got shape {X.shape}"
            )
        if X.shape[-2] == 0:
            raise ValueError("X must hold at least 1 example, got 0")
        if not np.isfinite(X).all():
            raise ValueError("X must hold finite numbers, got NaN or infinity")
        return X

    def _check_data(self, X: Any, y: Any, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        """X as (m, in) or (N, m, in); y as integer labels (m,) or (N, m) in [0, C - 1]."""
        X = self._check_x(X, dtype)
        y = check_array("labels y", y, dtype=None)
        m, n = X.shape[-2], self.n_models
        if y.shape not in ((m,), (n, m)):
            raise ValueError(f"labels must have shape ({m},) or ({n}, {m}), got shape {y.shape}")
        if y.dtype.kind not in "iu":
            raise ValueError(f"labels must be integers, got dtype {y.dtype}")
        if y.min() < 0 or y.max() >= self.n_classes:
            raise ValueError(
                f"labels must be in [0, {self.n_classes - 1}], got values in [{y.min()}, {y.max()}]"
            )
        return X, y

    def __repr__(self) -> str:
        return f"MLPStack({self.sizes}, n_models={self.n_models}, activation={self.activation!r})"


def _t(a: np.ndarray) -> np.ndarray:
    """The transpose of every matrix in a stack (a view)."""
    return np.swapaxes(a, -1, -2)


def _classes_second(a: np.ndarray) -> np.ndarray:
    """(C, N, m) as (N, C, m) or back (a view)."""
    return np.swapaxes(a, 0, 1)


class _Buffers:
    """The arrays of a training pass for m examples, kept from one step to the next: [X, 1]^T,
    (N, in + 1, m) with a last row of ones ((in + 1, m) for X shared by the models), each hidden
    layer's a^T (N, units, m), the logits (C, N, m), two arrays for da^T that the layers take in
    turns, and m ones."""

    def __init__(self, sizes: list[int], n: int, m: int, per_model_x: bool, dtype: np.dtype) -> None:
        self.x = np.ones((n, sizes[0] + 1, m) if per_model_x else (sizes[0] + 1, m), dtype)
        self.acts = [np.empty((n, k, m), dtype) for k in sizes[1:-1]]
        self.logits = np.empty((sizes[-1], n, m), dtype)  # classes outermost
        flat = [np.empty(n * max(sizes[1:-1], default=0) * m, dtype) for _ in range(2)]
        # Hidden layer j's da^T (N, units, m) in flat[j % 2]: layers next to each other differ.
        self.da = [flat[j % 2][: n * k * m].reshape(n, k, m) for j, k in enumerate(sizes[1:-1])]
        self.ones = np.ones(m, dtype)


def _tanh_backward(da: np.ndarray, a: np.ndarray) -> None:
    """dz = da * (1 - a^2) into da, with a overwritten by 1 - a^2 (no new arrays: see fast.py)."""
    np.multiply(a, a, out=a)
    np.subtract(1.0, a, out=a)
    da *= a


def _relu_backward(da: np.ndarray, a: np.ndarray) -> None:
    """dz = da * (a > 0) into da, with a overwritten by the 0/1 mask."""
    np.greater(a, 0.0, out=a)
    da *= a


_BACKWARD = {"relu": _relu_backward, "tanh": _tanh_backward}


def _cross_entropy(zc: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean cross-entropy per model (N,) of logits with the classes outermost, zc (C, N, m), which
    it overwrites with dJ/dz = (y_hat - y) / m in the same layout, and returns.

    Classes outermost, a reduction over them is a pass over whole (N, m) arrays (fast), and the
    labels enter as a one-hot mask: a product with it picks z[y], subtracting it gives y_hat - y."""
    c, m = zc.shape[0], zc.shape[-1]
    one_hot = np.equal(y, np.arange(c)[:, None, None]).astype(zc.dtype)  # (C, 1 or N, m)
    zc -= np.maximum.reduce(zc, axis=0)  # exp cannot overflow
    picked = np.add.reduce(np.add.reduce(np.multiply(zc, one_hot), axis=0), axis=1)  # sum of z[y]
    np.exp(zc, out=zc)
    s = np.add.reduce(zc, axis=0)
    losses = (np.add.reduce(np.log(s), axis=1) - picked) / m  # mean -log y_hat[y]
    s *= m
    zc /= s
    one_hot /= m
    zc -= one_hot
    return losses, zc


def _check_seeds(seeds: Any, n: int) -> list[int]:
    """One non-negative integer seed per model; default 0, 1, ..., n - 1."""
    if seeds is None:
        return list(range(n))
    try:
        seeds = list(seeds)
    except TypeError:
        raise ValueError(f"seeds must be a list of integers, got {seeds!r}") from None
    if len(seeds) != n:
        raise ValueError(f"seeds must hold one seed per model ({n}), got {len(seeds)}")
    return [check_int("seed", s, 0, 2**31 - 1) for s in seeds]  # MLP's range
