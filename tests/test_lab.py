"""`make lab`'s server: JupyterLab starts from this environment, serves the lessons, has widgets.

What the student's Lab hides (nbgrader's instructor tools, news) is tested in
tests/test_student_environment.py.
"""

import json
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_helpers import free_port, get

from grading.cells import nbgrader_meta, read_notebook, with_answers
from grading.course import LESSONS, lesson_ids, lesson_notebook
from utils.workspace import student_lab, sync_workspace

# One server for the module: under pytest-xdist its tests share one worker.
pytestmark = pytest.mark.xdist_group("lab")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 as `make lab` starts it (utils.workspace.student_lab), on a fresh
    workspace made as `make lab` makes it."""
    workspace = tmp_path_factory.mktemp("workspace")
    sync_workspace(LESSONS, workspace)
    port, token = free_port(), secrets.token_hex(16)
    args = ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}"]  # fmt: skip
    launch = student_lab(workspace, args)
    server = subprocess.Popen(
        launch.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=launch.environ()
    )
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


def run_in_lab_kernel(base: str, token: str, path: str, cells: list[str]) -> list[dict]:
    """Open `path` in a session of the Lab server and run each cell there, as the browser does."""
    import asyncio
    import uuid

    from jupyter_server.services.kernels.connection.base import deserialize_binary_message
    from tornado.websocket import websocket_connect

    request = urllib.request.Request(
        f"{base}/api/sessions?token={token}",
        data=json.dumps({"path": path, "type": "notebook", "kernel": {"name": "python3"}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    kernel_id = json.loads(urllib.request.urlopen(request, timeout=30).read())["kernel"]["id"]
    ws_url = f"{base.replace('http', 'ws')}/api/kernels/{kernel_id}/channels?token={token}"

    async def run() -> list[dict]:
        socket = await websocket_connect(ws_url)
        session, results = uuid.uuid4().hex, []
        for code in cells:
            msg_id = uuid.uuid4().hex
            header = {"msg_id": msg_id, "session": session, "username": "student",
                      "msg_type": "execute_request", "version": "5.3", "date": ""}  # fmt: skip
            content = {"code": code, "silent": False, "store_history": True,
                       "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}  # fmt: skip
            await socket.write_message(json.dumps({"header": header, "parent_header": {},
                "metadata": {}, "content": content, "channel": "shell", "buffers": []}))  # fmt: skip
            result = {"code": code, "stdout": "", "errors": []}
            replied = idle = False
            while True:
                frame = await asyncio.wait_for(socket.read_message(), 120)
                # Messages with buffers (widget updates carrying PNG bytes) come as binary frames.
                message = (
                    deserialize_binary_message(frame)
                    if isinstance(frame, bytes)
                    else json.loads(frame)
                )
                if message["parent_header"].get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind == "stream" and message["content"]["name"] == "stdout":
                    result["stdout"] += message["content"]["text"]
                elif kind == "error":
                    result["errors"].append(
                        f"{message['content']['ename']}: {message['content']['evalue']}"
                    )
                elif kind == "execute_reply":
                    replied = True
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    idle = True
                # The reply (shell) can overtake the output (iopub): wait for both.
                if replied and idle:
                    break
            results.append(result)
        socket.close()
        return results

    return asyncio.run(run())


def test_a_solved_lesson_01_runs_in_the_lab_kernel_and_passes_its_visible_tests(lab):
    base, token, workspace = lab
    student = read_notebook(workspace / "01-perceptron" / "perceptron.ipynb")
    solved = with_answers(student, read_notebook(lesson_notebook("01-perceptron")))
    (workspace / "01-perceptron" / "solved.ipynb").write_text(json.dumps(solved))
    code_cells = [c for c in solved["cells"] if c["cell_type"] == "code"]
    results = run_in_lab_kernel(base, token, "01-perceptron/solved.ipynb",
                                ["".join(c["source"]) for c in code_cells])  # fmt: skip
    assert not [r for r in results if r["errors"]], [r["errors"] for r in results if r["errors"]]
    test_cells = [r for r, c in zip(results, code_cells, strict=True)
                  if nbgrader_meta(c).get("grade")]  # fmt: skip
    assert test_cells and all("\u2714" in r["stdout"] for r in test_cells)
