"""Trials on a Dask cluster, with every way it can fail said in words: an address that answers
late, never, or as something else than a scheduler (``ask_scheduler``, with a deadline and a
cancel), and a cluster that loses its workers or its scheduler during a search
(``DaskExecutor.check``). ``distributed`` is imported only when a cluster is asked for."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from typing import Any

from ..work import Cancelled

POLL_S = 0.05  # how often a wait looks at its cancel
NO_WORKERS_S = 10.0  # how long a search waits for a cluster without a worker before saying so
ASK_S = 2.0  # how often the scheduler is asked for its workers, where the client does not keep it


CONNECT_S = 10.0  # how long a Dask scheduler's address has to answer


class ConnectCancelled(Exception):
    """Connecting to a Dask scheduler was cancelled (Pause) before it answered."""


def ask_scheduler(address: str, connect_s: float, cancelled: Cancelled) -> None:
    """Ask ``address`` who it is, as Dask's client does first, within ``connect_s`` seconds and
    until ``cancelled()``. Whatever listens there (nothing, an HTTP server, a slow host), this
    returns, raises ValueError naming what happened, or raises ConnectCancelled. (``Client(...,
    timeout=10)`` alone waits for ever on an address that accepts and never answers.)"""
    import asyncio

    from distributed.comm import connect

    async def identity() -> Any:
        comm = await connect(address, timeout=connect_s)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        task = asyncio.ensure_future(identity())
        end = time.monotonic() + connect_s
        while not task.done():
            if cancelled() or time.monotonic() >= end:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
                raise ConnectCancelled if cancelled() else TimeoutError
            await asyncio.wait({task}, timeout=POLL_S)
        return task.result()

    try:
        reply = asyncio.run(bounded())
    except (TimeoutError, asyncio.TimeoutError):
        raise ValueError(f"No Dask scheduler answered at {address} within {connect_s:g} s: "
                         "is it running, and is this its address and port?") from None
    except OSError as exc:
        raise ValueError(f"Cannot reach the Dask scheduler at {address}: {exc}") from None
    except ConnectCancelled:
        raise
    except Exception:  # noqa: BLE001 - what answered spoke something else (HTTP, say)
        raise ValueError(f"What answers at {address} is not a Dask scheduler: its reply is not "
                         "Dask's (a web page's port, such as the dashboard's :8787?)") from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        kind = reply.get("type") if isinstance(reply, dict) else type(reply).__name__
        raise ValueError(f"What answers at {address} is not a Dask scheduler (it says {kind!r})")


class DaskExecutor(Executor):
    """A Dask client's executor that can say what went wrong with its cluster (``check``)."""

    def __init__(self, client: Any, address: str, no_workers_s: float = NO_WORKERS_S,
                 clock=time.monotonic) -> None:
        self.client, self.address = client, address
        self.no_workers_s, self._clock = no_workers_s, clock
        self._inner = client.get_executor()
        self._alone_since: float | None = None
        self._asked: tuple[float, int] | None = None  # (when, workers) if asked here

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait)

    def check(self) -> None:
        """RuntimeError, in words, if the cluster cannot finish the search: its scheduler is gone,
        or it has had no worker for ``no_workers_s`` seconds (a search waited for ever)."""
        if self.client.status not in ("running", "connecting", "newly-created"):
            raise RuntimeError(self.scheduler_gone())
        if self._workers():
            self._alone_since = None
            return
        now = self._clock()
        self._alone_since = self._alone_since if self._alone_since is not None else now
        if now - self._alone_since >= self.no_workers_s:
            raise RuntimeError(
                f"The Dask cluster at {self.address} has had no worker for {self.no_workers_s:g} s, "
                f"so no trial can train: start workers (dask worker {self.address}) and press "
                "Play again, or run the trials here")

    def _workers(self) -> int:
        """How many workers the cluster has, as the client last heard (it asks the scheduler
        every few seconds by itself); asking here, at most every ASK_S, only where that is not
        kept (``scheduler_info()`` is a round trip to the scheduler each time)."""
        identity = getattr(self.client, "_scheduler_identity", None)
        if isinstance(identity, dict) and isinstance(identity.get("n_workers"), int):
            return identity["n_workers"]
        now = self._clock()
        if self._asked is None or now - self._asked[0] >= ASK_S:
            info = self.client.scheduler_info() or {}
            self._asked = (now, len(info.get("workers") or {}))
        return self._asked[1]

    def scheduler_gone(self) -> str:
        return (f"The Dask scheduler at {self.address} stopped (or restarted) and dropped the "
                "search's trials: start it again and press Play, or run the trials here")


@contextlib.contextmanager
def quiet_distributed() -> Iterator[None]:
    """distributed's own log (reconnect attempts, cancelled tasks, with tracebacks) kept off
    stderr while a search uses the cluster: the page says what happened, in words."""
    names = ["distributed", *(n for n in logging.root.manager.loggerDict if n.startswith("distributed."))]
    logs = [logging.getLogger(n) for n in names]  # distributed sets some children's levels itself
    levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for log, level in zip(logs, levels, strict=True):
            log.setLevel(level)
