"""An LMS download zip collected into nbgrader's course layout, losing nothing.

As nbgrader's ZipCollect (`nbgrader zip_collect`) does, the zip is kept in
downloaded/<lesson>/archive/ and each student's notebook goes to
submitted/<student>/<lesson>/<notebook>, with nbgrader's timestamp.txt beside it. Unlike it,
nothing is extracted (each member is read through collect.read_member: capped, links refused),
each LMS's naming is known without a regular expression from the instructor (grading.lms says
whose each member is, and when), and nothing is overwritten or dropped.

An LMS identity is the student the roster maps it to, else the id made from it. A student's
latest submission wins; older ones are kept in downloaded/<lesson>/older/. Two LMS identities
that map to one student, or two different notebooks in one submission, are a collision: all
kept in downloaded/<lesson>/collisions/, none written. A notebook handed in under another name is
still the student's, with a note. Every member is written, kept, or named in the report
(downloaded/<lesson>/collect-report.txt).
"""

from __future__ import annotations

import filecmp
import os
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from grading.collect import (
    NOT_IN_ID,
    STUDENT,
    TIMESTAMP,
    Refused,
    format_timestamp,
    listing,
    parse_timestamp,
    read_member,
)
from grading.course import lesson_notebook
from grading.files import copy_atomic, write_atomic
from grading.lms import PARSERS, Identity, Member, read_download, stem
from grading.roster import Person, Roster
from grading.untrusted import escaped

REPORT = "collect-report.txt"
ROSTER_HINT = (
    "give --roster FILE, a CSV with each student's hub user name in 'student' and the LMS's id"
    " (canvas_id, moodle_id, sis_login_id, id_number or email), and collect again"
)


@dataclass
class Written:
    """A student's latest notebook, written to submitted/<student>/<lesson>/."""

    student: str
    path: Path
    members: list[str]  # the zip member(s) it is (identical copies), shown escaped
    timestamp: datetime
    note: str = ""


@dataclass
class Kept:
    """A notebook kept for the instructor under downloaded/<lesson>/, never graded."""

    student: str
    path: Path
    member: str  # the zip member it is ("" for a copy an earlier collection wrote)
    timestamp: datetime


@dataclass
class Problem:
    """What the instructor must look at: the members concerned, what happened, what to do."""

    message: str
    members: list[str]
    student: str = ""  # the student it concerns; "" when the members belong to nobody yet


@dataclass
class Collected:
    """What collect_zip did with every member of an LMS zip."""

    lms: str
    lesson: str
    course: Path
    archive: str  # the zip's file name
    written: list[Written] = field(default_factory=list)
    older: list[Kept] = field(default_factory=list)
    collisions: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)  # members read for whose work is which
    notes: list[str] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        """Collisions, then members nobody in the roster matches, then refused members."""
        return self.collisions + self.unmatched + self.refused

    def report(self) -> str:
        """A short report for the instructor: what was written and kept, and what to fix."""
        counts = (
            f"{len(self.written)} written to submitted/, {len(self.older)} older kept,"
            f" {len(self.collisions)} collisions, {len(self.unmatched)} not in the roster,"
            f" {len(self.refused)} refused, {len(self.ignored)} ignored"
        )
        lines = [f"{self.lesson}: {escaped(self.archive, 80)} read as {self.lms}: {counts}"]
        if self.written:
            lines.append(f"written: {listing([entry.student for entry in self.written])}")
        lines += [f"  {entry.student}: {entry.note}" for entry in self.written if entry.note]
        if self.older:
            kept = [str(entry.path.relative_to(self.course)) for entry in self.older]
            lines.append(f"older submissions kept (not graded): {listing(kept)}")
        for title, problems in (
            ("collisions (nothing written for these students)", self.collisions),
            ("not in the roster", self.unmatched),
            ("refused", self.refused),
        ):
            lines += [f"{title}:"] * bool(problems) + [f"  - {p.message}" for p in problems]
        if self.ignored:
            lines.append(f"ignored (not notebooks): {listing(self.ignored)}")
        if self.metadata:
            lines.append(f"read for the submitters: {listing(self.metadata)}")
        return "\n".join(lines + [f"note: {note}" for note in self.notes]) + "\n"


def collect_zip(
    archive: Path,
    lesson: str,
    course: Path,
    roster: Roster | None,
    *,
    zone: tzinfo = UTC,
    keep_archive: bool = True,
) -> Collected:
    """Collect an LMS download zip of a lesson into nbgrader's layout in the course folder."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as problem:
        raise SystemExit(
            f"the zip {archive} could not be read ({problem}): download it again"
        ) from None
    with zf:
        if keep_archive:
            _keep_archive(archive, course / "downloaded" / lesson / "archive")
        collected = _collect(zf, lesson, course, roster, zone, archive.name)
    report = collected.report()
    _write_file(course / "downloaded" / lesson / REPORT, report.encode())
    return collected


def _collect(
    zf: zipfile.ZipFile,
    lesson: str,
    course: Path,
    roster: Roster | None,
    zone: tzinfo,
    archive: str,
) -> Collected:
    """Every member of the zip named by its LMS, grouped by student, then placed or reported."""
    download = read_download(zf, lesson, roster, zone)
    refused = [Problem(str(refusal), [refusal.origin]) for refusal in download.refused]
    done = Collected(
        download.lms,
        lesson,
        course,
        archive,
        refused=refused,
        ignored=download.ignored,
        metadata=download.metadata,
    )
    writer = _Writer(course, lesson, done)
    chooser = _Chooser(zf, writer, download.names)
    for student, identities in _students(download.members, roster, done).items():
        chooser.place(student, identities)
    done.notes += _collection_notes(done.lms, roster, zone, writer.zip_dated)
    return done


# ---------------------------------------------------------------- whose members are whose


class _NotInRoster(Exception):
    """An LMS identity the roster maps to nobody, or to several: the message says which row."""


def _students(
    members: list[Member], roster: Roster | None, done: Collected
) -> dict[str, dict[Identity, list[Member]]]:
    """Each student's members, by the LMS identity they came under; an identity of nobody
    reported in done."""
    by_identity: dict[Identity, list[Member]] = {}
    for member in members:
        for who in member.who:
            by_identity.setdefault(who, []).append(member)
    students: dict[str, dict[Identity, list[Member]]] = {}
    for who, owned in by_identity.items():
        origins = [member.origin for member in owned]
        try:
            student = _student(who, roster)
        except _NotInRoster as problem:
            done.unmatched.append(Problem(str(problem), origins))
        except Refused as refusal:
            done.refused.append(Problem(str(refusal), origins))
        else:
            students.setdefault(student, {})[who] = owned
    return dict(sorted(students.items()))


def _student(who: Identity, roster: Roster | None) -> str:
    """The student id of an LMS identity: from the roster, else made; refused if there is none."""
    if roster is None:
        if not who.made:
            raise Refused(f"{who.label} makes no student id: {ROSTER_HINT}")
        return who.made
    found = roster.lookup(list(who.lookups))
    if len(found) != 1:
        raise _NotInRoster(_not_in_roster(who, found))
    student = found[0].student
    if not STUDENT.match(student):
        raise Refused(
            f"the roster names {who.label} {escaped(student)!r}, which can't be a folder name:"
            " give them a student id of letters, digits, '.', '@', '+' or '-' and collect again"
        )
    return student


def _not_in_roster(who: Identity, found: list[Person]) -> str:
    """Why an LMS identity maps to nobody in the roster, and the row to add or fix."""
    field_name, value = next(((f, v) for f, v in who.lookups if v), who.lookups[0])
    if found:
        rows = listing(sorted(person.student for person in found))
        return (
            f"{who.label} matches {len(found)} roster rows ({escaped(rows, 120)}): give the right"
            f" one {field_name} {escaped(value)!r} and collect again"
        )
    return (
        f"{who.label} is not in the roster: add a row with {field_name} {escaped(value)!r} and"
        " their hub user name in 'student', then collect again"
    )


# ---------------------------------------------------------------- which member goes where


class _Chooser:
    """Which of each student's members is written, kept as older, or kept as a collision."""

    def __init__(self, zf: zipfile.ZipFile, writer: _Writer, names: set[str]) -> None:
        self.zf, self.writer, self.names = zf, writer, names
        self.done = writer.done

    def place(self, student: str, identities: dict[Identity, list[Member]]) -> None:
        """A student's latest notebook written, older ones kept; a collision written for none."""
        if len(identities) > 1:
            everything = [m for owned in identities.values() for m in owned]
            labels = listing([who.label for who in identities])
            why = f"{len(identities)} LMS identities map to the student {student}: {labels}"
            self._collide(student, everything, why, "give each its own roster row")
            return
        latest, older = _latest(next(iter(identities.values())))
        for member in older:
            if (data := self._readable(member, student)) is not None:
                self.writer.keep_older(student, member, data)
        self._place_latest(student, latest)

    def _place_latest(self, student: str, latest: list[Member]) -> None:
        """The student's latest submission: its one notebook written, or why not reported."""
        read = [(member, _read(self.zf, member)) for member in latest]
        refusals = [str(data) for _, data in read if isinstance(data, Refused)]
        if refusals:
            for member, data in read:
                if isinstance(data, bytes):
                    self.writer.keep_older(student, member, data)
            message = (
                f"{'; '.join(refusals)}: that is the latest submission of {student}, so nothing"
                " was written to submitted/ (an older one is not graded in its place)"
            )
            self.done.refused.append(Problem(message, [m.origin for m in latest], student))
            return
        if len({data for _, data in read}) > 1:
            files = listing([member.origin for member in latest])
            why = f"{student} handed in {len(latest)} different notebooks at once: {files}"
            self._collide(student, latest, why, "keep one in the LMS (or in submitted/ by hand)")
            return
        chosen = max(latest, key=lambda member: member.when)  # of identical copies
        origins = [member.origin for member in latest]
        self.writer.write(student, chosen, origins, read[0][1], _notes(chosen, self.names))

    def _collide(self, student: str, members: list[Member], why: str, fix: str) -> None:
        """Every member kept under collisions/<student>/, none written, the collision reported."""
        for member in members:
            if (data := self._readable(member, student)) is not None:
                self.writer.keep_aside(student, member, data)
        self.writer.collided(student, [member.origin for member in members], why, fix)

    def _readable(self, member: Member, student: str) -> bytes | None:
        """A member's bytes; None, and the refusal reported, if they can't be read."""
        data = _read(self.zf, member)
        if isinstance(data, Refused):
            self.done.refused.append(Problem(str(data), [member.origin], student))
            return None
        return data


def _latest(owned: list[Member]) -> tuple[list[Member], list[Member]]:
    """A student's members of their latest attempt (copies, or a collision), and the older ones."""
    top = max(member.attempt for member in owned)
    return [m for m in owned if m.attempt == top], [m for m in owned if m.attempt != top]


def _read(zf: zipfile.ZipFile, member: Member) -> bytes | Refused:
    """A member's bytes, or why they can't be read."""
    try:
        return read_member(zf, member.info, member.origin)
    except Refused as refusal:
        return refusal


def _notes(chosen: Member, names: set[str]) -> list[str]:
    """What the instructor should know of a written notebook: another name, lateness."""
    notes = [f"handed in as {escaped(chosen.file, 60)}"] * (stem(chosen.file) not in names)
    return notes + ["late, says Canvas"] * chosen.late


def _collection_notes(lms: str, roster: Roster | None, zone: tzinfo, zip_dated: bool) -> list[str]:
    """The notes that concern the whole collection: no roster, zone-less zip dates."""
    notes = []
    if roster is None and lms in PARSERS:
        notes.append(f"no roster: the student ids are made from {lms}'s ids; {ROSTER_HINT}")
    if zip_dated:
        notes.append(
            f"timestamp.txt holds the zip's dates, which carry no zone: read as {zone} (give the"
            " LMS's zone if it is another)"
        )
    return notes


# ---------------------------------------------------------------- files written


class _Writer:
    """What one collection writes into the course, each file once and never over another, and
    the record of it in `done`."""

    def __init__(self, course: Path, lesson: str, done: Collected) -> None:
        self.course, self.lesson, self.done = course, lesson, done
        self.notebook = lesson_notebook(lesson).name
        self.downloaded = course / "downloaded" / lesson
        self.zip_dated = False  # whether a written time is the zip's date, which has no zone

    def write(
        self, student: str, chosen: Member, members: list[str], data: bytes, notes: list[str]
    ) -> None:
        """The notebook and its timestamp.txt written to submitted/, unless a later one is there."""
        folder = self.course / "submitted" / student / self.lesson
        target = folder / self.notebook
        there = _already_there(target)
        if there and there[1] > chosen.when:
            self.keep_older(student, chosen, data)
            later = format_timestamp(there[1])
            note = f"{student}: submitted/ holds a later submission ({later}), left there"
            self.done.notes.append(f"{note}; {chosen.origin} kept in older/")
            return
        if there and there[0] != data:
            name = f"{_stamp(there[1])}-{self.notebook}"
            path = _keep_file(self.downloaded / "older" / student, name, there[0])
            self.done.older.append(Kept(student, path, "", there[1]))
            notes = [*notes, "replaces what an earlier collection wrote (kept in older/)"]
        self.zip_dated |= not chosen.dated_by_lms
        _write_file(target, data)
        _write_file(folder / TIMESTAMP, format_timestamp(chosen.when).encode())
        self.done.written.append(Written(student, target, members, chosen.when, "; ".join(notes)))

    def keep_older(self, student: str, member: Member, data: bytes) -> None:
        """A member's notebook kept under older/<student>/, never graded."""
        path = _keep_file(self.downloaded / "older" / student, _kept_name(member), data)
        self.done.older.append(Kept(student, path, member.origin, member.when))

    def keep_aside(self, student: str, member: Member, data: bytes) -> None:
        """A member of a collision kept under collisions/<student>/, never graded."""
        _keep_file(self.downloaded / "collisions" / student, _kept_name(member), data)

    def collided(self, student: str, members: list[str], why: str, fix: str) -> None:
        """A collision reported: nothing written for the student, their members kept aside."""
        where = (self.downloaded / "collisions" / student).relative_to(self.course)
        message = (
            f"{why}: nothing written to submitted/, all kept in {where}/; {fix}, then collect again"
        )
        self.done.collisions.append(Problem(message, members, student))


def _already_there(target: Path) -> tuple[bytes, datetime] | None:
    """What an earlier collection wrote for this notebook, and when it was handed in."""
    if not target.is_file():
        return None
    stamp = target.with_name(TIMESTAMP)
    try:
        when = parse_timestamp(stamp.read_text(errors="replace"), str(stamp))
    except (OSError, Refused):
        when = datetime.fromtimestamp(target.stat().st_mtime, UTC)
    return target.read_bytes(), when


def _kept_name(member: Member) -> str:
    """The name a kept copy gets: when it was handed in, then its own name made safe."""
    return f"{_stamp(member.when)}-{NOT_IN_ID.sub('-', member.file)[:80]}"


def _stamp(when: datetime) -> str:
    """A time as a part of a file name, in UTC."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")


def _keep_file(folder: Path, name: str, data: bytes) -> Path:
    """A copy of data in folder under name (or name-2, -3 ...), never over another file."""
    base, suffix = os.path.splitext(name)
    path, number = folder / name, 1
    while path.exists():
        if path.read_bytes() == data:
            return path  # kept by an earlier collection
        number += 1
        path = folder / f"{base}-{number}{suffix}"
    _write_file(path, data)
    return path


def _keep_archive(archive: Path, folder: Path) -> Path:
    """The zip copied into downloaded/<lesson>/archive/ (as ZipCollect keeps it), once."""
    folder.mkdir(parents=True, exist_ok=True)
    path, number = folder / archive.name, 1
    while path.exists():
        if path.samefile(archive) or filecmp.cmp(path, archive, shallow=False):
            return path
        number += 1
        path = folder / f"{archive.stem}-{number}{archive.suffix}"
    _write_file(path, copy_of=archive)
    return path


def _write_file(target: Path, data: bytes = b"", copy_of: Path | None = None) -> None:
    """data (or a copy of the file copy_of) into target, all or nothing (grading.files), its
    folder made; a failure stops the collection, saying what to do."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if copy_of is None:
            write_atomic(target, data)
        else:
            copy_atomic(copy_of, target)
    except OSError as problem:
        raise SystemExit(
            f"could not write {target} ({problem.strerror}): free some space or fix the"
            " folder's permissions, then collect again"
        ) from None
