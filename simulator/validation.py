"""Checks at the engine's door: a bad value raises ValueError naming it and the allowed range."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np


class TooMany(ValueError):
    """A list refused for its length alone: its first ``limit`` items may be kept (a loader cuts
    it there at once, rather than trying it item by item)."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = int(limit)


def check_count(name: str, items: Any, limit: int) -> None:
    """TooMany naming ``name`` if ``items`` holds more than ``limit`` entries."""
    if len(items) > limit:
        raise TooMany(f"{name}: {len(items):,}; at most {limit:,}", limit)


def check_range(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> Any:
    """Return ``value`` (a number or an array) if every element lies in the range, else raise.

    The ValueError names the value and the allowed range, so the UI can show it as it is.
    """
    try:
        # Text, None, objects and True/False are not numbers; a huge int overflows to inf.
        if np.asarray(value).dtype.kind not in "iuf":
            raise TypeError
        with np.errstate(over="ignore"):
            arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be a number, got {_short(value)}") from None
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one number, got an empty array")
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= (arr <= low) if low_open else (arr < low)
    if high is not None:
        bad |= (arr >= high) if high_open else (arr > high)
    if np.any(bad):
        lo = "(" if low_open else "["
        hi = ")" if high_open or high is None else "]"
        low_s = "-inf" if low is None else f"{low:g}"
        high_s = "inf" if high is None else f"{high:g}"
        shown = (f"{float(arr):g}" if arr.ndim == 0
                 else f"an array with values in [{np.min(arr):g}, {np.max(arr):g}]")
        raise ValueError(f"{name} must be in {lo}{low_s}, {high_s}{hi}, got {shown}")
    if arr.ndim == 0:
        return float(arr)
    # A float array comes back as it is: float32 hyperparameters stay float32 for a float32 model.
    return value if isinstance(value, np.ndarray) and value.dtype.kind == "f" else arr


def check_int(name: str, value: Any, low: int, high: int | None) -> int:
    """An integer in [low, high], else ValueError naming the value and the range."""
    try:
        if isinstance(value, (bool, np.bool_)):  # True is not a count
            raise TypeError
        n = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {_short(value)}") from None
    if n < low or (high is not None and n > high):
        upper = "inf)" if high is None else f"{high}]"
        raise ValueError(f"{name} must be in [{low}, {upper}, got {n}")
    return n


def check_choice(kind: str, name: Any, choices: Iterable[str], fold_case: bool = False) -> str:
    """``name`` if it is one of ``choices`` (compared in lower case if ``fold_case``), else a
    ValueError naming it and listing the choices: "unknown optimizer 'nadam'; choose one of …"."""
    choices = list(choices)
    key = name.lower() if fold_case and isinstance(name, str) else name
    if isinstance(key, str) and key in choices:
        return key
    raise ValueError(f"unknown {kind} {name!r}; choose one of {', '.join(choices)}")


def _short(value: Any) -> str:
    """A value's repr for a message, cut to 60 characters (a hostile value may be huge)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_number(name: str, value: Any, low: float | None = None, high: float | None = None) -> float:
    """One finite number (not True/False, not text) in [low, high], as a float."""
    if _ndim(value) != 0:
        raise ValueError(f"{name} must be one number, got {_short(value)}")
    return check_range(name, value, low, high)


def _ndim(value: Any) -> int:
    """``np.ndim``, or -1 for what is no array at all (a ragged list)."""
    try:
        return np.ndim(value)
    except (TypeError, ValueError):
        return -1


def check_array(name: str, value: Any, ndim: int | None = None, dtype: Any = float,
                finite: bool = False) -> np.ndarray:
    """``value`` as an array of numbers (with ``ndim`` dimensions, all finite if ``finite``),
    else ValueError naming it: text, None, ragged lists and objects are not arrays of numbers."""
    try:
        if isinstance(value, (str, bytes, dict)) or value is None:
            raise TypeError
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":  # True/False, text and objects are not numbers
            raise TypeError
        if dtype is None or raw.dtype == dtype:  # the usual case (a training step's batch): as is
            arr = raw
        else:
            with np.errstate(over="ignore"):  # (a context costs more than the rest of this)
                arr = raw.astype(dtype, copy=False)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be an array of numbers, got {_short(value)}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension{'s' if ndim != 1 else ''}, got shape "
                         f"{arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers, got NaN or infinity")
    return arr


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def check_point(name: str, value: Any, finite: bool = True) -> tuple[float, float]:
    """Two numbers [w1, w2] (a start, a point), finite unless ``finite`` is False, as floats;
    else ValueError naming them."""
    try:
        ok = not isinstance(value, (str, bytes, dict)) and len(value) == 2
        ok = ok and _is_number(value[0]) and _is_number(value[1])
    except (TypeError, KeyError):
        ok = False
    if not ok:
        raise ValueError(f"{name} must be [w1, w2], two numbers, got {_short(value)}")
    try:
        x, y = float(value[0]), float(value[1])
    except OverflowError:
        x = y = float("inf")
    if finite and not (np.isfinite(x) and np.isfinite(y)):
        raise ValueError(f"{name} must be two finite numbers, got {_short(value)}")
    return x, y


def check_mapping(name: str, value: Any) -> dict:
    """A dict (a JSON object), else ValueError: what settings files hold per racer, per option."""
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a JSON object {{...}}, got {_short(value)}")
    return value


def check_bool(name: str, value: Any) -> bool:
    """True or False only: "false" is text, and 2 is not a truth value."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be true or false, got {_short(value)}")
    return bool(value)


def check_label(name: str, value: Any, classes: int | None = None) -> int:
    """A class label: an integer (or a float holding one, as JSON may) >= 0, below ``classes``."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        value = int(value)
    high = None if classes is None else classes - 1
    return check_int(name, value, 0, high)


def check_seed(name: str, value: Any) -> int | tuple[int, ...]:
    """A seed for numpy.random.default_rng: an integer >= 0, or a tuple of them."""
    if isinstance(value, tuple):
        return tuple(check_int(name, v, 0, None) for v in value)
    return check_int(name, value, 0, None)


MAX_COORDINATE = 1e6  # a data point's coordinates, own CSV or added: beyond, training overflows


def check_added_point(p: Any) -> tuple[float, float, int]:
    """A point a user added, (x, y, class): coordinates within ±MAX_COORDINATE and a class >= 0."""
    if isinstance(p, (str, bytes, dict)) or not hasattr(p, "__len__") or len(p) != 3:
        raise ValueError(f"a point is [x, y, class], got {_short(p)}")
    x, y = check_point("a point", (p[0], p[1]), finite=False)
    if not (np.isfinite(x) and np.isfinite(y)):
        raise ValueError(f"a point needs finite coordinates, got ({x}, {y})")
    if max(abs(x), abs(y)) > MAX_COORDINATE:
        raise ValueError(f"a point's coordinates must be within ±{MAX_COORDINATE:g}, got ({x:g}, {y:g})")
    try:
        return x, y, check_label("a point's class", p[2])
    except ValueError:
        raise ValueError(f"a point's class must be an integer >= 0, got {_short(p[2])}") from None


_KINDS = {
    "int": (lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)),
            "an integer"),
    "number": (lambda v: _is_number(v) and bool(np.isfinite(float(v))), "a finite number"),
    "text": (lambda v: isinstance(v, str), "text"),
    "bool": (lambda v: isinstance(v, (bool, np.bool_)), "true or false"),
    "ints": (lambda v: isinstance(v, (list, tuple)) and all(_KINDS["int"][0](u) for u in v),
             "a list of integers"),
    "texts": (lambda v: isinstance(v, (list, tuple)) and all(isinstance(u, str) for u in v),
              "a list of names"),
    "mapping": (lambda v: isinstance(v, dict), "a JSON object {...}"),
}


def check_fields(obj: Any, kinds: dict[str, str]) -> None:
    """Each attribute ``name`` of ``obj`` is of its kind (see ``_KINDS``: "int", "number", "text",
    "bool", "ints", "texts", "mapping"), else ValueError naming it: "16" is not [16], and
    "false" is not False. Ranges are the caller's to check."""
    for name, kind in kinds.items():
        ok, what = _KINDS[kind]
        value = getattr(obj, name)
        try:
            good = ok(value)
        except OverflowError:
            good = False
        if not good:
            raise ValueError(f"{name} must be {what}, got {_short(value)}")


# The EWA momentum of batch norm: above this, 1 - momentum^t is so small that the bias-corrected
# statistics are rounding noise (at 1 - 1e-16 the corrected variance comes out 0).
MAX_EWA_MOMENTUM = 0.9999


# -- strict checks of values read from a file (JSON): the type as well as the range --------------


def check_whole(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """``value`` if it is a whole number (a JSON integer, not true/false, not 16.0) in [low, high]."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    _check_bounds(name, value, low, high)
    return value


def check_numeric(name: str, value: Any) -> float:
    """``value`` as a float if it is a number (not a string, not true/false); whether it may be
    infinite or NaN is left to the check that follows, whose message says why."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {_short(value)}")
    return float(value)


def check_real(name: str, value: Any, low: float | None = None, high: float | None = None) -> float:
    """``value`` as a float if it is a finite number in [low, high] (not a string, not NaN)."""
    check_numeric(name, value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    _check_bounds(name, value, low, high)
    return float(value)


def _check_bounds(name: str, value: float, low: float | None, high: float | None) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value:g}")


def check_rows(name: str, rows: Any, *checks: Callable[[str, Any], Any]) -> list[tuple]:
    """``rows`` (a list of lists such as added points [x1, x2, class]) as tuples, each item
    passed through its check: ``check_rows("added", v, check_real, check_real, check_whole)``.
    ValueError naming the row ("added[3]") otherwise."""
    if not isinstance(rows, list):
        raise ValueError(f"{name} must be a list, got {_short(rows)}")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(checks):
            raise ValueError(f"{name}[{i}] must be a list of {len(checks)} values, got {_short(row)}")
        pairs = enumerate(zip(checks, row, strict=True))
        out.append(tuple(check(f"{name}[{i}][{j}]", v) for j, (check, v) in pairs))
    return out
