"""Command line for instructors and authors: `python -m grading lessons [LESSON ...]`."""

import argparse

from grading.course import LESSONS, generate_lessons, lesson_ids


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    lessons = commands.add_parser("lessons", help="regenerate lessons/ from solutions/")
    lessons.add_argument(
        "names", nargs="*", help=f"lessons to build (default: all of {lesson_ids()})"
    )
    args = parser.parse_args(argv)
    if args.command == "lessons":
        for path in generate_lessons(LESSONS, args.names or None):
            print(f"wrote {path.relative_to(LESSONS.parent)}")


if __name__ == "__main__":
    main()
