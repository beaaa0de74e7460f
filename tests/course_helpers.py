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
    name = lesson_notebook(lesson, root / "solutions").name
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


def as_student(home: Path, user: str, exchange: Path, *args: str) -> str:
    """Run a student's nbgrader command (fetch_assignment, submit, fetch_feedback) as `user` in
    their home folder, against the exchange; return its log. (nbgrader takes the name from the
    process's uid, which is one for every student here: submit is told it.)"""
    import os
    import subprocess
    import sys

    home.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}",
               "--CourseDirectory.course_id=nn-workbook"]  # fmt: skip
    if args[0] == "submit":
        command.append(f"--student={user}")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "USER": user, "LOGNAME": user, "HOME": str(home), "PATH": path}
    done = subprocess.run(command, cwd=home, env=env, capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0 or "[ERROR]" in log:
        raise RuntimeError(f"`nbgrader {' '.join(args)}` as {user} failed:\n{log}")
    return log
