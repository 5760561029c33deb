"""The file format of saved sessions and setups: every lab's state under its key, with a
version, written atomically; older files are migrated when read. No Qt here."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = "descent"
VERSION = 2
MAX_BYTES = 16 * 1024 * 1024  # a setup is a few kB; a bigger file is not one


def pack(states: dict[str, dict], current: str | None = None) -> dict[str, Any]:
    """The file's content: {"format", "version", "current", "labs": {key: state}}."""
    return {"format": FORMAT, "version": VERSION, "current": current, "labs": states}


def unpack(data: Any, keys: dict[str, str], first: str | None = None) -> tuple[dict[str, Any], str | None]:
    """The labs' states by key, and the page that was in front, from a file's content.

    ``keys`` maps every key a lab answers to (its own and older aliases) to its key. Files of
    version 1 held the labs at the top level, under their keys of then; the very first ones, from
    when Descent had one lab, were that lab's (``first``) bare settings. ValueError otherwise.
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    if data.get("format") == FORMAT:
        check_version(data.get("version"), VERSION, "file")
        labs = data.get("labs")
        if not isinstance(labs, dict):
            raise ValueError("expected 'labs' to be a JSON object")
        current = data.get("current")
        return _by_key(labs, keys), keys.get(current) if isinstance(current, str) else None
    found = _by_key(data, keys)
    if found:
        return found, None
    if first is not None and ("surface" in data or "hyper" in data):
        return {first: data}, None
    raise ValueError("this is not a Descent setup: no lab's settings found")


def check_version(version: Any, latest: int, what: str) -> int:
    """A saved version number, or ValueError if it is not an integer or is newer than ``latest``."""
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"version must be an integer, got {version!r}")
    if version > latest:
        raise ValueError(f"this {what} is from a newer Descent (version {version}; this one "
                         f"reads up to {latest})")
    return version


def _by_key(labs: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    return {keys[k]: v for k, v in labs.items() if k in keys}


def read_json(path: Path) -> Any:
    """A JSON file's content; OSError or ValueError (with the reason) if it cannot be read."""
    with open(path, "rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("the file is not text (UTF-8)") from None
    except RecursionError:
        raise ValueError("the file is nested too deeply") from None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``: a failed
    write leaves the last good file as it was. OSError on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
