"""``main.py --handout DIR`` (issue 20): every step of a course path rendered after its run, with
no display: index.html with each question and the answer its run measured, one PNG per step."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
STEPS = [
    ("tuning", "Learning rate α on a log scale", ["About 10%", "About 90%"], 1),
    ("batchnorm", "A whole layer: every unit normalized", ["Each its own", "0 and 1"], 1),
    ("classifier", "Softmax regression: four blobs", ["Above 95%", "Under 70%"], 0),
    ("optimizers", "The notes' bowl: J(w) = w² − 10w + 25", ["At 0", "At 5", "At 10"], 1),
]


def no_display(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path)}


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=tmp_path,
                          env=no_display(tmp_path), capture_output=True, text=True, timeout=300)


def test_the_handout_renders_every_step_after_its_run_without_a_display(tmp_path):
    steps = [{"quote": f"point {i}", "lab": lab, "preset": preset, "question": f"Question {i}: {preset}?",
              "answers": answers, "reveal": {"holds": holds}}
             for i, (lab, preset, answers, holds) in enumerate(STEPS)]
    path = {"title": "Four labs", "steps": steps}
    file = tmp_path / "four.json"
    file.write_text(json.dumps(path), encoding="utf-8")
    out = tmp_path / "handout"
    proc = run(tmp_path, "--handout", str(out), "--path", str(file))
    assert proc.returncode == 0, proc.stderr
    assert "4 steps, 4 answered by their runs" in proc.stdout
    assert "propagateSizeHints" not in proc.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    for i, (_, _, answers, holds) in enumerate(STEPS):
        image = QImage(str(out / f"step-{i + 1:02d}.png"))
        assert (image.width(), image.height()) == (1280, 800)
        colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
        assert len(colours) > 50  # a drawn page, not a blank one
        section = page.split(f"<section id=step-{i + 1}>")[1].split("</section>")[0]
        assert "Question" in section and "Measured on this run" in section
        assert f"{answers[holds]} <b>← the run's answer</b>" in section.replace("&#x27;", "'")
    assert page.count("<img src='step-") == 4


def test_a_bad_path_is_named_by_step_and_field_and_nothing_is_written(tmp_path):
    file = tmp_path / "bad.json"
    file.write_text(json.dumps({"steps": [{"quote": "q", "lab": "optimizers", "preset": "Nope",
                                           "question": "?", "answers": ["a", "b"], "reveal": {"holds": 0}}]}),
                    encoding="utf-8")
    proc = run(tmp_path, "--handout", str(tmp_path / "out"), "--path", str(file))
    assert proc.returncode == 2 and "step 1: the optimizers lab has no preset 'Nope'" in proc.stderr
    assert not (tmp_path / "out" / "index.html").exists()
    proc = run(tmp_path, "--handout", str(file))
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stderr
