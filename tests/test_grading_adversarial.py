"""The adversarial suite: every case of tests/adversarial/ graded as one batch (-j 2) in the
bubblewrap sandbox, each with its hand-computed outcome; plus the CSV, the gradebook, the
feedback pages nbgrader makes from the autograded notebooks (no hidden-test text, small) and a
second run that grades nothing again."""

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sandbox_helpers import need_bwrap

from grading.batch import grade_lesson
from grading.collect import MAX_NOTEBOOK_BYTES
from grading.feedback import generate_feedback
from grading.gradebook import marks

HERE = Path(__file__).resolve().parent / "adversarial"
EXPECTED = json.loads((HERE / "expectations.json").read_text())
LESSON = "01-perceptron"
MANUAL_POINTS = 2  # explain-xor, marked by hand
HIDDEN_MARKERS = ["BEGIN HIDDEN", "END HIDDEN", "_reference_", "_judge_", "_cases", "_nearly_sep"]

BUDGET = 40  # seconds a submission may take: 22-over-budget needs 54

pytestmark = pytest.mark.xdist_group("grading-adversarial")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    need_bwrap("the adversarial suite's tests")
    out = tmp_path_factory.mktemp("adversarial")
    submissions = out / "submissions"
    shutil.copytree(HERE / "submissions", submissions)
    (submissions / "14c-corrupt" / f"{LESSON}.ipynb").write_text('{"cells": [ not JSON')
    with open(submissions / "14d-oversized" / f"{LESSON}.ipynb", "wb") as huge:
        huge.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: no disk, and never read
    deep = b'{"cells": [], "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    (submissions / "24-deep-json" / f"{LESSON}.ipynb").write_bytes(deep)
    honest = submissions / "15-correct" / f"{LESSON}.ipynb"
    (submissions / "26a-symlinked-notebook" / f"{LESSON}.ipynb").symlink_to(honest)
    (submissions / "26b-dev-zero" / f"{LESSON}.ipynb").symlink_to("/dev/zero")
    results = grade_lesson(LESSON, submissions, out, jobs=2, quiet=True, timeout=10,
                           figures=True, budget=BUDGET)  # fmt: skip
    generate_feedback(out, LESSON)
    return out, {r["student"]: r for r in results}


def feedback(out, case):
    """The feedback page of one case, as nbgrader's generate_feedback wrote it."""
    return (out / "feedback" / case / LESSON / "perceptron.html").read_text()


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_gets_its_outcome(batch, case):
    _, results = batch
    expected, got = EXPECTED[case], results[case]
    assert bool(got["error"]) == expected["error"], (expected["issue"], got["error"])
    if expected["error"]:
        assert got["score"] == 0
        return
    scores = {gid: cell["score"] for gid, cell in got["cells"].items() if cell["kind"] == "test"}
    assert scores == expected["scores"], (expected["issue"], got["flags"], got["instructor"])
    if expected["flagged"]:
        assert got["flags"], expected["issue"]
    assert not got["instructor"], got["instructor"]  # the hidden tests replayed cleanly


def test_unflagged_controls(batch):
    _, results = batch
    for case in ("13-warnings", "15-correct", "16-one-wrong"):
        assert not results[case]["flags"], (case, results[case]["flags"])


def test_snooping_finds_nothing(batch):
    out, results = batch
    page = feedback(out, "11-snooping")
    assert "found 0 paths next to the notebook and 0 secrets" in page
    assert "network: unreachable" in page
    assert any("outside its folder" in flag for flag in results["11-snooping"]["flags"])


def test_process_limit_and_memory_limit_bite(batch):
    out, _ = batch
    page = feedback(out, "04-fork-bomb")
    assert "fork failed after" in page and "Resource temporarily unavailable" in page
    page = feedback(out, "03-huge-allocation")
    assert "MemoryError" in page


def test_feedback_is_small_and_never_shows_hidden_tests(batch):
    out, _ = batch
    pages = list((out / "feedback").glob(f"*/{LESSON}/perceptron.html"))
    assert len(pages) == sum(not e["error"] for e in EXPECTED.values())
    for page in pages:
        text = page.read_text()
        assert len(text) < 2_000_000, page
        for marker in HIDDEN_MARKERS:
            assert marker not in text, (page, marker)
    flood = feedback(out, "12-flood")
    assert "characters cut" in flood


def test_csv_matches_hand_computed_scores(batch):
    out, _ = batch
    with (out / "grades" / f"grades-{LESSON}.csv").open() as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(EXPECTED)
    for case, expected in EXPECTED.items():
        row = rows[case]
        assert float(row["score"]) == sum(expected["scores"].values()) * (not expected["error"])
        assert float(row["max_score"]) == 11 + MANUAL_POINTS
        assert bool(row["error"]) == expected["error"]
        assert row["sandbox"] == "bwrap"
        for gid, points in expected["scores"].items():
            assert float(row[gid]) == (0 if expected["error"] else points), (case, gid)


def test_gradebook_holds_exactly_the_scores(batch):
    out, _ = batch
    url = f"sqlite:///{out / 'gradebook.db'}"
    held = marks(url, LESSON)
    assert set(held) == set(EXPECTED)
    for case, expected in EXPECTED.items():
        if expected["error"]:
            continue
        for gid, points in expected["scores"].items():
            assert held[case]["cells"][gid]["score"] == points, (case, gid)
    with sqlite3.connect(out / "gradebook.db") as db:
        students = {r[0] for r in db.execute("select id from student")}
    assert students == set(EXPECTED)


def test_second_run_grades_nothing_again(batch):
    out, results = batch
    again = grade_lesson(LESSON, out / "submissions", out, jobs=2, quiet=True, timeout=10,
                         figures=True, budget=BUDGET)  # fmt: skip
    assert "0 graded now" in (out / "grades" / f"summary-{LESSON}.txt").read_text()
    assert {r["student"]: r["score"] for r in again} == {s: r["score"] for s, r in results.items()}


def test_stolen_proxies_are_refused_and_flagged(batch):
    out, results = batch
    flags = " ".join(results["17-stolen-references"]["flags"])
    assert "moved" in flags and "outside its test" in flags
    page = feedback(out, "17-stolen-references")
    assert "refused:" in page


def test_formulas_and_escapes_never_reach_the_spreadsheet_or_terminal(batch):
    out, _ = batch
    with (out / "grades" / f"grades-{LESSON}.csv").open() as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    summary = (out / "grades" / f"summary-{LESSON}.txt").read_text()
    assert "\x1b" not in summary and "\x07" not in summary and "\r" not in summary


def test_a_flood_of_flags_is_capped(batch):
    _, results = batch
    assert 0 < len(results["23a-many-flags"]["flags"]) <= 60


def test_feedback_on_hidden_calls_shows_no_expected_value_nor_hidden_input(batch):
    out, results = batch
    page = feedback(out, "31-leak-expected-values")
    assert "hidden input: [" not in page and "expected 1" not in page and "expected 0" not in page
    assert "raised ValueError on a hidden input" in page  # what kind of failure, still said
    assert any("expected" in d for d in results["31-leak-expected-values"]["details"])


def test_a_reference_fed_hostile_shapes_gets_a_memory_error_not_the_machine(batch):
    out, _ = batch
    page = feedback(out, "30-memory-bomb")
    assert "MemoryError" in page
