"""Frame time of the classifier page while training; prints a table.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_classifier_page.py

A frame is one timer tick while playing: k mini-batch steps, the 200x200 decision-region refresh,
the misclassified outlines, the curves, then the event loop's repaint of the 1280x800 window.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from frames import time_ticks  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.main_window import MainWindow  # noqa: E402

SCENARIOS = [
    ("blobs, softmax regression, 2 batches/frame", {"dataset": "blobs", "classes": 3}, 2),
    ("spiral, 2-16-16-3 tanh, 2 batches/frame",
     {"dataset": "spiral", "classes": 3, "hidden": [16, 16], "lr": 0.01}, 2),
    ("spiral, 2-32-32-32-8 relu, 5 batches/frame",
     {"dataset": "spiral", "classes": 8, "hidden": [32, 32, 32], "activation": "relu"}, 5),
]


def frame_times(app: QApplication, settings: dict, speed: int, frames: int = 250) -> list[float]:
    win = MainWindow(session_path=None)
    win.resize(1280, 800)
    page = win.show_page("classifier")
    win.show()
    app.processEvents()
    lab = page.lab
    lab.configure(**settings)
    lab.set_speed(speed)
    out = time_ticks(app, lab, frames)
    win.close()
    return out[20:]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    print(f"{'classifier page frame, 1280x800 offscreen':52s} {'median':>10s} {'p95':>10s}")
    times: dict[str, list[float]] = {name: [] for name, _, _ in SCENARIOS}
    for _ in range(3):  # interleaved rounds, as in bench_optimizer_page.py
        for name, settings, speed in SCENARIOS:
            times[name] += frame_times(app, settings, speed)
    for name, _, _ in SCENARIOS:
        t = sorted(times[name])
        print(f"{name:52s} {statistics.median(t) * 1e3:8.2f}ms {t[int(0.95 * len(t))] * 1e3:8.2f}ms")
    print("budget: median <= 16.7 ms (60 fps)")


if __name__ == "__main__":
    main()
