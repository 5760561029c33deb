"""The batch-norm lab's text, as pure functions of the engine's numbers (tested without Qt).

The notes' β is batch norm's learnable shift; the EWA's weight is called the EWA momentum and
written ρ here, never β (and not m, which is the mini-batch size).
"""

from __future__ import annotations

from typing import Any

from simulator.batchnorm import MODES
from ui.framework.style import num

MODE_LABELS = {"ewa": "EWA estimates", "single": "own batch of one", "population": "population",
               "batch": "own test batch"}
RHO = "ρ"  # the EWA momentum in formulas


def momentum_label(momentum: float) -> str:
    """'EWA momentum ρ = 0.900 (≈ 10 batches)': the EWA averages about 1 / (1 − ρ) batches."""
    return f"EWA momentum {RHO} = {momentum:.3f} (≈ {1 / (1 - momentum):.0f} batches)"


def corrected_label() -> str:
    return f"Bias-corrected EWA: v / (1 − {RHO}ᵗ)"


def iteration_text(iteration: int, epoch: int, batch_size: int) -> str:
    return f"Iteration {iteration}, epoch {epoch}   (m = {batch_size})"


def _plus(v: float) -> str:
    """'+ 0.08' or '− 0.08', for a term added in a formula."""
    v = float(v)
    return f"− {num(-v)}" if v < 0 else f"+ {num(v)}"


def _training(v: dict[str, Any], sub: str) -> str:
    return (
        "<p><b>Training</b>, on each mini-batch of m examples:</p>"
        f"<p>μ{sub} = (1/m) Σ<sub>i</sub> z<sup>(i)</sup> = <b>{num(v['mu'])}</b><br>"
        f"σ²{sub} = (1/m) Σ<sub>i</sub> (z<sup>(i)</sup> − μ)² = <b>{num(v['var'])}</b>"
        f"&nbsp; (m = {v['m']})<br>"
        f"z<sub>norm</sub> = (z − μ) / √(σ² + ε): first example z = {num(v['z'])} → "
        f"<b>{num(v['z_norm'])}</b><br>"
        f"z̃ = γ z<sub>norm</sub> + β = {num(v['gamma'])} × {num(v['z_norm'])} "
        f"{_plus(v['beta'])} = <b>{num(v['z_tilde'])}</b></p>"
        "<p>γ and β are learned like weights: they set the mean and variance z̃ ends up "
        "with. With m = 1, σ² = 0, so z<sub>norm</sub> = 0 and z̃ = β.</p>"
    )


def _test_time(v: dict[str, Any]) -> str:
    used = "bias-corrected" if v["corrected"] else "zero-started (uncorrected)"
    return (
        "<p><b>Test time</b> has no mini-batch, so it uses exponentially weighted averages "
        f"(EWA momentum {RHO} = {v['momentum']:.3f}, t = {v['t']} batches):</p>"
        f"<p>v<sub>μ</sub> := {RHO} v<sub>μ</sub> + (1 − {RHO}) μ = <b>{num(v['ewa_mu'])}</b><br>"
        f"v<sub>σ²</sub> := {RHO} v<sub>σ²</sub> + (1 − {RHO}) σ² = "
        f"<b>{num(v['ewa_var'])}</b><br>"
        f"bias-corrected v / (1 − {RHO}<sup>t</sup>), 1 − {RHO}<sup>t</sup> = "
        f"{num(1 - v['decay'])}: <b>{num(v['ewa_mu_corrected'])}</b>, "
        f"<b>{num(v['ewa_var_corrected'])}</b><br>"
        f"The test-time tab uses the {used} values.</p>"
        f"<p>Population (whole training set, current weights): μ = <b>{num(v['pop_mu'])}</b>, "
        f"σ² = <b>{num(v['pop_var'])}</b></p>"
        "<p>The EWA started at 0 lags early on (the uncorrected line climbs from 0); "
        f"dividing by 1 − {RHO}<sup>t</sup> fixes that. A larger EWA momentum is smoother but "
        "follows the changing weights later; a larger m makes μ and σ² less noisy.</p>"
    )


def explain_html(values: dict[str, Any], layer: int, unit: int) -> str:
    """The notes' equations for hidden layer ``layer`` and unit ``unit`` (from 0) with the live
    values of ``BNExperiment.explain_values``."""
    sub = f"<sup>[{layer + 1}]</sup>"
    return (f"<h3>Batch norm, layer {layer + 1}, unit {unit + 1}</h3>"
            + chain_html(values, layer) + _training(values, sub) + NO_BIAS + _test_time(values))


NO_BIAS = ("<p><b>No b</b> in a layer with batch norm: z = W a. Normalizing subtracts μ, which "
           "removes any constant added to z, so b would do nothing; β takes its place. "
           "<i>Undo</i> sets γ = √(σ² + ε) and β = μ: then z̃ = z, and batch norm passes z "
           "through unchanged (the network can learn that, if it helps).</p>"
           "<p><b>A slight regularizer</b>: each mini-batch is scaled by its own μ and σ², which "
           "adds noise to z̃, as dropout does. A larger m means less noise and less of the effect "
           "(the Regularizer tab measures it); do not rely on batch norm to regularize.</p>")


def _short(v: Any, shown: int = 3) -> str:
    """A vector's first values, '[0.97, 0.98, −1, …] (16)'."""
    items = ", ".join(num(x, 3) for x in list(v)[:shown])
    return f"[{items}{', …' if len(v) > shown else ''}]" + (f" ({len(v)})" if len(v) > shown else "")


def chain_html(values: dict[str, Any], layer: int) -> str:
    """The notes' chain X → z → z̃ → a for the first example of the last mini-batch."""
    c = values.get("chain") or {}
    name = "X" if layer == 0 else f"a<sup>[{layer}]</sup>"
    g = values.get("activation", "tanh")
    if not c:
        return (f"<p><b>Chain</b> {name} → z → z̃ → a: — (no mini-batch yet)</p>")
    bias = " + b" if c["has_b"] else ""
    return (f"<p><b>Chain</b>, first example of the last mini-batch:<br>"
            f"{name} = {_short(c['input'])}<br>"
            f"→ z = W {name}{bias} = <b>{num(c['z'])}</b><br>"
            f"→ z<sub>norm</sub> = <b>{num(c.get('z_norm', float('nan')))}</b> → "
            f"z̃ = <b>{num(c['z_tilde'])}</b><br>"
            f"→ a = {g}(z̃) = <b>{num(c['a'])}</b></p>")


def _table(t: dict[str, Any]) -> str:
    modes = t["modes"]
    head = "".join(f"<th>{MODE_LABELS[m]}</th>" for m in MODES)
    rows = [("μ used", "mu"), ("σ² used", "var"), ("z", "z"), ("z_norm", "z_norm"),
            ("z̃ = γ z_norm + β", "z_tilde")]
    body = ""
    for label, key in rows:
        cells = "".join(f"<td align='right'>{num(modes[m][key])}</td>" for m in MODES)
        body += f"<tr><td>{label}</td>{cells}</tr>"
    pred = "".join(f"<td align='right'>{_prediction(modes[m])}</td>" for m in MODES)
    body += f"<tr><td><b>prediction</b></td>{pred}</tr>"
    accs = "".join(f"<td align='right'><b>{_percent(modes[m]['accuracy'])}</b></td>" for m in MODES)
    body += f"<tr><td><b>test accuracy</b></td>{accs}</tr>"
    return ("<table cellspacing='0' cellpadding='3' border='1' style='border-collapse: collapse'>"
            f"<tr><th></th>{head}</tr>{body}</table>")


def _percent(v: float) -> str:
    text = num(100 * v, 3)
    return text if text == "—" else f"{text} %"


def _prediction(row: dict[str, Any]) -> str:
    if row["predicted"] is None:
        return "—"
    return f"class {row['predicted']} (p = {num(row['p'], 3)})"


def ewa_sentence(table: dict[str, Any]) -> str:
    """What the EWA and population columns say, following their accuracies on screen."""
    modes, verdict = table["modes"], table["verdict"]
    ewa, pop = (f"{num(100 * modes[m]['accuracy'], 3)} %" for m in ("ewa", "population"))
    batches = f"about {1 / (1 - table['momentum']):.0f}"
    if verdict == "unknown":
        return ("No mini-batch has been seen yet, so the EWA holds no statistics (—). Press "
                "Play or Step.")
    if verdict == "same":
        return (f"The EWA and the population statistics give nearly the same test accuracy "
                f"({ewa} and {pop}).")
    if verdict == "lower":
        return (f"The EWA does worse than the population statistics ({ewa} against {pop}): it "
                f"averages the last {batches} mini-batches, taken under older weights, and the "
                "weights are still moving. It catches up as training settles (or with a smaller "
                f"{RHO}).")
    return (f"The EWA does better than the population statistics here ({ewa} against {pop}): "
            "the two estimates differ while the weights are still moving.")


def batches_sentence(batch_size: int, accuracy: float) -> str:
    """What the per-test-batch plots below the table show."""
    return (f"<p>Test batches of {batch_size}, each normalized with its own μ and σ²: "
            f"accuracy {num(100 * accuracy, 3)} % (the points below; lines: EWA in vermillion, "
            "population dashed).</p>")


def table_html(table: dict[str, Any], layer: int, unit: int) -> str:
    """The test-time table of ``BNExperiment.test_time_table``: one test example normalized
    three ways, for hidden layer ``layer`` and unit ``unit`` (from 0), and what it shows."""
    x = ", ".join(num(v, 3) for v in table["x"])
    return (
        f"<p>Test example {table['index'] + 1} at x = ({x}), true class {table['label']}. "
        f"Hidden layer {layer + 1}, unit {unit + 1}: γ = {num(table['gamma'])}, "
        f"β = {num(table['beta'])}.</p>"
        + _table(table)
        + "<p>A batch of one has μ = z and σ² = 0, so z_norm = 0 and z̃ = β for <i>every</i> "
        f"example: all get the same prediction. {ewa_sentence(table)}</p>"
    )


HELP_HTML = (
    "<h3>Batch norm</h3>"
    "<p>A network with batch norm trains on mini-batches of a 2D data set, beside its twin "
    "without batch norm (same initialization, same data order).</p>"
    "<ul><li><b>Statistics</b>: the watched unit's mini-batch μ and σ² (points), their EWA "
    "(line) and the population values (dashed); histograms of z before batch norm and z̃ after "
    "it; the learned γ and β.</li>"
    f"<li><b>EWA momentum</b> {RHO} (0.5 to 0.999) and the <b>mini-batch size</b> m (1 to 512) "
    "trade batch noise against lag. Untick <i>bias-corrected</i> to see the EWA started at zero "
    "lag.</li>"
    "<li><b>Test time</b>: one test example normalized with the EWA, with its own batch of one "
    "(z̃ = β for every example) and with the population statistics.</li>"
    "<li><b>Twins</b>: both twins' train (solid) and test (dashed) loss; the covariate shift of "
    "the deepest layer, over the iterations and as its distribution at iterations 0, 50, 200 and "
    "800; and the noise batch norm adds to an example's z̃ against the mini-batch size, its "
    "slight regularization.</li>"
    "<li><b>Undo</b> sets the watched layer's γ = √(σ² + ε) and β = μ, so z̃ = z. The right "
    "column follows the chain X → z → z̃ → a of the watched unit.</li></ul>"
    "<p>Space plays or pauses, Right runs one mini-batch, R resets.</p>"
)
