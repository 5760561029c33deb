"""Descent: start the app.

    python main.py                    open the window (restoring the last session)
    python main.py --fresh            start from the defaults
    python main.py --page classifier  open on that lab's page
    python main.py --screenshot F     render the window to a PNG and quit
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
# The engine's matrices are small: BLAS threads only contend with the GUI thread for 2 cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from ui.labs import LAB_KEYS, LABS

    ap = argparse.ArgumentParser(
        prog="descent",
        description="Descent: see how deep networks are made to train well, one lab per lesson of "
        "the course notes.",
    )
    ap.add_argument("--page", choices=LAB_KEYS, help="open on this lab's page")
    for entry in LABS:
        for opt in entry.options:
            ap.add_argument(opt.flag, metavar=opt.metavar, help=opt.help)
    ap.add_argument("--preset", help="load a classroom preset by name (see the Presets menu)")
    ap.add_argument("--fresh", action="store_true",
                    help="ignore the saved session and start from the defaults")
    ap.add_argument("--play", action="store_true", help="start the page in front at once")
    ap.add_argument("--screenshot", metavar="PNG",
                    help="render the window to this PNG file and quit")
    ap.add_argument("--quit-after", type=float, metavar="SECONDS",
                    help="quit after this many seconds (for demos and tests)")
    ap.add_argument("--print-startup-time", action="store_true",
                    help="print the seconds from launch to the first shown window")
    return ap.parse_args(argv)


def install_error_hook(win) -> None:
    """An unexpected error in a slot must not end a lesson: print the traceback for the
    developers, tell the user in the status bar, and keep the window and its state."""
    import traceback

    def hook(kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb)
        try:
            win.statusBar().showMessage(
                f"Something went wrong ({kind.__name__}: {value}); your settings are unchanged. "
                "Details were printed in the terminal.", 15000)
        except RuntimeError:  # the window is already gone
            pass

    sys.excepthook = hook


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Descent")
    app.setOrganizationName("Descent")

    from ui.labs import LABS
    from ui.main_window import MainWindow, default_session_path

    win = MainWindow(session_path=None if args.fresh else default_session_path())
    install_error_hook(win)
    if args.page:
        win.show_page(args.page)
    for entry in LABS:
        for opt in entry.options:
            value = getattr(args, opt.flag.lstrip("-").replace("-", "_"))
            if value is None:
                continue
            errors: list[str] = []
            page = win.pages[entry.key]
            page.lab.error.connect(errors.append)
            if not opt.apply(page.lab, value):
                print(f"descent: {opt.flag} {value}: {'; '.join(errors) or 'refused'}",
                      file=sys.stderr)
                return 2
    if args.preset:
        match = [p for p in win.presets if p["name"].lower() == args.preset.lower()]
        if not match:
            names = ", ".join(p["name"] for p in win.presets)
            print(f"descent: no preset {args.preset!r}; presets: {names}", file=sys.stderr)
            return 2
        win.apply_preset(match[0])
    win.show()
    if args.print_startup_time:
        def report() -> None:
            print(f"startup: {time.perf_counter() - T0:.3f} s to first shown window", flush=True)
        QTimer.singleShot(0, report)
    if args.play:
        win.current_page.lab.play()
    if args.screenshot:
        def shoot() -> None:
            win.grab().save(str(Path(args.screenshot)))
            win.close()
        QTimer.singleShot(int(1000 * (args.quit_after or 0.5)), shoot)
    elif args.quit_after is not None:
        QTimer.singleShot(int(1000 * args.quit_after), win.close)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
