"""Small shared widgets: signal blocking, number fields, the schedule editor, run buttons, the
three-column layout and the speed control."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from simulator.schedules import MAX_K, SCHEDULES

from .style import HINT_STYLE, INVALID_BACKGROUND, NOTE_STYLE

# The parameter fields of the learning-rate schedules: lo, hi, decimals, step, default.
SCHEDULE_FIELDS = {
    "decay_rate": (0.0, 100.0, 4, 0.1, 1.0),
    "base": (0.0, 1.0, 4, 0.01, 0.95),
    "k": (0.0, MAX_K, 3, 0.1, 1.0),
    "factor": (0.0, 1.0, 3, 0.05, 0.5),
    "every": (0.0, 100000.0, 0, 10.0, 100.0),
}


@contextmanager
def blocked(*objects: QObject) -> Iterator[None]:
    """Block the objects' signals while the model is reflected into them, so nothing loops."""
    old = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for o, was in zip(objects, old, strict=True):
            o.blockSignals(was)


def note_label(text: str = "", hint: bool = False) -> QLabel:
    """A word-wrapped grey note (smaller for a hint)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE if hint else NOTE_STYLE)
    return label


class NumberField(QDoubleSpinBox):
    """A spin box for a hyperparameter that reports ``edited(value)`` only when the user commits.

    It lets through values the engine will refuse (lr = 0, beta = 1), so the engine's message is what
    the user sees, and it turns red until a valid value is set again.
    """

    edited = Signal(float)

    def __init__(self, lo: float, hi: float, decimals: int, step: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(lo, hi)
        self.setDecimals(decimals)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)
        self.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.valueChanged.connect(self.edited.emit)

    def set_value(self, v: float) -> None:
        """Show the model's value without emitting ``edited``."""
        with blocked(self):
            self.setValue(float(v))
        self.set_invalid(False)

    def set_invalid(self, bad: bool, why: str = "") -> None:
        self.setStyleSheet(f"QDoubleSpinBox {{ background: {INVALID_BACKGROUND}; }}" if bad else "")
        self.setToolTip(why)


class ScheduleEditor(QWidget):
    """Learning-rate decay: a schedule picker, the fields of its parameters and its formula.

    Emits ``edited(name, params)`` when the user changes anything; ``show_schedule`` reflects the
    model without emitting.
    """

    edited = Signal(str, dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        for name in SCHEDULES:
            self.combo.addItem(name.replace("_", " "), name)
        self.combo.currentIndexChanged.connect(lambda _: self._emit())
        form.addRow("Schedule", self.combo)
        self.fields: dict[str, NumberField] = {}
        for key, (lo, hi, dec, step, default) in SCHEDULE_FIELDS.items():
            f = NumberField(lo, hi, dec, step)
            f.set_value(default)
            f.edited.connect(lambda _v: self._emit())
            self.fields[key] = f
            form.addRow(key.replace("_", " "), f)
        self.formula = note_label()
        form.addRow(self.formula)
        self._form = form

    def _emit(self) -> None:
        name = self.combo.currentData()
        self.edited.emit(name, {k: self.fields[k].value() for k in SCHEDULES[name].params})

    def check_shown(self, read: Callable[[], dict]) -> Callable[[], None]:
        """A check for a lab's ``shown_checks``: ValueError naming a schedule parameter in force
        (``read()`` gives them) that its field cannot show (a setup's decay rate 1e308 showed as
        100 while the run used 1e308): the binder's check, on each parameter's field."""
        from .binder import Binding, check_shown  # the binder builds on these widgets

        def check() -> None:
            for key, value in read().items():
                if key in self.fields:
                    check_shown(Binding(self.fields[key], lambda value=value: value))
        return check

    def show_schedule(self, name: str, params: dict) -> None:
        with blocked(self.combo):
            self.combo.setCurrentIndex(self.combo.findData(name))
        for key, f in self.fields.items():
            visible = key in SCHEDULES[name].params
            if key in params:
                f.set_value(params[key])
            f.setVisible(visible)
            self._form.labelForField(f).setVisible(visible)
        self.formula.setText(SCHEDULES[name].formula)


LEFT_MIN, CENTRE_MIN, RIGHT_MIN = 300, 280, 220  # the narrowest each column gets (px, at zoom 1)
# When the text grows (a zoom, a small screen) the side columns give way first: the main view
# keeps at least CENTRE_SHARE of the page's width; the controls take what is left beside the
# readouts' minimum (and scroll beyond it).
CENTRE_SHARE = 0.34


def three_columns(controls: QWidget, centre: QWidget, right: QWidget,
                  sizes: tuple[int, int, int], pinned: QWidget | None = None) -> Columns:
    """The labs' layout: the controls, the main view and a column of readouts, side by side in a
    splitter. Each column scrolls when the window is narrower or lower than its contents, so the
    page fits a 1024x768 projector (or 960x540 at a scale factor of 2). ``pinned`` (the run box:
    Play, Step, Reset) sits above the controls' scroll area, so it never scrolls away."""
    return Columns(controls, centre, right, sizes, pinned)


class Columns(QSplitter):
    """The three columns of a page (``three_columns``). ``refit`` gives the controls the width
    their fields ask at the font in force and shares the rest between the centre and the right
    as the page first did: the View menu's zoom calls it, so that zooming out gives back the
    room that zooming in took."""

    def __init__(self, controls: QWidget, centre: QWidget, right: QWidget,
                 sizes: tuple[int, int, int], pinned: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.controls, self.pinned, self.first_sizes = controls, pinned, tuple(sizes)
        self.scroll = scrolling(controls, LEFT_MIN, natural=True)
        self.addWidget(pinned_column(pinned, self.scroll) if pinned is not None else self.scroll)
        self.addWidget(scrolling(centre, CENTRE_MIN))
        self.addWidget(scrolling(right, RIGHT_MIN))
        for i in range(3):
            self.setCollapsible(i, False)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 3)
        self.setStretchFactor(2, 2)
        self.setSizes([self.controls_width(), *sizes[1:]])
        self.fitted_at = QApplication.font().pointSizeF()  # the font the sizes were fitted to
        self.fitted_once = False  # refitted to the window it is first shown in

    def controls_width(self) -> int:
        """The controls as wide as they ask, so the run buttons show whole when there is room."""
        least = max(self.controls.sizeHint().width(),
                    self.pinned.sizeHint().width() if self.pinned is not None else 0)
        return max(self.first_sizes[0], least + self.scroll.verticalScrollBar().sizeHint().width())

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """A page shown after a zoom takes the zoom's widths (a hidden page's fonts change only
        when it shows)."""
        super().showEvent(event)
        if self.fitted_at != QApplication.font().pointSizeF() or not self.fitted_once:
            QTimer.singleShot(0, self, self.refit)

    def set_stage(self, on: bool) -> None:
        """Fold the controls and the readouts away (Stage view), or bring them back as they
        were (their widths refitted to the font in force)."""
        self.widget(0).setVisible(not on)
        self.widget(2).setVisible(not on)
        if not on:
            QTimer.singleShot(0, self, self.refit)

    def refit(self) -> None:
        """The controls at their asked width, the rest shared as the page first did."""
        if not self.isVisible():
            return
        total = sum(self.sizes())
        if total <= 0:
            return
        self.fitted_at, self.fitted_once = QApplication.font().pointSizeF(), True
        centre_least = max(CENTRE_MIN, round(CENTRE_SHARE * total))
        left = min(self.controls_width(), max(total - centre_least - RIGHT_MIN, 0))
        centre, right = self.first_sizes[1:]
        middle = round((total - left) * centre / max(centre + right, 1))
        middle = max(middle, min(centre_least, total - left - RIGHT_MIN))
        self.setSizes([left, middle, total - left - middle])


def size_to_current(stack: QStackedWidget) -> None:
    """``stack`` (or a tab widget's) asks the room of the page in front only, not of its
    largest page: a wide page hidden behind another no longer widens its column, nor puts a
    sideways scroll bar under it."""
    kept: dict[int, QSizePolicy] = {}  # a page's own policy, while it is behind

    def follow(index: int) -> None:
        ignored = QSizePolicy.Policy.Ignored
        for i in range(stack.count()):
            page = stack.widget(i)
            if i == index and id(page) in kept:
                page.setSizePolicy(kept.pop(id(page)))
            elif i != index and id(page) not in kept:
                kept[id(page)] = page.sizePolicy()
                page.setSizePolicy(ignored, ignored)
        stack.updateGeometry()

    stack.currentChanged.connect(follow)
    follow(stack.currentIndex())


def pinned_column(pinned: QWidget, scroll: QScrollArea) -> QWidget:
    """``pinned`` over ``scroll``: taken out of the layout it was built in (the panel's "Run"
    group), so it stays at the top of the column however far the controls scroll."""
    old = pinned.parentWidget().layout() if pinned.parentWidget() is not None else None
    if old is not None:
        old.removeWidget(pinned)
    column = QWidget()
    column.setObjectName("pinned_column")
    lay = QVBoxLayout(column)
    lay.setSpacing(2)
    lay.addWidget(pinned)
    lay.addWidget(scroll, 1)
    lay.setContentsMargins(0, 0, 0, 0)
    pinned.setContentsMargins(8, 4, 8, 4)
    return column


def scrolling(widget: QWidget, least: int, natural: bool = False) -> QScrollArea:
    """``widget`` in a frameless scroll area at least ``least`` px wide, which scrolls when it is
    given less room than the widget's own minimum (or, if ``natural``, its preferred height: a
    column of fields keeps them at their natural height and scrolls instead of squashing them)."""
    scroll = FittingScroll(natural)
    scroll.setWidget(widget)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setMinimumSize(least, 120)
    return scroll


class FittingScroll(QScrollArea):
    """A scroll area that gives its widget the whole viewport, and scrolls only below the
    widget's minimum size. (QScrollArea's own ``widgetResizable`` sizes a column that holds a
    word-wrapped label by its height-for-width, which counts each plot at its preferred height
    and pushes the plots below the fold.)"""

    def __init__(self, natural: bool = False) -> None:
        super().__init__()
        self.natural = natural

    def setWidget(self, widget: QWidget) -> None:  # noqa: N802 (Qt's name)
        super().setWidget(widget)
        widget.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        widget, room = self.widget(), self.viewport().size()
        if widget is None:
            return
        least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        width = max(room.width(), least.width())
        height = least.height()
        if self.natural:
            preferred = widget.heightForWidth(width) if widget.hasHeightForWidth() else -1
            height = max(height, preferred if preferred > 0 else widget.sizeHint().height())
        widget.resize(width, max(room.height(), height))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)


RUN_KEYS = (("Space", "play / pause", "toggle"), ("Right", "one step", "step"), ("R", "reset", "reset"))


def run_shortcuts(page: QWidget, lab) -> list[QShortcut]:
    """Space plays or pauses, Right steps, R resets: the same keys on every page, from the first
    second. They belong to the window (not to the focus inside the page), so they act on the
    page in front right after launch, after a tab is clicked and after a button or a slider is
    used. A page that is not in front is hidden, and its keys with it. A text field or a spin
    box that wants the key keeps it (Qt asks the focus first): Space types a space there, and
    Right moves the cursor."""
    out = []
    for key, _, name in RUN_KEYS:
        sc = QShortcut(QKeySequence(key), page)
        sc.setContext(Qt.ShortcutContext.WindowShortcut)
        sc.activated.connect(getattr(lab, name))
        out.append(sc)
    return out


class RunBox(QWidget):
    """Play/Pause, Step and Reset (plus any extra buttons), and the speed slider of ``lab``.

    The Play button's text follows the lab's running state; the slider sets ``lab.speed`` in
    [1, lab.MAX_SPEED] with ``unit`` naming what a frame runs ("steps", "mini-batches"); its top
    notch is "max speed", as many as the frame budget allows.
    """

    def __init__(self, lab, step_tip: str, reset_tip: str, unit: str,
                 extra: tuple[QPushButton, ...] = ()) -> None:
        super().__init__()
        self.lab, self.unit = lab, unit
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.play_button = _button("Play", "Play / pause (Space)", lab.toggle)
        lab.running_changed.connect(lambda on: self.play_button.setText("Pause" if on else "Play"))
        self.step_button = _button("Step", f"{step_tip} (Right arrow)", lab.step)
        self.reset_button = _button("Reset", f"{reset_tip} (R)", lab.reset)
        buttons = (self.play_button, self.step_button, *extra, self.reset_button)
        for i, b in enumerate(buttons):
            grid.addWidget(b, 0, i)
            grid.setColumnStretch(i, 1)  # buttons of one width
        self.speed_label = QLabel()
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, lab.MAX_SPEED)
        self.speed_slider.valueChanged.connect(lab.set_speed)
        grid.addWidget(self.speed_label, 1, 0, 1, 2)
        grid.addWidget(self.speed_slider, 1, 2, 1, max(1, len(buttons) - 2))
        lab.speed_changed.connect(self.show_speed)
        self.show_speed(lab.speed)

    def show_speed(self, speed: int) -> None:
        with blocked(self.speed_slider):
            self.speed_slider.setValue(speed)
        top = speed >= self.lab.MAX_SPEED
        one = self.unit[:-2] if self.unit.endswith("ches") else self.unit.removesuffix("s")
        self.speed_label.setText("max speed" if top else f"{speed} {one if speed == 1 else self.unit}/frame")
        self.speed_slider.setToolTip(f"Up to {speed} {self.unit} a frame, as many as fit in "
                                     f"{self.lab.FRAME_BUDGET * 1e3:.0f} ms" if not top else
                                     f"As many {self.unit} a frame as fit in "
                                     f"{self.lab.FRAME_BUDGET * 1e3:.0f} ms, fewer if the redraw "
                                     f"needs the room: frames stay near "
                                     f"{self.lab.MAX_FRAME * 1e3:.0f} ms")


def _button(text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
    b = QPushButton(text)
    b.setToolTip(tip)
    b.clicked.connect(slot)
    return b


def row(*widgets: QWidget | str, stretch: int | None = None) -> QHBoxLayout:
    """A horizontal row of widgets (strings become labels); ``stretch`` widens that index."""
    lay = QHBoxLayout()
    for i, w in enumerate(widgets):
        lay.addWidget(QLabel(w) if isinstance(w, str) else w, 1 if i == stretch else 0)
    return lay
