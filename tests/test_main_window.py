"""The window around the pages: presets, setups, exports and the saved session."""

from __future__ import annotations

import json

import pytest

from ui.main_window import MainWindow, load_presets


@pytest.fixture
def win(qtbot):
    w = MainWindow(session_path=None)
    qtbot.addWidget(w)
    yield w
    w.close()


def test_every_preset_loads_and_runs(qtbot, win):
    presets = load_presets()
    assert {p["page"] for p in presets} == {"optimizer", "classifier"}
    assert len(presets) >= 12
    actions = [a for a in win.presets_menu.actions() if not a.isSeparator()]
    assert len(actions) == len(presets)
    for p in presets:
        assert win.apply_preset(p), p["name"]
        if p["page"] == "optimizer":
            assert win.current_page is win.optimizer_page
            assert win.lab.settings.surface == p["settings"]["surface"]
            win.lab.step()
            assert win.lab.race.iteration == 1
        else:
            lab = win.classifier_page.lab
            assert win.current_page is win.classifier_page
            assert lab.config.dataset == p["settings"]["dataset"]
            lab.step_epoch()
            assert lab.trainer.epoch == 1 and lab.trainer.status == "running"


def test_classifier_presets_teach_what_they_say(qtbot, win):
    by_name = {p["name"]: p for p in load_presets()}
    lab = win.classifier_page.lab
    win.apply_preset(by_name["Spiral: straight lines are not enough"])
    lab.trainer.run_epochs(40)
    flat = lab.trainer.history.test_acc[-1]
    win.apply_preset(by_name["Circles: add x1^2 and x2^2"])
    lab.trainer.run_epochs(60)
    assert flat < 0.75 and lab.trainer.history.test_acc[-1] > 0.95


def test_saddle_presets_show_noise_escaping(qtbot, win):
    stuck, noisy = (next(p for p in load_presets() if p["name"].startswith(f"Saddle point: {k}"))
                    for k in ("stuck", "noise"))
    win.apply_preset(stuck)
    win.lab.race.step(600)
    assert abs(win.lab.racers["sgd"].w[1]) < 1e-6  # never leaves the ridge
    win.apply_preset(noisy)
    win.lab.race.step(600)
    assert abs(win.lab.racers["sgd"].w[1]) > 0.5  # escaped to a minimum at w2 = +-1


def test_save_and_open_setup_round_trip(qtbot, win, tmp_path):
    win.lab.set_surface("beale")
    win.lab.set_hyper("adam", "beta1", 0.8)
    win.lab.set_schedule("staircase", factor=0.5, every=50)
    path = tmp_path / "setup.json"
    assert win.save_setup(str(path))
    win.lab.set_surface("bowl")
    assert win.open_setup(str(path))
    s = win.lab.settings
    assert s.surface == "beale" and s.hyper["adam"]["beta1"] == 0.8
    assert s.schedule == "staircase" and s.schedule_params == {"factor": 0.5, "every": 50}
    assert win.optimizer_page.surface_combo.currentData() == "beale"


@pytest.mark.parametrize("content, words", [
    ("{not json", "Could not open"),
    ('{"optimizer": {"surface": "mountain"}}', "unknown surface 'mountain'"),
    ('{"optimizer": {"hyper": {"adam": {"lr": -1}}}}', "lr must be in (0, inf), got -1"),
    ('{"optimizer": {"start": [1, 2, 3]}}', "start must be [w1, w2]"),
    ("[1, 2]", "could not load"),
])
def test_malformed_setup_keeps_state(qtbot, win, tmp_path, content, words):
    win.lab.set_surface("himmelblau")
    win.lab.step()
    before = win.lab.settings.to_dict()
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert not win.open_setup(str(path))
    assert words in win.statusBar().currentMessage()
    assert win.lab.settings.to_dict() == before
    assert win.lab.race.iteration == 1


def test_exports(qtbot, win, tmp_path):
    for _ in range(3):
        win.lab.step()
    csv = tmp_path / "paths.csv"
    assert win.export_csv(str(csv))
    rows = csv.read_text().strip().splitlines()
    assert rows[0] == "optimizer,iteration,w1,w2,J"
    assert len(rows) == 1 + 4 * 4  # four racers, start + three steps each
    png = tmp_path / "page.png"
    assert win.export_picture(str(png))
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_session_is_saved_and_restored(qtbot, tmp_path):
    session = tmp_path / "cfg" / "session.json"
    w = MainWindow(session_path=session)
    qtbot.addWidget(w)
    w.lab.set_surface("plateau")
    w.lab.set_noise(0.25)
    w.classifier_page.lab.set_config(dataset="xor", hidden=[6])
    w.classifier_page.lab.add_point(0.5, 0.5)
    w.batchnorm_page.lab.set_momentum(0.99)
    w.batchnorm_page.lab.watch(1, 3)
    w.close()
    assert json.loads(session.read_text())["optimizer"]["surface"] == "plateau"
    w2 = MainWindow(session_path=session)
    qtbot.addWidget(w2)
    assert w2.lab.settings.surface == "plateau" and w2.lab.settings.noise == 0.25
    c = w2.classifier_page.lab
    assert c.config.dataset == "xor" and c.config.hidden == [6]
    assert c.trainer.added == [(0.5, 0.5, 0)]
    assert w2.classifier_page.dataset_combo.currentData() == "xor"
    b = w2.batchnorm_page.lab
    assert b.config.bn_momentum == 0.99 and (b.layer, b.unit) == (1, 3)
    assert all(bn.momentum == 0.99 for bn in b.experiment.model.bn_layers)
    w2.close()


def test_corrupt_session_is_ignored(qtbot, tmp_path):
    session = tmp_path / "session.json"
    session.write_text("\x00garbage")
    w = MainWindow(session_path=session)
    qtbot.addWidget(w)
    assert w.lab.settings.surface == "ravine"
    assert "Ignored the saved session" in w.statusBar().currentMessage()
    w.close()


def test_every_page_exports_csv_and_a_picture(qtbot, win, tmp_path):
    for page in win.pages:
        win.tabs.setCurrentWidget(page)
        page.lab.step()
        csv = tmp_path / f"{page.title}.csv"
        assert win.export_csv(str(csv)), page.title
        rows = [r for r in csv.read_text().splitlines() if not r.startswith("#")]
        header = rows[0].split(",")
        assert len(rows) >= 2 and all(len(r.split(",")) == len(header) for r in rows)
        png = tmp_path / f"{page.title}.png"
        assert win.export_picture(str(png)) and png.read_bytes()[:4] == b"\x89PNG"
