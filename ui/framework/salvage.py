"""A saved file loaded as far as it can be: the kinds its fields are checked against, and the
settings salvaged field by field (objects key by key, lists item by item) when the whole cannot be
adopted, with a message naming each field left out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from simulator.validation import TooMany

# What a saved file's bad field raises as it is checked and adopted: a wrong type (TypeError), a
# bad value (ValueError), a missing or extra item (KeyError, IndexError), a number too large for
# an int (OverflowError: int(1e400)), and RecursionError, because ``salvage`` recurses into
# nested objects and a hostile file nests them thousands deep. Anything else is a bug.
LOAD_ERRORS = (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError)
Attempt = Callable[[dict[str, Any]], None]


def declared(first: Any, now: Any) -> Any:
    """The kinds to check against: the settings as first asked wherever they show a kind (a
    number, text, true/false, a non-empty list); where they do not (an empty list, None, a key
    added since), the value in force, its whole numbers read as numbers of any kind (a JSON
    integer there says nothing of what the field expects)."""
    if isinstance(first, dict) and isinstance(now, dict):
        return {k: declared(first[k], v) if k in first else _loose(v) for k, v in now.items()}
    if first is None or (isinstance(first, list) and not first):
        return _loose(now)
    return first


def _loose(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, list, tuple, dict)):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: _loose(v) for k, v in value.items()}
    return [_loose(v) for v in value]


def salvage(base: dict[str, Any], incoming: dict[str, Any], attempt: Attempt,
            prefix: str = "") -> tuple[dict[str, Any] | None, list[str]]:
    """The settings ``base`` with as many of ``incoming``'s fields as ``attempt`` accepts (it
    raises to refuse), and a message for each field left out, named by its path ("hyper.adam.lr",
    "added[3]"). Objects are merged key by key, lists of records item by item; fields are tried
    again while any is adopted, since one may allow another (a data set, then its classes). The
    settings are None if no field was adopted."""
    # A field equal to the one in force needs no attempt (each rebuilds the lab: a classifier's
    # setup with one bad field of 24 cost 0.75 s, now two attempts).
    pending = {k: v for k, v in incoming.items() if k not in base or not _same(base[k], v)}
    reasons: dict[str, list[str]] = {}
    adopted = progress = False
    while pending and (progress or not adopted):
        progress = False
        for key, value in list(pending.items()):
            merged, reasons[key] = _merge(base, key, value, attempt, f"{prefix}{key}")
            if merged is not None:
                base, adopted, progress = merged, True, True
                del pending[key]
        if not progress:
            break
    return (base if adopted else None), [r for rs in reasons.values() for r in rs]


def _same(a: Any, b: Any) -> bool:
    """Equal, kinds included (1 is not 1.0, True is not 1), as JSON would write them."""
    try:
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return False


def _merge(base: dict[str, Any], key: str, value: Any, attempt: Attempt, path: str
           ) -> tuple[dict[str, Any] | None, list[str]]:
    """``base`` with ``key`` set to ``value``, or to as much of it as ``attempt`` accepts (None if
    nothing), and the reasons for what was left out."""
    try:
        attempt({**base, key: value})
        return {**base, key: value}, []
    except TooMany as exc:  # a list too long, and only that: cut it at once, not item by item
        if isinstance(value, list) and 0 < exc.limit < len(value):
            cut = _merge(base, key, value[: exc.limit], attempt, path)
            note = f"{path}: {len(value):,} items; the first {exc.limit:,} were kept"
            return cut[0], [note, *cut[1]]
        reason = [_named(path, exc)]
    except LOAD_ERRORS as exc:
        reason = [_named(path, exc)]
    old = base.get(key)
    if isinstance(value, dict) and isinstance(old, dict) and value:
        part, bad = salvage(old, value, lambda d: attempt({**base, key: d}), f"{path}.")
        return (None if part is None else {**base, key: part}), bad or reason
    if isinstance(value, list) and value and all(isinstance(v, (list, dict)) for v in value):
        kept, bad = _good_items([], list(enumerate(value)), lambda items: attempt({**base, key: items}))
        if kept:
            return {**base, key: kept}, [_named(f"{path}[{i}]", msg) for i, msg in bad] or reason
    return None, reason


def _good_items(kept: list, items: list[tuple[int, Any]], attempt: Callable[[list], None]
                ) -> tuple[list, list[tuple[int, str]]]:
    """``kept`` and as many of ``items`` (index, item) as ``attempt`` accepts after it, found by
    halving (a few bad items among thousands cost a few dozen attempts); the refused (index,
    reason)."""
    try:
        attempt([*kept, *(v for _, v in items)])
        return [*kept, *(v for _, v in items)], []
    except LOAD_ERRORS as exc:
        if len(items) == 1:
            return kept, [(items[0][0], _named("", exc))]
    half = len(items) // 2
    kept, bad_left = _good_items(kept, items[:half], attempt)
    kept, bad_right = _good_items(kept, items[half:], attempt)
    return kept, bad_left + bad_right


def _named(path: str, exc: Exception | str) -> str:
    """The message, led by the field's path unless it names the field already."""
    text = str(exc) or type(exc).__name__
    return text if not path or text.startswith(path) else f"{path}: {text}"
