"""The window's copies of what a worker trains: trials copied one level, and ``Feed``, which
sends only what grew. A window keeps its own copies up to date by applying these changes
(``apply_trials``, ``apply_tails``), so it never reads what another thread writes, and each set of
changes costs what is new, not the whole run."""

from __future__ import annotations

import copy

from ..sweep import Sweep, Trial

CURVES = ("train_loss", "val_loss", "val_acc")


def copy_trial(t: Trial) -> Trial:
    """A copy of ``t`` that training it further leaves alone: its lists and dicts copied one level
    (they hold numbers and strings). ``copy.deepcopy`` visits every number of every curve, and
    holds the interpreter for as long (100 ms for 50 trials of 300 epochs, growing with the run),
    which the window's thread needs to draw."""
    c = copy.copy(t)
    c.params = dict(t.params)
    c.train_loss, c.val_loss, c.val_acc = t.train_loss[:], t.val_loss[:], t.val_acc[:]
    c.marks = [(epoch, dict(changes)) for epoch, changes in t.marks]
    return c


def snapshot(sweeps: dict[str, Sweep], copies: bool = True) -> dict[str, list[Trial]]:
    """Copies of every sweep's trials (curves included), safe to draw while training goes on; or
    (``copies`` False) the trials themselves."""
    return {label: [copy_trial(t) for t in s.trials] if copies else s.trials
            for label, s in sweeps.items()}


class Feed:
    """What grew, since the last call, in records that only grow (trials' curves and marks,
    histories, events)."""

    def __init__(self) -> None:
        self.trials: list[tuple] = []  # per trial: the trial, curve and marks lengths, status, reason, params
        self.lists: dict[str, list[int]] = {}  # per named list of lists: the lengths sent

    def trial_changes(self, trials: list[Trial]) -> list[tuple]:
        """(position, start, new curve values by name, marks start, new marks, status, reason,
        params) for each trial that changed; a trial replaced by another object is sent whole."""
        out = []
        for i, t in enumerate(trials):
            n = len(t.val_acc)
            now = (t, n, len(t.marks), t.status, t.reason, t.params)
            sent = self.trials[i] if i < len(self.trials) else None
            if sent is not None and sent[0] is t and sent[1:5] == now[1:5] and sent[5] is now[5]:
                continue
            start, m = sent[1:3] if sent is not None and sent[0] is t else (0, 0)
            out.append((i, start, {k: getattr(t, k)[start:n] for k in CURVES}, m, t.marks[m:now[2]],
                        t.status, t.reason, dict(t.params)))
            self.trials[i:i + 1] = [now]
        return out

    def tails(self, name: str, lists: list[list]) -> list[tuple[int, int, list]]:
        """(row, start, new items) for each of ``lists`` that grew since the last call for ``name``."""
        sent = self.lists.setdefault(name, [])
        sent += [0] * (len(lists) - len(sent))
        out = []
        for row, items in enumerate(lists):
            n = len(items)
            if n != sent[row]:
                out.append((row, sent[row], items[sent[row]:n]))
                sent[row] = n
        return out


def apply_trials(copies: list[Trial], changes: list[tuple]) -> None:
    """Bring the window's copies of trials up to date with ``Feed.trial_changes``."""
    for i, start, curves, m, marks, status, reason, params in changes:
        c = copies[i]
        for key, values in curves.items():
            getattr(c, key)[start:] = values
        c.marks[m:] = marks
        c.status, c.reason, c.params = status, reason, params


def apply_tails(lists: list[list], tails: list[tuple[int, int, list]]) -> None:
    """Bring the window's copies of lists up to date with ``Feed.tails``."""
    for row, start, items in tails:
        lists[row][start:] = items
