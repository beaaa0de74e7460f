"""The course as nbgrader sees it: the repository is the course folder (nbgrader_config.py says
where each of nbgrader's folders is); `make lessons` builds the student notebooks in it."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
LESSONS = REPO / "lessons"
CONFIG = REPO / "nbgrader_config.py"
_SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries its log."""


@functools.cache
def course_config() -> object:
    """nbgrader's settings for this course, as nbgrader reads them from nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


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
    """A throwaway course folder at `root` laid out like this one, with these lessons' solutions."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONFIG, root / CONFIG.name)
    for lesson in lessons or lesson_ids():
        shutil.copytree(SOLUTIONS / lesson, root / SOLUTIONS.name / lesson, ignore=_SKIP)
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
    """Build the student notebooks from solutions/ with nbgrader: in this course when `dest` is
    lessons/ (its gradebook learns each lesson's cells), else in a throwaway course copied out."""
    lessons = lessons or lesson_ids()
    if dest.resolve() == LESSONS.resolve():
        for lesson in lessons:
            nbgrader(REPO, "generate_assignment", lesson, "--force")
        return [lesson_notebook(lesson, LESSONS) for lesson in lessons]
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        root = new_course(Path(tmp), lessons)
        for lesson in lessons:
            nbgrader(root, "generate_assignment", lesson, "--force")
            shutil.copytree(root / LESSONS.name / lesson, dest / lesson, ignore=_SKIP,
                            dirs_exist_ok=True)  # fmt: skip
            written.append(lesson_notebook(lesson, dest))
    return written
