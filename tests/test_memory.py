"""The engine keeps freed memory for NumPy's next temporary (``simulator.memory``): on glibc it
asks once, when the engine is imported; a setting in the environment is left alone."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import simulator
from simulator.memory import keep_freed_memory


def test_importing_the_engine_asked_glibc_to_keep_freed_memory():
    linux_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert simulator.memory._done is keep_freed_memory() is (linux_glibc
                                                              and "MALLOC_TOP_PAD_" not in os.environ)


def test_a_top_pad_set_in_the_environment_is_left_as_it_is():
    env = {**os.environ, "MALLOC_TOP_PAD_": "0"}
    out = subprocess.run([sys.executable, "-c", "import simulator; print(simulator.memory._done)"],
                         env=env, capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"
