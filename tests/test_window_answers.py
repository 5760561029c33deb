"""The window answers during each hostile input that once froze it: a timer ticks every 10 ms on
the GUI thread while the case runs, and the longest gap between two ticks stays under FROZEN_S
(a second: 60 frames, far above any frame and far below the freezes these were, from seconds to
for ever). Each case also ends with the message that names the problem, and the state intact.
(The Dask address and the long typed surface's momentum map have theirs next to their other
tests: ``test_tuning_controller.py``, ``test_formula_ui.py``.)"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from tests.conftest import FROZEN_S


def status(win) -> str:
    return win.statusBar().currentMessage()


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


def test_opening_a_named_pipe_as_a_setup(qtbot, win, fifo, ticks):
    """``open()`` on a FIFO waits for a writer: the window blocked for ever."""
    before = win.state()
    ticks.restart()
    assert not win.open_setup(str(fifo))
    qtbot.wait(50)
    assert ticks.longest < FROZEN_S
    assert "not a regular file" in status(win) and win.state() == before


def test_loading_a_named_pipe_as_points(qtbot, win, fifo, ticks):
    from ui.labs.classifier.own_data_button import OwnDataButton

    page = win.show_page("classifier")
    errors = []
    page.lab.error.connect(errors.append)
    before = page.lab.settings_dict()
    button = page.findChild(OwnDataButton)
    ticks.restart()
    assert not button.load(str(fifo))
    qtbot.wait(50)
    assert ticks.longest < FROZEN_S
    assert any("not a regular file" in e for e in errors) and page.lab.settings_dict() == before


def test_a_setup_with_a_point_over_the_limit(qtbot, win, tmp_path, ticks):
    """10,001 added points: the refused list was salvaged item by item, tens of seconds."""
    rng = np.random.default_rng(0)
    points = [[float(a), float(b), int(c)] for a, b, c in
              zip(rng.normal(size=10_001), rng.normal(size=10_001), rng.integers(0, 2, 10_001),
                  strict=True)]
    state = win.state(only_page=False)
    state["labs"]["classifier"]["settings"]["added"] = points
    path = tmp_path / "setup.json"
    path.write_text(json.dumps(state))
    ticks.restart()
    win.open_setup(str(path))
    qtbot.wait(50)
    assert ticks.longest < FROZEN_S
    assert len(win.labs["classifier"].trainer.added) == 10_000


def test_a_search_axis_too_wide_to_list(qtbot, win, ticks):
    """An int axis up to 1e9 listed every whole number: seconds, and about 36 GB."""
    lab = win.labs["tuning"]
    errors = []
    lab.error.connect(errors.append)
    assert lab.configure("search", axis=1, name="hidden_units")
    before = lab.lessons["search"].settings
    ticks.restart()
    assert not lab.configure("search", axis=1, high=1e9)
    qtbot.wait(50)
    assert ticks.longest < FROZEN_S
    assert "hidden units must be in" in errors[-1] and lab.lessons["search"].settings == before


def test_a_long_paste_in_a_field(qtbot, shown, ticks):
    """20,000 characters in batch norm's Hidden field made the window 141,905 px wide, 5.5 s a
    frame."""
    page = shown.show_page("batchnorm")
    field = page.panel.hidden_edit
    width = shown.width()
    ticks.restart()
    field.setText("16, " * 5_000)
    field.editingFinished.emit()
    qtbot.wait(100)
    assert ticks.longest < FROZEN_S
    assert shown.width() == width and page.lab.settings.hidden != (16,) * 5_000


def test_play_and_pause_ten_times_on_a_process_pool(qtbot, win, ticks):
    """Play/Pause quickly with trials on a process pool: each Pause ends the pool's workers."""
    lab = win.labs["tuning"]
    assert lab.configure("search", budget=8, epochs=50, run_on="pool")
    assert lab.set_lesson("search")
    ticks.restart()
    for _ in range(10):
        lab.play()
        qtbot.wait(30)
        lab.pause()
    qtbot.waitUntil(lambda: not lab.busy, timeout=30000)
    assert ticks.longest < FROZEN_S
    assert lab.lessons["search"].settings.run_on == "pool"
