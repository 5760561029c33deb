"""The engine never touches Qt: ``simulator`` imports no PySide6, shiboken6 or pyqtgraph."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIMULATOR = ROOT / "simulator"
FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "qtpy")

IMPORT_ALL = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    import simulator

    names = ["simulator"]
    for info in pkgutil.walk_packages(simulator.__path__, "simulator."):
        importlib.import_module(info.name)
        names.append(info.name)
    print(json.dumps({"imported": names, "modules": sorted(sys.modules)}))
    """
)


def test_importing_every_simulator_module_loads_no_qt():
    # A fresh interpreter: this test process has Qt loaded already (pytest-qt).
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # the walk really found the engine's modules
    assert {
        "simulator.optimizers",
        "simulator.schedules",
        "simulator.surfaces",
        "simulator.racing",
    } <= set(out["imported"])
    loaded = [m for m in out["modules"] if m.split(".")[0] in FORBIDDEN]
    assert not loaded, f"importing simulator loaded {loaded}"


def test_no_simulator_source_mentions_qt_imports():
    pattern = re.compile(r"import\s+PySide6|from\s+PySide6|shiboken6|pyqtgraph|PyQt[56]|qtpy")
    files = sorted(SIMULATOR.rglob("*.py"))
    assert len(files) >= 5
    offenders = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_nothing_outside_a_labs_folder_names_the_lab():
    """The window, the framework and main.py loop over LABS; only a lab's own folder (and the
    registry entry) knows it."""
    from ui.labs import LABS

    names = set()
    for entry in LABS:
        names |= {entry.controller_path.split(":")[1], entry.page_path.split(":")[1],
                  f"labs.{entry.key}", f'"{entry.key}"'}
    shared = [ROOT / "main.py", ROOT / "ui" / "main_window.py", ROOT / "ui" / "session.py",
              ROOT / "ui" / "window_exports.py", *sorted((ROOT / "ui" / "framework").glob("*.py")),
              *sorted((ROOT / "ui" / "course").glob("*.py"))]
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path in shared
                 for name in names if name in path.read_text(encoding="utf-8")]
    assert not offenders, offenders


def test_explanations_are_pure_functions_that_load_no_qt():
    """Each lab's explain.py turns engine state into HTML without Qt, so it is tested without it."""
    from ui.labs import LABS

    modules = [f"ui.labs.{entry.key}.explain" for entry in LABS]
    code = ("import importlib, json, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(json.dumps(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = [m for m in json.loads(proc.stdout.strip().splitlines()[-1])
              if m.split(".")[0] in FORBIDDEN]
    assert not loaded, f"importing the explanations loaded {loaded}"


CLOCK = re.compile(r"\bimport time\b|\bfrom time import\b|\btime\.(sleep|monotonic|perf_counter|time)\b|"
                   r"\bdatetime\b")


def test_the_engine_and_the_labs_never_sleep_and_the_lessons_read_no_clock():
    """Frame pacing lives in one place (the controller's budget and the worker's loop): no lab
    sleeps, and the tuning lessons' engine half is clock-free, like the rest of the engine."""
    sleepers = [p for p in sorted((ROOT / "ui" / "labs").rglob("*.py"))
                if "sleep(" in p.read_text(encoding="utf-8")]
    assert not sleepers, sleepers
    engine = [*sorted((SIMULATOR / "tuning" / "lessons").glob("*.py")), SIMULATOR / "work.py"]
    clocked = [f"{p.relative_to(ROOT)}:{n}" for p in engine
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
               if CLOCK.search(line)]
    assert not clocked, clocked


def test_nothing_but_the_registry_spells_a_tuning_lessons_key():
    """LESSONS is the one table: the tuning lab's controller, page, panels and views are handed
    a lesson's key and never look one up by name."""
    from ui.labs.tuning import KEYS

    keys = "|".join(KEYS)
    lookups = re.compile(r"""(lessons\[|lesson_key ==|configure\(|act\(|set_lesson\()\s*["']("""
                         + keys + ")[\"']")
    declared = re.compile(r"""\bkey = ["'](""" + keys + ")[\"']")
    files = [p for p in sorted((ROOT / "ui" / "labs" / "tuning").rglob("*.py")) if p.name != "__init__.py"
             or p.parent.name != "tuning"]
    files += sorted((SIMULATOR / "tuning" / "lessons").glob("*.py"))
    offenders = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
                 if (lookups.search(line) or declared.search(line)) and "``" not in line]  # not a docstring's
    assert len(files) >= 20 and not offenders, offenders
