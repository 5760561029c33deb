"""Frame time of the batch-norm page while training, offscreen at 1280x800; prints a table.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_batchnorm_page.py

A frame: k mini-batches for each twin with the per-iteration recording, the redraw of the visible
tab, and the repaint (see frames.py).
"""

from __future__ import annotations

from frames import page_frame_times, print_table

SCENARIOS = [
    ("Statistics tab, m = 32, 2 batches/frame", {"tab": 0, "speed": 2}),
    ("Statistics tab, m = 32, 10 batches/frame", {"tab": 0, "speed": 10}),
    ("Statistics tab, m = 2, 10 batches/frame", {"tab": 0, "speed": 10, "batch": 2}),
    ("Test time tab, m = 32, 2 batches/frame", {"tab": 1, "speed": 2}),
    ("Twins tab, m = 32, 2 batches/frame", {"tab": 2, "speed": 2}),
]


def prepare(settings: dict):
    def set_up(page) -> None:
        lab = page.lab
        if "batch" in settings:
            lab.set_batch_size(settings["batch"])
        lab.set_speed(settings["speed"])
        page.tabs.setCurrentIndex(settings["tab"])
        lab.reset()
    return set_up


if __name__ == "__main__":
    print_table("frame (1280x800, offscreen)",
                [(name, page_frame_times("batchnorm", prepare(s))) for name, s in SCENARIOS])
