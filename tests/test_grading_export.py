"""LMS exports (grading.export) from a gradebook made with nbgrader's API: three lessons, 20
roster students with seeded random scores, written answers marked by hand or still pending, late
penalties, a manual mark over an automatic one, extra credit, a gradebook student missing from the
roster, a roster student who never submitted, and hostile names. Every exported cell is checked
against the score worked out here from the plan the gradebook was built from, not read back
through nbgrader. Stock `nbgrader export` is run on a course folder too."""

import csv
import random
import re
import warnings
from pathlib import Path

import pytest

from grading.export import (
    ExportError,
    canvas_ids,
    export_lms,
    nbgrader_export,
    read_marks,
    read_pairs,
)
from grading.roster import read_roster

LESSONS = ["01-perceptron", "02-log-loss", "03-gradient-descent"]
CELLS = {"test-a": ("code", 3.0), "test-b": ("code", 2.0), "written": ("markdown", 4.0)}
MAX_SCORE = 9.0
STUDENTS = [f"s{i:02d}" for i in range(20)]
NEVER_SUBMITS = "s19"  # in the roster, no submission at all
GHOST = "+ghost\x1b[2J"  # in the gradebook, not in the roster (and hostile)
HOSTILE = "=cmd|' /C calc'!A0"
UNGRADED = "04-backprop"  # in the gradebook (generate_assignment), nobody submitted yet
NO_EMAIL = "s06"
SAME_EMAIL = ("s08", "s09")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
FORCED = {"s01", "s02", "s03", "s04", "s05", GHOST}  # always submit: the plan sets cases for them
NUMBER = re.compile(r"\A\d+(\.\d{1,4})?\Z")


def _plan(seed: int = 20240611) -> dict[tuple[str, str], dict]:
    """What each submission holds: automatic scores, the written answer's mark (None: pending),
    a manual override of a test cell, extra credit and a late penalty."""
    rng = random.Random(seed)
    plan = {}
    for lesson in LESSONS:
        for student in [*STUDENTS, GHOST]:
            if student == NEVER_SUBMITS or (student not in FORCED and rng.random() < 0.1):
                continue
            auto = {
                c: rng.randint(0, int(2 * m)) / 2
                for c, (kind, m) in CELLS.items()
                if kind == "code"
            }
            manual = None if rng.random() < 0.25 else rng.randint(0, 8) / 2
            plan[lesson, student] = {"auto": auto, "written": manual, "override": {},
                                     "extra": {}, "penalty": 0.0}  # fmt: skip
    plan["01-perceptron", "s01"]["written"] = None  # pending
    plan["01-perceptron", "s03"]["penalty"] = 100.0  # more than the score: 0
    plan["02-log-loss", "s02"]["penalty"] = 2.0  # late
    plan["01-perceptron", "s05"]["override"] = {"test-a": 3.0}  # a manual mark over the autograder
    plan["03-gradient-descent", "s04"]["extra"] = {"test-b": 1.5}
    plan["02-log-loss", GHOST]["written"] = None
    return plan


def _expected(entry: dict) -> float:
    """A submission's score worked out from its plan: manual mark if set, else automatic, plus
    extra credit, less the late penalty, never below 0."""
    total = 0.0
    for cell in CELLS:
        base = entry["written"] if cell == "written" else entry["auto"][cell]
        base = entry["override"].get(cell, base)
        total += (base or 0.0) + entry["extra"].get(cell, 0.0)
    return max(0.0, total - entry["penalty"])


def _build_gradebook(url: str, plan: dict) -> None:
    """The gradebook nbgrader would hold after autograding and some marking in formgrader."""
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        for lesson in [*LESSONS, UNGRADED]:
            gb.add_assignment(lesson)
            gb.add_notebook("notebook", lesson)
            for name, (kind, points) in CELLS.items():
                gb.add_grade_cell(name, "notebook", lesson, max_score=points, cell_type=kind)
        for student in [*STUDENTS, GHOST]:
            gb.add_student(student)
        for (lesson, student), entry in plan.items():
            notebook = gb.add_submission(lesson, student).notebooks[0]
            notebook.late_submission_penalty = entry["penalty"]
            for grade in notebook.grades:
                _fill(grade, entry)
        gb.db.commit()


def _fill(grade, entry: dict) -> None:
    """One grade cell as autograde and formgrader leave it."""
    if grade.name == "written":
        grade.manual_score = entry["written"]
        grade.needs_manual_grade = entry["written"] is None
    else:
        grade.auto_score = entry["auto"][grade.name]
        grade.manual_score = entry["override"].get(grade.name)
        grade.needs_manual_grade = False
    grade.extra_credit = entry["extra"].get(grade.name)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The gradebook (SQLite), its plan, and a roster of the 20 students."""
    import nbgrader.api

    from grading.gradebook import alembic_head

    root = tmp_path_factory.mktemp("export")
    plan = _plan()
    url = f"sqlite:///{root / 'gradebook.db'}"
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes inside nbgrader
        patch.setattr(nbgrader.api, "get_alembic_version", alembic_head)
        _build_gradebook(url, plan)
    roster = root / "roster.csv"
    _write_roster(roster)
    return url, plan, roster


def _person(i: int, student: str) -> dict:
    """A roster row: names, LMS ids and e-mail."""
    email = f"{student}@uni.example"
    if student == NO_EMAIL:
        email = ""
    if student in SAME_EMAIL:
        email = "twin@uni.example" if student == SAME_EMAIL[0] else "TWIN@uni.example"
    name = HOSTILE if student == "s07" else f"Student {i}"
    return {"student": student, "name": name, "email": email, "canvas_id": str(500 + i),
            "sis_user_id": f"U{i:03d}", "sis_login_id": student, "section": "A" if i % 2 else "B",
            "id_number": f"N{i:04d}"}  # fmt: skip


def _write_roster(path: Path) -> None:
    rows = [_person(i, s) for i, s in enumerate(STUDENTS)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 without a byte-order mark"
    return list(csv.reader(raw.decode("utf-8").splitlines()))


def _check_cell(cell: str, entry: dict | None, pending: str = "score") -> None:
    """An exported grade: empty without a submission (or while pending, when blank), else the
    expected score written as a plain decimal."""
    if entry is None or (pending == "blank" and entry["written"] is None):
        assert cell == ""
        return
    assert NUMBER.match(cell), cell
    assert float(cell) == pytest.approx(_expected(entry), abs=1e-4)


def _export(course, out: Path, **options):
    url, _, roster = course
    ids = {"01-perceptron": "1001", "02-log-loss": "1002", "03-gradient-descent": "1003"}
    return export_lms(url, read_roster(roster), out, LESSONS, **{"canvas_ids": ids, **options})


def test_canvas_course_file_has_canvas_columns_points_and_every_score(course, tmp_path):
    _, plan, _ = course
    _export(course, tmp_path)
    rows = _read(tmp_path / "canvas-course.csv")
    titles = ["01-perceptron (1001)", "02-log-loss (1002)", "03-gradient-descent (1003)"]
    assert rows[0] == CANVAS_HEADER + titles
    assert rows[1] == ["    Points Possible", "", "", "", "", "9", "9", "9"]
    assert [r[3] for r in rows[2:]] == STUDENTS  # every roster student, in roster order
    for i, row in enumerate(rows[2:]):
        person = _person(i, STUDENTS[i])
        expected_name = "'" + HOSTILE if person["name"] == HOSTILE else person["name"]
        assert row[:5] == [expected_name, person["canvas_id"], person["sis_user_id"],
                           person["sis_login_id"], person["section"]]  # fmt: skip
        for lesson, cell in zip(LESSONS, row[5:], strict=True):
            _check_cell(cell, plan.get((lesson, STUDENTS[i])))


def test_per_lesson_files_hold_that_lesson_only(course, tmp_path):
    _, plan, _ = course
    result = _export(course, tmp_path)
    names = {p.name for p in result.files}
    for lesson in LESSONS:
        assert {f"canvas-{lesson}.csv", f"moodle-{lesson}.csv"} <= names
        canvas = _read(tmp_path / f"canvas-{lesson}.csv")
        assert canvas[0][5:] == [f"{lesson} (100{LESSONS.index(lesson) + 1})"]
        assert canvas[1][5:] == ["9"]
        for i, row in enumerate(canvas[2:]):
            _check_cell(row[5], plan.get((lesson, STUDENTS[i])))
        moodle = _read(tmp_path / f"moodle-{lesson}.csv")
        assert moodle[0] == ["Email address", "Name", lesson]


def test_moodle_file_identifies_every_row_by_a_unique_email(course, tmp_path):
    _, plan, _ = course
    result = _export(course, tmp_path)
    rows = _read(tmp_path / "moodle-course.csv")
    assert rows[0] == ["Email address", "Name", *LESSONS]
    listed = [s for s in STUDENTS if s != NO_EMAIL and s not in SAME_EMAIL]
    assert [r[0] for r in rows[1:]] == [f"{s}@uni.example" for s in listed]
    assert sorted(result.moodle_left_out) == sorted([NO_EMAIL, *SAME_EMAIL])
    for row, student in zip(rows[1:], listed, strict=True):
        for lesson, cell in zip(LESSONS, row[2:], strict=True):
            _check_cell(cell, plan.get((lesson, student)))


def test_moodle_by_id_number(course, tmp_path):
    _export(course, tmp_path, moodle_key="id_number")
    rows = _read(tmp_path / "moodle-course.csv")
    assert rows[0][0] == "ID number"
    assert [r[0] for r in rows[1:]] == [f"N{i:04d}" for i in range(len(STUDENTS))]


def test_pending_marks_are_listed_and_scored_so_far_by_default(course, tmp_path):
    _, plan, _ = course
    result = _export(course, tmp_path)
    expected = {}
    for (lesson, student), entry in sorted(plan.items()):
        if entry["written"] is None:
            expected.setdefault(lesson, {})[student] = ["written"]
    assert result.pending == expected
    assert result.pending["01-perceptron"]["s01"] == ["written"]
    rows = _read(tmp_path / "pending.csv")
    assert rows[0] == ["lesson", "student", "cells awaiting a manual mark"]
    count = sum(len(s) for s in expected.values())
    assert len(rows) == 1 + count
    assert ["02-log-loss", "'" + GHOST.replace("\x1b[2J", ""), "written"] in rows
    s01 = _read(tmp_path / "canvas-course.csv")[2 + STUDENTS.index("s01")]
    _check_cell(s01[5], plan["01-perceptron", "s01"])
    assert s01[5] != ""  # the score so far


def test_pending_blank_leaves_only_pending_cells_empty(course, tmp_path):
    _, plan, _ = course
    result = _export(course, tmp_path, pending="blank")
    assert result.pending  # still listed
    for name in ("canvas-course.csv", "canvas-01-perceptron.csv"):
        rows = _read(tmp_path / name)
        lessons = [t.split(" (")[0] for t in rows[0][5:]]
        for i, row in enumerate(rows[2:]):
            for lesson, cell in zip(lessons, row[5:], strict=True):
                _check_cell(cell, plan.get((lesson, STUDENTS[i])), pending="blank")
    s01 = _read(tmp_path / "canvas-course.csv")[2 + STUDENTS.index("s01")]
    assert s01[5] == ""


def test_late_penalty_manual_override_and_extra_credit(course, tmp_path):
    _, plan, _ = course
    _export(course, tmp_path)
    rows = {r[3]: r for r in _read(tmp_path / "canvas-course.csv")[2:]}
    assert rows["s03"][5] == "0"  # a penalty larger than the score
    late = plan["02-log-loss", "s02"]
    assert float(rows["s02"][6]) == pytest.approx(_expected({**late, "penalty": 0.0}) - 2.0)
    s05 = plan["01-perceptron", "s05"]
    assert float(rows["s05"][5]) == pytest.approx(_expected({**s05, "override": {}})
                                                  - s05["auto"]["test-a"] + 3.0)  # fmt: skip
    s04 = plan["03-gradient-descent", "s04"]
    assert float(rows["s04"][7]) == pytest.approx(_expected({**s04, "extra": {}}) + 1.5)


def test_student_without_submission_gets_empty_cells_and_stray_is_listed(course, tmp_path):
    result = _export(course, tmp_path)
    canvas = _read(tmp_path / "canvas-course.csv")
    assert canvas[2 + STUDENTS.index(NEVER_SUBMITS)][5:] == ["", "", ""]
    assert result.not_in_roster == [GHOST]
    for path in result.files:
        if path.name != "pending.csv":
            assert "ghost" not in path.read_text(encoding="utf-8")
    report = result.report()
    assert "NOT IN THE ROSTER" in report and "+ghost" in report
    assert "\x1b" not in report
    assert "PENDING manual marks in 01-perceptron" in report and "s01 (written)" in report


def test_no_cell_of_any_file_reads_as_a_formula(course, tmp_path):
    result = _export(course, tmp_path)
    for path in result.files:
        for row in _read(path):
            for cell in row:
                assert not cell.startswith(FORMULA_START), (path.name, cell)
                assert "\x1b" not in cell
    moodle = {row[0]: row for row in _read(tmp_path / "moodle-course.csv")}
    assert moodle["s07@uni.example"][1] == "'" + HOSTILE


def test_files_are_replaced_atomically(course, tmp_path, monkeypatch):
    result = _export(course, tmp_path)
    before = {p: p.read_bytes() for p in result.files}
    assert not list(tmp_path.glob(".*.tmp"))

    def broken(*_):
        raise OSError("disk full")

    monkeypatch.setattr("grading.files.os.replace", broken)
    with pytest.raises(OSError):
        _export(course, tmp_path, pending="blank")
    assert {p: p.read_bytes() for p in result.files} == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_refuses_a_missing_gradebook_an_unknown_lesson_and_bad_options(course, tmp_path):
    url, _, roster = course
    missing = tmp_path / "nothing.db"
    with pytest.raises(ExportError, match="no gradebook"):
        export_lms(f"sqlite:///{missing}", read_roster(roster), tmp_path / "out")
    assert not missing.exists()
    with pytest.raises(ExportError, match="not in the gradebook"):
        read_marks(url, ["09-transformers"])
    with pytest.raises(ExportError, match="pending"):
        export_lms(url, read_roster(roster), tmp_path, pending="zero")
    with pytest.raises(ExportError, match="moodle_key"):
        export_lms(url, read_roster(roster), tmp_path, moodle_key="name")


def test_every_submitted_lesson_by_default(course, tmp_path):
    url, plan, roster = course
    marks = read_marks(url)
    assert [m.name for m in marks] == LESSONS  # not UNGRADED
    [ungraded] = read_marks(url, [UNGRADED])
    assert (ungraded.max_score, ungraded.marks) == (MAX_SCORE, {})
    export_lms(url, read_roster(roster), tmp_path, [UNGRADED])
    rows = _read(tmp_path / f"canvas-{UNGRADED}.csv")
    assert rows[1][5:] == ["9"] and all(row[5:] == [""] for row in rows[2:])
    assert all(m.max_score == MAX_SCORE for m in marks)
    assert {(m.name, s) for m in marks for s in m.marks} == set(plan)


# ---------------------------------------------------------------- Canvas assignment ids

CANVAS_EXPORT = [
    [*CANVAS_HEADER, "Perceptron (1001)", "02 Log Loss (1002)", "Gradient descent lab (1003)",
     "Current Score", "Final Score"],
    ["    Points Possible", "", "", "", "", "9", "9", "9", "(read only)", "(read only)"],
    ["Doe, Jane", "501", "U001", "s00", "B", "5", "", "", "55", "40"],
    ["Roe, Rick", "502", "U002", "s01", "A", "", "", "", "", ""],
]  # fmt: skip


def _canvas_export(path: Path, rows=CANVAS_EXPORT) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # Canvas may add a BOM
        csv.writer(handle).writerows(rows)
    return path


def test_canvas_ids_from_canvas_export_and_pairs(tmp_path):
    export = _canvas_export(tmp_path / "canvas.csv")
    assert canvas_ids(LESSONS, canvas_export=export) == {"01-perceptron": "1001",
                                                         "02-log-loss": "1002"}  # fmt: skip
    pairs = ["03-gradient-descent=Gradient descent lab", "01-perceptron = 2001"]
    assert canvas_ids(LESSONS, pairs, export) == {"01-perceptron": "2001", "02-log-loss": "1002",
                                                  "03-gradient-descent": "1003"}  # fmt: skip
    mapping = tmp_path / "canvas-ids.txt"
    mapping.write_text("# lesson=Canvas assignment id\n\n02-log-loss=7\n", encoding="utf-8")
    assert canvas_ids(LESSONS, read_pairs(mapping)) == {"02-log-loss": "7"}
    with pytest.raises(ExportError, match="LESSON=ID"):
        canvas_ids(LESSONS, ["09-x=1"])
    with pytest.raises(ExportError, match="titled"):
        canvas_ids(LESSONS, ["01-perceptron=No such column"], export)
    twice = [[*CANVAS_EXPORT[0], "perceptron (1009)"]]
    with pytest.raises(ExportError, match="several"):
        canvas_ids(LESSONS, canvas_export=_canvas_export(tmp_path / "twice.csv", twice))


def test_export_with_a_canvas_export_as_roster(course, tmp_path):
    url, plan, _ = course
    export = _canvas_export(tmp_path / "canvas.csv")
    ids = canvas_ids(LESSONS, canvas_export=export)
    result = export_lms(url, read_roster(export), tmp_path / "out", LESSONS, ids)
    rows = _read(tmp_path / "out" / "canvas-course.csv")
    assert rows[0] == CANVAS_HEADER + ["01-perceptron (1001)", "02-log-loss (1002)",
                                       "03-gradient-descent"]  # fmt: skip
    assert [r[:5] for r in rows[2:]] == [r[:5] for r in CANVAS_EXPORT[2:]]
    for row, student in zip(rows[2:], ["s00", "s01"], strict=True):
        for lesson, cell in zip(LESSONS, row[5:], strict=True):
            _check_cell(cell, plan.get((lesson, student)))
    assert result.no_canvas_id == ["03-gradient-descent"]
    assert "s02" in result.not_in_roster


# ---------------------------------------------------------------- stock nbgrader export


def _small_course(root: Path) -> str:
    """A course folder: nbgrader_config.py and a gradebook with one assignment, an autograded
    test cell and a written answer marked for ada, pending for bob; cy never submitted."""
    import nbgrader.api
    from nbgrader.api import Gradebook

    from grading.gradebook import alembic_head

    root.mkdir()
    (root / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    url = f"sqlite:///{root / 'gradebook.db'}"
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes inside nbgrader
        patch.setattr(nbgrader.api, "get_alembic_version", alembic_head)
        _fill_small_course(Gradebook(url))
    return url


def _fill_small_course(gb) -> None:
    """ps1: ada's written answer marked by hand, bob's pending; cy without a submission."""
    with gb:
        gb.add_assignment("ps1")
        gb.add_notebook("problems", "ps1")
        gb.add_grade_cell("test-code", "problems", "ps1", max_score=2, cell_type="code")
        gb.add_grade_cell("explain", "problems", "ps1", max_score=3, cell_type="markdown")
        for student, auto, manual in [("ada", 2.0, 2.5), ("bob", 1.0, None)]:
            gb.add_student(student)
            grades = {g.name: g for g in gb.add_submission("ps1", student).notebooks[0].grades}
            grades["test-code"].auto_score, grades["test-code"].needs_manual_grade = auto, False
            grades["explain"].manual_score = manual
            grades["explain"].needs_manual_grade = manual is None
        gb.add_student("cy")
        gb.db.commit()


def test_stock_nbgrader_export_includes_manual_marks(tmp_path):
    root = tmp_path / "course"
    url = _small_course(root)
    rows = {r["student_id"]: r for r in nbgrader_export(root)}
    assert set(rows) == {"ada", "bob", "cy"}
    assert float(rows["ada"]["score"]) == 4.5  # 2 automatic + 2.5 by hand
    assert float(rows["bob"]["score"]) == 1.0
    assert float(rows["cy"]["score"]) == 0.0  # nbgrader's export: no submission is 0
    assert float(rows["ada"]["max_score"]) == 5.0
    roster = tmp_path / "roster.csv"
    roster.write_text("student,email\nada,ada@x.example\nbob,bob@x.example\ncy,cy@x.example\n")
    result = export_lms(url, read_roster(roster), tmp_path / "out")
    assert result.pending == {"ps1": {"bob": ["explain"]}}
    moodle = _read(tmp_path / "out" / "moodle-ps1.csv")
    assert moodle[1:] == [["ada@x.example", "", "4.5"], ["bob@x.example", "", "1"],
                          ["cy@x.example", "", ""]]  # fmt: skip
