"""Own data: a CSV of x1, x2, label read with messages naming the line, and the data set "csv"
that carries the points inline in the settings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.datasets import make_dataset
from simulator.own_data import (
    EXAMPLE_CSV,
    MAX_BYTES,
    MAX_ROWS,
    load_points_csv,
    points_from_settings,
)
from simulator.training import ClassifierSettings, ClassifierTrainer

GOOD = """# a teacher's points
x1, x2, label
0.1, 0.2, 0
-0.3, 0.4, 1   # a comment after a row

0.5, -0.6, 2
0.7, 0.8, 0
"""


def test_reads_a_file_with_header_comments_and_blank_lines(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(GOOD)
    for source in (path, str(path), GOOD):
        own = load_points_csv(source)
        np.testing.assert_array_equal(own.X, [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6], [0.7, 0.8]])
        np.testing.assert_array_equal(own.y, [0, 1, 2, 0])
        assert own.classes == 3 and own.note == ""


def test_reads_without_a_header_and_with_other_separators():
    own = load_points_csv("1;2;0\n3\t4\t1\n5 6 1\n")
    np.testing.assert_array_equal(own.X, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(own.y, [0, 1, 1])


def test_labels_that_are_not_0_to_c_minus_1_are_renumbered_and_it_says_how():
    own = load_points_csv("0,0,-1\n1,1,1\n2,2,1.0\n")
    np.testing.assert_array_equal(own.y, [0, 1, 1])
    assert own.note == "labels -1, 1 read as classes 0, 1"
    assert load_points_csv("0,0,3\n1,1,7\n2,2,5\n").note == "labels 3, 5, 7 read as classes 0, 1, 2"


@pytest.mark.parametrize("text, message", [
    ("", "the file holds no points"),
    ("# nothing\n\n", "the file holds no points"),
    ("x1,x2,label\n", "the file holds no points"),
    ("1,2,0\n", "line 1: one point only"),
    ("1,2,0\n3,4\n", "line 2: expected 3 values (x1, x2, label), found 2"),
    ("1,2,0\n3,4,1,9\n", "line 2: expected 3 values (x1, x2, label), found 4"),
    ("1,2,0\n\n3,abc,1\n", "line 3: x2 'abc' is not a number"),
    ("x1,x2,label\n1,2,0\nx1,x2,label\n", "line 3: x1 'x1' is not a number"),
    ("1,2,0\n3,nan,1\n", "line 2: x2 is 'nan'; values must be finite"),
    ("1,2,0\ninf,4,1\n", "line 2: x1 is 'inf'"),
    ("1,2,0\n3,4,1e400\n", "line 2: label is '1e400'"),
    ("1,2,0\n3,1e9,1\n", "line 2: x2 1e9 is too large"),
    ("1,2,0\n3,4,0.5\n", "line 2: label '0.5' is not a whole number"),
    ("1,2,0\n3,4,0\n", "the points have one class (label 0)"),
    ("".join(f"{i},{i},{i}\n" for i in range(12)), "line 9: label 8 is a class beyond the first 8"),
])
def test_each_problem_is_named_with_its_line(text, message):
    with pytest.raises(ValueError) as err:
        load_points_csv(text)
    assert message in str(err.value)


def test_the_limits_on_rows_and_classes_can_be_tightened():
    text = "".join(f"{i},{i},{i % 3}\n" for i in range(20))
    with pytest.raises(ValueError, match="line 11: more than 10 points; at most 10"):
        load_points_csv(text, max_rows=10)
    with pytest.raises(ValueError, match="line 3: label 2 is a class beyond the first 2"):
        load_points_csv(text, max_classes=2)
    with pytest.raises(ValueError, match=r"max_classes must be in \[2, 8\], got 9"):
        load_points_csv(text, max_classes=9)


def test_a_huge_file_is_refused_after_a_bounded_read(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("0.123456,0.654321,1\n" * (MAX_BYTES // 20 + 10))
    with pytest.raises(ValueError, match=f"larger than {MAX_BYTES:,} bytes"):
        load_points_csv(path)
    with pytest.raises(ValueError, match="not a regular file"):
        load_points_csv("/dev/zero")  # endless: refused before a byte is read


def in_a_thread(fn, seconds: float = 20.0):
    """``fn()``'s outcome (its exception, or its value), or "still waiting" if it blocks."""
    import threading

    out = []

    def run():
        try:
            out.append(fn())
        except Exception as exc:  # noqa: BLE001 - the outcome is what is tested
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return out[0] if out else "still waiting"


def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path):
    """A FIFO where a CSV is expected blocked the window for ever: open() waits for a writer."""
    import os

    from ui.session import read_json

    fifo = tmp_path / "points.csv"
    os.mkfifo(fifo)
    for read in (load_points_csv, read_json):
        outcome = in_a_thread(lambda read=read: read(fifo))
        assert isinstance(outcome, ValueError) and "not a regular file" in str(outcome), outcome


def test_a_typo_in_the_first_row_is_named_not_skipped_as_a_header():
    """A header is a row of names; "2.O", a Unicode minus or a hex number is a bad number."""
    for first in ("2.O,1,0", "−1,2,0", "0x1F,2,0"):
        with pytest.raises(ValueError, match="line 1"):
            load_points_csv(first + "\n1,2,0\n3,4,1\n")
    assert len(load_points_csv("x1, x2, label\n1,2,0\n3,4,1\n").y) == 2
    assert len(load_points_csv('"x","y","class"\n1,2,0\n3,4,1\n').y) == 2


def test_a_setup_saved_with_a_bom_is_read(tmp_path):
    """Windows Notepad saves UTF-8 with a byte-order mark: the JSON reader accepts it, as the
    CSV loader does."""
    from ui.session import read_json

    path = tmp_path / "setup.json"
    path.write_bytes("\ufeff{\"lr\": 0.1}".encode())
    assert read_json(path) == {"lr": 0.1}


def test_too_many_rows_within_the_size_limit_are_refused_naming_the_line():
    text = "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ValueError, match=f"line {MAX_ROWS + 1}: more than {MAX_ROWS:,} points"):
        load_points_csv(text)


def test_binary_missing_and_odd_sources_are_refused(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"1,2,0\n3,4,1\n\x89PNG\xff\xfe\n")
    with pytest.raises(ValueError, match="line 3: the file is not text"):
        load_points_csv(path)
    with pytest.raises(ValueError, match="cannot read"):
        load_points_csv(str(tmp_path / "missing.csv"))
    with pytest.raises(ValueError, match="expected a file path or CSV text, got int"):
        load_points_csv(42)


def test_the_points_travel_inline_in_the_settings_and_train():
    own = load_points_csv(EXAMPLE_CSV)
    settings = ClassifierSettings(dataset="csv", classes=own.classes, points=own.rows(), hidden=[8],
                                test_fraction=0.25)
    saved = json.loads(json.dumps(settings.to_dict()))
    again = ClassifierSettings.from_dict(saved)
    a, b = ClassifierTrainer(settings), ClassifierTrainer(again)
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
    assert a.data.n_classes == 2 and len(a.data.y_test) == 10  # a quarter of each class's 20
    a.run_epochs(200)
    assert a.history.train_acc[-1] >= 0.95
    x0, x1, y0, y1 = a.data.domain  # the view fits the points
    assert x0 < own.X[:, 0].min() and x1 > own.X[:, 0].max()
    assert y0 < own.X[:, 1].min() and y1 > own.X[:, 1].max()


@pytest.mark.parametrize("points, message", [
    ([[0, 0, 0], [1, 1]], "point 2: expected [x1, x2, label]"),
    ([[0, 0, 0], [1, float("nan"), 1]], "point 2: x2 is 'nan'"),
    ([[0, 0, 0], [1, 1, True]], "point 2: values must be numbers"),
    ([[0, 0, 0], [1, 1, 0]], "one class"),
    ("0,0,0", "points must be a list"),
    ([[0, 0, i % 2] for i in range(MAX_ROWS + 1)], f"at most {MAX_ROWS:,}"),
])
def test_bad_inline_points_are_refused_on_load_and_the_trainer_keeps_its_data(points, message):
    t = ClassifierTrainer(ClassifierSettings(n=60))
    before = t.data
    with pytest.raises(ValueError) as err:
        t.apply(t.settings.replace(dataset="csv", points=points))
    assert message in str(err.value)
    assert t.data is before


def test_without_points_the_csv_set_shows_the_example():
    d = make_dataset("csv", n=150, classes=3, seed=1, test_fraction=0.0)
    assert len(d.y_train) == 40 and d.n_classes == 2
    assert points_from_settings([]).classes == 2
