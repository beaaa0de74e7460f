"""Collecting a lesson's submissions from a folder or an LMS zip, trusting none of it.

A folder holds <student>/<notebook> or <student>/<lesson>/<notebook>. An LMS zip holds
<student>/.../<notebook> members (all of them may sit in a <lesson>/ folder) or flat
<student>_..._<notebook> ones; a member belongs to the student of its top folder only, so a
sub-folder named like another student changes nothing, and two names that become one student id
are reported. Each notebook is read here, once: from a folder through a descriptor opened without
following symlinks (fifos, devices and sockets are refused unopened); from a zip by decompressing
it, never past MAX_NOTEBOOK_BYTES, into a new file of its own under scratch (never extractall).
Anything odd becomes that student's error, or a row of its own, telling the instructor what to do.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
NOT_IN_ID = re.compile(r"[^A-Za-z0-9._@+-]")
# A lesson with its figures is a few MB; anything far larger is refused unread, never loaded.
MAX_NOTEBOOK_BYTES = 64 * 2**20
MB = 2**20
MAX_KEPT = 5  # competing notebooks of one student copied under scratch for the instructor
LISTED = 5  # files named in one message
SHOWN = 40  # characters of a bad name shown
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # Unicode categories shown escaped
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


@dataclass
class _File:
    """A notebook found for a student: its name, where it is, and (in a zip) its member."""

    name: str
    origin: str
    info: zipfile.ZipInfo | None = None
    owner: str = ""  # the zip's name for the student, before it became an id; "" for nobody
    problem: str = ""  # why a zip member belongs to nobody


class _Refused(Exception):
    """A submission that can't be graded: the message says why and what to do."""

    def __init__(self, message: str, origin: str = "") -> None:
        super().__init__(message)
        self.origin = origin


def collect(where: Path, lesson: str, notebook_names: set[str], scratch: Path) -> list[Submission]:
    """Submissions of a lesson from a folder or an LMS zip, by student; bad ones carry an error."""
    if where.is_file() and zipfile.is_zipfile(where):
        found = _from_zip(where, lesson, set(notebook_names), scratch / "unzipped")
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
        listing = _listing([file.origin for file in named])
        raise _Refused(
            f"{len(named)} files map to this student: {listing}; keep one and grade again"
        )
    if found:
        wanted, listing = " or ".join(sorted(names)), _listing([file.origin for file in found])
        raise _Refused(
            f"no notebook named {wanted} (found {listing}): renamed? Rename it and grade again"
        )
    raise _Refused("no notebook submitted")


def _check_file(mode: int, size: int, origin: str) -> None:
    """Refuse anything but a regular file of at most MAX_NOTEBOOK_BYTES (sized, not read)."""
    if stat.S_ISLNK(mode):
        raise _Refused(_symlink(origin), origin)
    if not stat.S_ISREG(mode):
        raise _Refused(
            f"{origin} is a {_kind(mode)}, not a file: hand in the notebook itself and grade again",
            origin,
        )
    if size > MAX_NOTEBOOK_BYTES:
        raise _Refused(
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


def _listing(items: list[str]) -> str:
    """The first few items, and how many more there are."""
    more = f" and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return ", ".join(items[:LISTED]) + more


def _shown(text: str, limit: int = SHOWN) -> str:
    """Untrusted text safe to show: control and invisible characters escaped (\\x07), cut."""
    clean = "".join(_escaped(c) for c in text[:limit])
    return clean[:limit] + "…" if len(clean) > limit or len(text) > limit else clean


def _escaped(c: str) -> str:
    """A character as it is, or as an escape if it is a control or invisible one."""
    if unicodedata.category(c) not in HIDDEN:
        return c
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


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
    label = entry if STUDENT.match(entry) else _shown(entry)
    try:
        mode = os.stat(entry, dir_fd=root, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            raise _Refused(_symlink(f"the folder {label}"), label)
        if not stat.S_ISDIR(mode):
            return None
        if not STUDENT.match(entry):
            raise _Refused(f"the folder name is not a student id: {RENAME}", label)
        return _student_folder(root, entry, lesson, names)
    except OSError as problem:
        refusal = _unreadable(problem, label)
    except _Refused as caught:
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
        raise _Refused(_symlink(f"the folder {origin}"), origin)
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
    """The student's row from the notebooks in an opened folder: the accepted one, read."""
    listed = sorted(n for n in os.listdir(folder) if n.endswith(".ipynb") and n[0] != ".")
    chosen = _pick([_File(n, f"{where}/{_shown(n, 80)}") for n in listed], names)
    return Submission(student, _read_file(chosen.name, folder, chosen.origin), "", chosen.origin)


def _read_file(name: str, folder: int, origin: str) -> bytes:
    """A regular file's bytes, opened without following a symlink or blocking; bounded."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        _check_file(info.st_mode, info.st_size, origin)  # a fifo or a device is never opened
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError as problem:
        raise _unreadable(problem, origin) from None
    try:
        info = os.fstat(fd)  # what was opened, should the name have been swapped meanwhile
        _check_file(info.st_mode, info.st_size, origin)
        return _read_bounded(fd, origin)
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
        raise _Refused(_too_far(origin), origin)  # it grew after it was sized
    return b"".join(chunks)


def _unreadable(problem: OSError, origin: str) -> _Refused:
    """The refusal for something the system would not open or read as asked."""
    if problem.errno in (errno.ELOOP, errno.ENOTDIR):  # O_NOFOLLOW met a symlink
        return _Refused(_symlink(origin), origin)
    return _Refused(
        f"{origin} could not be read ({problem.strerror}): check it and grade again", origin
    )


# ---------------------------------------------------------------- an LMS zip


def _from_zip(archive: Path, lesson: str, names: set[str], dest: Path) -> list[Submission]:
    """Rows from an LMS zip; each accepted notebook is copied to a new file under dest."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as problem:
        raise SystemExit(
            f"the zip {archive} could not be read ({problem}): download it again"
        ) from None
    with zf:
        files = [_member(info, lesson) for info in zf.infolist() if _is_notebook(info)]
        strays = [file for file in files if not file.owner]
        rows = [
            Submission(f"zip member #{n}", None, f.problem, f.origin)
            for n, f in enumerate(strays, 1)
        ]
        students: dict[str, list[_File]] = {}
        for file in files:
            if file.owner:
                students.setdefault(NOT_IN_ID.sub("-", file.owner)[:100], []).append(file)
        for student, owned in students.items():
            rows.append(_zip_student(zf, student, owned, names, dest / student))
    return rows


def _is_notebook(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is a notebook (not a folder, not a hidden file)."""
    name = re.split(r"[/\\]", info.filename)[-1]
    return not info.is_dir() and name.endswith(".ipynb") and not name.startswith(".")


def _member(info: zipfile.ZipInfo, lesson: str) -> _File:
    """A zip member and its one student: its top folder, or its flat name's first part."""
    origin = _shown(info.filename, 120)
    parts = [p for p in re.split(r"[/\\]", info.filename) if p not in ("", ".")]
    if info.filename.startswith(("/", "\\")) or ".." in parts or re.match("[A-Za-z]:", parts[0]):
        return _File(
            parts[-1], origin, info, problem=_stray(origin, "has an absolute path or '..'")
        )
    if len(parts) >= 2 and parts[0] == lesson:
        parts = parts[1:]
    if len(parts) >= 2:
        return _File(parts[-1], origin, info, parts[0])
    owner, _, rest = parts[0].partition("_")
    if not owner or not rest:
        why = "names no student (expected <student>/<notebook> or <student>_..._<notebook>)"
        return _File(parts[0], origin, info, problem=_stray(origin, why))
    return _File(rest.rsplit("_", 1)[-1], origin, info, owner)


def _stray(origin: str, why: str) -> str:
    """Why a zip member that belongs to no student is refused, and what to do."""
    return (
        f"the zip member {origin} {why}: refused, nothing extracted; if it holds a real"
        " submission, fix the zip and grade again"
    )


def _zip_student(
    zf: zipfile.ZipFile, student: str, owned: list[_File], names: set[str], folder: Path
) -> Submission:
    """A student's row from their members; competing notebooks are all kept under folder."""
    owners = sorted({file.owner for file in owned})
    if not STUDENT.match(student):
        label = _shown(owners[0])
        return Submission(
            label,
            None,
            f"the name {label} in the zip is not a student id: {RENAME}",
            owned[0].origin,
        )
    named = [file for file in owned if file.name in names]
    if len(owners) > 1 or len(named) > 1:
        _keep_all(zf, named, folder)
    try:
        if len(owners) > 1:
            listing = _listing([repr(_shown(owner)) for owner in owners])
            raise _Refused(
                f"{len(owners)} names in the zip map to the student id {student}:"
                f" {listing}; rename all but one in the zip and grade again"
            )
        chosen = _pick(owned, names)
        return Submission(student, _copy(zf, chosen, folder / chosen.name), "", chosen.origin)
    except _Refused as refusal:
        return Submission(student, None, str(refusal), refusal.origin or owned[0].origin)


def _keep_all(zf: zipfile.ZipFile, named: list[_File], folder: Path) -> None:
    """Copy a student's competing notebooks (the first MAX_KEPT), each to a new file."""
    for n, file in enumerate(named[:MAX_KEPT], 1):
        with suppress(_Refused):  # one that can't be copied is still named in the error
            _copy(zf, file, folder / f"{n}-{file.name}")


def _copy(zf: zipfile.ZipFile, file: _File, target: Path) -> bytes:
    """A member's bytes, also written to `target`, a new file (never one overwritten)."""
    data = _unpacked(zf, file)
    try:
        target.parent.mkdir(exist_ok=True)
        with open(target, "xb") as copy:
            copy.write(data)
    except OSError as problem:
        raise _Refused(
            f"{file.origin} could not be copied to {target} ({problem.strerror}):"
            " free some space and grade again",
            file.origin,
        ) from None
    return data


def _unpacked(zf: zipfile.ZipFile, file: _File) -> bytes:
    """A member's bytes: refused unread if its header is odd, never decompressed past the limit."""
    info = file.info
    if info.flag_bits & 0x1:
        raise _Refused(
            f"{file.origin} is encrypted: refused; hand it in without a password and grade again",
            file.origin,
        )
    mode = info.external_attr >> 16
    _check_file(mode if stat.S_IFMT(mode) else mode | stat.S_IFREG, info.file_size, file.origin)
    try:
        with zf.open(info) as stream:
            data = stream.read(MAX_NOTEBOOK_BYTES + 1)
    except Exception as problem:  # noqa: BLE001 - each codec fails its own way on a bad member
        raise _Refused(
            f"{file.origin} is corrupt in the zip ({type(problem).__name__}:"
            f" {_shown(str(problem), 80)}): download the zip again",
            file.origin,
        ) from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise _Refused(_too_far(file.origin), file.origin)  # its header lied about its size
    return data
