"""The saved file's format, its migration and atomic writes, without Qt."""

from __future__ import annotations

import json
import os

import pytest

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


@pytest.mark.parametrize("data, words", [
    ([1], "expected a JSON object"),
    ({"format": "descent", "version": 3, "labs": {}}, "newer Descent"),
    ({"format": "descent", "version": "2", "labs": {}}, "version must be an integer"),
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
