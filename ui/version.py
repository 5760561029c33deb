"""Descent's version, the one place it is written: pyproject.toml reads it from here
(``[tool.setuptools.dynamic]``), so the installed package's metadata and ``--version`` agree.
No Qt and no ``importlib.metadata`` (30 ms of imports at start-up): ``main.py --version``
answers at once."""

from __future__ import annotations

VERSION = "0.1.0"


def version() -> str:
    return VERSION
