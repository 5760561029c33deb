"""``--steps N`` from the command line: the steps in slices, with a sign of life on stderr while
a run lasts, and Ctrl+C stopping it between two slices, keeping what was done (no step is cut in
half: the signal only sets a flag)."""

from __future__ import annotations

import signal
import sys
import time
from typing import TextIO

SLICE_S = 0.1  # how long a slice of steps lasts, about: how soon Ctrl+C is seen
SAY_AFTER_S = 2.0  # a run shorter than this says nothing
SAY_EVERY_S = 2.0


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class _Interrupt:
    """SIGINT sets ``hit`` while the run lasts; the handler in force before comes back after."""

    def __init__(self) -> None:
        self.hit = False

    def __enter__(self) -> _Interrupt:
        self.before = signal.signal(signal.SIGINT, self._on)
        return self

    def _on(self, _signum, _frame) -> None:
        self.hit = True

    def __exit__(self, *_exc) -> None:
        signal.signal(signal.SIGINT, self.before)


def run_steps(lab, total: int, stream: TextIO | None = None, clock=time.monotonic) -> tuple[int, bool]:
    """``lab.run`` for ``total`` steps in slices of about SLICE_S: (steps done, whether Ctrl+C
    stopped it). A slice that moves the lab no further (it diverged, or refused to step with a
    message) ends the run too. A run past SAY_AFTER_S prints its progress on ``stream`` (stderr)
    every SAY_EVERY_S."""
    stream = stream or sys.stderr
    start = said = clock()
    done, size, spoke = 0, 1, False
    with _Interrupt() as interrupt:
        while done < total and not interrupt.hit:
            k, before, t0 = min(size, total - done), lab.iteration, clock()
            lab.run(k)
            if lab.iteration == before:
                break
            done += k
            took = clock() - t0
            # about SLICE_S a slice, growing at most twofold: a slower step later is seen soon
            size = min(2 * k, max(1, int(k * SLICE_S / took))) if took > 0 else 2 * k
            now = clock()
            if now - start >= SAY_AFTER_S and now - said >= SAY_EVERY_S and done < total:
                left = (now - start) / done * (total - done)
                print(f"descent: step {done:,} of {total:,} ({done / total:.0%}), about "
                      f"{_duration(left)} left; Ctrl+C stops and keeps what is done",
                      file=stream, flush=True)
                said, spoke = now, True
    if interrupt.hit:
        print(f"descent: stopped by Ctrl+C after {done:,} of {total:,} steps; what was done is "
              "kept", file=stream, flush=True)
    elif spoke:
        print(f"descent: {done:,} steps done in {_duration(clock() - start)}", file=stream,
              flush=True)
    return done, interrupt.hit
