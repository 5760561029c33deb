"""The window's lab controllers, each made when it is first wanted.

Making a controller imports its lab's engine and builds its run (the tuning lab's nine lessons,
batch norm's network): about a tenth of a second for the three labs not in front. So the window
makes a controller when its page is built, a preset or the course opens it, or code asks for it
(``labs[key]``), as ``ui.pages`` does for the pages.

Nothing of the user's is lost on the way. A lab's part of the saved session that is read before
its controller is made is held as it was read: ``states()`` gives it back unchanged (so the
session is saved with it), and it is loaded when the controller is made; a part that fails then is
reported to ``on_failed`` (the window keeps the session file aside and says so). ``each(hook)``
runs a hook for every controller, those made and those made later (the window's signal
connections), and ``made()`` gives the controllers made so far, for what must not make any
(pausing the others, shutting down). ``initial[key]`` is a controller's state just after it was
made and its held part loaded, to tell whether the user changed anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtCore import QObject

from .labs import LABS, entry_for

KEYS = tuple(entry.key for entry in LABS)


class Labs(Mapping):
    """Lab key -> controller (parented to ``parent``), made on first access."""

    def __init__(self, parent: QObject, on_failed: Callable[[str], None]) -> None:
        self._parent = parent
        self._on_failed = on_failed
        self._made: dict[str, Any] = {}
        self._held: dict[str, Any] = {}
        self._hooks: list[Callable[[str, Any], None]] = []
        self.initial: dict[str, str] = {}

    def __getitem__(self, key: str):
        lab = self._made.get(key)
        if lab is None:
            if key not in KEYS:
                raise KeyError(key)
            lab = self._made[key] = entry_for(key).controller(self._parent)
            for hook in self._hooks:  # before the held part loads: they hear what it says
                hook(key, lab)
            if key in self._held and not lab.load(self._held.pop(key)):
                self._on_failed(key)
            self.initial[key] = json.dumps(lab.state())
        return lab

    def __contains__(self, key: object) -> bool:
        return key in KEYS  # without making it

    def __iter__(self) -> Iterator[str]:
        return iter(KEYS)

    def __len__(self) -> int:
        return len(KEYS)

    def made(self) -> dict[str, Any]:
        """The controllers made so far, in the labs' order."""
        return {key: self._made[key] for key in KEYS if key in self._made}

    def held(self) -> list[str]:
        """The labs whose part of a session waits to be loaded."""
        return [key for key in KEYS if key in self._held]

    def each(self, hook: Callable[[str, Any], None]) -> None:
        """``hook(key, controller)`` for every controller made, now and as each is made."""
        self._hooks.append(hook)
        for key, lab in self.made().items():
            hook(key, lab)

    def load(self, key: str, state: Any, hold: bool = False) -> bool:
        """Load ``state`` into lab ``key``; with ``hold``, a lab not made yet holds it until it
        is (True: nothing is known against it yet)."""
        if hold and key not in self._made:
            self._held[key] = state
            return True
        self._held.pop(key, None)
        return self[key].load(state)

    def states(self, keys: tuple[str, ...] = KEYS, make: bool = False) -> dict[str, Any]:
        """Each of ``keys``'s state: a made lab's own, an unmade one's held part as it was read;
        an unmade lab with nothing held has no state to keep (it would start at its defaults),
        unless ``make`` (a setup the user saves has every lab's: each is made)."""
        out = {}
        for key in keys:
            if key in self._made or make:
                out[key] = self[key].state()
            elif key in self._held:
                out[key] = self._held[key]
        return out


__all__ = ["KEYS", "Labs"]
