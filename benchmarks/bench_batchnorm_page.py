"""Frame time of the batch-norm page while training, offscreen at 1280x800; prints a table.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_batchnorm_page.py

A frame is what one timer tick does while playing: k mini-batches for each twin with the
per-iteration recording, the redraw of the visible tab, then the event loop's pass that repaints
it. As in bench_optimizer_page.py, the lab plays with its timer active but an interval too long to
fire, and the ticks are called by hand.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from ui.labs import lab_for  # noqa: E402

SCENARIOS = [
    ("Statistics tab, m = 32, 2 batches/frame", {"tab": 0, "speed": 2}),
    ("Statistics tab, m = 32, 10 batches/frame", {"tab": 0, "speed": 10}),
    ("Statistics tab, m = 2, 10 batches/frame", {"tab": 0, "speed": 10, "batch": 2}),
    ("Test time tab, m = 32, 2 batches/frame", {"tab": 1, "speed": 2}),
    ("Twins tab, m = 32, 2 batches/frame", {"tab": 2, "speed": 2}),
]


def frame_times(app: QApplication, settings: dict, frames: int = 270) -> list[float]:
    win = QMainWindow()
    page = lab_for("batchnorm").make_page()
    win.setCentralWidget(page)
    win.resize(1280, 800)
    win.show()
    app.processEvents()
    lab = page.lab
    if "batch" in settings:
        lab.set_batch_size(settings["batch"])
    lab.set_speed(settings["speed"])
    page.tabs.setCurrentIndex(settings["tab"])
    lab.reset()
    lab.play()
    lab.timer.setInterval(10**8)
    lab.timer.start()
    out = []
    for _ in range(frames):
        t0 = time.perf_counter()
        lab.tick()
        app.processEvents()
        out.append(time.perf_counter() - t0)
    lab.pause()
    page.shutdown()
    win.close()
    return out[20:]  # drop warm-up


def main() -> None:
    app = QApplication.instance() or QApplication([])
    print(f"{'frame (1280x800, offscreen)':50s} {'median':>10s} {'p95':>10s}")
    for name, settings in SCENARIOS:
        t = sorted(frame_times(app, settings))
        med, p95 = statistics.median(t), t[int(0.95 * len(t))]
        print(f"{name:50s} {med * 1e3:8.2f}ms {p95 * 1e3:8.2f}ms")
    print("budget: frame median <= 16.7 ms (60 fps)")


if __name__ == "__main__":
    main()
