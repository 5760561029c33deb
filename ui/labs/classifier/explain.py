"""The classifier lab's text, from engine state: the softmax computation (probe and worked
example), the epoch line, the logistic comparison's note, the network view's notes and the help.
Pure functions, tested without Qt."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.classifier.softmax import parse_z, softmax_steps
from simulator.training import DIVERGED, ClassifierTrainer
from ui.framework.style import ERROR_COLOR, OKABE_ITO

NOTES_Z = "5, 2, -1, 3"  # the notes' worked example
PROBE_PROMPT = "<i>Hover over the plane to probe a point; click to add one.</i>"
NO_HIDDEN_NOTE = "Softmax regression has no hidden layer: add one in Model."
WARP_NOTE = ("As in ConvNetJS: the grid of the input plane, bent by the network. The softmax layer "
             "draws straight boundaries in the space of the last hidden layer.")
HELP_HTML = (
    "<p><b>Classifier.</b> A softmax classifier learns a 2D data set, one mini-batch at a time; "
    "the plane takes the colour of the predicted class, shaded by the model's confidence.</p>"
    "<p>Left-click the plane to add a point of the class in <i>Click adds</i>, right-click to "
    "remove the nearest, hover to probe: the bars show a = ŷ and the text the notes' computation "
    "z, t = e<sup>z</sup>, Σt, a = t/Σt, the loss −log ŷ and dz = ŷ − y.</p>"
    "<p>Changing α, the optimizer, the decay, the regularization or the mini-batch keeps the "
    "weights; changing the data or the network starts over.</p>")


def _fixed(v: float, digits: int) -> str:
    return f"{v:.{digits}f}" if abs(v) < 1e4 else f"{v:.3g}"


def _vec(v: np.ndarray, digits: int = 3) -> str:
    return "[" + ", ".join(_fixed(float(x), digits) for x in v) + "]"


def _t_vec(t: np.ndarray) -> str:
    """t as the notes write it: one decimal, or significant digits for small values."""
    def one(x: float) -> str:
        if not math.isfinite(x):
            return "∞"
        return f"{x:.1f}" if 1 <= abs(x) < 1e4 else f"{x:.3g}"
    return "[" + ", ".join(one(float(x)) for x in t) + "]"


def softmax_html(steps: dict[str, Any], digits: int = 3) -> str:
    """The notes' worked computation from ``softmax_steps`` (or ``ClassifierTrainer.probe``):
    z, t = e^z, Σt, a = t / Σt, the hardmax and, with a true class, the loss and dz."""
    z, t, a = steps["z"], steps["t"], steps["a"]
    overflow = "" if np.all(np.isfinite(t)) else " (overflows: computed as e<sup>z − max z</sup>)"
    sum_t = steps["sum_t"]
    rows = [f"z = {_vec(z, 2)}",
            f"t = e<sup>z</sup> = {_t_vec(t)}{overflow}",
            f"Σ t = {sum_t:.4g}" if math.isfinite(sum_t) else "Σ t = ∞",
            f"a = t / Σ t = <b>{_vec(a, digits)}</b>",
            f"hardmax(z) = [{', '.join(str(int(h)) for h in steps['hardmax'])}]"]
    if "label" in steps:
        k = steps["label"]
        rows.append(f"true class {k}: loss = −log a<sub>{k}</sub> = {steps['loss']:.4f}")
        rows.append(f"dz = ŷ − y = {_vec(steps['dz'], digits)}")
    return "<br>".join(rows)


def probe_html(x: float, y: float, steps: dict[str, Any]) -> str:
    """The probe's text: where, the predicted class and the softmax computation there."""
    return (f"<b>Probe at ({x:.2f}, {y:.2f})</b>: predicted class {steps['predicted']}<br>"
            + softmax_html(steps))


def worked_example_html(text: str) -> tuple[str, bool]:
    """The softmax computation for logits typed as text, and whether the text was valid (if
    not, the HTML says what is wrong)."""
    try:
        z = parse_z(text)
    except ValueError as exc:
        return f"<span style='color:{ERROR_COLOR}'>{_escape(str(exc))}</span>", False
    return softmax_html(softmax_steps(z)), True


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%" if math.isfinite(v) else "—"


def _loss(v: float) -> str:
    return f"{v:.3f}" if math.isfinite(v) else "—"


def epoch_html(trainer: ClassifierTrainer, agreement: float | None = None) -> str:
    """The run's line: epoch, iteration, train loss and accuracy, test accuracy; a divergence
    warning; and, when comparing with logistic regression, how much of the plane they agree on."""
    h = trainer.history
    text = (f"Epoch {trainer.epoch} (iteration {trainer.iteration}): train loss "
            f"{_loss(h.train_loss[-1])}, accuracy {_pct(h.train_acc[-1])}; test accuracy "
            f"{_pct(h.test_acc[-1])}")
    if trainer.status == DIVERGED:
        text = (f"<span style='color:{OKABE_ITO['vermillion']}'><b>Diverged</b></span>: last good "
                f"weights. {text}")
    if agreement is not None:
        text += (f"<br>Logistic regression (dashed) and softmax regression (white line) agree on "
                 f"{100 * agreement:.1f}% of the plane.")
    return text


def warp_labels(layer: int, i: int, j: int) -> tuple[str, str]:
    """The warped grid's axis labels (bottom, left) for 0-based layer and units."""
    return f"a{i + 1} of hidden layer {layer + 1}", f"a{j + 1} of hidden layer {layer + 1}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
