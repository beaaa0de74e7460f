"""The course as nbgrader sees it: solution notebooks in, student lessons and grades out."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
LESSONS = REPO / "lessons"
CONFIG = Path(__file__).with_name("nbgrader_config.py")
_SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries its log."""


def lesson_ids() -> list[str]:
    """The lessons in course order, named after their folders (e.g. '01-perceptron')."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if any(p.glob("*.ipynb")))


def lesson_notebook(lesson: str, folder: Path = SOLUTIONS) -> Path:
    """The one notebook of a lesson inside `folder` (solutions/ or lessons/)."""
    notebooks = sorted((folder / lesson).glob("*.ipynb"))
    if len(notebooks) != 1:
        raise FileNotFoundError(f"expected one notebook in {folder / lesson}, found {notebooks}")
    return notebooks[0]


def new_course(root: Path, lessons: list[str] | None = None) -> Path:
    """Make an nbgrader course folder at `root` whose source/ holds the solution notebooks."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONFIG, root / "nbgrader_config.py")
    for lesson in lessons or lesson_ids():
        shutil.copytree(SOLUTIONS / lesson, root / "source" / lesson, ignore=_SKIP)
    return root


def nbgrader(root: Path, *args: str) -> str:
    """Run one nbgrader command in the course at `root` and return its log."""
    command = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"]
    # nbgrader runs `alembic` by name, so this environment's bin/ must be on PATH.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PATH": path}
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0 or "[ERROR]" in log:
        raise NbgraderError(f"`nbgrader {' '.join(args)}` failed in {root}:\n{log}")
    return log


def generate_lessons(dest: Path = LESSONS, lessons: list[str] | None = None) -> list[Path]:
    """Build the student notebooks from solutions/ into `dest`, one folder per lesson."""
    lessons = lessons or lesson_ids()
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        root = new_course(Path(tmp), lessons)
        for lesson in lessons:
            nbgrader(root, "generate_assignment", lesson, "--force")
            target = dest / lesson
            staged = dest / f".{lesson}.new"
            shutil.rmtree(staged, ignore_errors=True)
            shutil.copytree(root / "release" / lesson, staged, ignore=_SKIP)
            shutil.rmtree(target, ignore_errors=True)
            staged.rename(target)
            written.extend(sorted(target.glob("*.ipynb")))
    return written


def read_notebook(path: Path) -> dict:
    """A notebook file as plain JSON data."""
    return json.loads(path.read_text())


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


def cell_text(cell: dict) -> str:
    """A cell's source as one string (notebooks store it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_meta(cell: dict) -> dict:
    """A cell's nbgrader metadata, empty for an ordinary cell."""
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_cells(notebook: dict) -> list[dict]:
    """The cells of a notebook that carry nbgrader metadata."""
    return [cell for cell in notebook["cells"] if nbgrader_meta(cell)]


def answer(student: dict, source: dict, overrides: dict[str, str] | None = None) -> dict:
    """A student notebook with every answer cell filled in from the source (or from `overrides`)."""
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
