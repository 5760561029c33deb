"""PySide6 6.12.0 + pyqtgraph 0.14 abort the interpreter (``none_dealloc``); keep it out.

The abort cannot be caught, so the reproduction (shared/known-issues/pyside6-6.12-none-dealloc.py,
embedded here because CI clones the repository without that folder) runs in a subprocess: an
upgrade that brings the crash back fails this test instead of a class.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata

REPRO = """
import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

app = QtWidgets.QApplication([])
w = pg.PlotWidget()
curve = w.plot()
w.show()
for k in range(300):
    curve.setData(np.arange(10), np.random.rand(10) * 10 ** (k % 12))
    w.repaint()
    app.processEvents()
print("survived")
"""


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def test_axis_label_rerender_does_not_abort_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYQTGRAPH_QT_LIB": "PySide6"}
    proc = subprocess.run(
        [sys.executable, "-c", REPRO],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr[-2000:]}"
    assert "survived" in proc.stdout


def test_installed_pyside6_is_below_6_12():
    import PySide6

    versions = {"PySide6.__version__": PySide6.__version__}
    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    assert len(versions) >= 2, versions  # the distribution that provides PySide6 was found
    for where, v in versions.items():
        assert (6, 9) <= _version_tuple(v)[:2] < (6, 12), f"{where} = {v}: pin PySide6 below 6.12"
