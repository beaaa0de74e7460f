"""Where the time goes when one submission is graded: the wall time of every cell the sandbox runs.

Grades the lesson's model solution (as a student hands it in) in-process with grading.grade's
grade_one and prints each cell's seconds, slowest first. Lessons that load MNIST read the
full-size stand-in (full_mnist.py) unless --data names another folder. Two what-ifs, for
proposals that are not wired yet: --env NAME=VALUE adds a variable to the sandbox's environment,
--no-tail hands in the notebook without its ungraded code cells after the last test cell.

    .venv/bin/python tests/benchmarks/profile_grading.py 05-cnn
    .venv/bin/python tests/benchmarks/profile_grading.py 07-mnist --env NN_WORKBOOK_GRADING=1
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from grading import grade  # noqa: E402
from grading.cells import is_test_cell, nbgrader_meta, read_notebook, with_answers  # noqa: E402
from grading.course import LESSONS, lesson_notebook  # noqa: E402
from grading.sandbox import jail  # noqa: E402
from tests.benchmarks.bench_class import uses_mnist  # noqa: E402
from tests.benchmarks.full_mnist import full_mnist  # noqa: E402

Timing = tuple[float, str, str]  # seconds, what ran, its status


def submission(lesson: str, tail: bool = True) -> bytes:
    """The model solution as a student hands it in; without the tail (the ungraded code cells
    after the last test cell, which no score can depend on) if not tail."""
    notebook = with_answers(read_notebook(lesson_notebook(lesson, LESSONS)),
                            grade.source_notebook(lesson))  # fmt: skip
    if not tail:
        cells = notebook["cells"]
        last = max(i for i, cell in enumerate(cells) if is_test_cell(cell))
        notebook["cells"] = [cell for i, cell in enumerate(cells) if i <= last
                             or cell["cell_type"] != "code" or nbgrader_meta(cell)]  # fmt: skip
    return json.dumps(notebook).encode()


def timed(timings: list[Timing]) -> None:
    """Record every cell's and every sandbox start's wall time into timings."""
    cell, launch = grade.Grading.cell, grade.launch

    def timed_cell(self: grade.Grading, index: int) -> dict:
        start = time.perf_counter()
        outcome = cell(self, index)
        ran = self.cells[index]
        what = f"[{index:2d}] {ran['kind']:6} {ran.get('grade_id', '')} " + " | ".join(
            ran["source"].strip().splitlines()[:1]
        )
        timings.append((time.perf_counter() - start, what[:110], str(outcome.get("status"))))
        return outcome

    def timed_launch(job: grade.Job, wait: bool = True) -> object:
        start = time.perf_counter()
        box = launch(job, wait)
        timings.append((time.perf_counter() - start, "sandbox start", ""))
        return box

    grade.Grading.cell, grade.launch = timed_cell, timed_launch


def with_environment(extra: dict[str, str]) -> None:
    """Add variables to the environment every sandbox starts with (a what-if)."""
    environment = jail._environment
    jail._environment = lambda *args: {**environment(*args), **extra}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lesson")
    parser.add_argument("--data", type=Path, help="MNIST folder (default: the full-size stand-in)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE inside the sandbox")
    parser.add_argument("--no-tail", action="store_true", help="drop the ungraded tail")
    parser.add_argument("--timeout", type=int, default=grade.CELL_TIMEOUT, help="seconds a cell")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Grade one model-solution submission and print where its time went."""
    args = arguments(argv)
    data = args.data or (full_mnist() if uses_mnist(args.lesson) else None)
    with_environment(dict(pair.split("=", 1) for pair in args.env))
    timings: list[Timing] = []
    timed(timings)
    job = grade.Job(args.lesson, "profile", submission(args.lesson, not args.no_tail), "",
                    str(data) if data else None, args.timeout)  # fmt: skip
    result = grade.grade_one(job)
    print(f"{args.lesson}: {result['seconds']:.2f} s, score {result['score']:g} of "
          f"{result['max_score']:g} (written answers count 0), error {result['error']!r}")  # fmt: skip
    for seconds, what, status in sorted(timings, reverse=True):
        if seconds >= 0.05:
            print(f"{seconds:7.2f} s  {status:8} {what}")
    print(f"{sum(t[0] for t in timings):7.2f} s  in all ({len(timings)} cells and starts)")
    statuses = Counter(status for _, what, status in timings if what != "sandbox start")
    print("cells:", ", ".join(f"{count} {status}" for status, count in statuses.most_common()))


if __name__ == "__main__":
    main()
