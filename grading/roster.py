"""The class list: who each student is in nbgrader and in the LMS.

A roster is a CSV file with a header row. The one required column is the nbgrader student id
(`student`; the hub user name). The others say how the LMS names that student; a Canvas
gradebook export or a Moodle participants export can be used as it is, since their own headers
are understood too:

| field | headers understood |
| --- | --- |
| student | student, student_id, username, SIS Login ID |
| name | name, full name, Student (Canvas) |
| first_name, last_name | first name, last name, surname |
| email | email, email address |
| canvas_id | canvas_id, ID (Canvas) |
| sis_user_id | sis_user_id, SIS User ID |
| sis_login_id | sis_login_id, SIS Login ID |
| section | section |
| id_number | id_number, ID number (Moodle), SID (Gradescope) |
| moodle_id | moodle_id, participant (the number Moodle puts in its download folders) |

When `student` is empty it is taken from the SIS Login ID, then the user name, then the e-mail's
local part.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from pathlib import Path

HEADERS = {
    "student": ("student", "student_id", "username", "user name"),
    "name": ("name", "full name", "fullname"),
    "first_name": ("first_name", "first name", "firstname", "given name"),
    "last_name": ("last_name", "last name", "lastname", "surname", "family name"),
    "email": ("email", "email address", "e-mail", "e-mail address"),
    "canvas_id": ("canvas_id", "canvas id"),
    "sis_user_id": ("sis_user_id", "sis user id"),
    "sis_login_id": ("sis_login_id", "sis login id"),
    "section": ("section", "sections"),
    "id_number": ("id_number", "id number", "idnumber", "sid", "student number"),
    "moodle_id": ("moodle_id", "participant", "participant id"),
}
CANVAS = {"student": "name", "id": "canvas_id"}  # what Canvas's own export means by these


@dataclass(frozen=True)
class Person:
    """One student: the nbgrader id and the LMS's names for them."""

    student: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    id_number: str = ""
    moodle_id: str = ""

    @property
    def full_name(self) -> str:
        """The student's name as an LMS shows it ("Jane Doe")."""
        return self.name or " ".join(p for p in (self.first_name, self.last_name) if p)


class RosterError(ValueError):
    """The roster file can't be used; the message says which line and why."""


@dataclass
class Roster:
    """The class list, with lookups by any LMS key."""

    people: list[Person]

    def find(self, field: str, value: str) -> list[Person]:
        """Everyone whose `field` (a Person field, or 'full_name') equals value (case-blind)."""
        wanted = _key(value)
        if not wanted:
            return []
        return [p for p in self.people if _key(getattr(p, field)) == wanted]

    def lookup(self, keys: list[tuple[str, str]]) -> list[Person]:
        """Who an LMS means by its (field, value) keys: the matches of the first key that has
        any. A later key never picks someone whose value in the first key's field says another
        (a Moodle name does not override a moodle_id), unless the LMS gave no first value."""
        (first, given), *_ = keys
        for index, (field, value) in enumerate(keys):
            found = self.find(field, value)
            if index and _key(given):
                found = [p for p in found if not _key(getattr(p, first))]
            if found:
                return found
        return []

    def by_student(self) -> dict[str, Person]:
        """Each person by nbgrader student id."""
        return {p.student: p for p in self.people}


def read_roster(path: Path) -> Roster:
    """The roster in a CSV file (see the module's docstring for its columns)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as problem:
        raise RosterError(f"can't read the roster {path}: {problem.strerror}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))  # a quoted cell may hold a newline
    if not rows:
        raise RosterError(
            f"the roster {path} is empty: it needs a header row, then a student a row"
        )
    columns = _columns(rows[0])
    canvas = "sis_login_id" in columns or "sis_user_id" in columns
    if "student" not in columns and not {"sis_login_id", "email"} & set(columns):
        raise RosterError(
            f"the roster {path} has no student column: name one 'student' (the hub user name), "
            f"or give 'SIS Login ID' or 'email'; its header is {rows[0][:8]}"
        )
    people, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        values = {name: row[i].strip() for name, i in columns.items() if i < len(row)}
        if not any(values.values()) or _is_points_row(row) or _is_test_student(values, canvas):
            continue
        student = values.get("student") or values.get("sis_login_id") or ""
        student = student or values.get("email", "").partition("@")[0]
        if not student:
            raise RosterError(f"{path}, line {number}: no student id (and no SIS login or e-mail)")
        if student in seen:
            raise RosterError(
                f"{path}, lines {seen[student]} and {number}: student {student!r} is listed twice"
            )
        seen[student] = number
        people.append(Person(**{**values, "student": student}))
    return Roster(people)


def _columns(header: list[str]) -> dict[str, int]:
    """Each Person field's column index, from the header row."""
    names = [h.strip().lower() for h in header]
    canvas = "sis login id" in names or "sis user id" in names
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        field = CANVAS.get(name) if canvas else None
        field = field or next((f for f, aliases in HEADERS.items() if name in aliases), None)
        if field in {f.name for f in fields(Person)} and field not in columns:
            columns[field] = index
    return columns


def _is_points_row(row: list[str]) -> bool:
    """Canvas's second row ("Points Possible"), which is not a student."""
    return bool(row) and row[0].strip().lower() == "points possible"


def _is_test_student(values: dict[str, str], canvas: bool) -> bool:
    """Canvas's "Student, Test" (its student view), which every Canvas export lists."""
    return canvas and values.get("name", "").strip().lower() == "student, test"


def _key(value: str) -> str:
    """A value compared without case or extra spaces."""
    return " ".join(str(value).split()).casefold()
