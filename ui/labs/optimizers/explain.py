"""The optimizer lab's texts, written from engine state: the explanation of the selected racer
(the notes' update rule with live values, the state of its last or narrated update), the legend's
notes on stopped racers, the messages, and the basin map's legend. Pure functions, no widgets.

The notation comes from the optimizer classes (``rule``, ``stages``, ``state_names``) and from
``STAGE_NOTES``, rendered by ``notation_html``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from simulator.optimizers import OPTIMIZERS, STAGE_KEYS, STAGE_NOTES
from simulator.racing import CONVERGED, DIVERGED, DIVERGED_LABEL, MOVING_LABEL, STUCK, Racer
from simulator.schedules import SCHEDULES
from simulator.specs import OptimizerSpec
from simulator.surfaces import Surface
from ui.framework.style import HIGHLIGHT_BACKGROUND, LABELS, OPTIMIZER_COLORS, class_color, notation_html, num

NOISY_TRAIL = 300  # the last iterates drawn as dots while mini-batch noise is on
# Basin-map colours besides the minima's (which are the class colours).
BASIN_COLORS = {DIVERGED_LABEL: "#282828", MOVING_LABEL: "#c8c8c8"}
BASIN_TEXT = {DIVERGED_LABEL: "diverged", MOVING_LABEL: "still moving / stuck"}
BASIN_PROMPT = ("Colour every start point by the minimum the explained optimizer reaches from it: "
                "press Compute.")
# The notes decay α once per epoch (a pass over the data); here each step sees the whole surface,
# as one full batch does, so an epoch is one iteration.
EPOCH_NOTE = "Here an epoch is one iteration t: each step sees the whole surface, like a full batch."
# The hyperparameters shown beside the rule, by the symbol the rule uses.
SYMBOLS = {"beta": "β", "beta1": "β1", "beta2": "β2", "eps": "ε"}
_STATUS = {DIVERGED: "diverged", CONVERGED: "converged", STUCK: "stuck: dW ≈ 0, not a minimum"}


def show(v: Any, digits: int = 4) -> str:
    """A number or small vector, short; '—' where a value is not finite (never 'nan')."""
    parts = [num(x, digits) for x in np.atleast_1d(np.asarray(v, dtype=float))]
    return parts[0] if np.ndim(v) == 0 else "[" + ", ".join(parts) + "]"


def status_text(racer: Racer) -> str:
    """How a racer stopped ("converged: global minimum", "stuck: …", "diverged"), or ""."""
    note = _STATUS.get(racer.outcome, "")
    kind = racer.minimum_kind
    return f"{note}: {kind} minimum" if kind else note


def legend_label(racer: Racer) -> str:
    """The racer's name in the loss plot's legend, with how it stopped."""
    note = status_text(racer)
    return racer.label + (f" ({note})" if note else "")


def stop_message(racer: Racer) -> str:
    """What the page says once when a racer stops."""
    label = racer.label
    outcome = racer.outcome
    if outcome == DIVERGED:
        return f"{label} diverged at iteration {racer.iteration + 1}: {racer.reason}"
    if outcome == STUCK:
        return (f"{label} stopped at iteration {racer.iteration}: the gradient vanished away from "
                "every minimum (a saddle point)")
    return f"{label} converged to the {racer.minimum_kind} minimum at iteration {racer.iteration}"


def iteration_text(iteration: int, running: bool) -> str:
    return f"Iteration {iteration}" + ("" if running else " (all stopped)")


def noise_text(noise: float) -> str:
    kind = ("batch gradient descent" if noise == 0 else "mini-batch" if noise < 0.6
            else "stochastic (batch of 1)")
    trail = f"; dots: the last {NOISY_TRAIL} positions, faint: the path" if noise > 0 else ""
    return f"σ = {noise:.2f} × typical |dW|: {kind}{trail}"


def rule_html(name: str, hyper: dict[str, Any]) -> str:
    """The optimizer's update rule in the notes' notation, each hyperparameter's value beside
    the first line that uses it."""
    lines, shown = [], set()
    for line in OPTIMIZERS[name].rule:
        if not hyper.get("bias_correction", True) and line.split(" = ")[0].endswith("^corrected"):
            lines.append("(bias correction off: corrected = raw)")
            continue
        values = []
        for key, sym in SYMBOLS.items():
            if key in hyper and key not in shown and re.search(sym + r"(?!\d)", line):
                values.append(f"{sym} = {show(hyper[key])}")
                shown.add(key)
        lines.append(notation_html(line) + (f" &nbsp; ({', '.join(values)})" if values else ""))
    return "<br>".join(lines)


def _stage_box(n: dict[str, Any]) -> str:
    idx, stages = n["index"], n["stages"]
    stage = stages[idx]
    then = ("Done: press Step for the next update." if n["done"]
            else "Press Step (Right arrow) for the next stage.")
    return (f"<div style='background:{HIGHLIGHT_BACKGROUND}'><b>Stage {idx + 1} of {len(stages)}: "
            f"{stage}.</b> {notation_html(STAGE_NOTES[stage])}<br><i>{then}</i></div>")


def values_table(name: str, values: dict[str, Any], narration: dict[str, Any] | None) -> str:
    """The state of one update by the notes' names, in the order of its stages; narrated, the
    stages not reached yet show '…' and the current one is highlighted."""
    cls = OPTIMIZERS[name]
    at = narration["index"] if narration is not None else len(cls.stages)
    rows = ["<table cellspacing=2>"]
    for i, stage in enumerate(cls.stages):
        for key in STAGE_KEYS[stage]:
            if key not in cls.state_names:
                continue
            val = show(values[key]) if i <= at and key in values else "…"
            style = f" style='background:{HIGHLIGHT_BACKGROUND}'" if narration is not None and i == at else ""
            rows.append(f"<tr{style}><td>{notation_html(cls.state_names[key])}</td><td>= {val}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def explanation_html(racer: Racer | None, spec: OptimizerSpec,
                     narration: dict[str, Any] | None = None, playing: bool = False) -> str:
    """The explanation panel: the racer's state (a racer still moving is "running" only while the
    lab plays, else "paused"), its last (or narrated) update and its rule."""
    if racer is None:
        return "<i>Enable an optimizer to see its update rule.</i>"
    name, opt = racer.optimizer.name, racer.optimizer
    w = racer.path[-1]  # a diverged racer's last finite position
    outcome = racer.outcome
    status = (f"<b>diverged</b>: {racer.reason}" if outcome == DIVERGED
              else f"<b>{status_text(racer)}</b>" if outcome in _STATUS
              else "running" if playing else "paused")
    rows = [f"<h3 style='color:{OPTIMIZER_COLORS[name]}; margin:0'>{racer.label}</h3>",
            f"t = {opt.t} &nbsp; J = {show(racer.loss)} &nbsp; W = {show(w)} &nbsp; {status}"]
    if opt.alpha is not None:
        epoch = f", epoch = iteration t = {opt.t}" if spec.schedule != "constant" else ""
        rows.append(f"α<sub>t</sub> = {show(opt.alpha)} &nbsp; "
                    f"({SCHEDULES[spec.schedule].formula}{epoch}, α0 = {show(spec.lr)})")
    if narration is not None:
        rows.append(_stage_box(narration))
    values = narration["values"] if narration is not None else opt.state.get(0, {})
    if values:
        rows.append("<b>" + (f"Narrated step t = {narration['t']}" if narration is not None
                             else "Last step") + "</b>")
        rows.append(values_table(name, values, narration))
    rows.append("<b>Update rule</b> (the notes' notation):")
    rows.append(rule_html(name, opt.hyper))
    return "<br>".join(rows)


def critical_summary(shares: dict[str, np.ndarray]) -> str:
    """What the critical-points plot measured, in words: the share of minima for n = 1 to 3 and
    the first dimension where none of the samples was a minimum."""
    share, count, dims = shares["share"], shares["count"], shares["dims"]
    firsts = ", ".join(f"n = {d}: {100 * v:.3g}%" for d, v in zip(dims[:3], share[:3], strict=True))
    none = dims[count == 0]
    tail = f"; from n = {none[0]} on, none of them" if none.size else ""
    return (f"Minima among {shares['samples'][0]} random critical points per dimension: {firsts}{tail}. "
            "All the others are saddle points (or maxima).")


def basin_title(optimizer: str) -> str:
    return f"Where {LABELS[optimizer]} ends from each start"


def basin_legend_html(optimizer: str, surface: Surface, shares: dict[int, float]) -> str:
    """Each minimum's colour and share of the starts, then the diverged and still-moving ones."""
    parts = [f"<span style='color:{class_color(i)}'>■</span> minimum ({mx:.2f}, {my:.2f}): "
             f"{100 * shares[i]:.1f}%" for i, (mx, my) in enumerate(surface.minima)]
    parts += [f"<span style='color:{BASIN_COLORS[k]}'>■</span> {BASIN_TEXT[k]}: {100 * shares[k]:.1f}%"
              for k in (DIVERGED_LABEL, MOVING_LABEL)]
    return f"<b>{LABELS[optimizer]}</b> on {surface.title}: " + " &nbsp; ".join(parts)
