"""Frame time of the tuning page while it draws, offscreen at 1280x800; prints a table.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_tuning_page.py [WORD]

With WORD, only the scenarios whose name holds it (e.g. ``Search``).

A frame is what one timer tick does while playing (see frames.py), then the repaint:
- Scale: one batch of 20 draws of each kind (more at higher speeds), the tallies, the four
  histograms and the readouts; the draws per run are set high enough that no run ends.
- Search: the frame while grid and random search (25 trials each) train in the worker; the GUI
  thread only draws the partial results that arrive after each epoch (each sub-tab in turn). Between
  two frames the event loop runs for the lesson's interval (50 ms, not timed), as in the app: the
  partial results arrive, the window says it has painted (``ui.framework.frames``), and the
  worker trains.
- Caviar: 64 models train in the worker, one epoch a frame; every learning curve redrawn.
- Panda: one epoch of one model, its three plots and the marks.
- Population: one epoch of 16 members (and a copy every 5), their α histories and curves.
Frames of lessons that train in the worker are paced as Search's are.

Two tables: wall-clock time, and the GUI thread's CPU time (what the frame itself costs, without
the time other processes or the worker thread hold the cores).
"""

from __future__ import annotations

import statistics
import sys
import time

from frames import open_page, print_table
from PySide6.QtCore import QEventLoop, QTimer

LONG = 10_000  # epochs (the most a trial may train): no run ends while it is measured


def scale(speed: int):
    def set_up(page) -> None:
        page.lab.configure("scale", draws=100_000)
        page.lab.set_speed(speed)
        page.lab.reset()
    return set_up


def search(tab: int):
    def set_up(page) -> None:
        page.lab.set_lesson("search")
        page.lab.configure("search", epochs=LONG)
        page.views["search"].setCurrentIndex(tab)
    return set_up


def caviar(models: int):
    def set_up(page) -> None:
        page.lab.set_lesson("caviar")
        page.lab.configure("caviar", models=models, epochs=LONG)
    return set_up


def panda(page) -> None:
    page.lab.set_lesson("panda")
    page.lab.configure("panda", epochs=LONG)


def population(page) -> None:
    page.lab.set_lesson("population")
    page.lab.configure("population", epochs=LONG)


SCENARIOS = [
    ("Scale: 1 batch of 20 per frame", scale(1), 270),
    ("Scale: 24 batches of 20 per frame", scale(24), 180),  # 4,320 of the 5,000 batches
    ("Search running: Grid vs random tab", search(0), 150),
    ("Search running: Views tab", search(1), 150),
    ("Search running: Table tab", search(2), 150),
    ("Caviar: 64 models, 1 epoch per frame", caviar(64), 120),
    ("Caviar: 256 models, 1 epoch per frame", caviar(256), 60),
    ("Panda: 1 model, 1 epoch per frame", panda, 270),
    ("Population: 16 members, 1 epoch per frame", population, 120),
]


def frame_times(prepare, frames: int, warmup: int = 10, size: tuple[int, int] = (1280, 800)
                ) -> dict[str, list[float]]:
    """Per frame: wall-clock seconds, GUI-thread CPU seconds, and that CPU split into the tick
    and the event loop's pass, in a window of ``size``."""
    app, win, page = open_page("tuning", size)
    prepare(page)
    lab = page.lab
    lab.play()
    lab.timer.setInterval(10**8)  # playing, but the ticks are called here
    lab.timer.start()
    pace = lab.lesson.interval_ms / 1000 if getattr(lab.lesson, "worker", False) else 0.0
    out: dict[str, list[float]] = {"wall": [], "cpu": [], "tick": [], "paint": []}
    for _ in range(frames):
        if pace:  # the time between two ticks, in the event loop as the app spends it
            idle = QEventLoop()
            QTimer.singleShot(round(pace * 1000), idle.quit)
            idle.exec()
        t0, c0 = time.perf_counter(), time.thread_time()
        lab.tick()
        c1 = time.thread_time()
        app.processEvents()
        c2 = time.thread_time()
        out["wall"].append(time.perf_counter() - t0)
        out["cpu"].append(c2 - c0)
        out["tick"].append(c1 - c0)
        out["paint"].append(c2 - c1)
    if not (lab.running or lab.busy):
        raise RuntimeError(f"the {lab.lesson_key} run ended while it was measured: {page.message}")
    page.shutdown()
    win.close()
    return {k: v[warmup:] for k, v in out.items()}


if __name__ == "__main__":
    rows, cpu_rows = [], []
    word = sys.argv[1] if len(sys.argv) > 1 else ""
    for name, prepare, frames in SCENARIOS:
        if word.lower() not in name.lower():
            continue
        times = frame_times(prepare, frames, warmup=20)
        wall, cpu = times["wall"], times["cpu"]
        rows.append((name, wall))
        cpu_rows.append((name, cpu))
    print_table("tuning page frame (1280x800, offscreen), wall clock", rows)
    print()
    print_table("the same frames, GUI-thread CPU time", cpu_rows)
    print("median ratios (wall / CPU):", ", ".join(
        f"{statistics.median(w) / max(statistics.median(c), 1e-9):.1f}" for (_, w), (_, c) in
        zip(rows, cpu_rows, strict=True)))
