"""A course update brings new lessons into the student's workspace and overwrites nothing."""

from utils.workspace import sync_workspace


def make_lesson(lessons, name, text):
    path = lessons / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_first_sync_copies_every_lesson(tmp_path):
    lessons, work = tmp_path / "lessons", tmp_path / "workspace"
    make_lesson(lessons, "01-a", "course v1")
    assert sync_workspace(lessons, work) == ["new: 01-a/01-a.ipynb"]
    assert (work / "01-a" / "01-a.ipynb").read_text() == "course v1"


def test_update_never_overwrites_the_students_work(tmp_path):
    lessons, work = tmp_path / "lessons", tmp_path / "workspace"
    lesson = make_lesson(lessons, "01-a", "course v1")
    sync_workspace(lessons, work)
    mine = work / "01-a" / "01-a.ipynb"
    mine.write_text("my answers")

    lesson.write_text("course v2")
    make_lesson(lessons, "02-b", "brand new")
    messages = sync_workspace(lessons, work)

    assert mine.read_text() == "my answers"
    assert (work / "02-b" / "02-b.ipynb").read_text() == "brand new"
    assert any("updated in the course: 01-a/01-a.ipynb" in m for m in messages)
    assert sync_workspace(lessons, work) == [], "an update is reported once"


def test_a_deleted_copy_comes_back_fresh(tmp_path):
    lessons, work = tmp_path / "lessons", tmp_path / "workspace"
    make_lesson(lessons, "01-a", "course v1")
    sync_workspace(lessons, work)
    (work / "01-a" / "01-a.ipynb").unlink()
    assert sync_workspace(lessons, work) == ["new: 01-a/01-a.ipynb"]
    assert not list(work.rglob(".*.partial"))
