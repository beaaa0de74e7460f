"""Command line for instructors and authors.

python -m grading lessons [LESSON ...]     regenerate lessons/ from solutions/
python -m grading grade LESSON [--submissions DIR|ZIP] [-j N] [--db URL] [--out DIR]
    grade every submission (a folder of <student>/<lesson>.ipynb, or an LMS zip) in
    sandboxes; write the gradebook, grades-LESSON.csv, feedback/ and summary-LESSON.txt
"""

import argparse
import os
from pathlib import Path

from grading.course import LESSONS, generate_lessons, lesson_ids


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(
        prog="python -m grading", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    lessons = commands.add_parser("lessons", help="regenerate lessons/ from solutions/")
    lessons.add_argument(
        "names", nargs="*", help=f"lessons to build (default: all of {lesson_ids()})"
    )
    grade = commands.add_parser("grade", help="grade the submissions of one lesson")
    grade.add_argument("lesson", choices=lesson_ids())
    grade.add_argument(
        "--submissions",
        type=Path,
        default=None,
        help="folder of <student>/<lesson>.ipynb or an LMS zip (default: OUT/submitted)",
    )
    grade.add_argument("--out", type=Path, default=Path("grading-output"), help="results folder")
    grade.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="workers")
    grade.add_argument("--db", default=None, help="gradebook URL (default: sqlite in OUT)")
    grade.add_argument("--timeout", type=int, default=60, help="seconds a cell may run")
    grade.add_argument(
        "--budget", type=float, default=600, help="seconds one whole submission may take"
    )
    grade.add_argument(
        "--figures", action="store_true", help="draw figures into the feedback (slower)"
    )
    args = parser.parse_args(argv)
    if args.command == "lessons":
        for path in generate_lessons(LESSONS, args.names or None):
            print(f"wrote {path.relative_to(LESSONS.parent)}")
    elif args.command == "grade":
        from grading.batch import grade_lesson

        submissions = args.submissions or args.out / "submitted"
        grade_lesson(
            args.lesson,
            submissions,
            args.out.resolve(),
            args.jobs,
            args.db,
            timeout=args.timeout,
            figures=args.figures,
            budget=args.budget,
        )


if __name__ == "__main__":
    main()
