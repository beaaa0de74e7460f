"""Binder (.binder/): the student environment at pyproject's pins, a CPU-only torch, the course
installed without re-resolving its dependencies, JupyterLab opened on the lessons, and none of the
instructor's or test tools. (Binder itself cannot be reached from here: these read the files.)"""

import os
import re
import tomllib

from venv_helpers import pins

from grading.course import REPO

BINDER = REPO / ".binder"


def requirement_lines() -> list[str]:
    """.binder/requirements.txt without its comments and blank lines."""
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_requirements_are_the_lesson_and_lab_pins():
    listed = [line for line in requirement_lines() if not line.startswith("-")]
    assert dict(line.split("==") for line in listed) == pins("lab")


def test_no_instructor_or_test_tools_on_binder():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    groups = project["optional-dependencies"]
    banned = {pin.split("==")[0] for group in ("instructor", "test") for pin in groups[group]}
    text = "\n".join(path.read_text() for path in BINDER.iterdir())
    assert not [name for name in banned if re.search(rf"\b{re.escape(name)}\b", text)]


def test_torch_is_cpu_only():
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in requirement_lines()


def test_postbuild_installs_the_course_without_its_dependencies():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild only when it is executable"
    assert "pip install --no-cache-dir --no-deps ." in post_build.read_text()


def test_python_version_meets_the_course():
    version = (BINDER / "runtime.txt").read_text().strip()
    needed = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    found = re.fullmatch(r"python-(\d+)\.(\d+)", version)
    minimum = re.fullmatch(r">=(\d+)\.(\d+)", needed)
    assert found and minimum
    assert tuple(map(int, found.groups())) >= tuple(map(int, minimum.groups()))


def test_readme_badge_opens_the_lessons():
    readme = (REPO / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/([^)]+)\)", readme)
    assert badge, "README.md needs a Binder badge"
    assert badge.group(1).endswith("?urlpath=lab/tree/lessons")
