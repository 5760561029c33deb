"""The plots' zoom and theme (what the View menu changes, ``ui.framework.presentation``).

Every plot a view makes goes through ``plots.fixed_plot``, which ``register``s it here. A
registered plot is brought to the app's zoom and theme when it is made (its axes at once, the rest
once its view has finished building it), when an item is added to it or its title is set, and
whenever the zoom or the theme changes (``set_zoom``, ``set_theme``).

pyqtgraph's classes are left as they are, but a registered plot's own instances are wrapped: its
``addItem`` (a new item is styled as it comes), its title label's ``setText`` (the title keeps its
zoomed size) and ``updateMin`` (a title sets its plot's minimum height, not its width: on a narrow
screen a long title is cut rather than pushing the data out; this writes the label's private
``_sizeHint``, the one place that depends on pyqtgraph's internals).

Each styled property remembers its value at zoom 1 in the light theme (its *base*) and the value
shown: a value a view sets afresh (a new pen, a title with its own size, a font of its own)
differs from the one shown and becomes the new base. Styling is thus
idempotent: applying it twice, or after a zoom out, gives the same sizes, never compounded ones.

In the dark theme, black and dark pens, brushes and text on a plot's plain background turn
light (``ink``); over a colour map (a plot holding an image, whose colours do not change with the
theme) they are kept as drawn.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Iterator

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QApplication, QGraphicsItem
from shiboken6 import isValid

from . import plot_room

STATE = {"zoom": 1.0, "background": "w", "foreground": "k"}
_PLOTS: weakref.WeakSet = weakref.WeakSet()
_SIZE = re.compile(r"(\d+(?:\.\d+)?)(pt|px)")
TITLE_ROW = 30  # px: a plot's title row at zoom 1 (pyqtgraph's)
TITLE_SHRINK = 0.5  # the smallest a title is drawn to fit its plot's width, of its size


def zoom() -> float:
    """The app-wide zoom factor (1 at the default size)."""
    return STATE["zoom"]


def dark() -> bool:
    """Whether the plots' background is dark (then dark ink turns light)."""
    return pg.mkColor(STATE["background"]).lightness() < 128


def zoomed_size(size: str, factor: float | None = None) -> str:
    """A CSS size such as "9pt" at the zoom (sizes in other units as they are)."""
    f = zoom() if factor is None else factor
    return _SIZE.sub(lambda m: f"{float(m.group(1)) * f:.3g}{m.group(2)}", size)


def base_pt() -> float:
    """The app's font size at zoom 1 (what a plot's text has when no size is given)."""
    app = QApplication.instance()
    pt = app.property("descent_base_pt") if app is not None else None
    return float(pt) if pt is not None else QApplication.font().pointSizeF() / zoom()


def ink(color: QColor) -> QColor:
    """``color`` in the theme. In a dark one a neutral dark colour (black, dark grey) is mirrored
    to a light grey, and a dark hue (navy, the dark end of a colour map) is lifted to a lightness
    of at least 40%, keeping its hue, its order among darker and lighter ones, and its alpha."""
    c = QColor(color)
    if not dark():
        return c
    r, g, b = c.red(), c.green(), c.blue()
    if max(r, g, b) - min(r, g, b) <= 24 and max(r, g, b) <= 128:
        v = int(round(224 - 0.75 * (r + g + b) / 3))
        return QColor(v, v, v, c.alpha())
    h, s, lightness, a = c.getHslF()
    if lightness < 0.5:
        c.setHslF(max(h, 0.0), s, 0.4 + 0.2 * lightness, a)
    return c


def zoomed_pen(*args, **kwargs) -> QPen:
    """``pg.mkPen`` at the zoom and theme: for pens the registry cannot follow (one per point of
    a scatter's data). A pen given to an item of a registered plot should be made plainly."""
    return _pen(pg.mkPen(*args, **kwargs), zoom(), ink)


def set_pen(item, pen) -> None:
    """Give ``item`` a new pen made at zoom 1, shown at the zoom and theme: a curve, or a view's
    composite curve with its own ``set_pen`` and ``items`` (the curves it draws with)."""
    item.set_pen(pen) if hasattr(item, "set_pen") else item.setPen(pen)
    parts = getattr(item, "items", [item])
    for part in parts() if callable(parts) else parts:
        style_item(part)


# -- the registry --------------------------------------------------------------------------------


def register(plot: pg.PlotItem) -> pg.PlotItem:
    """Follow ``plot``: its axes are styled now, its items, title and legend once the view that
    makes it has finished (the next turn of the event loop), and whatever is added later as it
    comes."""
    if plot in _PLOTS:
        return plot
    _PLOTS.add(plot)
    ref = weakref.ref(plot)
    plot.addItem = lambda item, *args, **kwargs: _add_item(ref(), item, *args, **kwargs)
    title = weakref.ref(plot.titleLabel)
    plot.titleLabel.setText = lambda text, **args: _set_title(title(), text, **args)
    plot.titleLabel.updateMin = lambda: _title_height_only(title())
    plot.titleLabel.updateMin()
    for axis in _axes(plot):
        style_axis(axis)
    plot_room.follow(plot, zoom)
    QTimer.singleShot(0, lambda: _style_later(ref()))
    return plot


def plots() -> list[pg.PlotItem]:
    """The registered plots still alive."""
    return [p for p in list(_PLOTS) if isValid(p)]


def _add_item(plot: pg.PlotItem, item, *args, **kwargs) -> None:
    pg.PlotItem.addItem(plot, item, *args, **kwargs)
    style_item(item)
    if plot.legend is not None:
        style_legend(plot.legend)


def _set_title(label: pg.LabelItem, text: str, **args) -> None:
    args["size"] = _shown(label, "size", args.get("size", label.opts.get("size")), _label_size)
    pg.LabelItem.setText(label, text, **args)
    _fit_title_row(label)


def _title_height_only(label: pg.LabelItem | None) -> None:
    """A title's minimum: its text's height, but no width. pyqtgraph's ``LabelItem`` makes its
    text's width the plot's minimum, so on a narrow screen a long title pushed the plot, and the
    data at its right, out of its widget. Now a title wider than its plot is drawn smaller to fit
    (down to half its size), and cut at the plot's edges beyond that: it never runs into its
    neighbour's."""
    if label is None:
        return
    natural = label.item.boundingRect().width()
    room = label.width()
    fit = max(TITLE_SHRINK, min(1.0, room / natural)) if natural > 0 and room > 0 else 1.0
    if abs(label.item.scale() - fit) > 1e-3:
        label.item.setScale(fit)
        pg.LabelItem.resizeEvent(label, None)  # centred again at its new size (calls this again)
        return
    pg.LabelItem.updateMin(label)
    height = label.minimumHeight()
    label.setMinimumWidth(0)
    label._sizeHint[Qt.SizeHint.MinimumSize] = (0, height)
    label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape, True)
    label.updateGeometry()


def _fit_title_row(label: pg.LabelItem) -> None:
    """A plot's title row (pyqtgraph fixes it at 30 px) as much taller as its text (a title of
    two lines gets two lines: the row clips it, so it must hold it)."""
    plot = label.parentItem()
    if isinstance(plot, pg.PlotItem) and plot.titleLabel is label and label.isVisible():
        height = max(TITLE_ROW * zoom(), label.item.boundingRect().height() + 2)
        label.setMaximumHeight(height)
        plot.layout.setRowFixedHeight(0, height)


def _style_later(plot: pg.PlotItem | None) -> None:
    if plot is not None and isValid(plot) and plot.scene() is not None:
        style_scenes([plot.scene()])


# -- zoom and theme of everything drawn ----------------------------------------------------------


def set_zoom(factor: float, widgets: Iterable = ()) -> None:
    """Zoom the registered plots and those among ``widgets`` to ``factor``."""
    STATE["zoom"] = float(factor)
    style_scenes(_scenes(widgets))


def set_theme(background: str, foreground: str, widgets: Iterable = (), weight: float = 1.0) -> None:
    """Background and foreground of the registered plots and those among ``widgets``, and of the
    plots made from now on; their lines ``weight`` times as thick (the high-contrast theme)."""
    STATE["background"], STATE["foreground"], STATE["weight"] = background, foreground, float(weight)
    pg.setConfigOptions(background=background, foreground=foreground)
    scenes = _scenes(widgets)
    for scene in scenes:
        for view in scene.views():
            if isinstance(view, pg.GraphicsView):
                view.setBackground(background)
    style_scenes(scenes)


def _scenes(widgets: Iterable) -> list:
    found = [w.scene() for w in widgets if isinstance(w, pg.GraphicsView)]
    found += [p.scene() for p in plots() if p.scene() is not None]
    return list(dict.fromkeys(found))


def scene_items(scenes: Iterable) -> Iterator:
    for scene in scenes:
        yield from list(scene.items())


def style_scenes(scenes: Iterable) -> None:
    """Every item of ``scenes`` at the zoom and theme; legends last, to fit their rows."""
    legends = []
    for item in scene_items(scenes):
        if isinstance(item, pg.LegendItem):
            legends.append(item)
        elif isinstance(item, pg.AxisItem):
            style_axis(item)
        elif isinstance(item, pg.LabelItem) and not isinstance(item.parentItem(), pg.LegendItem):
            if item.text:
                pg.LabelItem.setText(item, item.text, size=_shown(item, "size", item.opts.get("size"),
                                                                    _label_size))
                _fit_title_row(item)
        else:
            style_item(item)
    for legend in legends:
        style_legend(legend)


def style_item(item) -> None:
    """A curve, a scatter, a line or a text at the zoom and theme."""
    colour = ink if not _over_image(item) else QColor
    z = zoom()
    if isinstance(item, pg.PlotDataItem) or getattr(item, "styled_as_curve", False):
        _style_data_item(item, z, colour)  # (a ``Trail`` has a curve's opts)
    elif isinstance(item, pg.ScatterPlotItem) and not isinstance(item.parentItem(), pg.PlotDataItem):
        changed = _apply(item, "size", item.opts["size"], lambda s: s * z, item.setSize)
        changed |= _apply(item, "pen", item.opts["pen"], lambda p: _pen(p, z, colour), item.setPen)
        if isinstance(item.opts.get("brush"), QBrush):
            changed |= _apply(item, "brush", item.opts["brush"], lambda b: _brush(b, colour), item.setBrush)
        if changed:
            item.updateSpots()  # once, not after each of size, pen and brush
    elif isinstance(item, pg.PlotCurveItem) and not isinstance(item.parentItem(), pg.PlotDataItem):
        # a bare curve (many-curve bands, histogram outlines, dots drawn as round caps)
        _apply(item, "pen", item.opts["pen"], lambda p: _pen(p, z, colour), item.setPen)
    elif isinstance(item, pg.InfiniteLine):
        _apply(item, "pen", item.pen, lambda p: _pen(p, z, colour), item.setPen)
    elif isinstance(item, pg.TextItem) and not isinstance(item, pg.InfLineLabel):
        _apply(item, "color", item.color, colour, item.setColor)


def _apply(item, key: str, current, display: Callable, setter: Callable) -> bool:
    """Set ``item``'s ``key`` to what ``_shown`` says, if it differs; whether it did. A
    scatter's setters are told not to redraw (``style_item`` does once)."""
    new = _shown(item, key, current, display)
    if new == current:
        return False
    setter(new, update=False) if isinstance(item, pg.ScatterPlotItem) else setter(new)
    return True


def _style_data_item(item: pg.PlotDataItem, z: float, colour: Callable) -> None:
    opts, changed = item.opts, False
    for key in ("pen", "shadowPen", "symbolPen"):
        if isinstance(opts.get(key), QPen):
            new = _shown(item, key, opts[key], lambda p: _pen(p, z, colour))
            changed |= new != opts[key]
            opts[key] = new
    if isinstance(opts.get("symbolBrush"), QBrush):
        new = _shown(item, "symbolBrush", opts["symbolBrush"], lambda b: _brush(b, colour))
        changed |= new != opts["symbolBrush"]
        opts["symbolBrush"] = new
    if opts.get("symbolSize") is not None and not hasattr(opts["symbolSize"], "__len__"):
        new = _shown(item, "symbolSize", opts["symbolSize"], lambda s: s * z)
        changed |= new != opts["symbolSize"]
        opts["symbolSize"] = new
    if changed:
        item.updateItems(styleUpdate=True)


def style_axis(axis: pg.AxisItem) -> None:
    """Tick font, label font and label size at the zoom (a font the view gave the axis is its
    size at zoom 1); axis line and text in the theme's foreground."""
    z = zoom()
    tick = axis.style.get("tickFont")
    font = _shown(axis, "tickFont", tick if tick is not None else _app_font(), lambda f: _font(f, z))
    axis.setStyle(tickFont=font)
    fg = pg.mkColor(STATE["foreground"])
    if axis.textPen().color() != fg or axis.labelStyle.get("color") != fg.name():
        axis.setPen(pg.mkPen(fg))  # (both also colour the label)
        axis.setTextPen(pg.mkPen(fg))
    size = axis.labelStyle.get("font-size")
    if size is not None:
        axis.labelStyle["font-size"] = _shown(axis, "labelSize", size, zoomed_size)
    label = QFont(axis.label.font())
    label.setPointSizeF(font.pointSizeF())
    axis.label.setFont(label)
    if axis.label.isVisible():
        axis._updateLabel()


def style_legend(legend: pg.LegendItem) -> None:
    """The legend's text at the zoom, its rows fitted to it (they shrink again after a zoom out),
    and its backing in the theme."""
    size = _shown(legend, "labelTextSize", legend.opts.get("labelTextSize"), _label_size)
    legend.opts["labelTextSize"] = size
    for _sample, label in legend.items:
        if label.opts.get("size") != size or label.opts.get("descent_fg") != STATE["foreground"]:
            label.opts["descent_fg"] = STATE["foreground"]
            pg.LabelItem.setText(label, label.text, size=size)
    # The rows take the legend's height, which ``updateSize`` takes from the rows: start them
    # from what the labels need now, or they keep a zoomed-in height after a zoom out.
    legend.layout.invalidate()
    legend.resize(legend.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize))
    legend.layout.activate()
    brush = legend.opts.get("brush")
    if brush is not None:
        legend.setBrush(_shown(legend, "brush", pg.mkBrush(brush), _backing))
    legend.updateSize()


# -- one property's base and shown value ---------------------------------------------------------


def _shown(item, key: str, current, display: Callable):
    """The value to show for ``item``'s ``key``: ``display`` of its base. The base is the first
    value seen, or ``current`` if a view has set it since it was last shown."""
    bases = item.__dict__.setdefault("_descent_style", {})
    base, shown = bases.get(key, (current, None))
    if shown is not None and current != shown:
        base = current  # the view set it afresh, at zoom 1
    new = display(base)
    bases[key] = (base, new)
    return new


def _pen(pen, z: float, colour: Callable) -> QPen:
    out = QPen(pg.mkPen(pen))
    z *= STATE.get("weight", 1.0)
    if z != 1.0:
        out.setWidthF(max(out.widthF(), 1.0) * z)
    out.setColor(colour(out.color()))
    return out


def _brush(brush: QBrush, colour: Callable) -> QBrush:
    out = QBrush(brush)
    out.setColor(colour(out.color()))
    return out


def _backing(brush: QBrush) -> QBrush:
    """A legend's backing: the view's in a light theme, the background (as translucent) in a
    dark one."""
    if not dark():
        return QBrush(brush)
    shade = pg.mkColor(STATE["background"])
    shade.setAlpha(brush.color().alpha() or 210)
    return pg.mkBrush(shade)


def _font(font: QFont, z: float) -> QFont:
    out = QFont(font)
    out.setPointSizeF(font.pointSizeF() * z)
    return out


def _app_font() -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(base_pt())
    return font


def _label_size(size: str | None) -> str:
    return zoomed_size(size if size else f"{base_pt():.3g}pt")


def _axes(plot: pg.PlotItem) -> list[pg.AxisItem]:
    return [plot.getAxis(name) for name in ("left", "bottom", "right", "top")]


def _over_image(item) -> bool:
    """Whether ``item`` is drawn over a colour map (its view box holds an image)."""
    vb = item.getViewBox() if hasattr(item, "getViewBox") else None
    return vb is not None and hasattr(vb, "addedItems") and any(
        isinstance(i, pg.ImageItem) for i in vb.addedItems)
