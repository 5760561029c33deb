"""What every lesson of the tuning lab is, Qt-free and clock-free: its settings (a frozen
dataclass, validated when made, changed with ``replace``), its engine objects, and a run that
steps. A window (the tuning lab's controller) routes Play, Step and Reset to the lesson in front.

A lesson trains in units (a batch of draws, an epoch). ``training(cancelled)`` is a
``simulator.work.Training`` over the engine objects in force: ``advance(k)`` runs k of its units
here; a lesson with ``worker`` True is trained by the controller's worker on Play, which sends
its ``changes()`` back as ``Partial``s that ``receive`` applies to the copies the views draw.
The rule that makes this safe: settings changes and resets *replace* engine objects, never
change them in place, so a worker still finishing an old run trains objects nobody else reads.
"""

from __future__ import annotations

from typing import Any

from ...validation import check_whole
from ...work import Partial, Training, never


class Lesson:
    """One lesson. Subclasses set ``Settings`` and implement ``_start`` (new engine objects for the
    settings), ``training``, ``_apply`` (a run's changes into the copies drawn), ``iteration`` and
    ``done``, and may override ``configure`` (a settings change by name) and ``end_note``.

    What the window needs to know is data: ``worker`` (Play trains it in the worker),
    ``resumable`` (Pause keeps a worker's run and Play goes on; False: Pause ends it), ``paced``
    (the worker trains at most the speed's units a frame; False: as fast as it can),
    ``interval_ms`` (a frame), ``unit`` (what the speed counts), ``steps_here`` (False: it runs
    whole in the worker, and Step says so), ``actions`` (what ``act`` may be asked to do) and the
    run box's tips."""

    Settings: type = object
    worker = False
    resumable = True
    paced = True
    steps_here = True
    interval_ms = 80
    unit = "epochs"
    step_tip = "One step"
    reset_tip = "Start over"
    actions: tuple[str, ...] = ()

    def __init__(self, settings: Any = None) -> None:
        self.settings = settings if settings is not None else self.Settings()
        self.generation = 0  # counts the runs: a run's changes carry its own (``receive``)
        self.version = 0  # counts the updates of what the views draw
        self.reset()

    # -- settings --------------------------------------------------------------------------------

    def configure(self, **changes: Any) -> None:
        """Settings changed by name (``settings.replace``); ValueError/TypeError changes nothing."""
        self.adopt(self.settings.replace(**changes))

    def adopt(self, settings: Any) -> None:
        """New settings: the run starts over (only if they differ)."""
        if settings != self.settings:
            self.settings = settings
            self.reset()

    def act(self, name: str) -> bool:
        """Do one of ``actions`` (a button: "zoom_on_best"); True if Play should follow."""
        if name not in self.actions:
            raise ValueError(f"unknown action {name!r}; this lesson has {', '.join(self.actions) or 'none'}")
        return bool(getattr(self, name)())

    def settings_dict(self) -> dict[str, Any]:
        return self.settings.to_dict()

    @classmethod
    def from_dict(cls, data: Any) -> Lesson:
        """The lesson with the settings ``to_dict`` saved (ValueError/TypeError if they are bad)."""
        if not isinstance(data, dict):
            raise TypeError(f"a lesson's settings must be a JSON object, got {type(data).__name__}")
        return cls(cls.Settings.from_dict(data))

    # -- the run ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the start of the run: new engine objects (``_start``), a new generation."""
        self.generation += 1
        self.progress = 0.0
        self._start()

    def _start(self) -> None:
        """Make the engine objects (and the copies drawn) for the settings in force."""
        raise NotImplementedError

    def training(self, cancelled=never) -> Training:
        """The run's units over the engine objects in force, as the worker (or ``advance``)
        trains them; ``cancelled()`` is looked at inside long units."""
        raise NotImplementedError

    def _apply(self, changes: Any) -> None:
        """A run's ``changes()`` into what the views draw (nothing for a lesson drawn from its
        engine objects themselves)."""

    @property
    def iteration(self) -> int:
        raise NotImplementedError

    @property
    def done(self) -> bool:
        """The run has reached its end (Play starts it over)."""
        return False

    def advance(self, k: int) -> None:
        """k units here, then the copies catch up."""
        if not self.steps_here:
            raise ValueError("this lesson runs as a whole: press Play")
        run = self.training()
        run.train(k)
        self.receive(run.partial())

    def receive(self, partial: Partial) -> bool:
        """A run's changes, if they are of the run in force (else dropped: False)."""
        if partial.generation != self.generation:
            return False
        self._apply(partial.changes)
        self.progress = partial.fraction
        self.version += 1
        return True

    def end_note(self) -> str:
        """What the message line says when the run ends."""
        return ""

    def stop_note(self) -> str:
        """What the message line says when a run in the worker is stopped before its end."""
        if self.resumable:
            return f"Paused after epoch {self.iteration}: Play goes on from here."
        return "Cancelled: the trials trained so far are kept; Play starts over."

    def where(self) -> str:
        """Where a run in the worker trains, for the message line."""
        return "this computer, in the background" if self.resumable else "this computer"


class WholeRun(Lesson):
    """A lesson that runs whole in the worker (successive halving, the repeats): Play starts it
    over, Pause ends it, Step cannot take one unit of it here."""

    worker = True
    resumable = False
    paced = False
    steps_here = False
    interval_ms = 50
    reset_tip = "Start over"

    def where(self) -> str:
        return "this computer"


def check_keys(what: str, data: Any, known: tuple[str, ...]) -> dict[str, Any]:
    """``data`` if it is a JSON object naming only ``known`` keys; else a clear error."""
    if not isinstance(data, dict):
        raise TypeError(f"the {what} settings must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} settings {unknown}; expected {', '.join(known)}")
    return data


def whole_fields(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """``data`` if each of ``keys`` it holds is a whole number (JSON's 3, not 3.0 or true), by
    ``simulator.validation.check_whole``."""
    for key in keys:
        if key in data:
            check_whole(key, data[key])
    return data
