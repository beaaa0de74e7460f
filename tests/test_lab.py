"""`make lab`'s server: JupyterLab starts from this environment, serves the lessons, has widgets."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from grading.course import LESSONS, lesson_ids, lesson_notebook
from utils.workspace import sync_workspace


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1, on a fresh workspace made as `make lab` makes it."""
    workspace = tmp_path_factory.mktemp("workspace")
    sync_workspace(LESSONS, workspace)
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={workspace}"]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")  # as `make lab` does for root
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield base, token, workspace
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workspace, ignore_errors=True)


def test_lab_serves_every_lesson(lab):
    base, token, _ = lab
    for lesson in lesson_ids():
        name = lesson_notebook(lesson, LESSONS).name
        model = json.loads(get(f"{base}/api/contents/{lesson}/{name}?token={token}"))
        assert model["type"] == "notebook" and model["content"]["cells"]


def test_lab_page_loads_the_ipywidgets_front_end(lab):
    base, token, _ = lab
    page = get(f"{base}/lab?token={token}").decode()
    assert "@jupyter-widgets/jupyterlab-manager" in page


def test_lab_kernel_is_this_environment(lab):
    base, token, _ = lab
    specs = json.loads(get(f"{base}/api/kernelspecs?token={token}"))
    argv = specs["kernelspecs"][specs["default"]]["spec"]["argv"]
    assert argv[0] in (sys.executable, "python"), argv
