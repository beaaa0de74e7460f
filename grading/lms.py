"""How each LMS names the members of its download zip, and so whose work each is and when.

Nothing is written or extracted here: read_download reads a zip's names (and Gradescope's
submission_metadata.yml, through collect.read_member) into Members, each with its students as
the LMS names them, the file's own name and when it was handed in; grading.submitted places them
in the course. How each LMS names its download (and so who and when a member is):

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

The LMS is the one whose naming more than half the notebooks follow, else folders. Every member
is a Member, ignored (no notebook), read for the submitters (the metadata), or refused (why, and
what to do).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

import yaml

from grading.collect import NOT_IN_ID, STUDENT, Refused, member_parts, read_member
from grading.course import lesson_notebook
from grading.roster import Roster
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
FOLDERS = "folders"  # a zip no LMS named: a folder (or a name prefix) per student


@dataclass(frozen=True)
class Identity:
    """A student as the LMS names them; two are the same student only by their key."""

    key: str  # the LMS's id for them, e.g. "canvas:12345"
    label: str = field(compare=False)  # how the report names them, shown escaped
    lookups: tuple[tuple[str, str], ...] = field(compare=False)  # roster (field, value) pairs
    made: str = field(compare=False)  # their student id without a roster; "" when none can be made


@dataclass
class Member:
    """A notebook in the zip and what its name (or the LMS's metadata) says of it."""

    info: zipfile.ZipInfo
    origin: str  # its name in the zip, shown escaped
    file: str  # the name the student gave the file
    who: list[Identity]  # its students (several for a Gradescope group)
    attempt: tuple  # orders one student's submissions: the highest is the latest
    when: datetime  # when it was handed in, in UTC
    dated_by_lms: bool  # whether `when` is the LMS's record, not the zip's date
    late: bool = False  # what Canvas says


@dataclass
class Download:
    """What an LMS download zip's names say of its members: each one is in one list here."""

    lms: str  # the LMS whose naming the zip follows (a key of PARSERS), or FOLDERS
    names: set[str]  # the lesson's notebook names, lower case, without .ipynb or decoration
    members: list[Member] = field(default_factory=list)  # the notebooks, each placed by its name
    ignored: list[str] = field(default_factory=list)  # no notebooks, shown escaped
    metadata: list[str] = field(default_factory=list)  # read for whose work is which
    refused: list[Refused] = field(default_factory=list)  # why each other member can't be placed


@dataclass
class _Context:
    """What parsing a member's name needs beyond the name."""

    zone: tzinfo  # the zone of the zip's dates and Blackboard's
    roster: Roster | None
    names: set[str]  # the lesson's notebook names, lower case, without .ipynb
    metadata: dict | None  # Gradescope's submission_metadata.yml, read
    metadata_problem: str  # why there is no metadata


_Parser = Callable[[list[str], zipfile.ZipInfo, _Context], "Member | None"]
_Notebooks = list[tuple[list[str], zipfile.ZipInfo]]  # notebook members and their paths


def read_download(
    zf: zipfile.ZipFile, lesson: str, roster: Roster | None, zone: tzinfo
) -> Download:
    """Every member of a lesson's download zip, as its LMS names them (dates read in `zone`)."""
    download = Download(FOLDERS, _lesson_names(lesson))
    notebooks, found = _sort_members(zf.infolist(), lesson, download)
    download.metadata = [_origin(info) for info in found]
    ctx = _Context(zone, roster, download.names, *_read_metadata(zf, found))
    download.lms = _detect(notebooks, ctx)
    for parts, info in notebooks:
        try:
            download.members.append(_parse(download.lms, parts, info, ctx))
        except Refused as refusal:
            download.refused.append(refusal)
    return download


def _lesson_names(lesson: str) -> set[str]:
    """The stems a lesson's notebook goes by: its own name's and the lesson's."""
    return {stem(lesson_notebook(lesson).name), stem(f"{lesson}.ipynb")}


def stem(file: str) -> str:
    """A file's name without .ipynb and what an LMS or OS adds (perceptron-1, log_loss (2))."""
    name = file[: -len(".ipynb")] if file.lower().endswith(".ipynb") else file
    while (plain := DECORATION.sub("", name)) != name and plain:
        name = plain
    return name.strip().lower()


def _sort_members(
    infos: list[zipfile.ZipInfo], lesson: str, download: Download
) -> tuple[_Notebooks, list[zipfile.ZipInfo]]:
    """The notebook members and their paths, and the metadata members; the others ignored or
    refused in download."""
    notebooks, metadata = [], []
    for info in infos:
        if info.is_dir():
            continue
        try:
            parts = member_parts(info)
        except Refused as refusal:
            download.refused.append(refusal)
            continue
        if len(parts) >= 2 and parts[0] == lesson:
            parts = parts[1:]
        if parts[-1] == METADATA and (len(parts) == 1 or EXPORT.match(parts[0])):
            metadata.append(info)
        elif _ignored(parts):
            download.ignored.append(_origin(info))
        else:
            notebooks.append((parts, info))
    return notebooks, metadata


def _read_metadata(zf: zipfile.ZipFile, found: list[zipfile.ZipInfo]) -> tuple[dict | None, str]:
    """Gradescope's submission_metadata.yml, parsed as plain data only, or None and why not."""
    if len(found) > 1:
        return None, f"the zip has {len(found)} files named {METADATA}"
    if not found:
        return None, f"the zip has no {METADATA}"
    origin = _origin(found[0])
    try:
        data = read_member(zf, found[0], origin)
        metadata = yaml.load(data, Loader=_PlainLoader)  # safe: plain data, never objects
    except Refused as refusal:
        return None, str(refusal)
    except Exception as problem:  # noqa: BLE001 - broken YAML fails in many ways
        return None, f"{origin} is not YAML ({type(problem).__name__})"
    if not isinstance(metadata, dict):
        return None, f"{origin} is not the list of submissions Gradescope writes"
    return metadata, ""


def _parse(lms: str, parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> Member:
    """A notebook member as the zip's LMS names it; refused if it can't be placed."""
    member = PARSERS.get(lms, _folders)(parts, info, ctx)
    if member is None:
        origin = _origin(info)
        raise Refused(
            f"the zip member {origin} is not named as {lms} names submissions, unlike the rest"
            " of this zip: refused; if it holds a submission, put it in submitted/ by hand",
            origin,
        )
    return member


def _detect(notebooks: _Notebooks, ctx: _Context) -> str:
    """The LMS whose naming more than half the notebooks follow; FOLDERS when none does."""
    counts = {
        lms: sum(_fits(parse, parts, info, ctx) for parts, info in notebooks)
        for lms, parse in PARSERS.items()
    }
    best = max(counts, key=lambda lms: counts[lms])  # the first of a tie, in PARSERS' order
    return best if counts[best] * 2 > len(notebooks) else FOLDERS


def _fits(parse: _Parser, parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> bool:
    """Whether a member is named as this LMS names them (if perhaps unusable)."""
    try:
        return parse(parts, info, ctx) is not None
    except Refused:
        return True


# ---------------------------------------------------------------- each LMS's names


def _canvas(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> Member | None:
    """A Canvas member (flat): <lastfirst>_[LATE_]<user id>_<submission id>_<file>."""
    match = CANVAS.match(parts[0]) if len(parts) == 1 else None
    if not match:
        return None
    user, name = match["user"], escaped(match["name"])
    label = f"Canvas user {user} ({name})"
    who = Identity(f"canvas:{user}", label, (("canvas_id", user),), f"canvas-{user}")
    attempt = (_resubmission(match["file"]),)
    when = _zip_time(info, ctx.zone)
    late = bool(match["late"])
    return Member(info, _origin(info), match["file"], [who], attempt, when, False, late)


def _moodle(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> Member | None:
    """A Moodle member: <name>_<participant>_assignsubmission_file_/<file>, or flat _file_<file>."""
    match = MOODLE.match(parts[0])
    flat = len(parts) == 1
    if not match or flat != bool(match["file"]):  # a folder's name ends at _file_
        return None
    number, name = match["participant"], match["name"]
    who = Identity(
        f"moodle:{number}",
        f"Moodle participant {number} ({escaped(name)})",
        (("moodle_id", number), ("full_name", name)),
        f"moodle-{number}",
    )
    file = match["file"] if flat else parts[-1]
    return Member(info, _origin(info), file, [who], (), _zip_time(info, ctx.zone), False)


def _blackboard(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> Member | None:
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
    who = Identity(
        f"blackboard:{user}",
        f"Blackboard user {escaped(user)}",
        (("sis_login_id", user), ("student", user)),
        _made_id(user),
    )
    return Member(info, origin, match["file"], [who], (when,), when, True)


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


def _gradescope(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> Member | None:
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
    return Member(info, origin, inner[-1], who, attempt, when, isinstance(created, datetime))


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


def _submitter(person: object, folder: str, origin: str) -> Identity:
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
    return Identity(key, label, (("id_number", sid), ("email", email)), _made_id(sid or email))


def _folders(parts: list[str], info: zipfile.ZipInfo, ctx: _Context) -> Member | None:
    """A member of a zip of folders: <student>/[<lesson>/]<file>, or flat <student>_<file>."""
    origin = _origin(info)
    if len(parts) >= 2:
        owner = parts[0]
    else:
        owner, _, rest = parts[0].partition("_")
        if not rest or stem(parts[0]) in ctx.names:  # log_loss.ipynb names a lesson, not log
            owner = ""
    if not owner:
        raise Refused(
            f"the zip member {origin} names no student (expected <student>/<notebook> or"
            " <student>_..._<notebook>): refused; if it holds a submission, put it in a folder"
            " named after the student and collect again",
            origin,
        )
    label = f"the name {escaped(owner)!r} in the zip"
    who = Identity(f"folder:{owner}", label, (("student", owner),), _made_id(owner))
    return Member(info, origin, parts[-1], [who], (), _zip_time(info, ctx.zone), False)


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


def _ignored(parts: list[str]) -> bool:
    """Whether a member is no notebook: another kind of file, hidden, or macOS's resource fork."""
    hidden = any(part.startswith(".") or part == JUNK for part in parts)
    return hidden or not parts[-1].lower().endswith(".ipynb")


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
