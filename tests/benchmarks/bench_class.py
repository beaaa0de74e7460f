"""The class-of-300 benchmark: a synthetic class graded lesson by lesson, as an instructor would.

Every lesson that has graded cells gets `--students` submissions (300 for the real figure), the
lessons that load MNIST (05, 07) read the full-size stand-in of full_mnist.py. Students cycle
through KINDS: 70% the model solution, 10% one answer wrong (an operator flipped), 10% one answer
left as released (a stub), 5% an answer cell that raises, 5% a corrupt notebook. Reports, per
lesson, the median and p90 seconds per notebook at `-j` (2 by default), the lesson's wall time;
the whole class's wall time (measured, or extrapolated from a smaller sample, and said so); and
the -j 2 speed-up over -j 1 on the first `--scaling` students of the chosen lessons.

    .venv/bin/python tests/benchmarks/bench_class.py                    # 300 students: hours
    .venv/bin/python tests/benchmarks/bench_class.py --students 10 --mnist-students 6 \\
        --scaling-lessons 04-backprop 06-rnn --write                    # a sample, into RESULTS.md

`make bench` runs it with NN_BENCH_CLASS students (default 300) and NN_BENCH_CLASS_SCALING.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from grading.cells import cell_text, graded_cells, nbgrader_meta, read_notebook, with_answers  # noqa: E402, E501
from grading.course import LESSONS, lesson_notebook  # noqa: E402
from tests.benchmarks.bench_grading import grade_class, graded_lessons  # noqa: E402
from tests.benchmarks.full_mnist import full_mnist  # noqa: E402

CLASS = 300
RESULTS = Path(__file__).with_name("RESULTS.md")
PREFIX = "class of "  # every row this benchmark writes starts so
# One student in 20 of each kind but "correct"; spread so that a small sample holds each kind.
KINDS = ["correct", "wrong", "correct", "correct", "stub", "correct", "correct", "raises",
         "correct", "correct", "correct", "wrong", "correct", "correct", "stub", "correct",
         "correct", "corrupt", "correct", "correct"]  # fmt: skip
FLIPS = [(" + ", " - "), (" - ", " + "), (" * ", " + ")]  # a wrong answer: the first one found
GOALS = {"05-cnn": "≤ 10 s median", "07-mnist": "≤ 10 s median"}
CLASS_GOAL_MINUTES = 90
Row = tuple[str, str, str]


@dataclass
class Lesson:
    """One lesson's grading run: its results, wall time, workers, each student's kind, and the
    machine's load average just before it (other work; a sandbox's CPU time can't be told
    apart from another process's, so nothing is measured during the run)."""

    lesson: str
    results: list[dict]
    wall: float
    jobs: int
    kinds: dict[str, str]
    load: float


# ---------------------------------------------------------------- the class


def uses_mnist(lesson: str) -> bool:
    """Whether the lesson's notebook loads MNIST (then it is graded on the full-size stand-in)."""
    return "load_mnist" in lesson_notebook(lesson).read_text()


def flipped(answer: str) -> str | None:
    """The answer with the first operator of its solution block flipped, None if it has none."""
    head, marker, body = answer.partition("### BEGIN SOLUTION")
    found = [(body.find(old), old, new) for old, new in FLIPS if old in body]
    if not marker or not found:
        return None
    _, old, new = min(found)
    return head + marker + body.replace(old, new, 1)


def answer_cells(lesson: str) -> tuple[dict[str, str], dict[str, str]]:
    """The lesson's code answers by grade id: as the solution has them, as released (stubs)."""
    source = read_notebook(lesson_notebook(lesson))
    released = read_notebook(lesson_notebook(lesson, LESSONS))

    def code_answers(notebook: dict) -> dict[str, str]:
        return {nbgrader_meta(c)["grade_id"]: cell_text(c) for c in graded_cells(notebook)
                if nbgrader_meta(c).get("solution") and c["cell_type"] == "code"}  # fmt: skip

    return code_answers(source), code_answers(released)


def overrides(kind: str, k: int, solved: dict[str, str], stubs: dict[str, str]) -> dict[str, str]:
    """The answers student k of this kind writes otherwise than the solution: one, or none."""
    ids = list(solved)
    turn = ids[k % len(ids) :] + ids[: k % len(ids)]  # each student picks another exercise first
    if kind == "wrong":
        flips = {gid: flipped(solved[gid]) for gid in turn}
        gid = next((gid for gid in turn if flips[gid]), None)
        return {gid: flips[gid]} if gid else {turn[0]: stubs[turn[0]]}
    if kind == "stub":
        return {turn[0]: stubs[turn[0]]}
    if kind == "raises":
        return {turn[0]: stubs[turn[0]] + "\nraise RuntimeError('a half-finished cell')\n"}
    return {}


def write_class(lesson: str, folder: Path, students: int) -> dict[str, str]:
    """students folders <student>/<lesson>.ipynb under folder; each student's kind."""
    source = read_notebook(lesson_notebook(lesson))
    released = read_notebook(lesson_notebook(lesson, LESSONS))
    solved, stubs = answer_cells(lesson)
    kinds = {}
    for k in range(students):
        student, kind = f"student{k:03d}", KINDS[k % len(KINDS)]
        target = folder / student / f"{lesson}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "corrupt":
            target.write_text('{"cells": [ broken')
        else:
            answers = overrides(kind, k, solved, stubs)
            target.write_text(json.dumps(with_answers(released, source, answers)))
        kinds[student] = kind
    return kinds


# ---------------------------------------------------------------- grading


def grade(lesson: str, students: int, jobs: int) -> Lesson:
    """Grade a fresh class of the lesson with `jobs` workers; wall time of the whole batch."""
    data = full_mnist() if uses_mnist(lesson) else None
    with tempfile.TemporaryDirectory() as tmp:
        kinds = write_class(lesson, Path(tmp), students)
        load = os.getloadavg()[0]
        wall, results = grade_class(lesson, Path(tmp), jobs, data)
    return Lesson(lesson, results, wall, jobs, kinds, load)


def ran(run: Lesson) -> list[float]:
    """Seconds of every notebook that could be read (a corrupt one takes no time)."""
    return sorted(r["seconds"] for r in run.results if not r["error"])


def p90(values: list[float]) -> float:
    """The 90th percentile (inclusive; the value itself for one)."""
    return (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def class_wall(run: Lesson, size: int) -> float:
    """The lesson's wall time for a class of size: measured if the run had that many, else the
    fixed part (the model-solution check, about one correct notebook) plus the rest scaled."""
    n = len(run.results)
    if n >= size:
        return run.wall
    correct = [r["seconds"] for r in run.results if run.kinds[r["student"]] == "correct"]
    fixed = min(statistics.median(correct or ran(run)), run.wall)
    return fixed + (run.wall - fixed) * size / n


# ---------------------------------------------------------------- rows


def busy(run: Lesson) -> str:
    """How busy the machine was with other work when the run began."""
    return f"load {run.load:.1f} on {os.cpu_count()} cores before it"


def lesson_row(run: Lesson, size: int) -> Row:
    """Median and p90 seconds per notebook of one lesson, and its wall time."""
    seconds, n = ran(run), len(run.results)
    data = " (full-size MNIST stand-in)" if uses_mnist(run.lesson) else ""
    wall = f"{run.wall:.0f} s for {n} students"
    if n < size:
        wall += f", so ≈ {class_wall(run, size) / 60:.1f} min for {size}"
    what = (f"{PREFIX}{size}, {run.lesson}{data}: median seconds per notebook, -j {run.jobs} "
            f"(p90 {p90(seconds):.2f} s; lesson wall time {wall}; {busy(run)})")  # fmt: skip
    return what, f"{statistics.median(seconds):.2f} s", GOALS.get(run.lesson, "(no target)")


def total_row(runs: list[Lesson], size: int) -> Row:
    """The whole class's wall time over the lessons, measured or extrapolated."""
    minutes = sum(class_wall(run, size) for run in runs) / 60
    smallest = min(len(run.results) for run in runs)
    how = ("measured" if smallest >= size else
           "extrapolated: " + ", ".join(sorted({f"{len(r.results)} students of {r.lesson[:2]}"
                                                for r in runs})))  # fmt: skip
    first, last = runs[0].lesson[:2], runs[-1].lesson[:2]
    what = (f"{PREFIX}{size}, lessons {first}-{last} ({len(runs)} lessons), -j {runs[0].jobs} on "
            f"{os.cpu_count()} cores: total wall time, model-solution checks included ({how})")  # fmt: skip
    return what, f"{minutes:.0f} min", f"≤ {CLASS_GOAL_MINUTES} min"


def same_grades(one: Lesson, two: Lesson) -> bool:
    """Whether two runs gave every student the same grades and errors."""
    return [(r["student"], r["grades"], r["error"]) for r in one.results] == [
        (r["student"], r["grades"], r["error"]) for r in two.results
    ]


def scaling_row(one: Lesson, two: Lesson, size: int) -> Row:
    """The -j 2 speed-up over -j 1 on one lesson's sample, and whether the grades agree."""
    n = len(one.results)
    agree = "identical" if same_grades(one, two) else "DIFFERENT"
    what = (f"{PREFIX}{size}, {one.lesson}, first {n} students: -j 2 speed-up over -j 1 "
            f"({one.wall:.0f} s / {two.wall:.0f} s wall; grades {agree}; {busy(one)} at -j 1, "
            f"{two.load:.1f} at -j 2)")  # fmt: skip
    return what, f"{one.wall / two.wall:.2f}x", "(reference)"


# ---------------------------------------------------------------- the benchmark


@dataclass
class Plan:
    """What to grade: the lessons, students per lesson, workers, the -j scaling sample."""

    lessons: list[str]
    students: int
    mnist_students: int
    jobs: int = 2
    scaling: int = 20
    scaling_lessons: list[str] | None = None
    size: int = CLASS

    def students_of(self, lesson: str) -> int:
        """How many students of this lesson to grade."""
        return self.mnist_students if uses_mnist(lesson) else self.students


def measure(plan: Plan) -> list[Row]:
    """Grade the plan's class, lesson by lesson, then the -j scaling sample; the rows."""
    runs, rows = [], []
    for lesson in plan.lessons:
        print(f"class: grading {plan.students_of(lesson)} of {lesson}, -j {plan.jobs}", flush=True)
        runs.append(grade(lesson, plan.students_of(lesson), plan.jobs))
        rows.append(lesson_row(runs[-1], plan.size))
    rows.append(total_row(runs, plan.size))
    for lesson in plan.lessons if plan.scaling_lessons is None else plan.scaling_lessons:
        n = min(plan.scaling, plan.students_of(lesson))
        if n < 2:
            continue
        print(f"class: -j 1 and -j 2 on {n} of {lesson}", flush=True)
        rows.append(scaling_row(grade(lesson, n, 1), grade(lesson, n, 2), plan.size))
    return rows


def class_of_students() -> list[Row]:
    """`make bench`: NN_BENCH_CLASS students (default 300) over every graded lesson."""
    students = int(os.environ.get("NN_BENCH_CLASS", str(CLASS)))
    scaling = int(os.environ.get("NN_BENCH_CLASS_SCALING", "20"))
    return measure(Plan(graded_lessons(), students, students, scaling=scaling))


BENCHMARKS = [class_of_students]


# ---------------------------------------------------------------- RESULTS.md


def merged(text: str, rows: list[Row], note: str) -> str:
    """RESULTS.md with this benchmark's rows and note replaced by the new ones."""
    lines = [ln for ln in text.splitlines() if not ln.startswith(f"| {PREFIX}")]
    last = max(i for i, ln in enumerate(lines) if ln.startswith("| "))
    lines[last + 1 : last + 1] = [
        f"| {what} | {figure} | {target} |" for what, figure, target in rows
    ]
    body = re.sub(r"\n\nClass rows re-measured .*?(?=\n\n|\Z)", "", "\n".join(lines), flags=re.S)
    return body.rstrip("\n") + "\n\n" + note + "\n"


def note(command: str, started: datetime, seconds: float, load: tuple[float, float]) -> str:
    """The paragraph under the table saying when and how the class rows were measured."""
    return (f"Class rows re-measured {started:%Y-%m-%d %H:%M} UTC ({seconds / 60:.0f} min of wall"
            f" time; load average {load[0]:.1f} before, {load[1]:.1f} after, on {os.cpu_count()}"
            f" cores shared with other work, so the figures are noisy) by `{command}`.")  # fmt: skip


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=CLASS, help="students per lesson")
    parser.add_argument(
        "--mnist-students", type=int, help="students of 05 and 07 (default: --students)"
    )
    parser.add_argument("--lessons", nargs="*", help="lessons, or their numbers (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="workers for the class")
    parser.add_argument("--scaling", type=int, default=20, help="students graded at -j 1 and -j 2")
    parser.add_argument(
        "--scaling-lessons", nargs="*", help="lessons of the -j sample (default: all)"
    )
    parser.add_argument("--write", action="store_true", help="put the rows into RESULTS.md")
    return parser.parse_args(argv)


def chosen(names: list[str] | None) -> list[str] | None:
    """Lesson ids for names that are ids or their leading numbers."""
    if names is None:
        return None
    return [lesson for lesson in graded_lessons() if any(lesson.startswith(n) for n in names)]


def main(argv: list[str] | None = None) -> None:
    """Grade the class the command line asks for, print the rows, and write them if asked."""
    args = arguments(argv)
    plan = Plan(chosen(args.lessons) or graded_lessons(), args.students,
                args.mnist_students or args.students, args.jobs, args.scaling,
                chosen(args.scaling_lessons))  # fmt: skip
    started, before, clock = datetime.now(UTC), os.getloadavg()[0], time.perf_counter()
    rows = measure(plan)
    for row in rows:
        print(" | ".join(row))
    if args.write:
        command = "python tests/benchmarks/bench_class.py " + " ".join(
            sys.argv[1:] if argv is None else argv
        )
        text = note(
            command.strip(), started, time.perf_counter() - clock, (before, os.getloadavg()[0])
        )
        RESULTS.write_text(merged(RESULTS.read_text(), rows, text))


if __name__ == "__main__":
    main()
