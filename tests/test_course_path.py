"""The course path's engine half: the default path (the notes in order, every step's answer from a
claim the preset tests measure on five seeds), a path file's checks (a bad one is named by step
and field), and a class's progress, saved and read back."""

from __future__ import annotations

import json
import os

import pytest

from simulator.claims import Verdict
from simulator.course import MAX_STEPS, CoursePath, Progress, read_path, results_rows
from ui.course import known, load_path

KNOWN = known()
GOOD = {"quote": "Momentum damps the oscillations.", "lab": "optimizers",
        "preset": "Ravine: SGD zig-zags, momentum glides", "question": "Which converges first?",
        "answers": ["SGD", "Momentum"], "reveal": {"holds": 1}}


def test_the_default_path_follows_the_notes_through_every_lab():
    path = load_path()
    assert len(path.steps) >= 30 and path.labs() == {"optimizers", "classifier", "batchnorm", "tuning"}
    labs = [s.lab for s in path.steps]
    # The notes' order: tuning first, then batch norm, softmax, and the optimizers last.
    assert labs[0] == "tuning" and labs[-1] == "optimizers"
    assert labs.index("batchnorm") < labs.index("classifier")
    for step in path.steps:
        preset = KNOWN.presets[step.lab][step.preset]
        # The answer comes from the preset's own claim, which tests/test_presets_<lab>.py measures
        # on every one of its SEEDS.
        assert step.measure == preset["measure"] and step.measure in KNOWN.claims[step.lab]
        assert 2 <= len(step.answers) <= 4 and step.quote and step.question.strip()
        assert step.answer_for(Verdict(True, "")) == step.reveal["holds"]
    assert len({s.preset for s in path.steps}) == len(path.steps)  # no preset twice


def test_a_path_round_trips_through_its_json_form():
    path = load_path()
    again = read_path(json.loads(json.dumps(path.to_dict())), KNOWN)
    assert again == path


def test_a_step_may_bring_its_own_settings_and_measure():
    step = {**{k: v for k, v in GOOD.items() if k != "preset"},
            "settings": {"surface": "ravine"}, "measure": "ravine", "view": "Loss"}
    path = read_path({"title": "Mine", "steps": [step]}, KNOWN)
    assert path.steps[0].settings == {"surface": "ravine"} and path.steps[0].measure == "ravine"
    assert read_path(path.to_dict(), KNOWN) == path


@pytest.mark.parametrize("change, words", [
    ({"lab": "chemistry"}, "step 1: lab 'chemistry' is not one of"),
    ({"preset": "No such preset"}, "step 1: the optimizers lab has no preset"),
    ({"preset": None}, "step 1: a step needs a preset, or settings"),
    ({"preset": None, "settings": {}, "measure": "nope"}, "step 1: measure 'nope' is not a claim"),
    ({"answers": ["only one"]}, "step 1: answers must be a list of 2 to 4"),
    ({"answers": ["a", "b", "c", "d", "e"]}, "step 1: answers must be a list of 2 to 4"),
    ({"answers": ["a", 3]}, "step 1: answer 2 must be a text"),
    ({"reveal": {"holds": 2}}, r"step 1: reveal\['holds'\] must be an answer's number from 0 to 1"),
    ({"reveal": {"holds": True}}, r"reveal\['holds'\]"),
    ({"reveal": {"fails": 0}}, "step 1: reveal must map \"holds\""),
    ({"reveal": {"holds": 0, "maybe": 1}}, "step 1: reveal must map"),
    ({"question": ""}, "step 1: question must be a text"),
    ({"question": "x" * 3000}, "step 1: question is 3,000 characters long"),
    ({"colour": "red"}, "step 1: unknown field 'colour'"),
])
def test_a_bad_step_is_named_by_its_number_and_field(change, words):
    step = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(ValueError, match=words):
        read_path({"steps": [GOOD, step][1:]}, KNOWN)


@pytest.mark.parametrize("data, words", [
    ([GOOD], "a path is a JSON object"),
    ({"steps": []}, "non-empty list"),
    ({"steps": [GOOD] * (MAX_STEPS + 1)}, f"at most {MAX_STEPS} steps"),
    ({"steps": [GOOD, "step"]}, "step 2: a step is a JSON object"),
    ({"steps": [GOOD], "author": "me"}, "unknown path field 'author'"),
])
def test_a_bad_path_is_refused_with_its_reason(data, words):
    with pytest.raises(ValueError, match=words):
        read_path(data, KNOWN)


def test_path_files_bad_json_bom_and_pipes(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json is not JSON"):
        load_path(bad)
    bom = tmp_path / "bom.json"
    bom.write_bytes("\ufeff".encode() + json.dumps({"steps": [GOOD]}).encode())
    assert len(load_path(bom).steps) == 1
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        load_path(fifo)


def test_progress_is_saved_and_what_no_longer_fits_is_dropped():
    path = load_path()
    p = Progress(index=3, picks={0: 1, 3: 0}, revealed={0: (1, "measured"), 3: (None, "not shown")})
    assert Progress.from_dict(json.loads(json.dumps(p.to_dict())), path) == p
    assert p.confirmed() == [0]
    short = CoursePath("short", path.steps[:2])
    back = Progress.from_dict(p.to_dict(), short)
    assert back.index == 0 and back.picks == {0: 1} and back.revealed == {0: (1, "measured")}
    for junk in (None, [], {"index": "x", "picks": {"0": 99, "1": True}, "revealed": {"0": [5, "t"]}}):
        assert Progress.from_dict(junk, path) == Progress()


def test_results_say_step_by_step_what_was_predicted_and_measured():
    path = load_path()
    p = Progress(picks={0: 1, 1: 0}, revealed={0: (1, "25 against 5"), 1: (1, "random won")})
    rows = results_rows(path, p)
    assert len(rows) == len(path.steps)
    assert rows[0]["confirmed"] == "yes" and rows[0]["predicted"] == path.steps[0].answers[1]
    assert rows[1]["confirmed"] == "no" and rows[1]["measured"] == path.steps[1].answers[1]
    assert rows[2]["confirmed"] == "" and rows[2]["predicted"] == ""
