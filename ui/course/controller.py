"""Walking a course path in the window: predict, then see.

``Course`` opens a step (its lab's page, its preset loaded, the preset's note kept quiet so its
claim does not give the answer away), records the class's pick, and when the run in front has been
played and its claim measured (the page's preset bar measures it with the function its test runs
on several seeds), reveals the answer that measurement gives. A preset's own actions (a basin
map, a measurement in the background) wait for Play: they would show the answer before the pick.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from simulator.claims import Verdict
from simulator.course import CoursePath, Progress, Step, read_path

from . import DEFAULT_PATH, known, load_path


class Course(QObject):
    """The path (``path``, read from ``source``), where the class is (``progress``), and whether
    the course is on (``active``). ``changed`` whenever any of it changes."""

    changed = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.path: CoursePath | None = None
        self.source = ""  # the file the path was read from; "" for the default path
        self.progress = Progress()
        self.active = False
        self.played = False  # the step in front has been played (or stepped) since it opened
        self.note = ""  # what the bar says beside the question (a settings change, a failure)
        self.failure = ""  # why the last path could not be opened
        self._pending: list[str] = []  # the preset's actions, run on the first Play
        self._opened_at: float = 0  # the run's iteration when the step opened
        window.labs.each(self._follow)
        for page in window.pages.built():
            self.adopt(page)

    def _follow(self, key: str, lab) -> None:
        lab.running_changed.connect(lambda on: on and self._played(key))
        lab.stepped.connect(lambda: self._stepped(key))

    def adopt(self, page) -> None:
        """Follow a page's preset bar (the window calls it for each page it builds)."""
        key = self.window.pages.key_of(page)
        page.preset_bar.verdict_changed.connect(lambda v, k=key: self._measured(k, v))
        page.preset_bar.dismissed.connect(lambda k=key: self._dismissed(k))
        page.preset_bar.set_quiet(self.active)

    # -- the path -------------------------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        if self.path is None or not self.active:
            return None
        return self.path.steps[self.progress.index]

    @property
    def count(self) -> int:
        return len(self.path.steps) if self.path is not None else 0

    def start(self, source: str = "", progress: Progress | None = None,
              path: CoursePath | None = None) -> bool:
        """Open the path in ``source`` (the default path if "", or ``path`` itself if given) at the
        step ``progress`` gives (or the first); False, having said why, if it cannot be read."""
        if path is None:
            try:
                path = load_path(source or DEFAULT_PATH)
            except (OSError, ValueError) as exc:
                self.failure = f"Could not open the course path {source or 'shipped with Descent'}: {exc}"
                self.window.say(self.failure)
                return False
        self.path, self.source = path, str(source)
        self.progress = progress if progress is not None else Progress()
        self.active = True
        return self.go(self.progress.index)

    def leave(self) -> None:
        """Leave the course: the pages are as they were, their preset notes shown again."""
        self.active = False
        for page in self.window.pages.built():
            page.preset_bar.set_quiet(False)
        self.changed.emit()

    def go(self, index: int) -> bool:
        """Open step ``index`` (clipped to the path): its lab, its preset, the question."""
        if self.path is None:
            return False
        self.active = True
        self.progress.index = min(max(int(index), 0), self.count - 1)
        step = self.step
        page = self.window.show_page(step.lab)
        for other in self.window.pages.built():
            other.preset_bar.set_quiet(True)
        preset = self._preset(step)
        # Nothing counts as the class's doing while the step opens: the load redraws, measures
        # and may dismiss the note of the preset before.
        self.played, self._opened_at = False, float("inf")
        page.lab.pause()
        ok = page.lab.load(preset["settings"])
        if ok:
            page.show_preset({**preset, "actions": []})
        self._pending = list(preset.get("actions", []))
        self._opened_at = page.lab.iteration  # a step of the run (Step, →) counts as playing
        self.note = "" if ok else "This step's settings could not be loaded (see the page's message)."
        self.changed.emit()
        return ok

    def _preset(self, step: Step) -> dict[str, Any]:
        if step.preset:
            return next(p for p in self.window.presets if p["page"] == step.lab and p["name"] == step.preset)
        return {"name": step.question, "settings": dict(step.settings or {}), "measure": step.measure,
                "view": step.view}

    def next(self) -> bool:
        """The next step; past the last, the results."""
        if self.path is None:
            return False
        if self.progress.index + 1 >= self.count:
            self.window.show_course_results()
            return False
        return self.go(self.progress.index + 1)

    def previous(self) -> bool:
        return self.path is not None and self.go(self.progress.index - 1)

    def pick(self, answer: int) -> None:
        """The class's (or the student's) prediction for the step in front."""
        step = self.step
        if step is None or not 0 <= answer < len(step.answers):
            return
        self.progress.picks[self.progress.index] = int(answer)
        self.changed.emit()

    # -- the run ----------------------------------------------------------------------------------

    def _is_front(self, key: str) -> bool:
        step = self.step
        return step is not None and step.lab == key

    def _stepped(self, key: str) -> None:
        """A redraw: the class played if the run went on (a load or a reset also redraws)."""
        if self._is_front(key) and self.window.labs[key].iteration > self._opened_at:
            self._played(key)

    def _played(self, key: str) -> None:
        if not self._is_front(key) or self.played:
            return
        page = self.window.pages[key]
        self.played = True
        actions, self._pending = self._pending, []
        for action in actions:  # what the preset does on loading, now that the class has picked
            try:
                page.lab.preset_action(action)
            except ValueError as exc:
                page.show_message(str(exc), error=True)
        self._measured(key, page.preset_bar.verdict)

    def _measured(self, key: str, verdict: Verdict | None) -> None:
        """The page measured the step's claim on the run in front: reveal what it gives, once
        the step has been played."""
        if verdict is None or not self.played or not self._is_front(key):
            return
        self.progress.revealed[self.progress.index] = (self.step.answer_for(verdict), verdict.text)
        self.changed.emit()

    def _dismissed(self, key: str) -> None:
        if self._is_front(key):
            self.note = ("A setting was changed by hand: this run no longer measures the step's "
                         "claim. ⟲ opens the step again.")
            self.changed.emit()

    def revealed(self) -> tuple[int | None, str] | None:
        """The step in front's revealed answer and the measurement's words, or None."""
        return self.progress.revealed.get(self.progress.index) if self.active else None

    # -- saved ----------------------------------------------------------------------------------

    def state(self) -> dict[str, Any] | None:
        """What the session keeps of the course (None when it was never started)."""
        if self.path is None:
            return None
        return {"source": self.source, "active": self.active, "path": self.path.to_dict(),
                "progress": self.progress.to_dict()}

    def restore(self, data: Any) -> None:
        """Back to where a saved session was on its path (the path as it was then, steps added
        included); what cannot be read is said, and the course stays off."""
        if not isinstance(data, dict) or not isinstance(data.get("source", ""), str):
            return
        try:
            path = read_path(data["path"], known()) if "path" in data else load_path(
                data.get("source") or DEFAULT_PATH)
        except (OSError, ValueError) as exc:
            self.window.say(f"The course path of the last session could not be read: {exc}")
            return
        progress = Progress.from_dict(data.get("progress"), path)
        if data.get("active"):
            self.start(data.get("source", ""), progress, path)
        else:
            self.path, self.source, self.progress = path, data.get("source", ""), progress
            self.changed.emit()


__all__ = ["Course"]
