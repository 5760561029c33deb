"""Checks at the engine's door: a bad value raises ValueError naming it and the allowed range."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any

import numpy as np


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
        if np.asarray(value).dtype.kind not in "biuf":  # text, None, objects: not a number
            raise TypeError
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    lo = "(" if low_open else "["
    hi = ")" if high_open or high is None else "]"
    low_s = "-inf" if low is None else f"{low:g}"
    high_s = "inf" if high is None else f"{high:g}"
    rng = f"{lo}{low_s}, {high_s}{hi}"
    shown = f"{float(arr):g}" if arr.ndim == 0 else f"an array with values in [{arr.min():g}, {arr.max():g}]"
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= (arr <= low) if low_open else (arr < low)
    if high is not None:
        bad |= (arr >= high) if high_open else (arr > high)
    if np.any(bad):
        raise ValueError(f"{name} must be in {rng}, got {shown}")
    return float(arr) if arr.ndim == 0 else arr


def check_int(name: str, value: Any, low: int, high: int | None) -> int:
    """An integer in [low, high], else ValueError naming the value and the range."""
    try:
        n = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
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
