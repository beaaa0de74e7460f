"""Real-browser plumbing for tests/test_browser.py and tests/benchmarks/bench_browser.py.

Headless Debian Chromium driven by Python playwright; JupyterLab and Voila on 127.0.0.1 with a
token, each serving a throwaway copy of the notebooks (so autosave never writes into the repo).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from grading.cells import read_notebook, with_answers
from grading.course import LESSONS, lesson_notebook
from utils.workspace import demo_server, student_lab

REPO = Path(__file__).resolve().parent.parent
DEMOS = REPO / "demos"
CHROMIUM = os.environ.get("NN_WORKBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
HOW_TO_INSTALL = (
    "install Debian's chromium (`make system`, or `apt-get install chromium`) and the test "
    "extras (`pip install -e '.[test]'` gives python playwright); never `playwright install`"
)
# What JupyterLab and Voila draw for widgets (ipywidgets 8).
SLIDER_HANDLE = ".widget-hslider .noUi-handle"
WIDGET_IMAGE = "img.widget-image"


class BrowserMissing(RuntimeError):
    """Chromium or playwright is not installed; the message says how to install them."""


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (playwright Browser); BrowserMissing when it cannot start."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise BrowserMissing(f"python playwright is missing ({error}): {HOW_TO_INSTALL}") from None
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        raise BrowserMissing(f"no Chromium at {CHROMIUM}: {HOW_TO_INSTALL}")
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:  # noqa: BLE001 - say why, then skip
            raise BrowserMissing(f"Chromium at {CHROMIUM} did not start: {error}") from None
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> bytes:
    """The body of an HTTP GET (10 s timeout)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


class Server:
    """A JupyterLab or Voila process on 127.0.0.1 with a token; stop() ends it."""

    def __init__(
        self,
        command: list[str],
        base: str,
        token: str,
        probe: str,
        log: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ):
        self.base, self.token, self.log = base, token, log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            command,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                get(f"{base}{probe}")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    tail = self.log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"{command[:3]} did not start; log {log}:\n{tail}") from None
                time.sleep(0.3)

    def url(self, path: str) -> str:
        """The address of path on this server, token included."""
        return f"{self.base}{path}{'&' if '?' in path else '?'}token={self.token}"

    def stop(self) -> None:
        """End the server (this process only) and close its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


def _root_args() -> list[str]:
    return ["--allow-root"] if os.geteuid() == 0 else []


# JupyterLab user settings for the tests: every cell in the DOM (no virtual scrolling, so a
# test sees every prompt and output), and no news or update pop-ups over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def start_lab(root: Path, state: Path) -> Server:
    """JupyterLab on 127.0.0.1 serving root, with a fresh token; its settings and log in state."""
    for name, values in LAB_SETTINGS.items():
        path = state / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               *_root_args()]  # fmt: skip
    env = {"JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces")}  # fmt: skip
    base, probe = f"http://127.0.0.1:{port}", f"/api/status?token={token}"
    return Server(command, base, token, probe, state / "lab.log", env)


def start_formgrader(course: Path, state: Path) -> Server:
    """A Jupyter server in the course folder (so formgrader reads its nbgrader_config.py)."""
    state.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
               *_root_args()]  # fmt: skip
    base, probe = f"http://127.0.0.1:{port}", f"/api/status?token={token}"
    env = {"JUPYTER_CONFIG_DIR": str(state / "config"), "HOME": str(state)}
    return Server(command, base, token, probe, state / "server.log", env, cwd=course)


def _lab_args(port: int, token: str) -> list[str]:
    return ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]  # fmt: skip


def start_student_lab(root: Path, state: Path) -> Server:
    """JupyterLab on root exactly as `make lab` starts it (utils.workspace.student_lab), for a
    student with no settings of their own yet (fresh settings and workspaces folders in state)."""
    state.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    launch = student_lab(root, _lab_args(port, token))
    env = {**launch.env, "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces")}  # fmt: skip
    base, probe = f"http://127.0.0.1:{port}", f"/api/status?token={token}"
    return Server(launch.argv, base, token, probe, state / "lab.log", env)


def make_recipe(target: str, **variables: str) -> list[str]:
    """The command `make target` runs (its recipe's last line, as `make -n` prints it), with the
    install step taken as done; run it in REPO, as make does."""
    command = ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", target,
               *(f"{name}={value}" for name, value in variables.items())]  # fmt: skip
    printed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout
    return shlex.split(printed.strip().splitlines()[-1])


def start_instructor_lab(course: Path, state: Path) -> Server:
    """JupyterLab as `make formgrader` starts it: its recipe from the Makefile, with a fresh token
    and port (LAB_ARGS), run in course (a throwaway copy of the course folder, so nothing the Lab
    writes lands in the repository) with fresh settings and workspaces folders in state."""
    state.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    command = make_recipe("formgrader", LAB_ARGS=shlex.join(_lab_args(port, token)))
    command[0] = str(REPO / command[0])  # .venv/bin/jupyter, relative to the repository
    env = {"JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces")}  # fmt: skip
    base, probe = f"http://127.0.0.1:{port}", f"/api/status?token={token}"
    return Server(command, base, token, probe, state / "lab.log", env, cwd=course)


def page_config(server: Server, path: str = "/lab") -> dict:
    """The page config (jupyter-config-data) the server writes into the page at path."""
    html = get(server.url(path)).decode()
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      html, re.S)  # fmt: skip
    if not found:
        raise AssertionError(f"no jupyter-config-data in {path}")
    return json.loads(found.group(1))


def start_voila(root: Path, state: Path) -> Server:
    """Voila serving the notebooks in root exactly as `make demo` starts it
    (utils.workspace.demo_server: config/demo), with a token."""
    state.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    launch = demo_server(root, [f"--port={port}", f"--token={token}"])
    base, probe = f"http://127.0.0.1:{port}", f"/?token={token}"
    return Server(launch.argv, base, token, probe, state / "voila.log", launch.env)


# The hosts of this machine; a request for any other is one that leaves it.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def watch_offline(page: object) -> dict[str, list[str]]:
    """From now on, abort every request page makes off this machine; returns the lists it fills:
    "outside" (the URLs it aborted, web sockets included), "errors" (console errors and uncaught
    exceptions) and "warnings" (console warnings)."""
    seen: dict[str, list[str]] = {"outside": [], "errors": [], "warnings": []}

    def is_outside(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS

    def route(request_route: object) -> None:
        if is_outside(request_route.request.url):
            seen["outside"].append(request_route.request.url)
            request_route.abort()
        else:
            request_route.continue_()

    def console(message: object) -> None:
        kind = {"error": "errors", "warning": "warnings"}.get(message.type)
        if kind:
            seen[kind].append(message.text)

    page.route("**/*", route)
    page.on("websocket", lambda ws: is_outside(ws.url) and seen["outside"].append(ws.url))
    page.on("console", console)
    page.on("pageerror", lambda error: seen["errors"].append(f"uncaught: {error}"))
    return seen


def solved_lesson_copy(lesson: str, folder: Path) -> Path:
    """Write the student notebook of `lesson` with every exercise answered into folder."""
    student_path = lesson_notebook(lesson, LESSONS)
    solved = with_answers(read_notebook(student_path), read_notebook(lesson_notebook(lesson)))
    target = folder / lesson / student_path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(solved))
    return target


def demos_copy(folder: Path) -> Path:
    """Copy demos/*.ipynb and the presets beside them into folder/demos, as `make demo` does."""
    target = folder / "demos"
    target.mkdir(parents=True, exist_ok=True)
    for src in DEMOS.glob("*"):
        if src.suffix in (".ipynb", ".json"):
            shutil.copy2(src, target / src.name)
    return target


@contextlib.contextmanager
def screenshot_on_failure(page: object, folder: Path, name: str) -> Iterator[None]:
    """On any failure inside, save a full-page screenshot and name it in the error message."""
    try:
        yield
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"{name}.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            where = f"screenshot of the page: {shot}"
        except Exception as shot_error:  # noqa: BLE001 - the original failure matters more
            where = f"(no screenshot: {shot_error})"
        raise AssertionError(f"{type(error).__name__}: {error}\n{where}") from error


def open_lab_notebook(page: object, lab: Server, path: str, timeout_ms: int = 60_000) -> None:
    """Open path in JupyterLab and wait until its cells show and its kernel is idle."""
    page.goto(lab.url(f"/lab/tree/{path}"), wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=timeout_ms)
    page.wait_for_function(  # the status bar reads "Python 3 (ipykernel) | Idle"
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
        ".some(e => /\\|\\s*Idle/.test(e.textContent))",
        timeout=timeout_ms,
    )


def run_all_cells(page: object) -> None:
    """Run → Run All Cells, from JupyterLab's menu bar as a student would."""
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")


def wait_until_run(page: object, timeout_ms: int = 90_000) -> None:
    """Wait until every code cell ran ("[3]:"), or none is busy ("[*]") after an error."""
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            const busy = prompts.some(p => p.textContent.includes('*'));
            const ran = prompts.filter(p => /\\d/.test(p.textContent)).length;
            const failed = document.querySelector("[data-mime-type='application/vnd.jupyter.error']"
                + ", .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']");
            return prompts.length > 0 && !busy && (ran === prompts.length || (ran > 0 && failed));
        }""",
        timeout=timeout_ms,
    )


def code_cell_report(page: object) -> dict:
    """For the open notebook: how many code cells, how many ran, and the error outputs' text."""
    return page.evaluate(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            const errors = [...document.querySelectorAll(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
                .map(e => e.innerText).filter(t => /Error|Traceback/.test(t));
            return {cells: prompts.length,
                    ran: prompts.filter(p => /\\d/.test(p.textContent)).length, errors};
        }"""
    )


# Installed in the page: the time from a key press on a slider to the image it redraws having a
# new picture decoded and painted (the next animation frame after the new src decodes).
_WATCH_IMAGE = """([image]) => {
    window.__nnw = {pressed: null, painted: null, changes: 0};
    document.addEventListener('keydown', () => { window.__nnw.pressed = performance.now(); },
                              {capture: true});
    new MutationObserver(async () => {
        window.__nnw.changes += 1;
        try { await image.decode(); } catch (e) { return; }
        requestAnimationFrame(() => { window.__nnw.painted = performance.now(); });
    }).observe(image, {attributes: true, attributeFilter: ['src']});
}"""


def watch_image(image: object) -> None:
    """Start timing key presses against repaints of image (an ElementHandle of an <img>)."""
    image.evaluate(f"(img) => ({_WATCH_IMAGE})([img])")


def press_and_time(page: object, handle: object, key: str, timeout_ms: int = 10_000) -> float:
    """Press key on a focused slider handle; milliseconds until its image repainted."""
    page.evaluate("() => { window.__nnw.pressed = null; window.__nnw.painted = null; }")
    handle.focus()
    handle.press(key)
    page.wait_for_function(
        "() => window.__nnw.painted !== null && window.__nnw.painted > window.__nnw.pressed",
        timeout=timeout_ms,
    )
    return page.evaluate("() => window.__nnw.painted - window.__nnw.pressed")
