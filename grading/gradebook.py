"""Write grading results into nbgrader's gradebook (SQLite by default, PostgreSQL by URL).

Only the grader's parent process writes here, after the sandboxes are gone: no student code
ever runs with the gradebook in reach."""

from __future__ import annotations

from grading.cells import nbgrader_meta


def engine_url(url: str) -> str:
    """url with a driver SQLAlchemy can load: psycopg2 (installed) when psycopg 3 is not."""
    import importlib.util

    if url.startswith(("postgresql://", "postgres://")) and not importlib.util.find_spec("psycopg"):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def alembic_head() -> str:
    """The gradebook schema's newest revision, read in this process (nbgrader asks a subprocess,
    `alembic heads`, which costs seconds for every new gradebook)."""
    from pathlib import Path

    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def record(url: str, lesson: str, source_nb: dict, results: list[dict]) -> None:
    """Create the lesson's cells in the gradebook and set each student's automatic scores."""
    import os
    import sys
    from pathlib import Path

    from nbgrader.api import Gradebook

    # nbgrader runs `alembic` by name: this environment's bin/ must be on PATH.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    import warnings

    import nbgrader.api

    nbgrader.api.get_alembic_version = alembic_head
    notebook = "notebook"
    with warnings.catch_warnings(), Gradebook(engine_url(url)) as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes inside nbgrader
        gb.update_or_create_assignment(lesson)
        gb.update_or_create_notebook(notebook, lesson)
        for cell in source_nb["cells"]:
            meta = nbgrader_meta(cell)
            if not meta.get("grade_id"):
                continue
            if meta.get("grade"):
                gb.update_or_create_grade_cell(meta["grade_id"], notebook, lesson,
                                               max_score=float(meta.get("points", 0)),
                                               cell_type=cell["cell_type"])  # fmt: skip
            if meta.get("solution"):
                gb.update_or_create_solution_cell(meta["grade_id"], notebook, lesson)
        from nbgrader.api import MissingEntry

        known = {student.id for student in gb.students}
        for result in results:
            student = result["student"]
            if student not in known:
                gb.add_student(student)
            try:
                submission = gb.find_submission(lesson, student)
            except MissingEntry:
                submission = gb.add_submission(lesson, student)
            grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
            for grade_id, (score, _) in result["grades"].items():
                grades[grade_id].auto_score = None if result["error"] else float(score)
                grades[grade_id].needs_manual_grade = bool(result["error"])
            for grade_id in result["manual"]:
                grades[grade_id].needs_manual_grade = True
        gb.db.commit()


def scores(url: str, lesson: str) -> dict[str, dict[str, float | None]]:
    """Per student, each cell's automatic score as the gradebook holds it."""
    from nbgrader.api import Gradebook

    with Gradebook(engine_url(url)) as gb:
        return {
            sub.student_id: {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades}
            for sub in gb.assignment_submissions(lesson)
        }
