"""Collecting a lesson's submissions from a folder or an LMS zip, trusting none of it.

A folder holds <student>/<notebook> or <student>/<lesson>/<notebook>: nbgrader's own
submitted/<student>/<lesson>/<notebook> is one, and its timestamp.txt there gives the time handed
in (else the notebook's mtime). Each notebook is read here, once, through a descriptor opened
without following symlinks (fifos, devices and sockets are refused unopened), never past
MAX_NOTEBOOK_BYTES. An LMS zip (Canvas, Moodle, Blackboard, Gradescope or plain folders) is
first collected by grading.submitted into nbgrader's layout in a fresh course folder under
scratch, then read like any folder; what it could not place becomes a row of its own. The zip
readers shared with submitted and lms live here: members are decompressed, never past the limit,
never extracted.
Anything odd becomes that student's error, or a row of its own, telling the instructor what to do.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from grading.untrusted import escaped

if TYPE_CHECKING:
    from grading.roster import Roster
    from grading.submitted import Collected

STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
NOT_IN_ID = re.compile(r"[^A-Za-z0-9._@+-]")
# A lesson with its figures is a few MB; anything far larger is refused unread, never loaded.
MAX_NOTEBOOK_BYTES = 64 * 2**20
MB = 2**20
TIMESTAMP = "timestamp.txt"  # nbgrader's record of when a submission was handed in
SECRET = "submission_secret.txt"  # nbgrader's key to the student's feedback in the exchange
MAX_SECRET_BYTES = 1024
HEX = re.compile(r"[0-9a-f]{16,512}")
MAX_TIMESTAMP_BYTES = 1024
# nbgrader's own format for timestamp.txt (nbgrader.exchange.abc.Exchange.timestamp_format),
# written in UTC; nbgrader.utils.parse_utc reads it back.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
LISTED = 5  # files named in one message
RENAME = (
    "rename it to the student's id (a letter or digit, then letters, digits, '.', '@', '+' or"
    " '-') and grade again"
)


@dataclass
class Submission:
    """One student's notebook, read; or why it can't be graded."""

    student: str  # the student id
    data: bytes | None  # the notebook's bytes, read safely once here; None when there is an error
    error: str = ""  # why this student's submission can't be graded (shown to the instructor)
    origin: str = ""  # where it came from (the path inside the folder or zip member), for messages
    timestamp: datetime | None = None  # when it was handed in (UTC); None when there is an error
    secret: str = ""  # nbgrader's submission_secret.txt, which release_feedback needs; "" if none


@dataclass
class _File:
    """A notebook found in a student's folder: its name and where it is."""

    name: str
    origin: str


class Refused(Exception):
    """A submission or zip member that can't be used: the message says why and what to do."""

    def __init__(self, message: str, origin: str = "") -> None:
        super().__init__(message)
        self.origin = origin


def collect(
    where: Path,
    lesson: str,
    notebook_names: set[str],
    scratch: Path,
    roster: Roster | None = None,
) -> list[Submission]:
    """Submissions of a lesson from a folder or an LMS zip (whose LMS names a roster maps to
    students), by student; bad ones carry an error."""
    if where.is_file() and zipfile.is_zipfile(where):
        found = _from_zip(where, lesson, set(notebook_names), scratch / "lms", roster)
    elif where.is_dir():
        found = _from_folder(where, lesson, set(notebook_names))
    else:
        raise SystemExit(f"no submissions at {where}: give a folder of student folders or a zip")
    return sorted(found, key=lambda submission: submission.student)


# ---------------------------------------------------------------- what every source shares


def _pick(found: list[_File], names: set[str]) -> _File:
    """The one accepted notebook of a student; refused when there are none or several."""
    named = [file for file in found if file.name in names]
    if len(named) == 1:
        return named[0]
    if named:
        listed = listing([file.origin for file in named])
        raise Refused(f"{len(named)} files map to this student: {listed}; keep one and grade again")
    if found:
        wanted, listed = " or ".join(sorted(names)), listing([file.origin for file in found])
        raise Refused(
            f"no notebook named {wanted} (found {listed}): renamed? Rename it and grade again"
        )
    raise Refused("no notebook submitted")


def _check_file(mode: int, size: int, origin: str) -> None:
    """Refuse anything but a regular file of at most MAX_NOTEBOOK_BYTES (sized, not read)."""
    if stat.S_ISLNK(mode):
        raise Refused(_symlink(origin), origin)
    if not stat.S_ISREG(mode):
        raise Refused(
            f"{origin} is a {_kind(mode)}, not a file: hand in the notebook itself and grade again",
            origin,
        )
    if size > MAX_NOTEBOOK_BYTES:
        raise Refused(
            f"{origin} is {-(-size // MB)} MB, over the {MAX_NOTEBOOK_BYTES // MB} MB limit:"
            " clear its outputs and hand it in again",
            origin,
        )


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "folder" if stat.S_ISDIR(mode) else "special file"


def _symlink(origin: str) -> str:
    """Why a symlink is refused, and what to do."""
    return (
        f"{origin} is a symlink: refused (it can point at another student's work or a file of"
        " this machine); put the real file or folder there and grade again"
    )


def _too_far(origin: str) -> str:
    """Why a notebook that turned out longer than its size said is refused."""
    return (
        f"{origin} unpacks to more than the {MAX_NOTEBOOK_BYTES // MB} MB limit: refused;"
        " clear its outputs and hand it in again"
    )


def listing(items: list[str]) -> str:
    """The first few items, and how many more there are."""
    more = f" and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return ", ".join(items[:LISTED]) + more


def format_timestamp(when: datetime) -> str:
    """A time as nbgrader writes it in timestamp.txt, in UTC."""
    return when.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str, origin: str) -> datetime:
    """A timestamp.txt's time read as nbgrader reads it (parse_utc), in UTC; refused if not one."""
    from nbgrader.utils import parse_utc  # seconds to import: only once a timestamp.txt is found

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateutil warns of zone names it can't place
            naive = parse_utc(text.strip())
    except (ValueError, OverflowError):
        naive = None
    if naive is None:
        raise Refused(
            f"{origin} holds no time nbgrader can read ({escaped(text.strip())!r}): write the time"
            f" handed in there (e.g. {format_timestamp(datetime(2025, 1, 31, tzinfo=UTC))!r})"
            " or delete it, and grade again",
            origin,
        )
    return naive.replace(tzinfo=UTC)  # parse_utc gives UTC without a zone


# ---------------------------------------------------------------- a folder


def _from_folder(where: Path, lesson: str, names: set[str]) -> list[Submission]:
    """A row for each student folder of `where`, and for each symlink or bad name among them."""
    root = os.open(where, os.O_RDONLY | os.O_DIRECTORY)
    try:
        rows = (_folder_row(root, entry, lesson, names) for entry in os.listdir(root))
        return [row for row in rows if row is not None]
    finally:
        os.close(root)


def _folder_row(root: int, entry: str, lesson: str, names: set[str]) -> Submission | None:
    """The row of one entry of the submissions folder; None for a stray file."""
    label = entry if STUDENT.match(entry) else escaped(entry)
    try:
        mode = os.stat(entry, dir_fd=root, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            raise Refused(_symlink(f"the folder {label}"), label)
        if not stat.S_ISDIR(mode):
            return None
        if not STUDENT.match(entry):
            raise Refused(f"the folder name is not a student id: {RENAME}", label)
        return _student_folder(root, entry, lesson, names)
    except OSError as problem:
        refusal = _unreadable(problem, label)
    except Refused as caught:
        refusal = caught
    return Submission(label, None, str(refusal), refusal.origin or label)


def _student_folder(root: int, student: str, lesson: str, names: set[str]) -> Submission:
    """A student's row: the one accepted notebook in <student>/ or <student>/<lesson>/, read."""
    with _opened_folder(student, root, student) as folder:
        nested = f"{student}/{lesson}"
        if not _has_folder(lesson, folder, nested):
            return _read_choice(student, folder, student, names)
        with _opened_folder(lesson, folder, nested) as inner:
            return _read_choice(student, inner, nested, names)


def _has_folder(name: str, parent: int, origin: str) -> bool:
    """Whether `parent` holds a real folder `name`; refused if it holds a symlink of that name."""
    try:
        mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode):
        raise Refused(_symlink(f"the folder {origin}"), origin)
    return stat.S_ISDIR(mode)


@contextmanager
def _opened_folder(name: str, parent: int, origin: str) -> Iterator[int]:
    """A folder in `parent`, opened without following a symlink."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
    except OSError as problem:
        raise _unreadable(problem, f"the folder {origin}") from None
    try:
        yield fd
    finally:
        os.close(fd)


def _read_choice(student: str, folder: int, where: str, names: set[str]) -> Submission:
    """The student's row from the notebooks in an opened folder: the accepted one, read, dated."""
    listed = sorted(n for n in os.listdir(folder) if n.endswith(".ipynb") and n[0] != ".")
    chosen = _pick([_File(n, f"{where}/{escaped(n, 80)}") for n in listed], names)
    data, mtime = _read_file(chosen.name, folder, chosen.origin)
    when = _handed_in(folder, where, mtime)
    return Submission(student, data, "", chosen.origin, when, _secret(folder, where))


def _secret(folder: int, where: str) -> str:
    """nbgrader's submission_secret.txt in `folder` (hex digits), or "" when there is none or it
    is anything else (then the feedback can't be released to the exchange, nothing worse)."""
    try:
        info = os.stat(SECRET, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return ""
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SECRET_BYTES:
        return ""
    text, _ = _read_file(SECRET, folder, f"{where}/{SECRET}")
    secret = text.decode("ascii", "replace").strip()
    return secret if HEX.fullmatch(secret) else ""


def _handed_in(folder: int, where: str, mtime: float) -> datetime:
    """When the notebook in `folder` was handed in: nbgrader's timestamp.txt there, else mtime."""
    origin = f"{where}/{TIMESTAMP}"
    try:
        info = os.stat(TIMESTAMP, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return datetime.fromtimestamp(mtime, UTC)
    except OSError as problem:
        raise _unreadable(problem, origin) from None
    _check_file(info.st_mode, info.st_size, origin)
    if info.st_size > MAX_TIMESTAMP_BYTES:
        raise Refused(
            f"{origin} is {info.st_size} bytes, not a time: write the time handed in there or"
            " delete it, and grade again",
            origin,
        )
    text, _ = _read_file(TIMESTAMP, folder, origin)
    return parse_timestamp(text[:MAX_TIMESTAMP_BYTES].decode("utf-8", "replace"), origin)


def _read_file(name: str, folder: int, origin: str) -> tuple[bytes, float]:
    """A regular file's bytes and mtime, opened without following a symlink or blocking; bounded."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        _check_file(info.st_mode, info.st_size, origin)  # a fifo or a device is never opened
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError as problem:
        raise _unreadable(problem, origin) from None
    try:
        info = os.fstat(fd)  # what was opened, should the name have been swapped meanwhile
        _check_file(info.st_mode, info.st_size, origin)
        return _read_bounded(fd, origin), info.st_mtime
    except OSError as problem:
        raise _unreadable(problem, origin) from None
    finally:
        os.close(fd)


def _read_bounded(fd: int, origin: str) -> bytes:
    """All of an open file, but never more than MAX_NOTEBOOK_BYTES + 1 bytes of it."""
    chunks, left = [], MAX_NOTEBOOK_BYTES + 1
    while left and (chunk := os.read(fd, min(left, MB))):
        chunks.append(chunk)
        left -= len(chunk)
    if not left:
        raise Refused(_too_far(origin), origin)  # it grew after it was sized
    return b"".join(chunks)


def _unreadable(problem: OSError, origin: str) -> Refused:
    """The refusal for something the system would not open or read as asked."""
    if problem.errno in (errno.ELOOP, errno.ENOTDIR):  # O_NOFOLLOW met a symlink
        return Refused(_symlink(origin), origin)
    return Refused(
        f"{origin} could not be read ({problem.strerror}): check it and grade again", origin
    )


# ---------------------------------------------------------------- an LMS zip


def _from_zip(
    archive: Path, lesson: str, names: set[str], course: Path, roster: Roster | None
) -> list[Submission]:
    """Rows from an LMS zip: collected into a fresh course folder, read from its submitted/."""
    from grading.submitted import collect_zip  # it reads members with this module's readers

    shutil.rmtree(course, ignore_errors=True)
    collected = collect_zip(archive, lesson, course, roster, keep_archive=False)
    submitted = course / "submitted"
    rows = _from_folder(submitted, lesson, names) if submitted.is_dir() else []
    members = {entry.student: listing(entry.members) for entry in collected.written}
    for row in rows:
        row.origin = members.get(row.student, row.origin)  # the zip member, not the copy
    return rows + _unplaced(collected, set(members))


def _unplaced(collected: Collected, written: set[str]) -> list[Submission]:
    """A row for each student submitted wrote nothing for, and one for each member of nobody."""
    rows: list[Submission] = []
    students: dict[str, Submission] = {}
    for problem in collected.problems():
        origin = listing(problem.members)
        if not problem.student:
            label = f"zip member #{len(rows) + 1}"
            rows.append(Submission(label, None, problem.message, origin))
        elif problem.student in students:
            students[problem.student].error += f"; also {problem.message}"
        elif problem.student not in written:
            students[problem.student] = Submission(problem.student, None, problem.message, origin)
    return rows + list(students.values())


def member_parts(info: zipfile.ZipInfo) -> list[str]:
    """A zip member's path, split at / and \\; refused if absolute or climbing out with '..'."""
    parts = [p for p in re.split(r"[/\\]", info.filename) if p not in ("", ".")]
    absolute = info.filename.startswith(("/", "\\")) or re.match("[A-Za-z]:", info.filename)
    if absolute or ".." in parts or not parts:
        origin = escaped(info.filename, 120)
        raise Refused(
            f"the zip member {origin} has an absolute path or '..': refused, nothing extracted;"
            " if it holds a real submission, fix the zip and collect again",
            origin,
        )
    return parts


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> bytes:
    """A member's bytes: refused unread if its header is odd, never decompressed past the limit."""
    if info.flag_bits & 0x1:
        raise Refused(
            f"{origin} is encrypted: refused; hand it in without a password and grade again",
            origin,
        )
    mode = info.external_attr >> 16
    _check_file(mode if stat.S_IFMT(mode) else mode | stat.S_IFREG, info.file_size, origin)
    try:
        with zf.open(info) as stream:
            data = stream.read(MAX_NOTEBOOK_BYTES + 1)
    except Exception as problem:  # noqa: BLE001 - each codec fails its own way on a bad member
        raise Refused(
            f"{origin} is corrupt in the zip ({type(problem).__name__}:"
            f" {escaped(str(problem), 80)}): download the zip again",
            origin,
        ) from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise Refused(_too_far(origin), origin)  # its header lied about its size
    return data
