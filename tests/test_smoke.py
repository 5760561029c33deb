"""main.py started as a user would, in a subprocess, then quit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, tmp_path: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_STATE_HOME": str(tmp_path)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_main_starts_plays_and_quits(tmp_path):
    shot = tmp_path / "shot.png"
    proc = run("--fresh", "--play", "--screenshot", str(shot), "--quit-after", "1.5",
               tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert shot.stat().st_size > 20_000


def test_help_lists_options(tmp_path):
    proc = run("--help", tmp_path=tmp_path)
    assert proc.returncode == 0
    for opt in ("--page", "--surface", "--preset", "--fresh", "--screenshot"):
        assert opt in proc.stdout


def test_page_opens_that_lab_and_a_bad_page_is_a_clear_error(tmp_path):
    shot = tmp_path / "bn.png"
    proc = run("--fresh", "--page", "batchnorm", "--screenshot", str(shot), "--quit-after", "0.5",
               tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert shot.stat().st_size > 20_000
    proc = run("--fresh", "--page", "nope", tmp_path=tmp_path)
    assert proc.returncode == 2 and "invalid choice: 'nope'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_surface_is_a_clear_error(tmp_path):
    proc = run("--fresh", "--surface", "mountain", "--quit-after", "0.2", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "unknown surface 'mountain'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_session_survives_a_restart(tmp_path):
    assert run("--surface", "beale", "--quit-after", "0.5", tmp_path=tmp_path).returncode == 0
    saved = list(tmp_path.rglob("session.json"))
    assert saved and '"surface": "beale"' in saved[0].read_text()


def test_an_error_in_a_slot_is_reported_not_fatal(qtbot):
    """main.py's hook: an unexpected exception shows in the status bar and the app goes on."""
    import sys

    from main import install_error_hook
    from ui.main_window import MainWindow

    w = MainWindow(session_path=None)
    qtbot.addWidget(w)
    old = sys.excepthook
    try:
        install_error_hook(w)
        try:
            raise KeyError("boom")
        except KeyError:
            sys.excepthook(*sys.exc_info())
        assert "KeyError" in w.statusBar().currentMessage()
        assert "settings are unchanged" in w.statusBar().currentMessage()
    finally:
        sys.excepthook = old
        w.close()
