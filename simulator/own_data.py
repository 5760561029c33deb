"""Own data for the classifier: points x1, x2, label read from a CSV file or text, and the data set
"csv" that holds them inline in the settings (so a setup or the session carries them).

``load_points_csv`` reads at most ``MAX_BYTES`` and ``max_rows`` rows: a header line is optional,
'#' starts a comment, values are separated by commas (or semicolons, tabs or spaces). Every refusal
is a ValueError naming the line: a malformed row, a value that is not a number or not finite, a
label that is not a whole number, more classes than allowed, a file too large, an empty file.
Labels other than 0..C-1 (say -1 and 1, or 1, 2, 3) are renumbered in increasing order, and
``OwnPoints.note`` says how. ``csv_dataset`` is the data set "csv" of ``simulator.datasets``.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .files import read_regular
from .validation import MAX_COORDINATE, check_array, check_count, check_int

MAX_ROWS = 10_000  # points a file (and the settings that hold them) may have
MAX_CLASSES = 8
MAX_BYTES = 2_000_000  # more than MAX_ROWS rows of ordinary numbers need
MIN_POINTS = 2
_SPLIT = re.compile(r"\s*[,;\t]\s*|\s+")

# The data set "csv" before a file is loaded: two interleaved arcs, as a file would give them.
EXAMPLE_CSV = """# x1, x2, label: an example of own data (load a CSV file to replace it)
x1,x2,label
""" + "\n".join(
    f"{math.cos(t) * s + o:.3f},{math.sin(t) * s * 0.8 - o / 2:.3f},{k}"
    for k, (s, o) in enumerate(((0.9, -0.35), (-0.9, 0.35)))
    for t in np.linspace(0.0, math.pi, 20)
)


@dataclass(frozen=True)
class OwnPoints:
    """Points X (n, 2) and labels y (n,) in 0..classes-1, and what renumbering the labels took."""

    X: np.ndarray
    y: np.ndarray
    classes: int
    note: str = ""

    def rows(self) -> list[list[float | int]]:
        """[x1, x2, label] per point: what the settings hold."""
        return [[float(a), float(b), int(c)] for (a, b), c in zip(self.X, self.y, strict=True)]


def _read(source: Any) -> str:
    """The text of a path (read at most MAX_BYTES + 1 bytes) or the text itself."""
    if isinstance(source, bytes):
        data = source[: MAX_BYTES + 1]
    elif isinstance(source, os.PathLike) or (isinstance(source, str) and source.strip()
                                              and "\n" not in source and "," not in source):
        try:
            data = read_regular(source, MAX_BYTES)
        except ValueError as exc:
            raise ValueError(f"cannot read {os.fspath(source)!r}: {exc}") from None
        except OSError as exc:
            raise ValueError(f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}") from None
    elif isinstance(source, str):
        if len(source) > MAX_BYTES:
            raise ValueError(f"the text is longer than {MAX_BYTES:,} characters; at most "
                             f"{MAX_ROWS:,} points")
        return source
    else:
        raise ValueError(f"expected a file path or CSV text, got {type(source).__name__}")
    if len(data) > MAX_BYTES:
        line = data.count(b"\n", 0, MAX_BYTES) + 1
        raise ValueError(f"the file is larger than {MAX_BYTES:,} bytes (line {line:,} and on were "
                         f"not read); at most {MAX_ROWS:,} points")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"line {line}: the file is not text (a byte that is not UTF-8 at "
                         f"position {exc.start})") from None


def _number(text: str, what: str, line: int, limit: float = MAX_COORDINATE) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"line {line}: {what} {text!r:.40} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"line {line}: {what} is {text!r:.40}; values must be finite numbers")
    if abs(value) > limit:
        raise ValueError(f"line {line}: {what} {text} is too large; values must be within ±{limit:g}")
    return value


_WORD = re.compile(r"[^\W\d]\w*", re.UNICODE)  # a name: a letter or _ first, then letters/digits


def _is_header(fields: list[str]) -> bool:
    """A header is a row of names ("x1, x2, label"): a row with a typo in a number ("2.O",
    "−1" with a Unicode minus, "0x1F") is a data row whose error is named, not skipped."""
    return all(_WORD.fullmatch(f.strip().strip('"\'')) for f in fields)


def _rows(text: str, max_rows: int) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every data line: comments, blank lines and a header skipped."""
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f for f in _SPLIT.split(line) if f != ""]
        if not rows and _is_header(fields) and len(fields) == 3 and number == _first_line(text):
            continue
        if len(fields) != 3:
            raise ValueError(f"line {number}: expected 3 values (x1, x2, label), found "
                             f"{len(fields)}: {line[:40]!r}")
        if len(rows) == max_rows:
            raise ValueError(f"line {number}: more than {max_rows:,} points; at most {max_rows:,}")
        rows.append((number, fields))
    return rows


def _first_line(text: str) -> int:
    """The number of the first line that is neither blank nor a comment."""
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.split("#", 1)[0].strip():
            return number
    return 0


def _labels(raw: list[tuple[int, float]], max_classes: int) -> tuple[np.ndarray, int, str]:
    """Labels renumbered 0..C-1 in increasing order (and a note saying how, if they were not)."""
    seen: dict[float, int] = {}
    for number, value in raw:
        if value not in seen:
            seen[value] = number
            if len(seen) > max_classes:
                raise ValueError(f"line {number}: label {value:g} is a class beyond the first "
                                 f"{max_classes}; at most {max_classes} classes")
    values = sorted(seen)
    if len(values) < 2:
        raise ValueError(f"the points have one class (label {values[0]:g}); a classifier needs at "
                         "least 2")
    index = {v: i for i, v in enumerate(values)}
    y = np.array([index[v] for _, v in raw], dtype=np.int64)
    note = ""
    if values != list(range(len(values))):
        note = "labels " + ", ".join(f"{v:g}" for v in values) + " read as classes " + ", ".join(
            str(i) for i in range(len(values)))
    return y, len(values), note


def parse_points(rows: list[tuple[int, list[Any]]], max_classes: int = MAX_CLASSES) -> OwnPoints:
    """Rows (line number, [x1, x2, label]) of text or numbers as checked points."""
    if len(rows) < MIN_POINTS:
        raise ValueError("the file holds no points (only blank lines, comments or a header)" if not rows
                         else f"line {rows[0][0]}: one point only; at least {MIN_POINTS}")
    X = np.empty((len(rows), 2))
    labels = []
    for i, (number, (a, b, c)) in enumerate(rows):
        X[i] = _number(str(a), "x1", number), _number(str(b), "x2", number)
        label = _number(str(c), "label", number, limit=1e9)
        if not label.is_integer():
            raise ValueError(f"line {number}: label {c!r} is not a whole number")
        labels.append((number, label))
    y, classes, note = _labels(labels, max_classes)
    return OwnPoints(X, y, classes, note)


def load_points_csv(source: Any, max_rows: int = MAX_ROWS, max_classes: int = MAX_CLASSES) -> OwnPoints:
    """Points from a CSV file (a path) or CSV text: x1, x2, label per line; ValueError naming the
    line of the first problem."""
    max_rows = check_int("max_rows", max_rows, MIN_POINTS, MAX_ROWS)
    max_classes = check_int("max_classes", max_classes, 2, MAX_CLASSES)
    return parse_points(_rows(_read(source), max_rows), max_classes)


# -- the data set "csv" ---------------------------------------------------------------------------


def points_from_settings(points: Any) -> OwnPoints:
    """The inline points of a setting ([[x1, x2, label], ...]), checked as a file's would be (the
    "line" is the point's number from 1); the example points when there are none."""
    if points is None or (isinstance(points, (list, tuple)) and len(points) == 0):
        return load_points_csv(EXAMPLE_CSV)
    if not isinstance(points, (list, tuple)):
        raise ValueError(f"points must be a list of [x1, x2, label], got {type(points).__name__}")
    check_count("points", points, MAX_ROWS)
    rows = []
    for i, p in enumerate(points, start=1):
        if not isinstance(p, (list, tuple)) or len(p) != 3:
            raise ValueError(f"point {i}: expected [x1, x2, label], got {str(p)[:40]}")
        if any(isinstance(v, bool) or not isinstance(v, (int, float, str)) for v in p):
            raise ValueError(f"point {i}: values must be numbers, got {str(p)[:40]}")
        rows.append((i, list(p)))
    try:
        return parse_points(rows)
    except ValueError as exc:
        raise ValueError(str(exc).replace("line ", "point ", 1)) from None


def fitted_domain(X: np.ndarray) -> tuple[float, float, float, float]:
    """A square view around the points with a 10% margin (the generated sets' is ±1.5)."""
    X = check_array("X", X, ndim=2, finite=True)
    if X.shape[0] == 0 or X.shape[1] != 2:
        raise ValueError(f"X must be points (m, 2), at least one, got shape {X.shape}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    centre, half = (lo + hi) / 2, max(float(np.max(hi - lo)) / 2, 1e-3) * 1.1
    return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half),
            float(centre[1] + half))


def freeze_points(points: Any) -> Any:
    """The points as tuples (for a frozen, comparable ``DataSpec``); anything else as it is, for
    ``points_from_settings`` to refuse."""
    if isinstance(points, (list, tuple)):
        return tuple(tuple(p) if isinstance(p, (list, tuple)) else p for p in points)
    return points


__all__ = ["EXAMPLE_CSV", "MAX_CLASSES", "MAX_ROWS", "OwnPoints", "fitted_domain",
           "freeze_points", "load_points_csv", "points_from_settings"]
