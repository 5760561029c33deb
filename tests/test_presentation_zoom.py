"""The View menu's zoom and themes reach every plot, including those made after a change, and
undo exactly (issue 10); F1 names every key."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QWidget


def press(qtbot, win, key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(win, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(5)  # the app font reaches the widgets, and new plots are styled, in the event loop


def legend_sizes(legend: pg.LegendItem) -> tuple:
    """What a zoom changes in a legend: each label's text size and height, the legend's height."""
    return (tuple((label.opts["size"], label.height()) for _, label in legend.items), legend.height())


def axis_sizes(plot: pg.PlotItem) -> tuple:
    """Each axis's tick font and label font; the room it takes across (the last item)."""
    left, bottom = plot.getAxis("left"), plot.getAxis("bottom")
    return ((left.style["tickFont"].pointSizeF(), QFontInfo(left.label.font()).pixelSize(),
             bottom.style["tickFont"].pointSizeF(), QFontInfo(bottom.label.font()).pixelSize()),
            left.width() + bottom.height())


def test_zooming_in_then_out_restores_legends_axes_and_titles(qtbot, shown):
    losses = shown.pages["optimizers"].losses.getPlotItem()
    legend = losses.legend
    title = losses.titleLabel
    before = legend_sizes(legend), axis_sizes(losses), (title.opts["size"], title.maximumHeight())
    press(qtbot, shown, Qt.Key.Key_Equal, 4)
    z = shown.presentation.zoom
    assert z >= 1.5
    assert legend_sizes(legend)[1] > 1.3 * before[0][1]  # the legend grew with its text
    assert axis_sizes(losses)[0][0] == pytest.approx(before[1][0][0] * z)
    assert axis_sizes(losses)[1] > before[1][1] + 10
    assert title.maximumHeight() == pytest.approx(before[2][1] * z)  # its row grew with its text
    press(qtbot, shown, Qt.Key.Key_Minus, 4)
    assert shown.presentation.zoom == 1.0
    assert legend_sizes(legend) == before[0]  # the rows shrink back: no zoomed-in spacing left
    assert axis_sizes(losses)[0] == before[1][0]
    assert axis_sizes(losses)[1] <= before[1][1] + 1  # (pyqtgraph shrinks an axis lazily)
    assert (title.opts["size"], title.maximumHeight()) == before[2]


def test_a_plot_made_after_a_zoom_has_zoomed_axes_pens_and_legend(qtbot, shown):
    from ui.framework.plots import add_plot

    press(qtbot, shown, Qt.Key.Key_Equal, 3)
    z = shown.presentation.zoom
    layout = pg.GraphicsLayoutWidget()  # a dialog's plot, opened after the zoom
    qtbot.addWidget(layout)
    plot = add_plot(layout, 0, 0, "loss", "iteration", title="later")
    plot.addLegend(labelTextSize="9pt")
    curve = plot.plot(pen=pg.mkPen("b", width=2), name="curve")
    layout.show()
    qtbot.wait(5)
    axis = plot.getAxis("left")
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(9 * z)
    assert QFontInfo(axis.label.font()).pixelSize() >= QFontInfo(shown.font()).pixelSize() - 1
    assert curve.opts["pen"].widthF() == pytest.approx(2 * z)
    assert plot.legend.items[0][1].opts["size"] == f"{9 * z:.3g}pt"
    assert plot.titleLabel.opts["size"] == f"{9 * z:.3g}pt"
    press(qtbot, shown, Qt.Key.Key_0)  # and it follows the zoom back, not compounded
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(9)
    assert curve.opts["pen"].widthF() == pytest.approx(2)
    assert plot.legend.items[0][1].opts["size"] == "9pt"


def test_a_page_built_after_a_zoom_matches_one_zoomed_after_it_was_built(qtbot, shown):
    from ui.labs import entry_for

    old = shown.pages["tuning"]  # built before the zoom (the window builds a page when wanted)
    press(qtbot, shown, Qt.Key.Key_Equal, 2)
    page = entry_for("tuning").make_page()  # its own axis font, 11 pt at zoom 1
    qtbot.addWidget(page)
    qtbot.wait(5)
    try:
        for before, after in zip(_tick_sizes(old), _tick_sizes(page), strict=True):
            assert after == pytest.approx(before)
        assert max(_tick_sizes(page)) == pytest.approx(11 * shown.presentation.zoom)
    finally:
        page.shutdown()


def test_a_tab_made_after_a_zoom_lays_out_as_one_zoomed_after_it_was_made(qtbot, shown):
    """Batch norm's Twins tab is made when first shown: made after a zoom, its histograms and
    their legend take the widths they take when the tab was made first and zoomed after (a
    legend's width once followed its columns, so the order decided the layout)."""
    from ui.framework.plots import SideLegend
    from ui.labs import entry_for

    shown.show_page("batchnorm")
    before = shown.current_page
    before.tabs.setCurrentWidget(before.twins)  # made at zoom 1
    qtbot.wait(5)
    press(qtbot, shown, Qt.Key.Key_Equal, 2)
    after = entry_for("batchnorm").make_page()
    qtbot.addWidget(after)
    after.resize(before.size())
    after.show()
    after.tabs.setCurrentWidget(after.twins)  # made at the zoom
    qtbot.wait(20)
    try:
        def layout(page):  # each plot's share of the widest (the pages' centres may differ)
            scene = page.twins.view.scene()
            plots = [i for i in scene.items() if isinstance(i, pg.PlotItem)]
            widest = max(i.width() for i in plots)
            shares = sorted(i.width() / widest for i in plots)
            legends = sorted(i.columnCount for i in scene.items() if isinstance(i, SideLegend))
            return shares, legends
        (shares_a, legends_a), (shares_b, legends_b) = layout(before), layout(after)
        assert shares_a == pytest.approx(shares_b, abs=0.02)
        assert legends_a == legends_b
    finally:
        after.shutdown()


def _tick_sizes(page) -> list[float]:
    axes = [i for v in page.findChildren(pg.GraphicsView) for i in v.scene().items()
            if isinstance(i, pg.AxisItem) and i.isVisible() and i.style["tickFont"] is not None]
    return sorted(a.style["tickFont"].pointSizeF() for a in axes)[:8]


def test_a_pen_set_while_zoomed_is_zoomed_once(qtbot, shown):
    page = shown.pages["optimizers"]
    press(qtbot, shown, Qt.Key.Key_Equal, 2)
    z = shown.presentation.zoom
    assert page.lab.set_noise(0.5)  # the loss curves get new, thinner pens
    qtbot.wait(5)
    assert curve_pen(page.losses.curves["sgd"]).widthF() == pytest.approx(1 * z)
    press(qtbot, shown, Qt.Key.Key_Equal)
    assert curve_pen(page.losses.curves["sgd"]).widthF() == pytest.approx(shown.presentation.zoom)


def curve_pen(curve):
    """The pen of a loss curve (a plot item, or a composite that draws its newest points with
    ``recent``)."""
    return getattr(curve, "recent", curve).opts["pen"]


def test_dark_theme_lightens_black_ink_on_plain_plots_but_not_over_a_map(qtbot, shown):
    page = shown.pages["optimizers"]
    marks, start = page.losses.diverged_marks, page.surface_view.start_item  # on the map
    assert marks.opts["pen"].color().lightness() < 50
    shown.presentation.set_theme("dark")
    qtbot.wait(5)
    background = page.losses.backgroundBrush().color().lightness()  # the plain background
    assert marks.opts["pen"].color().lightness() - background > 120
    assert start.opts["pen"].color().lightness() < 50
    later = pg.PlotWidget()  # a plot made in the dark theme
    qtbot.addWidget(later)
    from ui.framework.plots import fixed_plot

    scatter = pg.ScatterPlotItem(size=9, pen=pg.mkPen("k", width=1))
    fixed_plot(later.getPlotItem()).addItem(scatter)
    assert scatter.opts["pen"].color().lightness() > 170
    shown.presentation.set_theme("light")
    assert marks.opts["pen"].color().lightness() < 50
    assert scatter.opts["pen"].color().lightness() < 50


def test_ctrl_shift_t_cycles_the_themes(qtbot, shown):
    seen = []
    for _ in range(3):
        qtbot.keyClick(shown, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        seen.append(shown.presentation.theme)
    assert seen == ["dark", "high contrast", "light"]


def test_f1_lists_every_key_of_the_window(qtbot, shown, monkeypatch):
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMessageBox

    shownText = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shownText.append(text))
    qtbot.keyClick(shown, Qt.Key.Key_F1)
    assert shownText, "F1 opened no dialog"
    text = shownText[0]
    for act in shown.findChildren(QAction):
        for key in act.shortcuts():
            name = key.toString(QKeySequence.SequenceFormat.NativeText)
            if " " not in name:  # not a keyboard's own "Zoom In" key
                assert name in text, (act.text(), name)
    for key in ("Space", "Right arrow", "R:", "F11", "Ctrl+=", "Ctrl+-", "Ctrl+0", "Ctrl+Shift+T", "F1",
                "Ctrl+Q"):
        assert key in text, key


def test_dark_theme_recolours_the_grey_notes_in_the_explanations(qtbot, shown):
    page = shown.pages["tuning"]
    page.lab.set_lesson("scale")
    page.redraw(force=True)
    assert "#777777" in page.explain.toHtml()  # "shares drawn / expected", grey on white
    shown.presentation.set_theme("dark")
    assert "#777777" not in page.explain.toHtml() and "#a8a8a8" in page.explain.toHtml()
    page.lab.configure("scale", seed=7)  # a new explanation written in the dark theme is dark-themed too
    page.redraw(force=True)
    assert "#777777" not in page.explain.toHtml() and "#a8a8a8" in page.explain.toHtml()
    shown.presentation.set_theme("light")
    assert "#777777" in page.explain.toHtml()


def test_zoom_widens_the_bare_curves_of_caviar_and_undoes_exactly(qtbot, shown):
    view = shown.pages["tuning"].views["caviar"]
    band = view.bands[0]
    width = band.opts["pen"].widthF()
    press(qtbot, shown, Qt.Key.Key_Equal, 4)
    z = shown.presentation.zoom
    assert band.opts["pen"].widthF() == pytest.approx(max(width, 1.0) * z)
    press(qtbot, shown, Qt.Key.Key_0)
    assert band.opts["pen"].widthF() == pytest.approx(width)


def test_a_page_the_window_builds_after_a_zoom_and_a_theme_takes_them(qtbot, shown):
    """The window builds a page when it is first wanted: one built after the zoom and the theme
    changed has the same tick fonts, style sheets and Stage view as one built before."""
    before = shown.pages["optimizers"]
    press(qtbot, shown, Qt.Key.Key_Equal, 2)
    shown.presentation.set_theme("dark")
    shown.presentation.set_stage(True)
    assert shown.pages.built() == [before]
    later = shown.show_page("tuning")  # built now
    qtbot.wait(5)
    assert max(_tick_sizes(later)) == pytest.approx(11 * shown.presentation.zoom)
    sheets = [w.styleSheet() for w in later.findChildren(QWidget) if w.styleSheet()]
    assert sheets and all(w.property("descent_sheet") == w.styleSheet()
                          for w in later.findChildren(QWidget) if w.styleSheet())
    assert later.staged and before.staged
    shown.presentation.set_stage(False)
