"""The autograded notebook (what formgrader shows and feedback is made from): nothing hostile for
the instructor's browser, nothing secret for the student, nbgrader's metadata from the lesson."""

import base64
import json

import nbformat

from grading.autograded import autograded_notebook, safe_markdown, write_folder
from grading.cells import grade_id, is_test_cell
from grading.grade import source_notebook
from grading.judge import HIDDEN

LESSON = "01-perceptron"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 40).decode()


def restored(source):
    """The cells as restore() gives them, each with a run that printed hostile things."""
    cells, runs = [], []
    for cell in source["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        kind = "test" if is_test_cell(cell) else "answer" if meta.get("solution") else "plain"
        if kind == "answer" and cell["cell_type"] == "markdown":
            kind = "written"
        text = "".join(cell["source"])
        entry = {"kind": kind, "cell_type": cell["cell_type"], "source": text}
        if meta.get("grade_id"):
            entry["grade_id"] = meta["grade_id"]
        cells.append(entry)
        runs.append({"outputs": [
            {"output_type": "stream", "name": "stdout", "text": "x" * 50_000},
            {"output_type": "display_data", "data": {"text/html": "<script>alert(1)</script>",
                                                     "text/plain": "<b>plain</b>"}},
            {"output_type": "display_data", "data": {"image/png": PNG}},
            {"output_type": "display_data", "data": {"image/png": "PHNjcmlwdD4="}},  # not a PNG
        ], "error": None, "failures": ["hidden test sigmoid: 3 of 40 values differ"]})  # fmt: skip
    return cells, runs


def test_the_notebook_is_valid_and_keeps_the_lessons_grade_ids():
    source = source_notebook(LESSON)
    notebook = autograded_notebook(source, *restored(source))
    nbformat.validate(nbformat.from_dict(notebook))
    wanted = [grade_id(c) for c in source["cells"] if grade_id(c)]
    assert [grade_id(c) for c in notebook["cells"] if grade_id(c)] == wanted


def test_no_hidden_test_no_html_no_script_reaches_the_notebook():
    source = source_notebook(LESSON)
    text = json.dumps(autograded_notebook(source, *restored(source)))
    for cell in filter(is_test_cell, source["cells"]):
        for hidden in HIDDEN.findall("".join(cell["source"])):
            assert json.dumps(hidden)[1:-1] not in text
    assert "BEGIN HIDDEN" not in text and "text/html" not in text and "PHNjcmlwdD4=" not in text
    assert PNG in text and "3 of 40 values differ" in text
    assert "characters cut" in text and "x" * 8000 not in text


def test_a_students_markdown_keeps_no_tag_but_the_lessons_text_is_untouched():
    source = source_notebook(LESSON)
    cells, runs = restored(source)
    lesson_text = next(c for c in cells if c["cell_type"] == "markdown" and c["kind"] == "plain")
    lesson_text["source"] += ""  # the lesson's own text, as the student's copy has it
    hostile = {"kind": "plain", "cell_type": "markdown",
               "source": "<img src=x onerror=alert(1)> [a](JavaScript:alert(1)) $a<b$"}  # fmt: skip
    notebook = autograded_notebook(source, [*cells, hostile], [*runs, {}])
    shown = notebook["cells"][-1]["source"]
    assert "<" not in shown and "javascript:" not in shown.lower() and "\\lt" in shown
    assert notebook["cells"][cells.index(lesson_text)]["source"] == lesson_text["source"]


def test_safe_markdown_leaves_no_angle_bracket_whatever_the_math():
    for text in ["$<script>$", "$$<img src=x onerror=1>$$", "\\(<a>\\)", "$a$<b$c$", "<<<>>>"]:
        assert "<" not in safe_markdown(text), text


def test_write_folder_writes_notebook_timestamp_and_secret(tmp_path):
    from datetime import UTC, datetime

    from nbgrader.utils import parse_utc

    when = datetime(2026, 11, 30, 10, 0, 1, 5, tzinfo=UTC)
    write_folder(tmp_path / "f", "perceptron.ipynb", {"cells": []}, when, "ab" * 32)
    assert json.loads((tmp_path / "f" / "perceptron.ipynb").read_text()) == {"cells": []}
    assert parse_utc((tmp_path / "f" / "timestamp.txt").read_text()) == when.replace(tzinfo=None)
    assert (tmp_path / "f" / "submission_secret.txt").read_text() == "ab" * 32
    assert not list((tmp_path / "f").glob(".*"))  # no temporary file left
