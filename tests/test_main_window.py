"""The window around the pages: the registry's tabs and presets, setups, exports, the session
and its migration from older files."""

from __future__ import annotations

import json

import pytest

from ui.labs import LAB_KEYS, LABS
from ui.main_window import MainWindow, load_presets


def shown(win) -> str:
    """Everything the window is saying: the status bar and every page's message line."""
    return "\n".join([win.statusBar().currentMessage(), *(p.message for p in win.pages.values())])


def test_one_tab_per_lab_in_registry_order(win):
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == [entry.title for entry in LABS]
    assert list(win.pages) == list(LAB_KEYS)
    for key in LAB_KEYS:
        assert win.show_page(key) is win.pages[key] is win.current_page
    with pytest.raises(ValueError, match="unknown page"):
        win.show_page("nope")


def test_presets_menu_lists_every_labs_presets(win):
    presets = load_presets()
    assert {p["page"] for p in presets} >= {"optimizers", "classifier"}
    assert len(presets) >= 12
    actions = [a for a in win.presets_menu.actions() if not a.isSeparator()]
    assert [a.text() for a in actions[:-2]] == [p["name"] for p in presets]
    assert [a.shortcut().toString() for a in actions[-2:]] == ["PgDown", "PgUp"]  # a clicker's keys
    preset = next(p for p in presets if p["page"] == "classifier")
    assert win.apply_preset(preset)
    assert win.current_page is win.pages["classifier"]
    assert win.current_page.preset is preset  # shown in the page's preset bar


def test_leaving_a_page_pauses_it(qtbot, win):
    win.show_page("optimizers")
    win.current_page.lab.play()
    win.show_page("classifier")
    assert not win.pages["optimizers"].lab.running


def test_save_and_open_setup_round_trip(qtbot, win, tmp_path):
    opt = win.pages["optimizers"].lab
    opt.set_surface("beale")
    opt.set_hyper("adam", "beta1", 0.8)
    opt.set_schedule("staircase", factor=0.5, every=50)
    win.pages["classifier"].lab.configure(dataset="moons", hidden=[5])
    win.show_page("classifier")
    path = tmp_path / "setup.json"
    assert win.save_setup(str(path))
    saved = json.loads(path.read_text())
    assert saved["format"] == "descent" and saved["current"] == "classifier"
    assert set(saved["labs"]) == set(LAB_KEYS)
    opt.set_surface("bowl")
    win.pages["classifier"].lab.configure(dataset="xor")
    win.show_page("optimizers")
    assert win.open_setup(str(path))
    s = opt.settings_dict()
    assert s["surface"] == "beale" and s["hyper"]["adam"]["beta1"] == 0.8
    assert s["schedule"] == "staircase" and s["schedule_params"] == {"factor": 0.5, "every": 50}
    assert win.pages["optimizers"].surface_combo.currentData() == "beale"
    assert win.pages["classifier"].lab.settings.dataset == "moons"
    assert win.current_page is win.pages["classifier"]


def test_a_setup_saved_by_the_previous_version_opens(qtbot, win, tmp_path):
    """Version 1 kept each lab at the top level, the optimizer lab under "optimizer"."""
    old = {"optimizer": {"surface": "himmelblau", "start": [1.0, 1.0], "noise": 0.1, "speed": 7,
                         "hyper": {"sgd": {"lr": 0.005}}, "enabled": {"rmsprop": False}},
           "classifier": {"dataset": "circles", "classes": 2, "hidden": [4], "lr": 0.05,
                          "added": [[0.1, 0.2, 1]]},
           "batchnorm": {"dataset": "spiral", "hidden": [8, 8], "bn_momentum": 0.95,
                         "corrected": False, "watch": [1, 2]}}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    assert win.open_setup(str(path)), shown(win)
    o = win.pages["optimizers"].lab
    s = o.settings_dict()
    assert s["surface"] == "himmelblau" and s["start"] == [1.0, 1.0] and s["noise"] == 0.1
    assert s["hyper"]["sgd"]["lr"] == 0.005 and s["enabled"]["rmsprop"] is False
    assert o.speed == 7
    c = win.pages["classifier"].lab.settings_dict()
    assert c["dataset"] == "circles" and c["hidden"] == [4] and c["added"] == [[0.1, 0.2, 1]]
    b = win.pages["batchnorm"].lab.settings_dict()
    assert b["bn_momentum"] == 0.95 and b["corrected"] is False and b["watch"] == [1, 2]
    # The oldest setups were the optimizer lab's settings alone.
    path.write_text(json.dumps({"surface": "saddle"}))
    assert win.open_setup(str(path))
    assert o.settings_dict()["surface"] == "saddle"


@pytest.mark.parametrize("content, words", [
    ("{not json", "Could not open"),
    ('{"optimizer": {"surface": "mountain"}}', "unknown surface 'mountain'"),
    ('{"optimizer": {"hyper": {"adam": {"lr": -1}}}}', "lr must be in (0, inf), got -1"),
    ('{"optimizer": {"start": [1, 2, 3]}}', "start must be [w1, w2]"),
    ("[1, 2]", "expected a JSON object"),
    ('{"format": "descent", "version": 99, "labs": {}}', "newer Descent"),
    ('{"something": "else"}', "not a Descent setup"),
])
def test_malformed_setup_keeps_state(qtbot, win, tmp_path, content, words):
    lab = win.pages["optimizers"].lab
    lab.set_surface("himmelblau")
    lab.step()
    before = lab.settings_dict()
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert not win.open_setup(str(path))
    assert words in shown(win)
    assert lab.settings_dict() == before
    assert lab.iteration == 1


def test_exports(qtbot, win):
    lab = win.pages["optimizers"].lab
    for _ in range(3):
        lab.step()
    import tempfile
    from pathlib import Path

    tmp = Path(tempfile.mkdtemp())
    assert win.export_csv(str(tmp / "paths.csv"))
    rows = (tmp / "paths.csv").read_text().strip().splitlines()
    assert rows[0] == "optimizer,iteration,w1,w2,J"
    assert len(rows) == 1 + 4 * 4  # four racers, start + three steps each
    assert "Saved 16 rows" in win.statusBar().currentMessage()
    assert win.export_picture(str(tmp / "page.png"))
    assert (tmp / "page.png").read_bytes()[:4] == b"\x89PNG"
    assert not win.export_csv(str(tmp / "missing" / "dir" / "x.csv"))
    assert "Could not write" in win.statusBar().currentMessage()


def test_every_page_exports_csv_and_a_picture(qtbot, win, tmp_path):
    for key, page in win.pages.items():
        win.show_page(key)
        page.lab.step()
        csv = tmp_path / f"{key}.csv"
        assert win.export_csv(str(csv)), key
        rows = [r for r in csv.read_text().splitlines() if not r.startswith("#")]
        header = rows[0].split(",")
        assert len(rows) >= 2 and all(len(r.split(",")) == len(header) for r in rows)
        png = tmp_path / f"{key}.png"
        assert win.export_picture(str(png)) and png.read_bytes()[:4] == b"\x89PNG"


def test_session_is_saved_and_restored(qtbot, tmp_path):
    session = tmp_path / "cfg" / "session.json"
    w = MainWindow(session_path=session)
    qtbot.addWidget(w)
    w.pages["optimizers"].lab.set_surface("plateau")
    w.pages["optimizers"].lab.set_noise(0.25)
    c = w.pages["classifier"].lab
    c.configure(dataset="xor", hidden=[6])
    c.add_point(0.5, 0.5)
    b = w.pages["batchnorm"].lab
    b.set_momentum(0.99)
    b.watch(1, 3)
    w.close()
    assert json.loads(session.read_text())["labs"]["optimizers"]["settings"]["surface"] == "plateau"
    assert not list(session.parent.glob("*.tmp"))  # written atomically, nothing left behind
    w2 = MainWindow(session_path=session)
    qtbot.addWidget(w2)
    s = w2.pages["optimizers"].lab.settings_dict()
    assert s["surface"] == "plateau" and s["noise"] == 0.25
    c = w2.pages["classifier"].lab
    assert c.settings.dataset == "xor" and c.settings.hidden == [6]
    assert c.trainer.added == [(0.5, 0.5, 0)]
    assert w2.pages["classifier"].dataset_combo.currentData() == "xor"
    b = w2.pages["batchnorm"].lab
    assert b.settings.bn_momentum == 0.99 and (b.layer, b.unit) == (1, 3)
    assert all(bn.momentum == 0.99 for bn in b.experiment.model.bn_layers)
    w2.close()


def test_corrupt_session_is_ignored(qtbot, tmp_path):
    session = tmp_path / "session.json"
    session.write_text("\x00garbage")
    w = MainWindow(session_path=session)
    qtbot.addWidget(w)
    assert w.pages["optimizers"].lab.settings_dict()["surface"] == "ravine"
    assert "Ignored the saved session" in w.statusBar().currentMessage()
    w.close()


def test_copy_and_paste_a_setup_as_text(qtbot, win):
    lab = win.pages["optimizers"].lab
    win.show_page("optimizers")
    lab.set_surface("himmelblau")
    lab.set_hyper("adam", "beta1", 0.8)
    text = win.copy_setup()
    assert text.startswith("descent:1:") and len(text) < 1000 and "\n" not in text
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text() == text
    lab.set_surface("bowl")
    win.pages["classifier"].lab.configure(dataset="xor")
    assert win.paste_setup()
    s = lab.settings_dict()
    assert s["surface"] == "himmelblau" and s["hyper"]["adam"]["beta1"] == 0.8
    assert win.pages["classifier"].lab.settings.dataset == "xor"  # only the copied page changes
    for garbage, words in (("hello", "should start with 'descent:1:'"),
                           (text[:-10], "damaged"), ("descent:1:" + "A" * 40, "damaged")):
        assert not win.paste_setup(garbage)
        assert words in win.statusBar().currentMessage()
    assert lab.settings_dict()["surface"] == "himmelblau"


def test_a_page_setup_holds_that_page_only(qtbot, win, tmp_path):
    win.show_page("batchnorm")
    win.pages["batchnorm"].lab.set_momentum(0.99)
    path = tmp_path / "bn.json"
    assert win.save_setup(str(path), only_page=True)
    assert list(json.loads(path.read_text())["labs"]) == ["batchnorm"]
    win.pages["batchnorm"].lab.set_momentum(0.9)
    assert win.open_setup(str(path)) and win.pages["batchnorm"].lab.settings.bn_momentum == 0.99


def test_pictures_for_slides_one_plot_and_svg(qtbot, win, tmp_path):
    from PySide6.QtGui import QImage

    win.show()
    win.show_page("optimizers")
    page = win.current_page
    assert win.export_picture(str(tmp_path / "x2.png"), scale=2)
    image = QImage(str(tmp_path / "x2.png"))
    assert (image.width(), image.height()) == (2 * page.width(), 2 * page.height())
    from ui.framework import export

    names = list(export.plots(page))
    assert len(names) >= 2 and any("Ravine" in n for n in names)
    assert win.export_plot(names[0], str(tmp_path / "plot.svg"))
    assert b"<svg" in (tmp_path / "plot.svg").read_bytes()[:400]
    assert win.export_plot(names[0], str(tmp_path / "plot.png"), scale=2)
    assert QImage(str(tmp_path / "plot.png")).width() > 200
    alpha = next(n for n in names if "α_t" in n)  # the explained racer's α_t: one curve
    assert win.export_plot(alpha, str(tmp_path / "alpha.csv"))
    rows = (tmp_path / "alpha.csv").read_text().splitlines()
    curve = page.alpha_view.curve
    assert rows[0] == "x0000,y0000" and len(rows) == 1 + len(curve.xData)
    assert float(rows[1].split(",")[1]) == pytest.approx(curve.yData[0])
    assert not win.export_picture(str(tmp_path / "missing" / "x.png"))
    assert "does not exist" in win.statusBar().currentMessage()


def test_a_gif_is_recorded_while_the_page_steps(qtbot, win, tmp_path):
    from PIL import Image

    win.show_page("optimizers")
    lab = win.current_page.lab
    path = tmp_path / "run.gif"
    assert win.toggle_gif(str(path), frames=5)
    assert lab.running
    lab.pause()
    for _ in range(4):
        lab.step()
    assert win.recording is None and not lab.running  # five frames in: written, paused
    assert "Saved a GIF of 5 frames" in win.statusBar().currentMessage()
    with Image.open(path) as gif:
        assert gif.n_frames >= 2 and gif.size[0] <= 960
    assert win.toggle_gif(str(tmp_path / "stop.gif"), frames=100)
    lab.pause()
    lab.step()
    assert win.toggle_gif() and (tmp_path / "stop.gif").is_file()  # stopped early: written


def test_every_widget_shows_the_value_in_force(qtbot, win, tmp_path):
    """A file's α = 1e308 does not fit the α field (up to 1000): it is refused, not shown as 1000;
    a seed at the top of its box does not break the page when Regenerate adds one."""
    o, c = win.pages["optimizers"], win.pages["classifier"]
    path = tmp_path / "big.json"
    path.write_text('{"optimizers": {"hyper": {"adam": {"lr": 1e308, "beta1": 0.8}}}, '
                    '"classifier": {"data_seed": 2147483647}}')
    assert not win.open_setup(str(path))
    assert "hyper.adam.lr must be at most 1000 (what this page can show), got 1e+308" in shown(win)
    hyper = o.lab.settings_dict()["hyper"]["adam"]
    assert hyper["lr"] == 0.1 and hyper["beta1"] == 0.8
    from ui.framework.widgets import NumberField

    assert 1000.0 not in [f.value() for f in o.findChildren(NumberField)]
    win.show_page("classifier")
    c.lab.regenerate()
    assert c.lab.settings.data_seed == 2**31 - 1
    assert "seed must be in [0, 2147483647], got 2147483648" in c.message
    c.lab.step()
    assert c.lab.iteration == 1

