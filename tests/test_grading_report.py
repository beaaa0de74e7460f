"""Class reports (grading/report.py): the numbers on the pages, written answers pending, hostile
strings escaped and cut, the same page for the same input, the files, and a real browser.

The rows are synthetic (a seeded RNG, 300 students); every expected number is computed here
from the rows, independently of the report's code.
"""

from __future__ import annotations

import html
import random
import re
import time
from datetime import UTC, datetime
from html.parser import HTMLParser

import browser_helpers as bh
import pytest

from grading import report

WHEN = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
STUDENTS = 300
# grade id, kind, points
EXERCISES = [
    ("step", "test", 1.0),
    ("predict", "test", 2.0),
    ("update", "test", 1.0),
    ("train", "test", 3.0),
    ("accuracy", "test", 2.0),
    ("why_linear", "written", 2.0),
]
# The first two differ only in whitespace: one message on the page.
MESSAGES = [
    "AssertionError: expected 0.5, got 0.25",
    "AssertionError:  expected 0.5,\n\tgot 0.25 ",
    "ValueError: shapes (3,) and (2,) not aligned",
    "NameError: name 'w' is not defined",
]
HOSTILE = [
    "<script>alert(1)</script>",
    "</svg><img src=x onerror=\"console.error('pwned')\">",
    '"onload="alert(1)" x="',
    "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \x1b[31mred\x00\x08\u202e\ud800",
]


def make_rows(lesson: str, n: int = STUDENTS, seed: int = 0) -> list[dict]:
    """n synthetic students of a lesson: some errors, flags, pending answers, failing tests."""
    rng = random.Random(f"{lesson}-{seed}")
    return [_row(rng, lesson, f"student-{i:03d}") for i in range(n)]


def _row(rng: random.Random, lesson: str, student: str) -> dict:
    max_score = sum(points for _, _, points in EXERCISES)
    if rng.random() < 0.03:
        return {"student": student, "lesson": lesson, "score": 0.0, "max_score": max_score,
                "cells": {}, "flags": ["sandbox error"], "error": "the sandbox did not start",
                "visible_failures": {}}  # fmt: skip
    cells, failures = {}, {}
    for grade_id, kind, points in EXERCISES:
        if kind == "written" and rng.random() < 0.2:
            cells[grade_id] = {"score": None, "points": points, "pending": True, "kind": kind}
            continue
        score = rng.choice([0.0, points, points]) if kind == "test" else rng.choice([0, 1, 2])
        cells[grade_id] = {"score": float(score), "points": points, "pending": False, "kind": kind}
        if kind == "test" and score < points and rng.random() < 0.8:
            failures[grade_id] = rng.choice(MESSAGES)
    flags = [f"flag {k}" for k in range(rng.randint(1, 5))] if rng.random() < 0.05 else []
    score = sum(c["score"] for c in cells.values() if c["score"] is not None)
    return {"student": student, "lesson": lesson, "score": score, "max_score": max_score,
            "cells": cells, "flags": flags, "error": "", "visible_failures": failures}  # fmt: skip


class Tables(HTMLParser):
    """Every table of a page: its caption and its body rows as lists of cell texts."""

    def __init__(self, page: str):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._in: str | None = None
        self._text = ""
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        if tag in ("caption", "td", "th"):
            self._in, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag != self._in:
            return
        if tag == "caption":
            self.tables[-1] = (self._text, self.tables[-1][1])
        else:
            self.tables[-1][1][-1].append(self._text)
        self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data

    def rows(self, caption_start: str) -> list[list[str]]:
        """The body rows (header row left out) of the table whose caption starts so."""
        (rows,) = [rows for caption, rows in self.tables if caption.startswith(caption_start)]
        return rows[1:]


class Tags(HTMLParser):
    """Every tag name and attribute name of a page."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


def marked_scores(rows: list[dict], grade_id: str) -> list[float]:
    """An exercise's marked scores: an error row counts 0, a pending answer not at all."""
    scores = []
    for row in rows:
        cell = row["cells"].get(grade_id)
        if row["error"]:
            scores.append(0.0)
        elif not cell["pending"]:
            scores.append(cell["score"])
    return scores


def percent_of(count: int, of: int) -> str:
    return f"{100 * count / of:.1f}% ({count} of {of})"


@pytest.fixture(scope="module")
def rows():
    return make_rows("01-perceptron")


@pytest.fixture(scope="module")
def page(rows):
    return report.lesson_page("01-perceptron", rows, 0.5, generated=WHEN)


def test_each_exercise_shows_its_mean_full_marks_pending_and_commonest_failure(rows, page):
    table = {row[0]: row for row in Tables(page).rows("Exercises")}
    assert list(table) == [grade_id for grade_id, _, _ in EXERCISES]
    for grade_id, kind, points in EXERCISES:
        scores = marked_scores(rows, grade_id)
        pending = sum(1 for r in rows if not r["error"] and r["cells"][grade_id]["pending"])
        full = sum(1 for s in scores if s == points)
        messages = [" ".join(r["visible_failures"][grade_id].split())
                    for r in rows if grade_id in r["visible_failures"]]  # fmt: skip
        expected = [grade_id, kind, f"{points:g}", str(len(scores)), str(pending),
                    f"{sum(scores) / len(scores):.2f} of {points:g}", percent_of(full, len(scores))]  # fmt: skip
        assert table[grade_id][:7] == expected
        if kind == "written":
            assert pending > 10 and table[grade_id][7] == "none"
        else:
            top = max(set(messages), key=messages.count)
            assert table[grade_id][7] == f"{messages.count(top)} of {len(messages)} students"
            assert top == MESSAGES[0]  # its whitespace variant grouped with it
            assert f"<p class='msg'>{html.escape(top)}</p>" in page


def test_the_header_and_totals_count_submissions_errors_flags_and_pending(rows, page):
    errors = sum(1 for r in rows if r["error"])
    pending = sum(1 for r in rows for c in r["cells"].values() if c["pending"])
    max_score = rows[0]["max_score"]
    mean = sum(r["score"] for r in rows) / len(rows)
    full = sum(1 for r in rows if r["score"] == max_score)
    assert "<h1>Class report: 01-perceptron</h1>" in page
    assert f"<li>submissions: {STUDENTS}</li>" in page
    assert f"<li>graded: {STUDENTS - errors}, errors: {errors}</li>" in page
    assert f"<li>flagged: {sum(1 for r in rows if r['flags'])}</li>" in page
    assert f"<li>written answers pending marking: {pending}, in {pending} submissions</li>" in page
    assert "<li>generated 2025-03-01 09:30 UTC</li>" in page
    assert f"Mean {mean:.2f} of {max_score:g}; full marks: {percent_of(full, len(rows))}." in page


def test_students_below_the_threshold_are_listed_lowest_first_with_flags_and_errors(rows, page):
    tables = Tables(page)
    below = sorted((r for r in rows if r["score"] < 0.4 * r["max_score"]),
                   key=lambda r: (r["score"], r["student"]))  # fmt: skip
    low_page = report.lesson_page("01-perceptron", rows, 0.4, generated=WHEN)
    listed = Tables(low_page).rows("Students below 40.0% of the maximum")
    assert [row[:2] for row in listed] == [[r["student"], f"{r['score']:g}"] for r in below]
    assert len(below) > 5
    flagged = sorted((r for r in rows if r["flags"]), key=lambda r: r["student"])
    assert [row[:2] for row in tables.rows("Flagged submissions")] == [
        [r["student"], str(len(r["flags"]))] for r in flagged
    ]
    errors = sorted(r["student"] for r in rows if r["error"])
    assert [row[0] for row in tables.rows("Errors")] == errors and errors


def test_every_figure_is_an_accessible_inline_svg_with_unique_ids(page):
    svgs = re.findall(r"<svg [^>]*>", page)
    assert len(svgs) == 1 + len(EXERCISES)
    assert all('role="img"' in svg and 'aria-label="Histogram of' in svg for svg in svgs)
    assert page.count("<title>Histogram of") == len(svgs)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert "http://" not in page.replace('"http://www.w3.org/', "")  # no fetch: only namespaces
    assert "<img" not in page and "<script" not in page


def test_a_pending_written_answer_is_not_a_zero_and_is_counted():
    cell = {"points": 2.0, "kind": "written"}
    cells = [{**cell, "score": 2.0, "pending": False}, {**cell, "score": None, "pending": True},
             {**cell, "score": 0.0, "pending": False}]  # fmt: skip
    rows = [{"student": f"s{i}", "lesson": "L", "score": c["score"] or 0.0, "max_score": 2.0,
             "cells": {"essay": c}, "flags": [], "error": "", "visible_failures": {}}
            for i, c in enumerate(cells)]  # fmt: skip
    page = report.lesson_page("L", rows, generated=WHEN)
    (row,) = Tables(page).rows("Exercises")
    assert row[:7] == ["essay", "written", "2", "2", "1", "1.00 of 2", "50.0% (1 of 2)"]
    assert "written answers pending marking: 1, in 1 submissions" in page
    below = Tables(page).rows("Students below")
    assert [(r[0], r[4]) for r in below] == [("s1", "written answers pending: 1"), ("s2", "")]


def hostile_rows() -> list[dict]:
    """Rows whose every untrusted string is hostile: markup, escapes, 100 kB, 100 000 flags."""
    rows = make_rows("01-perceptron", n=20, seed=1)
    for i, text in enumerate(HOSTILE):
        rows[i]["student"] = text
        rows[i]["flags"] = [text, {"not": "a string"}, *[text] * 100_000]
        rows[i]["error"] = text * 3
        rows[i]["visible_failures"] = {"step": text, "predict": "A" * 100_000}
    return rows


def test_hostile_strings_are_escaped_and_cut():
    rows = hostile_rows()
    lesson = report.lesson_page("01-perceptron", rows, generated=WHEN)
    course = report.course_page({"01-perceptron": rows}, generated=WHEN)
    for page in (lesson, course):
        assert "<script" not in page.lower() and "onerror" not in Tags(page).attributes
        tags = Tags(page)
        assert not {a for a in tags.attributes if a.startswith("on")}
        assert tags.tags <= SAFE_TAGS, tags.tags - SAFE_TAGS
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202e\ud800]", page)
        page.encode("utf-8")  # no lone surrogate
        assert len(page) < 400_000
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in lesson
    assert "&lt;/svg&gt;&lt;img src=x onerror=&quot;console.error(" in lesson
    assert "&quot;onload=&quot;alert(1)&quot; x=&quot;" in lesson
    assert "A" * (report.MAX_TEXT + 1) not in lesson and "A" * report.MAX_TEXT + "…" in lesson
    assert lesson.count(f"<li>… and {100_002 - report.SHOWN_FLAGS} more</li>") == len(HOSTILE)


SAFE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "ul", "li",
    "section", "div", "article", "p", "figure", "svg", "defs", "g", "path", "clippath", "rect",
    "use", "text", "table", "caption", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip


def test_the_same_input_gives_the_same_page(rows, page):
    assert report.lesson_page("01-perceptron", rows, 0.5, generated=WHEN) == page
    course = report.course_page({"01-perceptron": rows}, generated=WHEN)
    assert report.course_page({"01-perceptron": rows}, generated=WHEN) == course


def test_the_course_page_lists_lessons_and_students_below_the_threshold_first():
    by_lesson = {lesson: make_rows(lesson) for lesson in ("02-mlp", "01-perceptron")}
    by_lesson["02-mlp"] = by_lesson["02-mlp"][10:]  # ten students did not submit lesson 02
    page = report.course_page(by_lesson, 0.5, generated=WHEN)
    tables = Tables(page)
    lessons = tables.rows("Lessons")
    assert [row[:3] for row in lessons] == [
        ["01-perceptron", "300", str(sum(1 for r in by_lesson["01-perceptron"] if r["error"]))],
        ["02-mlp", "290", str(sum(1 for r in by_lesson["02-mlp"] if r["error"]))],
    ]
    assert "href='report-01-perceptron.html'" in page and "href='report-02-mlp.html'" in page
    course_max = 2 * sum(points for _, _, points in EXERCISES)
    totals: dict[str, float] = {}
    for lesson_rows in by_lesson.values():
        for r in lesson_rows:
            totals[r["student"]] = totals.get(r["student"], 0.0) + r["score"]
    below = sorted((s for s, t in totals.items() if t < 0.5 * course_max),
                   key=lambda s: (totals[s], s))  # fmt: skip
    students = tables.rows("Totals per student and lesson")
    assert len(students) == STUDENTS and len(below) > 5
    assert [row[0] for row in students[: len(below)]] == below
    assert {row[-1] for row in students[: len(below)]} == {"below threshold"}
    assert {row[-1] for row in students[len(below) :]} == {""}
    first = {row[0]: row for row in students}["student-000"]
    assert first[2] == "—" and first[3] == f"{totals['student-000']:g}"


def test_write_reports_writes_a_page_per_lesson_and_the_course(tmp_path):
    by_lesson = {"01-perceptron": make_rows("01-perceptron", 30),
                 "02-mlp": make_rows("02-mlp", 30)}  # fmt: skip
    paths = report.write_reports(tmp_path / "out", by_lesson, generated=WHEN)
    names = ["report-01-perceptron.html", "report-02-mlp.html", "report-course.html"]
    assert [p.name for p in paths] == names
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names  # no temporary left
    lesson = report.lesson_page("01-perceptron", by_lesson["01-perceptron"], generated=WHEN)
    assert paths[0].read_text(encoding="utf-8") == lesson
    again = report.write_reports(tmp_path / "out", by_lesson, generated=WHEN)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]
    for bad in ("../escape", "course", ".hidden", "a/b"):
        with pytest.raises(ValueError):
            report.write_reports(tmp_path / "bad", {bad: []})
    assert not (tmp_path / "bad").exists()


def test_a_class_of_300_renders_well_under_ten_seconds():
    rows = make_rows("03-timing")
    start = time.perf_counter()
    report.lesson_page("03-timing", rows)
    report.course_page({"03-timing": rows, "04-timing": rows})
    assert time.perf_counter() - start < 10


def open_offline(browser, url: str, tmp_path, name: str):
    """Open url with every http(s) request aborted; the page and what it tried and reported."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"blocked": [], "requests": [], "errors": []}
    page.route(re.compile(r"^https?://"), lambda route: (
        seen["blocked"].append(route.request.url), route.abort()))  # fmt: skip
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    with bh.screenshot_on_failure(page, tmp_path, name):
        page.goto(url, wait_until="load")
    return page, seen


def svg_boxes(page) -> list[list[float]]:
    """Each SVG's width and height as laid out, and its drawn content's (getBBox)."""
    return page.eval_on_selector_all(
        "svg",
        "els => els.map(e => { const r = e.getBoundingClientRect(), b = e.getBBox();"
        " return [r.width, r.height, b.width, b.height]; })",
    )


@pytest.mark.xdist_group("browser")
def test_the_lesson_report_opens_offline_in_chromium_with_its_figures(browser, tmp_path):
    rows = [*make_rows("01-perceptron"), *hostile_rows()[: len(HOSTILE)]]
    report.write_reports(tmp_path / "reports", {"01-perceptron": rows, "02-mlp": rows})
    url = (tmp_path / "reports" / "report-01-perceptron.html").as_uri()
    page, seen = open_offline(browser, url, tmp_path, "report-lesson")
    with bh.screenshot_on_failure(page, tmp_path, "report-lesson"):
        boxes = svg_boxes(page)
        assert len(boxes) == 1 + len(EXERCISES)
        assert all(w > 100 and h > 40 and bw > 50 and bh_ > 20 for w, h, bw, bh_ in boxes), boxes
        assert page.locator("table caption").first.is_visible()
        assert page.locator("script, img").count() == 0
        shot = tmp_path / "report-01-perceptron.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    page.close()
    assert seen["requests"] == [url] and not seen["blocked"] and not seen["errors"], seen


@pytest.mark.xdist_group("browser")
def test_the_course_report_links_to_the_lesson_pages_in_chromium(browser, tmp_path):
    by_lesson = {"01-perceptron": make_rows("01-perceptron", 40), "02-mlp": make_rows("02-mlp", 40)}
    report.write_reports(tmp_path / "reports", by_lesson)
    url = (tmp_path / "reports" / "report-course.html").as_uri()
    page, seen = open_offline(browser, url, tmp_path, "report-course")
    with bh.screenshot_on_failure(page, tmp_path, "report-course"):
        assert len(svg_boxes(page)) == 2 and all(box[0] > 100 for box in svg_boxes(page))
        page.screenshot(path=str(tmp_path / "report-course.png"), full_page=True)
        page.click("article a:text-is('02-mlp')")
        page.wait_for_load_state("load")
        assert page.url.endswith("/report-02-mlp.html")
        assert page.locator("h1").inner_text() == "Class report: 02-mlp"
    page.close()
    assert not seen["blocked"] and not seen["errors"], seen
