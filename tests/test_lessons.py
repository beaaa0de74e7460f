"""lessons/ is exactly what nbgrader makes of solutions/, and gives nothing away."""

import re

import pytest

from grading.cells import cell_text, is_test_cell, is_written_answer, nbgrader_meta, read_notebook
from grading.course import LESSONS, REPO, SOLUTIONS, generate_lessons, lesson_ids, lesson_notebook

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.DOTALL)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def lines(source: str) -> set[str]:
    return {line.strip() for line in source.splitlines() if line.strip()}


def secret_lines(solution: dict) -> set[str]:
    """Lines found only inside solution regions, hidden tests or model answers."""
    inside, outside = set(), set()
    for cell in solution["cells"]:
        source, meta = cell_text(cell), nbgrader_meta(cell)
        if cell["cell_type"] == "markdown" and meta.get("solution"):
            inside |= lines(source)
            continue
        inside |= set().union(*(lines(m.group(2)) for m in REGION.finditer(source)))
        outside |= lines(REGION.sub("", source))
    return {line for line in inside - outside if len(line) >= 8}


def test_every_lesson_has_a_student_version():
    assert lesson_ids(), "no lessons found in solutions/"
    assert sorted(p.name for p in LESSONS.iterdir() if p.is_dir()) == lesson_ids()


def test_lessons_are_in_sync_with_solutions(tmp_path):
    for path in generate_lessons(tmp_path):
        committed = LESSONS / path.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is missing: run `make lessons`"
        assert read_notebook(committed) == read_notebook(path), (
            f"{committed} is stale: run `make lessons`"
        )


@pytest.mark.parametrize("lesson", lesson_ids())
def test_lesson_leaks_no_solution_and_no_hidden_test(lesson):
    student = read_notebook(lesson_notebook(lesson, LESSONS))
    student_text = "\n".join(cell_text(cell) for cell in student["cells"])
    for marker in MARKERS:
        assert marker not in student_text, f"{lesson}: student notebook contains '{marker}'"
    leaked = secret_lines(read_notebook(lesson_notebook(lesson, SOLUTIONS))) & lines(student_text)
    assert not leaked, f"{lesson}: student notebook shows solution or hidden-test lines: {leaked}"


@pytest.mark.parametrize("lesson", [lesson for lesson in lesson_ids() if lesson != "00-welcome"])
def test_a_graded_lesson_has_3_to_6_autograded_exercises_and_a_written_answer(lesson):
    """The curriculum's budget: enough practice to learn from, little enough to finish."""
    cells = read_notebook(lesson_notebook(lesson, SOLUTIONS))["cells"]
    exercises = [nbgrader_meta(cell)["grade_id"] for cell in cells if is_test_cell(cell)]
    assert 3 <= len(exercises) <= 6, f"{lesson} has {len(exercises)} exercises: {exercises}"
    assert any(is_written_answer(cell) for cell in cells), f"{lesson} asks nothing in words"


def test_secret_lines_finds_solutions_hidden_tests_and_model_answers():
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": "def f(x):\n"
                "    ### BEGIN SOLUTION\n    return x * 12345\n    ### END SOLUTION\n",
            },
            {
                "cell_type": "code",
                "metadata": {},
                "source": "assert f(1) == 12345\n"
                "### BEGIN HIDDEN TESTS\nassert f(2) == 24690\n### END HIDDEN TESTS\n",
            },
            {
                "cell_type": "markdown",
                "metadata": {"nbgrader": {"solution": True}},
                "source": "Because lines cannot bend.",
            },
        ]
    }
    assert secret_lines(notebook) == {
        "return x * 12345",
        "assert f(2) == 24690",
        "Because lines cannot bend.",
    }


COMMITTED_NOTEBOOKS = sorted(
    path.relative_to(REPO)
    for folder in (SOLUTIONS, LESSONS, REPO / "demos")
    for path in folder.rglob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=str)
def test_committed_notebook_has_no_outputs(path):
    notebook = read_notebook(REPO / path)
    rel = path
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{rel}: a code cell has outputs"
            assert cell["execution_count"] is None, f"{rel}: a code cell has an execution count"
    assert "widgets" not in notebook["metadata"], f"{rel}: saved widget state in metadata"
