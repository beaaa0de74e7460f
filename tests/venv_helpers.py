"""Helpers for tests that install the course into a fresh virtual environment (Colab, hub image):
a copy of the checkout as a build context, the venv itself, and notebooks run in its kernel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest

from grading.course import REPO

# Runs inside the fresh venv (which has nbclient): executes a notebook, writes it with its outputs.
RUNNER = """
import sys
import nbformat
from nbclient import NotebookClient

source, workdir, out, timeout = sys.argv[1:5]
notebook = nbformat.read(source, as_version=4)
client = NotebookClient(notebook, timeout=int(timeout), kernel_name="python3",
                        resources={"metadata": {"path": workdir}})
try:
    client.execute()
finally:
    nbformat.write(notebook, out)
"""


def pins(*groups: str) -> dict[str, str]:
    """pyproject's exact pins, name to version: the lesson's dependencies and the given extras."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for group in groups:
        lines += project["optional-dependencies"][group]
    return dict(line.split("==") for line in lines)


def torch_wheel_or_skip() -> None:
    """Skip, loudly, unless a torch wheel lies in $PIP_FIND_LINKS (from PyPI it is gigabytes) and
    pip's index answers (the other packages, and setuptools for building the course, come from it).
    """
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/").rstrip("/") + "/pip/"
    try:
        urllib.request.urlopen(index, timeout=20).close()
    except OSError as error:
        pytest.skip(f"SKIPPED LOUDLY: pip's index {index} is out of reach ({error})")
    folders = os.environ.get("PIP_FIND_LINKS", "").split()
    version = pins()["torch"]
    if not any(Path(f).is_dir() and any(Path(f).glob(f"torch-{version}*.whl")) for f in folders):
        pytest.skip(
            f"SKIPPED LOUDLY: no torch-{version} wheel in $PIP_FIND_LINKS ({folders or 'unset'}); "
            "these tests install torch into a fresh venv and will not download gigabytes"
        )


def course_copy(dest: Path) -> Path:
    """A copy of the checkout's files that git tracks or would track (no .venv, data, workspace)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def make_venv(path: Path) -> Path:
    """A fresh virtual environment at path, without the user's site-packages; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(path)], check=True)
    return path / "bin" / "python"


def run(command: list[str], env: dict[str, str] | None = None, **kwargs) -> str:
    """Run a command; its output, or AssertionError showing that output when it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def venv_env(python: Path, **extra: str) -> dict[str, str]:
    """The environment for the venv's processes: its bin first, its kernel spec, nothing of ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    env["JUPYTER_PATH"] = str(python.parents[1] / "share" / "jupyter")
    env["PYTHONNOUSERSITE"] = "1"
    return {**env, **extra}


def versions(python: Path, *names: str) -> dict[str, str | None]:
    """The installed version of each distribution in the venv (None where it is absent)."""
    code = (
        "import importlib.metadata as m, json, sys\n"
        "def v(n):\n"
        "    try:\n        return m.version(n)\n"
        "    except m.PackageNotFoundError:\n        return None\n"
        "print(json.dumps({n: v(n) for n in sys.argv[1:]}))"
    )
    # Run from the venv's folder: from here, "" on sys.path would find this checkout's egg-info.
    return json.loads(run([str(python), "-c", code, *names], cwd=python.parents[1]))


def execute(python: Path, notebook: Path, workdir: Path, env: dict[str, str], timeout: int = 120):
    """Run `notebook` in the venv's kernel inside workdir; (returncode, stderr, executed notebook)."""
    import nbformat

    out = workdir / f"executed-{notebook.name}"
    command = [str(python), "-c", RUNNER, str(notebook), str(workdir), str(out), str(timeout)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=workdir)
    executed = nbformat.read(out, as_version=4) if out.exists() else None
    return done.returncode, done.stderr, executed


def cell_text(cell: dict) -> str:
    """A code cell's printed text and error message, as one string."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "".join(parts)
