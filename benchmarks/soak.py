"""Long runs: does a page's frame cost or memory grow as it trains? And the frame budget at
1920x1080. Prints tables.

    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py              # 100,000 steps a page
    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py --quick      # 5,000 steps a page
    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py --minutes 10 # or 10 minutes a page
    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py --budget     # frame medians, 1920x1080

Soak: each page plays at its "max" notch (as many steps a tick as fit in the frame budget),
ticked as its timer would (as ``frames.time_ticks`` does). The median frame and the resident
memory are measured over ``--window`` frames at the start and again at the end; both should grow
under 10%. The GUI thread's CPU time per frame is printed beside the wall time: on a machine
shared with other work the wall time moves with their load, the CPU time much less. A run that
ends by itself (a race where every racer stopped, a finished sweep) is played again, as Play
would. ``--pages`` picks the pages (both tables).

Budget: each page at its default speed and at max speed, in a 1920x1080 window (fullscreen on
a 1920x1080 screen), median frame while training; the budget is 16.7 ms (60 fps).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable

from frames import open_page

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


def timed_frames(app, lab, frames: int) -> tuple[list[float], list[float], list[int]]:
    """Play ``lab`` with its timer active but too slow to fire, and time ``frames`` ticks, each
    with the event loop's pass that repaints: wall and GUI-thread CPU seconds, and steps run."""
    lab.play()
    lab.timer.setInterval(10**8)
    again = keep_playing(lab)
    wall, cpu, steps = [], [], []
    for _ in range(frames):
        t0, c0 = time.perf_counter(), time.thread_time()
        lab.tick()
        app.processEvents()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        steps.append(lab.last_tick_steps)
        again()
    return wall, cpu, steps


def soak(key: str, steps: int, seconds: float, window: int, size: tuple[int, int]) -> dict:
    """Frame medians (wall and CPU) and RSS at the start and the end of a long run of page
    ``key``."""
    app, win, page = open_page(key, size)
    prepare(key)(page)
    lab = page.lab
    lab.set_speed(lab.MAX_SPEED)
    again = keep_playing(lab)
    timed_frames(app, lab, 20)  # warm-up
    start, start_cpu, _ = (statistics.median(t) for t in timed_frames(app, lab, window))
    start_rss = rss_mb()
    done, t0 = 0, time.monotonic()
    lab.play()
    lab.timer.setInterval(10**8)
    while done < steps and time.monotonic() - t0 < seconds:
        lab.tick()
        app.processEvents()
        done += lab.last_tick_steps
        again()
    end, end_cpu, _ = (statistics.median(t) for t in timed_frames(app, lab, window))
    out = {"page": key, "steps": done, "seconds": time.monotonic() - t0, "start_ms": start * 1e3,
           "end_ms": end * 1e3, "start_cpu": start_cpu * 1e3, "end_cpu": end_cpu * 1e3,
           "start_mb": start_rss, "end_mb": rss_mb()}
    page.shutdown()
    win.close()
    return out


def growth(a: float, b: float) -> float:
    return (b - a) / a if a else 0.0


def print_soak(rows: list[dict]) -> None:
    print(f"{'page':12s} {'steps':>9s} {'time':>7s} {'frame start':>12s} {'frame end':>10s} {'growth':>7s}"
          f" {'cpu start':>10s} {'cpu end':>8s} {'growth':>7s} {'RSS start':>10s} {'RSS end':>9s}"
          f" {'growth':>7s}")
    for r in rows:
        gf, gm = growth(r["start_ms"], r["end_ms"]), growth(r["start_mb"], r["end_mb"])
        gc = growth(r["start_cpu"], r["end_cpu"])
        print(f"{r['page']:12s} {r['steps']:9d} {r['seconds']:6.0f}s {r['start_ms']:10.2f}ms"
              f" {r['end_ms']:8.2f}ms {gf:+7.1%} {r['start_cpu']:8.2f}ms {r['end_cpu']:6.2f}ms {gc:+7.1%}"
              f" {r['start_mb']:8.1f}MB {r['end_mb']:7.1f}MB {gm:+7.1%}"
              f"  {'ok' if gf < LIMIT and gm < LIMIT else 'GROWS'}")
    print(f"limit: frame time and resident memory each grow under {LIMIT:.0%} from start to end")


def budget(frames: int, size: tuple[int, int], pages: list[str]) -> None:
    """Median and p95 frame per page, at its default speed and at max speed, and the median
    GUI-thread CPU time of a frame (less inflated by the machine's other load)."""
    print(f"{'page at ' + 'x'.join(map(str, size)):40s} {'median':>10s} {'p95':>10s} {'cpu':>10s}"
          f" {'steps/frame':>12s}")
    for key in pages:
        for label, (t, cpu, steps) in budget_rows(key, frames, size):
            t.sort()
            med, p95 = statistics.median(t), t[int(0.95 * len(t))]
            per = f"{statistics.median(steps):.0f}" if steps else "-"
            print(f"{key + ', ' + label:40s} {med * 1e3:8.2f}ms {p95 * 1e3:8.2f}ms"
                  f" {statistics.median(cpu) * 1e3:8.2f}ms {per:>12s}"
                  f"  {'ok' if med <= 1 / 60 else 'OVER'}")
    print("budget: frame median <= 16.7 ms (60 fps) on every page while training")


def budget_rows(key: str, frames: int, size: tuple[int, int]):
    """(label, (wall, cpu, steps)) for page ``key``: at its default speed and at max. The tuning
    page trains in its worker at its lessons' own pace: a search running and a Caviar of 64
    models, measured as bench_tuning_page measures them (no steps column)."""
    if key != "tuning":
        for label, top in (("default speed", False), ("max speed", True)):
            yield label, budget_row(key, top, frames, size)
        return
    from bench_tuning_page import caviar, frame_times, search
    for label, prepare_lesson in (("search running", search(0)), ("Caviar of 64", caviar(64))):
        times = frame_times(prepare_lesson, min(frames, 120), warmup=20, size=size)
        yield label, (times["wall"], times["cpu"], [])


def budget_row(key: str, top: bool, frames: int, size: tuple[int, int], warmup: int = 20
               ) -> tuple[list[float], list[float], list[int]]:
    """Wall and CPU seconds of each frame of page ``key`` (at max speed if ``top``) and the
    steps each frame ran, after ``warmup`` frames."""
    app, win, page = open_page(key, size)
    prepare(key)(page)
    if top:
        page.lab.set_speed(page.lab.MAX_SPEED)
    wall, cpu, steps = (t[warmup:] for t in timed_frames(app, page.lab, warmup + frames))
    page.shutdown()
    win.close()
    return wall, cpu, steps


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
        budget(args.frames, (1920, 1080), args.pages)
        return
    steps, window = (5000, 40) if args.quick else (args.steps, args.window)
    rows = [soak(k, steps, 60 * args.minutes, window, (1280, 800)) for k in args.pages]
    print_soak(rows)


if __name__ == "__main__":
    main()
