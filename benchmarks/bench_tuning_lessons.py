"""Frames of the tuning lab's training lessons (Scale, Caviar, Panda, Population), offscreen at
1280x800, early in a run and late in a long one; prints tables.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_tuning_lessons.py [--quick] [NAME ...]

A frame is what one timer tick does while playing, then the event loop's pass (see frames.py).
A lesson that trains in the worker (Caviar, Population) is ticked at its timer's interval, so
that each frame has the new epochs to draw; the others are ticked back to back. "late" rows
train the lesson first (outside the timing) and then time its frames, to show that a frame
costs the same after hundreds of epochs as after a few.

Three tables: wall-clock time; the GUI thread's CPU time (what the frame costs the window,
without what other processes or the worker thread take); and that CPU time split between the
tick (training on the GUI thread, and the redraw) and the event loop's pass (the repaint).
"""

from __future__ import annotations

import statistics
import sys

from bench_tuning_page import LONG, frame_times, scale
from frames import print_table


def lesson(key: str, trained: int = 0, **settings):
    """Lesson ``key`` in front, set for a run that does not end, trained ``trained`` epochs
    first (and the panda given one change of α, a mark on its curve)."""
    def set_up(page) -> None:
        page.lab.set_lesson(key)
        page.lab.configure(key, epochs=LONG, **settings)
        page.lab.run(trained)
        if key == "panda":
            page.lab.configure("panda", lr=0.01)
    return set_up


SCENARIOS = [
    ("Scale: 1 batch of 20 per frame", scale(1), 200),
    ("Scale: 24 batches of 20 per frame", scale(24), 180),
    ("Caviar: 64 models", lesson("caviar", models=64), 80),
    ("Caviar: 256 models", lesson("caviar", models=256), 50),
    ("Caviar: 64 models, late (after 300 epochs)", lesson("caviar", 300, models=64), 80),
    ("Panda: 1 model", lesson("panda"), 200),
    ("Panda: 1 model, late (after 2,000 epochs)", lesson("panda", 2000), 200),
    ("Population: 16 members", lesson("population", size=16), 80),
    ("Population: 16 members, late (after 400 epochs)", lesson("population", 400, size=16), 80),
    ("Population: 64 members", lesson("population", size=64), 60),
]


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("--")]
    chosen = [s for s in SCENARIOS if not names or any(n.lower() in s[0].lower() for n in names)]
    results = []
    for name, prepare, frames in chosen:
        results.append((name, frame_times(prepare, frames // 2 if quick else frames)))
    print_table("tuning lessons frame (1280x800, offscreen), wall clock",
                [(n, r["wall"]) for n, r in results])
    print()
    print_table("the same frames, GUI-thread CPU time", [(n, r["cpu"]) for n, r in results])
    print()
    print(f"{'GUI-thread CPU, median':50s} {'tick':>10s} {'repaint':>10s}")
    for name, r in results:
        print(f"{name:50s} {statistics.median(r['tick']) * 1e3:8.2f}ms "
              f"{statistics.median(r['paint']) * 1e3:8.2f}ms")


if __name__ == "__main__":
    main(sys.argv[1:])
