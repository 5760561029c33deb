"""The classifier lab's text, from engine state: the softmax computation (probe and worked
example), the epoch line, the logistic comparison's note, the network view's notes and the help.
Pure functions, tested without Qt."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from simulator.classifier.softmax import parse_z, probability_steps, softmax_steps
from simulator.training import DIVERGED, ClassifierTrainer
from ui.framework.style import ERROR_COLOR, OKABE_ITO

NOTES_Z = "5, 2, -1, 3"  # the notes' worked example
NOTES_YHAT = "0.3, 0.2, 0.1, 0.4"  # the notes' loss example, with y = [0, 1, 0, 0]
NOTES_LABEL = 1  # that y's true class, from 0 (class 2 as the notes number them)
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


def _t_num(x: float, log: float) -> str:
    """One t = e^z or Σ t (``log`` its natural log): four significant digits (148.4, 7.389,
    0.3679), and where e^z overflows a float, a power of ten from its log (e^1000 = 1.97×10^434)."""
    if math.isfinite(x):
        return f"{x:.4g}"
    k = log / math.log(10.0)
    power = math.floor(k)
    return f"{10 ** (k - power):.3g}×10<sup>{power:,}</sup>"


def _t_vec(t: np.ndarray, z: np.ndarray) -> str:
    """t to the same four significant digits as Σ t beside it."""
    return "[" + ", ".join(_t_num(float(x), float(v)) for x, v in zip(t, z, strict=True)) + "]"


def softmax_html(steps: dict[str, Any], digits: int = 3, base: int = 0) -> str:
    """The notes' worked computation from ``softmax_steps`` (or ``ClassifierTrainer.probe``):
    z, t = e^z, Σt, a = t / Σt, the hardmax, for C = 2 the sigmoid it equals, and, with a true
    class, the loss and dz. Classes are numbered from ``base`` (1 as in the notes, or 0)."""
    z, t, a = steps["z"], steps["t"], steps["a"]
    overflow = "" if np.all(np.isfinite(t)) else " (overflows: computed as e<sup>z − max z</sup>)"
    sum_t = steps["sum_t"]
    rows = [f"z = {_vec(z, 2)}",
            f"t = e<sup>z</sup> = {_t_vec(t, z)}{overflow}",
            f"Σ t = {_t_num(sum_t, steps['log_sum_t'])}",
            f"a = t / Σ t = <b>{_vec(a, digits)}</b>",
            f"hardmax(z) = [{', '.join(str(int(h)) for h in steps['hardmax'])}]"]
    if "sigmoid" in steps:
        i0, i1 = base, base + 1
        rows.append(f"C = 2 is logistic regression: σ(z<sub>{i1}</sub> − z<sub>{i0}</sub>) = "
                    f"σ({_fixed(z[1] - z[0], 2)}) = <b>{_fixed(steps['sigmoid'], digits)}</b> "
                    f"= a<sub>{i1}</sub>")
    return "<br>".join(rows + _loss_rows(steps, digits, base))


def _loss_rows(steps: dict[str, Any], digits: int, base: int) -> list[str]:
    """y, L = −log ŷ of the true class and dz = ŷ − y, when the steps have a true class."""
    if "label" not in steps:
        return []
    k = steps["label"] + base
    y = "[" + ", ".join(str(int(v)) for v in steps["y"]) + "]"
    p = float(steps["a"][steps["label"]])
    return [f"true class {k}: y = {y}",
            f"L = −log ŷ<sub>{k}</sub> = −log {_fixed(p, digits)} = <b>{steps['loss']:.3f}</b>",
            f"dz = ŷ − y = {_vec(steps['dz'], digits)}"]


def probability_html(steps: dict[str, Any], digits: int = 3, base: int = 1) -> str:
    """The loss and dz for probabilities ŷ typed directly (``probability_steps``)."""
    pred = steps["predicted"] + base
    return "<br>".join([f"ŷ = {_vec(steps['a'], digits)} (largest: class {pred})",
                        *_loss_rows(steps, digits, base)])


def probe_html(x: float, y: float, steps: dict[str, Any]) -> str:
    """The probe's text: where, the predicted class and the softmax computation there."""
    return (f"<b>Probe at ({x:.2f}, {y:.2f})</b>: predicted class {steps['predicted']}<br>"
            + softmax_html(steps))


def worked_example_html(text: str, typed: str = "z", label: int | None = None,
                        base: int = 1) -> tuple[str, bool]:
    """The worked example for numbers typed as text: logits z (``typed`` "z", the softmax
    computation) or probabilities ŷ ("yhat", the loss alone), with the true class ``label``
    (from 0; None for none) shown numbered from ``base``. Returns the HTML and whether the text
    was valid (if not, the HTML says what is wrong)."""
    try:
        if typed == "yhat":
            a = parse_z(text, "ŷ", NOTES_YHAT)
            return probability_html(probability_steps(a, _label(label, len(a), base)),
                                    base=base), True
        z = parse_z(text)
        label = None if label is None else _label(label, len(z), base)
        return softmax_html(softmax_steps(z, label), base=base), True
    except ValueError as exc:
        return f"<span style='color:{ERROR_COLOR}'>{_escape(str(exc))}</span>", False


def _label(label: int | None, classes: int, base: int) -> int:
    """The true class (from 0) if the typed vector has it, else ValueError in the user's
    numbering."""
    if label is None or not 0 <= label < classes:
        shown = "none" if label is None else label + base
        raise ValueError(f"the true class must be in [{base}, {classes - 1 + base}] for "
                         f"{classes} classes, got {shown}")
    return int(label)


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%" if math.isfinite(v) else "—"


def _loss(v: float) -> str:
    return f"{v:.3f}" if math.isfinite(v) else "—"


def epoch_html(trainer: ClassifierTrainer, agreement: float | None = None) -> str:
    """The run's line: epoch, iteration, train loss and accuracy, test accuracy; a divergence
    warning; and, when comparing with logistic regression, how much of the plane they agree on."""
    h = trainer.history
    text = (f"Epoch {trainer.epoch} done (iteration {trainer.iteration}): train loss "
            f"{_loss(h.train_loss[-1])}, accuracy {_pct(h.train_acc[-1])}; test accuracy "
            f"{_pct(h.test_acc[-1])}")
    text += "<br>" + alpha_html(trainer) + "; " + noise_html(trainer)
    if trainer.status == DIVERGED:
        text = (f"<span style='color:{OKABE_ITO['vermillion']}'><b>Diverged</b></span>: last good "
                f"weights. {text}")
    if agreement is not None:
        text += (f"<br>Logistic regression (black dashes) and softmax regression (purple band) "
                 f"agree on {100 * agreement:.1f}% of the plane.")
    return text


def alpha_html(trainer: ClassifierTrainer) -> str:
    """α_t, the learning rate of the next mini-batch, and where it comes from."""
    c = trainer.settings
    if c.schedule == "constant":
        return f"α<sub>t</sub> = α = {_num(trainer.alpha)}"
    return (f"epoch {trainer.epoch + 1} next, at α<sub>t</sub> = {_num(trainer.alpha)} "
            f"(decayed, epoch_num = {trainer.epoch + 1})")


def noise_html(trainer: ClassifierTrainer) -> str:
    """How noisy the per-mini-batch cost is (``CostTrace.noise``), with the mini-batch size."""
    m = min(trainer.settings.batch_size, max(1, len(trainer.y_train)))
    kind = ("batch descent" if m >= len(trainer.y_train) else
            "stochastic descent" if m == 1 else f"mini-batches of {m}")
    return f"{kind}: noise of J per iteration (std of ΔJ) {_loss(trainer.costs.noise())}"


def _num(v: float) -> str:
    return f"{v:.4g}" if math.isfinite(v) else "—"


def warp_labels(layer: int, i: int, j: int) -> tuple[str, str]:
    """The warped grid's axis labels (bottom, left) for 0-based layer and units."""
    return f"a{i + 1} of hidden layer {layer + 1}", f"a{j + 1} of hidden layer {layer + 1}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
