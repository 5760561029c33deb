"""Frame time of the optimizer page and start-up time of the app; prints a table.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_optimizer_page.py

A frame is what one timer tick does while playing: k engine steps for every racer, the redraw of
paths, heads, loss curves, arrows and readout, then the event loop's pass that repaints the plots
of the 1280x800 window (three plot repaints a frame, checked with an event filter while writing it).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from frames import time_ticks  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.main_window import MainWindow  # noqa: E402

SCENARIOS = [
    ("ravine, 4 racers, 10 steps/frame", {"surface": "ravine", "speed": 10}),
    ("rosenbrock, 4 racers, 10 steps/frame", {"surface": "rosenbrock", "speed": 10}),
    ("bowl + noise 0.5 (never stops), 10 steps/frame",
     {"surface": "bowl", "speed": 10, "noise": 0.5}),
]


def frame_times(app: QApplication, settings: dict, frames: int = 300) -> list[float]:
    win = MainWindow(session_path=None)
    win.resize(1280, 800)
    win.show()
    app.processEvents()
    win.show_page("optimizers")
    lab = win.pages["optimizers"].lab
    lab.load(settings)

    def restart_when_all_stopped() -> None:
        if not lab.race.running:
            lab.reset()
            lab.timer.start()

    out = time_ticks(app, lab, frames, restart_when_all_stopped)
    win.close()
    return out[20:]  # drop warm-up


def startup_times(runs: int = 5) -> list[float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--fresh", "--print-startup-time",
             "--quit-after", "0"], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("startup:"))
        out.append(float(line.split()[1]))
    return out


def main() -> None:
    app = QApplication.instance() or QApplication([])
    print(f"{'what':52s} {'median':>10s} {'p95':>10s}")
    # Three rounds, the scenarios interleaved, so a burst of load elsewhere on a shared machine
    # lands on every scenario alike; a scenario's figure is the median over all its frames.
    times: dict[str, list[float]] = {name: [] for name, _ in SCENARIOS}
    for _ in range(3):
        for name, settings in SCENARIOS:
            times[name] += frame_times(app, settings)
    for name, _ in SCENARIOS:
        t = sorted(times[name])
        med, p95 = statistics.median(t), t[int(0.95 * len(t))]
        print(f"{'frame: ' + name:52s} {med * 1e3:8.2f}ms {p95 * 1e3:8.2f}ms")
    s = sorted(startup_times())
    print(f"{'python main.py to first shown window':52s} {statistics.median(s):9.3f}s "
          f"{s[-1]:9.3f}s (max)")
    print("budget: frame median <= 16.7 ms (60 fps); start-up <= 1.5 s")


if __name__ == "__main__":
    main()
