"""LMS download zips (grading.lms, grading.submitted) made here as Canvas, Moodle, Blackboard and
Gradescope name their members, for every lesson's notebook: collected into nbgrader's layout
(submitted/, with timestamp.txt read back by nbgrader), the latest resubmission written and the
older ones kept, students mapped by a roster (or given ids made from the LMS's), collisions kept and
never merged, members of nobody and hostile members named in the report, and nothing left
unaccounted for."""

import json
import stat
import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from grading.collect import MAX_NOTEBOOK_BYTES, STUDENT, collect
from grading.course import lesson_ids, lesson_notebook
from grading.roster import read_roster
from grading.submitted import Collected, collect_zip

LESSONS = [lesson for lesson in lesson_ids() if lesson != "00-welcome"]
DAY = (2025, 1, 31, 12, 0, 0)  # the date a download zip gives its members
LESSON = "02-log-loss"  # an underscore in its notebook's name


def _notebook(who: str) -> bytes:
    return json.dumps({"cells": [], "who": who}).encode()


def _zip(archive: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    """A zip of these members, each dated DAY unless its ZipInfo says otherwise."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name if isinstance(name, zipfile.ZipInfo) else _dated(name), data)
    return archive


def _dated(name: str, when: tuple = DAY) -> zipfile.ZipInfo:
    return zipfile.ZipInfo(name, when)


def _roster(path: Path, text: str):
    path.write_text(text)
    return read_roster(path)


def _names(lesson: str) -> tuple[str, str]:
    """The lesson's notebook name and its stem."""
    name = lesson_notebook(lesson).name
    return name, name.removesuffix(".ipynb")


def _submitted(course: Path, student: str, lesson: str) -> bytes:
    return (course / "submitted" / student / lesson / lesson_notebook(lesson).name).read_bytes()


def _handed_in(course: Path, student: str, lesson: str) -> datetime:
    """timestamp.txt read back as nbgrader reads it, in UTC."""
    from nbgrader.utils import parse_utc

    text = (course / "submitted" / student / lesson / "timestamp.txt").read_text()
    return parse_utc(text).replace(tzinfo=UTC)


def _older(course: Path, student: str, lesson: str) -> list[bytes]:
    folder = course / "downloaded" / lesson / "older" / student
    return sorted(path.read_bytes() for path in folder.iterdir()) if folder.exists() else []


def _kept(course: Path, student: str, lesson: str) -> list[bytes]:
    folder = course / "downloaded" / lesson / "collisions" / student
    return sorted(path.read_bytes() for path in folder.iterdir())


def _accounted(collected: Collected) -> Counter:
    """How often each member is written, kept or named in the report."""
    named = Counter()
    for entry in collected.written:
        named.update(entry.members)
    named.update(entry.member for entry in collected.older if entry.member)
    for problem in collected.problems():
        named.update(problem.members)
    named.update(collected.ignored + collected.metadata)
    return named


def _check(collected: Collected, archive: Path, course: Path) -> None:
    """What every collection must do: every member accounted for, the report written, the zip
    kept, and only valid student ids under submitted/."""
    with zipfile.ZipFile(archive) as zf:
        members = {info.filename for info in zf.infolist() if not info.is_dir()}
    assert set(_accounted(collected)) >= {m for m in members if m.isprintable()}, "dropped"
    downloaded = course / "downloaded" / collected.lesson
    assert (downloaded / "collect-report.txt").read_text() == collected.report()
    assert (downloaded / "archive" / archive.name).read_bytes() == archive.read_bytes()
    for folder in (course / "submitted").iterdir() if (course / "submitted").exists() else []:
        assert STUDENT.match(folder.name)
        assert sorted(p.name for p in (folder / collected.lesson).iterdir()) == sorted(
            [lesson_notebook(collected.lesson).name, "timestamp.txt"]
        )
    assert all(c.isprintable() or c == "\n" for c in collected.report())


# ------------------------------------------------------------------ Canvas


def _canvas_zip(archive: Path, lesson: str) -> Path:
    name, stem = _names(lesson)
    return _zip(archive, [
        (f"doejane_101_9001_{name}", _notebook("jane 101")),
        (f"doejane_102_9002_{name}", _notebook("jane 102, first")),
        (f"doejane_102_9002_{stem}-2.ipynb", _notebook("jane 102, third")),
        (f"doejane_102_9002_{stem}-1.ipynb", _notebook("jane 102, second")),
        (f"smithbob_LATE_103_9003_{lesson}.ipynb", _notebook("bob")),
        (f"leeann_104_9004_{stem}_answers.txt", b"a text file"),
        (_dated(f"kimmo_105_9005_{stem} (1).ipynb", (2025, 2, 1, 8, 30, 0)), _notebook("mo")),
    ])  # fmt: skip


@pytest.mark.parametrize("lesson", LESSONS)
def test_canvas_without_a_roster_keeps_two_students_of_one_name_apart(tmp_path, lesson):
    archive, course = _canvas_zip(tmp_path / "submissions.zip", lesson), tmp_path / "course"
    collected = collect_zip(archive, lesson, course, None)
    _check(collected, archive, course)
    assert collected.lms == "Canvas"
    assert sorted(entry.student for entry in collected.written) == [
        "canvas-101", "canvas-102", "canvas-103", "canvas-105"
    ]  # fmt: skip
    assert _submitted(course, "canvas-101", lesson) == _notebook("jane 101")
    assert _submitted(course, "canvas-102", lesson) == _notebook("jane 102, third")  # -2 wins
    assert _older(course, "canvas-102", lesson) == sorted(
        [_notebook("jane 102, first"), _notebook("jane 102, second")]
    )
    assert _submitted(course, "canvas-103", lesson) == _notebook("bob")
    assert _handed_in(course, "canvas-101", lesson) == datetime(*DAY, tzinfo=UTC)
    assert _handed_in(course, "canvas-105", lesson) == datetime(2025, 2, 1, 8, 30, tzinfo=UTC)
    report = collected.report()
    assert f"{lesson}: submissions.zip read as Canvas: 4 written to submitted/, 2 older kept" in (
        report
    )
    assert "  canvas-103: late, says Canvas" in report
    assert "note: no roster: the student ids are made from Canvas's ids; give --roster" in report
    assert collected.ignored == [f"leeann_104_9004_{_names(lesson)[1]}_answers.txt"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_canvas_with_its_gradebook_as_roster_maps_ids_and_names_the_unknown(tmp_path, lesson):
    roster = _roster(tmp_path / "roster.csv", (
        "Student,ID,SIS User ID,SIS Login ID,Section\n"
        "    Points Possible,,,,\n"
        '"Doe, Jane",101,S1,jdoe,A\n'
        '"Doe, Jane",102,S2,jdoe2,A\n'
        '"Smith, Bob",103,S3,bsmith,A\n'
    ))  # fmt: skip
    archive, course = _canvas_zip(tmp_path / "submissions.zip", lesson), tmp_path / "course"
    collected = collect_zip(archive, lesson, course, roster)
    _check(collected, archive, course)
    assert sorted(entry.student for entry in collected.written) == ["bsmith", "jdoe", "jdoe2"]
    assert _submitted(course, "jdoe", lesson) == _notebook("jane 101")
    assert _submitted(course, "jdoe2", lesson) == _notebook("jane 102, third")
    assert len(_older(course, "jdoe2", lesson)) == 2
    (unknown,) = collected.unmatched
    assert unknown.message == (
        "Canvas user 105 (kimmo) is not in the roster: add a row with canvas_id '105' and their"
        " hub user name in 'student', then collect again"
    )
    assert unknown.members == [f"kimmo_105_9005_{_names(lesson)[1]} (1).ipynb"]
    assert not (course / "submitted" / "canvas-105").exists()
    assert "no roster" not in collected.report()


# ------------------------------------------------------------------ Moodle


def _moodle_member(layout: str, person: str, file: str) -> str:
    """A Moodle member: a folder per submission (Moodle >= 3.1) or flat."""
    prefix = f"{person}_assignsubmission_file_"
    return f"{prefix}/{file}" if layout == "folders" else f"{prefix}{file}"


@pytest.mark.parametrize("layout", ["folders", "flat"])
@pytest.mark.parametrize("lesson", LESSONS)
def test_moodle_maps_participants_then_unique_names_and_reports_collisions(
    tmp_path, lesson, layout
):
    name, stem = _names(lesson)
    roster = _roster(tmp_path / "roster.csv", (
        "First name,Last name,Username,Email address,participant\n"
        "Ann,Lee,alee,alee@uni.example,11\n"
        "Bo,Chen,bchen,bchen@uni.example,\n"
        "Dee,Eve,deve,deve@uni.example,\n"
        "Fay,Gu,fgu,fgu@uni.example,17\n"
    ))  # fmt: skip
    archive = _zip(tmp_path / "moodle.zip", [
        (_moodle_member(layout, "Ann Lee_11", name), _notebook("ann")),
        (_moodle_member(layout, "Bo Chen_12", f"{stem} (1).ipynb"), _notebook("bo")),
        (_moodle_member(layout, "Ann Lee_14", name), _notebook("another ann")),
        (_moodle_member(layout, "Dee Eve_15", name), _notebook("dee, 15")),
        (_moodle_member(layout, "Dee Eve_16", name), _notebook("dee, 16")),
        (_moodle_member(layout, "Fay Gu_17", name), _notebook("fay, one")),
        (_moodle_member(layout, "Fay Gu_17", "my work.ipynb"), _notebook("fay, two")),
        ("Cy Dee_13_assignsubmission_onlinetext_/onlinetext.html", b"<p>hi</p>"),
    ])  # fmt: skip
    course = tmp_path / "course"
    collected = collect_zip(archive, lesson, course, roster)
    _check(collected, archive, course)
    assert collected.lms == "Moodle"
    assert sorted(entry.student for entry in collected.written) == ["alee", "bchen"]
    assert _submitted(course, "alee", lesson) == _notebook("ann")
    assert _submitted(course, "bchen", lesson) == _notebook("bo")
    # Two participants named Dee Eve, one roster row of that name: a collision, never merged.
    dee, fay = collected.collisions
    assert dee.student == "deve" and dee.message.startswith(
        "2 LMS identities map to the student deve: Moodle participant 15 (Dee Eve), Moodle"
        f" participant 16 (Dee Eve): nothing written to submitted/, all kept in"
        f" downloaded/{lesson}/collisions/deve/"
    )
    assert _kept(course, "deve", lesson) == [_notebook("dee, 15"), _notebook("dee, 16")]
    assert fay.student == "fgu" and "fgu handed in 2 different notebooks at once" in fay.message
    assert _kept(course, "fgu", lesson) == [_notebook("fay, one"), _notebook("fay, two")]
    assert not any((course / "submitted" / who).exists() for who in ("deve", "fgu"))
    # Ann Lee's row has participant 11: a second Ann Lee is not matched by name.
    (other,) = collected.unmatched
    assert other.message.startswith("Moodle participant 14 (Ann Lee) is not in the roster")
    assert collected.ignored == ["Cy Dee_13_assignsubmission_onlinetext_/onlinetext.html"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_moodle_without_a_roster_gives_participant_ids(tmp_path, lesson):
    name, _ = _names(lesson)
    archive = _zip(tmp_path / "moodle.zip", [
        (f"Ann Lee_11_assignsubmission_file_/{name}", _notebook("ann")),
        (f"Ann Lee_14_assignsubmission_file_/sub/{name}", _notebook("another ann")),
    ])  # fmt: skip
    collected = collect_zip(archive, lesson, tmp_path / "course", None)
    assert [entry.student for entry in collected.written] == ["moodle-11", "moodle-14"]
    assert _submitted(tmp_path / "course", "moodle-14", lesson) == _notebook("another ann")


# ------------------------------------------------------------------ Blackboard


@pytest.mark.parametrize("lesson", LESSONS)
def test_blackboard_takes_the_latest_attempt_and_ignores_receipts(tmp_path, lesson):
    name, stem = _names(lesson)
    first, second = "2025-01-30-10-00-00", "2025-01-31-09-30-15"
    receipt = b"Name: Jo Smith (jsmith)\nAssignment: Lesson\nFiles:\n"
    roster = _roster(tmp_path / "roster.csv", (
        "student,name,sis_login_id\n"
        "jsmith,Jo Smith,jsmith\n"
        "mann,Mary Ann,mary_ann\n"
    ))  # fmt: skip
    archive = _zip(tmp_path / "gradebook.zip", [
        (f"Lesson 2_log loss_jsmith_attempt_{first}_{name}", _notebook("jo, first")),
        (f"Lesson 2_log loss_jsmith_attempt_{first}.txt", receipt),
        (f"Lesson 2_log loss_jsmith_attempt_{second}_{stem}_1.ipynb", _notebook("jo, second")),
        (f"Lesson 2_log loss_jsmith_attempt_{second}.txt", receipt),
        (f"Lesson 2_log loss_mary_ann_attempt_{first}_{name}", _notebook("mary")),
        (f"Lesson 2_log loss_kbo_attempt_{first}_{name}", _notebook("kbo")),
    ])  # fmt: skip
    course = tmp_path / "course"
    collected = collect_zip(archive, lesson, course, roster)
    _check(collected, archive, course)
    assert collected.lms == "Blackboard"
    assert sorted(entry.student for entry in collected.written) == ["jsmith", "mann"]
    assert _submitted(course, "jsmith", lesson) == _notebook("jo, second")
    assert _handed_in(course, "jsmith", lesson) == datetime(2025, 1, 31, 9, 30, 15, tzinfo=UTC)
    assert _older(course, "jsmith", lesson) == [_notebook("jo, first")]
    assert _submitted(course, "mann", lesson) == _notebook("mary")  # a username with '_'
    (kbo,) = collected.unmatched
    assert kbo.message.startswith("Blackboard user kbo is not in the roster: add a row with")
    assert len(collected.ignored) == 2 and all(n.endswith(".txt") for n in collected.ignored)


def test_blackboard_dates_are_read_in_the_zone_given(tmp_path):
    name, _ = _names(LESSON)
    archive = _zip(tmp_path / "gradebook.zip", [
        (f"HW_jsmith_attempt_2025-01-31-09-30-15_{name}", _notebook("jo")),
    ])  # fmt: skip
    zone = timezone(timedelta(hours=-5))
    collected = collect_zip(archive, LESSON, tmp_path / "course", None, zone=zone)
    assert [entry.student for entry in collected.written] == ["jsmith"]
    assert _handed_in(tmp_path / "course", "jsmith", LESSON) == datetime(
        2025, 1, 31, 14, 30, 15, tzinfo=UTC
    )


# ------------------------------------------------------------------ Gradescope

METADATA = """\
submission_111:
  :submitters:
  - :name: Ada Lovelace
    :sid: '2001'
    :email: ada@uni.example
  :created_at: 2025-01-30 16:50:28.366735000 -08:00
  :score: 3.0
  :status: processed
  :results: !ruby/hash:ActiveSupport::HashWithIndifferentAccess
    tests: []
  :history: []
submission_112:
  :submitters:
  - :name: Bob Byte
    :sid: 2002
    :email: bob@uni.example
  - :name: Cat Cache
    :sid:
    :email: cat@uni.example
  :created_at: 2025-01-31 08:00:00.000000000 +00:00
submission_113:
  :submitters:
  - :name: Ada Lovelace
    :sid: '2001'
    :email: ada@uni.example
  :created_at: 2025-01-31 10:00:00.000000000 +00:00
"""


def _gradescope_zip(archive: Path, lesson: str, metadata: str | None = METADATA) -> Path:
    name, stem = _names(lesson)
    root = "assignment_5555_export"
    members = [
        (f"{root}/submission_111/{name}", _notebook("ada, first")),
        (f"{root}/submission_112/work/{stem}-final.ipynb", _notebook("bob and cat")),
        (f"{root}/submission_113/{lesson}.ipynb", _notebook("ada, second")),
    ]
    if metadata is not None:
        members.append((f"{root}/submission_metadata.yml", metadata.encode()))
    return _zip(archive, members)


@pytest.mark.parametrize("lesson", LESSONS)
def test_gradescope_students_are_their_sids_not_submission_numbers(tmp_path, lesson):
    archive, course = _gradescope_zip(tmp_path / "export.zip", lesson), tmp_path / "course"
    collected = collect_zip(archive, lesson, course, None)
    _check(collected, archive, course)
    assert collected.lms == "Gradescope"
    assert sorted(entry.student for entry in collected.written) == [
        "2001", "2002", "cat@uni.example"
    ]  # fmt: skip
    assert _submitted(course, "2001", lesson) == _notebook("ada, second")
    assert _older(course, "2001", lesson) == [_notebook("ada, first")]
    assert _submitted(course, "2002", lesson) == _notebook("bob and cat")  # a group
    assert _submitted(course, "cat@uni.example", lesson) == _notebook("bob and cat")
    assert _handed_in(course, "2001", lesson) == datetime(2025, 1, 31, 10, tzinfo=UTC)
    older = [entry for entry in collected.older if entry.student == "2001"]
    assert [entry.timestamp for entry in older] == [
        datetime(2025, 1, 31, 0, 50, 28, 366735, tzinfo=UTC)  # -08:00 made UTC
    ]
    assert not list(course.rglob("submission_11*"))
    cat = next(entry for entry in collected.written if entry.student == "2002")
    assert cat.note == f"handed in as {_names(lesson)[1]}-final.ipynb"


def test_gradescope_with_a_roster_maps_sids_then_emails(tmp_path):
    roster = _roster(tmp_path / "roster.csv", (
        "student,email,SID\n"
        "ada,ada@uni.example,2001\n"
        "bob,bob@uni.example,2002\n"
        "cat,cat@uni.example,\n"
    ))  # fmt: skip
    archive = _gradescope_zip(tmp_path / "export.zip", LESSON)
    collected = collect_zip(archive, LESSON, tmp_path / "course", roster)
    assert sorted(entry.student for entry in collected.written) == ["ada", "bob", "cat"]
    assert not collected.problems()


def test_a_gradescope_export_without_its_metadata_places_nobody(tmp_path):
    archive = _gradescope_zip(tmp_path / "export.zip", LESSON, metadata=None)
    course = tmp_path / "course"
    collected = collect_zip(archive, LESSON, course, None)
    assert collected.lms == "Gradescope" and not collected.written
    assert len(collected.refused) == 3
    assert all(
        "the zip has no submission_metadata.yml, which names the submitters" in problem.message
        for problem in collected.refused
    )
    assert not (course / "submitted").exists()


@pytest.mark.parametrize(
    "metadata",
    [
        "- just\n- a list\n",
        "submission_111: [unclosed\n",
        "submission_111: !!python/object/apply:os.system ['touch pwned']\n",
        "a: &a [*a, *a]\nsubmission_111: *a\n",
    ],
)
def test_gradescope_metadata_that_is_broken_or_hostile_places_nobody(
    tmp_path, monkeypatch, metadata
):
    monkeypatch.chdir(tmp_path)
    archive = _gradescope_zip(tmp_path / "export.zip", LESSON, metadata=metadata)
    collected = collect_zip(archive, LESSON, tmp_path / "course", None)
    assert not collected.written and len(collected.refused) == 3
    assert not (tmp_path / "pwned").exists()
    assert collected.metadata == ["assignment_5555_export/submission_metadata.yml"]


# ------------------------------------------------------------------ folders


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_zip_of_student_folders_keeps_working(tmp_path, lesson):
    name, _ = _names(lesson)
    archive = _zip(tmp_path / "class.zip", [
        (f"ada/{name}", _notebook("ada")),
        (f"bob/{lesson}/{name}", _notebook("bob")),
        (f"{lesson}/cat/{lesson}.ipynb", _notebook("cat")),
        (f"dan_4711_{name}", _notebook("dan")),
        (name, _notebook("nobody")),
        ("eve/.ipynb_checkpoints/x-checkpoint.ipynb", b"{}"),
    ])  # fmt: skip
    course = tmp_path / "course"
    collected = collect_zip(archive, lesson, course, None)
    _check(collected, archive, course)
    assert collected.lms == "folders"
    for who in ("ada", "bob", "cat", "dan"):
        assert _submitted(course, who, lesson) == _notebook(who)
    (nobody,) = collected.refused
    assert nobody.message.startswith(f"the zip member {name} names no student")
    assert collected.ignored == ["eve/.ipynb_checkpoints/x-checkpoint.ipynb"]
    assert "no roster" not in collected.report()


# ------------------------------------------------------------------ hostile members


def test_hostile_members_are_refused_named_and_never_extracted(tmp_path):
    name, _ = _names(LESSON)
    link = zipfile.ZipInfo(f"doejane_101_9001_{name}", DAY)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    huge = zipfile.ZipInfo(f"smithbob_103_9003_{name}", DAY)
    hostile = [
        f"../doejane_101_9001_{name}",
        f"/tmp/doejane_101_9001_{name}",
        f"..\\doejane_101_9001_{name}",
        f"C:/doejane_101_9001_{name}",
        f"leeann_104_9004_\x1b[2J{name}",
    ]
    where = tmp_path / "deep" / "down"
    where.mkdir(parents=True)
    archive = where / "submissions.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in hostile:
            zf.writestr(_dated(member), _notebook("evil"))
        zf.writestr(link, f"../../{name}")
        zf.writestr(huge, b"\0" * (MAX_NOTEBOOK_BYTES + 1))
        zf.writestr(_dated(f"doejane_102_9002_{name}"), _notebook("jane 102"))
    course = where / "course"
    collected = collect_zip(archive, LESSON, course, None)
    assert collected.lms == "Canvas"
    written = {entry.student: entry for entry in collected.written}
    assert sorted(written) == ["canvas-102", "canvas-104"]  # the escape codes shown, not run
    assert written["canvas-104"].members == [f"leeann_104_9004_\\x1b[2J{name}"]
    refused = {problem.members[0]: problem for problem in collected.refused}
    for member in hostile[:4]:
        assert "has an absolute path or '..'" in refused[member].message
    assert "is a symlink" in refused[f"doejane_101_9001_{name}"].message
    assert refused[f"doejane_101_9001_{name}"].student == "canvas-101"
    assert "over the 64 MB limit" in refused[f"smithbob_103_9003_{name}"].message
    assert not (course / "submitted" / "canvas-101").exists()
    assert not (course / "submitted" / "canvas-103").exists()
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and course not in p.parents]
    assert outside == [archive]
    assert not Path(f"/tmp/doejane_101_9001_{name}").exists()
    report = collected.report()
    assert "\x1b" not in report and "\\x1b[2J" in report
    assert sum(_accounted(collected).values()) == 8


def test_a_refused_latest_resubmission_is_not_replaced_by_an_older_one(tmp_path):
    name, stem = _names(LESSON)
    link = zipfile.ZipInfo(f"doejane_101_9001_{stem}-1.ipynb", DAY)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(_dated(f"doejane_101_9001_{name}"), _notebook("first"))
        zf.writestr(link, "/etc/passwd")
    course = tmp_path / "course"
    collected = collect_zip(archive, LESSON, course, None)
    assert not collected.written
    assert _older(course, "canvas-101", LESSON) == [_notebook("first")]
    (problem,) = collected.refused
    assert problem.student == "canvas-101" and "is a symlink" in problem.message
    assert "an older one is not graded in its place" in problem.message


# ------------------------------------------------------------------ collecting again


def test_collecting_again_loses_nothing_and_the_latest_stays(tmp_path):
    name, stem = _names(LESSON)
    course = tmp_path / "course"
    first = _zip(tmp_path / "monday.zip", [(f"doejane_101_9001_{name}", _notebook("v1"))])
    collect_zip(first, LESSON, course, None)
    again = collect_zip(first, LESSON, course, None)  # the same zip: nothing new
    assert _submitted(course, "canvas-101", LESSON) == _notebook("v1")
    assert not again.older and _older(course, "canvas-101", LESSON) == []
    later = _zip(tmp_path / "friday.zip", [
        (_dated(f"doejane_101_9001_{stem}-1.ipynb", (2025, 2, 4, 9, 0, 0)), _notebook("v2")),
    ])  # fmt: skip
    collect_zip(later, LESSON, course, None)
    assert _submitted(course, "canvas-101", LESSON) == _notebook("v2")
    assert _older(course, "canvas-101", LESSON) == [_notebook("v1")]
    stale = collect_zip(first, LESSON, course, None)  # Monday's zip once more, by mistake
    assert _submitted(course, "canvas-101", LESSON) == _notebook("v2")
    assert _handed_in(course, "canvas-101", LESSON) == datetime(2025, 2, 4, 9, tzinfo=UTC)
    assert _older(course, "canvas-101", LESSON) == [_notebook("v1")]
    assert "submitted/ holds a later submission" in stale.report()
    archived = sorted(p.name for p in (course / "downloaded" / LESSON / "archive").iterdir())
    assert archived == ["friday.zip", "monday.zip"]


def test_the_grader_reads_what_collect_zip_wrote_with_its_timestamps(tmp_path):
    archive, course = _canvas_zip(tmp_path / "submissions.zip", LESSON), tmp_path / "course"
    collect_zip(archive, LESSON, course, None)
    name, _ = _names(LESSON)
    rows = {
        row.student: row
        for row in collect(course / "submitted", LESSON, {name}, tmp_path / "scratch")
    }
    assert rows["canvas-102"].data == _notebook("jane 102, third")
    assert rows["canvas-105"].timestamp == datetime(2025, 2, 1, 8, 30, tzinfo=UTC)
    from_zip = {row.student: row for row in collect(archive, LESSON, {name}, tmp_path / "scratch")}
    assert {s: (r.data, r.timestamp) for s, r in from_zip.items()} == {
        s: (r.data, r.timestamp) for s, r in rows.items()
    }
    assert from_zip["canvas-102"].origin == f"doejane_102_9002_{_names(LESSON)[1]}-2.ipynb"


def test_an_unreadable_zip_stops_with_what_to_do(tmp_path):
    bad = tmp_path / "download.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SystemExit, match="could not be read .*: download it again"):
        collect_zip(bad, LESSON, tmp_path / "course", None)
