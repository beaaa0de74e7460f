"""Every solution notebook runs top to bottom in a fresh kernel, within its time budget."""

import shutil

import pytest
from course_helpers import run_notebook

from grading.course import lesson_ids, lesson_notebook

CELL_TIMEOUT_S = 120
NOTEBOOK_BUDGET_S = 120


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lesson_ids())
def test_solution_notebook_runs(lesson, tmp_path):
    source = lesson_notebook(lesson)
    workdir = shutil.copytree(source.parent, tmp_path / lesson)
    elapsed = run_notebook(source, workdir, timeout=CELL_TIMEOUT_S)
    assert elapsed < NOTEBOOK_BUDGET_S, f"{lesson} took {elapsed:.0f} s"
