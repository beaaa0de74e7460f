"""Grading benchmarks: a synthetic class of 30 students for every lesson, graded in sandboxes.

Every fourth student is partly wrong (one answer left as released, a stub), every tenth broken
(a corrupt notebook), the rest correct. Reports the median seconds per notebook with -j 1 (sandbox and
kernel start included) per lesson, the -j 2 speed-up over -j 1 on lesson 01, and `make grade -j 1`
against one stock `nbgrader autograde` of the same class of lesson 01 (no corrupt notebook:
nbgrader stops at one). Set NN_BENCH_STUDENTS to grade a smaller class.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from grading.cells import graded_cells, nbgrader_meta, read_notebook, with_answers  # noqa: E402
from grading.course import LESSONS, lesson_ids, lesson_notebook, nbgrader, new_course  # noqa: E402
from tests.course_helpers import autograde, scores, submit  # noqa: E402

STUDENTS = int(os.environ.get("NN_BENCH_STUDENTS", "30"))
Row = tuple[str, str, str]


def graded_lessons() -> list[str]:
    result = []
    for lesson in lesson_ids():
        source = read_notebook(lesson_notebook(lesson))
        released = LESSONS / lesson
        if any(nbgrader_meta(c).get("grade") for c in graded_cells(source)) and released.is_dir():
            result.append(lesson)
    return result


def synthetic_class(lesson: str, folder: Path, students: int = STUDENTS,
                    corrupt: bool = True) -> Path:  # fmt: skip
    """students folders of <student>/<lesson>.ipynb: correct, partly wrong and broken (corrupt)."""
    source = read_notebook(lesson_notebook(lesson))
    released = read_notebook(lesson_notebook(lesson, LESSONS))
    # An exercise left as released: its def line and `raise NotImplementedError()`.
    stubs = {nbgrader_meta(c)["grade_id"]: "".join(c["source"]) for c in graded_cells(released)
             if nbgrader_meta(c).get("solution") and c["cell_type"] == "code"}  # fmt: skip
    answers = list(stubs)
    for k in range(students):
        target = folder / f"student{k:02d}" / f"{lesson}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if corrupt and k % 10 == 9:
            target.write_text('{"cells": [ broken')
            continue
        left = answers[k % len(answers)] if k % 4 == 3 and answers else None
        overrides = {left: stubs[left]} if left else {}
        target.write_text(json.dumps(with_answers(released, source, overrides)))
    return folder


def grade_class(lesson: str, submissions: Path, jobs: int,
                data: Path | None = None) -> tuple[float, list[dict]]:  # fmt: skip
    """Wall time of `make grade` of the submissions with `jobs` workers, and every result."""
    import nbgrader.api  # noqa: F401 - a one-off import, not part of any notebook's time

    from grading.batch import grade_lesson

    with tempfile.TemporaryDirectory() as course:
        start = time.perf_counter()
        rows = grade_lesson(lesson, submissions, Path(course), jobs, data=data, quiet=True)
        return time.perf_counter() - start, sorted(rows, key=lambda r: r["student"])


def seconds_per_notebook() -> list[Row]:
    """Median seconds to grade one notebook, per lesson (sandbox and kernel start included):
    -j 1 for lessons 01-04 (the target), -j 2 for the longer torch lessons."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for lesson in graded_lessons():
            folder = synthetic_class(lesson, Path(tmp) / lesson)
            jobs = 1 if lesson[:2] <= "04" else 2
            _, results = grade_class(lesson, folder, jobs)
            seconds = [r["seconds"] for r in results if not r["error"]]
            target = "<= 3 s" if lesson[:2] <= "04" else "(no target)"
            rows.append((f"grading {lesson}: median seconds per notebook, -j {jobs}, "
                         f"{len(results)} students", f"{statistics.median(seconds):.2f} s",
                         target))  # fmt: skip
    return rows


def parallel_speedup() -> list[Row]:
    """Wall time of -j 1 over -j 2 for the same class of lesson 01."""
    lesson = graded_lessons()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic_class(lesson, Path(tmp) / lesson)
        one, first = grade_class(lesson, folder, 1)
        two, second = grade_class(lesson, folder, 2)
    same = [(r["student"], r["grades"], r["error"]) for r in first] == [
        (r["student"], r["grades"], r["error"]) for r in second
    ]
    return [
        (f"grading {lesson}, {STUDENTS} students: -j 2 speed-up over -j 1 "
         f"({one:.0f} s / {two:.0f} s)", f"{one / two:.2f}x", ">= 1.7x"),
        (f"grading {lesson}: -j 2 grades identical to -j 1", "yes" if same else "NO", "yes"),
    ]  # fmt: skip


def autograded_ids(lesson: str) -> set[str]:
    """grade_ids of the test cells the computer scores (not the manually graded answers)."""
    cells = graded_cells(read_notebook(lesson_notebook(lesson)))
    return {nbgrader_meta(c)["grade_id"] for c in cells
            if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")}  # fmt: skip


def _stock_autograde(lesson: str, submissions: Path, root: Path) -> tuple[float, dict]:
    """Seconds for one `nbgrader autograde` of every submission (the release is set-up, not
    timed) and each student's total automatic score."""
    new_course(root, [lesson])
    nbgrader(root, "generate_assignment", lesson, "--force")
    for path in sorted(submissions.glob(f"*/{lesson}.ipynb")):
        submit(root, lesson, path.parent.name, read_notebook(path))
    start = time.perf_counter()
    autograde(root, lesson)
    seconds = time.perf_counter() - start
    automatic = autograded_ids(lesson)
    totals = {student: sum(score for gid, (score, _) in grades.items() if gid in automatic)
              for student, grades in scores(root, lesson).items()}  # fmt: skip
    return seconds, totals


def _differences(results: list[dict], stock: dict[str, float]) -> list[str]:
    """One line for each student whose total automatic score differs between the two."""
    ours = {r["student"]: (None if r["error"] else r["score"]) for r in results}
    return [f"{student}: make grade {ours.get(student)}, nbgrader {stock.get(student)}"
            for student in sorted(set(ours) | set(stock))
            if ours.get(student) is None or student not in stock
            or abs(ours[student] - stock[student]) > 1e-9]  # fmt: skip


def against_nbgrader(lesson: str = "01-perceptron") -> list[Row]:
    """`make grade -j 1` (model-solution check included) against one stock `nbgrader autograde`
    of the same class (no corrupt notebook), wall time and scores."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic_class(lesson, Path(tmp) / "class", corrupt=False)
        ours, results = grade_class(lesson, folder, 1)
        stock, totals = _stock_autograde(lesson, folder, Path(tmp) / "course")
    differ = _differences(results, totals)
    for line in differ:
        print(f"against_nbgrader, {lesson}: {line}")
    median = statistics.median(r["seconds"] for r in results)
    what = f"grading {lesson}, {len(results)} students (none corrupt)"
    sandboxes = sorted({str(r.get("sandbox", "?")) for r in results})
    box = "" if sandboxes == ["bwrap"] else f", sandbox: {'; '.join(sandboxes)}"
    return [
        (f"{what}: `make grade -j 1` wall time (model-solution check included{box})",
         f"{ours:.1f} s", "(reference)"),
        (f"{what}: stock `nbgrader autograde` wall time (one run)", f"{stock:.1f} s",
         "(reference)"),
        (f"{what}: nbgrader time / `make grade -j 1` time", f"{stock / ours:.2f}x", ">= 4x"),
        (f"{what}: median seconds per notebook, `make grade -j 1`", f"{median:.2f} s", "<= 3 s"),
        (f"{what}: same total automatic score as nbgrader for every student",
         "yes" if not differ else f"NO ({', '.join(d.split(':')[0] for d in differ)})", "yes"),
    ]  # fmt: skip


BENCHMARKS = [seconds_per_notebook, parallel_speedup, against_nbgrader]

if __name__ == "__main__":
    for bench in BENCHMARKS:
        for row in bench():
            print(" | ".join(row))
