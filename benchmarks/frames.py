"""What the page benchmarks share: time the frames of one lab's page while it plays.

A frame is what one timer tick does while playing (``lab.tick()``: k engine steps, then the
redraw), then the event loop's pass that repaints the page. The lab plays with its timer active
but an interval too long to fire, so the page behaves as while playing, and the ticks are called
by hand.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from ui.labs import entry_for  # noqa: E402


def time_ticks(app: QApplication, lab, frames: int, after_tick: Callable[[], None] | None = None
               ) -> list[float]:
    """Play ``lab`` with its timer active but too slow to fire, then time ``frames`` ticks, each
    followed by the event loop's pass (scene updates and the repaint they post)."""
    lab.play()
    lab.timer.setInterval(10**8)
    lab.timer.start()
    out = []
    for _ in range(frames):
        t0 = time.perf_counter()
        lab.tick()
        app.processEvents()
        out.append(time.perf_counter() - t0)
        if after_tick is not None:
            after_tick()
    lab.pause()
    return out


def open_page(key: str, size: tuple[int, int] = (1280, 800)):
    """(app, window, page): lab ``key``'s page alone in a shown window of ``size``."""
    app = QApplication.instance() or QApplication([])
    win = QMainWindow()
    page = entry_for(key).make_page()
    win.setCentralWidget(page)
    win.resize(*size)
    win.show()
    app.processEvents()
    return app, win, page


def page_frame_times(key: str, prepare: Callable[[object], None], frames: int = 270,
                     warmup: int = 20, size: tuple[int, int] = (1280, 800)) -> list[float]:
    """Seconds per frame of lab ``key``'s page, after ``prepare(page)`` set it up."""
    app, win, page = open_page(key, size)
    prepare(page)
    out = time_ticks(app, page.lab, frames)
    page.shutdown()
    win.close()
    return out[warmup:]


def print_table(title: str, rows: list[tuple[str, list[float]]]) -> None:
    """Median and p95 per scenario, in milliseconds."""
    print(f"{title:50s} {'median':>10s} {'p95':>10s}")
    for name, times in rows:
        t = sorted(times)
        print(f"{name:50s} {statistics.median(t) * 1e3:8.2f}ms {t[int(0.95 * len(t))] * 1e3:8.2f}ms")
    print("budget: frame median <= 16.7 ms (60 fps)")
