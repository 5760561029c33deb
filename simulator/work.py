"""Work that the engine does in units, in whatever thread runs it: the one shape every long run
(a search, a population, many models at once) hands to a runner, and the one format of what it
sends back while it goes on.

A ``Training`` is made from the engine objects of one run and holds on to them, so a window that
replaces its objects (new settings, a reset) never shares them with a runner still finishing the
old ones. ``units`` trains one unit per ``next()`` (an epoch, a poll of a remote executor) and ends
when the run does; ``changes()`` is what grew since its last call, in the lesson's own terms;
``fraction()`` how far the run is. A ``Partial`` carries both to the window, stamped with the
run's ``generation`` so the window can drop what an older run sends.

Qt-free and clock-free: the runner decides how often to ask for changes and how to pace units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple


class Partial(NamedTuple):
    """What a run sends to the window: its generation, how far it is, and its changes."""

    generation: int
    fraction: float
    changes: Any


@dataclass
class Training:
    """One run's units and how to read it; see the module's docstring."""

    generation: int
    units: Iterator[None]
    changes: Callable[[], Any]
    fraction: Callable[[], float]

    def partial(self) -> Partial:
        return Partial(self.generation, float(self.fraction()), self.changes())

    def train(self, k: int) -> int:
        """Up to k units here (the caller's thread); the units trained."""
        done = 0
        for _ in range(k):
            if next(self.units, StopIteration) is StopIteration:
                break
            done += 1
        self.units.close()
        return done


def never() -> bool:
    """A ``cancelled`` that never cancels (a run stepped here, in the caller's thread)."""
    return False


Cancelled = Callable[[], bool]
