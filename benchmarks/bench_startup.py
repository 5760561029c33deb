"""Launch to first shown window: Descent against a bare PySide6 + pyqtgraph window, interleaved.
Prints a table, asserts nothing.

    python benchmarks/bench_startup.py [--rounds 7] [--tree PATH ...] [--page KEY]

Each round starts, in turn, ``main.py --fresh --print-startup-time`` of each tree given (this one
by default) and a bare script that imports PySide6 and pyqtgraph, shows one PlotWidget and says
so (``--page KEY``: Descent opens on that lab's page, as a saved session that was left on it
does). The time is measured from outside, from the process's spawn to the line that says the window
is shown (interpreter start and imports included), so both sides are timed the same way. Runs on
the offscreen platform unless a display is set. Each tree is launched once before the rounds, with
Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` is dropped for the launches), as a user's
second launch finds it: without it every one of Descent's 120 modules is compiled at each launch,
about 0.3 s here, while the installed pyqtgraph and PySide6 come compiled.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
w = pg.PlotWidget()
w.plot([1, 2, 3], [1, 3, 2])
w.resize(1280, 800)
w.show()
QTimer.singleShot(0, lambda: (print("startup: shown", flush=True), app.quit()))
app.exec()
"""


def launch(args: list[str], cwd: Path) -> float:
    """Seconds from spawn to the "startup:" line."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the cache a user's second launch finds
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env.setdefault("XDG_STATE_HOME", "/tmp/bench-startup-state")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("startup:"):
            elapsed = time.perf_counter() - t0
            break
    else:
        raise RuntimeError(f"{args} never said it was shown")
    proc.stdout.close()
    proc.terminate()
    proc.wait(timeout=30)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--tree", action="append", type=Path,
                    help="another checkout to time beside this one (its main.py)")
    ap.add_argument("--page", choices=("optimizers", "classifier", "batchnorm", "tuning"),
                    help="the page Descent opens on (default: its own, the optimizers)")
    args = ap.parse_args()
    descent = ["main.py", "--fresh", "--print-startup-time", "--quit-after", "0",
               *(["--page", args.page] if args.page else [])]
    trees = [ROOT, *(args.tree or [])]
    names = [str(t) if t != ROOT else "Descent (this tree)" for t in trees]
    times: dict[str, list[float]] = {n: [] for n in [*names, "bare PySide6 + pyqtgraph"]}
    launch(["-c", BARE], ROOT)  # warm the disk cache once
    for tree in trees:  # and each tree's bytecode cache
        launch(descent, tree)
    for _ in range(args.rounds):
        for name, tree in zip(names, trees, strict=True):
            times[name].append(launch(descent, tree))
        times["bare PySide6 + pyqtgraph"].append(launch(["-c", BARE], ROOT))
    bare = statistics.median(times["bare PySide6 + pyqtgraph"])
    page = f", Descent on its {args.page} page" if args.page else ""
    print(f"launch to first shown window{page}, {args.rounds} interleaved rounds (median, min–max)")
    print(f"{'':32s} {'median s':>9s} {'range':>13s} {'× bare':>7s}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name[:32]:32s} {med:9.3f} {min(ts):6.3f}–{max(ts):<6.3f} {med / bare:7.2f}")


if __name__ == "__main__":
    main()
