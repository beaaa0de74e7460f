"""Helpers for tests and benchmarks: run a notebook, and drive stock nbgrader's autograde."""

from __future__ import annotations

import json
import time
from pathlib import Path

from grading.course import lesson_notebook, nbgrader


def run_notebook(path: Path, workdir: Path, timeout: int) -> float:
    """Run a notebook top to bottom in a fresh kernel inside `workdir`; return the seconds taken."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(workdir)}}
    start = time.perf_counter()
    # Raises CellExecutionError, naming the cell, on any error.
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources=resources).execute()
    return time.perf_counter() - start


def submit(root: Path, lesson: str, student: str, notebook: dict) -> Path:
    """Place a student's notebook where nbgrader's autograde looks for it."""
    name = lesson_notebook(lesson, root / "source").name
    path = root / "submitted" / student / lesson / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1))
    return path


def autograde(root: Path, lesson: str) -> str:
    """Autograde every submission of `lesson` in the course at `root`; return nbgrader's log."""
    return nbgrader(root, "autograde", lesson, "--create", "--force")


def scores(root: Path, lesson: str) -> dict[str, dict[str, tuple[float, float]]]:
    """Per student, each graded cell's (score, max score) from the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        result = {}
        for submission in gb.assignment_submissions(lesson):
            result[submission.student_id] = {
                grade.name: (grade.score, grade.max_score)
                for notebook in submission.notebooks
                for grade in notebook.grades
            }
        return result
