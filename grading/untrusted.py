"""Untrusted text made safe to show: in a terminal, a spreadsheet, an HTML page, a report.

Every string a submission could have shaped (student names from an LMS zip, flags and errors out
of a sandbox, the grader's notes quoting them) is hostile, and may not even be a string. Each
value becomes a string cheaply, whatever its type (`as_text`: a bounded repr), and is read only up
to a few times the length it may show, so a megabyte costs no more than a line. Then either

- terminal escape sequences and control or invisible characters are dropped (`printable`, which
  keeps tabs and line breaks, and `one_line`, which does not), for what the instructor reads; or
- every control or invisible character is written as an escape, `\\x07` (`escaped`), for a name
  the instructor must recognise or rename, where dropping characters would hide what is there.

A CSV cell that a spreadsheet would read as a formula also gets a leading "'" (`csv_cell`,
OWASP's rule against CSV injection). HTML escaping is the page's own business (grading/report.py).
"""

from __future__ import annotations

import re
import reprlib
import unicodedata
from collections.abc import Callable

MAX_CELL = 2000  # characters of one CSV cell
MAX_ESCAPED = 40  # characters of a name shown escaped, unless the caller says otherwise
RAW_FACTOR = 4  # an untrusted string is read up to RAW_FACTOR times its limit before cleaning
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
# Unicode categories `escaped` writes as escapes: controls, format (invisible, direction),
# surrogates, private use, unassigned, line and paragraph separators.
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 200


def as_text(value: object) -> str:
    """Any value as a string, cheaply: a string as it is, anything else by a bounded repr."""
    if isinstance(value, str):
        return value
    try:
        return _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a repr that fails, or an int too long to print
        return f"<{type(value).__name__}>"


def as_list(value: object) -> list:
    """A list field of a row as a list, whatever was stored (a list, a tuple, one value, None)."""
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    return [] if value is None else [value]


def cut(text: str, limit: int) -> str:
    """Text cut at limit, with a mark ("…") when it was longer."""
    return text[:limit] + "…" if len(text) > limit else text


def printable(value: object, limit: int, mark: str = "") -> str:
    """A value as text cut at limit, escapes and controls replaced by mark; tabs and breaks kept."""
    return _cleaned(value, limit, mark, None)


def one_line(value: object, limit: int, mark: str = "", *, collapse: bool = False) -> str:
    """printable on one line: breaks made spaces; with collapse, white space squeezed, trimmed."""
    return _cleaned(value, limit, mark, _collapsed if collapse else _unbroken)


def csv_cell(value: object, limit: int = MAX_CELL) -> str:
    """A CSV cell from an untrusted value: printable, cut, and never read as a formula."""
    text = printable(value, limit)
    return "'" + text if text.startswith(FORMULA) else text


def escaped(value: object, limit: int = MAX_ESCAPED) -> str:
    """Untrusted text safe to show: control and invisible characters escaped (\\x07), cut."""
    text = as_text(value)
    clean = "".join(_escaped_char(c) for c in text[:limit])
    return clean[:limit] + "…" if len(clean) > limit or len(text) > limit else clean


def _cleaned(value: object, limit: int, mark: str, line: Callable[[str], str] | None) -> str:
    """What printable and one_line share: read a bounded start, clean it, make it a line, cut."""
    text = as_text(value)
    raw = text[: RAW_FACTOR * limit]
    clean = UNPRINTABLE.sub(mark, ESCAPES.sub(mark, raw))
    if line is not None:
        clean = line(clean)
    return clean[:limit] + "…" if len(clean) > limit or len(text) > len(raw) else clean


def _unbroken(text: str) -> str:
    """Text with each run of tabs and line breaks one space."""
    return BREAKS.sub(" ", text)


def _collapsed(text: str) -> str:
    """Text with each run of white space one space, none at either end."""
    return " ".join(text.split())


def _escaped_char(c: str) -> str:
    """A character as it is, or as an escape if it is a control or invisible one."""
    if unicodedata.category(c) not in HIDDEN:
        return c
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
