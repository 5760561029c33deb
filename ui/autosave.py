"""The saved session, kept safe: a lock so that two windows do not overwrite each other's work,
a save every few seconds while the state changes, a failed save said out loud with the last good
file left as it was, and a file that could not be fully read kept aside before it is replaced."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer

from . import session

AUTOSAVE_MS = 3000  # a crash or a kill loses at most the last few seconds
MAX_INSTANCES = 20
CONFIG_ENV = "DESCENT_CONFIG_DIR"  # where the session and the view settings live, if set


def config_dir() -> Path:
    """The folder of the session (``session.json``) and the window's view (``view.ini``), both
    state rather than configuration: ``$DESCENT_CONFIG_DIR`` if set, else the platform's state
    folder's ``descent`` (``~/.local/state/descent`` on Linux, ``$XDG_STATE_HOME`` if set), or its
    configuration folder's where Qt knows no state folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return _platform_dir("GenericStateLocation") or _platform_dir("GenericConfigLocation") or (
        Path.home() / ".config" / "descent")


def _platform_dir(location: str) -> Path | None:
    kind = getattr(QStandardPaths.StandardLocation, location, None)
    base = QStandardPaths.writableLocation(kind) if kind is not None else ""
    return Path(base) / "descent" if base else None


def _earlier_dirs() -> list[Path]:
    """Where earlier versions kept the session: the configuration folder's ``descent``, and
    before that Qt's application folder (``~/.config/Descent/Descent``)."""
    app = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return [d for d in (_platform_dir("GenericConfigLocation"), Path(app) if app else None) if d]


def default_session_path() -> Path:
    """``config_dir()/session.json``. A session saved where earlier versions kept it is copied
    there the first time (and left where it was)."""
    path = config_dir() / "session.json"
    if os.environ.get(CONFIG_ENV) or path.exists():
        return path
    for old in _earlier_dirs():
        if old.resolve() != path.parent.resolve() and (old / "session.json").is_file():
            _copy_from(old, path.parent)
            break
    return path


def _copy_from(old: Path, new: Path) -> None:
    for name in ("session.json", "view.ini"):
        source = old / name
        if source.is_file() and source.stat().st_size <= session.MAX_BYTES:
            try:
                new.mkdir(parents=True, exist_ok=True)
                (new / name).write_bytes(source.read_bytes())
            except OSError:
                return  # the old session stays where it was; this one starts afresh


def _remove_stale_temporaries(path: Path) -> None:
    """A save writes ``.session.json.XXXX.tmp`` and renames it; one killed mid-save leaves it
    behind. The window holding ``path``'s lock is the only one that writes them, so any left
    when it takes the lock are stale."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if tmp.is_file():
                tmp.unlink()
        except OSError:
            pass  # another time


def _why_unwritable(folder: Path) -> str:
    """Why a file cannot be made in ``folder``, in the user's words."""
    import shutil

    try:
        if shutil.disk_usage(folder).free < 1 << 20:
            return "the disk is full"
    except OSError:
        pass
    if not os.access(folder, os.W_OK):
        return "the folder is read-only"
    return "its lock file cannot be written"


class SessionKeeper(QObject):
    """Reads the session from ``source`` and saves it to ``path`` (the same file, unless another
    window holds its lock: then a file of this window's own, "session-2.json", and ``note`` says
    so). ``state()`` gives the content to save; ``say(text)`` shows a message to the user."""

    def __init__(self, path: Path, state: Callable[[], Any], say: Callable[[str], None],
                 parent: QObject | None = None, interval_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(parent)
        self.source = Path(path)
        self._state, self._say = state, say
        self.note = ""
        self.failed = ""  # why the last save (or taking the lock) failed ("" if it did not)
        self.retrying = False  # the lock could not be written: taken again when a save is due
        self.path, self._lock = self._claim(self.source)
        self._last = ""  # the text of the last save that succeeded (or of what was read)
        self._kept: str | None = None  # what keep_aside said, once it has kept the file
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save)

    def _claim(self, path: Path) -> tuple[Path, QLockFile | None]:
        """This window's session file and its lock: ``path`` if no other window holds it. A
        lock that cannot be written at all (a full disk, a read-only folder) is not another
        window's: ``note`` says what happened, and it is tried again when a save is due."""
        self.retrying = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return self._cannot_write(path, exc.strerror or str(exc))
        for n in range(1, MAX_INSTANCES + 1):
            mine = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            lock = QLockFile(str(mine) + ".lock")
            lock.setStaleLockTime(0)  # only a lock whose process has gone is stale, never by age
            if lock.tryLock(0):
                _remove_stale_temporaries(mine)
                self.note = (f"Another Descent window is using {path.name}: this window "
                             f"saves its session to {mine.name}") if n > 1 else ""
                return mine, lock
            if lock.error() != QLockFile.LockError.LockFailedError:  # not held: not writable
                return self._cannot_write(path, _why_unwritable(path.parent))
        self.note = "Too many Descent windows are open: this one does not save its session"
        return path, None

    def _cannot_write(self, path: Path, why: str) -> tuple[Path, None]:
        self.retrying, self.failed = True, why
        self.note = (f"The session cannot be saved in {path.parent} for now ({why}); Descent "
                     "tries again every few seconds. Use File > Save setup to keep your work "
                     "elsewhere.")
        return path, None

    def _reclaim(self) -> bool:
        """Try the lock again (after it could not be written); True once this window saves."""
        self.path, self._lock = self._claim(self.source)
        if self._lock is not None and self.note:
            self._say(self.note)  # another window took the file meanwhile: this one saves aside
        return self._lock is not None  # ``failed`` stays until the save that follows succeeds

    @property
    def saving(self) -> bool:
        return self._lock is not None

    def read(self) -> Any:
        """The saved session's content, None if there is none; OSError or ValueError if it
        cannot be read."""
        try:
            return session.read_json(self.source)
        except FileNotFoundError:
            return None

    def keep_aside(self) -> str:
        """Rename a session file that could not be fully read to "<name>.bak" before anything
        replaces it; a sentence saying so ("" if there was nothing to keep). Once only: a part
        found unreadable later (a lab's, when it is made) is in the file already kept, and the
        file saved since must not replace it."""
        if self._kept is not None:
            return self._kept
        if self.source != self.path or not os.path.lexists(self.path):
            return ""
        backup = self.path.with_name(self.path.name + ".bak")
        try:
            os.replace(self.path, backup)
        except OSError as exc:
            self._lock = None  # do not overwrite what could not be kept aside
            self._kept = f"the session file could not be kept aside ({exc}), so it will not be saved over"
        else:
            self._kept = f"the file as it was is kept as {backup}"
        return self._kept

    def start(self) -> None:
        """Take what is in force now as saved, then save every few seconds while it changes."""
        self._last = self._text()
        if self.saving or self.retrying:
            self.timer.start()

    def _text(self) -> str:
        """The state as compact JSON: what is compared every few seconds (a few ms)."""
        return json.dumps(self._state(), separators=(",", ":"))

    @property
    def unsaved(self) -> bool:
        """The state in force differs from the last saved (or read) session."""
        return self._text() != self._last

    def save(self, force: bool = False) -> bool:
        """Write the session if it changed (or ``force``); a failure is said in the status bar
        and on stderr, and leaves the last good file as it was. True if the file is up to date."""
        if not self.saving and not (self.retrying and self._reclaim()):
            return False
        text = self._text()
        if text == self._last and not force and not self.failed:
            return True
        try:
            session.write_atomic(self.path, json.dumps(json.loads(text), indent=2))
        except (OSError, ValueError) as exc:
            if str(exc) != self.failed:
                print(f"descent: could not save the session to {self.path}: {exc}", file=sys.stderr)
            self.failed = str(exc) or type(exc).__name__
            self._say(f"Could not save the session ({self.failed}); the last saved copy is kept. "
                      "Use File > Save setup to keep your work elsewhere.")
            return False
        if self.failed:
            self._say("The session is saved again")
        self._last, self.failed = text, ""
        return True

    def release(self) -> None:
        """Let the session go without saving (the window is not opened after all)."""
        self.timer.stop()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def stop(self) -> bool:
        """Save a last time and let the session go; True if it was saved."""
        ok = self.save(force=True) if self.saving or self.retrying else True
        self.release()
        return ok
