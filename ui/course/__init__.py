"""The course path in the window: the default path (``DEFAULT_PATH``, the notes in order), what a
path may name (``known``: every lab's presets and claims), reading a path file (``load_path``), the
controller that walks a path (``course.controller``), its bar (``course.bar``) and the handout
(``course.handout``). The path's format and checks are the engine's: ``simulator.course``."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from simulator.course import CoursePath, Known, read_path
from simulator.files import read_regular
from ui.labs import LABS

DEFAULT_PATH = Path(__file__).resolve().parent / "default_path.json"
MAX_BYTES = 2_000_000  # a path of 500 long steps is well under this


def known() -> Known:
    """Every lab's presets by name and its claims by key."""
    presets = {entry.key: {p["name"]: p for p in entry.presets()} for entry in LABS}
    claims = {entry.key: importlib.import_module(f"simulator.claims.{entry.key}").CLAIMS for entry in LABS}
    return Known(presets, claims)


def load_path(path: str | Path = DEFAULT_PATH) -> CoursePath:
    """The path in a JSON file; ValueError (naming the step and field) or OSError if it is bad."""
    raw = read_regular(Path(path), MAX_BYTES)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"{Path(path).name} is over {MAX_BYTES:,} bytes: not a course path")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except ValueError as exc:
        raise ValueError(f"{Path(path).name} is not JSON in UTF-8: {exc}") from None
    return read_path(data, known())


__all__ = ["DEFAULT_PATH", "known", "load_path"]
