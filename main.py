"""Descent: start the app, or render a page from the command line.

    python main.py                    open the window (restoring the last session)
    python main.py --fresh            start from the defaults
    python main.py --page classifier  open on that lab's page
    python main.py --page optimizers --preset NAME --steps 200 --screenshot out.png
                                      render without showing a window, then quit
    python main.py --page classifier --steps 50 --gif run.gif --frames 60 --export-csv run.csv

Exit status: 0 when done, 2 for a bad argument (one line on stderr says which), 1 when a file
could not be written or the session could not be saved, 130 when Ctrl+C stopped --steps (a long
run prints its progress on stderr; the files are written with the steps done).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import sys
import time
from pathlib import Path

from ui.long_run import run_steps  # no Qt: the platform is chosen after the arguments are read

T0 = time.perf_counter()
# The engine's matrices are small: BLAS threads only contend with the GUI thread for 2 cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

ICON = Path(__file__).resolve().parent / "ui" / "icons" / "descent.svg"
MAX_STEPS = 10_000_000
MAX_FRAMES = 1000
INTERRUPTED = 130  # Ctrl+C stopped --steps: what was done is written or saved, as a shell expects


def _number(kind: type, low: float, high: float, what: str):
    """An argparse type: a finite ``kind`` in [low, high], else a one-line error naming it."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {what} in [{low:g}, {high:g}], got {text!r}")
        return value
    return parse


def _out_file(suffixes: tuple[str, ...]):
    """An argparse type: a file to write, in a folder that exists, with one of ``suffixes``."""
    def parse(text: str) -> Path:
        path = Path(text)
        if path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(f"{text!r} must end in {' or '.join(suffixes)}")
        folder = path.parent
        if not folder.is_dir():
            raise argparse.ArgumentTypeError(f"the folder {str(folder)!r} does not exist")
        return path
    return parse


def _out_dir(text: str) -> Path:
    """A folder to write into: made if missing; not an existing file."""
    path = Path(text).expanduser()
    if not text.strip():
        raise argparse.ArgumentTypeError("a folder's name, not an empty one")
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    return path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from ui.labs import LAB_KEYS, LABS

    ap = argparse.ArgumentParser(
        prog="descent",
        description="Descent: see how deep networks are made to train well, one lab per lesson of "
        "the course notes. With --screenshot, --gif or --export-csv it renders the page without "
        "showing a window (and neither reads nor writes the saved session), then quits.",
        epilog="The window saves its session every few seconds and when it closes (SIGTERM "
        "included); a session file that cannot be fully read is kept as session.json.bak. "
        "Exit status: 0 done, 2 bad argument, 1 a file or the session could not be written.")
    from ui.version import version

    ap.add_argument("--version", action="version", version=f"Descent {version()}")
    ap.add_argument("--page", choices=LAB_KEYS, help="open on this lab's page")
    for entry in LABS:
        for opt in entry.options:
            ap.add_argument(opt.flag, metavar=opt.metavar, help=opt.help)
    ap.add_argument("--preset", help="load a classroom preset by name (see the Presets menu); it "
                    "opens its own page")
    ap.add_argument("--fresh", action="store_true",
                    help="ignore the saved session and start from the defaults (nothing is saved)")
    ap.add_argument("--play", action="store_true", help="start the page in front at once")
    ap.add_argument("--steps", type=_number(int, 0, MAX_STEPS, "a whole number"), default=0,
                    metavar="N", help="run N steps of the page in front before anything is rendered")
    ap.add_argument("--screenshot", type=_out_file((".png",)), metavar="PNG",
                    help="render the window to this PNG (after --steps) and quit; the folder "
                    "must exist")
    ap.add_argument("--scale", type=_number(float, 0.25, 4, "a number"), default=1.0,
                    help="scale of --screenshot, e.g. 2 for slides (default 1)")
    ap.add_argument("--gif", type=_out_file((".gif",)), metavar="GIF",
                    help="record the run as an animated GIF: one frame per tick of the page "
                    "(its speed in steps), after --steps")
    ap.add_argument("--frames", type=_number(int, 1, MAX_FRAMES, "a whole number"),
                    metavar="N", help="frames of --gif (default 60)")
    ap.add_argument("--fps", type=_number(float, 1, 50, "a number"), default=15.0,
                    help="frames per second of --gif (default 15)")
    ap.add_argument("--export-csv", type=_out_file((".csv",)), metavar="CSV",
                    help="write the page's curves (File > Export as CSV) after the steps and quit")
    ap.add_argument("--path", metavar="JSON", help="a course path (Course > Save the course path as…) "
                    "to open instead of the one shipped with Descent; the window starts on it")
    ap.add_argument("--handout", type=_out_dir, metavar="DIR",
                    help="render every step of the course path after its run into DIR/index.html "
                    "and one PNG per step (no display needed), then quit")
    ap.add_argument("--quit-after", type=_number(float, 0, 7 * 24 * 3600, "seconds"),
                    metavar="SECONDS", help="quit after this many seconds (for demos and tests)")
    ap.add_argument("--print-startup-time", action="store_true",
                    help="print the seconds from launch to the first shown window")
    args = ap.parse_args(argv)
    if args.gif is None and args.frames is not None:
        ap.error("argument --frames: only with --gif")
    if args.preset is not None and not args.preset.strip():
        ap.error("argument --preset: a preset's name, not an empty one (see the Presets menu)")
    args.frames = 60 if args.frames is None else args.frames
    return args


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


def install_quit_signals(win, app) -> None:
    """SIGTERM (a logout, ``kill``) and Ctrl+C close the window as its close button does, so the
    session is saved. Python handles signals only while it runs, hence the short wake-up timer."""
    from PySide6.QtCore import QTimer

    def close(_signum, _frame) -> None:
        QTimer.singleShot(0, win.close)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, close)
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(200)


def second_window_wanted(win) -> bool:
    """When another Descent window holds the session, ask whether to open this one anyway, with
    a session file of its own; True to go on (also when no other window is open)."""
    from PySide6.QtWidgets import QMessageBox

    keeper = win.keeper
    if keeper is None or keeper.path == keeper.source:
        return True
    answer = QMessageBox.question(
        None, "Descent is already open",
        f"{keeper.note}. Open this window anyway? (No quits: the other window keeps your work.)")
    if answer == QMessageBox.StandardButton.Yes:
        return True
    keeper.release()
    return False


def fail(text: str, code: int = 2) -> int:
    print(f"descent: {text}", file=sys.stderr)
    return code


def prepare(win, args: argparse.Namespace, errors: list[str]) -> int:
    """Apply --page, the labs' own options and --preset; 0, or 2 having said what is wrong."""
    from ui.labs import LABS

    if args.page:
        win.show_page(args.page)
    for entry in LABS:
        for opt in entry.options:
            value = getattr(args, opt.flag.lstrip("-").replace("-", "_"))
            if value is not None and not opt.apply(win.labs[entry.key], value):
                return fail(f"{opt.flag} {value}: {'; '.join(errors) or 'refused'}")
    if args.preset:
        match = [p for p in win.presets if p["name"].lower() == args.preset.lower()]
        if not match:
            names = ", ".join(p["name"] for p in win.presets)
            return fail(f"no preset {args.preset!r}; presets: {names}")
        if args.page and match[0]["page"] != win.labs[args.page].key:
            return fail(f"preset {match[0]['name']!r} is for the page {match[0]['page']!r}, "
                        f"not {args.page!r}")
        del errors[:]
        if not win.apply_preset(match[0]):
            return fail(f"preset {match[0]['name']!r} could not be loaded: {'; '.join(errors)}")
    return 0


def render(win, app, args: argparse.Namespace) -> int:
    """--steps, then --gif, --screenshot and --export-csv, without showing the window."""
    from PySide6.QtCore import Qt

    from ui.framework import export

    win.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    win.show()
    app.processEvents()
    page = win.current_page
    stopped = bool(args.steps) and run_steps(page.lab, args.steps)[1]
    app.processEvents()
    outputs = [Path(p) for p in (args.gif, args.screenshot, args.export_csv) if p]
    new = [p for p in outputs if not p.exists()]
    try:
        if args.gif:
            export.record_gif(win, page.lab.tick, args.gif, args.frames, args.fps,
                              settle=app.processEvents)
        if args.screenshot:
            export.save_png(win, args.screenshot, args.scale)
        if args.export_csv:
            page.export_csv(args.export_csv)
    except (OSError, ValueError) as exc:
        for path in new:  # a half-written file (a full disk) is not left behind as if it were one
            with contextlib.suppress(OSError):
                path.unlink()
        return fail(f"could not write the output: {exc}", 1)
    finally:
        win.close()
    return INTERRUPTED if stopped else 0


def handout(win, app, folder: Path) -> int:
    """--handout DIR: every step of the course path after its run, into DIR."""
    from PySide6.QtCore import Qt

    from ui.course.handout import write_handout

    win.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    win.show()
    app.processEvents()
    try:
        shown = write_handout(win, folder, say=lambda text: print(text, flush=True))
    except OSError as exc:
        return fail(f"could not write the handout: {exc}", 1)
    finally:
        win.close()
    print(f"wrote {folder / 'index.html'}: {len(win.course.path.steps)} steps, {shown} answered by "
          "their runs", flush=True)
    return 0


def dispose(win, app) -> None:
    """Delete the window while the application still runs: left to the interpreter's exit, the
    pages' C++ objects may go after QApplication's and crash it (a segfault, status 139)."""
    from PySide6.QtCore import QEvent

    win.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def quiet_offscreen_warnings() -> None:
    """The offscreen platform says "does not support propagateSizeHints()" at every window it
    lays out: noise on a terminal, not news. Every other message goes through."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind, _context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def offscreen_if_no_display(environ=os.environ, platform: str = sys.platform) -> bool:
    """Rendering to a file shows no window, so it needs no display: where there is none (a
    server, CI) and no Qt platform is asked for, use the offscreen one. True if it did."""
    if environ.get("QT_QPA_PLATFORM") or not platform.startswith("linux"):
        return False
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return False
    environ["QT_QPA_PLATFORM"] = "offscreen"
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    headless = bool(args.screenshot or args.gif or args.export_csv or args.handout)
    if headless:
        offscreen_if_no_display()
        quiet_offscreen_warnings()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ui.version import version

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Descent")
    app.setOrganizationName("Descent")
    app.setApplicationVersion(version())
    app.setDesktopFileName("descent")  # the dock and the launcher match it to descent.desktop
    app.setWindowIcon(QIcon(str(ICON)))

    from ui.autosave import default_session_path
    from ui.main_window import MainWindow

    win = MainWindow(session_path=None if args.fresh or headless else default_session_path())
    try:
        errors: list[str] = []
        win.labs.each(lambda _key, lab: lab.error.connect(errors.append))
        code = prepare(win, args, errors)
        if not code and (args.path or args.handout) and not win.course.start(args.path or ""):
            return fail(win.course.failure)
        if not code and args.handout:
            return handout(win, app, args.handout)
        if code or headless:
            return code or render(win, app, args)
        if not second_window_wanted(win):
            return 0
        return run_window(win, app, args)
    finally:
        if win.keeper is not None:
            win.keeper.release()  # saved at close (or, refused early, not to be saved)
        dispose(win, app)


def run_window(win, app, args: argparse.Namespace) -> int:
    """Show the window until it is closed; 1 if the session could not be saved at the end."""
    from PySide6.QtCore import QTimer

    from ui.framework.presentation import fit_window

    install_error_hook(win)
    if args.steps and run_steps(win.current_page.lab, args.steps)[1]:
        win.close()  # Ctrl+C before the window was shown: the session keeps what was done
        return INTERRUPTED
    install_quit_signals(win, app)
    if win.presentation.store is None:  # --fresh: no remembered geometry, but still on screen
        win.presentation.fit_to_screen()
    win.show()
    # The window manager's title bar and borders are known only once the window is shown: fit again
    QTimer.singleShot(300, win, lambda: fit_window(win))
    if args.print_startup_time:
        def report() -> None:
            print(f"startup: {time.perf_counter() - T0:.3f} s to first shown window", flush=True)
        QTimer.singleShot(0, report)
    if args.play:
        win.current_page.lab.play()
    if args.quit_after is not None:
        QTimer.singleShot(int(1000 * args.quit_after), win.close)
    app.exec()
    return 1 if win.keeper is not None and win.keeper.failed else 0


if __name__ == "__main__":
    sys.exit(main())
