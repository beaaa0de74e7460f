"""A course update brings new lessons into the student's workspace and overwrites nothing."""

import pytest

from utils import workspace
from utils.workspace import Launch, sync_workspace


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


# ---------------------------------------------------------------- nn-workbook's command line


def test_help_and_a_wrong_command(capsys):
    assert workspace.main(["--help"]) == 0
    assert "nn-workbook [lab|demo]" in capsys.readouterr().out
    assert workspace.main(["serve"]) == 2
    assert "got ['serve']" in capsys.readouterr().out


def test_outside_a_checkout_it_says_to_clone(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(workspace, "LESSONS", tmp_path / "site-packages" / "lessons")
    assert workspace.main(["lab"]) == 2
    assert 'pip install -e ".[lab]"' in capsys.readouterr().out


@pytest.mark.parametrize(("command", "extras"), [("lab", "lab"), ("demo", "lab,instructor")])
def test_a_missing_server_says_which_group_to_install(monkeypatch, capsys, command, extras):
    monkeypatch.setattr(workspace.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(workspace, "_run", lambda launch: pytest.fail("started a server"))
    assert workspace.main([command]) == 2
    out = capsys.readouterr().out
    assert "is not installed" in out and f'pip install -e ".[{extras}]"' in out


def test_without_exec_the_launcher_waits_for_the_server_through_ctrl_c(monkeypatch):
    """Windows: no exec; Ctrl-C reaches both processes and the server decides when to stop."""

    class Server:
        waits = 0

        def __init__(self, argv, env):
            self.argv, self.env = argv, env

        def wait(self):
            Server.waits += 1
            if Server.waits == 1:
                raise KeyboardInterrupt
            return 3

    monkeypatch.setattr(workspace.os, "name", "nt")
    monkeypatch.setattr(workspace.subprocess, "Popen", Server)
    assert workspace._run(Launch(["jupyter-lab"], {"A": "1"})) == 3
    assert Server.waits == 2
