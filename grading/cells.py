"""One vocabulary for a lesson's cells, as nbgrader marks them.

- a **test cell** is graded and holds no solution: visible asserts and hidden tests (`is_test_cell`);
- an **answer cell** is where a student writes code, scored by the test cells after it
  (`is_answer_cell`);
- a **written answer** is a markdown (or code) answer marked by hand (`is_written_answer`);
- a **locked cell** is the instructor's setup, which the student may not change (`is_locked_cell`).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path


def read_notebook(path: Path) -> dict:
    """A notebook file as plain JSON data."""
    return json.loads(path.read_text())


def cell_text(cell: dict) -> str:
    """A cell's source as one string (notebooks store it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_meta(cell: dict) -> dict:
    """A cell's nbgrader metadata, empty for an ordinary cell."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell: dict) -> str | None:
    """The cell's nbgrader grade id, None for an ordinary cell."""
    return nbgrader_meta(cell).get("grade_id")


def is_test_cell(cell: dict) -> bool:
    """A graded cell without a solution: its asserts and hidden tests score the answers."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def is_answer_cell(cell: dict) -> bool:
    """A cell with the student's code, scored by the test cells (not by itself)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("solution")) and not meta.get("grade")


def is_written_answer(cell: dict) -> bool:
    """A student's answer that scores points of its own, marked by hand."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("solution")) and bool(meta.get("grade"))


def is_locked_cell(cell: dict) -> bool:
    """An instructor's cell the student may read but not change, worth no points."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("locked")) and not meta.get("grade") and not meta.get("solution")


def graded_cells(notebook: dict) -> list[dict]:
    """The cells of a notebook that carry nbgrader metadata."""
    return [cell for cell in notebook["cells"] if nbgrader_meta(cell)]


def with_answers(student: dict, source: dict, overrides: dict[str, str] | None = None) -> dict:
    """A student notebook with every answer filled in from the source (or from `overrides`)."""
    answers = {
        nbgrader_meta(cell)["grade_id"]: cell["source"]
        for cell in graded_cells(source)
        if nbgrader_meta(cell).get("solution")
    }
    answers.update(overrides or {})
    filled = copy.deepcopy(student)
    for cell in graded_cells(filled):
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]
    return filled
