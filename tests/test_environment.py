"""pip (pyproject.toml) and conda (environment.yml) users get the same pinned packages."""

import tomllib

import yaml

from grading.course import REPO


def pyproject_pins() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["test"])


def conda_pins() -> set[str]:
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    return {line for line in pip_section if not line.startswith("-e")}


def test_every_dependency_is_pinned_exactly():
    assert all("==" in pin for pin in pyproject_pins()), pyproject_pins()


def test_torch_is_pinned():
    assert "torch==2.13.0" in pyproject_pins()


def test_environment_yml_matches_pyproject():
    assert conda_pins() == pyproject_pins()
