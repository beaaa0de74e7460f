"""Every solution notebook runs top to bottom in a fresh kernel, within its time budget, and
every figure it shows passes the layout lint (utils.figures.layout_problems) and has a caption."""

import shutil

import pytest
from course_helpers import run_notebook

from grading.course import lesson_ids, lesson_notebook
from utils.figures import PROBLEMS_ENV

CELL_TIMEOUT_S = 120
NOTEBOOK_BUDGET_S = 120


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lesson_ids())
def test_solution_notebook_runs(lesson, tmp_path, monkeypatch):
    source = lesson_notebook(lesson)
    workdir = shutil.copytree(source.parent, tmp_path / lesson)
    problems = tmp_path / "figure-problems.txt"
    monkeypatch.setenv(PROBLEMS_ENV, str(problems))  # the kernel inherits it; its figures report
    elapsed = run_notebook(source, workdir, timeout=CELL_TIMEOUT_S)
    assert elapsed < NOTEBOOK_BUDGET_S, f"{lesson} took {elapsed:.0f} s"
    found = problems.read_text() if problems.exists() else ""
    assert not found, f"{lesson}'s figures have layout problems:\n{found}"
