"""The course as nbgrader sees it: solution notebooks in, student lessons and grades out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
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
