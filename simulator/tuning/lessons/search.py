"""The Search lesson: grid against random search on one budget over two hyperparameters (by
default α, which matters, and ε, which hardly does): Bergstra and Bengio's Figure 1 on real
training runs. Trained here (vectorized), on a process pool or on a Dask cluster."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ...work import Cancelled, Training, never
from ..dask_cluster import CONNECT_S, ConnectCancelled
from ..sweep import Sweep, executor_for, remote_search
from .settings import RUN_ON, SearchSettings
from .sweeps import SweepLesson, fraction_of

METHODS = ("grid", "random")


class SearchLesson(SweepLesson):
    """One sweep per method ("grid", "random") over ``settings.space``."""

    Settings = SearchSettings
    labels = METHODS
    step_tip = "Train every trial of both searches one epoch, here"
    reset_tip = "Start both searches over"
    connect_s = CONNECT_S  # how long a Dask scheduler has to answer

    def build(self) -> dict[str, Sweep]:
        s = self.settings
        return {m: Sweep(s.objective, s.space.search(m, s.budget, s.seed)) for m in METHODS}

    def adopt(self, settings: SearchSettings) -> None:
        """New settings: the searches start over (only where trials run: the trials stay)."""
        old, self.settings = self.settings, settings
        if old.replace(run_on=settings.run_on, address=settings.address) != settings:
            self.reset()

    def training(self, cancelled: Cancelled = never) -> Training:
        """Here, the sweeps step; on a pool or a cluster, each method is a whole search sent there
        (``remote_search``), its trials arriving as tasks come back."""
        if self.settings.run_on == "local":
            return super().training(cancelled)
        self.ensure()
        sweeps, where, address = self.sweeps, self.settings.run_on, self.settings.address
        every = lambda: [t for s in sweeps.values() for t in s.trials]  # noqa: E731
        units = self._remote(sweeps, {"pool": "processes", "dask": "dask"}[where], address, cancelled)
        return Training(self.generation, units, lambda: {m: list(s.trials) for m, s in sweeps.items()},
                        lambda: fraction_of(every()))

    def _remote(self, sweeps: dict[str, Sweep], where: str, address: str,
                cancelled: Cancelled) -> Iterator[None]:
        """One poll of the executor per unit. An executor that cannot be had (Dask missing, a
        scheduler it cannot reach) raises RuntimeError, which the worker reports as a failure;
        a cancel while connecting ends the run with nothing sent."""
        s = self.settings
        try:
            manager = executor_for(where, address, workers=2, connect_s=self.connect_s,
                                   cancelled=cancelled)
            executor = manager.__enter__()
        except ConnectCancelled:
            return
        except ValueError as exc:
            for sweep in sweeps.values():
                sweep.cancel()  # nothing was sent: no trial is "running"
            raise RuntimeError(str(exc)) from None
        try:
            for m in METHODS:
                params = s.space.search(m, s.budget, s.seed)
                with contextlib.closing(remote_search(executor, s.objective, params)) as polls:
                    for trials in polls:
                        sweeps[m].trials = list(trials)
                        yield
        finally:
            manager.__exit__(None, None, None)
            for sweep in sweeps.values():
                sweep.cancel()  # stopped early: what has not come back (a finished search has none)

    def end_note(self) -> str:
        best = {m: max((t.score for t in ts), default=0.0) for m, ts in self.trials.items()}
        return (f"Both searches are done: best validation accuracy {best['grid']:.1%} on the grid, "
                f"{best['random']:.1%} at random. Play starts over.")

    def where(self) -> str:
        return RUN_ON[self.settings.run_on]

    def settings_dict(self) -> dict[str, Any]:
        return self.settings.to_dict()
