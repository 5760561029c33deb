"""Long runs: does a page's frame cost or memory grow as it trains? And the frame budget at
1920x1080. Prints tables.

    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py              # 100,000 steps a page
    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py --quick      # 5,000 steps a page
    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py --minutes 10 # or 10 minutes a page
    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py --budget     # frame medians, 1920x1080

Soak: each page plays at its "max" notch (as many steps a tick as fit in the frame budget),
ticked as its timer would (``frames.time_ticks``). The median frame and the resident memory
are measured over ``--window`` frames at the start and again at the end; both should grow under
10%. A run that ends by itself (a race where every racer stopped, a finished sweep) is played
again, as Play would.

Budget: each page at its default speed and at max speed, in a 1920x1080 window (fullscreen on
a 1920x1080 screen), median frame while training; the budget is 16.7 ms (60 fps).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable

from frames import open_page, page_frame_times, time_ticks

from ui.labs import LABS

LIMIT = 0.10  # the growth a soak allows, in frame time and in memory


def rss_mb() -> float:
    """Resident memory of this process, in MB (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def prepare(key: str) -> Callable[[object], None]:
    """What a page needs to train for ever: the optimizer race on a noisy bowl never stops."""
    def go(page) -> None:
        if key == "optimizers":
            page.lab.set_surface("bowl")
            page.lab.set_noise(0.5)
    return go


def keep_playing(lab) -> Callable[[], None]:
    def again() -> None:
        if not lab.running:
            lab.play()  # a finished run starts over, as the Play button does
    return again


def soak(key: str, steps: int, seconds: float, window: int, size: tuple[int, int]) -> dict:
    """Frame medians and RSS at the start and the end of a long run of page ``key``."""
    app, win, page = open_page(key, size)
    prepare(key)(page)
    lab = page.lab
    lab.set_speed(lab.MAX_SPEED)
    again = keep_playing(lab)
    time_ticks(app, lab, 20, again)  # warm-up
    start = statistics.median(time_ticks(app, lab, window, again))
    start_rss = rss_mb()
    done, t0 = 0, time.monotonic()
    lab.play()
    lab.timer.setInterval(10**8)
    while done < steps and time.monotonic() - t0 < seconds:
        lab.tick()
        app.processEvents()
        done += lab.last_tick_steps
        again()
    end = statistics.median(time_ticks(app, lab, window, again))
    out = {"page": key, "steps": done, "seconds": time.monotonic() - t0, "start_ms": start * 1e3,
           "end_ms": end * 1e3, "start_mb": start_rss, "end_mb": rss_mb()}
    page.shutdown()
    win.close()
    return out


def growth(a: float, b: float) -> float:
    return (b - a) / a if a else 0.0


def print_soak(rows: list[dict]) -> None:
    print(f"{'page':12s} {'steps':>9s} {'time':>7s} {'frame start':>12s} {'frame end':>10s} {'growth':>7s}"
          f" {'RSS start':>10s} {'RSS end':>9s} {'growth':>7s}")
    for r in rows:
        gf, gm = growth(r["start_ms"], r["end_ms"]), growth(r["start_mb"], r["end_mb"])
        print(f"{r['page']:12s} {r['steps']:9d} {r['seconds']:6.0f}s {r['start_ms']:10.2f}ms"
              f" {r['end_ms']:8.2f}ms {gf:+7.1%} {r['start_mb']:8.1f}MB {r['end_mb']:7.1f}MB {gm:+7.1%}"
              f"  {'ok' if gf < LIMIT and gm < LIMIT else 'GROWS'}")
    print(f"limit: frame time and resident memory each grow under {LIMIT:.0%} from start to end")


def budget(frames: int, size: tuple[int, int]) -> None:
    """Median and p95 frame per page, at its default speed and at max speed."""
    print(f"{'page at ' + 'x'.join(map(str, size)):40s} {'median':>10s} {'p95':>10s} {'steps/frame':>12s}")
    for entry in LABS:
        for label, top in (("default speed", False), ("max speed", True)):
            t, steps = budget_row(entry.key, top, frames, size)
            t.sort()
            med, p95 = statistics.median(t), t[int(0.95 * len(t))]
            per = statistics.median(steps) if steps else 0
            print(f"{entry.key + ', ' + label:40s} {med * 1e3:8.2f}ms {p95 * 1e3:8.2f}ms {per:12.0f}"
                  f"  {'ok' if med <= 1 / 60 else 'OVER'}")
    print("budget: frame median <= 16.7 ms (60 fps) on every page while training")


def budget_row(key: str, top: bool, frames: int, size: tuple[int, int]) -> tuple[list[float], list[int]]:
    """Frame times of page ``key`` (at max speed if ``top``) and the steps each frame ran."""
    steps: list[int] = []

    def setup(page) -> None:
        prepare(key)(page)
        if top:
            page.lab.set_speed(page.lab.MAX_SPEED)
        page.lab.stepped.connect(lambda: steps.append(page.lab.last_tick_steps))

    return page_frame_times(key, setup, frames=frames, size=size), steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=100_000, help="engine steps a page (default 100,000)")
    ap.add_argument("--minutes", type=float, default=10.0, help="or at most this long a page (default 10)")
    ap.add_argument("--quick", action="store_true", help="5,000 steps a page, a short window")
    ap.add_argument("--window", type=int, default=100, help="frames measured at the start and the end")
    ap.add_argument("--pages", nargs="*", default=[e.key for e in LABS], help="the pages (default all)")
    ap.add_argument("--budget", action="store_true", help="the frame-budget table at 1920x1080 instead")
    ap.add_argument("--frames", type=int, default=200, help="frames per budget row")
    args = ap.parse_args()
    if args.budget:
        budget(args.frames, (1920, 1080))
        return
    steps, window = (5000, 40) if args.quick else (args.steps, args.window)
    rows = [soak(k, steps, 60 * args.minutes, window, (1280, 800)) for k in args.pages]
    print_soak(rows)


if __name__ == "__main__":
    main()
