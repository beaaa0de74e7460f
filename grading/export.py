"""Grades out of nbgrader's gradebook into files Canvas and Moodle import.

What is exported, for each lesson (an nbgrader assignment) and student, is what nbgrader's own
`nbgrader export` (CsvExportPlugin) calls the score: the submission's total, manual marks
included (a grade cell counts its manual score when one is set, else its automatic score, plus
any extra credit), less nbgrader's late-submission penalty, never below 0. A student with no
submission gets an empty cell (nbgrader's export writes 0). `nbgrader_export` runs stock
`nbgrader export` itself; its grades.csv is neither quoted nor formula-safe, so a spreadsheet
should open these files instead.

**Pending manual marks.** A grade cell still waiting for a mark in formgrader
(`Grade.needs_manual_grade`) makes that student's lesson pending. With `pending="score"` (the
default) the score so far is exported; with `pending="blank"` the cell is left empty. Either way
the result lists who is pending on which cells (`ExportResult.pending`, `report()`), and
`pending.csv` in the output folder says the same.

**Files** (UTF-8 without a byte-order mark, written atomically): `canvas-course.csv` and
`moodle-course.csv` with a column per lesson, and `canvas-<lesson>.csv`, `moodle-<lesson>.csv`
with that lesson only (a lesson can't be named "course"); one row per roster student, in
roster order. A gradebook student missing
from the roster is in no file and is listed (`not_in_roster`). Every cell from the roster or the
gradebook is made formula-safe by grading.untrusted.csv_cell (a leading "'" where a spreadsheet
would read a formula; control characters and terminal escapes dropped).

**Canvas** (Grades > Import). Columns `Student, ID, SIS User ID, SIS Login ID, Section`, then
`<lesson> (<Canvas assignment id>)` for each lesson; the second row is Canvas's own
`    Points Possible` row with each lesson's maximum. Canvas's importer (canvas-lms
lib/gradebook_importer.rb) checks that header (first column "Student", second "ID", the SIS
columns, then "Section"), finds a student by Canvas ID, then SIS User ID, then SIS Login ID,
then name, and an assignment by the id in `Title (123)`, else by exact title, else offers to
create it; it reads a row whose first cell holds "Points Possible" as points, not a student.
Canvas's export (lib/gradebook_exporter.rb) writes the same columns and rows. (A name made
formula-safe no longer matches by name; the ids before it still do.) An empty cell
means no grade: nothing changes where Canvas has none, but over an existing grade Canvas's
import review highlights it as removed and removes it (ui/features/gradebook_uploads).

Canvas assignment ids (`canvas_ids`): when the roster is Canvas's own gradebook export, its
header already holds them (`Perceptron (12345)`): a column is taken for a lesson when its title
matches the lesson id with or without its number, ignoring case and punctuation
("01-perceptron" matches "Perceptron", "01 Perceptron", "01-perceptron"). Pairs given on the
command line (`--canvas-id 01-perceptron=12345`) or one a line in a file (`read_pairs`; blank
lines and `#` comments skipped) win over that; the value is the assignment id, or the title of a
column in the Canvas export (`04-backprop=Backpropagation lab`). A lesson without an id keeps
its bare name as the column title (listed in `no_canvas_id`): Canvas then matches it by title or
asks, on its import page, whether to create a new assignment.

**Moodle** (Grades > Import > CSV file; docs.moodle.org "Grade import", moodle
grade/import/csv/classes/load_data.php). The first column identifies the user: `Email address`
(default) or `ID number` (`moodle_key="id_number"`), then `Name` for the reader, then one column
per lesson named by its id. On the import page set "Map from" to that first column and "Map to"
to "Email address" (or "ID number"), and map each lesson column to its grade item (Moodle's
default is to ignore a column; "New grade item" makes one named after the header). Moodle reads
an empty cell as no grade. A row whose identifier is empty is not identified at all (Moodle
then credits the row before it) and a user Moodle does not know aborts the whole import, so a
roster student without that identifier, or sharing it with another, is left out of the Moodle
files and listed (`moodle_left_out`). Moodle refuses grades above 100 unless the site's
`gradepointmax` is raised.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grading.files import lesson_file_part, write_csv_rows
from grading.gradebook import open_gradebook, total
from grading.roster import Person, Roster
from grading.untrusted import csv_cell, one_line

PENDING = ("score", "blank")
MOODLE_KEYS = {"email": "Email address", "id_number": "ID number"}
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"  # as Canvas's export writes it
CANVAS_TITLE = re.compile(r"\A(.*)\s\((\d+)\)\Z")  # Canvas's Assignment.title_and_id
PENDING_COLUMNS = ["lesson", "student", "cells awaiting a manual mark"]
SHOWN = 200  # characters of one name in the terminal report


class ExportError(ValueError):
    """The export can't be made; the message says why."""


@dataclass(frozen=True)
class Mark:
    """A student's lesson as the gradebook holds it."""

    score: float  # nbgrader's score less its late penalty, never below 0
    pending: tuple[str, ...]  # grade cells still awaiting a manual mark


@dataclass(frozen=True)
class Lesson:
    """A lesson's maximum and each submitting student's mark."""

    name: str
    max_score: float
    marks: dict[str, Mark]  # by nbgrader student id


@dataclass
class ExportResult:
    """What was written, and what the instructor must look at."""

    files: list[Path]
    pending: dict[str, dict[str, list[str]]]  # lesson -> student -> cells awaiting a mark
    not_in_roster: list[str]  # gradebook students with no roster row: in no file
    moodle_left_out: list[str]  # roster students without a (unique) Moodle identifier
    no_canvas_id: list[str]  # lessons whose Canvas column has no assignment id

    def report(self) -> str:
        """The result for the terminal, every name printable and on its line."""
        lines = [f"wrote {path}" for path in self.files]
        for lesson, students in self.pending.items():
            marks = ", ".join(f"{one_line(s, SHOWN)} ({_names(c)})" for s, c in students.items())
            lines.append(f"PENDING manual marks in {lesson}: {marks}")
        if self.not_in_roster:
            lines.append(f"NOT IN THE ROSTER (in no file): {_names(self.not_in_roster)}")
        if self.moodle_left_out:
            names = _names(self.moodle_left_out)
            lines.append(f"LEFT OUT OF THE MOODLE FILES (no unique identifier): {names}")
        if self.no_canvas_id:
            lines.append(
                f"NO CANVAS ASSIGNMENT ID (matched by title): {', '.join(self.no_canvas_id)}"
            )
        return "\n".join(lines) + "\n"


def export_lms(db_url: str, roster: Roster, out: Path, lessons: list[str] | None = None,
               canvas_ids: dict[str, str] | None = None, pending: str = "score",
               moodle_key: str = "email") -> ExportResult:  # fmt: skip
    """Write the Canvas and Moodle files for the course and for each lesson into `out`."""
    _check_options(pending, moodle_key)
    marks = read_marks(db_url, lessons)
    ids = canvas_ids or {}
    moodle_people, left_out = _moodle_people(roster.people, moodle_key)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, chosen in [("course", marks), *((m.name, [m]) for m in marks)]:
        canvas = _canvas_rows(roster.people, chosen, ids, pending)
        files.append(write_csv_rows(out / f"canvas-{name}.csv", canvas))
        moodle = _moodle_rows(moodle_people, chosen, moodle_key, pending)
        files.append(write_csv_rows(out / f"moodle-{name}.csv", moodle))
    waiting = _pending(marks)
    files.append(write_csv_rows(out / "pending.csv", _pending_rows(waiting)))
    strays = sorted({s for m in marks for s in m.marks} - set(roster.by_student()))
    no_id = [m.name for m in marks if m.name not in ids]
    return ExportResult(files, waiting, strays, left_out, no_id)


def _check_options(pending: str, moodle_key: str) -> None:
    """Refuse an unknown pending policy or Moodle identifier."""
    if pending not in PENDING:
        raise ExportError(f"pending must be one of {PENDING}, not {pending!r}")
    if moodle_key not in MOODLE_KEYS:
        raise ExportError(f"moodle_key must be one of {list(MOODLE_KEYS)}, not {moodle_key!r}")


def read_marks(db_url: str, lessons: list[str] | None = None) -> list[Lesson]:
    """Each lesson's marks from the gradebook; by default every assignment anyone submitted,
    by name (a lesson not graded yet would be an empty column, which clears grades in an LMS)."""
    _check_exists(db_url)
    with open_gradebook(db_url) as gb:
        names = lessons if lessons is not None else _submitted(gb)
        return [_lesson(gb, name) for name in names]


def _submitted(gb) -> list[str]:
    """The gradebook's assignments with at least one submission, by name."""
    return sorted(a.name for a in gb.assignments if a.num_submissions)


def _check_exists(db_url: str) -> None:
    """Refuse an SQLite gradebook that isn't there (nbgrader would make an empty one)."""
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///") :]).is_file():
        raise ExportError(f"no gradebook at {db_url}: grade a lesson first, or give its URL")


def _lesson(gb, name: str) -> Lesson:
    """One lesson's marks, read with nbgrader's API."""
    from nbgrader.api import MissingEntry

    if not lesson_file_part(name):
        raise ExportError(f"lesson {name!r} can't name a file: letters, digits, '.', '_', '-'")
    try:
        assignment = gb.find_assignment(name)
    except MissingEntry:
        raise ExportError(f"lesson {name!r} is not in the gradebook") from None
    marks = {sub.student_id: _mark(sub) for sub in assignment.submissions}
    return Lesson(name, float(assignment.max_score or 0.0), marks)


def _mark(submission) -> Mark:
    """A submission's score as nbgrader's CSV export computes it, and its pending cells."""
    grades = [g for notebook in submission.notebooks for g in notebook.grades]
    pending = tuple(sorted(g.name for g in grades if g.needs_manual_grade))
    return Mark(total(submission), pending)


def _canvas_rows(people: list[Person], marks: list[Lesson], ids: dict[str, str],
                 pending: str) -> list[list[str]]:  # fmt: skip
    """Canvas's gradebook: header, points possible, a row a student."""
    titles = [f"{m.name} ({ids[m.name]})" if m.name in ids else m.name for m in marks]
    rows = [[*CANVAS_COLUMNS, *map(csv_cell, titles)]]
    rows.append([POINTS_POSSIBLE, "", "", "", "", *(points(m.max_score) for m in marks)])
    for p in people:
        who = [p.full_name, p.canvas_id, p.sis_user_id, p.sis_login_id, p.section]
        rows.append([*map(csv_cell, who), *(_grade(m, p.student, pending) for m in marks)])
    return rows


def _moodle_rows(people: list[Person], marks: list[Lesson], key: str,
                 pending: str) -> list[list[str]]:  # fmt: skip
    """Moodle's CSV import: the user's identifier first, a name, a column a lesson."""
    rows = [[MOODLE_KEYS[key], "Name", *(csv_cell(m.name) for m in marks)]]
    for p in people:
        who = [getattr(p, key), p.full_name]
        rows.append([*map(csv_cell, who), *(_grade(m, p.student, pending) for m in marks)])
    return rows


def _moodle_people(people: list[Person], key: str) -> tuple[list[Person], list[str]]:
    """The roster students Moodle can identify by `key`, and the others' student ids."""
    counts = Counter(getattr(p, key).casefold() for p in people)
    kept = [p for p in people if getattr(p, key) and counts[getattr(p, key).casefold()] == 1]
    chosen = {p.student for p in kept}
    return kept, [p.student for p in people if p.student not in chosen]


def _grade(lesson: Lesson, student: str, pending: str) -> str:
    """A student's cell: the score, or empty without a submission or while pending (blank)."""
    mark = lesson.marks.get(student)
    if mark is None or (mark.pending and pending == "blank"):
        return ""
    return points(mark.score)


def points(x: float) -> str:
    """Points as the LMS reads them: a dot for decimals, at most 4 of them (7, 2.5, 0.3333)."""
    return f"{round(x, 4):.4f}".rstrip("0").rstrip(".")


def _pending(marks: list[Lesson]) -> dict[str, dict[str, list[str]]]:
    """Lesson -> student -> cells awaiting a manual mark, for lessons with any."""
    waiting = {m.name: {s: list(k.pending) for s, k in sorted(m.marks.items()) if k.pending}
               for m in marks}  # fmt: skip
    return {name: students for name, students in waiting.items() if students}


def _pending_rows(waiting: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """pending.csv: a row for each student and lesson awaiting a manual mark."""
    rows = [PENDING_COLUMNS]
    for lesson, students in waiting.items():
        rows += [[lesson, csv_cell(s), csv_cell(" ".join(cells))] for s, cells in students.items()]
    return rows


def _names(names: Iterable[str]) -> str:
    """Untrusted names for the terminal, each printable, on one line and cut, joined by commas."""
    return ", ".join(one_line(name, SHOWN) for name in names)


# ---------------------------------------------------------------- Canvas assignment ids


def canvas_ids(lessons: list[str], pairs: Iterable[str] = (),
               canvas_export: Path | None = None) -> dict[str, str]:  # fmt: skip
    """Each lesson's Canvas assignment id: from `pairs` ("lesson=id" or "lesson=title"), else
    from the columns of Canvas's gradebook export (the roster, when it is one)."""
    columns = canvas_columns(canvas_export) if canvas_export else []
    ids = {lesson: found for lesson in lessons if (found := _matching(lesson, columns))}
    for pair in pairs:
        lesson, value = _pair(pair, lessons)
        ids[lesson] = value if re.fullmatch(r"[0-9]+", value) else _titled(value, columns)
    return ids


def canvas_columns(path: Path) -> list[tuple[str, str]]:
    """(title, assignment id) of each `Title (123)` column in a Canvas gradebook export."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except OSError as problem:
        raise ExportError(f"can't read {path}: {problem.strerror}") from None
    found = (CANVAS_TITLE.match(h.strip()) for h in header)
    return [(m[1], m[2]) for m in found if m]


def read_pairs(path: Path) -> list[str]:
    """The "lesson=id" lines of a mapping file, without blank lines and # comments."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as problem:
        raise ExportError(f"can't read {path}: {problem.strerror}") from None
    return [s for line in lines if (s := line.strip()) and not s.startswith("#")]


def _matching(lesson: str, columns: list[tuple[str, str]]) -> str | None:
    """The id of the one column titled like the lesson (with or without its number)."""
    names = {_slug(lesson), _slug(re.sub(r"\A\d+[-_. ]*", "", lesson))}
    found = [(title, i) for title, i in columns if _slug(title) in names]
    if len(found) > 1:
        raise ExportError(f"several Canvas columns fit {lesson}: {found}; give {lesson}=ID")
    return found[0][1] if found else None


def _titled(title: str, columns: list[tuple[str, str]]) -> str:
    """The id of the Canvas column with this title."""
    found = [i for t, i in columns if _slug(t) == _slug(title)]
    if len(found) != 1:
        raise ExportError(f"{len(found)} Canvas columns are titled {title!r}; give the id instead")
    return found[0]


def _pair(text: str, lessons: list[str]) -> tuple[str, str]:
    """A "lesson=value" pair, checked."""
    lesson, _, value = (part.strip() for part in text.partition("="))
    if lesson not in lessons or not value:
        raise ExportError(f"{text!r}: want LESSON=ID with LESSON one of {lessons}")
    return lesson, value


def _slug(text: str) -> str:
    """Text compared without case or punctuation ("01 Perceptron" ~ "01-perceptron")."""
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-")


# ---------------------------------------------------------------- stock nbgrader


def nbgrader_export(root: Path, db_url: str | None = None, to: Path | None = None) -> list[dict]:
    """Run stock `nbgrader export` in the course at `root` (on its gradebook, or db_url's) and
    return the rows of the grades.csv it writes: one per student and lesson, manual marks in."""
    from grading.course import nbgrader
    from grading.gradebook import engine_url

    dest = to or root / "grades.csv"
    db = [f"--db={engine_url(db_url)}"] if db_url else []
    nbgrader(root, "export", f"--to={dest}", *db)
    with dest.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
