"""Feedback students can receive: nbgrader's own `generate_feedback` on the autograded notebooks.

It writes feedback/<student>/<lesson>/<notebook>.html beside the submission's timestamp.txt and
secret, which `nbgrader release_feedback` sends back and the students' `fetch_feedback` (or
the Assignment List) brings home. The page shows the lesson's text, the student's answers
rendered, the visible tests and their results, the scores, and the marks and comments entered
in formgrader. It never shows a hidden test: the autograded notebooks hold none
(grading/autograded.py). Run it after marking the written answers.
"""

from __future__ import annotations

from pathlib import Path

from grading.course import lesson_notebook, nbgrader


def generate_feedback(course: Path, lesson: str, db: str | None = None,
                      student: str | None = None) -> list[Path]:  # fmt: skip
    """Every graded student's feedback page for the lesson (or one student's); the pages."""
    options = ["--force"]
    if db:
        from grading.gradebook import engine_url

        options.append(f"--CourseDirectory.db_url={engine_url(db)}")
    if student:
        options.append(f"--student={student}")
    nbgrader(course, "generate_feedback", lesson, *options)
    name = lesson_notebook(lesson).stem + ".html"
    return sorted((course / "feedback").glob(f"{student or '*'}/{lesson}/{name}"))
