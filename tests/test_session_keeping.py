"""Nothing lost: a hostile or unreadable session loads as far as it can and is kept aside, the
session is saved while it changes, a failed save says so and keeps the last good file, two windows
keep their own files, and closing asks only when work would be lost."""

from __future__ import annotations

import json

import pytest

from ui.main_window import MainWindow


def shown(win) -> str:
    """Everything the window is saying: the status bar and every page's message line."""
    return "\n".join([win.statusBar().currentMessage(), *(p.message for p in win.pages.values())])


def hostile_session() -> dict:
    """A session with one bad field in each of three labs, and good fields around them."""
    return {"format": "descent", "version": 2, "current": "classifier", "labs": {
        "optimizers": {"version": 1, "settings": {"surface": "beale", "noise": 0.2,
                                                  "enabled": {"rmsprop": "false"}}},
        "classifier": {"version": 1, "settings": {
            "dataset": "xor", "classes": 2, "n": float("inf"), "hidden": [6],
            "added": [[0.5, 0.5, 0], [0.1, "x", 1], [-0.5, 0.25, 1]]}},
        "batchnorm": {"version": 1, "settings": {"hidden": "16", "bn_momentum": 0.95}},
        "tuning": {"version": 1, "settings": [1, 2]}}}


def test_a_hostile_session_keeps_every_valid_field_and_the_file(qtbot, tmp_path):
    path = tmp_path / "session.json"
    text = json.dumps(hostile_session())  # Infinity, as Python's json writes it
    path.write_text(text)
    w = MainWindow(session_path=path)
    qtbot.addWidget(w)
    o, c, b = (w.pages[k].lab for k in ("optimizers", "classifier", "batchnorm"))
    assert o.settings_dict()["surface"] == "beale" and o.settings_dict()["noise"] == 0.2
    assert o.settings_dict()["enabled"]["rmsprop"] is True
    assert c.settings.dataset == "xor" and c.settings.hidden == [6] and c.settings.n == 300
    assert c.trainer.added == [(0.5, 0.5, 0), (-0.5, 0.25, 1)]
    assert b.settings.bn_momentum == 0.95 and b.settings.hidden == [16, 16]
    for words in ("enabled.rmsprop must be true or false, got 'false'",
                  "n must be a whole number, got inf", "added[1]",
                  "hidden must be a list, got '16'", "expected 'settings' to be a JSON object",
                  "session.json.bak"):
        assert words in shown(w), words
    assert (tmp_path / "session.json.bak").read_text() == text  # kept as it was
    w.close()
    saved = json.loads(path.read_text())["labs"]
    assert saved["classifier"]["settings"]["added"] == [[0.5, 0.5, 0], [-0.5, 0.25, 1]]


@pytest.mark.parametrize("content, words", [
    ("[" * 1100 + "]" * 1100, "nested too deeply"),
    ('{"format": "descent", "version": 2, "labs": {"optimizers": ' * 1 + "{", "not valid JSON"),
    ("\x00\xff garbage", "not valid JSON"),
    (None, "not a regular file"),
])
def test_an_unreadable_session_is_set_aside_not_fatal(qtbot, tmp_path, content, words):
    path = tmp_path / "session.json"
    if content is None:
        path.symlink_to("/dev/zero")
    else:
        path.write_text(content)
    w = MainWindow(session_path=path)
    qtbot.addWidget(w)
    assert w.pages["optimizers"].lab.settings_dict()["surface"] == "ravine"
    message = w.statusBar().currentMessage()
    assert "Ignored the saved session" in message and words in message and ".bak" in message
    w.close()
    assert json.loads(path.read_text())["format"] == "descent"
    assert (tmp_path / "session.json.bak").is_symlink() if content is None else (
        (tmp_path / "session.json.bak").read_text() == content)


def test_the_session_is_saved_while_it_changes(qtbot, tmp_path):
    path = tmp_path / "session.json"
    w = MainWindow(session_path=path)
    qtbot.addWidget(w)
    assert w.keeper.timer.isActive() and w.keeper.timer.interval() <= 5000
    w.pages["optimizers"].lab.set_surface("himmelblau")
    w.keeper.timer.timeout.emit()  # what the autosave timer does every few seconds
    assert json.loads(path.read_text())["labs"]["optimizers"]["settings"]["surface"] == "himmelblau"
    assert not w.unsaved
    w.close()


def test_a_failed_save_says_so_and_keeps_the_last_good_file(qtbot, tmp_path, monkeypatch):
    from ui import session

    path = tmp_path / "session.json"
    w = MainWindow(session_path=path)
    qtbot.addWidget(w)
    w.pages["optimizers"].lab.set_surface("beale")
    assert w.keeper.save()
    good = path.read_text()

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session, "write_atomic", full_disk)
    w.pages["optimizers"].lab.set_surface("saddle")
    assert not w.keeper.save()
    assert "Could not save the session ([Errno 28] No space left on device)" in shown(w)
    assert path.read_text() == good and w.unsaved  # closing by hand would ask first
    monkeypatch.undo()
    assert w.keeper.save() and "saved again" in shown(w) and not w.unsaved
    w.close()


def test_a_second_window_keeps_its_own_session_file(qtbot, tmp_path):
    path = tmp_path / "session.json"
    first = MainWindow(session_path=path)
    qtbot.addWidget(first)
    first.pages["optimizers"].lab.set_surface("beale")
    first.keeper.save()
    second = MainWindow(session_path=path)
    qtbot.addWidget(second)
    assert second.pages["optimizers"].lab.settings_dict()["surface"] == "beale"  # read, not owned
    assert "saves its session to session-2.json" in second.statusBar().currentMessage()
    second.pages["optimizers"].lab.set_surface("saddle")
    second.close()
    first.close()
    assert json.loads(path.read_text())["labs"]["optimizers"]["settings"]["surface"] == "beale"
    other = json.loads((tmp_path / "session-2.json").read_text())
    assert other["labs"]["optimizers"]["settings"]["surface"] == "saddle"


def test_closing_asks_only_when_work_would_be_lost(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked = []

    def answer(*args, **_kw):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    kept = MainWindow(session_path=tmp_path / "session.json")  # autosaved: nothing to lose
    qtbot.addWidget(kept)
    kept.pages["classifier"].lab.add_point(0.5, 0.5)
    assert kept.may_close() and not asked
    kept.close()
    fresh = MainWindow(session_path=None)  # --fresh keeps no session
    qtbot.addWidget(fresh)
    assert fresh.may_close() and not asked  # nothing made yet
    fresh.pages["classifier"].lab.add_point(0.5, 0.5)
    assert not fresh.may_close() and "does not keep a session" in asked[0]
    fresh.close()  # closed by the program (a test, --quit-after): no question
    assert len(asked) == 1


def test_a_second_window_asks_before_it_opens(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from main import second_window_wanted

    first = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(first)
    assert second_window_wanted(first)  # the only window: no question
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    second = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(second)
    assert not second_window_wanted(second)  # No: quits, saving nothing, the lock let go
    second.close()
    assert not (tmp_path / "session-2.json").exists()
    third = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(third)
    assert third.keeper.path.name == "session-2.json" and second_window_wanted(third)
    third.close()
    first.close()


def test_a_save_killed_midway_leaves_no_temporary_for_ever(qtbot, tmp_path):
    """A SIGKILL during a save left ``.session.json.*.tmp`` behind, never cleaned; the next
    window to hold the session's lock removes them (another file's temporaries stay)."""
    from ui.autosave import SessionKeeper

    (tmp_path / ".session.json.ab12cd.tmp").write_text("{half")
    (tmp_path / ".session-2.json.zz.tmp").write_text("{other")
    keeper = SessionKeeper(tmp_path / "session.json", dict, lambda text: None)
    try:
        assert not (tmp_path / ".session.json.ab12cd.tmp").exists()
        assert (tmp_path / ".session-2.json.zz.tmp").exists()
    finally:
        keeper.release()


class FullDisk:
    """The session's folder on a full disk, as the OS shows it: a lock file cannot be made
    (``QLockFile`` says UnknownError, not "held by another"), a write raises ENOSPC, and no space
    is free; ``free()`` frees some."""

    def __init__(self, monkeypatch) -> None:
        import shutil
        from collections import namedtuple

        from PySide6.QtCore import QLockFile

        from ui import autosave, session

        self.full, disk = True, self
        real_write, real_usage = session.write_atomic, shutil.disk_usage
        usage = namedtuple("usage", "total used free")

        class Lock(QLockFile):
            def tryLock(self, timeout=0):  # noqa: N802 (Qt's name)
                return False if disk.full else super().tryLock(timeout)

            def error(self):
                return QLockFile.LockError.UnknownError if disk.full else super().error()

        def write(*args, **kwargs):
            if disk.full:
                raise OSError(28, "No space left on device")
            return real_write(*args, **kwargs)

        monkeypatch.setattr(autosave, "QLockFile", Lock)
        monkeypatch.setattr(session, "write_atomic", write)
        monkeypatch.setattr(shutil, "disk_usage",
                            lambda p: usage(1 << 30, 1 << 30, 0) if disk.full else real_usage(p))

    def free(self) -> None:
        self.full = False


def test_a_full_disk_at_start_is_said_and_the_session_is_saved_once_space_is_freed(
        qtbot, tmp_path, monkeypatch):
    """The lock file could not be written, and the window said "Too many Descent windows are
    open" with one window open; nothing was saved even after space was freed."""
    disk = FullDisk(monkeypatch)
    path = tmp_path / "session.json"
    w = MainWindow(session_path=path)
    qtbot.addWidget(w)
    assert "the disk is full" in shown(w) and "Too many" not in shown(w)
    assert w.keeper.timer.isActive()  # it tries again when a save is due
    w.pages["optimizers"].lab.set_surface("beale")
    w.keeper.timer.timeout.emit()
    assert not path.exists() and w.unsaved  # closing by hand would ask first
    disk.free()
    w.keeper.timer.timeout.emit()
    assert json.loads(path.read_text())["labs"]["optimizers"]["settings"]["surface"] == "beale"
    assert "saved again" in shown(w) and not w.unsaved
    w.pages["optimizers"].lab.set_surface("saddle")
    w.close()
    assert json.loads(path.read_text())["labs"]["optimizers"]["settings"]["surface"] == "saddle"


# -- controllers made when first wanted --------------------------------------------------------------


def every_lab_changed(tmp_path) -> tuple[dict, str]:
    """A session saved with a setting changed in every lab, its front page the optimizers'."""
    w = MainWindow(session_path=tmp_path / "session.json")
    w.labs["optimizers"].set_surface("beale")
    w.labs["classifier"].configure(dataset="xor")
    w.labs["batchnorm"].configure(bn_momentum=0.95)
    w.labs["tuning"].configure("population", size=6)
    w.close()
    text = (tmp_path / "session.json").read_text()
    return json.loads(text), text


def test_start_up_makes_the_front_lab_only_and_keeps_every_others_session_part(qtbot, tmp_path):
    """The labs not in front are made when first wanted; until then their part of the session
    is saved back as it was read, and loads when they are made."""
    saved, _ = every_lab_changed(tmp_path)
    w = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(w)
    assert list(w.labs.made()) == ["optimizers"] and w.labs["optimizers"].settings.surface.name == "beale"
    assert w.keeper.save(force=True)
    assert json.loads((tmp_path / "session.json").read_text())["labs"] == saved["labs"]
    w.tabs.setCurrentWidget(w.pages.slots["tuning"])  # its tab clicked: made, its part loaded
    assert list(w.labs.made()) == ["optimizers", "tuning"]
    assert w.labs["tuning"].lessons["population"].settings.size == 6
    assert w.labs["batchnorm"].settings.bn_momentum == 0.95  # asked for: made and loaded
    assert not w.unsaved and "could not" not in shown(w)
    w.close()
    assert json.loads((tmp_path / "session.json").read_text())["labs"] == saved["labs"]


def test_a_bad_part_found_when_its_lab_is_made_keeps_the_file_as_it_was_read(qtbot, tmp_path):
    """A lab's unreadable part is found only when the lab is made, maybe after the session was
    saved over: the file kept aside holds every part that could not be read as it was read (the
    held parts were saved back unchanged), and every other held part loads then, so that all
    that cannot be read is said at once and none of it is saved again."""
    saved, _ = every_lab_changed(tmp_path)
    saved["labs"]["tuning"] = {"version": 1, "settings": [1, 2]}
    saved["labs"]["batchnorm"]["settings"]["hidden"] = "16"
    (tmp_path / "session.json").write_text(json.dumps(saved))
    w = MainWindow(session_path=tmp_path / "session.json")
    qtbot.addWidget(w)
    assert "could not" not in w.statusBar().currentMessage()  # the front lab's part was good
    w.labs["optimizers"].set_surface("saddle")
    assert w.keeper.save()  # saved over, the held parts as they were
    w.show_page("tuning")
    assert "expected 'settings' to be a JSON object" in shown(w)
    assert "session.json.bak" in w.statusBar().currentMessage()
    kept = (tmp_path / "session.json.bak").read_text()
    assert json.loads(kept)["labs"] == {**saved["labs"], "optimizers": json.loads(kept)["labs"]["optimizers"]}
    assert json.loads(kept)["labs"]["optimizers"]["settings"]["surface"] == "saddle"  # the last save
    assert "batchnorm" in w.labs.made() and w.labs["batchnorm"].settings.bn_momentum == 0.95
    assert "hidden must be a list, got '16'" in shown(w) and "classifier" in w.labs.made()
    w.close()
    labs = json.loads((tmp_path / "session.json").read_text())["labs"]
    assert labs["optimizers"]["settings"]["surface"] == "saddle"
    assert labs["tuning"] != saved["labs"]["tuning"] and labs["batchnorm"]["settings"]["hidden"] == [16, 16]
    assert (tmp_path / "session.json.bak").read_text() == kept  # kept once, not replaced


def test_making_a_lab_is_not_work_to_lose(qtbot):
    fresh = MainWindow(session_path=None)
    qtbot.addWidget(fresh)
    fresh.show_page("batchnorm")
    fresh.show_page("tuning")
    assert not fresh.unsaved
    fresh.labs["tuning"].configure("population", size=6)
    assert fresh.unsaved
    fresh.close()
