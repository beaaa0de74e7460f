"""The gradebook as nbgrader's tools read it: the real notebook name, timestamps, manual marks
that survive re-grading, and several graders sharing one PostgreSQL gradebook (--shard k/N)."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from postgres_helpers import postgres_server
from sandbox_helpers import need_bwrap

from grading.batch import grade_lesson, in_shard
from grading.cells import read_notebook, with_answers
from grading.course import LESSONS, REPO, lesson_notebook, new_course
from grading.grade import source_notebook
from grading.gradebook import marks, open_gradebook

pytestmark = pytest.mark.xdist_group("grading-gradebook")

LESSON = "01-perceptron"
NOTEBOOK = lesson_notebook(LESSON).name
WRONG = {
    "sigmoid": "def sigmoid(z):\n    return np.tanh(z)\n",
    "step": "def step(z):\n    return (np.asarray(z) > 0).astype(np.int64)\n",
}


def submit(course, student, answers, when):
    """A submission in nbgrader's layout, with its timestamp.txt."""
    released = read_notebook(lesson_notebook(LESSON, LESSONS))
    folder = course / "submitted" / student / LESSON
    folder.mkdir(parents=True, exist_ok=True)
    notebook = with_answers(released, source_notebook(LESSON), answers)
    (folder / NOTEBOOK).write_text(json.dumps(notebook))
    (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


def class_of(course, n):
    """n students: every third one with a wrong sigmoid, every fourth one a wrong step."""
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for i in range(n):
        answers = {}
        if i % 3 == 0:
            answers["sigmoid"] = WRONG["sigmoid"]
        if i % 4 == 0:
            answers["step"] = WRONG["step"]
        submit(course, f"s{i:02d}", answers, start + timedelta(minutes=i))
    return course


def scores(rows):
    return {
        s: ({g: c["score"] for g, c in r["cells"].items()}, r["score"]) for s, r in rows.items()
    }


def test_two_graders_at_once_on_postgresql_match_one_grader(tmp_path):
    need_bwrap("the two-grader test")
    with postgres_server(("one", "shared")) as (one, shared):
        alone = class_of(new_course(tmp_path / "alone", [LESSON]), 8)
        grade_lesson(LESSON, None, alone, 1, db=one, quiet=True)
        machines = [class_of(new_course(tmp_path / f"machine{k}", [LESSON]), 8) for k in (1, 2)]
        command = [sys.executable, "-m", "grading", "grade", LESSON, "-j", "1", "--db", shared]
        runs = [command + ["--course", str(machines[k - 1]), "--shard", f"{k}/2"] for k in (1, 2)]
        with ThreadPoolExecutor(2) as pool:  # two graders at once, as on two machines
            done = list(pool.map(lambda c: subprocess.run(c, cwd=REPO, capture_output=True,
                                                          text=True, timeout=600), runs))  # fmt: skip
        for run in done:
            assert run.returncode == 0, run.stderr[-3000:]
        assert scores(marks(shared, LESSON)) == scores(marks(one, LESSON))
        assert len(marks(shared, LESSON)) == 8
    for k, machine in enumerate(machines, start=1):
        graded = json.loads((machine / "grades" / f"rows-{LESSON}.shard-{k}-of-2.json").read_text())
        assert {r["student"] for r in graded} == {
            f"s{i:02d}" for i in range(8) if in_shard(f"s{i:02d}", (k, 2))
        }


def test_regrading_keeps_manual_marks_and_a_resubmission_asks_for_review(tmp_path):
    need_bwrap("the manual-marks test")
    course = class_of(new_course(tmp_path / "course", [LESSON]), 2)
    url = f"sqlite:///{course / 'gradebook.db'}"
    grade_lesson(LESSON, None, course, 1, quiet=True)
    with open_gradebook(url) as gb:  # what formgrader does when a grader saves a mark
        for student, points in (("s00", 1.0), ("s01", 2.0)):
            grade = gb.find_grade("explain-xor", NOTEBOOK[:-6], LESSON, student)
            grade.manual_score, grade.needs_manual_grade = points, False
            override = gb.find_grade("step-tests", NOTEBOOK[:-6], LESSON, student)
            override.manual_score, override.needs_manual_grade = 0.5, False
        gb.db.commit()
    first = marks(url, LESSON)
    again = {r["student"]: r for r in grade_lesson(LESSON, None, course, 1, quiet=True)}
    assert again["s01"]["pending"] == [] and again["s01"]["cells"]["explain-xor"]["score"] == 2
    assert again["s00"]["cells"]["step-tests"]["score"] == 0.5  # an override stays too
    assert scores(marks(url, LESSON)) == scores(first)

    later = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    submit(course, "s01", {}, later)  # s01 hands in again: the mark is kept, to be reviewed
    rows = {r["student"]: r for r in grade_lesson(LESSON, None, course, 1, quiet=True)}
    assert rows["s01"]["cells"]["explain-xor"]["score"] == 2
    assert "explain-xor" in rows["s01"]["pending"] and rows["s00"]["pending"] == []
    assert rows["s01"]["timestamp"] == later.replace(tzinfo=None)


def test_the_gradebook_has_the_lessons_notebook_and_the_submission_times(tmp_path):
    need_bwrap("the gradebook layout test")
    course = class_of(new_course(tmp_path / "course", [LESSON]), 2)
    grade_lesson(LESSON, None, course, 1, quiet=True)
    with open_gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(LESSON)
        assert [nb.name for nb in assignment.notebooks] == [NOTEBOOK[:-6]]
        grade_cells = {c.name: c.max_score for c in assignment.notebooks[0].grade_cells}
        stamps = {s.student_id: s.timestamp for s in gb.assignment_submissions(LESSON)}
    points = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
              for c in source_notebook(LESSON)["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade")}  # fmt: skip
    assert grade_cells == points  # each cell once: nothing counts twice
    assert stamps == {"s00": datetime(2026, 11, 30, 9, 0), "s01": datetime(2026, 11, 30, 9, 1)}


def test_postgresql_gradebook_with_two_workers(tmp_path):
    need_bwrap("the PostgreSQL gradebook test")
    with postgres_server() as (url,):
        course = class_of(new_course(tmp_path / "course", [LESSON]), 2)
        rows = grade_lesson(LESSON, None, course, jobs=2, db=url, quiet=True)
        held = marks(url, LESSON)
        assert {r["student"]: r["score"] for r in rows} == {s: m["score"] for s, m in held.items()}
        assert held["s01"]["score"] == 11 and held["s00"]["score"] < 11
    assert held["s00"]["cells"]["sigmoid-tests"]["score"] == 0
    assert held["s01"]["cells"]["sigmoid-tests"]["score"] == 2
    assert not (course / "gradebook.db").exists()


def test_a_late_submission_gets_nbgraders_penalty(tmp_path, monkeypatch):
    """The due date set in formgrader and the course's LateSubmissionPlugin decide, as in stock
    `nbgrader autograde` (here with penalty_method "zero")."""
    import copy

    from grading import gradebook
    from grading.course import course_config

    need_bwrap("the late-penalty test")
    config = copy.deepcopy(course_config())
    config.LateSubmissionPlugin.penalty_method = "zero"
    monkeypatch.setattr(gradebook, "course_config", lambda: config)
    course = class_of(new_course(tmp_path / "course", [LESSON]), 2)  # s00 9:00, s01 9:01
    url = f"sqlite:///{course / 'gradebook.db'}"
    with open_gradebook(url) as gb:
        gb.update_or_create_assignment(LESSON, duedate=datetime(2026, 11, 30, 9, 0, 30))
    rows = {r["student"]: r for r in grade_lesson(LESSON, None, course, 1, quiet=True)}
    assert rows["s00"]["late_penalty"] == 0 and rows["s00"]["score"] > 0
    assert rows["s01"]["late_penalty"] == 11 and rows["s01"]["score"] == 0
