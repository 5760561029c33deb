"""The saved file's format, its migration and atomic writes, without Qt."""

from __future__ import annotations

import json
import os

import pytest

from simulator import validation
from ui import session

KEYS = {"optimizers": "optimizers", "optimizer": "optimizers", "classifier": "classifier"}


def test_pack_and_unpack_round_trip():
    data = session.pack({"optimizers": {"version": 1, "settings": {}}}, "optimizers")
    labs, current = session.unpack(json.loads(json.dumps(data)), KEYS)
    assert labs == {"optimizers": {"version": 1, "settings": {}}} and current == "optimizers"


def test_older_layouts_migrate():
    assert session.unpack({"optimizer": {"surface": "bowl"}, "classifier": {}}, KEYS)[0] == {
        "optimizers": {"surface": "bowl"}, "classifier": {}}
    assert session.unpack({"surface": "bowl"}, KEYS, first="optimizers")[0] == {
        "optimizers": {"surface": "bowl"}}


def test_a_newer_file_is_read_as_far_as_it_can_be():
    notes: list[str] = []
    data = {"format": "descent", "version": 3, "labs": {"optimizers": {}, "hologram": {}}}
    labs, _ = session.unpack(data, KEYS, notes=notes)
    assert labs == {"optimizers": {}}
    assert "newer Descent (version 3" in notes[0] and "'hologram'" in notes[1]
    with pytest.raises(ValueError, match="newer Descent"):
        session.check_version(3, 2, "file")


@pytest.mark.parametrize("data, words", [
    ([1], "expected a JSON object"),
    ({"format": "descent", "version": "2", "labs": {}}, "version must be a whole number"),
    ({"format": "descent", "version": float("inf"), "labs": {}}, "version must be a whole number"),
    ({"format": "descent", "version": 2, "labs": []}, "'labs' to be a JSON object"),
    ({"nothing": 1}, "not a Descent setup"),
])
def test_bad_content_is_refused_with_a_reason(data, words):
    with pytest.raises(ValueError, match=words):
        session.unpack(data, KEYS)


def test_read_json_is_bounded_and_names_the_problem(tmp_path):
    p = tmp_path / "s.json"
    p.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValueError, match="not text"):
        session.read_json(p)
    p.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError):
        session.read_json(p)
    p.write_bytes(b" " * (session.MAX_BYTES + 10))
    with pytest.raises(ValueError, match="larger than"):
        session.read_json(p)
    p.write_text('{"a": [1, 2' )
    with pytest.raises(ValueError, match="not valid JSON"):
        session.read_json(p)


def test_a_link_to_a_device_is_refused_without_reading_it(tmp_path):
    link = tmp_path / "session.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="not a regular file"):
        session.read_json(link)


@pytest.mark.parametrize("check, value, words", [
    (validation.check_bool, "false", "flag must be true or false, got 'false'"),
    (validation.check_bool, 0, "true or false"),
    (validation.check_whole, float("inf"), "flag must be a whole number, got inf"),
    (validation.check_whole, True, "whole number"),
    (validation.check_whole, 16.0, "whole number"),
    (validation.check_whole, "16", "whole number"),
    (validation.check_real, float("nan"), "flag must be a finite number, got nan"),
    (validation.check_real, "0.1", "flag must be a number"),
])
def test_strict_checks_name_the_field(check, value, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        check("flag", value)


def test_checks_by_example_follow_the_value_in_force():
    example = {"n": 300, "lr": 0.03, "on": True, "hidden": [16, 16], "hyper": {"adam": {"lr": 0.1}},
               "start": None, "point": [0.5, 0.5, 1], "name": "spiral"}
    session.check_like("", {"n": 5, "lr": 1, "hidden": [], "start": [1, 2], "point": ["?"],
                            "extra": "left to the lab"}, example)
    for bad, words in ((({"n": float("inf")}), "n must be a whole number, got inf"),
                       ({"hidden": "16"}, "hidden must be a list, got '16'"),
                       ({"hidden": [16, "8"]}, r"hidden\[1\] must be a whole number"),
                       ({"on": "false"}, "on must be true or false"),
                       ({"hyper": {"adam": {"lr": "fast"}}}, "hyper.adam.lr must be a number"),
                       ({"name": 3}, "name must be text")):
        with pytest.raises(ValueError, match=words):
            session.check_like("", bad, example)


def test_setup_text_round_trip_and_garbage():
    data = session.pack({"optimizers": {"version": 1, "settings": {"surface": "beale"}}}, "optimizers")
    text = session.to_text(data)
    assert text.startswith("descent:1:") and "\n" not in text and len(text) < 200
    assert session.from_text(f"  {text[:30]}\n{text[30:]}  ") == data
    for garbage, words in (("hello", "should start with 'descent:1:'"), (None, "should start"),
                           (text[:-8], "damaged"), ("descent:1:@@@@", "damaged"),
                           (text[:12] + "A" + text[13:], "damaged")):
        with pytest.raises(ValueError, match=words):
            session.from_text(garbage)
    bomb = session.TEXT_PREFIX + session.base64.urlsafe_b64encode(
        session.zlib.compress(b" " * (session.MAX_BYTES + 1))).decode()
    with pytest.raises(ValueError, match="too large"):
        session.from_text(bomb)


def test_a_failed_write_leaves_the_last_good_file(tmp_path, monkeypatch):
    p = tmp_path / "session.json"
    session.write_atomic(p, '{"good": true}')

    def fail(*_args):
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        session.write_atomic(p, '{"new": "data"}')
    assert json.loads(p.read_text()) == {"good": True}
    assert not list(tmp_path.glob("*.tmp"))
