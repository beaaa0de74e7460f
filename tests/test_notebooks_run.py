"""Every solution notebook runs top to bottom in a fresh kernel, within its time budget."""

import shutil
import time

import nbformat
import pytest
from nbclient import NotebookClient

from grading.course import lesson_ids, lesson_notebook

CELL_TIMEOUT_S = 120
NOTEBOOK_BUDGET_S = 120


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lesson_ids())
def test_solution_notebook_runs(lesson, tmp_path):
    source = lesson_notebook(lesson)
    workdir = shutil.copytree(source.parent, tmp_path / lesson)
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    elapsed = time.perf_counter() - start
    assert elapsed < NOTEBOOK_BUDGET_S, f"{lesson} took {elapsed:.0f} s"
