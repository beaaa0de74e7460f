"""The autograded notebook: what formgrader shows an instructor and `nbgrader generate_feedback`
turns into a student's feedback (autograded/<student>/<lesson>/<notebook>.ipynb).

It holds the cells as they ran, in the lesson's order, with their outputs. It is built so that
nothing hostile reaches the instructor's browser and nothing secret reaches a student:
- test cells are shown as students see them (hidden blocks removed), and a hidden test's failure
  is the trusted comparison's message (grading/judge.py: `for_student`), never its code;
- outputs keep only text and PNG images (no HTML, no JavaScript); text is cut;
- a markdown cell the student wrote or changed has its HTML escaped (`<`, `&`) and no
  `javascript:` link, since formgrader renders markdown in the instructor's own Jupyter session;
  the lesson's own text is kept as the lesson has it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from pathlib import Path

from grading.cells import cell_text, nbgrader_meta
from grading.collect import SECRET, TIMESTAMP, format_timestamp
from grading.files import write_atomic
from grading.judge import visible_code

MAX_TEXT = 8000  # characters of one output kept
MAX_OUTPUTS = 12  # outputs of one cell kept
MAX_IMAGE = 400_000  # base64 characters of one image kept
MATH = re.compile(r"(\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\])", re.S)  # $..$, \(..\)
SCRIPT_URL = re.compile(r"(java|vb)script\s*:", re.I)
NBGRADER_KEYS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task")


def autograded_notebook(source_nb: dict, cells: list[dict], runs: list[dict]) -> dict:
    """The notebook of one graded submission, from its restored cells and their runs."""
    trusted_text = {cell_text(c) for c in source_nb["cells"]
                    if c["cell_type"] == "markdown" and not nbgrader_meta(c).get("solution")}  # fmt: skip
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in source_nb["cells"] if nbgrader_meta(c)}
    notebook_cells = [
        {
            "id": f"cell-{index}",
            **notebook_cell(cell, run, by_id.get(cell.get("grade_id")), trusted_text),
        }
        for index, (cell, run) in enumerate(zip(cells, runs, strict=True))
    ]
    metadata = {key: source_nb["metadata"][key] for key in ("kernelspec", "language_info")
                if key in source_nb.get("metadata", {})}  # fmt: skip
    return {"cells": notebook_cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def notebook_cell(cell: dict, run: dict, original: dict | None, trusted_text: set[str]) -> dict:
    """One cell as it ran: its source, its nbgrader metadata from the lesson, its outputs."""
    kind, cell_type = cell["kind"], cell["cell_type"]
    source = cell["source"]
    if kind == "test":
        source = visible_code(source)
    elif cell_type == "markdown" and source not in trusted_text:
        source = safe_markdown(source)
    metadata = {}
    if original is not None:
        meta = nbgrader_meta(original)
        metadata["nbgrader"] = {key: meta[key] for key in NBGRADER_KEYS if key in meta}
    notebook = {"cell_type": cell_type, "metadata": metadata, "source": source}
    if cell_type == "code":
        notebook["execution_count"] = None
        notebook["outputs"] = outputs(run)
    return notebook


def outputs(run: dict) -> list[dict]:
    """A run's outputs that are safe to show, then its error, then the hidden tests' verdicts."""
    kept = [o for o in map(safe_output, run.get("outputs", [])[:MAX_OUTPUTS]) if o is not None]
    error = run.get("error")
    if error:
        kept.append(error_output(error.get("ename", ""), error.get("evalue", ""),
                                 error.get("traceback", "")))  # fmt: skip
    if run.get("failures"):
        failures = [str(f)[:1500] for f in run["failures"]]
        kept.append(error_output("Failed", "; ".join(failures)[:MAX_TEXT], "\n".join(failures)))
    return kept


def safe_output(output: dict) -> dict | None:
    """A stream's text, or display data reduced to plain text and a PNG image; else None."""
    if output.get("output_type") == "stream":
        return {"output_type": "stream", "name": output.get("name", "stdout"),
                "text": cut(output.get("text", ""))}  # fmt: skip
    data = output.get("data", {})
    kept = {}
    if is_png(data.get("image/png")):
        kept["image/png"] = data["image/png"]
    if isinstance(data.get("text/plain"), str):
        kept["text/plain"] = cut(data["text/plain"])
    if not kept:
        return None
    return {"output_type": "display_data", "data": kept, "metadata": {}}


def error_output(ename: str, evalue: str, traceback: str) -> dict:
    """An error output, as nbformat stores it."""
    lines = cut(str(traceback)).splitlines() or [f"{ename}: {evalue}"]
    return {"output_type": "error", "ename": str(ename)[:200], "evalue": cut(str(evalue)),
            "traceback": lines}  # fmt: skip


def is_png(value: object) -> bool:
    """Whether value is base64 text of a PNG image small enough to show."""
    if not isinstance(value, str) or len(value) > MAX_IMAGE or not value.isascii():
        return False
    try:
        head = base64.b64decode(value[:24], validate=True)
    except (binascii.Error, ValueError):
        return False
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def safe_markdown(text: str) -> str:
    """A student's markdown that renders as they wrote it, but with no `<` left to open a tag:
    escaped as HTML in the text, as LaTeX (\\lt) inside math, whichever way a renderer splits it."""
    pieces = []
    for index, piece in enumerate(MATH.split(text)):
        if index % 2:  # math: LaTeX escapes, which MathJax renders and HTML leaves alone
            pieces.append(piece.replace("<", "\\lt "))
        else:
            pieces.append(piece.replace("&", "&amp;").replace("<", "&lt;"))
    return SCRIPT_URL.sub("blocked-script:", "".join(pieces))


def cut(text: str) -> str:
    """At most MAX_TEXT characters: the start and the end of a long text."""
    text = str(text)
    if len(text) <= MAX_TEXT:
        return text
    return (
        f"{text[: MAX_TEXT - 600]}\n[... {len(text) - MAX_TEXT} characters cut ...]\n{text[-500:]}"
    )


def write_folder(folder: Path, name: str, notebook: dict, timestamp: datetime | None,
                 secret: str = "") -> None:  # fmt: skip
    """The autograded folder of one submission: the notebook, its timestamp.txt, and the
    submission's secret (which `release_feedback` needs to address the student's feedback),
    each written all or nothing and readable by the instructor only (grading/files.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / name, json.dumps(notebook, indent=1, ensure_ascii=False))
    if timestamp is not None:
        write_atomic(folder / TIMESTAMP, format_timestamp(timestamp))
    if secret:
        write_atomic(folder / SECRET, secret)
