"""Frame time of the tuning page while it draws, offscreen at 1280x800; prints a table.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_tuning_page.py

A frame: one batch of 20 draws of each kind (at speed 1; more at higher speeds), the tallies,
the four histograms and the readouts, and the repaint (see frames.py). The draws per run are set
high enough that no run ends during the measurement, so the last frames show tall histograms.
"""

from __future__ import annotations

from frames import page_frame_times, print_table

SCENARIOS = [
    ("Scale: 1 batch of 20 per frame", 1),
    ("Scale: 25 batches of 20 per frame (max)", 25),
]


def prepare(speed: int):
    def set_up(page) -> None:
        page.lab.set_draws(100_000)
        page.lab.set_speed(speed)
        page.lab.reset()
    return set_up


if __name__ == "__main__":
    print_table("tuning page frame (1280x800, offscreen)",
                [(name, page_frame_times("tuning", prepare(speed))) for name, speed in SCENARIOS])
