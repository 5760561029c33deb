"""The tuning lab's text, as pure functions of the engine's numbers (tested without Qt)."""

from __future__ import annotations

import html
import math
from typing import Any

from simulator.tuning import ScaleRun, averaging_window, sensitivity
from ui.framework.style import num

SYMBOL = {"alpha": "α", "beta": "β"}
SCALE_NAMES = {"uniform": "uniform", "log": "log scale"}
DRAWN = "#0072B2"  # the shares drawn so far (Okabe-Ito blue); expected ones are grey


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def value_text(v: float) -> str:
    """A range end or tick label: 0.0001, 0.999, 10⁻⁵ (powers of ten below 0.0001 or from
    100,000 as such), never 'nan'."""
    v = float(v)
    if math.isfinite(v) and v > 0 and not 1e-4 <= v < 1e5:
        e = math.log10(v)
        if abs(e - round(e)) < 1e-9:
            return "10" + str(round(e)).translate(SUPERSCRIPT)
    return num(v, 6).replace("-", "−")


def tick_texts(values: list[float]) -> list[str]:
    """Tick labels of an axis: ``value_text`` each, but on an axis of four or more powers of ten
    all of them as powers (10⁻⁴, 10⁻³, 10⁻², 10⁻¹, 1), which fit a narrow plot where 0.0001,
    0.001, … would run into each other."""
    powers = [v for v in values if v > 0 and abs(math.log10(v) - round(math.log10(v))) < 1e-9]
    if len(values) < 4 or len(powers) < len(values):
        return [value_text(v) for v in values]
    return ["1" if round(math.log10(v)) == 0 else "10" + str(round(math.log10(v))).translate(SUPERSCRIPT)
            for v in values]


def short_value(v: float) -> str:
    """A hyperparameter in 3 significant digits: 0.198, 3.34·10⁻¹⁰, 64; never 'nan'."""
    v = float(v)
    if not math.isfinite(v):
        return "—"
    if v != 0 and abs(v) < 1e-4:
        e = math.floor(math.log10(abs(v)))
        m = v / 10**e
        if abs(m - round(m)) < 5e-3:  # a power of ten or a round multiple of one
            return value_text(v) if round(m) == 1 else f"{round(m)}·10" + str(e).translate(SUPERSCRIPT)
        return f"{m:.3g}·10" + str(e).translate(SUPERSCRIPT)
    return num(v, 3).replace("-", "−")


def pct(share: float) -> str:
    """A share as a percentage: 90%, 9%, 0.9%, 0.09%; '—' before there is any draw."""
    if not math.isfinite(share):
        return "—"
    p = 100 * share
    if 0 < p < 0.01:
        return "<0.01%"
    return f"{p:.0f}%" if p >= 10 else f"{p:.2g}%"


def pct_html(share: float) -> str:
    """``pct`` for rich text ('&lt;0.01%')."""
    return html.escape(pct(share))


def window_text(w: float) -> str:
    """An averaging window: 10, 10.05, 1,000, 10,000."""
    return f"{w:,.0f}" if math.isfinite(w) and w >= 100 else num(w, 4)


def range_text(interval: tuple[float, float]) -> str:
    return f"[{value_text(interval[0])}, {value_text(interval[1])}]"


def headline(param: str, scale: str, top: dict[str, Any], sep: str = ": ") -> str:
    """A histogram's title: 'α uniform: 90% in [0.1, 1]' (``top`` is the top decade's row of
    ``ScaleRun.decade_table``; ``sep`` may be a line break)."""
    return (f"{SYMBOL[param]} {SCALE_NAMES[scale]}{sep}{pct_html(top[scale]['share'])} in "
            f"{range_text(top['range'])}")


def shares_sentence(param: str, top: dict[str, Any], sep: str = "; ") -> str:
    """'uniform: 90% of α in [0.1, 1]; log scale: 25%' (``sep`` between the two)."""
    return (f"uniform: {pct_html(top['uniform']['share'])} of {SYMBOL[param]} in {range_text(top['range'])}"
            f"{sep}log scale: {pct_html(top['log']['share'])}")


def draws_text(drawn: int, total: int, iteration: int) -> str:
    return f"Draws: {drawn:,} of {total:,} of each kind ({iteration} batches)"


def _minus(v: float) -> str:
    return num(v).replace("-", "−")


def r_formula(param: str, u_range: tuple[float, float]) -> str:
    """How r is drawn: 'r = −4 · rand' for α in [0.0001, 1] (the notes), 'r = −1 − 2 · rand'
    for β in [0.9, 0.999]; in general r = b − (b − a) · rand, so r is in [a, b]."""
    a, b = u_range
    w = num(b - a)
    draw = f"r = −{w} · rand" if abs(b) < 1e-12 else f"r = {_minus(b)} − {w} · rand"
    what = "α = 10<sup>r</sup>" if param == "alpha" else "1 − β = 10<sup>r</sup>, β = 1 − 10<sup>r</sup>"
    return f"{draw}; {what}"


def last_draw_text(param: str, last: dict[str, float] | None) -> str:
    """The latest log-scale draw with its r: 'r = −2.31 → α = 0.0049'."""
    if last is None:
        return "no draw yet"
    return f"r = {_minus(last['r'])} → {SYMBOL[param]} = {num(last['value'], 4)}"


def decade_table_html(param: str, rows: list[dict[str, Any]]) -> str:
    """Per decade of α (or of 1 − β): the share of each scale's draws, drawn / expected."""
    head = (f"<tr><th align='left'>{SYMBOL[param]} in</th><th align='right'>unif.</th>"
            "<th align='right'>log</th></tr>")
    body = ""
    for row in rows:
        cells = "".join(
            f"<td align='right'><b style='color:{DRAWN}'>{pct_html(row[s]['share'])}</b>"
            f"<span style='color:#777'> / {pct_html(row[s]['expected'])}</span></td>" for s in SCALE_NAMES)
        body += f"<tr><td>{range_text(row['range'])}</td>{cells}</tr>"
    return f"<table cellspacing='0' cellpadding='3' width='100%'>{head}{body}</table>"


def sensitivity_html(beta_range: tuple[float, float]) -> str:
    """The notes' argument for β: the averaging window 1/(1 − β) for 0.9, 0.9005, 0.999, 0.9995,
    and the window at each end of the user's β range."""
    def line(beta: float, window: float, change: str = "") -> str:
        return (f"<tr><td>{num(beta)}</td><td align='right'>{window_text(window)}</td>"
                f"<td align='right'><b>{change}</b></td></tr>")

    body = "".join(line(r["beta"], r["window"]) + line(r["beta_next"], r["window_next"],
                                                       f"×{num(r['ratio'], 4)}")
                   for r in sensitivity())
    lo, hi = beta_range
    return (
        "<p><b>Why β near 1?</b> An EWA averages about 1/(1 − β) values:</p>"
        "<table cellspacing='0' cellpadding='3'>"
        "<tr><th align='left'>β</th><th>1/(1 − β)</th><th></th></tr>"
        f"{body}</table>"
        "<p>0.9 → 0.9005: no change; 0.999 → 0.9995: the window doubles. β is more sensitive "
        "to small changes close to 1, so sample more densely there: β = 1 − 10<sup>r</sup>. "
        f"Your β in {range_text((lo, hi))} averages {window_text(averaging_window(lo))} "
        f"to {window_text(averaging_window(hi))} values.</p>"
    )


def explain_html(run: ScaleRun) -> str:
    """The readout column: the draws, the share per decade for α and β, how the log-scale draws
    are made (with the latest draw), and the β-sensitivity table."""
    s = run.settings
    parts = [f"<p>{draws_text(run.drawn, s.draws, run.iteration)}; "
             "<span style='color:#777'>shares drawn / expected</span></p>"]
    for param in ("alpha", "beta"):
        rows = run.decade_table(param)
        parts.append(
            f"<p style='font-size:large'><b>{shares_sentence(param, rows[0], '<br>')}</b></p>"
            + decade_table_html(param, rows)
            + f"<p>Log scale: {r_formula(param, run.axes[param].u_range)}; "
            f"latest {last_draw_text(param, run.last_draw(param, 'log'))}</p>")
    parts.append(sensitivity_html(s.beta))
    return "".join(parts)


def scale_html(lesson) -> str:
    """The Scale lesson's readout column (see ``explain_html``)."""
    return explain_html(lesson.run)


HELP_HTML = (
    "<h3>Tuning hyperparameters</h3>"
    "<p>Each tab is a lesson of the notes' tuning process; Play, Step and Reset act on the tab in "
    "front. Every trial trains the classifier for real (a 3-arm spiral, a 2-16-16-3 tanh network, "
    "Adam) and is scored on its validation accuracy.</p>"
    "<p><b>Scale.</b> Random search draws hyperparameters at random, and <b>how</b> matters: "
    "α between 0.0001 and 1 drawn uniformly puts about 90% of the values in [0.1, 1]; drawn on a "
    "log scale (r = −4 · rand, α = 10<sup>r</sup>) each decade gets a quarter. For the EWA's β "
    "in [0.9, 0.999], draw 1 − β on a log scale: r in [−3, −1], β = 1 − 10<sup>r</sup>. The "
    "average covers about 1/(1 − β) values, which is sensitive to β only near 1 (0.999 → 0.9995 "
    "doubles it; 0.9 → 0.9005 changes nothing).</p>"
    "<p><b>Grid vs random.</b> On one budget, a grid tries few values of each hyperparameter; "
    "random search tries a new value of every one in every trial, which pays when one matters "
    "(α) and another hardly does (ε). Long searches run in the background: a progress bar, "
    "Cancel, and partial results as they arrive. Views: history, slices, parallel coordinates, "
    "importance; Table: every trial, sortable, exportable as CSV.</p>"
    "<p><b>Coarse to fine.</b> Search the whole space, put a box around the best trials (drag "
    "it, or Zoom on the best), and resample inside it; every round keeps its own marker.</p>"
    "<p><b>Caviar</b> trains many models at once and keeps the best; <b>Panda</b> babysits one "
    "model, changing α while it trains. <b>Halving</b> trains many briefly and the best longer; "
    "<b>Population</b> lets the weak copy the strong and perturb their α.</p>"
    "<p>Space plays or pauses, Right steps, R starts over.</p>"
)
