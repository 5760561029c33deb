"""The text of the tuning lab's search lessons (grid against random, coarse to fine, caviar,
panda), as pure functions of the engine's trials (tested without Qt)."""

from __future__ import annotations

from simulator.tuning.analysis import importance, ranking
from simulator.tuning.space import LABELS, NOTES_TIERS, distinct_counts
from simulator.tuning.sweep import ranked

from .explain import short_value


def status_text(lesson) -> str:
    """'Epoch 7 of 20 · 12 of 50 trials finished (2 diverged)', or how to start."""
    trials = lesson.all_trials()
    if not trials:
        return "Press Play to train the trials (or Step for one epoch)."
    finished = sum(not t.live for t in trials)
    diverged = sum(t.status == "diverged" for t in trials)
    epochs = max(t.budget for t in trials)
    text = f"Epoch {lesson.iteration} of {epochs} · {finished} of {len(trials)} trials finished"
    return text + (f" ({diverged} diverged)" if diverged else "")


def params_text(params: dict, axes) -> str:
    """'α = 0.0316, ε = 10⁻⁸' in the axes' order."""
    return ", ".join(f"{a.label} = {short_value(params[a.name])}" for a in axes if a.name in params)


def headline(bold: str, rest: str = "") -> str:
    """A lesson's main figure, large: its bold part, then the rest."""
    return f"<p style='font-size:large'><b>{bold}</b>{rest}</p>"


def box_text(box: dict, axes) -> str:
    """'α [0.001, 0.1], ε [10⁻⁹, 10⁻⁸]': a coarse-to-fine box on the axes."""
    return ", ".join(f"{a.label} [{short_value(box[a.name][0])}, {short_value(box[a.name][1])}]"
                     for a in axes)


def best_line(label: str, trials: list, axes) -> str:
    trials = [t for t in trials if t.epochs > 0]  # an untrained trial (not back yet) is no best
    if not trials:
        return f"<b>{label}</b>: no trial trained yet"
    best = ranked(trials)[0]
    return (f"<b>{label}</b>: best {best.score:.1%} at {params_text(best.params, axes)}")


def _best_score(trials: list) -> str:
    scores = [t.score for t in trials if t.epochs > 0]
    return f"{max(scores):.1%}" if scores else "—"


def search_html(lesson) -> str:
    """Grid against random: the best of each search, the distinct values each tried, and which
    hyperparameter mattered (measured beside the notes' order)."""
    s = lesson.settings
    axes, names = s.axes, s.names
    parts = ["<p><b>Grid against random, on one budget.</b> Both searches train "
             f"{s.budget} trials of {s.epochs} epochs each on real runs; the score is the "
             "validation accuracy.</p>"]
    rows = ""
    for m, trials in lesson.trials.items():
        counts = distinct_counts([t.params for t in trials], names)
        rows += (f"<tr><td>{m}</td>" + "".join(f"<td align='right'>{counts[n]}</td>" for n in names)
                 + f"<td align='right'>{_best_score(trials)}</td></tr>")
    head = "".join(f"<th align='right'>{a.label}</th>" for a in axes)
    parts.append("<table cellspacing='0' cellpadding='3'><tr><th></th>" + head
                 + "<th align='right'>best</th></tr>" + rows + "</table>")
    parts.append("<p style='color:#555'>distinct values tried per axis, and the best validation "
                  "accuracy found</p>")
    for m, trials in lesson.trials.items():
        parts.append(f"<p>{best_line(m, trials, axes)}</p>")
    parts.append(importance_html(lesson.all_trials(), axes))
    parts.append("<p>A grid spends its budget on few values of each axis: when one hyperparameter "
                 "hardly matters, the grid tries only a handful of values of the one that does. "
                 "Random search tries a new value of every axis in every trial.</p>")
    return "".join(parts)


def importance_html(trials: list, axes) -> str:
    """The measured order of importance beside the notes' (α first, ε last)."""
    trials = [t for t in trials if t.epochs > 0]  # untrained trials (not back yet) measure nothing
    if len(trials) < 2:
        return ""
    shares = importance(trials, axes)
    measured = ", ".join(f"{next(a.label for a in axes if a.name == n)} {shares[n]:.0%}"
                         for n in ranking(shares))
    return (f"<p><b>Importance</b> (share of the score's variance its marginal explains): "
            f"{measured}.</p>" + notes_order_html({a.name: shares[a.name] for a in axes}))


def notes_order_html(measured: dict[str, float]) -> str:
    """The notes' whole order of importance, tier by tier, with the searched hyperparameters in
    bold and their measured share beside them."""
    tiers = []
    for i, tier in enumerate(NOTES_TIERS):
        names = [f"<b>{LABELS[n]} ({measured[n]:.0%})</b>" if n in measured else LABELS[n] for n in tier]
        never = " (almost never)" if i == len(NOTES_TIERS) - 1 else ""
        tiers.append(f"{i + 1}. {', '.join(names)}{never}")
    return "<p>The notes' order: " + "; ".join(tiers) + ".</p>"


def caviar_html(lesson) -> str:
    """Caviar: how many models, the best so far, and the notes' advice."""
    s = lesson.settings
    parts = [f"<p><b>Caviar: {s.models} models at once.</b> One network architecture, each copy "
             f"with its own α drawn on a log scale in [{short_value(s.alpha[0])}, "
             f"{short_value(s.alpha[1])}], all trained together as one stack.</p>"]
    best = lesson.best()
    if best is not None:
        trials = lesson.all_trials()
        diverged = sum(t.status == "diverged" for t in trials)
        parts.append(headline(f"Best so far: α = {short_value(best.params['lr'])}, {best.score:.1%}",
                              f" after {best.epochs} epochs.")
                     + f"<p>{diverged} of {len(trials)} models diverged (α too large).</p>")
    parts.append("<p>With the computing power to train many models in parallel, try many settings "
                 "at once and keep the one that works best (the notes' “caviar” strategy); with "
                 "little, babysit one model (Panda).</p>")
    return "".join(parts)


def panda_html(lesson) -> str:
    """Panda: the model's state, its changes so far, and the notes' advice."""
    t = lesson.trial
    parts = ["<p><b>Panda: babysit one model.</b> Watch its curve and nudge α up or down "
             "from one epoch to the next; each change is marked on the curve.</p>"]
    if t is not None:
        parts.append(headline(f"Epoch {t.epochs}: {t.score:.1%}",
                              f" (validation loss {t.final_val_loss:.3g})"))
        if t.status == "diverged":
            parts.append(f"<p style='color:#a00'>Diverged: {t.reason}.</p>")
        for epoch, changes in t.marks:
            parts.append(f"<p>epoch {epoch}: " + ", ".join(
                f"{LABELS.get(k, k)} → {short_value(v)}" for k, v in changes.items()) + "</p>")
    parts.append("<p>When there is computing power for one model at a time (a large data set), "
                 "babysitting is how it is tuned; with more, train many in parallel (Caviar).</p>")
    return "".join(parts)


def coarse_html(lesson) -> str:
    """Coarse to fine: each round's box and best, and the notes' advice."""
    axes = lesson.settings.axes
    parts = ["<p><b>Coarse to fine.</b> Sample the whole space at random, find the region where "
             "the best trials are, then sample more densely inside it.</p>"]
    for r, (label, trials) in enumerate(lesson.groups.items()):
        box = lesson.boxes[r] if r < len(lesson.boxes) else None
        where = "" if box is None else " in " + box_text(box, axes)
        parts.append(f"<p>{best_line(label, trials, axes)}<br><span style='color:#555'>"
                     f"{len(trials)} trials{where}</span></p>")
    if lesson.box is not None:
        parts.append(f"<p><b>Next box</b>: {box_text(lesson.box, axes)}. Resample to train a round "
                     "inside it.</p>")
    parts.append(importance_html(lesson.all_trials(), axes))
    return "".join(parts)


def population_html(lesson) -> str:
    """Population-based training: the best member, the copies so far, and what to look at."""
    pbt = lesson.pbt
    best = pbt.best()
    parts = [f"<p><b>Population: {lesson.settings.size} pandas at once.</b> Every "
             f"{lesson.settings.interval} epochs the weakest quarter copy the weights of a member "
             "of the strongest quarter and perturb its α (× 0.8 or × 1.25).</p>"]
    if pbt.epoch:
        parts.append(headline(f"Best: {best.score:.1%}", f" with α = {short_value(best.params['lr'])}")
                     + f"<p>{len(pbt.events)} copies in {pbt.epoch} epochs.</p>")
    parts.append("<p>Follow the red line: α changes as the best member's line is copied and "
                 "perturbed. That is a learning-rate schedule nobody wrote down; the population "
                 "found it while training.</p>")
    return "".join(parts)


def halving_html(lesson) -> str:
    """Successive halving: the rounds and their budget, once it is over."""
    s = lesson.settings
    parts = [f"<p><b>Successive halving.</b> {s.trials} random trials (α and β) train "
             f"{s.min_epochs} epochs; the best third go on for three times as long, and so on "
             "until one is left.</p>"]
    r = lesson.result
    if r is not None:
        rows = "".join(f"<tr><td>{x.round + 1}</td><td align='right'>{len(x.indices)}</td>"
                       f"<td align='right'>{x.epochs}</td><td align='right'>{x.spent}</td></tr>"
                       for x in r.rounds)
        parts.append("<table cellspacing='0' cellpadding='2'><tr><th>round</th><th>trials</th>"
                     f"<th>each</th><th>spent</th></tr>{rows}</table>"
                     "<p style='color:#555'>each: epochs per trial; spent: epochs of the round</p>"
                     f"<p>{r.spent} epochs in all: training all {s.trials} for "
                     f"{r.rounds[-1].epochs} epochs would cost {s.trials * r.rounds[-1].epochs}.</p>")
    parts.append("<p>How much computing power do you have? Halving spends most of it on the "
                 "trials that look best early.</p>")
    return "".join(parts)


def repeats_html(lesson) -> str:
    """Grid against random, repeated: the scoreboard and the expected best at each grid size."""
    s, found = lesson.settings, lesson.found
    parts = [f"<p><b>Grid against random, {s.repeats} times.</b> Each repeat trains a {s.side} × "
             f"{s.side} grid and {s.budget} random trials over α and ε ({s.epochs} epochs each) from "
             "other initial weights and mini-batches, and draws the random trials anew.</p>"]
    if found.count:
        win, tie, lose = found.wins()
        random = found.expected_random()
        n, grid = found.expected_grid()
        rows = "".join(f"<tr><td align='right'>{k}</td><td align='right'>{grid[i]:.1%}</td>"
                       f"<td align='right'>{random[k - 1]:.1%}</td></tr>" for i, k in enumerate(n))
        parts.append(f"<p>After {found.count} repeats random search's best beat the grid's in "
                     f"<b>{win}</b>, tied in {tie} and lost in {lose}.</p>"
                     "<table cellspacing='0' cellpadding='2'><tr><th>trials</th><th>grid</th>"
                     f"<th>random</th></tr>{rows}</table>"
                     "<p style='color:#555'>the mean best validation accuracy over the repeats</p>")
    parts.append("<p>A grid tries only k values of α however many trials it spends on ε, which "
                 "hardly matters; random search tries a new α every trial. Whether the grid's few "
                 "α's land near the best one is luck: here one of the five, 0.056, happens to lie "
                 "near it. With fewer trials the grid has fewer α's and that luck runs out.</p>")
    return "".join(parts)


def retest_html(lesson) -> str:
    """The re-test: what was searched, what each search found, and the old best re-run."""
    s, r = lesson.settings, lesson.result
    points = s.points
    parts = [f"<p><b>Re-test your hyperparameters.</b> The same {s.grid} values of α (log scale, "
             f"10⁻³ to 1) train {s.epochs} epochs each on the spiral as it was ({points['before']:,} "
             f"points) and after it grew to {points['after']:,}, everything else equal (network, "
             "mini-batch size, seed).</p>"]
    if r is not None:
        b, a = r.best["before"], r.best["after"]
        parts.append(f"<p>Before: best α = <b>{b[0]:.2g}</b> ({b[1]:.1%}); good (within 2 points) "
                     f"from {r.good['before'][0]:.2g} to {r.good['before'][1]:.2g}.<br>"
                     f"After: best α = <b>{a[0]:.2g}</b> ({a[1]:.1%}); good from "
                     f"{r.good['after'][0]:.2g} to {r.good['after'][1]:.2g}.<br>"
                     f"The good range now reaches {r.moved:.0f} times lower. The old best α, "
                     f"re-run on the new data, scores {r.old_after:.1%}: <b>{100 * r.lost:.1f} "
                     "points</b> below the new best.</p>")
    parts.append("<p>Why it moves: at the same mini-batch size, ten times the data is ten times the "
                 "steps per epoch, so a smaller α gets as far and settles better. Data, servers and "
                 "the code around a model change; a setting found once is a guess about the next "
                 "time. Re-run the search every few months, or when the data changes.</p>")
    return "".join(parts)
