"""Command line for instructors and authors (the Makefile's targets call these).

python -m grading lessons [LESSON ...]      build lessons/ from solutions/ (nbgrader, in this course)
python -m grading collect LESSON ZIP [--roster CSV] [--zone Europe/Paris]
    an LMS download (Canvas, Moodle, Blackboard, Gradescope) into submitted/, older ones kept
python -m grading grade LESSON [--submissions DIR] [-j N] [--db URL] [--shard k/N] ...
    grade every submission in submitted/ (or DIR) in sandboxes; write autograded/ and the
    gradebook (which formgrader shows), grades/grades-LESSON.csv and grades/summary-LESSON.txt
python -m grading feedback LESSON [--db URL] [--student S]
    the students' feedback pages (after marking in formgrader), for `nbgrader release_feedback`
python -m grading export --roster CSV [--lesson L ...] [--canvas-id LESSON=ID ...] [--pending blank]
    Canvas and Moodle grade files (whole course and per lesson) from the gradebook, in grades/lms
python -m grading report [LESSON ...] [--threshold 0.5]
    the class report: grades/report-LESSON.html for each graded lesson and grades/report-course.html
"""

import argparse
import os
from pathlib import Path

from grading.course import LESSONS, REPO, generate_lessons, lesson_ids


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
    collect = commands.add_parser("collect", help="an LMS download zip into submitted/")
    collect.add_argument("lesson", choices=lesson_ids())
    collect.add_argument("zip", type=Path, help="the zip the LMS gave you")
    course_options(collect)
    collect.add_argument("--roster", type=Path, default=None, help="the class list (CSV)")
    collect.add_argument(
        "--zone", default="UTC", help="the time zone of the zip's file times (e.g. Europe/Paris)"
    )
    grade = commands.add_parser("grade", help="grade the submissions of one lesson")
    grade.add_argument("lesson", choices=lesson_ids())
    course_options(grade)
    grade.add_argument(
        "--submissions",
        type=Path,
        default=None,
        help="a folder of <student>/<lesson>/<notebook> (default: COURSE/submitted)",
    )
    grade.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="workers")
    grade.add_argument("--timeout", type=int, default=60, help="seconds a cell may run")
    grade.add_argument(
        "--budget", type=float, default=600, help="seconds one whole submission may take"
    )
    grade.add_argument(
        "--figures", action="store_true", help="keep the figures in the autograded notebooks"
    )
    grade.add_argument(
        "--shard", default="1/1", help="k/N: grade the k-th of N shares of the class (N graders)"
    )
    feedback = commands.add_parser("feedback", help="the students' feedback pages for a lesson")
    feedback.add_argument("lesson", choices=lesson_ids())
    course_options(feedback)
    feedback.add_argument("--student", default=None, help="one student only")
    export = commands.add_parser("export", help="grade files Canvas and Moodle import")
    course_options(export)
    export.add_argument("--roster", type=Path, required=True, help="the class list (CSV)")
    export.add_argument("--lesson", action="append", default=[], help="only these lessons")
    export.add_argument("--canvas-id", action="append", default=[], metavar="LESSON=ID",
                        help="a lesson's Canvas assignment id (or its column title)")  # fmt: skip
    export.add_argument("--canvas-ids", type=Path, help="a file of LESSON=ID lines")
    export.add_argument("--pending", choices=("score", "blank"), default="score",
                        help="a lesson with marks to enter: the score so far, or blank")  # fmt: skip
    export.add_argument("--moodle-key", choices=("email", "id_number"), default="email")
    export.add_argument("--out", type=Path, default=None, help="default: COURSE/grades/lms")
    report = commands.add_parser("report", help="the class report, a page per lesson")
    report.add_argument("names", nargs="*", help="lessons (default: every graded lesson)")
    course_options(report)
    report.add_argument(
        "--threshold", type=float, default=0.5, help="list students below this share of the points"
    )
    args = parser.parse_args(argv)
    if args.command == "lessons":
        for path in generate_lessons(LESSONS, args.names or None):
            print(f"wrote {path.relative_to(LESSONS.parent)}")
    elif args.command == "collect":
        collect_zip(args)
    elif args.command == "grade":
        from grading.batch import grade_lesson, parse_shard

        grade_lesson(args.lesson, args.submissions, args.course.resolve(), args.jobs, args.db,
                     timeout=args.timeout, figures=args.figures, budget=args.budget,
                     shard=parse_shard(args.shard))  # fmt: skip
    elif args.command == "feedback":
        from grading.feedback import generate_feedback

        pages = generate_feedback(args.course.resolve(), args.lesson, args.db, args.student)
        print(f"{len(pages)} feedback pages in {args.course / 'feedback'}/*/{args.lesson}/")
    elif args.command == "export":
        export_grades(args)
    elif args.command == "report":
        write_report(args.course.resolve(), args.names or lesson_ids(), args.db, args.threshold)


def collect_zip(args: argparse.Namespace) -> None:
    """An LMS zip into the course's submitted/ folder; the report of what became of each file."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from grading import submitted
    from grading.roster import RosterError, read_roster

    try:
        roster = read_roster(args.roster) if args.roster else None
        zone = ZoneInfo(args.zone)
    except (RosterError, ZoneInfoNotFoundError, ValueError) as problem:
        raise SystemExit(f"collect: {problem}") from None
    collected = submitted.collect_zip(
        args.zip, args.lesson, args.course.resolve(), roster, zone=zone
    )
    print(collected.report(), end="")


def export_grades(args: argparse.Namespace) -> None:
    """The LMS grade files, and what the instructor must know (pending marks, missing people)."""
    from grading.export import ExportError, canvas_ids, export_lms, read_pairs
    from grading.roster import RosterError, read_roster

    course = args.course.resolve()
    from grading.gradebook import course_url

    url = course_url(course, args.db)
    try:
        roster = read_roster(args.roster)
        pairs = [*(read_pairs(args.canvas_ids) if args.canvas_ids else []), *args.canvas_id]
        ids = canvas_ids(args.lesson or lesson_ids(), pairs, args.roster)
        result = export_lms(url, roster, args.out or course / "grades" / "lms",
                            args.lesson or None, ids, args.pending, args.moodle_key)  # fmt: skip
    except (ExportError, RosterError) as problem:
        raise SystemExit(f"export: {problem}") from None
    print(result.report())


def write_report(course: Path, lessons: list[str], db: str | None, threshold: float) -> None:
    """The class report of the lessons graded so far, with today's marks."""
    from grading.batch import GRADES, saved_rows
    from grading.report import write_reports

    rows = {lesson: saved_rows(course, lesson, db) for lesson in lessons}
    rows = {lesson: found for lesson, found in rows.items() if found}
    if not rows:
        raise SystemExit(
            f"nothing graded yet in {course / GRADES}: run `make grade A=LESSON` first"
        )
    for path in write_reports(course / GRADES, rows, threshold):
        print(f"wrote {path}")


def course_options(command: argparse.ArgumentParser) -> None:
    """The options every course command takes: where the course is, which gradebook."""
    command.add_argument("--course", type=Path, default=REPO, help="the course folder (this one)")
    command.add_argument("--db", default=None, help="gradebook URL (default: COURSE/gradebook.db)")


if __name__ == "__main__":
    main()
