"""An LMS download zip collected into nbgrader's course layout, losing nothing.

As nbgrader's ZipCollect (`nbgrader zip_collect`) does, the zip is kept in
downloaded/<lesson>/archive/ and each student's notebook goes to
submitted/<student>/<lesson>/<notebook>, with nbgrader's timestamp.txt beside it. Unlike it,
nothing is extracted (each member is read through collect.read_member: capped, links refused),
each LMS's naming is known without a regular expression from the instructor, and nothing is
overwritten or dropped. How each LMS names its download (and so who and when a member is):

- Canvas: flat <lastfirst>_[LATE_]<user id>_<submission id>_<file>; a file uploaded again is
  renamed <file>-1, -2 (the highest is the latest). The student: roster canvas_id, else
  canvas-<user id>, so two students of one name stay two. Time: the zip's.
- Moodle: <Full Name>_<participant>_assignsubmission_file_/<file> (a folder per submission, the
  default since Moodle 3.1), or flat <Full Name>_<participant>_assignsubmission_file_<file>. The
  student: roster moodle_id, then the full name if one row has it, else moodle-<participant>.
  Time: the zip's.
- Blackboard: flat <assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>, and a .txt
  receipt per attempt (ignored); the latest attempt wins. The student: roster sis_login_id, then
  student, else the username. Time: the attempt's.
- Gradescope: [assignment_<n>_export/]submission_<n>/<file>, and submission_metadata.yml naming
  each submission's :submitters: (:name:, :sid:, :email:) and :created_at:. The student (each
  submitter of a group): roster id_number by sid, then email, else the sid (or e-mail). Time:
  :created_at:.
- folders: <student>/[<lesson>/]<file>, or flat <student>_<anything>.ipynb. The student: roster
  student, else the name made an id. Time: the zip's.

The LMS is the one whose naming more than half the notebooks follow, else folders. A student's
latest submission wins; older ones are kept in downloaded/<lesson>/older/. Two LMS identities
that map to one student, or two different notebooks in one submission, are a collision: all
kept in downloaded/<lesson>/collisions/, none written. A notebook handed in under another name is
still the student's, with a note. Every member is written, kept, or named in the report
(downloaded/<lesson>/collect-report.txt).
"""

from __future__ import annotations

import filecmp
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import yaml

from grading.collect import (
    NOT_IN_ID,
    STUDENT,
    TIMESTAMP,
    Refused,
    format_timestamp,
    listing,
    member_parts,
    parse_timestamp,
    read_member,
)
from grading.course import lesson_notebook
from grading.files import copy_atomic, write_atomic
from grading.roster import Person, Roster
from grading.untrusted import escaped

CANVAS = re.compile(
    r"^(?P<name>.+?)_(?:(?P<late>late)_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$",
    re.IGNORECASE,
)
RESUBMITTED = re.compile(r"-(\d{1,6})$")  # Canvas's perceptron-2.ipynb: the third upload
# Moodle's prefix is the full name with '_' made ' ', then '_' and the participant id.
MOODLE = re.compile(r"^(?P<name>[^_]*)_(?P<participant>\d+)_assignsubmission_[a-z]+_(?P<file>.*)$")
BLACKBOARD = re.compile(r"^(?P<head>.+?)_attempt_(?P<date>\d{4}(?:-\d\d){5})_(?P<file>.+)$")
EXPORT = re.compile(r"^assignment_\d+_export$")
SUBMISSION = re.compile(r"^submission_(?P<number>\d+)$")
METADATA = "submission_metadata.yml"
DECORATION = re.compile(r"(?:\s*\(\d+\)|[-_ ]\d+)$")  # what an LMS or an OS adds to a name
JUNK = "__MACOSX"  # the resource forks macOS adds to the zips it makes
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
        collected = _Collector(zf, lesson, course, roster, zone, archive.name).run()
    report = collected.report()
    _write_file(course / "downloaded" / lesson / REPORT, report.encode())
    return collected


# ---------------------------------------------------------------- what a member's name says


@dataclass(frozen=True)
class _Identity:
    """A student as the LMS names them; two are the same student only by their key."""

    key: str  # the LMS's id for them, e.g. "canvas:12345"
    label: str = field(compare=False)  # how the report names them, shown escaped
    lookups: tuple[tuple[str, str], ...] = field(compare=False)  # roster (field, value) pairs
    made: str = field(compare=False)  # their student id without a roster; "" when none can be made


@dataclass
class _Member:
    """A notebook in the zip and what its name (or the LMS's metadata) says of it."""

    info: zipfile.ZipInfo
    origin: str  # its name in the zip, shown escaped
    file: str  # the name the student gave the file
    who: list[_Identity]  # its students (several for a Gradescope group)
    attempt: tuple  # orders one student's submissions: the highest is the latest
    when: datetime  # when it was handed in, in UTC
    dated_by_lms: bool  # whether `when` is the LMS's record, not the zip's date
    late: bool = False  # what Canvas says


@dataclass
class _Context:
    """What parsing a member's name needs beyond the name."""

    zone: tzinfo  # the zone of the zip's dates and Blackboard's
    roster: Roster | None
    names: set[str]  # the lesson's notebook names, lower case, without .ipynb
    metadata: dict | None = None  # Gradescope's submission_metadata.yml, read
    metadata_problem: str = f"the zip has no {METADATA}"


_Parser = Callable[[list[str], zipfile.ZipInfo, _Context], "_Member | None"]


def _canvas(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> _Member | None:
    """A Canvas member (flat): <lastfirst>_[LATE_]<user id>_<submission id>_<file>."""
    match = CANVAS.match(parts[0]) if len(parts) == 1 else None
    if not match:
        return None
    user, name = match["user"], escaped(match["name"])
    label = f"Canvas user {user} ({name})"
    who = _Identity(f"canvas:{user}", label, (("canvas_id", user),), f"canvas-{user}")
    attempt = (_resubmission(match["file"]),)
    when = _zip_time(info, ctx.zone)
    late = bool(match["late"])
    return _Member(info, _origin(info), match["file"], [who], attempt, when, False, late)


def _moodle(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> _Member | None:
    """A Moodle member: <name>_<participant>_assignsubmission_file_/<file>, or flat _file_<file>."""
    match = MOODLE.match(parts[0])
    flat = len(parts) == 1
    if not match or flat != bool(match["file"]):  # a folder's name ends at _file_
        return None
    number, name = match["participant"], match["name"]
    who = _Identity(
        f"moodle:{number}",
        f"Moodle participant {number} ({escaped(name)})",
        (("moodle_id", number), ("full_name", name)),
        f"moodle-{number}",
    )
    file = match["file"] if flat else parts[-1]
    return _Member(info, _origin(info), file, [who], (), _zip_time(info, ctx.zone), False)


def _blackboard(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> _Member | None:
    """A Blackboard member (flat): <assignment>_<username>_attempt_<date>_<file>."""
    match = BLACKBOARD.match(parts[0]) if len(parts) == 1 else None
    user = _blackboard_user(match["head"], ctx.roster) if match else ""
    if not user:
        return None
    origin = _origin(info)
    try:
        local = datetime.strptime(match["date"], "%Y-%m-%d-%H-%M-%S")
    except ValueError:
        raise Refused(
            f"the zip member {origin} has no real attempt date ({match['date']}): refused;"
            " download the zip again",
            origin,
        ) from None
    when = local.replace(tzinfo=ctx.zone).astimezone(UTC)
    who = _Identity(
        f"blackboard:{user}",
        f"Blackboard user {escaped(user)}",
        (("sis_login_id", user), ("student", user)),
        _made_id(user),
    )
    return _Member(info, origin, match["file"], [who], (when,), when, True)


def _blackboard_user(head: str, roster: Roster | None) -> str:
    """The username ending <assignment>_<username>: its last part, or a longer one the roster
    knows (a username with '_' in it)."""
    if "_" not in head:
        return ""
    if roster is not None:
        tails = [head[i + 1 :] for i, c in enumerate(head) if c == "_"]  # the longest first
        known = [t for t in tails if roster.lookup([("sis_login_id", t), ("student", t)])]
        if known:
            return known[0]
    return head.rpartition("_")[2]


def _gradescope(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> _Member | None:
    """A Gradescope member: [assignment_<n>_export/]submission_<n>/<file>, its submitters and
    time from submission_metadata.yml."""
    inner = parts[1:] if EXPORT.match(parts[0]) else parts
    match = SUBMISSION.match(inner[0]) if len(inner) >= 2 else None
    if not match:
        return None
    origin = _origin(info)
    entry = _gradescope_entry(ctx, inner[0], origin)
    who = [_submitter(person, inner[0], origin) for person in entry[":submitters"]]
    created = entry.get(":created_at")
    if isinstance(created, datetime):
        when = (created if created.tzinfo else created.replace(tzinfo=ctx.zone)).astimezone(UTC)
    else:
        when = _zip_time(info, ctx.zone)
    attempt = (when, int(match["number"]))
    return _Member(info, origin, inner[-1], who, attempt, when, isinstance(created, datetime))


def _gradescope_entry(ctx: _Context, folder: str, origin: str) -> dict:
    """What submission_metadata.yml says of one submission folder; refused if it says nothing."""
    if ctx.metadata is None:
        raise Refused(
            f"the zip member {origin} can't be placed: {ctx.metadata_problem}, which names the"
            " submitters; download the whole export from Gradescope again",
            origin,
        )
    entry = ctx.metadata.get(folder)
    if not isinstance(entry, dict) or not entry.get(":submitters"):
        raise Refused(
            f"the zip member {origin} can't be placed: {METADATA} names no submitter of"
            f" {folder}; download the whole export from Gradescope again",
            origin,
        )
    if not isinstance(entry[":submitters"], list):
        entry = {**entry, ":submitters": [entry[":submitters"]]}
    return entry


def _submitter(person: object, folder: str, origin: str) -> _Identity:
    """One submitter of a Gradescope submission: by sid, else by e-mail."""
    details = person if isinstance(person, dict) else {}
    name, sid, email = (_scalar(details.get(key)) for key in (":name", ":sid", ":email"))
    if not sid and not email:
        raise Refused(
            f"the zip member {origin} can't be placed: {METADATA} gives no sid or e-mail for"
            f" a submitter of {folder} ({escaped(name)!r}); add them to the course roster in"
            " Gradescope, export again and collect again",
            origin,
        )
    key = f"gradescope:sid:{sid}" if sid else f"gradescope:email:{email.casefold()}"
    said = ", ".join(part for part in (sid and f"sid {escaped(sid)}", escaped(email, 60)) if part)
    label = f"Gradescope submitter {escaped(name)} ({said})"
    return _Identity(key, label, (("id_number", sid), ("email", email)), _made_id(sid or email))


def _folders(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> _Member | None:
    """A member of a zip of folders: <student>/[<lesson>/]<file>, or flat <student>_<file>."""
    origin = _origin(info)
    if len(parts) >= 2:
        owner = parts[0]
    else:
        owner, _, rest = parts[0].partition("_")
        if not rest or _stem(parts[0]) in ctx.names:  # log_loss.ipynb names a lesson, not log
            owner = ""
    if not owner:
        raise Refused(
            f"the zip member {origin} names no student (expected <student>/<notebook> or"
            " <student>_..._<notebook>): refused; if it holds a submission, put it in a folder"
            " named after the student and collect again",
            origin,
        )
    label = f"the name {escaped(owner)!r} in the zip"
    who = _Identity(f"folder:{owner}", label, (("student", owner),), _made_id(owner))
    return _Member(info, origin, parts[-1], [who], (), _zip_time(info, ctx.zone), False)


PARSERS: dict[str, _Parser] = {
    "Gradescope": _gradescope,
    "Moodle": _moodle,
    "Blackboard": _blackboard,
    "Canvas": _canvas,
}


def _resubmission(file: str) -> int:
    """Canvas's count of a resubmitted file: 2 for perceptron-2.ipynb, 0 for perceptron.ipynb."""
    match = RESUBMITTED.search(file.rpartition(".")[0] or file)
    return int(match[1]) if match else 0


def _zip_time(info: zipfile.ZipInfo, zone: tzinfo) -> datetime:
    """A member's date in the zip, in UTC. A zip records local time without a zone: it is read
    in `zone` (UTC unless the caller knows the LMS's)."""
    try:
        return datetime(*info.date_time, tzinfo=zone).astimezone(UTC)
    except ValueError:  # a date the zip tool made up (month 0): the zip's own epoch
        return datetime(1980, 1, 1, tzinfo=UTC)


def _origin(info: zipfile.ZipInfo) -> str:
    """A member's name, safe to show."""
    return escaped(info.filename, 120)


def _scalar(value: object) -> str:
    """A metadata value (a string or a number) as text, stripped and cut; "" for anything else."""
    plain = isinstance(value, str | int) and not isinstance(value, bool)
    return str(value).strip()[:200] if plain else ""


def _made_id(text: str) -> str:
    """A student id made from an LMS's name for them; "" when none can be made."""
    made = NOT_IN_ID.sub("-", text)[:100]
    return made if STUDENT.match(made) else ""


def _stem(file: str) -> str:
    """A file's name without .ipynb and what an LMS or OS adds (perceptron-1, log_loss (2))."""
    stem = file[: -len(".ipynb")] if file.lower().endswith(".ipynb") else file
    while (plain := DECORATION.sub("", stem)) != stem and plain:
        stem = plain
    return stem.strip().lower()


def _ignored(parts: list[str]) -> bool:
    """Whether a member is no notebook: another kind of file, hidden, or macOS's resource fork."""
    hidden = any(part.startswith(".") or part == JUNK for part in parts)
    return hidden or not parts[-1].lower().endswith(".ipynb")


# ---------------------------------------------------------------- the collection


class _Collector:
    """One collection of a zip into a course: each member read, placed or reported."""

    def __init__(
        self,
        zf: zipfile.ZipFile,
        lesson: str,
        course: Path,
        roster: Roster | None,
        zone: tzinfo,
        archive: str,
    ) -> None:
        self.zf, self.lesson, self.course, self.roster = zf, lesson, course, roster
        self.notebook = lesson_notebook(lesson).name
        self.downloaded = course / "downloaded" / lesson
        self.ctx = _Context(zone, roster, {_stem(self.notebook), _stem(f"{lesson}.ipynb")})
        self.done = Collected("", lesson, course, archive)
        self.zip_dated = False  # whether a written time is the zip's date, which has no zone

    def run(self) -> Collected:
        """Read, place and report every member."""
        notebooks = self._sort_members()
        self.done.lms = _detect(notebooks, self.ctx)
        members = [m for parts, info in notebooks if (m := self._parse(parts, info))]
        for student, identities in self._students(members).items():
            self._place(student, identities)
        self._add_notes()
        return self.done

    # -- members

    def _sort_members(self) -> list[tuple[list[str], zipfile.ZipInfo]]:
        """The notebook members and their paths; the others ignored, refused or read (metadata)."""
        notebooks, metadata = [], []
        for info in self.zf.infolist():
            if info.is_dir():
                continue
            try:
                parts = member_parts(info)
            except Refused as refusal:
                self.done.refused.append(Problem(str(refusal), [refusal.origin]))
                continue
            if len(parts) >= 2 and parts[0] == self.lesson:
                parts = parts[1:]
            if parts[-1] == METADATA and (len(parts) == 1 or EXPORT.match(parts[0])):
                metadata.append(info)
            elif _ignored(parts):
                self.done.ignored.append(_origin(info))
            else:
                notebooks.append((parts, info))
        self._read_metadata(metadata)
        return notebooks

    def _read_metadata(self, found: list[zipfile.ZipInfo]) -> None:
        """Gradescope's submission_metadata.yml, parsed as plain data only."""
        self.done.metadata += [_origin(info) for info in found]
        if len(found) > 1:
            self.ctx.metadata_problem = f"the zip has {len(found)} files named {METADATA}"
            return
        if not found:
            return
        origin = _origin(found[0])
        try:
            data = read_member(self.zf, found[0], origin)
            metadata = yaml.load(data, Loader=_PlainLoader)  # safe: plain data, never objects
        except Refused as refusal:
            self.ctx.metadata_problem = str(refusal)
            return
        except Exception as problem:  # noqa: BLE001 - broken YAML fails in many ways
            self.ctx.metadata_problem = f"{origin} is not YAML ({type(problem).__name__})"
            return
        if not isinstance(metadata, dict):
            self.ctx.metadata_problem = f"{origin} is not the list of submissions Gradescope writes"
            return
        self.ctx.metadata = metadata

    def _parse(self, parts: list[str], info: zipfile.ZipInfo) -> _Member | None:
        """A notebook member as the zip's LMS names it; None (and a refusal) if it can't be."""
        parse = PARSERS.get(self.done.lms, _folders)
        try:
            member = parse(parts, info, self.ctx)
        except Refused as refusal:
            self.done.refused.append(Problem(str(refusal), [refusal.origin]))
            return None
        if member is None:
            origin = _origin(info)
            self.done.refused.append(
                Problem(
                    f"the zip member {origin} is not named as {self.done.lms} names"
                    " submissions, unlike the rest of this zip: refused; if it holds a"
                    " submission, put it in submitted/ by hand",
                    [origin],
                )
            )
        return member

    # -- students

    def _students(self, members: list[_Member]) -> dict[str, dict[_Identity, list[_Member]]]:
        """Each student's members, by the LMS identity they came under."""
        by_identity: dict[_Identity, list[_Member]] = {}
        for member in members:
            for who in member.who:
                by_identity.setdefault(who, []).append(member)
        students: dict[str, dict[_Identity, list[_Member]]] = {}
        for who, owned in by_identity.items():
            if student := self._student(who, [m.origin for m in owned]):
                students.setdefault(student, {})[who] = owned
        return dict(sorted(students.items()))

    def _student(self, who: _Identity, members: list[str]) -> str:
        """The student id of an LMS identity: from the roster, else made; "" (reported) if none."""
        if self.roster is None:
            if not who.made:
                message = f"{who.label} makes no student id: {ROSTER_HINT}"
                self.done.refused.append(Problem(message, members))
            return who.made
        found = self.roster.lookup(list(who.lookups))
        if len(found) != 1:
            self.done.unmatched.append(Problem(_not_in_roster(who, found), members))
            return ""
        student = found[0].student
        if not STUDENT.match(student):
            message = (
                f"the roster names {who.label} {escaped(student)!r}, which can't be a folder name:"
                " give them a student id of letters, digits, '.', '@', '+' or '-' and collect"
                " again"
            )
            self.done.refused.append(Problem(message, members))
            return ""
        return student

    def _place(self, student: str, identities: dict[_Identity, list[_Member]]) -> None:
        """A student's latest notebook written, older ones kept; a collision written for none."""
        if len(identities) > 1:
            everything = [m for owned in identities.values() for m in owned]
            labels = listing([who.label for who in identities])
            why = f"{len(identities)} LMS identities map to the student {student}: {labels}"
            self._collide(student, everything, why, "give each its own roster row")
            return
        owned = next(iter(identities.values()))
        latest = max(member.attempt for member in owned)
        for member in owned:
            if member.attempt != latest:
                self._keep_older(student, member)
        self._place_latest(student, [m for m in owned if m.attempt == latest])

    def _place_latest(self, student: str, latest: list[_Member]) -> None:
        """The student's latest submission: its one notebook written, or why not reported."""
        read = [(member, self._read(member)) for member in latest]
        refusals = [str(data) for _, data in read if isinstance(data, Refused)]
        if refusals:
            for member, data in read:
                if isinstance(data, bytes):
                    self._keep(student, member, data)
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
        self._write(student, latest, read[0][1])

    def _read(self, member: _Member) -> bytes | Refused:
        """A member's bytes, or why they can't be read."""
        try:
            return read_member(self.zf, member.info, member.origin)
        except Refused as refusal:
            return refusal

    def _readable(self, member: _Member, student: str) -> bytes | None:
        """A member's bytes; None, and the refusal reported, if they can't be read."""
        data = self._read(member)
        if isinstance(data, Refused):
            self.done.refused.append(Problem(str(data), [member.origin], student))
            return None
        return data

    def _collide(self, student: str, members: list[_Member], why: str, fix: str) -> None:
        """Every member kept under collisions/<student>/, none written, the collision reported."""
        folder = self.downloaded / "collisions" / student
        for member in members:
            if (data := self._readable(member, student)) is not None:
                _keep_file(folder, _kept_name(member), data)
        where = folder.relative_to(self.course)
        message = (
            f"{why}: nothing written to submitted/, all kept in {where}/; {fix}, then collect again"
        )
        self.done.collisions.append(Problem(message, [m.origin for m in members], student))

    def _keep_older(self, student: str, member: _Member) -> None:
        """An older submission kept under older/<student>/ (refused if it can't be read)."""
        if (data := self._readable(member, student)) is not None:
            self._keep(student, member, data)

    def _keep(self, student: str, member: _Member, data: bytes) -> None:
        """A member's notebook kept under older/<student>/, never graded."""
        path = _keep_file(self.downloaded / "older" / student, _kept_name(member), data)
        self.done.older.append(Kept(student, path, member.origin, member.when))

    def _write(self, student: str, latest: list[_Member], data: bytes) -> None:
        """The notebook and its timestamp.txt written to submitted/, unless a later one is there."""
        chosen = max(latest, key=lambda member: member.when)  # of identical copies
        folder = self.course / "submitted" / student / self.lesson
        target = folder / self.notebook
        notes = _notes(chosen, self.ctx.names)
        there = self._already_there(target)
        if there and there[1] > chosen.when:
            self._keep(student, chosen, data)
            later = format_timestamp(there[1])
            note = f"{student}: submitted/ holds a later submission ({later}), left there"
            self.done.notes.append(f"{note}; {chosen.origin} kept in older/")
            return
        if there and there[0] != data:
            name = f"{_stamp(there[1])}-{self.notebook}"
            path = _keep_file(self.downloaded / "older" / student, name, there[0])
            self.done.older.append(Kept(student, path, "", there[1]))
            notes.append("replaces what an earlier collection wrote (kept in older/)")
        self.zip_dated |= not chosen.dated_by_lms
        _write_file(target, data)
        _write_file(folder / TIMESTAMP, format_timestamp(chosen.when).encode())
        members = [member.origin for member in latest]
        self.done.written.append(Written(student, target, members, chosen.when, "; ".join(notes)))

    def _already_there(self, target: Path) -> tuple[bytes, datetime] | None:
        """What an earlier collection wrote for this notebook, and when it was handed in."""
        if not target.is_file():
            return None
        stamp = target.with_name(TIMESTAMP)
        try:
            when = parse_timestamp(stamp.read_text(errors="replace"), str(stamp))
        except (OSError, Refused):
            when = datetime.fromtimestamp(target.stat().st_mtime, UTC)
        return target.read_bytes(), when

    def _add_notes(self) -> None:
        """The notes that concern the whole collection: no roster, zone-less zip dates."""
        if self.roster is None and self.done.lms in PARSERS:
            made = f"no roster: the student ids are made from {self.done.lms}'s ids"
            self.done.notes.append(f"{made}; {ROSTER_HINT}")
        if self.zip_dated:
            self.done.notes.append(
                f"timestamp.txt holds the zip's dates, which carry no zone: read as"
                f" {self.ctx.zone} (give the LMS's zone if it is another)"
            )


def _notes(chosen: _Member, names: set[str]) -> list[str]:
    """What the instructor should know of a written notebook: another name, lateness."""
    notes = [f"handed in as {escaped(chosen.file, 60)}"] * (_stem(chosen.file) not in names)
    return notes + ["late, says Canvas"] * chosen.late


def _detect(notebooks: list[tuple[list[str], zipfile.ZipInfo]], ctx: _Context) -> str:
    """The LMS whose naming more than half the notebooks follow; "folders" when none does."""
    counts = {
        lms: sum(_fits(parse, parts, info, ctx) for parts, info in notebooks)
        for lms, parse in PARSERS.items()
    }
    best = max(counts, key=lambda lms: counts[lms])  # the first of a tie, in PARSERS' order
    return best if counts[best] * 2 > len(notebooks) else "folders"


def _fits(parse: _Parser, parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> bool:
    """Whether a member is named as this LMS names them (if perhaps unusable)."""
    try:
        return parse(parts, info, ctx) is not None
    except Refused:
        return True


def _not_in_roster(who: _Identity, found: list[Person]) -> str:
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


class _PlainLoader(yaml.SafeLoader):
    """PyYAML's safe loader, reading any tag it does not know (Ruby writes its own) as plain
    data: never an object."""


def _plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    """A node with an unknown tag, as the mapping, list or string it is."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_PlainLoader.add_multi_constructor("", _plain)


# ---------------------------------------------------------------- files written


def _kept_name(member: _Member) -> str:
    """The name a kept copy gets: when it was handed in, then its own name made safe."""
    return f"{_stamp(member.when)}-{NOT_IN_ID.sub('-', member.file)[:80]}"


def _stamp(when: datetime) -> str:
    """A time as a part of a file name, in UTC."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")


def _keep_file(folder: Path, name: str, data: bytes) -> Path:
    """A copy of data in folder under name (or name-2, -3 ...), never over another file."""
    stem, suffix = os.path.splitext(name)
    path, number = folder / name, 1
    while path.exists():
        if path.read_bytes() == data:
            return path  # kept by an earlier collection
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
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
