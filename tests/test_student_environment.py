"""A clean student environment (issue 12): `make lab` shows a student's JupyterLab, `make
formgrader` the instructor's.

The student's Lab (utils.workspace.student_lab, config/student-lab/) keeps nbgrader's Assignment
List (for hubs) but none of its instructor tools (formgrader, course list, Create Assignment,
Validate), and shows no news or update pop-up. `make formgrader`, in the same environment, keeps
them all. The server checks run everywhere; the page checks need Chromium (skipped without it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import urllib.error
from pathlib import Path

import browser_helpers as bh
import pytest

from grading.course import LESSONS
from utils import workspace
from utils.workspace import Launch, demo_server, student_lab, sync_workspace

pytestmark = pytest.mark.xdist_group("student-environment")

REPO = Path(__file__).resolve().parent.parent
NBGRADER_BUNDLE = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"
INSTRUCTOR_PLUGINS = {
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:validate-assignment",
}
STUDENT_PLUGINS = {"@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"}
FORMGRADER_FILE = "/formgrader/static/css/nbgrader.css"  # served only with formgrader loaded


def status(server: bh.Server, path: str) -> int:
    """The HTTP status of a GET of path on server."""
    try:
        bh.get(server.url(path))
        return 200
    except urllib.error.HTTPError as error:
        return error.code


# ---------------------------------------------------------------- how the launches are wired


def test_make_lab_and_make_demo_start_exactly_the_launches_the_tests_use(monkeypatch):
    venv_python = [".venv/bin/python", "-m", "utils.workspace"]
    assert bh.make_recipe("lab", LAB_ARGS="--no-browser") == [*venv_python, "lab", "--no-browser"]
    assert bh.make_recipe("demo", DEMO_PORT="9000") == [*venv_python, "demo", "--port=9000"]
    started, synced = [], []
    monkeypatch.setattr(workspace, "_run", lambda launch: started.append(launch) or 0)
    monkeypatch.setattr(workspace, "sync_workspace", lambda *a: synced.append(a) or [])
    assert workspace.main(["lab", "--no-browser"]) == 0
    assert workspace.main(["demo", "--port=9000"]) == 0
    assert started == [student_lab(args=["--no-browser"]), demo_server(args=["--port=9000"])]
    assert synced == [(), (workspace.DEMOS, workspace.WORKSPACE / "demos")]
    assert workspace.main(["--bogus"]) == 2


def test_the_student_config_comes_first_and_keeps_the_callers_folders():
    launch = student_lab(Path("/w"), base={"JUPYTER_CONFIG_PATH": "/mine"})
    mine = os.pathsep.join([str(workspace.STUDENT_LAB_CONFIG), "/mine"])
    assert launch.env == {"JUPYTER_CONFIG_PATH": mine, "JUPYTER_PATH": str(workspace.DEMO_CONFIG)}
    assert launch.argv[1:4] == ["-m", "jupyterlab", "--ServerApp.root_dir=/w"]
    assert Launch(["x"], {"A": "1"}).environ({"A": "0", "B": "2"}) == {"A": "1", "B": "2"}
    demo = demo_server(Path("/d"), base={})
    assert demo.env == {"JUPYTER_CONFIG_PATH": str(workspace.DEMO_CONFIG),
                        "JUPYTER_PATH": str(workspace.DEMO_CONFIG)}  # fmt: skip


def test_the_labs_voila_preview_uses_the_demos_template_and_extensions():
    student = json.loads((workspace.STUDENT_LAB_CONFIG / "jupyter_server_config.json").read_text())
    demo = json.loads((workspace.DEMO_CONFIG / "voila.json").read_text())["VoilaConfiguration"]
    preview = student["VoilaConfiguration"]
    assert preview == {k: demo[k] for k in ("template", "extension_allowlist")}


def test_the_disabled_plugins_exist_in_the_installed_nbgrader_and_spare_the_assignment_list():
    config = workspace.STUDENT_LAB_CONFIG / "labconfig" / "page_config.json"
    disabled = {k for k, v in json.loads(config.read_text())["disabledExtensions"].items() if v}
    assert disabled == INSTRUCTOR_PLUGINS
    if not NBGRADER_BUNDLE.is_dir():
        pytest.skip(f"nbgrader's Lab extension is not at {NBGRADER_BUNDLE}")
    bundle = "".join(p.read_text(errors="replace") for p in NBGRADER_BUNDLE.glob("static/*.js"))
    for plugin in INSTRUCTOR_PLUGINS | STUDENT_PLUGINS:  # renamed in a new nbgrader? say so
        assert f'"{plugin}"' in bundle, f"{plugin} is not a plugin of the installed nbgrader"


# ---------------------------------------------------------------- the two servers


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    root = tmp_path_factory.mktemp("student-environment")
    sync_workspace(LESSONS, root / "workspace")
    return root


@pytest.fixture(scope="module")
def student(state):
    server = bh.start_student_lab(state / "workspace", state / "student")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def instructor(state):
    """`make formgrader`'s Lab in a copy of the course: its nbgrader_config.py and lesson 01."""
    course = state / "course"
    sync_workspace(LESSONS / "01-perceptron", course / "01-perceptron")
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    server = bh.start_instructor_lab(course, state / "instructor")
    yield server
    server.stop()


def test_the_student_lab_has_the_assignment_list_but_no_instructor_tools(student):
    disabled = set(bh.page_config(student)["disabledExtensions"])
    assert INSTRUCTOR_PLUGINS <= disabled
    assert not STUDENT_PLUGINS & disabled
    assert status(student, FORMGRADER_FILE) == 404, "formgrader's server extension is loaded"
    assert status(student, "/formgraders") == 404, "the course list's server extension is loaded"
    # The Assignment List's server side (and the validation it offers per notebook) stays.
    assert status(student, "/assignments") != 404
    assert status(student, "/assignments/validate") != 404


def test_the_labs_voila_preview_loads_nothing_from_the_internet(student, state):
    """Render with Voila (the Lab's preview) uses the demo's template: no CDN stylesheet or script."""
    tiny = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                       "outputs": [], "source": "print(6 * 7)"}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    (state / "workspace" / "tiny.ipynb").write_text(json.dumps(tiny))
    page = bh.get(student.url("/voila/render/tiny.ipynb")).decode()
    assert "42" in page, "the preview did not run the notebook"
    eager = re.findall(r"<(?:link|script)\b[^>]*(?:href|src)=[\"']?(https?:[^\"' >]+)", page)
    assert eager == [], f"the preview loads from the internet: {eager}"


def test_the_student_lab_asks_about_no_news_and_no_updates(student):
    assert bh.page_config(student)["news"] == {"disabled": True}
    settings = json.loads(
        bh.get(student.url("/lab/api/settings/@jupyterlab/apputils-extension:notification"))
    )
    defaults = settings["schema"]["properties"]
    assert defaults["fetchNews"]["default"] == "false"
    assert defaults["checkForUpdates"]["default"] is False
    assert json.loads(bh.get(student.url("/lab/api/update")))["notification"] is None


def test_make_formgrader_still_has_every_instructor_tool(instructor):
    disabled = set(bh.page_config(instructor).get("disabledExtensions", []))
    assert not (INSTRUCTOR_PLUGINS | STUDENT_PLUGINS) & disabled
    assert status(instructor, FORMGRADER_FILE) == 200


# ---------------------------------------------------------------- what each one shows


def lab_as_seen(browser, server, folder: Path, name: str) -> dict:
    """Lesson 01 opened in server's Lab: the Nbgrader menu's items, the notebook toolbar's text,
    the right sidebar's tabs, and the pop-ups (toasts) shown within 5 s of the page settling."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    with bh.screenshot_on_failure(page, folder, name):
        bh.open_lab_notebook(page, server, "01-perceptron/perceptron.ipynb")
        page.wait_for_timeout(5000)  # JupyterLab asks about news a moment after it starts
        seen = {"toasts": page.locator(".Toastify__toast").all_inner_texts()}
        seen["toolbar"] = page.locator(".jp-NotebookPanel-toolbar").first.inner_text()
        seen["sidebar"] = page.locator(".jp-SideBar.jp-mod-right .lm-TabBar-tab").evaluate_all(
            "tabs => tabs.map(t => t.title)"
        )
        page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
        items = page.locator(".lm-Menu-content .lm-Menu-item:visible .lm-Menu-itemLabel")
        seen["menu"] = [text.strip() for text in items.all_inner_texts()]
    page.close()
    return seen


def test_the_student_sees_the_assignment_list_and_no_instructor_tool_or_pop_up(
    browser, student, tmp_path
):
    seen = lab_as_seen(browser, student, tmp_path, "student-lab")
    assert seen["menu"] == ["Assignment List"], seen["menu"]
    assert "Validate" not in seen["toolbar"].split("\n"), seen["toolbar"]
    assert not [tab for tab in seen["sidebar"] if "Create Assignment" in tab], seen["sidebar"]
    assert seen["toasts"] == [], f"pop-ups over the notebook: {seen['toasts']}"


def test_the_instructor_sees_formgrader_create_assignment_and_validate(
    browser, instructor, tmp_path
):
    seen = lab_as_seen(browser, instructor, tmp_path, "instructor-lab")
    assert {"Assignment List", "Formgrader", "Create assignment"} <= set(seen["menu"]), seen
    assert "Validate" in seen["toolbar"].split("\n"), seen["toolbar"]
    assert [tab for tab in seen["sidebar"] if "Create Assignment" in tab], seen["sidebar"]
