"""Frame time of the classifier page while training, and its speed at its defaults against TF
Playground's; prints two tables.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_classifier_page.py [--playground-only]

A frame is one timer tick while playing: k mini-batch steps, the 200x200 decision-region refresh,
the misclassified outlines, the curves, then the event loop's repaint of the 1280x800 window.

The speed row plays TF Playground's problem (its spiral: 500 points, half for testing, mini-batches
of 10, a 2-4-2 tanh network, α 0.03) at the page's default speed, through the page's own timer,
for a few seconds, and counts epochs a second. TF Playground trains one epoch per animation frame
(its ``oneStep`` per ``requestAnimationFrame``), so at most 60 a second on a 60 Hz display; 50 a
second measured in Chromium on a 2-core machine like this one (issue 21).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from frames import time_ticks  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.main_window import MainWindow  # noqa: E402

SCENARIOS = [
    ("blobs, softmax regression, 2 batches/frame", {"dataset": "blobs", "classes": 3}, 2),
    ("spiral, 2-16-16-3 tanh, 2 batches/frame",
     {"dataset": "spiral", "classes": 3, "hidden": [16, 16], "lr": 0.01}, 2),
    ("spiral, 2-32-32-32-8 relu, 5 batches/frame",
     {"dataset": "spiral", "classes": 8, "hidden": [32, 32, 32], "activation": "relu"}, 5),
]


def classifier_window(app: QApplication):
    """(window, page): a shown 1280x800 window with the classifier page in front."""
    win = MainWindow(session_path=None)
    win.resize(1280, 800)
    page = win.show_page("classifier")
    win.show()
    app.processEvents()
    return win, page


def frame_times(app: QApplication, settings: dict, speed: int, frames: int = 250) -> list[float]:
    win, page = classifier_window(app)
    lab = page.lab
    lab.configure(**settings)
    lab.set_speed(speed)
    out = time_ticks(app, lab, frames)
    win.close()
    return out[20:]


PLAYGROUND = {"dataset": "spiral", "classes": 2, "n": 500, "test_fraction": 0.5, "hidden": [4, 2],
              "activation": "tanh", "batch_size": 10, "lr": 0.03}
PLAYGROUND_EPOCHS_S = 50.0  # TF Playground in Chromium on a 2-core machine (issue 21's table)


def playground_speed(app: QApplication, seconds: float = 4.0) -> tuple[float, float, int]:
    """(epochs a second, frames a second, mini-batches a frame) of the page playing TF
    Playground's problem at its default speed through its own timer, in a shown 1280x800 window."""
    win, page = classifier_window(app)
    lab = page.lab
    assert lab.configure(**PLAYGROUND)
    lab.play()
    loop = QEventLoop()
    QTimer.singleShot(500, loop.quit)  # warm up
    loop.exec()
    e0, i0, t0 = lab.trainer.epoch, lab.iteration, time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    elapsed = time.perf_counter() - t0
    epochs, steps = lab.trainer.epoch - e0, lab.iteration - i0
    lab.pause()
    win.close()
    return epochs / elapsed, steps / lab.speed / elapsed, lab.speed


def print_playground(app: QApplication, rounds: int = 3) -> None:
    runs = [playground_speed(app) for _ in range(rounds)]
    eps = statistics.median(r[0] for r in runs)
    fps = statistics.median(r[1] for r in runs)
    print(f"TF Playground's spiral at the default speed ({runs[0][2]} mini-batches of 10 a frame), "
          f"median of {rounds} runs of 4 s")
    print(f"{'':34s} {'epochs/s':>9s} {'frames/s':>9s} {'× TF Playground':>16s}")
    print(f"{'Descent (this tree)':34s} {eps:9.1f} {fps:9.1f} {eps / PLAYGROUND_EPOCHS_S:16.2f}")
    print(f"{'TF Playground (issue 21, Chromium)':34s} {PLAYGROUND_EPOCHS_S:9.1f} {'':>9s} {1.0:16.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--playground-only", action="store_true", help="only the speed row")
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    print_playground(app)
    print()
    if args.playground_only:
        return
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
