"""The file format of saved sessions and setups: every lab's state under its key, with a
version, written atomically; older files are migrated when read. No Qt here."""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

from simulator.files import read_regular
from simulator.validation import check_bool, check_real, check_whole

FORMAT = "descent"
VERSION = 2
MAX_BYTES = 16 * 1024 * 1024  # a setup is a few kB; a bigger file is not one


def pack(states: dict[str, dict], current: str | None = None) -> dict[str, Any]:
    """The file's content: {"format", "version", "current", "labs": {key: state}}."""
    return {"format": FORMAT, "version": VERSION, "current": current, "labs": states}


def unpack(data: Any, keys: dict[str, str], first: str | None = None,
           notes: list[str] | None = None) -> tuple[dict[str, Any], str | None]:
    """The labs' states by key, and the page that was in front, from a file's content.

    ``keys`` maps every key a lab answers to (its own and older aliases) to its key. Files of
    version 1 held the labs at the top level, under their keys of then; the very first ones, from
    when Descent had one lab, were that lab's (``first``) bare settings. ValueError otherwise.
    A newer file, or labs this version does not know, are read as far as they can be, and
    ``notes`` (if given) receives what was left out.
    """
    notes = [] if notes is None else notes
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    if data.get("format") == FORMAT:
        if check_version(data.get("version"), VERSION, "file", notes) > VERSION:
            notes.append(newer_note("file", data["version"], VERSION))
        labs = data.get("labs")
        if not isinstance(labs, dict):
            raise ValueError("expected 'labs' to be a JSON object")
        notes.extend(f"ignored the unknown page {k!r}" for k in labs if k not in keys)
        current = data.get("current")
        return _by_key(labs, keys), keys.get(current) if isinstance(current, str) else None
    found = _by_key(data, keys)
    if found:
        return found, None
    if first is not None and ("surface" in data or "hyper" in data):
        return {first: data}, None
    raise ValueError("this is not a Descent setup: no lab's settings found")


def check_version(version: Any, latest: int, what: str, notes: list[str] | None = None) -> int:
    """A saved version number, or ValueError if it is not a whole number >= 0. A version newer
    than ``latest`` is refused, unless ``notes`` is given: then it is returned, to be read as far
    as it can be (the caller notes it)."""
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ValueError(f"version must be a whole number, got {version!r}")
    if version > latest and notes is None:
        raise ValueError(newer_note(what, version, latest))
    return version


def newer_note(what: str, version: int, latest: int) -> str:
    return (f"this {what} is from a newer Descent (version {version}; this one reads up to "
            f"{latest}): read as far as this version can")


def _by_key(labs: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    return {keys[k]: v for k, v in labs.items() if k in keys}


def read_json(path: Path) -> Any:
    """A JSON file's content; OSError or ValueError (with the reason) if it cannot be read. At
    most MAX_BYTES are read, and only from a regular file (not a device such as /dev/zero)."""
    raw = read_regular(path, MAX_BYTES)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return parse_json(raw.decode("utf-8-sig"))  # a BOM, as Windows Notepad saves, is fine
    except UnicodeDecodeError:
        raise ValueError("the file is not text (UTF-8)") from None


def parse_json(text: str) -> Any:
    """JSON text's content; ValueError with the reason (nesting too deep included)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("the file is nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"it is not valid JSON ({exc})") from None


# -- setups as text: "Copy setup" / "Paste setup" -------------------------------------------------

TEXT_PREFIX = "descent:1:"


def to_text(data: Any) -> str:
    """A compact text form of a setup: "descent:1:" + base64url(zlib(JSON))."""
    raw = zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 9)
    return TEXT_PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def from_text(text: Any) -> Any:
    """The setup in ``to_text``'s form (spaces and line breaks ignored); ValueError saying what
    is wrong with anything else. Decompression is bounded by MAX_BYTES."""
    if not isinstance(text, str) or not text.strip().startswith(TEXT_PREFIX):
        raise ValueError(f"this is not a Descent setup: it should start with {TEXT_PREFIX!r}")
    body = "".join(text.strip()[len(TEXT_PREFIX):].split())
    if len(body) > MAX_BYTES:
        raise ValueError("the text is too long to be a setup")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        d = zlib.decompressobj()
        out = d.decompress(raw, MAX_BYTES)
        if d.unconsumed_tail:
            raise ValueError("the setup is too large")
        if not d.eof:
            raise ValueError("the text is cut off")
        return parse_json(out.decode("utf-8"))
    except (ValueError, zlib.error, UnicodeDecodeError) as exc:
        raise ValueError(f"the setup text is damaged ({exc})") from None


# -- checks of loaded values against what is in force: a bad value raises ValueError naming the field --
# (the checks of single values are ``simulator.validation``'s: check_bool, check_whole, check_real, …)


def check_limits(data: dict, limits: dict[str, tuple[float | None, float | None]]) -> None:
    """ValueError if a number at one of ``limits``' paths lies outside the range the page's
    widgets can show, so that a widget never shows a value other than the one in force (a file's
    α = 1e308 in a field that holds up to 1000). Paths are dotted; "*" is any key or item; an end
    given as None is left to the engine (whose message says why):
    ``check_limits(data, {"hyper.*.lr": (None, 1000), "start.*": (-1e3, 1e3)})``."""
    for path, (low, high) in limits.items():
        for name, value in _at(data, path.split("."), ""):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if low is not None and value < low:
                raise ValueError(f"{name} must be at least {low:g} (what this page can show), "
                                 f"got {value:g}")
            if high is not None and value > high:
                raise ValueError(f"{name} must be at most {high:g} (what this page can show), "
                                 f"got {value:g}")


def _at(data: Any, keys: list[str], name: str):
    """(path, value) of every value at ``keys`` under ``data``."""
    if not keys:
        yield name, data
        return
    key, rest = keys[0], keys[1:]
    items = (data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list)
             else ())
    for k, v in items:
        if key in ("*", str(k)):
            yield from _at(v, rest, f"{name}.{k}" if name else str(k))


def check_like(name: str, value: Any, example: Any) -> None:
    """ValueError naming the field if ``value`` is not of the same JSON kind as ``example`` (the
    value in force): true/false, a whole number, a finite number, text, a list or an object;
    lists and objects are checked inside as far as ``example`` shows. None on either side, or a
    key ``example`` lacks, is left for the lab to judge. An object's fields are named
    "name.key", or "key" when ``name`` is empty."""
    if value is None or example is None:
        return
    if isinstance(example, bool):
        check_bool(name, value)
    elif isinstance(example, int):
        check_whole(name, value)
    elif isinstance(example, float):
        check_real(name, value)
    elif isinstance(example, str) and not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {value!r}")
    elif isinstance(example, (list, tuple)):
        _check_list_like(name, value, example)
    elif isinstance(example, dict):
        if not isinstance(value, dict):
            raise ValueError(f"{name} must be a JSON object, got {_short(value)}")
        for key, v in value.items():
            if key in example:
                check_like(f"{name}.{key}" if name else key, v, example[key])


def _check_list_like(name: str, value: Any, example: list | tuple) -> None:
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list, got {_short(value)}")
    kinds = {_kind(e) for e in example}
    if len(kinds) == 1 and None not in kinds:  # a list of one kind: every item of that kind
        for i, v in enumerate(value):
            check_like(f"{name}[{i}]", v, example[0])


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return None if value is None else type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
