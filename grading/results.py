"""The batch's result files: the grades CSV and the terminal summary.

Every string a submission could have shaped (student names from a zip, flags and errors out of a
sandbox, the grader's notes quoting them) is untrusted, and made safe by grading/untrusted.py:
each value becomes a string cheaply, whatever its type; it is cut, and stripped of terminal
escape sequences and control characters (the CSV keeps tabs and line breaks inside a cell, the
summary puts everything on one line). A CSV cell that a spreadsheet would read as a formula gets
a leading "'" (OWASP's rule against CSV injection), each flag inside the joined flags cell too.
Only the first flags are written, so tens of thousands of them cost nothing. The CSV is written
all or nothing, readable by its owner only (grading/files.py).
"""

from __future__ import annotations

from pathlib import Path

from grading.files import write_csv_rows
from grading.untrusted import MAX_CELL, as_list, as_text, csv_cell, cut, one_line, printable

LEADING = ["student", "lesson", "score", "max_score"]  # then a column for each graded cell
TRAILING = ["pending", "late_penalty", "submitted", "flagged", "flags", "error", "sandbox"]
MAX_FLAGS = 30  # flags written to a CSV row
SUMMARY_FLAGS = 8  # flags shown for a student in the summary
SUMMARY_NOTES = 3  # grader's notes shown for a student in the summary
MAX_SHOWN = 300  # characters of one untrusted string in the summary
MAX_NAME = 60  # characters of a student's name in the summary


def write_csv(path: Path, rows: list[dict]) -> None:
    """One row a student, as the gradebook has it: total (manual marks and late penalty counted),
    each graded cell ("pending" where a written answer waits for its mark), the cells still
    waiting for a person, the late penalty, when it was submitted, flags, error, sandbox."""
    grade_ids = list(dict.fromkeys(g for r in rows for g in r["cells"]))
    header = [*LEADING, *map(csv_cell, grade_ids), *TRAILING]
    write_csv_rows(path, [header, *(_row(r, grade_ids) for r in rows)])


def _row(r: dict, grade_ids: list[str]) -> list[str]:
    """A student's CSV row, every cell safe."""
    flags = as_list(r["flags"])
    scores = [_score(r["cells"].get(g)) for g in grade_ids]
    stamp = r.get("timestamp")
    return [
        csv_cell(r["student"]),
        csv_cell(r["lesson"]),
        csv_cell(_num(r["score"])),
        csv_cell(_num(r["max_score"])),
        *map(csv_cell, scores),
        csv_cell(" ".join(map(as_text, as_list(r["pending"])))),
        csv_cell(_num(r.get("late_penalty") or 0)),
        csv_cell(stamp.isoformat(sep=" ") if hasattr(stamp, "isoformat") else ""),
        "yes" if flags else "",
        _flags_cell(flags),
        csv_cell(r["error"]),
        csv_cell(r["sandbox"]),
    ]


def _flags_cell(flags: list) -> str:
    """The first MAX_FLAGS flags joined, each defused (a spreadsheet may split the cell at |)."""
    joined = " | ".join(csv_cell(flag) for flag in flags[:MAX_FLAGS])
    more = f" | and {len(flags) - MAX_FLAGS} more flags" if len(flags) > MAX_FLAGS else ""
    return cut(joined, MAX_CELL) + more


def _score(cell: dict | None) -> str:
    """A graded cell's score; "pending" while a written answer waits for its mark."""
    if cell is None:
        return ""
    return "pending" if cell["score"] is None else _num(cell["score"])


def _num(x: object) -> str:
    """A number as the grader writes it (11, 0.5); anything else as printable text."""
    try:
        return f"{float(x):g}"
    except (TypeError, ValueError, OverflowError):
        return printable(x, 40)


def summarise(lesson: str, results: list[dict], graded: int, elapsed: float, how) -> str:
    """The batch for the terminal: a line a student, their first flags and the grader's notes."""
    lines = [
        f"{lesson}: {len(results)} submissions, {graded} graded now "
        f"({len(results) - graded} unchanged, from the cache) in {elapsed:.1f} s"
    ]
    if how.kind != "bwrap":
        reason = one_line(how.reason, MAX_SHOWN)
        lines.append(f"!!!!!!!! WARNING: NO SANDBOX ({reason}); rlimits and a scratch folder only")
    for r in results:
        lines += _student_lines(r)
    return "\n".join(lines) + "\n"


def _student_lines(r: dict) -> list[str]:
    """A student's lines of the summary: score or error, first flags, first grader's notes."""
    pending = as_list(r["pending"])
    if r["error"]:
        status = f"ERROR: {one_line(r['error'], MAX_SHOWN)}"
    else:
        status = f"{_num(r['score'])}/{_num(r['max_score'])}"
        if pending:
            status += f"  [to mark: {one_line(', '.join(map(as_text, pending)), MAX_SHOWN)}]"
    lines = [f"  {one_line(r['student'], MAX_NAME)}: {status}"]
    flags = as_list(r["flags"])
    lines += [f"      FLAG: {one_line(flag, MAX_SHOWN)}" for flag in flags[:SUMMARY_FLAGS]]
    if len(flags) > SUMMARY_FLAGS:
        lines.append(f"      ... and {len(flags) - SUMMARY_FLAGS} more flags")
    notes = as_list(r["instructor"])[:SUMMARY_NOTES]
    lines += [f"      grader: {one_line(_last_line(note), MAX_SHOWN)}" for note in notes]
    return lines


def _last_line(note: object) -> str:
    """The last line of a grader's note (of a traceback: the exception)."""
    return as_text(note).rstrip().rpartition("\n")[2]
