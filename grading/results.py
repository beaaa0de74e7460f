"""The batch's result files: the grades CSV and the terminal summary.

Every string a submission could have shaped (student names from a zip, flags and errors out of a
sandbox, the grader's notes quoting them) is untrusted. Each value becomes a string cheaply,
whatever its type; it is cut, and stripped of terminal escape sequences and control characters
(the CSV keeps tabs and line breaks inside a cell, the summary puts everything on one line). A
CSV cell that a spreadsheet would read as a formula gets a leading "'" (OWASP's rule against CSV
injection), each flag inside the joined flags cell too. Only the first flags are written, so tens
of thousands of them cost nothing.
"""

from __future__ import annotations

import csv
import re
import reprlib
from pathlib import Path

LEADING = ["student", "lesson", "score", "max_score"]  # then a column for each graded cell
TRAILING = ["pending", "late_penalty", "submitted", "flagged", "flags", "error", "sandbox"]
MAX_CELL = 2000  # characters of one CSV cell
MAX_FLAGS = 30  # flags written to a CSV row
SUMMARY_FLAGS = 8  # flags shown for a student in the summary
SUMMARY_NOTES = 3  # grader's notes shown for a student in the summary
MAX_SHOWN = 300  # characters of one untrusted string in the summary
MAX_NAME = 60  # characters of a student's name in the summary
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as the start of a formula
# CSI sequences (ESC [ or the 8-bit CSI), and OSC, DCS, SOS, PM and APC strings up to their end.
ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC (and the like) ... BEL or ST
)
# C0 and C1 controls but tab and line breaks, DEL, invisible and direction-changing characters,
# and unpaired surrogates (which no UTF-8 file can hold).
UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
BREAKS = re.compile(r"[\t\n\r]+")
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 200


def write_csv(path: Path, rows: list[dict]) -> None:
    """One row a student, as the gradebook has it: total (manual marks and late penalty counted),
    each graded cell ("pending" where a written answer waits for its mark), the cells still
    waiting for a person, the late penalty, when it was submitted, flags, error, sandbox."""
    grade_ids = list(dict.fromkeys(g for r in rows for g in r["cells"]))
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*LEADING, *map(_cell, grade_ids), *TRAILING])
        writer.writerows(_row(r, grade_ids) for r in rows)
    temporary.replace(path)


def _row(r: dict, grade_ids: list[str]) -> list[str]:
    """A student's CSV row, every cell safe."""
    flags = _as_list(r["flags"])
    scores = [_score(r["cells"].get(g)) for g in grade_ids]
    stamp = r.get("timestamp")
    return [
        _cell(r["student"]),
        _cell(r["lesson"]),
        _cell(_num(r["score"])),
        _cell(_num(r["max_score"])),
        *map(_cell, scores),
        _cell(" ".join(map(_text, _as_list(r["pending"])))),
        _cell(_num(r.get("late_penalty") or 0)),
        _cell(stamp.isoformat(sep=" ") if hasattr(stamp, "isoformat") else ""),
        "yes" if flags else "",
        _flags_cell(flags),
        _cell(r["error"]),
        _cell(r["sandbox"]),
    ]


def _flags_cell(flags: list) -> str:
    """The first MAX_FLAGS flags joined, each defused (a spreadsheet may split the cell at |)."""
    joined = " | ".join(_cell(flag) for flag in flags[:MAX_FLAGS])
    more = f" | and {len(flags) - MAX_FLAGS} more flags" if len(flags) > MAX_FLAGS else ""
    return _cut(joined, MAX_CELL) + more


def _cell(value: object) -> str:
    """A CSV cell: printable, cut, and never read as a formula."""
    text = _printable(value, MAX_CELL)
    return "'" + text if text.startswith(FORMULA) else text


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
        return _printable(x, 40)


def summarise(lesson: str, results: list[dict], graded: int, elapsed: float, how) -> str:
    """The batch for the terminal: a line a student, their first flags and the grader's notes."""
    lines = [
        f"{lesson}: {len(results)} submissions, {graded} graded now "
        f"({len(results) - graded} unchanged, from the cache) in {elapsed:.1f} s"
    ]
    if how.kind != "bwrap":
        lines.append(
            f"!!!!!!!! WARNING: NO SANDBOX ({_shown(how.reason)}); rlimits and a scratch folder only"
        )
    for r in results:
        lines += _student_lines(r)
    return "\n".join(lines) + "\n"


def _student_lines(r: dict) -> list[str]:
    """A student's lines of the summary: score or error, first flags, first grader's notes."""
    pending = _as_list(r["pending"])
    if r["error"]:
        status = f"ERROR: {_shown(r['error'])}"
    else:
        status = f"{_num(r['score'])}/{_num(r['max_score'])}"
        status += f"  [to mark: {_shown(', '.join(map(_text, pending)))}]" if pending else ""
    lines = [f"  {_shown(r['student'], MAX_NAME)}: {status}"]
    flags = _as_list(r["flags"])
    lines += [f"      FLAG: {_shown(flag)}" for flag in flags[:SUMMARY_FLAGS]]
    if len(flags) > SUMMARY_FLAGS:
        lines.append(f"      ... and {len(flags) - SUMMARY_FLAGS} more flags")
    notes = _as_list(r["instructor"])[:SUMMARY_NOTES]
    lines += [f"      grader: {_shown(_last_line(note))}" for note in notes]
    return lines


def _shown(value: object, limit: int = MAX_SHOWN) -> str:
    """An untrusted value for the terminal: printable, on one line, cut."""
    return BREAKS.sub(" ", _printable(value, limit))


def _printable(value: object, limit: int) -> str:
    """A value as text without escape sequences or control characters (tabs, line breaks kept)."""
    text = _text(value)
    clean = UNPRINTABLE.sub("", ESCAPES.sub("", text[:limit]))
    return clean + "…" if len(text) > limit else clean


def _cut(text: str, limit: int) -> str:
    """Text cut at limit, with a mark when it was longer."""
    return text[:limit] + "…" if len(text) > limit else text


def _last_line(note: object) -> str:
    """The last line of a grader's note (of a traceback: the exception)."""
    return _text(note).rstrip().rpartition("\n")[2]


def _text(value: object) -> str:
    """Any value as a string, cheaply: a string as it is, anything else by a bounded repr."""
    if isinstance(value, str):
        return value
    try:
        return _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a repr that fails, or an int too long to print
        return f"<{type(value).__name__}>"


def _as_list(value: object) -> list:
    """A result's list field as a list, whatever was stored (a list, a tuple, one value, None)."""
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    return [] if value is None else [value]
