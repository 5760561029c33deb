"""Reading a file the user named, safely: only a regular file, at most a bounded number of bytes,
and never a wait (a named pipe or a device opens at once and is refused, rather than blocking the
window until something writes to it)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``path`` (one more than allowed, so that the caller can
    tell "too large"); ValueError if it is not a regular file, OSError if it cannot be opened."""
    fd = os.open(Path(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ValueError("it is not a regular file (a named pipe, a device or a folder)")
        return f.read(limit + 1)
