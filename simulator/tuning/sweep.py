"""Searching hyperparameters on real training runs: a sweep of trials that steps, and searches.

``Sweep`` trains many trials at once, one epoch per ``step()``: trials that share an architecture
and a mini-batch size train as one ``MLPStack`` (caviar), each with its own α, β, β1, β2, ε and
decay rate; ``set_params`` changes one trial's hyperparameters while it trains (panda).
``run_search`` runs a grid or random search to the end, here (vectorized) or through any
``concurrent.futures.Executor`` (a process pool, or Dask's ``Client(...).get_executor()``), with
the same results. ``SuccessiveHalving`` (halving.py) trains many briefly and the best longer;
``PopulationTraining`` (population.py) lets the weak copy the strong.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import multiprocessing
import multiprocessing.connection
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ..validation import check_choice, check_int
from ..work import Cancelled
from .dask_cluster import CONNECT_S, DaskExecutor, ask_scheduler, quiet_distributed
from .population import PopulationTraining
from .space import LABELS, SearchSpace
from .trials import STRUCTURAL, Objective, StackGroup, Trial

Progress = Callable[[int, int, list[Trial]], Any]
TASK_TRIALS = 16  # trials per task sent to an executor
POLL_S = 0.05  # how often run_search looks at cancelled() while an executor works


def group_key(objective: Objective, params: dict[str, Any]) -> tuple:
    """Trials with the same key train in one stack: (hidden layer sizes, mini-batch size)."""
    settings = objective.settings_for(params)
    return tuple(int(u) for u in settings.hidden), int(settings.batch_size)


def plan_groups(objective: Objective, params_list: Sequence[dict[str, Any]]) -> list[list[int]]:
    """The positions in ``params_list`` of each group's trials, groups in order of first appearance."""
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(params_list):
        groups.setdefault(group_key(objective, p), []).append(i)
    return list(groups.values())


class Sweep:
    """Trials that train together, one epoch per ``step()``.

    ``objective`` says what each trial trains (see ``Objective``); ``params_list`` holds one dict
    {axis name: value} per trial. ``seed``, if given, replaces the objective's seed (initial
    weights and mini-batch order); every trial of a sweep starts from the same weights, as
    ``ClassifierTrainer`` with its configuration would. A one-trial sweep follows the trainer's
    curves. A trial that diverges stops with its reason; the others go on.
    """

    def __init__(self, objective: Objective, params_list: Iterable[dict[str, Any]],
                 seed: int | None = None) -> None:
        if seed is not None:
            objective = dataclasses.replace(
                objective, base=objective.base.replace(seed=check_int("seed", seed, 0, None)))
        self.objective = objective
        self.trials: list[Trial] = []
        self.groups: list[StackGroup] = []
        self.epoch = 0
        self.add(_trial_dicts(params_list), round=0)

    def add(self, params_list: Sequence[dict[str, Any]], round: int = 0) -> list[Trial]:
        """New trials (a coarse-to-fine round), in new stacks; they start training at the next
        ``step()``. Every trial is checked first: a bad value raises ValueError, adding nothing."""
        params_list = _trial_dicts(params_list)
        plan = plan_groups(self.objective, params_list)  # validates every trial
        start = len(self.trials)
        new = [Trial(start + i, p, round=round, budget=self.objective.epochs)
               for i, p in enumerate(params_list)]
        for rows in plan:
            trial_settings = [self.objective.settings_for(params_list[i]) for i in rows]
            group = StackGroup(self.objective, trial_settings, [start + i for i in rows])
            for k, i in enumerate(rows):
                new[i].group = len(self.groups)
                new[i].record({key: v[k] for key, v in group.first.items()})
            self.groups.append(group)
        self.trials += new
        return new

    # -- training ------------------------------------------------------------------------------------

    def step(self, cancelled: Cancelled | None = None) -> bool:
        """Train every live trial one epoch, a stack at a time; True while any trial is live.
        ``cancelled()`` is asked before each stack's epoch: True cancels the sweep at once."""
        for group in self.groups:
            if cancelled is not None and cancelled():
                self.cancel()
                return False
            self._step_group(group)
        self.epoch += 1
        return not self.done

    def _step_group(self, group: StackGroup) -> None:
        live = [self.trials[i].live for i in group.ids]
        if not any(live):
            return
        if not all(live):
            group.keep(np.flatnonzero(live))
        values = group.run_epoch()
        for k, i in enumerate(group.ids):
            trial = self.trials[i]
            if k in group.reasons:
                trial.status, trial.reason = "diverged", group.reasons[k]
                continue
            trial.record({key: v[k] for key, v in values.items()})
            if trial.epochs >= trial.budget:
                trial.status = "done"
        group.reasons.clear()

    def run(self, cancelled: Cancelled | None = None, progress: Progress | None = None) -> list[Trial]:
        """Step until every trial is done, diverged or cancelled; ``progress`` after each epoch."""
        while self.step(cancelled):
            if progress is not None:
                progress(self.finished, len(self.trials), self.trials)
        if progress is not None:
            progress(self.finished, len(self.trials), self.trials)
        return self.trials

    def extend(self, indices: Iterable[int], epochs: int) -> None:
        """Train these trials until they have trained ``epochs`` epochs in all (successive halving).
        Call it before the next ``step()``: a step releases the weights of finished trials."""
        epochs = check_int("epochs", epochs, 1, None)
        for i in indices:
            trial = self.trials[i]
            group = self.groups[trial.group]
            if trial.status == "diverged" or i not in group.ids:
                raise ValueError(f"trial {i} cannot train on: it is {trial.status}")
            trial.budget = max(trial.budget, epochs)
            trial.status = "running" if trial.epochs < trial.budget else trial.status

    def cancel(self) -> None:
        """Stop: every live trial becomes "cancelled" and keeps its curves so far."""
        for t in self.trials:
            if t.live:
                t.status = "cancelled"

    def set_params(self, index: int, **changes: float) -> None:
        """Change a live trial's α, β, β1, β2, ε or decay rate from the next mini-batch on, and
        mark its curve there (the panda lesson). Its weights and optimizer state stay. Bad values
        raise ValueError and change nothing; so does a change of architecture or mini-batch size."""
        trial = self.trials[check_int("trial", index, 0, len(self.trials) - 1)]
        if not trial.live:
            raise ValueError(f"trial {index} is {trial.status}: only a running trial can change")
        structural = sorted(set(changes) & set(STRUCTURAL))
        if structural:
            raise ValueError(f"{LABELS[structural[0]]} cannot change while a trial trains")
        new = {**trial.params, **changes}
        self.objective.settings_for(new)  # validates the names and the values
        group = self.groups[trial.group]
        row = group.ids.index(trial.index)
        for name, value in changes.items():
            group.set_hyper(row, name, float(value))
        trial.params = new
        trial.marks.append((trial.epochs, dict(changes)))

    # -- reading -------------------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return not any(t.live for t in self.trials)

    @property
    def finished(self) -> int:
        """How many trials are no longer running."""
        return sum(not t.live for t in self.trials)

    def best(self, k: int = 1) -> list[Trial]:
        """The k best trials: highest score, then lowest validation loss; diverged ones last."""
        return ranked(self.trials)[: check_int("k", k, 1, None)]

    def rows(self) -> list[dict[str, Any]]:
        """The results table, one dict per trial (see ``Trial.row``)."""
        return [t.row() for t in self.trials]


def _trial_dicts(params_list: Any) -> list[dict[str, Any]]:
    """A copy of ``params_list``, one dict {hyperparameter: value} per trial; ValueError naming
    what it is otherwise."""
    if isinstance(params_list, (str, bytes, dict)) or not hasattr(params_list, "__iter__"):
        raise ValueError("params_list must be a list of dicts {hyperparameter: value}, got "
                         f"{type(params_list).__name__}")
    out = list(params_list)
    bad = [p for p in out if not isinstance(p, dict)]
    if bad:
        raise ValueError("each trial's parameters must be a dict {hyperparameter: value}, got "
                         f"{type(bad[0]).__name__}")
    return [dict(p) for p in out]


def ranked(trials: Iterable[Trial]) -> list[Trial]:
    """Trials best first: not diverged, then score, then lowest validation loss, then index."""
    return sorted(trials, key=lambda t: (t.status == "diverged", -t.score, t.final_val_loss, t.index))


# -- a whole search ------------------------------------------------------------------------------------


def train_task(objective: Objective, params_list: list[dict[str, Any]], indices: list[int],
               round: int = 0) -> list[Trial]:
    """Train these trials to the end in one process and return them, numbered ``indices``: what
    an executor runs (a module-level function, so it pickles)."""
    trials = Sweep(objective, params_list).run()
    for t, i in zip(trials, indices, strict=True):
        t.index, t.round = i, round
    return trials


def _tasks(objective: Objective, params_list: list[dict[str, Any]]) -> list[tuple[int, list[int]]]:
    """(group number, trial positions) per task: each group cut into pieces of TASK_TRIALS."""
    out = []
    for g, rows in enumerate(plan_groups(objective, params_list)):
        out += [(g, rows[i:i + TASK_TRIALS]) for i in range(0, len(rows), TASK_TRIALS)]
    return out


def remote_search(executor: cf.Executor, objective: Objective, params_list: list[dict[str, Any]]
                  ) -> Iterator[list[Trial]]:
    """A search's tasks on an executor, as units: each ``next()`` waits up to POLL_S for tasks to
    come back and yields the trials so far. Until its task comes back, a trial is "running" with
    its untrained (epoch 0) values, made here by a sweep that never steps (which also checks every
    trial before any is sent). Closed early (cancelled), tasks not started are dropped and the
    trials not back become "cancelled"."""
    waiting = Sweep(objective, params_list)
    trials = waiting.trials
    futures = {}
    for g, rows in _tasks(objective, params_list):
        future = executor.submit(train_task, objective, [params_list[i] for i in rows], rows)
        futures[future] = g
    pending = set(futures)
    check = getattr(executor, "check", lambda: None)  # a cluster says what went wrong in words
    try:
        while pending:
            finished, pending = cf.wait(pending, timeout=POLL_S, return_when=cf.FIRST_COMPLETED)
            for f in finished:
                for t in _result(f, executor):
                    t.group = futures[f]
                    trials[t.index] = t
            if pending:
                check()
            yield trials
    finally:
        for f in pending:
            f.cancel()
        waiting.cancel()  # what has not come back


def _result(future: cf.Future, executor: cf.Executor) -> list[Trial]:
    """A task's trials; a task the executor dropped (a Dask scheduler that stopped) is said in
    words, not as a bare ``CancelledError``."""
    try:
        return future.result()
    except cf.CancelledError:
        gone = getattr(executor, "scheduler_gone", None)
        raise RuntimeError(gone() if gone else "a task of the search was cancelled by the "
                           "executor it ran on") from None


def _run_on(executor: cf.Executor, objective: Objective, params_list: list[dict[str, Any]],
            progress: Progress | None, cancelled: Cancelled | None) -> list[Trial]:
    """``remote_search`` to its end or until ``cancelled()``; ``progress`` when tasks come back."""
    units = remote_search(executor, objective, params_list)
    trials, done = [], 0
    for trials in units:
        if cancelled is not None and cancelled():
            break
        finished = sum(not t.live for t in trials)
        if finished != done and progress is not None:
            progress(finished, len(trials), trials)
        done = finished
    units.close()
    return trials


def _let_the_pool_drop_cancelled(manager, most_s: float = 0.5) -> None:
    """Wait (at most ``most_s``) until a process pool's manager thread has taken its shutdown in
    and dropped the cancelled tasks. Ending the workers before that breaks the pool with cancelled
    futures still on its books, and the manager thread then fails setting their exception
    (``InvalidStateError: CANCELLED`` on stderr, Python 3.11)."""
    end = time.monotonic() + most_s
    while manager is not None and manager.is_alive() and time.monotonic() < end:
        try:
            items = list(getattr(manager, "pending_work_items", {}).values())
        except RuntimeError:  # it changed while read: the manager is at it
            items = None
        if items is not None and not any(w.future.cancelled() for w in items):
            return
        time.sleep(0.005)


def _wait_ended(processes, most_s: float = 5.0) -> None:
    """Wait (at most ``most_s``) until every process has ended. Their sentinels say so whoever
    reaps them: the pool's manager thread joins them too, and ``is_alive()`` read while it reaps
    can still say True for a process that is gone."""
    pending = [p.sentinel for p in processes if p.exitcode is None]
    end = time.monotonic() + most_s
    while pending and time.monotonic() < end:
        ready = multiprocessing.connection.wait(pending, timeout=end - time.monotonic())
        pending = [s for s in pending if s not in ready]


RUN_ON = ("here", "processes", "dask")  # where trials train: the page's "run trials on"


@contextlib.contextmanager
def executor_for(where: str, address: str | None = None, workers: int | None = None,
                 connect_s: float = CONNECT_S, cancelled: Cancelled | None = None,
                 ) -> Iterator[cf.Executor | None]:
    """The executor for ``run_search``, closed on exit: None "here" (this process, vectorized), a
    pool of ``workers`` fresh processes ("spawn": safe beside a GUI's threads), or a Dask
    cluster's, given its scheduler's address ("tcp://host:8786"; needs the "cluster" extra, and
    Descent installed on every worker). The address must answer as a Dask scheduler within
    ``connect_s`` seconds, or ValueError says what it did; ``cancelled()`` (looked at every
    POLL_S while connecting) raises ConnectCancelled. On exit, tasks not started are dropped
    rather than waited for, so a cancelled search ends fast."""
    where = check_choice("place to run trials", where, RUN_ON)
    if where == "here":
        yield None
    elif where == "processes":
        pool = cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            yield pool
        finally:
            # A task already running cannot see the cancel (it is in another process) and would
            # go on using a core for as long as its trials train: end the workers. After a search
            # that finished they are idle, so nothing is lost. (shutdown forgets the processes.)
            workers = list((getattr(pool, "_processes", None) or {}).values())
            manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it too
            pool.shutdown(wait=False, cancel_futures=True)
            _let_the_pool_drop_cancelled(manager)
            for process in workers:
                process.terminate()
            _wait_ended(workers)
    else:
        if not address:
            raise ValueError("give the Dask scheduler's address, e.g. tcp://192.168.1.10:8786")
        try:
            import distributed
        except ImportError:
            raise ValueError('Dask is not installed: pip install -e ".[cluster]"') from None
        ask_scheduler(address, connect_s, cancelled or (lambda: False))
        try:
            client = distributed.Client(address, timeout=connect_s)
        except OSError as exc:
            raise ValueError(f"Cannot reach the Dask scheduler at {address}: {exc}") from None
        with quiet_distributed(), client:  # quiet while the client closes too
            yield DaskExecutor(client, address)


def run_search(space: SearchSpace, objective: Objective, method: str, budget: int, seed: int = 0,
               executor: cf.Executor | None = None, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> list[Trial]:
    """A whole grid or random search (``space.search(method, budget, seed)``), every trial trained
    for ``objective.epochs``; the trials in the order made.

    ``executor`` None trains here, vectorized, one stack per group; otherwise stacks of up to
    TASK_TRIALS trials go to the executor as tasks (``ProcessPoolExecutor``, or Dask's
    ``Client(address).get_executor()``), with the same results. ``progress(finished, total,
    trials)`` reports partial results (after each epoch here, after each task there);
    ``cancelled()`` is asked before each stack's epoch here, every POLL_S there: True stops the
    search, and trials not finished come back "cancelled" (tasks already running on an executor
    finish there, unseen)."""
    if not isinstance(space, SearchSpace):
        raise ValueError(f"space must be a SearchSpace, got {type(space).__name__}")
    if not isinstance(objective, Objective):
        raise ValueError(f"objective must be an Objective, got {type(objective).__name__}")
    if executor is not None and not isinstance(executor, cf.Executor):
        raise ValueError(f"executor must be a concurrent.futures Executor (see executor_for), "
                         f"got {executor!r:.40}")
    params_list = space.search(method, budget, seed)
    if executor is None:
        return Sweep(objective, params_list).run(cancelled, progress)
    return _run_on(executor, objective, params_list, progress, cancelled)


__all__ = ["RUN_ON", "Objective", "PopulationTraining", "Sweep", "Trial", "executor_for", "group_key",
           "plan_groups", "ranked", "run_search", "train_task"]
