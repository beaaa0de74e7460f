"""grading/nbgrader_config.py at work on lesson 01: warnings cost nothing, test cells come back,
a cell that never ends is stopped and the rest is still graded."""

import pytest
from course_helpers import autograde, scores, submit
from traitlets.config.loader import PyFileConfigLoader

from grading.cells import nbgrader_meta, read_notebook, with_answers
from grading.course import CONFIG, lesson_notebook, nbgrader, new_course

# One course for the module: under pytest-xdist its tests share one worker.
pytestmark = pytest.mark.xdist_group("grading-config")

LESSON = "01-perceptron"
WARNING_STEP = """def step(z):
    import warnings

    warnings.warn("step: a harmless warning on stderr", stacklevel=2)
    return (np.asarray(z) >= 0).astype(np.int64)
"""
ENDLESS_STEP = "def step(z):\n    while True:\n        pass\n"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(z)\n"


def grade_id(cell):
    return nbgrader_meta(cell).get("grade_id")


def test_config_sets_the_cell_timeout_and_restores_missing_cells():
    config = PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()
    assert config.Execute.timeout == 120
    assert config.OverwriteCells.add_missing_cells is True


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = new_course(tmp_path_factory.mktemp("course"), [LESSON])
    nbgrader(root, "generate_assignment", LESSON, "--force")
    source = read_notebook(lesson_notebook(LESSON, root / "solutions"))
    solved = with_answers(read_notebook(lesson_notebook(LESSON, root / "lessons")), source)

    submit(root, LESSON, "warns", with_answers(solved, source, {"step": WARNING_STEP}))
    no_sigmoid_tests = [cell for cell in solved["cells"] if grade_id(cell) != "sigmoid-tests"]
    submit(root, LESSON, "deleted-tests", {**solved, "cells": no_sigmoid_tests})
    edited = with_answers(solved, source, {"sigmoid": WRONG_SIGMOID})
    for cell in edited["cells"]:
        if grade_id(cell) == "sigmoid-tests":
            cell["source"] = "pass  # tests? what tests?\n"
    submit(root, LESSON, "edited-tests", edited)
    autograde(root, LESSON)

    # A short timeout (the course's is 120 s) keeps this test quick; the mechanism is the same.
    submit(root, LESSON, "endless", with_answers(solved, source, {"step": ENDLESS_STEP}))
    nbgrader(root, "autograde", LESSON, "--student=endless", "--Execute.timeout=6")
    return scores(root, LESSON)


def test_a_correct_answer_that_warns_keeps_its_points(graded):
    score, max_score = graded["warns"]["step-tests"]
    assert score == max_score > 0


def test_a_deleted_test_cell_is_put_back_and_graded(graded):
    score, max_score = graded["deleted-tests"]["sigmoid-tests"]
    assert score == max_score > 0


def test_an_edited_test_cell_is_restored_before_grading(graded):
    score, max_score = graded["edited-tests"]["sigmoid-tests"]
    assert max_score > 0 and score == 0, "a wrong sigmoid passed an emptied test cell"


def test_an_endless_cell_is_stopped_and_the_rest_still_graded(graded):
    got = graded["endless"]
    assert got["step-tests"][0] == 0
    assert got["sigmoid-tests"][0] == got["sigmoid-tests"][1] > 0
    assert got["train-perceptron-tests"][0] == got["train-perceptron-tests"][1] > 0


def test_nbgrader_started_in_the_repository_finds_this_course():
    """nbgrader (and formgrader) started here read nbgrader_config.py: the course is this folder,
    its source the solutions, its release the lessons."""
    import subprocess
    import sys

    from grading.course import REPO, lesson_ids

    probe = (
        "from nbgrader.apps import NbGraderApp\n"
        "from nbgrader.apps.api import NbGraderAPI\n"
        "app = NbGraderApp(); app.initialize([])\n"
        "api = NbGraderAPI(coursedir=app.coursedir, config=app.config)\n"
        "print(app.coursedir.root, app.coursedir.source_directory, app.coursedir.release_directory)\n"
        "print(' '.join(sorted(api.get_source_assignments())))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, check=True, env={"PATH": "/usr/bin:/bin"})  # fmt: skip
    where, lessons = done.stdout.strip().splitlines()[-2:]
    assert where.split() == [str(REPO), "solutions", "lessons"]
    assert lessons.split() == lesson_ids()
