"""The course without make, and installed normally (issue 14).

- On a fresh copy of the repository (what a clone holds: no workspace/, no .venv, no data), in a
  new virtual environment with JupyterLab and none of the instructor's packages (nbgrader, Voila):
  `pip install -e . --no-deps` gives the console script, and `nn-workbook lab` copies the lessons
  and starts the student's Lab, which answers. `nn-workbook demo` there says how to get Voila.
- A normal (non-editable) install into a read-only folder: every subpackage is there, MNIST's
  folder is the user's cache folder, loading MNIST downloads into it (from the offline copy in
  ../shared/datasets through a file:// mirror) and writes nothing beside the package, and
  NN_WORKBOOK_DATA still wins.

Needs git and, for the new environment's JupyterLab, a package index (PyPI or a mirror): without
them these tests skip and say why. About 30 s on 2 busy cores, most of it pip installing
JupyterLab (without .pyc files). Run as root, the read-only folder does not stop a write: the
tests compare its files before and after instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import free_port
from conftest import MNIST_MINI
from venv_helpers import course_copy

from grading.course import REPO
from utils import mnist

pytestmark = pytest.mark.xdist_group("install")

MNIST_TEST = MNIST_MINI.parent / "mnist-test"
JUPYTERLAB = "jupyterlab==4.6.6"
BIN = "Scripts" if os.name == "nt" else "bin"


def loud_skip(why: str) -> None:
    """Skip, saying so in the summary (pytest -ra) and in the log."""
    print(f"!!!!!!!! {why}", file=sys.stderr)
    pytest.skip(why)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """This environment without the course's and Jupyter's variables, HOME at home."""
    drop = ("NN_WORKBOOK_", "JUPYTER", "XDG_", "PYTHONPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "HOME": str(home), **extra}


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh copy of the repository: its tracked files and new ones git does not ignore."""
    if shutil.which("git") is None:
        loud_skip("no git on this machine: cannot list the repository's files")
    return course_copy(tmp_path_factory.mktemp("clone") / "nn-workbook")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, its output captured as text."""
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


# ---------------------------------------------------------------- nn-workbook on a fresh clone


@pytest.fixture(scope="module")
def lab_venv(clone, tmp_path_factory) -> Iterator[Path]:
    """A new virtual environment with JupyterLab only, the clone installed editable (no deps)."""
    venv = tmp_path_factory.mktemp("lab-venv") / "venv"
    run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / BIN / "python")
    got = run([python, "-m", "pip", "install", "--quiet", "--no-compile", JUPYTERLAB], timeout=600)
    if got.returncode:
        loud_skip(f"pip could not install {JUPYTERLAB} (no package index?):\n{got.stderr[-1500:]}")
    got = run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--editable", str(clone)],
              timeout=300)  # fmt: skip
    assert got.returncode == 0, got.stderr
    yield venv
    shutil.rmtree(venv)  # 250 MB; now, rather than in some later pytest run's clean-up


def test_the_new_environment_has_no_instructor_package(lab_venv):
    probe = "import importlib.util as u; print([m for m in ('nbgrader', 'voila', 'psycopg2') if u.find_spec(m)])"
    got = run([str(lab_venv / BIN / "python"), "-c", probe], check=True)
    assert got.stdout.strip() == "[]"


def test_nn_workbook_lab_starts_the_students_lab_on_a_fresh_clone(lab_venv, clone, tmp_path):
    assert not (clone / "workspace").exists()
    port, token = free_port(), secrets.token_hex(16)
    script = lab_venv / BIN / "nn-workbook"
    log = (tmp_path / "lab.log").open("w")
    args = ["lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]  # fmt: skip
    env = clean_env(tmp_path / "home", PATH=f"{lab_venv / BIN}{os.pathsep}{os.environ['PATH']}")
    server = subprocess.Popen([str(script), *args], stdout=log, stderr=subprocess.STDOUT,
                              cwd=tmp_path, env=env)  # fmt: skip
    try:
        status = None
        deadline = time.monotonic() + 90
        while status is None and server.poll() is None and time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/api/status?token={token}"
                with urllib.request.urlopen(url, timeout=5) as answer:
                    status = json.loads(answer.read())
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        text = (tmp_path / "lab.log").read_text(errors="replace")
        assert status is not None, f"nn-workbook lab did not answer; its log:\n{text[-3000:]}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}") as page:
            assert page.status == 200 and b"jupyter-config-data" in page.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    text = (tmp_path / "lab.log").read_text(errors="replace")
    assert "new: 01-perceptron/perceptron.ipynb" in text, text[:2000]
    assert (clone / "workspace" / "01-perceptron" / "perceptron.ipynb").is_file()
    assert "Traceback" not in text, f"the Lab logged an error without nbgrader/Voila:\n{text}"


def test_without_voila_nn_workbook_demo_says_how_to_get_it(lab_venv, tmp_path):
    got = run([str(lab_venv / BIN / "nn-workbook"), "demo"], cwd=tmp_path)
    assert got.returncode == 2
    assert "voila is not installed" in got.stdout and '".[lab,instructor]"' in got.stdout


def test_the_module_form_still_works(lab_venv, tmp_path):
    got = run([str(lab_venv / BIN / "python"), "-m", "utils.workspace", "--help"], cwd=tmp_path)
    assert got.returncode == 0 and "nn-workbook [lab|demo]" in got.stdout


# ---------------------------------------------------------------- a normal install's data folder


@pytest.fixture(scope="module")
def installed(clone, tmp_path_factory) -> Iterator[Path]:
    """The course installed normally (a wheel, not editable) into a folder made read-only."""
    target = tmp_path_factory.mktemp("site") / "site-packages"
    got = run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
               "--no-build-isolation", "--target", str(target), str(clone)], timeout=300)  # fmt: skip
    assert got.returncode == 0, got.stderr
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield target
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def files(folder: Path) -> set[str]:
    """Every path under folder, relative to it."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def python_in(target: Path, code: str, home: Path, **variables: str) -> dict:
    """Run code with the installed package first on sys.path (from a folder that holds no
    utils/), HOME at home; the JSON it prints last."""
    env = clean_env(home, PYTHONPATH=str(target), **variables)
    got = run([sys.executable, "-c", code], cwd=home.parent, env=env, timeout=120)
    assert got.returncode == 0, got.stderr
    return json.loads(got.stdout.strip().splitlines()[-1])


WHERE = """
import json, utils, utils.mnist as m
print(json.dumps({"utils": utils.__file__, "data": str(m.data_dir())}))
"""


def test_a_normal_install_has_every_subpackage(installed):
    wanted = {path.relative_to(REPO).as_posix() for path in (REPO / "utils").rglob("*.py")}
    got = {path.relative_to(installed).as_posix() for path in installed.rglob("utils/**/*.py")}
    assert wanted - got == set(), "missing from the wheel"
    assert not (installed / "data").exists() and not (installed / "lessons").exists()


def test_a_normal_install_keeps_mnist_in_the_users_cache(installed, tmp_path):
    if not MNIST_TEST.is_dir():
        loud_skip(f"{MNIST_TEST} is not here (../shared/datasets)")
    home = tmp_path / "home"
    before = files(installed)
    where = python_in(installed, WHERE, home)
    assert Path(where["utils"]).is_relative_to(installed), where
    cache = home / ".cache" / "nn-workbook" / "mnist"
    assert Path(where["data"]) == cache

    load = """
import json, utils.mnist as m
images, labels = m.load_mnist("test")
print(json.dumps({"shape": images.shape, "first": labels[:3].tolist()}))
"""
    mirror = MNIST_TEST.resolve().as_uri() + "/"
    got = python_in(installed, load, home, NN_WORKBOOK_MNIST_MIRRORS=mirror)
    assert got == {"shape": [10000, 28, 28], "first": [7, 2, 1]}
    for name in mnist.FILES["test"]:
        data = (cache / f"{name}.gz").read_bytes()
        assert hashlib.md5(data).hexdigest() == mnist.GZ_MD5[name]
    assert files(installed) == before, "the install wrote beside the package"


def test_nn_workbook_data_still_wins_over_the_cache(installed, tmp_path):
    if not MNIST_MINI.is_dir():
        loud_skip(f"{MNIST_MINI} is not here (../shared/datasets)")
    home = tmp_path / "home"
    code = """
import json, utils.mnist as m
images, _ = m.load_mnist("train", download=False)
print(json.dumps({"data": str(m.data_dir()), "n": len(images)}))
"""
    got = python_in(installed, code, home, NN_WORKBOOK_DATA=str(MNIST_MINI))
    assert Path(got["data"]) == MNIST_MINI and got["n"] == 8000
    assert not (home / ".cache").exists()
