"""The shared pieces every lab is built on: controller, binder, worker job and plot helpers,
exercised on a toy lab (a counter with one setting) so they are tested apart from any real lab."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from ui.framework.binder import Binder
from ui.framework.controller import STATE_VERSION, LabController
from ui.framework.plots import SteppedRange, Throttle, power_of_two_span
from ui.framework.widgets import NumberField


class Counter(LabController):
    """Counts by ``size``; a size outside [1, 10] is refused."""

    key = "counter"
    MAX_SPEED = 20

    def __init__(self) -> None:
        super().__init__()
        self.size, self.count, self.on, self.name = 1, 0, False, "a"

    @property
    def iteration(self) -> int:
        return self.count // self.size

    def _advance(self, k: int) -> None:
        if self.count >= 1000:
            raise ValueError("counted enough")
        self.count += k * self.size

    def _reset(self) -> None:
        self.count = 0

    def set_size(self, size) -> bool:
        def adopt() -> None:
            if not 1 <= size <= 10:
                raise ValueError(f"size must be in [1, 10], got {size:g}")
            self.size = int(size)
        return self.change(adopt)

    def settings_dict(self) -> dict:
        return {"size": self.size}

    def _load_settings(self, data: dict) -> None:
        size = data["size"]
        if not isinstance(size, int) or not 1 <= size <= 10:
            raise ValueError(f"size must be an integer in [1, 10], got {size!r}")
        self.size = size

    def _migrate(self, data: dict) -> dict:
        return {"size": data.get("old_size", data.get("size", 1))}


@pytest.fixture
def lab(qtbot):
    c = Counter()
    yield c
    c.shutdown()


def test_steps_play_pause_and_speed(qtbot, lab):
    seen = []
    lab.stepped.connect(lambda: seen.append(lab.count))
    lab.step()
    assert lab.count == 1 and seen == [1] and not lab.running
    lab.set_speed(1000)
    assert lab.speed == Counter.MAX_SPEED
    lab.set_speed(-3)
    assert lab.speed == 1
    lab.set_speed(5)
    lab.tick()
    assert lab.count == 6
    lab.play()
    assert lab.running and lab.busy
    qtbot.waitUntil(lambda: lab.count > 20, timeout=3000)
    lab.toggle()
    assert not lab.running
    lab.reset()
    assert lab.count == 0 and lab.iteration == 0


def test_an_engine_error_pauses_and_is_reported(qtbot, lab):
    errors = []
    lab.error.connect(errors.append)
    lab.count = 1000
    lab.play()
    lab.tick()
    assert not lab.running and errors == ["counted enough"]


def test_a_refused_change_keeps_the_settings_and_says_why(lab):
    errors, reflected = [], []
    lab.error.connect(errors.append)
    lab.settings_changed.connect(lambda: reflected.append(lab.size))
    assert lab.set_size(4) and lab.size == 4
    assert not lab.set_size(11)
    assert lab.size == 4 and errors == ["size must be in [1, 10], got 11"]
    assert reflected == [4, 4]  # the widgets are told the value in force both times
    messages = []
    lab.message.connect(messages.append)
    assert lab.set_size(5) and messages == [""]  # a good value takes the refusal's message down
    assert lab.set_size(6) and messages == [""]  # and only then


def test_state_round_trip_versions_and_migration(lab):
    lab.set_size(3)
    lab.set_speed(7)
    state = lab.state()
    assert state == {"version": STATE_VERSION, "settings": {"size": 3}, "speed": 7}
    other = Counter()
    assert other.load(state) and other.size == 3 and other.speed == 7
    assert other.load({"old_size": 5}) and other.size == 5  # unversioned: migrated
    errors = []
    other.error.connect(errors.append)
    for bad in ({"version": "1", "settings": {}}, {"version": 1, "settings": [1]},
                {"version": 1, "settings": {"size": 2}, "speed": 1.5}, [1, 2], "text",
                {"version": 1, "settings": {"size": 99}}):
        assert not other.load(bad)
    assert other.size == 5 and len(errors) == 6
    assert "size must be an integer in [1, 10], got 99" in errors[-1]
    # A newer version is read as far as it can be, and says so.
    assert not other.load({"version": STATE_VERSION + 1, "settings": {"size": 2}})
    assert other.size == 2 and "newer Descent" in errors[-1]


class Several(Counter):
    """A toy lab with a flag, a name and a list of records besides the size."""

    key = "several"

    def __init__(self) -> None:
        super().__init__()
        self.points: list = []
        self.limits = {"low": 0.0, "high": 1.0}

    def settings_dict(self) -> dict:
        return {"size": self.size, "on": self.on, "name": self.name, "points": self.points,
                "limits": dict(self.limits)}

    def _load_settings(self, data: dict) -> None:
        super()._load_settings(data)
        for x, _y in data.get("points", []):
            if not 0 <= x <= 1:
                raise ValueError(f"x must be in [0, 1], got {x}")
        low, high = data["limits"]["low"], data["limits"]["high"]
        if not low < high:
            raise ValueError(f"low must be under high, got {low} and {high}")
        self.on, self.name, self.points = data["on"], data["name"], [list(p) for p in data["points"]]
        self.limits = {"low": low, "high": high}


def test_one_bad_field_leaves_out_that_field_only(qtbot):
    lab = Several()
    errors = []
    lab.error.connect(errors.append)
    lab.load({"size": 2, "on": False, "name": "b", "points": [[0.5, 0.5]]})
    bad = {"size": float("inf"), "on": "true", "name": "c", "limits": {"low": 0.5, "high": 0.2},
           "points": [[0.1, 0.1], [7, 0], [0.2, 0.2], [0.3, "y"], [0.4, 0.4]]}
    assert not lab.load({"version": STATE_VERSION, "settings": bad})
    assert (lab.size, lab.on, lab.name) == (2, False, "c")
    assert lab.points == [[0.1, 0.1], [0.2, 0.2], [0.4, 0.4]]
    assert lab.settings_dict()["limits"] == {"low": 0.5, "high": 1.0}  # the part that fits
    for words in ("size must be a whole number, got inf", "on must be true or false, got 'true'",
                  "points[1]: x must be in [0, 1], got 7", "points[3]", "limits.high: low must be "
                  "under high", "kept the rest"):
        assert words in errors[-1]
    lab.shutdown()


def test_binder_ties_widgets_both_ways_without_loops(qtbot, lab):
    binder = Binder(lab)
    spin, field, box = QSpinBox(), NumberField(0, 100, 2, 1), QCheckBox()
    combo, edit = QComboBox(), QLineEdit()
    for w in (spin, field, box, combo, edit):
        qtbot.addWidget(w)
    spin.setRange(0, 100)
    combo.addItem("A", "a")
    combo.addItem("B", "b")
    writes = []
    binder.bind(spin, lambda: lab.size, lab.set_size)
    binder.bind(field, lambda: lab.size, lambda v: writes.append(v) or lab.set_size(v))
    binder.bind(box, lambda: lab.on, lambda on: setattr(lab, "on", on), enabled=lambda: lab.size > 2)
    binder.bind(combo, lambda: lab.name, lambda n: setattr(lab, "name", n))
    binder.bind(edit, lambda: f"size {lab.size}", lambda t: None)
    assert spin.value() == 1 and field.value() == 1 and not box.isEnabled()
    assert not spin.keyboardTracking()  # a typed number is written once, when committed
    spin.setValue(6)  # the user
    assert lab.size == 6 and field.value() == 6 and box.isEnabled() and edit.text() == "size 6"
    assert writes == []  # the model's write to the other widgets did not loop back
    combo.setCurrentIndex(1)
    assert lab.name == "b"
    lab.name = "a"
    lab.set_size(2)  # the model changes: every widget shows it
    assert combo.currentData() == "a" and spin.value() == 2 and not box.isEnabled()
    field.setValue(50)  # refused by the engine: the field shows the value in force, marked red
    assert lab.size == 2 and field.value() == 2
    assert "size must be in [1, 10], got 50" in field.toolTip() and field.styleSheet()
    field.setValue(3)
    assert lab.size == 3 and not field.styleSheet() and not field.toolTip()


def test_worker_job_reports_progress_partials_and_cancels(qtbot, lab):
    progress, partials, done = [], [], []

    def work(report):
        for i in range(5):
            if not report((i + 1) / 5, partial=i):
                return None
        return "result"

    assert lab.jobs().start(work, done.append, progress.append, partials.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == ["result"] and progress[-1] == 1.0 and partials == [0, 1, 2, 3, 4]
    assert not lab.busy

    def slow(report):
        while report(0.5):
            time.sleep(0.01)
        return "never"

    done.clear()
    assert lab.jobs().start(slow, done.append)
    assert lab.busy and not lab.jobs().start(slow, done.append)  # one job at a time
    lab.jobs().cancel()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == [None] and not lab.busy


def test_a_failing_job_is_reported_not_raised(qtbot, lab):
    failed = []
    lab.jobs().start(lambda report: 1 / 0, lambda r: None, on_failed=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert "ZeroDivisionError" in failed[0] and not lab.busy


def test_shutdown_cancels_a_running_job(qtbot, lab):
    def forever(report):
        while report(0.0):
            time.sleep(0.005)

    lab.jobs().start(forever, lambda r: None)
    lab.play()
    lab.shutdown()
    assert not lab.running and lab.jobs().pool.activeThreadCount() == 0


def test_stepped_range_moves_rarely():
    r = SteppedRange()
    first = r.fit(np.array([0.0, 1.0]))
    assert first[0] < 0 < 1 < first[1]
    assert r.fit(np.array([0.1, 0.9])) is None  # still fits: unchanged
    assert r.fit(np.array([0.0, 5.0]))[1] >= 5.0  # grows
    assert r.fit(np.array([np.nan])) is None
    assert SteppedRange().fit(np.array([2.0, 3.0]), zero=True)[0] == 0.0


def test_power_of_two_span_and_throttle():
    assert [power_of_two_span(n) for n in (1, 10, 11, 100, 1000)] == [10, 16, 16, 128, 1024]
    t = Throttle(hz=10)
    assert t.ready(running=True) and not t.ready(running=True)
    assert t.ready(running=False) and t.ready(running=True, force=True)
    t.expire()
    assert t.ready(running=True)


def test_contours_lie_on_their_levels_and_close_round_a_circle():
    """The vectorized marching squares: every point is on its level (to the grid's linear
    interpolation), the circle's contour is found all the way round, and a flat field has none."""
    import numpy as np

    from ui.framework.plots import contour_polyline

    xs, ys = np.linspace(-2, 2, 121), np.linspace(-2, 2, 101)
    X, Y = np.meshgrid(xs, ys)
    x, y = contour_polyline(xs, ys, X**2 + Y**2, [1.0])
    on = np.isfinite(x)
    assert np.all(np.isnan(x[2::3])) and on.sum() == 2 * (len(x) // 3)  # segments, NaN between
    r = np.hypot(x[on], y[on])
    assert np.abs(r - 1).max() < 0.01  # on the circle of radius 1
    angles = np.sort(np.arctan2(y[on], x[on]))
    assert np.diff(angles).max() < 0.1  # all the way round, no gap
    assert np.isnan(contour_polyline(xs, ys, np.zeros_like(X), [0.5])[0]).all()


def test_a_grid_is_drawn_one_pixel_sharp_and_translucent(qtbot):
    """``show_grid`` strokes the grid antialiased (Qt's fast path for translucent lines) on pixel
    centres: each line is one pixel wide, lighter than the axis, and where two lines cross the
    crossing is darker than either (they stay translucent)."""
    import pyqtgraph as pg

    from ui.framework.plots import fixed_plot, show_grid

    w = pg.PlotWidget(background="w")
    qtbot.addWidget(w)
    w.resize(400, 300)
    p = fixed_plot(w.getPlotItem())
    show_grid(p, alpha=0.5)
    p.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    w.show()
    qtbot.waitExposed(w)
    image = w.grab().toImage()
    vb = p.getViewBox()
    top_left = w.mapFromScene(vb.mapViewToScene(pg.Point(0.3, 9.7)))
    bottom_right = w.mapFromScene(vb.mapViewToScene(pg.Point(9.7, 0.3)))
    x = w.mapFromScene(vb.mapViewToScene(pg.Point(4.5, 0))).x()  # between vertical lines
    column = [image.pixelColor(x, y).lightness() for y in range(top_left.y(), bottom_right.y())]
    dark = [v < 250 for v in column]
    runs = [len(r) for r in "".join("x" if d else " " for d in dark).split()]
    assert len(runs) >= 4 and set(runs) == {1}, runs  # sharp lines, one pixel each
    line = min(column)
    assert 0 < line < 250  # translucent: grey, not the black of the axis
    y_line = top_left.y() + column.index(line)
    x_line = w.mapFromScene(vb.mapViewToScene(pg.Point(4, 0))).x()
    xs = [image.pixelColor(c, y_line).lightness() for c in range(x_line - 2, x_line + 3)]
    assert min(xs) < line  # a crossing: both lines' ink
