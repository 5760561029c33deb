"""What every lesson of the tuning lab is to the controller: its settings (as JSON-ready data),
its engine objects, and a run that advances, ends and starts over. Qt-free: the controller owns the
timer, the worker and the signals, and routes Play, Step and Reset to the lesson in front."""

from __future__ import annotations

from typing import Any


class Lesson:
    """One tab of the tuning lab. Subclasses set ``key`` and ``title`` and implement the run
    (``advance``, ``iteration``, ``done``, ``reset``) and the settings (``settings_dict``,
    ``from_dict``, which raises ``ValueError``/``TypeError`` for bad data)."""

    key = ""
    title = ""
    interval_ms = 80  # the timer's interval while this lesson plays
    unit = "steps"  # what the speed slider counts per frame
    step_tip = "One step"
    reset_tip = "Start over"

    @property
    def iteration(self) -> int:
        raise NotImplementedError

    @property
    def done(self) -> bool:
        """The run has reached its end (Play starts it over)."""
        return False

    def advance(self, k: int) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def end_note(self) -> str:
        """What the message line says when the run ends."""
        return ""

    def settings_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lesson:
        raise NotImplementedError


def check_keys(what: str, data: Any, known: tuple[str, ...]) -> dict[str, Any]:
    """``data`` if it is a JSON object naming only ``known`` keys; else a clear error."""
    if not isinstance(data, dict):
        raise TypeError(f"the {what} settings must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} settings {unknown}; expected {', '.join(known)}")
    return data
