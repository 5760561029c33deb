"""Pictures of a page or of one plot, for slides: PNG at a chosen scale, SVG of a plot, and an
animated GIF of a run (frames grabbed while the controller steps). Every writer raises OSError
with the reason when the file cannot be written, so the window and the command line can say so."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

SCALES = (1.0, 2.0, 3.0)  # offered for slides; 2x is a projector's full-HD slide from a 960 px page
MAX_SCALE = 4.0
MAX_FRAMES = 1000
GIF_MAX_WIDTH = 960  # GIF frames are scaled down to this width (a GIF is for a slide or a chat)


def check_writable(path: str | Path) -> Path:
    """``path`` if its folder exists, else OSError naming the folder (nothing is created)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"the folder {folder} does not exist")
    return path


def render(widget: QWidget, scale: float = 1.0) -> QImage:
    """The widget drawn at ``scale`` times its size (text and lines drawn at that resolution,
    not enlarged pixels)."""
    if not 0.25 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be in [0.25, {MAX_SCALE:g}], got {scale:g}")
    size = widget.size()
    image = QImage(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.white)
    widget.render(image)
    return image


def save_png(widget: QWidget, path: str | Path, scale: float = 1.0) -> Path:
    """A PNG of ``widget`` at ``scale``; OSError if it cannot be written."""
    path = check_writable(path)
    if not render(widget, scale).save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def plots(page: QWidget) -> dict[str, pg.PlotItem]:
    """The page's plots that are on screen, by a name for a menu (the plot's title, or its axes)."""
    found: dict[str, pg.PlotItem] = {}
    for view in page.findChildren(pg.GraphicsView):
        if not view.isVisible() and page.isVisible():
            continue
        for item in view.scene().items():
            if isinstance(item, pg.PlotItem):
                found.setdefault(_plot_name(item, len(found) + 1), item)
    return found


def _plot_name(item: pg.PlotItem, n: int) -> str:
    title = item.titleLabel.text if item.titleLabel.isVisible() else ""
    if not title:
        axes = [item.getAxis(side).labelText for side in ("bottom", "left")]
        title = " vs ".join(a for a in reversed(axes) if a)
    plain = "".join(c for c in _strip_tags(title) if c.isprintable()).strip()
    return f"{n}. {plain}" if plain else f"{n}. plot"


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def save_plot(item: pg.PlotItem, path: str | Path, scale: float = 1.0) -> Path:
    """One plot as SVG (by the suffix ".svg", pyqtgraph's exporter), as CSV (".csv": every curve
    of the plot, an x and a y column each, by pyqtgraph's exporter) or else PNG at ``scale``."""
    path = check_writable(path)
    if path.suffix.lower() == ".svg":
        return _save_svg(item, path)
    if path.suffix.lower() == ".csv":
        from pyqtgraph.exporters import CSVExporter

        CSVExporter(item).export(str(path))
        if not path.is_file():
            raise OSError(f"could not write {path}")
        return path
    view = item.getViewWidget()
    rect = item.sceneBoundingRect().toAlignedRect()
    image = QImage(round(rect.width() * scale), round(rect.height() * scale),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.scene().render(painter, image.rect().toRectF(), rect.toRectF())
    finally:
        painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def _save_svg(item: pg.PlotItem, path: Path) -> Path:
    """pyqtgraph's SVG exporter, or Qt's SVG generator where that exporter fails (pyqtgraph 0.14
    cannot parse the paths Qt 6.11 writes: pyqtgraph issue #3485). Both keep lines as vectors."""
    from pyqtgraph.exporters import SVGExporter

    try:
        SVGExporter(item).export(str(path))
    except (ValueError, IndexError):
        from PySide6.QtSvg import QSvgGenerator

        rect = item.sceneBoundingRect()
        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(rect.size().toSize())
        gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        gen.setTitle(_plot_name(item, 1)[3:])
        painter = QPainter(gen)
        try:
            item.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        finally:
            painter.end()
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")
    return path


class GifRecorder:
    """Frames of a widget, for an animated GIF: ``add()`` after each step, then ``save()``. Each
    frame is reduced to 256 colours as it is added, so a long recording stays small in memory."""

    def __init__(self, widget: QWidget, fps: float = 15.0, max_width: int = GIF_MAX_WIDTH) -> None:
        if not 1 <= fps <= 50:
            raise ValueError(f"frames per second must be in [1, 50], got {fps:g}")
        self.widget, self.fps, self.max_width = widget, fps, max_width
        self.frames: list = []

    def add(self) -> None:
        from PIL import Image

        if len(self.frames) >= MAX_FRAMES:
            raise ValueError(f"a GIF holds at most {MAX_FRAMES} frames")
        w = self.widget.width()
        image = render(self.widget, min(1.0, self.max_width / max(w, 1)))
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        frame = Image.frombytes("RGB", (image.width(), image.height()),
                                bytes(image.constBits())[: image.sizeInBytes()], "raw", "RGB",
                                image.bytesPerLine())
        self.frames.append(frame.quantize(colors=256, method=Image.Quantize.FASTOCTREE))

    def save(self, path: str | Path) -> Path:
        """Write the frames as a looping GIF; ValueError without frames, OSError on failure."""
        path = check_writable(path)
        if not self.frames:
            raise ValueError("no frames were recorded")
        first, *rest = self.frames
        first.save(path, "GIF", save_all=True, append_images=rest, loop=0,
                   duration=round(1000 / self.fps), optimize=False)
        return path


def record_gif(widget: QWidget, advance, path: str | Path, frames: int, fps: float = 15.0,
               settle=None) -> Path:
    """Record ``frames`` frames of ``widget``, calling ``advance()`` (one step of the run) and
    then ``settle()`` (let the views draw) before each, and write the GIF."""
    if not 1 <= frames <= MAX_FRAMES:
        raise ValueError(f"frames must be in [1, {MAX_FRAMES}], got {frames}")
    check_writable(path)
    recorder = GifRecorder(widget, fps)
    for _ in range(frames):
        advance()
        if settle is not None:
            settle()
        recorder.add()
    return recorder.save(path)


class GifRecording(QObject):
    """A GIF recorded while a page runs: a frame each time its lab steps (after the views have
    drawn), written when ``frames`` are in or ``finish()`` is called; ``done(text)`` says how it
    went. A frame costs about 40 ms at 1280x800 (drawn at GIF_MAX_WIDTH and reduced to 256
    colours), so a recording slows the page while it lasts."""

    def __init__(self, page: QWidget, path: str | Path, frames: int,
                 done: Callable[[str], None], fps: float = 15.0) -> None:
        super().__init__(page)
        if not 1 <= frames <= MAX_FRAMES:
            raise ValueError(f"frames must be in [1, {MAX_FRAMES}], got {frames}")
        self.path, self.frames, self.done = check_writable(path), frames, done
        self.recorder = GifRecorder(page, fps)
        self.lab = page.lab
        self.lab.stepped.connect(self._grab)
        self._grab()

    def _grab(self) -> None:
        self.recorder.add()
        if len(self.recorder.frames) >= self.frames:
            self.finish()

    def finish(self) -> bool:
        """Stop recording and write the GIF; True if it was written."""
        self.lab.stepped.disconnect(self._grab)
        self.lab.pause()
        try:
            self.recorder.save(self.path)
        except (OSError, ValueError) as exc:
            self.done(f"Could not write {self.path}: {exc}")
            return False
        finally:
            self.setParent(None)
        self.done(f"Saved a GIF of {len(self.recorder.frames)} frames to {self.path}")
        return True
