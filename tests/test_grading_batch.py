"""The batch: the fallback without bubblewrap, the instructor's commands on an LMS zip, and no
silent wrong grade (a broken environment stops the batch; a sandbox that cannot start is a flagged
error, never a zero)."""

import json
import zipfile
from pathlib import Path

import pytest
from sandbox_helpers import need_bwrap

from grading import sandbox
from grading.batch import grade_lesson
from grading.cells import read_notebook, with_answers
from grading.course import LESSONS, lesson_notebook

LESSON = "01-perceptron"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=np.float64))\n"


def notebooks():
    return read_notebook(lesson_notebook(LESSON, LESSONS)), read_notebook(lesson_notebook(LESSON))


def _class_of_two(folder: Path) -> Path:
    released, source = notebooks()
    for student, notebook in [
        ("ada", with_answers(released, source)),
        ("bob", with_answers(released, source, {"sigmoid": WRONG_SIGMOID})),
    ]:
        (folder / student).mkdir(parents=True)
        (folder / student / f"{LESSON}.ipynb").write_text(json.dumps(notebook))
    return folder


def test_fallback_without_bubblewrap_grades_and_says_so_loudly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NN_GRADING_NO_BWRAP", "1")
    sandbox.probe.cache_clear()
    try:
        results = grade_lesson(LESSON, _class_of_two(tmp_path / "in"), tmp_path / "out", quiet=True)
    finally:
        sandbox.probe.cache_clear()
    assert [r["score"] for r in results] == [11, 9]
    assert all(r["sandbox"].startswith("FALLBACK") for r in results)
    assert "WARNING: no bubblewrap sandbox" in capsys.readouterr().err
    assert "NO SANDBOX" in (tmp_path / "out" / "grades" / f"summary-{LESSON}.txt").read_text()


def test_the_instructor_commands_collect_and_grade_an_lms_zip(tmp_path, capsys):
    from grading.__main__ import main

    folder = _class_of_two(tmp_path / "in")
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.rglob("*.ipynb"):
            zf.write(path, path.relative_to(folder))
    course = str(tmp_path / "out")
    main(["collect", LESSON, str(archive), "--course", course])
    main(["grade", LESSON, "--course", course, "-j", "1"])
    assert "ada: 11/13" in capsys.readouterr().out
    rows = (tmp_path / "out" / "grades" / f"grades-{LESSON}.csv").read_text().splitlines()
    assert rows[1].startswith("ada,01-perceptron,11,13,") and rows[2].startswith(
        "bob,01-perceptron,9,13,"
    )
    assert (tmp_path / "out" / "autograded" / "bob" / LESSON / "perceptron.ipynb").exists()


# ------------------------------------------------------------------ no silent wrong grade


def test_a_broken_environment_stops_the_batch_before_any_student(tmp_path, monkeypatch):
    """Rule 9: lesson 07 without MNIST in reach: the model solution would lose points, so no
    student is graded (and nothing is written that looks like grades)."""
    from grading.batch import ModelSolutionFailed
    from grading.course import SOLUTIONS

    lesson = "07-mnist"
    released = read_notebook(lesson_notebook(lesson, LESSONS))
    solved = with_answers(released, read_notebook(lesson_notebook(lesson, SOLUTIONS)))
    folder = tmp_path / "in" / "ada"
    folder.mkdir(parents=True)
    (folder / lesson_notebook(lesson).name).write_text(json.dumps(solved))
    empty = tmp_path / "no-mnist-here"
    empty.mkdir()
    monkeypatch.setenv("NN_WORKBOOK_DATA", str(empty))
    with pytest.raises(ModelSolutionFailed) as stopped:
        grade_lesson(lesson, tmp_path / "in", tmp_path / "out", quiet=True, timeout=30)
    assert "model solution of 07-mnist earns" in str(stopped.value)
    assert not (tmp_path / "out" / "grades" / f"grades-{lesson}.csv").exists()


def test_a_sandbox_that_cannot_start_is_a_flagged_error_never_a_zero_or_cached(
    tmp_path, monkeypatch
):
    """Rule 9: the student is not given 0 for the grader's problem, and the next run retries."""
    import grading.grade

    real = grading.grade.Sandbox

    def failing_for_bob(name, notebook, **kwargs):
        if b"return np.tanh(np.asarray(z" in notebook:  # bob's wrong sigmoid
            raise sandbox.StartFailed("cannot import utils (simulated)")
        return real(name, notebook, **kwargs)

    monkeypatch.setattr(grading.grade, "Sandbox", failing_for_bob)
    folder = _class_of_two(tmp_path / "in")
    results = {r["student"]: r for r in grade_lesson(LESSON, folder, tmp_path / "out", quiet=True)}
    assert results["ada"]["score"] == 11 and not results["ada"]["error"]
    assert "could not start" in results["bob"]["error"] and results["bob"]["flags"]
    monkeypatch.setattr(grading.grade, "Sandbox", real)
    again = {r["student"]: r for r in grade_lesson(LESSON, folder, tmp_path / "out", quiet=True)}
    assert again["bob"]["score"] == 9 and not again["bob"]["error"]


def test_a_sandbox_without_the_course_stops_the_batch(tmp_path, monkeypatch):
    """Rule 9: `utils` not importable inside (here: left out of the jail) used to give every
    student 0; now the model solution cannot start, and the batch stops saying so."""
    from grading.batch import ModelSolutionFailed
    from grading.sandbox import jail

    need_bwrap("the test of a jail without the course (the fallback has no jail) does")
    course = jail._course_files
    monkeypatch.setattr(
        jail, "_course_files", lambda: [f for f in course() if "/utils/" not in f[0]]
    )
    with pytest.raises(ModelSolutionFailed) as stopped:
        grade_lesson(LESSON, _class_of_two(tmp_path / "in"), tmp_path / "out", quiet=True)
    assert "could not start" in str(stopped.value) and "utils" in str(stopped.value)
    assert not (tmp_path / "out" / "grades" / f"grades-{LESSON}.csv").exists()
