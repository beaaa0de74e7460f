"""The batch's scores in nbgrader's gradebook (SQLite by default, PostgreSQL by URL).

Written as stock `nbgrader autograde` writes it, so formgrader, `generate_feedback` and `export`
read it: the lesson's real notebook name, a submission's timestamp (late penalties by nbgrader's
plugin), each test cell's automatic score. Marks an instructor entered by hand stay: a written
answer or an overridden score keeps its manual mark and comment, and only a new submission (a new
timestamp) asks for them to be reviewed. Only the grader's parent process writes here, after the
sandboxes are gone, one grader at a time (a lock, so that several graders can share a PostgreSQL
gradebook: `make grade SHARD=k/N`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from grading.cells import is_written_answer, nbgrader_meta
from grading.course import course_config, lesson_notebook, nbgrader, new_course


def course_url(course: Path, db: str | None = None) -> str:
    """The gradebook's URL: the one given, else the course folder's gradebook.db."""
    return db or f"sqlite:///{course / 'gradebook.db'}"


def engine_url(url: str) -> str:
    """url with a driver SQLAlchemy can load: psycopg2 (installed) when psycopg 3 is not."""
    import importlib.util

    if url.startswith(("postgresql://", "postgres://")) and not importlib.util.find_spec("psycopg"):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def alembic_head() -> str:
    """The gradebook schema's newest revision, read in this process (nbgrader asks a subprocess,
    `alembic heads`, which costs seconds for every new gradebook)."""
    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


@contextlib.contextmanager
def open_gradebook(url: str) -> Iterator[object]:
    """nbgrader's Gradebook at url, opened without a subprocess and without its SQL warnings."""
    bin_dir = str(Path(sys.executable).parent)  # nbgrader may still run `alembic` by name
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    import nbgrader.api

    nbgrader.api.get_alembic_version = alembic_head
    course = course_config().CourseDirectory.course_id
    with warnings.catch_warnings(), nbgrader.api.Gradebook(engine_url(url), course) as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes inside nbgrader
        yield gb


@contextlib.contextmanager
def writing(gb: object) -> Iterator[None]:
    """Hold the gradebook's write lock, so one grader writes at a time: on PostgreSQL an advisory
    lock on a connection of its own (two graders adding one student would collide); SQLite locks
    its file by itself."""
    engine = gb.db.bind
    if engine.dialect.name != "postgresql":
        yield
        return
    from sqlalchemy import text

    key = int.from_bytes(hashlib.sha256(b"nn-workbook gradebook").digest()[:8], "big", signed=True)
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        lock.commit()
        try:
            yield
        finally:
            gb.db.rollback()
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            lock.commit()


def notebook_id(lesson: str) -> str:
    """The lesson's notebook as nbgrader names it (its file name without .ipynb)."""
    return lesson_notebook(lesson).stem


def ensure_lesson(gb: object, url: str, lesson: str, source_nb: dict) -> None:
    """Put the lesson's cells into the gradebook, as `nbgrader generate_assignment` does, unless
    they are there already."""
    from nbgrader.api import MissingEntry

    wanted = {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c).get("points", 0))
              for c in source_nb["cells"] if nbgrader_meta(c).get("grade")}  # fmt: skip
    try:
        notebook = gb.find_notebook(notebook_id(lesson), lesson)
        if {cell.name: cell.max_score for cell in notebook.grade_cells} == wanted:
            return
    except MissingEntry:
        pass
    gb.db.commit()  # SQLite: the command below can write only when this session holds nothing
    with tempfile.TemporaryDirectory() as tmp:
        root = new_course(Path(tmp), [lesson])
        nbgrader(
            root,
            "generate_assignment",
            lesson,
            "--force",
            f"--CourseDirectory.db_url={engine_url(url)}",
        )
    gb.db.expire_all()


def record(url: str, lesson: str, source_nb: dict, results: list[dict],
           timestamps: dict[str, datetime | None]) -> None:  # fmt: skip
    """Each student's automatic scores, timestamp and flags into the gradebook; marks entered by
    hand are kept (and asked to be reviewed when the submission is new)."""
    written = {nbgrader_meta(c)["grade_id"] for c in source_nb["cells"] if is_written_answer(c)}
    with open_gradebook(url) as gb, writing(gb):
        ensure_lesson(gb, url, lesson, source_nb)
        for result in results:
            is_new = record_submission(gb, lesson, result["student"],
                                       timestamps.get(result["student"]))  # fmt: skip
            notebook = gb.find_submission_notebook(notebook_id(lesson), lesson, result["student"])
            for grade in notebook.grades:
                set_grade(grade, result, grade.name in written, is_new)
            notebook.flagged = notebook.flagged or bool(result["flags"] or result["error"])
            gb.db.commit()
        late_penalties(url, lesson, [r["student"] for r in results])


def record_submission(gb: object, lesson: str, student: str,
                      timestamp: datetime | None) -> bool:  # fmt: skip
    """Make or update the student's submission of the lesson (and the student); whether it is a
    new hand-in replacing one recorded before (a new timestamp)."""
    from nbgrader.api import MissingEntry

    try:
        gb.find_student(student)
    except MissingEntry:
        gb.add_student(student)
    try:
        old = gb.find_submission(lesson, student).timestamp
        existed = True
    except MissingEntry:
        old, existed = None, False
    stamp = {"timestamp": timestamp.replace(tzinfo=None)} if timestamp else {}
    submission = gb.update_or_create_submission(lesson, student, **stamp)
    return existed and submission.timestamp != old


def set_grade(grade: object, result: dict, written: bool, is_new: bool) -> None:
    """One cell's grade: the automatic score of a test cell; a hand-entered mark kept."""
    if not written:
        score = result["grades"].get(grade.name, [None])[0]
        grade.auto_score = None if result["error"] or score is None else float(score)
    marked = grade.manual_score is not None
    if marked:
        grade.needs_manual_grade = grade.needs_manual_grade or is_new
    else:
        grade.needs_manual_grade = written or grade.auto_score is None


def late_penalties(url: str, lesson: str, students: list[str]) -> None:
    """nbgrader's late-submission penalties for these students, by the course's configured
    plugin (nbgrader_config.py: LateSubmissionPlugin)."""
    import nbformat
    from nbgrader.preprocessors import AssignLatePenalties

    assign = AssignLatePenalties(config=course_config())
    for student in students:
        resources = {"nbgrader": {"notebook": notebook_id(lesson), "assignment": lesson,
                                  "student": student, "db_url": engine_url(url)}}  # fmt: skip
        assign.preprocess(nbformat.v4.new_notebook(), resources)


def total(submission: object) -> float:
    """A submission's score as nbgrader's export computes it: manual marks counted, its late
    penalty taken off, never below 0."""
    score = (submission.score or 0.0) - (submission.late_submission_penalty or 0.0)
    return max(0.0, score)


def unmarked(grade: object, kind: str) -> bool:
    """A written answer nobody has marked yet (nbgrader's Grade.score reads 0 for it)."""
    return kind == "written" and grade.manual_score is None and grade.auto_score is None


def marks(url: str, lesson: str) -> dict[str, dict]:
    """Per student, what the gradebook holds now: total (manual marks and late penalty counted),
    each cell's score (None for a written answer not marked yet), points and whether it still
    waits for a person, and the timestamp."""
    with open_gradebook(url) as gb:
        kinds = {cell.name: "written" if cell.cell_type == "markdown" else "test"
                 for notebook in gb.find_assignment(lesson).notebooks
                 for cell in notebook.grade_cells}  # fmt: skip
        rows = {}
        for submission in gb.assignment_submissions(lesson):
            cells = {
                g.name: {
                    "score": None if unmarked(g, kinds[g.name]) else g.score,
                    "points": g.max_score,
                    "pending": bool(g.needs_manual_grade),
                    "kind": kinds[g.name],
                }  # fmt: skip
                for notebook in submission.notebooks
                for g in notebook.grades
            }
            rows[submission.student_id] = {
                "score": total(submission),
                "max_score": submission.max_score,
                "late_penalty": submission.late_submission_penalty,
                "timestamp": submission.timestamp,
                "cells": cells,
            }
        return rows
