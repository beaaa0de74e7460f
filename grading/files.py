"""The grader's own files: written all or nothing, readable only by their owner.

Each file is written to a temporary file beside its target (same folder, so the same file system;
named .<name>.<random>.tmp, made by mkstemp: new, never a link), given its mode, then moved over
the target by os.replace. A reader (formgrader, nbgrader, a spreadsheet, the next batch) sees the
old file or the new one, never half of one; a write that fails leaves the old file and no
temporary. Nothing is fsynced: a power cut may still lose the newest version. Text is written as
UTF-8, a lone surrogate (which UTF-8 can't hold) as "?". The folder must exist.

The default mode is 0o600: what the grader writes holds student work, marks and submission
secrets, and every tool that reads it (formgrader, `nbgrader generate_feedback`, release_feedback)
runs as the instructor who graded. A caller that must share a file with another user passes
another mode.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

LESSON_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
PRIVATE = 0o600  # read and written by the owner only


def write_atomic(path: Path, data: str | bytes, mode: int = PRIVATE) -> Path:
    """data (text as UTF-8) into path, all or nothing, with the given mode; the path."""
    payload = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return _replace(path, mode, lambda out: out.write(payload))


def copy_atomic(source: Path, path: Path, mode: int = PRIVATE) -> Path:
    """A copy of the file at source into path, all or nothing, with the given mode; the path."""

    def copy(out: BinaryIO) -> None:
        with open(source, "rb") as handle:
            shutil.copyfileobj(handle, out)

    return _replace(path, mode, copy)


def lesson_file_part(lesson: object) -> bool:
    """Whether a lesson id can be part of a file name here (`report-<lesson>.html`): a letter or
    digit, then up to 99 letters, digits, '.', '_' or '-'; never "course", the whole course's."""
    return isinstance(lesson, str) and bool(LESSON_PART.fullmatch(lesson)) and lesson != "course"


def write_csv_rows(path: Path, rows: Iterable[Sequence[object]], mode: int = PRIVATE) -> Path:
    """A CSV file of rows (csv's default dialect, UTF-8 without a byte-order mark), atomically."""
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return write_atomic(path, text.getvalue(), mode)


def _replace(path: Path, mode: int, fill: Callable[[BinaryIO], object]) -> Path:
    """A temporary file beside path, given mode and filled, then moved over path."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), mode)
            fill(out)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    return path
