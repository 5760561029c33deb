"""What the classifier's decision plane shows beyond the class probabilities
(``ClassifierTrainer.proba_grid``): the misclassified points, the logistic-regression comparison
for two classes, the class of the training point under the cursor, and every point with the
model's prediction (the CSV export)."""

from __future__ import annotations

import numpy as np

from ..training import ClassifierTrainer, featurize
from ..validation import check_point

GRID = 200  # decision-region resolution, pixels a side
PROBE_RADIUS = 0.05  # how near the cursor a training point must be to lend the probe its class


def misclassified(trainer: ClassifierTrainer, include_test: bool = True) -> np.ndarray:
    """The points the model gets wrong, (k, 2): the training set's and, if ``include_test``,
    the test set's."""
    X, F, y = trainer.X_train, trainer.F_train, trainer.y_train
    if include_test and len(trainer.data.y_test):
        X = np.concatenate([X, trainer.data.X_test])
        F = np.concatenate([F, trainer.F_test])
        y = np.concatenate([y, trainer.data.y_test])
    if len(y) == 0:
        return np.empty((0, 2))
    return X[trainer.model.predict(F) != y]


def label_under(trainer: ClassifierTrainer, x: float, y: float, default: int,
                radius: float = PROBE_RADIUS) -> int:
    """The class of the training point nearest to (x, y) if it lies within ``radius``, else
    ``default``: the probe's true class."""
    x, y = check_point("the probed point", (x, y))
    if len(trainer.y_train) == 0:
        return int(default)
    d = np.hypot(trainer.X_train[:, 0] - x, trainer.X_train[:, 1] - y)
    i = int(np.argmin(d))
    return int(trainer.y_train[i]) if d[i] < radius else int(default)


def point_rows(trainer: ClassifierTrainer) -> list[tuple[str, float, float, int, int]]:
    """Every point as (set, x1, x2, class, predicted class), training points first."""
    rows: list[tuple[str, float, float, int, int]] = []
    for kind, X, F, y in (("train", trainer.X_train, trainer.F_train, trainer.y_train),
                          ("test", trainer.data.X_test, trainer.F_test, trainer.data.y_test)):
        if len(y):
            pred = trainer.model.predict(F)
            rows += [(kind, float(a), float(b), int(c), int(p))
                     for (a, b), c, p in zip(X, y, pred, strict=True)]
    return rows


def fit_logistic(
    F: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 50
) -> tuple[np.ndarray, float]:
    """Logistic regression p(y=1) = sigmoid(F w + b), fitted by Newton's method (IRLS).

    For C = 2 the page draws this boundary beside softmax regression's: softmax with two logits is
    sigmoid(z1 - z0), so both models have the same family of straight boundaries and the same
    optimum. A small L2 keeps Newton's steps finite on separable data.
    """
    F = np.asarray(F, dtype=float)
    y = np.asarray(y, dtype=float)
    A = np.hstack([F, np.ones((len(F), 1))])
    w = np.zeros(A.shape[1])
    reg = l2 * np.eye(A.shape[1])
    reg[-1, -1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -500, 500)))
        g = A.T @ (p - y) + reg @ w
        H = (A * (p * (1 - p))[:, None]).T @ A + reg + 1e-9 * np.eye(A.shape[1])
        dw = np.linalg.solve(H, g)
        w -= dw
        if np.max(np.abs(dw)) < 1e-10:
            break
    return w[:-1], float(w[-1])


class LogisticComparison:
    """For two classes, a logistic regression fitted to the same points, features and L2 as the
    softmax classifier (``fit_logistic``): its score over the plane's grid, and how much of the
    plane it agrees with softmax regression on. Softmax with two logits is the sigmoid of their
    difference, so both boundaries coincide once softmax regression has converged.

    The fit depends on the training set and L2 only, not on training: it is redone when they
    change (a new training set, a point added or removed, another L2), not every frame.
    """

    def __init__(self, n: int = GRID) -> None:
        self.n = n
        self.xs = self.ys = np.empty(0)
        self.score: np.ndarray | None = None  # (n, n) [iy, ix]; > 0 where it predicts class 1
        self._key: tuple | None = None

    @staticmethod
    def applies(trainer: ClassifierTrainer) -> bool:
        """Only two classes and no hidden layer make softmax regression a logistic one."""
        return trainer.data.n_classes == 2 and not trainer.settings.hidden

    def fit(self, trainer: ClassifierTrainer) -> np.ndarray:
        """The logistic score over the grid, fitted again only if the training set or L2 changed
        (the same array object is returned while they have not)."""
        if len(trainer.y_train) == 0:
            raise ValueError("there are no training points to fit a logistic regression to")
        key = (trainer.F_train, float(trainer.settings.l2))
        if self._key is None or self._key[0] is not key[0] or self._key[1] != key[1]:
            # Softmax's L2 on both classes' weights is logistic's on their difference at half the
            # rate (at the optimum w0 = −w1, so |w0|² + |w1|² = |w1 − w0|² / 2): the same optimum.
            w, b = fit_logistic(trainer.F_train, trainer.y_train, l2=max(key[1] / 2, 1e-6))
            self.xs, self.ys, pts = trainer.data.grid(self.n, dtype=np.float64)
            self.score = (featurize(pts, trainer.settings.features) @ w + b).reshape(self.n, self.n)
            self._key = key
        assert self.score is not None
        return self.score

    def agreement(self, trainer: ClassifierTrainer, proba: np.ndarray) -> float:
        """The share of the grid where logistic and softmax regression (``proba``, (n, n, 2) from
        ``proba_grid(n)``) predict the same class."""
        score = self.fit(trainer)
        return float(np.mean((score > 0) == (proba[..., 1].astype(float) - 0.5 > 0)))


__all__ = ["GRID", "PROBE_RADIUS", "fit_logistic", "misclassified", "label_under", "point_rows",
           "LogisticComparison"]
