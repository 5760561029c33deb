"""Shared test set-up: Qt renders offscreen, so no test needs a display.

Factories build a controller alone (``make_controller``), a page alone (``make_page``) or the
main window (``win``); each checks at teardown that no timer or worker thread was left running.
``click`` and ``press`` act as a user would.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py: small matrices, no BLAS threads

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _delete_what_the_test_left():
    """After each test (and after pytest-qt has closed its widgets), delete the widgets marked for
    deletion now, not in the next test's event loop, where thousands of an earlier test's
    widgets held up that test's timers for seconds."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _leaks(controllers) -> list[str]:
    return [f"{c.key}: {'timer running' if c.running else 'worker running'}"
            for c in controllers if c.busy]


@pytest.fixture
def make_controller(qtbot):
    """make_controller(key) -> a lab's controller with no page."""
    from ui.labs import entry_for

    made = []

    def make(key: str):
        c = entry_for(key).controller()
        made.append(c)
        return c

    yield make
    leaks = _leaks(made)
    for c in made:
        c.shutdown()
    assert not leaks, f"left running after the test: {leaks}"


@pytest.fixture
def make_page(qtbot):
    """make_page(key, shown=False) -> a lab's page with its own controller, no main window
    (shown on screen, offscreen, if ``shown``)."""
    from ui.labs import entry_for

    made = []

    def make(key: str, size=(1280, 800), shown: bool = False):
        page = entry_for(key).make_page()
        qtbot.addWidget(page)
        page.resize(*size)
        made.append(page)
        if shown:
            page.show()
            qtbot.waitExposed(page)
        return page

    yield make
    leaks = _leaks(p.lab for p in made)
    for p in made:
        p.shutdown()
    assert not leaks, f"left running after the test: {leaks}"


@pytest.fixture
def win(qtbot):
    """The main window with every page, and no saved session."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.main_window import MainWindow

    w = MainWindow(session_path=None)
    yield w
    leaks = _leaks(w.labs.made().values())
    w.close()
    # Delete the window's thousands of widgets now, not in the next test's first event loop,
    # where they would hold up that test's timers for seconds.
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not leaks, f"left running after the test: {leaks}"


def click(qtbot, widget, button=None) -> None:
    """A left click (or ``button``) on a widget."""
    from PySide6.QtCore import Qt

    qtbot.mouseClick(widget, button or Qt.MouseButton.LeftButton)


def drawn_tick_names(axis) -> list:
    """The tick names pyqtgraph draws on ``axis`` now, as (rect, text)."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setFont(axis.style["tickFont"] or painter.font())
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(rect, text) for rect, _flags, text in specs[2]]


def press(qtbot, widget, key) -> None:
    """Focus ``widget`` and press ``key`` on it."""
    widget.setFocus()
    qtbot.keyClick(widget, key)


@pytest.fixture
def shown(qtbot, win):
    """The main window on screen; the zoom and theme back to their defaults afterwards."""
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.presentation.zoom_reset()
    win.presentation.set_theme("light")


class SentPoints:
    """Counts the points handed to plot items' ``setData`` (curves and scatters) while the test
    runs: what a redraw costs, counted rather than timed. Set ``count`` to 0 before a frame."""

    def __init__(self, monkeypatch) -> None:
        import pyqtgraph as pg

        self.count = 0
        for cls in (pg.PlotCurveItem, pg.ScatterPlotItem):
            monkeypatch.setattr(cls, "setData", self._spy(cls.setData))

    def _spy(self, original):
        def set_data(item, *args, **kwargs):
            data = args[0] if args else kwargs.get("x", kwargs.get("pos", kwargs.get("spots")))
            if data is not None and hasattr(data, "__len__"):
                self.count += len(data)
            return original(item, *args, **kwargs)
        return set_data


@pytest.fixture
def sent_points(monkeypatch) -> SentPoints:
    return SentPoints(monkeypatch)


FROZEN_S = 1.0  # a gap between two 10-ms ticks this long is a window that stopped answering:
# 60 frames of 16.7 ms, a margin no busy machine reaches, and far below the freezes it catches


class Ticks:
    """A timer ticking every 10 ms on the GUI thread while a case runs; ``longest`` is the
    longest gap between two ticks, or since the last one (seconds). Compared with FROZEN_S, not
    with the machine's speed. Python's cyclic garbage collector is off while it ticks: a full
    collection of the suite's heap (a second or more late in a run) is not the case's freeze."""

    def __init__(self) -> None:
        import gc
        import time

        from PySide6.QtCore import QTimer

        gc.collect()
        gc.disable()
        self._clock = time.monotonic
        self.last = self._clock()
        self.gaps = [0.0]
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self._clock()
        self.gaps.append(now - self.last)
        self.last = now

    def restart(self) -> None:
        """Forget the gaps so far (after the events already posted: a new window's layout, the
        deletion of an earlier test's pages, seconds of work the event loop would otherwise do
        while the case runs): what comes next is the case."""
        from PySide6.QtCore import QCoreApplication, QEvent

        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        for _ in range(3):
            QCoreApplication.processEvents()
        self.gaps, self.last = [0.0], self._clock()

    @property
    def longest(self) -> float:
        return max(max(self.gaps), self._clock() - self.last)

    def stop(self) -> None:
        import gc

        self.timer.stop()
        gc.enable()


@pytest.fixture
def ticks(qtbot):
    t = Ticks()
    yield t
    t.stop()
