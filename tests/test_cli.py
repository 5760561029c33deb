"""The command line as a user types it, in a subprocess: rendering every page without a window,
a GIF and a CSV of a run, one clear line for each bad argument, and SIGTERM saving the session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ui.labs import LAB_KEYS

ROOT = Path(__file__).resolve().parent.parent


def env(tmp_path: Path) -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
            "XDG_STATE_HOME": str(tmp_path)}


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=tmp_path,
                          env=env(tmp_path), capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("key", LAB_KEYS)
def test_every_page_renders_its_steps_without_a_window(tmp_path, key):
    shot, csv = tmp_path / f"{key}.png", tmp_path / f"{key}.csv"
    proc = run("--page", key, "--steps", "20", "--screenshot", str(shot), "--export-csv", str(csv),
               tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 20_000
    rows = [r for r in csv.read_text().splitlines() if not r.startswith("#")]
    assert len(rows) >= 2
    assert not list(tmp_path.rglob("session.json"))  # rendering neither reads nor writes it


def test_a_preset_recorded_as_a_gif_and_a_picture_for_slides(tmp_path):
    from PIL import Image

    from ui.labs import entry_for

    preset = entry_for("optimizers").presets()[0]["name"]
    gif, shot = tmp_path / "run.gif", tmp_path / "x2.png"
    proc = run("--preset", preset, "--steps", "5", "--gif", str(gif), "--frames", "6",
               "--screenshot", str(shot), "--scale", "2", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with Image.open(gif) as im:
        assert im.n_frames == 6
    with Image.open(shot) as im:
        assert im.size == (2560, 1600)


@pytest.mark.parametrize("args, words", [
    (["--quit-after", "nan"], "argument --quit-after: must be seconds in [0, 604800], got 'nan'"),
    (["--quit-after", "-1"], "argument --quit-after: must be seconds"),
    (["--steps", "-5"], "argument --steps: must be a whole number in [0, 1e+07], got '-5'"),
    (["--steps", "2.5"], "argument --steps: must be a whole number"),
    (["--screenshot", "no/such/folder/x.png"], "the folder 'no/such/folder' does not exist"),
    (["--screenshot", "x.jpg"], "'x.jpg' must end in .png"),
    (["--gif", "x.gif", "--frames", "0"], "argument --frames: must be a whole number in [1, 1000]"),
    (["--frames", "5"], "argument --frames: only with --gif"),
    (["--scale", "inf", "--screenshot", "x.png"], "argument --scale: must be a number in"),
    (["--page", "nope"], "argument --page: invalid choice: 'nope'"),
    (["--preset", "", "--screenshot", "x.png"], "argument --preset: a preset's name"),
])
def test_a_bad_argument_is_one_clear_line_and_status_2(capsys, args, words):
    from main import parse_args

    with pytest.raises(SystemExit) as exit_:
        parse_args(args)
    assert exit_.value.code == 2 and words in capsys.readouterr().err


@pytest.mark.parametrize("args, words", [
    (["--quit-after", "nan"], "argument --quit-after: must be seconds"),
    (["--preset", "nope", "--screenshot", "x.png"], "no preset 'nope'; presets:"),
    (["--fresh", "--page", "tuning", "--preset", "Ravine: SGD zig-zags, momentum glides"],
     "not 'tuning'"),
])
def test_bad_arguments_exit_2_without_a_traceback(tmp_path, args, words):
    proc = run(*args, tmp_path=tmp_path)
    assert proc.returncode == 2
    assert words in proc.stderr.strip().splitlines()[-1]  # the usage, then one line saying why
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.glob("x.*"))


def test_help_documents_every_option(tmp_path):
    proc = run("--help", tmp_path=tmp_path)
    assert proc.returncode == 0
    for opt in ("--page", "--preset", "--steps", "--screenshot", "--scale", "--gif", "--frames",
                "--fps", "--export-csv", "--quit-after", "--fresh", "--play", "Exit status"):
        assert opt in proc.stdout, opt


def test_sigterm_closes_the_window_and_saves_the_session(tmp_path):
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--surface", "beale",
                             "--print-startup-time"], cwd=tmp_path, env=env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "startup:" in proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    saved = json.loads(next(tmp_path.rglob("session.json")).read_text())
    assert saved["labs"]["optimizers"]["settings"]["surface"] == "beale"
    assert not list(tmp_path.rglob("*.lock"))  # the lock went with the window


def test_a_long_run_says_how_far_it_is_and_ctrl_c_keeps_what_was_done(tmp_path):
    """``--steps 2000000 --export-csv`` ran for minutes with no sign of life, and Ctrl+C lost
    everything: now its progress is on stderr, and Ctrl+C writes the CSV with the steps done."""
    out = tmp_path / "curves.csv"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--page", "classifier",
                             "--steps", "2000000", "--export-csv", str(out)], cwd=tmp_path,
                            env=env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()  # after about two seconds of training
        assert first.startswith("descent: step ") and "of 2,000,000" in first and "left" in first
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        rest = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 130, rest
    assert "stopped by Ctrl+C after" in rest and "Traceback" not in rest
    rows = [line for line in out.read_text().splitlines() if line[:1].isdigit()]
    assert len(rows) > 10  # the epochs trained before Ctrl+C, one row each


def test_steps_go_in_slices_and_stop_where_the_lab_stops(capsys):
    """``run_steps`` does every step asked (in slices, so Ctrl+C is seen between two of them),
    and ends early, without looping, when the lab no longer moves (diverged, or refused)."""
    from ui.long_run import run_steps

    class Lab:
        def __init__(self, stop_at: int) -> None:
            self.iteration, self.stop_at, self.calls = 0, stop_at, 0

        def run(self, k: int) -> None:
            self.calls += 1
            self.iteration = min(self.iteration + k, self.stop_at)

    lab = Lab(stop_at=10**9)
    assert run_steps(lab, 100_000) == (100_000, False) and lab.iteration == 100_000
    assert lab.calls > 1
    stuck = Lab(stop_at=37)
    done, stopped = run_steps(stuck, 100_000)
    assert stuck.iteration == 37 and not stopped and done < 100_000
    assert capsys.readouterr().err == ""  # a short run says nothing


def test_ctrl_c_during_steps_stops_between_two_slices(capsys):
    from ui.long_run import run_steps

    class Lab:
        iteration = 0

        def run(self, k: int) -> None:
            self.iteration += k
            if self.iteration >= 50:
                signal.raise_signal(signal.SIGINT)  # as the terminal sends it

    before = signal.getsignal(signal.SIGINT)
    lab = Lab()
    done, stopped = run_steps(lab, 10**9)
    assert stopped and done == lab.iteration >= 50
    assert signal.getsignal(signal.SIGINT) is before  # the handler in force came back
    assert "stopped by Ctrl+C after" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_exits_1_and_leaves_no_empty_file(qtbot, tmp_path,
                                                                            monkeypatch, capsys):
    """A full disk: the PNG was opened, nothing went in, and an empty file stayed behind, as if
    it were one. (Run in this process: the write is made to fail as a full disk does.)"""
    import main
    from ui.framework import export

    def full_disk(widget, path, scale=1.0):
        open(path, "wb").close()  # created, then nothing fits
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "save_png", full_disk)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    shot = tmp_path / "out.png"
    assert main.main(["--page", "classifier", "--steps", "2", "--screenshot", str(shot)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not shot.exists()
