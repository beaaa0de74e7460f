"""A term's round trip on lesson 01, as an instructor on a hub runs it, with stock nbgrader around
`make grade`: release with the exchange, students fetch and submit, collect, grade, mark the
written answers in a real formgrader (its web API), grade again (marks kept), generate, release
and fetch the feedback, export the grades."""

import csv
import html
import json
import shutil
import sqlite3
import urllib.request

import pytest
from browser_helpers import start_formgrader
from course_helpers import as_student
from sandbox_helpers import need_bwrap

from grading.batch import grade_lesson
from grading.cells import grade_id, is_test_cell, read_notebook, with_answers
from grading.course import lesson_notebook, nbgrader, new_course
from grading.feedback import generate_feedback
from grading.grade import source_notebook
from grading.judge import HIDDEN

pytestmark = pytest.mark.xdist_group("grading-term")

LESSON = "01-perceptron"
NOTEBOOK = lesson_notebook(LESSON).name
WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(z)\n"
ALICE_ANSWER = "A line can't split XOR: **no** $w$ and $b$ satisfy $b < 0$ and $w_1 + b \\ge 0$."
HOSTILE_ANSWER = (
    "<img src=x onerror=alert(1)> [click](javascript:alert(2)) <script>alert(3)</script>"
)


def fetch_fill_submit(home, user, exchange, answers):
    """A student fetches the lesson, fills in answers and submits it."""
    as_student(home, user, exchange, "fetch_assignment", LESSON)
    path = home / LESSON / NOTEBOOK
    filled = with_answers(json.loads(path.read_text()), source_notebook(LESSON), answers)
    path.write_text(json.dumps(filled))
    as_student(home, user, exchange, "submit", LESSON)


def api(server, method, path, body=None):
    """One call to formgrader's web API, as its pages make it."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url(path), data=data, method=method)
    request.add_header("Authorization", f"token {server.token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The course after release, two submissions, collect and a first `make grade`."""
    need_bwrap("the term's round trip")
    root = tmp_path_factory.mktemp("term")
    course, exchange, homes = (
        new_course(root / "course", [LESSON]),
        root / "exchange",
        root / "home",
    )
    nbgrader(course, "generate_assignment", LESSON, "--force")
    nbgrader(course, "release_assignment", LESSON, f"--Exchange.root={exchange}", "--force")
    fetch_fill_submit(homes / "alice", "alice", exchange, {"explain-xor": ALICE_ANSWER})
    fetch_fill_submit(homes / "bob", "bob", exchange,
                      {"sigmoid": WRONG_SIGMOID, "explain-xor": HOSTILE_ANSWER})  # fmt: skip
    nbgrader(course, "collect", LESSON, f"--Exchange.root={exchange}")
    rows = grade_lesson(LESSON, None, course, 1, quiet=True)
    return {"course": course, "exchange": exchange, "homes": homes, "rows": rows}


def test_make_grade_reads_submitted_and_writes_what_formgrader_shows(term):
    course = term["course"]
    for student in ("alice", "bob"):
        folder = course / "autograded" / student / LESSON
        assert (folder / NOTEBOOK).is_file()
        submitted = (course / "submitted" / student / LESSON / "timestamp.txt").read_text()
        assert _parse(folder / "timestamp.txt") == _parse_text(submitted)
        assert (folder / "submission_secret.txt").read_text() == (
            course / "submitted" / student / LESSON / "submission_secret.txt"
        ).read_text()
    with sqlite3.connect(course / "gradebook.db") as db:
        notebooks = db.execute("SELECT DISTINCT name FROM notebook").fetchall()
        stamps = db.execute("SELECT timestamp FROM submitted_assignment").fetchall()
    assert notebooks == [(lesson_notebook(LESSON).stem,)]  # one notebook, its real name
    assert all(stamp is not None for (stamp,) in stamps)
    by_student = {row["student"]: row for row in term["rows"]}
    assert by_student["alice"]["pending"] == ["explain-xor"]
    assert by_student["alice"]["cells"]["explain-xor"]["score"] is None  # not a 0: unmarked
    with (course / "grades" / f"grades-{LESSON}.csv").open() as handle:
        assert next(csv.DictReader(handle))["explain-xor"] == "pending"
    assert by_student["bob"]["cells"]["sigmoid-tests"]["score"] == 0


@pytest.fixture(scope="module")
def marked(term, tmp_path_factory):
    """The written answers marked in a real formgrader (its web API, as its pages call it), then
    `make grade` again; what formgrader listed and showed on the way."""
    course = term["course"]
    server = start_formgrader(course, tmp_path_factory.mktemp("server"))
    try:
        listed = json.loads(api(server, "GET", f"/formgrader/api/submitted_notebooks/{LESSON}/"
                                               f"{lesson_notebook(LESSON).stem}"))  # fmt: skip
        pages = {s["student"]: api(server, "GET", f"/formgrader/submissions/{s['id']}/")
                 for s in listed}  # fmt: skip
        for submission in listed:
            _mark(server, submission["id"], 2 if submission["student"] == "alice" else 0)
    finally:
        server.stop()
    rows = {r["student"]: r for r in grade_lesson(LESSON, None, course, 1, quiet=True)}
    return {"listed": listed, "pages": pages, "rows": rows}


def test_formgrader_lists_the_written_answers_to_mark(marked):
    assert {s["student"] for s in marked["listed"]} == {"alice", "bob"}
    assert all(s["needs_manual_grade"] for s in marked["listed"])
    assert all("explain-xor" in page for page in marked["pages"].values())
    bob = marked["pages"]["bob"]  # his answer is hostile HTML: shown as text, never run
    assert "<img src=x" not in bob and "<script>alert" not in bob
    assert 'href="javascript:' not in bob.lower()


def test_grading_again_keeps_the_marks_and_the_csv_counts_them(term, marked):
    rows = marked["rows"]
    assert rows["alice"]["pending"] == [] and rows["alice"]["score"] == rows["alice"]["max_score"]
    assert rows["alice"]["cells"]["explain-xor"]["score"] == 2
    with (term["course"] / "grades" / f"grades-{LESSON}.csv").open() as handle:
        csv_rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert csv_rows["alice"]["explain-xor"] == "2" and csv_rows["alice"]["pending"] == ""
    assert float(csv_rows["alice"]["score"]) == rows["alice"]["max_score"]


def test_feedback_is_released_and_fetched_with_marks_and_without_hidden_tests(term, marked):
    course, exchange, homes = term["course"], term["exchange"], term["homes"]
    pages = generate_feedback(course, LESSON)
    assert {p.parent.parent.name for p in pages} == {"alice", "bob"}
    nbgrader(course, "release_feedback", LESSON, f"--Exchange.root={exchange}")
    as_student(homes / "alice", "alice", exchange, "fetch_feedback", LESSON)
    fetched = list((homes / "alice" / LESSON / "feedback").glob(f"*/{NOTEBOOK[:-6]}.html"))
    assert len(fetched) == 1
    page = fetched[0].read_text()
    source = source_notebook(LESSON)
    lesson_text = next(c for c in source["cells"] if c["cell_type"] == "markdown")
    assert "".join(lesson_text["source"]).splitlines()[0].lstrip("# ") in page
    assert "<strong>no</strong>" in page  # the written answer rendered, not raw markdown
    assert "Very clear" in page  # the comment entered in formgrader
    text = html.unescape(page)  # code shows escaped: >= as &gt;=
    elsewhere = {line.strip() for c in source["cells"]
                 for line in HIDDEN.sub("", "".join(c["source"])).splitlines()}  # fmt: skip
    for cell in filter(is_test_cell, source["cells"]):
        for hidden in HIDDEN.findall("".join(cell["source"])):
            lines = {line.strip() for line in hidden.splitlines() if len(line.strip()) > 12}
            assert not [line for line in lines - elsewhere if line in text], grade_id(cell)


def test_nbgrader_export_counts_the_manual_marks(term, marked):
    course = term["course"]
    shutil.rmtree(course / "export", ignore_errors=True)
    nbgrader(course, "export", f"--to={course / 'grades.csv'}")
    with (course / "grades.csv").open() as handle:
        exported = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert float(exported["alice"]["score"]) == float(exported["alice"]["max_score"])


def _mark(server, submission_id, points):
    """What a grader does in formgrader: the written answer's points and a comment."""
    grades = json.loads(api(server, "GET", f"/formgrader/api/grades?submission_id={submission_id}"))
    written = next(g for g in grades if g["name"] == "explain-xor")
    api(server, "PUT", f"/formgrader/api/grade/{written['id']}", {"manual_score": points})
    comments = json.loads(
        api(server, "GET", f"/formgrader/api/comments?submission_id={submission_id}")
    )
    comment = next(c for c in comments if c["name"] == "explain-xor")
    api(server, "PUT", f"/formgrader/api/comment/{comment['id']}", {"manual_comment": "Very clear"})


def _parse(path):
    return _parse_text(path.read_text())


def _parse_text(text):
    from nbgrader.utils import parse_utc

    return parse_utc(text.strip())


def test_a_hostile_markdown_answer_keeps_no_tag(term):
    notebook = read_notebook(term["course"] / "autograded" / "bob" / LESSON / NOTEBOOK)
    written = next(c for c in notebook["cells"] if grade_id(c) == "explain-xor")
    assert "<" not in written["source"]


def test_the_canvas_and_moodle_files_carry_the_marks(term, marked, tmp_path):
    from grading.__main__ import main

    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,email,canvas_id\nalice,Alice A,alice@uni.edu,101\n"
                      "bob,Bob B,bob@uni.edu,102\n")  # fmt: skip
    out = tmp_path / "lms"
    main(["export", "--course", str(term["course"]), "--roster", str(roster),
          "--canvas-id", f"{LESSON}=555", "--out", str(out)])  # fmt: skip
    with (out / "canvas-course.csv").open() as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    column = canvas[0].index(f"{LESSON} (555)")
    by_id = {row[1]: row for row in canvas[2:]}
    assert float(by_id["101"][column]) == marked["rows"]["alice"]["score"] == 13
    with (out / f"moodle-{LESSON}.csv").open() as handle:
        moodle = {row["Email address"]: row for row in csv.DictReader(handle)}
    assert float(moodle["alice@uni.edu"][LESSON]) == 13


def test_the_class_report_shows_the_marks_entered_since_grading(term, marked):
    from grading.__main__ import main

    main(["report", LESSON, "--course", str(term["course"])])
    page = (term["course"] / "grades" / f"report-{LESSON}.html").read_text()
    assert "<svg" in page and "<script" not in page
    assert "written answers pending marking: 0," in page  # both marked in formgrader since
    assert (term["course"] / "grades" / "report-course.html").is_file()
