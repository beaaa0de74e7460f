"""The cells to run for one submission, built from the lesson's source (grading/README.md, rule 3).

Every graded cell (answer, test, locked) comes in the source's order, whatever the student did
to the notebook's order, ids or metadata: test and locked cells are the instructor's text, answer
cells the student's text found by grade id. The student's own cells (no grade id) follow the
answer cell they follow in the submission. Each cell to run is a dict: kind ("answer", "written",
"test", "locked" or "plain"), cell_type, source, and for graded cells grade_id and points.
"""

from __future__ import annotations

from grading.cells import cell_text, nbgrader_meta
from grading.judge import visible_code

COMPARED = ("grade", "solution", "locked", "points")  # metadata a student must not change
FLAGGED = ("changed", "edited", "stripped", "moved")  # notes that also flag the submission


def restore(student_nb: dict, source_nb: dict) -> tuple[list[dict], list[str]]:
    """The cells to run, in the source's order, and notes on what had to be restored."""
    notes: list[str] = []
    graded = [c for c in source_nb["cells"] if nbgrader_meta(c).get("grade_id")]
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in graded}
    answers: dict[str, dict] = {}
    extras: dict[str | None, list[dict]] = {None: []}  # answer grade id -> the cells after it
    handed_in: list[str] = []  # graded cells in the submission's order
    anchor = None
    for cell in student_cells(student_nb):
        gid = student_grade_id(cell)
        original = by_id.get(gid)
        if original is None:
            if gid is not None:
                notes.append(f"a cell claims grade_id {gid[:60]!r}, which the lesson does not have")
            extras.setdefault(anchor, []).append(plain(cell))
        elif gid in handed_in:
            notes.append(f"cell {gid!r} appears twice; the second copy is ignored")
        else:
            handed_in.append(gid)
            notes += tampering(cell, original)
            if nbgrader_meta(original).get("solution"):
                answers[gid], anchor = cell, gid
    if handed_in != [g for g in by_id if g in handed_in]:
        notes.append("graded cells were moved; they run in the lesson's order")
    cells = list(extras[None])
    for gid, original in by_id.items():
        if gid not in handed_in:
            kind = "answer" if nbgrader_meta(original).get("solution") else "test or locked"
            notes.append(f"{kind} cell {gid!r} was deleted or stripped; the lesson's is used")
        cells.append(graded_cell(original, answers.get(gid)))
        cells += extras.get(gid, [])
    return cells, notes


def student_cells(notebook: dict) -> list[dict]:
    """The submission's cells that can run or be shown (anything malformed is skipped)."""
    cells = notebook.get("cells", [])
    return [
        cell
        for cell in cells
        if isinstance(cell, dict) and cell.get("cell_type") in ("code", "markdown", "raw")
    ]


def student_grade_id(cell: dict) -> str | None:
    """The grade id a submitted cell claims, if its metadata is well formed."""
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) else None


def tampering(cell: dict, original: dict) -> list[str]:
    """Notes on what the student changed in a graded cell that only the instructor may change."""
    gid = nbgrader_meta(original)["grade_id"]
    meta = cell["metadata"]["nbgrader"]
    wanted = nbgrader_meta(original)
    notes = []
    if any(meta.get(key) != wanted.get(key) for key in COMPARED):
        notes.append(f"the nbgrader metadata of {gid!r} was changed; restored")
    if cell.get("cell_type") != original["cell_type"]:
        notes.append(f"the type of cell {gid!r} was changed; restored")
    if not wanted.get("solution") and _stripped(text_of(cell)) != _stripped(
        visible_code(cell_text(original))
    ):
        notes.append(f"locked cell {gid!r} was edited; the original is graded")
    return notes


def graded_cell(original: dict, student: dict | None) -> dict:
    """A graded cell to run: the student's answer, or the instructor's test or locked cell."""
    meta = nbgrader_meta(original)
    cell = {"cell_type": original["cell_type"], "grade_id": meta["grade_id"],
            "points": meta.get("points", 0)}  # fmt: skip
    if meta.get("solution"):
        cell["kind"] = "written" if meta.get("grade") else "answer"
        cell["source"] = text_of(student) if student is not None else ""
    elif meta.get("grade"):
        cell["kind"], cell["source"] = "test", cell_text(original)  # hidden blocks included
    else:
        cell["kind"], cell["source"] = "locked", visible_code(cell_text(original))
    return cell


def plain(cell: dict) -> dict:
    """A student's own cell, to run (code) or show (markdown) as it is."""
    return {"kind": "plain", "cell_type": cell["cell_type"], "source": text_of(cell)}


def text_of(cell: dict) -> str:
    """A submitted cell's source as text; anything that is not text counts as empty."""
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return source if isinstance(source, str) else ""


def _stripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
