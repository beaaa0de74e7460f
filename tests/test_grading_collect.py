"""Collecting submissions (grading.collect) from hostile folders and LMS zips made here: symlinks
to another student's notebook or to /dev/zero, fifos and sockets named like the notebook, folders
that are symlinks, notebooks that are huge or grow while read, names that are not ids; nbgrader's
submitted/ layout and its timestamp.txt (read back, malformed, a symlink, huge); zip sub-folders
named like another student, names that clash once made ids, doubled files, members that climb
out or are symlinks or encrypted, zip bombs, flat names of every lesson's notebook (underscores
in them). Each is a clear error for its student alone (or a row of its own), collect() never
blocks, and nothing lands outside scratch."""

import os
import socket
import stat
import threading
import time
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grading.collect import (
    MAX_NOTEBOOK_BYTES,
    STUDENT,
    TIMESTAMP_FORMAT,
    Submission,
    collect,
    format_timestamp,
)
from grading.course import lesson_ids, lesson_notebook

LESSON = "01-perceptron"
NAMES = {"01-perceptron.ipynb", "perceptron.ipynb"}
NOTEBOOK = f"{LESSON}.ipynb"


def _notebook(who: str) -> bytes:
    return b'{"cells": [], "who": "%s"}' % who.encode()


def _rows(where: Path, scratch: Path) -> dict[str, Submission]:
    """collect() by student, in a thread that must end in 10 s: a read that blocks fails here."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["rows"] = collect(where, LESSON, NAMES, scratch)
        except BaseException as problem:  # noqa: BLE001 - handed to the test below
            outcome["raised"] = problem

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "collect() blocked"
    if "raised" in outcome:
        raise outcome["raised"]
    rows = outcome["rows"]
    assert [row.student for row in rows] == sorted(row.student for row in rows)
    assert len({row.student for row in rows}) == len(rows)
    for row in rows:
        assert (row.data is None) == bool(row.error), row
        assert (row.timestamp is None) == bool(row.error), row
        assert row.timestamp is None or row.timestamp.tzinfo == UTC
    return {row.student: row for row in rows}


def _class(folder: Path, *students: str) -> Path:
    """A submissions folder with <student>/01-perceptron.ipynb for each student."""
    for student in students:
        (folder / student).mkdir(parents=True)
        (folder / student / NOTEBOOK).write_bytes(_notebook(student))
    return folder


def _zip(archive: Path, members: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return archive


def _rewrite_header(archive: Path, member: str, *, flags: int = -1, size: int = -1) -> None:
    """Change a member's general-purpose flags or uncompressed size in both of its headers, as a
    hostile zip tool would."""
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        local = zf.getinfo(member).header_offset
    name = member.encode()
    central = raw.index(b"PK\x01\x02")
    while raw[central + 46 : central + 46 + len(name)] != name:
        central = raw.index(b"PK\x01\x02", central + 4)
    for header, flags_at, size_at in ((local, 6, 22), (central, 8, 24)):
        if flags >= 0:
            raw[header + flags_at : header + flags_at + 2] = flags.to_bytes(2, "little")
        if size >= 0:
            raw[header + size_at : header + size_at + 4] = size.to_bytes(4, "little")
    archive.write_bytes(raw)


def _only_under(root: Path, scratch: Path, *allowed: Path) -> None:
    """Every file below root is in scratch or one of `allowed`: nothing was written elsewhere."""
    for path in root.rglob("*"):
        if path.is_file() and path not in allowed:
            assert scratch in path.parents, f"{path} is outside scratch"


# ------------------------------------------------------------------ folders


def test_folder_rows_read_each_notebook_once_with_where_it_came_from(tmp_path):
    where = _class(tmp_path / "in", "ada", "dan")
    (where / "bob" / LESSON).mkdir(parents=True)
    (where / "bob" / LESSON / "perceptron.ipynb").write_bytes(_notebook("bob"))
    (where / "cat").mkdir()
    (where / "cat" / "perceptron (1).ipynb").write_bytes(_notebook("cat"))
    (where / "dan" / "perceptron.ipynb").write_bytes(_notebook("dan"))
    (where / "eve").mkdir()
    (where / "notes.txt").write_text("a stray file, not a student")
    rows = _rows(where, tmp_path / "scratch")
    assert sorted(rows) == ["ada", "bob", "cat", "dan", "eve"]
    assert rows["ada"].data == _notebook("ada") and rows["ada"].origin == f"ada/{NOTEBOOK}"
    assert rows["bob"].data == _notebook("bob")
    assert rows["bob"].origin == f"bob/{LESSON}/perceptron.ipynb"
    assert "renamed?" in rows["cat"].error and "cat/perceptron (1).ipynb" in rows["cat"].error
    assert rows["dan"].error.startswith("2 files map to this student: dan/01-perceptron.ipynb")
    assert rows["eve"].error == "no notebook submitted"


def test_a_notebook_symlinked_to_another_students_is_refused(tmp_path):
    where = _class(tmp_path / "in", "bob")
    (where / "ada").mkdir()
    (where / "ada" / NOTEBOOK).symlink_to(where / "bob" / NOTEBOOK)
    rows = _rows(where, tmp_path / "scratch")
    assert rows["ada"].data is None and "is a symlink" in rows["ada"].error
    assert rows["ada"].origin == f"ada/{NOTEBOOK}"
    assert rows["bob"].data == _notebook("bob") and not rows["bob"].error


def test_a_notebook_symlinked_to_dev_zero_is_refused_unread(tmp_path):
    where = tmp_path / "in"
    (where / "ada").mkdir(parents=True)
    (where / "ada" / NOTEBOOK).symlink_to("/dev/zero")
    started = time.perf_counter()
    rows = _rows(where, tmp_path / "scratch")
    assert rows["ada"].data is None and "is a symlink" in rows["ada"].error
    assert time.perf_counter() - started < 2


def test_a_fifo_named_like_the_notebook_is_refused_without_blocking(tmp_path):
    where = tmp_path / "in"
    (where / "ada").mkdir(parents=True)
    os.mkfifo(where / "ada" / NOTEBOOK)  # opening it to read would wait for a writer
    rows = _rows(where, tmp_path / "scratch")
    assert rows["ada"].data is None and "is a fifo, not a file" in rows["ada"].error


def test_a_socket_named_like_the_notebook_is_refused(tmp_path, monkeypatch):
    where = tmp_path / "in"
    (where / "ada").mkdir(parents=True)
    monkeypatch.chdir(where / "ada")  # a socket's path must be short: bind it by its name
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(NOTEBOOK)
        rows = _rows(where, tmp_path / "scratch")
    assert rows["ada"].data is None and "is a socket, not a file" in rows["ada"].error


def test_a_student_folder_or_lesson_folder_that_is_a_symlink_is_refused(tmp_path):
    where = _class(tmp_path / "in", "ada")
    (where / "bob" / LESSON).mkdir(parents=True)
    (where / "bob" / LESSON / NOTEBOOK).write_bytes(_notebook("bob"))
    (where / "eve").symlink_to(where / "ada", target_is_directory=True)
    (where / "cat").mkdir()
    (where / "cat" / LESSON).symlink_to(where / "bob" / LESSON, target_is_directory=True)
    rows = _rows(where, tmp_path / "scratch")
    assert rows["eve"].data is None and "the folder eve is a symlink" in rows["eve"].error
    assert rows["cat"].data is None
    assert f"the folder cat/{LESSON} is a symlink" in rows["cat"].error
    assert rows["ada"].data == _notebook("ada") and rows["bob"].data == _notebook("bob")


def test_an_oversized_sparse_notebook_is_refused_unread(tmp_path, monkeypatch):
    where = tmp_path / "in"
    (where / "ada").mkdir(parents=True)
    with open(where / "ada" / NOTEBOOK, "wb") as huge:
        huge.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: no disk used
    opened = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda path, *a, **k: opened.append(path) or real_open(path, *a, **k)
    )
    rows = _rows(where, tmp_path / "scratch")
    assert rows["ada"].data is None and rows["ada"].origin == f"ada/{NOTEBOOK}"
    assert rows["ada"].error == (  # its size rounded up: not "64 MB, over the 64 MB limit"
        f"ada/{NOTEBOOK} is 65 MB, over the 64 MB limit: clear its outputs and hand it in again"
    )
    assert NOTEBOOK not in opened


def test_a_notebook_that_grows_while_it_is_read_is_cut_at_the_limit(tmp_path, monkeypatch):
    notebook = _class(tmp_path / "in", "ada") / "ada" / NOTEBOOK
    real_fstat, real_read, read = os.fstat, os.read, []

    def fstat_then_grow(fd):
        sized = real_fstat(fd)
        if sized.st_ino == notebook.stat().st_ino:
            os.truncate(notebook, 4 * MAX_NOTEBOOK_BYTES)  # right after it was sized
        return sized

    def counted_read(fd, n):
        chunk = real_read(fd, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "fstat", fstat_then_grow)
    monkeypatch.setattr(os, "read", counted_read)
    rows = _rows(notebook.parent.parent, tmp_path / "scratch")
    assert rows["ada"].data is None and "more than the 64 MB limit" in rows["ada"].error
    assert sum(read) == MAX_NOTEBOOK_BYTES + 1


def test_a_folder_name_that_is_not_a_student_id_is_shown_cleaned_and_cut(tmp_path):
    names = ["ada\x1b[2J\x1b[1;1H", "ada\x07", "ada\r", "a" * 150, ".ipynb_checkpoints"]
    where = _class(tmp_path / "in", "ada", *names)
    rows = _rows(where, tmp_path / "scratch")
    assert rows.pop("ada").data == _notebook("ada")  # no bad name passes for ada
    assert len(rows) == len(names)
    for student, row in rows.items():
        assert row.data is None and "not a student id" in row.error
        assert not STUDENT.match(student) and len(student) <= 41
        assert all(c.isprintable() for c in student + row.error + row.origin), student


# ------------------------------------------------------------------ LMS zips


def test_a_zip_sub_folder_named_like_another_student_changes_nothing(tmp_path):
    archive = _zip(tmp_path / "lms.zip", [
        ("ada/bob/01-perceptron.ipynb", _notebook("ada posing as bob")),
        ("bob/01-perceptron.ipynb", _notebook("bob")),
        ("ada/01-perceptron.ipynb", _notebook("ada")),
        ("cat/01-perceptron/perceptron.ipynb", _notebook("cat")),
    ])  # fmt: skip
    rows = _rows(archive, tmp_path / "scratch")
    assert sorted(rows) == ["ada", "bob", "cat"]
    assert rows["bob"].data == _notebook("bob") and rows["bob"].origin == "bob/01-perceptron.ipynb"
    assert rows["cat"].data == _notebook("cat")
    assert rows["ada"].data is None
    assert rows["ada"].error.startswith(
        "ada handed in 2 different notebooks at once: ada/bob/01-perceptron.ipynb,"
        " ada/01-perceptron.ipynb: nothing written to submitted/, all kept in"
    )


def test_zip_names_that_become_the_same_student_id_are_reported(tmp_path):
    archive = _zip(tmp_path / "lms.zip", [
        ("Ann Lee/01-perceptron.ipynb", _notebook("Ann Lee")),
        ("Ann-Lee/01-perceptron.ipynb", _notebook("Ann-Lee")),
    ])  # fmt: skip
    rows = _rows(archive, tmp_path / "scratch")
    assert list(rows) == ["Ann-Lee"]
    assert rows["Ann-Lee"].data is None
    assert (
        "2 LMS identities map to the student Ann-Lee: the name 'Ann Lee' in the zip,"
        " the name 'Ann-Lee' in the zip: nothing written"
    ) in rows["Ann-Lee"].error
    kept = tmp_path / "scratch" / "lms" / "downloaded" / LESSON / "collisions" / "Ann-Lee"
    assert {p.read_bytes() for p in kept.iterdir()} == {_notebook("Ann Lee"), _notebook("Ann-Lee")}


def test_a_second_zip_file_for_one_student_is_reported_and_both_kept(tmp_path):
    archive = _zip(tmp_path / "lms.zip", [
        ("ada/01-perceptron.ipynb", _notebook("first")),
        ("ada/01-perceptron.ipynb", _notebook("second")),  # the same name twice
        ("ada_4711_perceptron.ipynb", _notebook("third")),
        ("bob_4712_perceptron.ipynb", _notebook("bob")),
    ])  # fmt: skip
    rows = _rows(archive, tmp_path / "scratch")
    assert rows["ada"].data is None
    assert rows["ada"].error.startswith(
        "ada handed in 3 different notebooks at once: ada/01-perceptron.ipynb,"
        " ada/01-perceptron.ipynb, ada_4711_perceptron.ipynb: nothing written"
    )
    kept = tmp_path / "scratch" / "lms" / "downloaded" / LESSON / "collisions" / "ada"
    assert sorted(p.read_bytes() for p in kept.iterdir()) == sorted(
        _notebook(who) for who in ("first", "second", "third")
    )
    assert rows["bob"].data == _notebook("bob")


def test_zip_members_that_climb_out_are_refused_and_never_extracted(tmp_path):
    where = tmp_path / "deep" / "down"
    where.mkdir(parents=True)
    hostile = [
        "../bob/01-perceptron.ipynb",
        "../evil.ipynb",
        "../../evil.ipynb",
        "/tmp/bob/01-perceptron.ipynb",
        "ada/../../bob/01-perceptron.ipynb",
        "..\\bob\\01-perceptron.ipynb",
        "C:/bob/01-perceptron.ipynb",
    ]
    archive = _zip(
        where / "lms.zip",
        [
            *((name, _notebook("evil")) for name in hostile),
            ("bob/01-perceptron.ipynb", _notebook("bob")),
        ],
    )
    scratch = where / "scratch"
    rows = _rows(archive, scratch)
    assert rows.pop("bob").data == _notebook("bob")
    assert sorted(row.origin for row in rows.values()) == sorted(hostile)
    for row in rows.values():
        assert row.data is None and "absolute path or '..'" in row.error
        assert not STUDENT.match(row.student) and "/" not in row.student
    _only_under(tmp_path, scratch, archive)
    assert not Path("/tmp/bob/01-perceptron.ipynb").exists()


def test_a_zip_symlink_member_is_refused(tmp_path):
    link = zipfile.ZipInfo("ada/01-perceptron.ipynb")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "lms.zip", "w") as zf:
        zf.writestr(link, "../bob/01-perceptron.ipynb")
        zf.writestr("bob/01-perceptron.ipynb", _notebook("bob"))
    rows = _rows(tmp_path / "lms.zip", tmp_path / "scratch")
    assert rows["ada"].data is None and "is a symlink" in rows["ada"].error
    assert "latest submission of ada, so nothing was written" in rows["ada"].error
    assert not (tmp_path / "scratch" / "lms" / "submitted" / "ada").exists()
    assert rows["bob"].data == _notebook("bob")


def test_an_encrypted_zip_member_is_refused(tmp_path):
    archive = _zip(tmp_path / "lms.zip", [("ada/01-perceptron.ipynb", _notebook("ada"))])
    _rewrite_header(archive, "ada/01-perceptron.ipynb", flags=0x1)
    rows = _rows(archive, tmp_path / "scratch")
    assert rows["ada"].data is None and "is encrypted" in rows["ada"].error


def test_a_zip_bomb_whose_header_lies_is_refused_and_nothing_is_written(tmp_path):
    member = "ada/01-perceptron.ipynb"
    archive = _zip(tmp_path / "lms.zip", [(member, b"\0" * (MAX_NOTEBOOK_BYTES + 2**20))])
    assert archive.stat().st_size < 2**20  # a small zip...
    _rewrite_header(archive, member, size=1000)  # ...whose header says the notebook is tiny
    rows = _rows(archive, tmp_path / "scratch")
    assert rows["ada"].data is None and rows["ada"].error.startswith(member)
    written = [p.name for p in (tmp_path / "scratch").rglob("*") if p.is_file()]
    assert written == ["collect-report.txt"]  # not a byte of the notebook


def test_a_zip_member_whose_header_is_over_the_limit_is_refused_unread(tmp_path, monkeypatch):
    member = "ada/01-perceptron.ipynb"
    archive = _zip(tmp_path / "lms.zip", [(member, _notebook("ada"))])
    _rewrite_header(archive, member, size=MAX_NOTEBOOK_BYTES + 1)
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("it was unpacked"))
    rows = _rows(archive, tmp_path / "scratch")
    assert rows["ada"].data is None and "over the 64 MB limit" in rows["ada"].error


def test_zip_names_that_are_no_student_id_get_rows_of_their_own(tmp_path):
    archive = _zip(tmp_path / "lms.zip", [
        ("__MACOSX/ada/._01-perceptron.ipynb", b"resource fork"),  # macOS's: ignored
        ("01-perceptron.ipynb", _notebook("nobody")),
        ("_x_01-perceptron.ipynb", _notebook("nobody")),
        ("perceptron.ipynb", _notebook("nobody")),
        ("-x/01-perceptron.ipynb", _notebook("nobody")),
        ("ada/01-perceptron.ipynb", _notebook("ada")),
    ])  # fmt: skip
    rows = _rows(archive, tmp_path / "scratch")
    assert rows.pop("ada").data == _notebook("ada")
    assert sorted(row.error.split(" names no student")[0] for row in rows.values()) == [
        "the name '-x' in the zip makes no student id: give --roster FILE, a CSV with each"
        " student's hub user name in 'student' and the LMS's id (canvas_id, moodle_id,"
        " sis_login_id, id_number or email), and collect again",
        "the zip member 01-perceptron.ipynb",
        "the zip member _x_01-perceptron.ipynb",
        "the zip member perceptron.ipynb",
    ]
    assert all(not STUDENT.match(student) for student in rows)


@pytest.mark.parametrize("lesson", [lesson for lesson in lesson_ids() if lesson != "00-welcome"])
def test_flat_zip_names_work_for_every_lessons_notebook(tmp_path, lesson):
    """The known bug: <student>_<number>_log_loss.ipynb was read as a file named loss.ipynb."""
    name = lesson_notebook(lesson).name
    archive = _zip(tmp_path / "lms.zip", [
        (f"ada_4711_{name}", _notebook("ada")),
        (f"bob_4712_{lesson}.ipynb", _notebook("bob")),
        (f"cat/{lesson}/{name}", _notebook("cat")),
    ])  # fmt: skip
    rows = {
        row.student: row
        for row in collect(archive, lesson, {name, f"{lesson}.ipynb"}, tmp_path / "scratch")
    }
    assert {student: row.data for student, row in rows.items()} == {
        who: _notebook(who) for who in ("ada", "bob", "cat")
    }
    assert rows["ada"].origin == f"ada_4711_{name}" and not rows["ada"].error


# ------------------------------------------------------------------ nbgrader's submitted/


def _submitted(course: Path, student: str, lesson: str, stamp: str | None) -> Path:
    """course/submitted/<student>/<lesson>/<notebook>, as nbgrader writes it, with a timestamp."""
    folder = course / "submitted" / student / lesson
    folder.mkdir(parents=True)
    (folder / lesson_notebook(lesson).name).write_bytes(_notebook(student))
    if stamp is not None:
        (folder / "timestamp.txt").write_text(stamp)
    return folder


def test_nbgraders_submitted_folder_is_read_with_its_timestamps(tmp_path):
    course = tmp_path / "course"
    _submitted(course, "ada", LESSON, "2025-01-31 09:15:02.250000 UTC")  # nbgrader's own
    _submitted(course, "bob", LESSON, "2025-01-31 10:15:02 +0000\n")
    cat = _submitted(course, "cat", LESSON, None)
    os.utime(cat / "perceptron.ipynb", (0, 1738300000))
    _submitted(course, "dan", "02-log-loss", "2025-01-31 09:15:02 UTC")  # another lesson
    rows = _rows(course / "submitted", tmp_path / "scratch")
    assert rows["ada"].data == _notebook("ada")
    assert rows["ada"].origin == f"ada/{LESSON}/perceptron.ipynb"
    assert rows["ada"].timestamp == datetime(2025, 1, 31, 9, 15, 2, 250000, tzinfo=UTC)
    assert rows["bob"].timestamp == datetime(2025, 1, 31, 10, 15, 2, tzinfo=UTC)
    assert rows["cat"].timestamp == datetime.fromtimestamp(1738300000, UTC)  # its mtime
    assert rows["dan"].error == "no notebook submitted"


@pytest.mark.parametrize("stamp", ["yesterday", "", "2025-13-45 99:00:00", "9" * 400])
def test_a_malformed_timestamp_is_that_students_error(tmp_path, stamp):
    course = tmp_path / "course"
    _submitted(course, "ada", LESSON, stamp)
    _submitted(course, "bob", LESSON, "2025-01-31 09:15:02.000000 UTC")
    rows = _rows(course / "submitted", tmp_path / "scratch")
    assert rows["ada"].data is None
    assert rows["ada"].error.startswith(
        f"ada/{LESSON}/timestamp.txt holds no time nbgrader can read"
    )
    assert "'2025-01-31 00:00:00.000000 UTC') or delete it, and grade again" in rows["ada"].error
    assert rows["bob"].data == _notebook("bob")


def test_a_timestamp_that_is_a_symlink_or_huge_is_refused(tmp_path):
    course = tmp_path / "course"
    ada = _submitted(course, "ada", LESSON, None)
    (ada / "timestamp.txt").symlink_to("/dev/zero")
    bob = _submitted(course, "bob", LESSON, "2025-01-31 09:15:02 UTC" + " " * 2000)
    rows = _rows(course / "submitted", tmp_path / "scratch")
    assert rows["ada"].data is None and "timestamp.txt is a symlink" in rows["ada"].error
    assert rows["bob"].data is None
    assert rows["bob"].error.startswith(f"bob/{LESSON}/timestamp.txt is 2023 bytes, not a time")
    assert bob.exists()


def test_timestamps_are_written_and_read_in_nbgraders_own_format():
    from nbgrader.exchange.abc.exchange import Exchange
    from nbgrader.utils import parse_utc

    assert TIMESTAMP_FORMAT == Exchange.timestamp_format.default_value
    when = datetime(2025, 1, 31, 9, 15, 2, 250000, tzinfo=UTC)
    assert format_timestamp(when) == "2025-01-31 09:15:02.250000 UTC"
    assert parse_utc(format_timestamp(when)) == when.replace(tzinfo=None)
