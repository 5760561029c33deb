"""The Search lesson: grid against random search on one budget over two hyperparameters (by
default α, which matters, and ε, which hardly does): Bergstra and Bengio's Figure 1 on real
training runs. Play trains both searches in the worker (here, on a process pool or on a Dask
cluster); Step trains one epoch here."""

from __future__ import annotations

import concurrent.futures as cf
from typing import Any

from simulator.tuning.sweep import Sweep, executor_for, run_search

from .search_settings import RUN_ON, SearchSettings
from .sweeps import Cancelled, Report, SweepLesson, snapshot

METHODS = ("grid", "random")


class SearchLesson(SweepLesson):
    """One sweep per method ("grid", "random") over ``settings.space``."""

    key = "search"
    title = "Grid vs random"
    worker = True
    labels = METHODS
    interval_ms = 50  # the frame while the worker trains: partial results drawn as they arrive
    step_tip = "Train every trial of both searches one epoch, here"
    reset_tip = "Start both searches over"

    def __init__(self, settings: SearchSettings | None = None) -> None:
        self.settings = settings or SearchSettings()
        super().__init__()

    def build(self) -> dict[str, Sweep]:
        s = self.settings
        return {m: Sweep(s.objective, s.space.search(m, s.budget, s.seed)) for m in METHODS}

    def adopt(self, settings: SearchSettings) -> None:
        """New settings: the searches start over (only where trials run: the trials stay)."""
        old, self.settings = self.settings, settings
        if old.replace(run_on=settings.run_on, address=settings.address) != settings:
            self.reset()

    def end_note(self) -> str:
        best = {m: max((t.score for t in ts), default=0.0) for m, ts in self.trials.items()}
        return (f"Both searches are done: best validation accuracy {best['grid']:.1%} on the grid, "
                f"{best['random']:.1%} at random. Play starts over.")

    def settings_dict(self) -> dict[str, Any]:
        return self.settings.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SearchLesson:
        if not isinstance(data, dict):
            raise TypeError(f"the search settings must be a JSON object, got {type(data).__name__}")
        return cls(SearchSettings.from_dict(data))

    # -- the worker ------------------------------------------------------------------------------

    def work(self, report: Report, cancelled: Cancelled) -> Any:
        """Here, the sweeps step in the worker; on a pool or a cluster, ``run_search`` sends them
        there (each method a whole search: partial results after each task)."""
        if self.settings.run_on == "local":
            return super().work(report, cancelled)
        generation, s = self.generation, self.settings
        with self.executor() as executor:
            for i, m in enumerate(METHODS):
                def progress(done: int, total: int, trials: list, i: int = i, m: str = m) -> None:
                    self.sweeps[m].trials[:] = trials  # nothing else reads them while it runs
                    report((i + done / max(total, 1)) / len(METHODS),
                           (generation, snapshot(self.sweeps)))
                run_search(s.space, s.objective, m, s.budget, s.seed, executor, progress, cancelled)
        return generation

    def executor(self):
        """The engine's executor for ``settings.run_on`` (a context manager that closes it): a
        pool of fresh "spawn" processes, which is safe beside Qt's threads, or a Dask cluster's.
        A clear RuntimeError if it cannot be had."""
        where = {"pool": "processes", "dask": "dask"}[self.settings.run_on]
        try:
            return _Checked(executor_for(where, self.settings.address, workers=2))
        except ValueError as exc:
            raise RuntimeError(str(exc)) from None

    def where(self) -> str:
        return RUN_ON[self.settings.run_on]


class _Checked:
    """``executor_for``'s context manager, with its ValueError (Dask missing, a scheduler it
    cannot reach) turned into the RuntimeError the worker reports as a failure."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    def __enter__(self) -> cf.Executor:
        try:
            return self.manager.__enter__()
        except ValueError as exc:
            raise RuntimeError(str(exc)) from None

    def __exit__(self, *exc: Any) -> Any:
        return self.manager.__exit__(*exc)
