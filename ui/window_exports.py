"""The main window's exports: the page as a picture, one plot, an animated GIF of a run and the
page's curves as CSV (File menu). A mixin of ``MainWindow``: it uses the window's ``current_page``,
``_ask_path`` and ``_say``."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from .framework import export


class ExportActions:
    """File > Export …, for ``MainWindow``."""

    recording: export.GifRecording | None = None

    def export_picture(self, path: str | None = None, scale: float = 1.0) -> bool:
        """A PNG of the page in front, at ``scale`` (2 for slides: text drawn at twice the size)."""
        path = path or self._ask_path(True, "Export picture", "descent.png", "PNG image (*.png)")
        return bool(path) and self._write(path, lambda: export.save_png(self.current_page, path, scale),
                                          f"Saved picture {path}")

    def export_plot(self, name: str | None = None, path: str | None = None, scale: float = 2.0) -> bool:
        """One plot of the page in front, as SVG, as CSV (its curves) or as PNG at ``scale``
        (chosen by the suffix)."""
        found = export.plots(self.current_page)
        if name is None:
            name, ok = QInputDialog.getItem(self, "Export one plot", "Plot:", list(found), 0, False)
            if not ok:
                return False
        path = path or self._ask_path(True, "Export plot", "plot.svg",
                                      "SVG (*.svg);;PNG (*.png);;CSV, the plot's curves (*.csv)")
        if not path or name not in found:
            return False
        return self._write(path, lambda: export.save_plot(found[name], path, scale),
                           f"Saved the plot to {path}")

    def toggle_gif(self, path: str | None = None, frames: int = 150) -> bool:
        """Start recording the page in front as an animated GIF (it plays; one frame per redraw,
        ``frames`` frames), or stop a recording and write it."""
        if self.recording is not None:
            return self.recording.finish()
        path = path or self._ask_path(True, "Record animated GIF", "descent.gif", "GIF (*.gif)")
        if not path:
            return False
        try:
            self.recording = export.GifRecording(self.current_page, path, frames, self._gif_done)
        except (OSError, ValueError) as exc:
            self._say(f"Could not record to {path}: {exc}", 10000)
            return False
        self.gif_action.setText("Stop recording GIF")
        self._say(f"Recording {frames} frames to {path}; Play runs the page. File > Stop "
                  "recording GIF writes it now.", 10000)
        self.current_page.lab.play()
        return True

    def _gif_done(self, text: str) -> None:
        self.recording = None
        self.gif_action.setText("Record animated &GIF…")
        self._say(text, 10000)

    def _write(self, path: str, write, done) -> bool:
        """``write()``; the status bar says ``done`` (a text, or a function giving one), or why
        it could not."""
        try:
            write()
        except (OSError, ValueError) as exc:
            self._say(f"Could not write {path}: {exc}", 10000)
            return False
        self._say(done() if callable(done) else done)
        return True

    def export_csv(self, path: str | None = None) -> bool:
        path = path or self._ask_path(True, "Export as CSV", "descent.csv", "CSV (*.csv)")
        if not path:
            return False
        rows: list[int] = []
        return self._write(path, lambda: rows.append(self.current_page.export_csv(path)),
                           lambda: f"Saved {rows[0]} rows to {path}")


__all__ = ["ExportActions"]
