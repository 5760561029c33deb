"""Keep freed memory for NumPy's next temporary, instead of handing it back to the system.

Every NumPy expression on a large array makes temporaries: ``(x**2 + y - 11.0) * x`` on a
400 × 400 basin map's starts makes three of 1.3 MB. glibc's allocator gives memory freed at the top
of its heap back to the system at once (past a threshold of a few megabytes), and takes it again
for the next temporary, so each one costs the kernel a page fault for every 4 KB page it touches.
On a basin map that was 9 of every 10 milliseconds: Himmelblau's gradient at 160,000 points took
6.5 ms, and 0.6 ms with the heap's top kept (``benchmarks/bench_engine.py`` measures it).

``keep_freed_memory()`` asks glibc to keep ``TOP_PAD`` bytes at the top of its heap when it
trims (``mallopt(M_TOP_PAD)``, what the ``MALLOC_TOP_PAD_`` environment variable sets). It
changes no result, only where freed pages wait; the process keeps at most that much more
memory. Elsewhere than glibc (macOS, Windows, musl) it does nothing; a ``MALLOC_TOP_PAD_`` set
in the environment is left as it is.
"""

from __future__ import annotations

import ctypes
import os
import sys

TOP_PAD = 32 * 1024 * 1024  # bytes: a basin map's or a stack's temporaries, with room to spare
_M_TOP_PAD = -2  # glibc's malloc.h

_done: bool | None = None


def keep_freed_memory() -> bool:
    """Ask the allocator to keep ``TOP_PAD`` freed bytes; whether it took the setting. Once per
    process: later calls answer what the first did."""
    global _done
    if _done is None:
        _done = _mallopt_top_pad()
    return _done


def _mallopt_top_pad() -> bool:
    if not sys.platform.startswith("linux") or "MALLOC_TOP_PAD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library (musl has none)
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt(_M_TOP_PAD, TOP_PAD) == 1
