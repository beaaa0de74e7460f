"""pip (pyproject.toml) and conda (environment.yml) users get the same pinned packages, and each
set-up installs only the groups it needs: `make lab` what a lesson needs to run and JupyterLab,
the instructor's targets nbgrader and Voila too, `make test` everything."""

import os
import shlex
import shutil
import subprocess
import sys
import tomllib

import pytest
import yaml

from grading.course import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
GROUPS = {"lesson": PROJECT["dependencies"], **PROJECT["optional-dependencies"]}
INSTRUCTOR_TARGETS = ["demo", "lessons", "collect", "grade", "feedback", "report", "export",
                      "formgrader"]  # fmt: skip


def names(pins: list[str]) -> set[str]:
    """The package names of name==version pins."""
    return {pin.partition("==")[0] for pin in pins}


def conda_pip_section() -> list[str]:
    """environment.yml's pip lines."""
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    return next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))


def test_the_groups_are_the_ones_the_course_agreed():
    assert set(GROUPS) == {"lesson", "lab", "instructor", "test"}
    assert names(GROUPS["lesson"]) == {"ipywidgets", "matplotlib", "numpy", "torch", "tqdm"}
    assert names(GROUPS["lab"]) == {"jupyterlab"}
    assert names(GROUPS["instructor"]) == {"nbgrader", "voila", "psycopg2-binary"}
    assert {"playwright", "pytest", "pytest-xdist", "ruff"} <= names(GROUPS["test"])


def test_every_dependency_is_pinned_exactly_and_once():
    pins = [pin for group in GROUPS.values() for pin in group]
    assert all("==" in pin for pin in pins), pins
    assert len(names(pins)) == len(pins), f"a package is in two groups: {sorted(pins)}"
    assert "torch==2.13.0" in GROUPS["lesson"]


def test_environment_yml_is_the_students_environment_with_the_same_pins():
    """conda's environment is what `make lab` installs (lesson + lab), pin for pin; its comment
    tells instructors the pip line for the other groups."""
    lines = conda_pip_section()
    assert {line for line in lines if not line.startswith("-e")} == {
        *GROUPS["lesson"],
        *GROUPS["lab"],
    }
    assert "-e ." in lines
    assert 'pip install -e ".[lab,instructor,test]"' in (REPO / "environment.yml").read_text()


def test_the_console_script_is_the_workspace_launcher():
    assert PROJECT["scripts"] == {"nn-workbook": "utils.workspace:main"}


# ---------------------------------------------------------------- what each make target installs


@pytest.fixture
def fake_course(tmp_path):
    """A copy of the Makefile and pyproject.toml with a fake .venv whose python and jupyter only
    log their arguments: `make` runs for real, nothing is installed."""
    if shutil.which("make") is None:
        pytest.skip("LOUD SKIP: no `make` on this machine; the Makefile's install steps untested")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp_path / name)
    bin_ = tmp_path / ".venv" / "bin"
    bin_.mkdir(parents=True)
    log = tmp_path / "calls.log"
    for tool, output in (("python", ""), ("jupyter", "jupyterlab-manager enabled")):
        script = bin_ / tool
        script.write_text(
            f'#!/bin/sh\necho "{tool} $*" >> {shlex.quote(str(log))}\necho "{output}"\n'
        )
        script.chmod(0o755)
    return tmp_path


def make(course, *args: str) -> list[str]:
    """Run make in course; the python calls it made (pip installs and launches), in order."""
    log = course / "calls.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "MAKEFLAGS": ""}
    subprocess.run(["make", "--no-print-directory", *args], cwd=course, env=env, check=True,
                   capture_output=True, text=True)  # fmt: skip
    calls = log.read_text().splitlines() if log.exists() else []
    return [call for call in calls if call.startswith("python")]


def pip(extras: str) -> str:
    return f"python -m pip install --quiet --editable .[{extras}]"


def test_make_lab_installs_the_lessons_packages_and_jupyterlab_only(fake_course):
    assert make(fake_course, "lab") == [pip("lab"), "python -m utils.workspace lab"]
    assert make(fake_course, "lab") == ["python -m utils.workspace lab"], "installed again"


def dry_run(course, target: str, *variables: str) -> str:
    """What `make -n target` would run in course."""
    return subprocess.run(["make", "--no-print-directory", "-n", target, *variables], cwd=course,
                          capture_output=True, text=True, check=True).stdout  # fmt: skip


def test_make_lab_after_make_install_installs_nothing_and_a_change_reinstalls(fake_course):
    assert make(fake_course, "install") == [pip("lab,instructor,test")]
    assert make(fake_course, "lab") == ["python -m utils.workspace lab"]
    assert "pip install" not in dry_run(fake_course, "test")
    for stamp in (fake_course / ".venv").glob(".installed-*"):  # pyproject.toml edited since
        os.utime(stamp, (1e9, 1e9))
    assert make(fake_course, "lab") == [pip("lab"), "python -m utils.workspace lab"]
    assert make(fake_course, "lab") == ["python -m utils.workspace lab"]
    assert "--editable '.[lab,instructor,test]'" in dry_run(fake_course, "test")


@pytest.mark.parametrize("target", INSTRUCTOR_TARGETS)
def test_the_instructors_targets_install_nbgrader_and_voila(fake_course, target):
    printed = dry_run(fake_course, target, "A=x", "ZIP=y", "ROSTER=z")
    assert "--editable '.[lab,instructor]'" in printed, printed


@pytest.mark.parametrize("target", ["test", "lint", "bench"])
def test_the_test_tools_come_with_every_group(fake_course, target):
    assert "--editable '.[lab,instructor,test]'" in dry_run(fake_course, target)


# ---------------------------------------------------------------- every import has its group


def closure(requirements: list[str], extras: set[str] = frozenset()) -> set[str]:
    """The installed distributions these requirements bring in, transitively (normalised names)."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found, todo = set(), [(Requirement(r), extras) for r in requirements]
    while todo:
        requirement, wanted = todo.pop()
        environments = [{"extra": extra} for extra in wanted or {""}]
        marker = requirement.marker
        if marker and not any(marker.evaluate(env) for env in environments):
            continue
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        try:
            todo += [(Requirement(r), requirement.extras) for r in requires(name) or []]
        except PackageNotFoundError:
            pass  # a dependency not installed here: reported by the test below as missing
    return found


def third_party_imports(folder: str) -> set[str]:
    """The top-level modules the .py files under folder import that are neither the standard
    library nor the course's own."""
    import ast

    modules = set()
    for path in (REPO / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    own = {p.stem for p in (REPO / "tests").glob("*.py")} | {"utils", "grading", "tests", "wire"}
    return {m for m in modules - own if m not in sys.stdlib_module_names}


@pytest.mark.parametrize(
    ("folder", "groups"),
    [
        # A lesson runs in a kernel: ipykernel comes with any Jupyter (JupyterLab, Colab, a hub).
        ("utils", {"lesson"}),
        ("grading", {"lesson", "lab", "instructor"}),
        ("tests", {"lesson", "lab", "instructor", "test"}),
    ],
)
def test_every_third_party_import_comes_with_its_groups(folder, groups):
    from importlib.metadata import packages_distributions

    from packaging.utils import canonicalize_name

    pins = [pin for group in groups for pin in GROUPS[group]]
    kernel = ["ipykernel"] if groups == {"lesson"} else []
    brought = closure(pins + kernel)
    providers = packages_distributions()
    missing = {
        module: providers.get(module)
        for module in third_party_imports(folder)
        if not {canonicalize_name(d) for d in providers.get(module, [])} & brought
    }
    assert missing == {}, f"{folder}/ imports these, which {sorted(groups)} do not bring in"
