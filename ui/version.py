"""Descent's version (no Qt: ``main.py --version`` answers without loading it)."""

from __future__ import annotations

from importlib import metadata

FALLBACK = "0.1.0"  # pyproject.toml's, for a checkout run without being installed


def version() -> str:
    """Descent's version, as installed (``pip install -e .``)."""
    try:
        return metadata.version("descent")
    except metadata.PackageNotFoundError:
        return FALLBACK
