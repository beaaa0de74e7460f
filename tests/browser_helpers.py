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
    done = ("-o", ".venv/.installed-lab", "-o", ".venv/.installed-instructor",
            "-o", ".venv/.installed-test")  # fmt: skip
    command = ["make", "--no-print-directory", "-n", *done, target,
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


def notebook(codes: list[str]) -> str:
    """A notebook of these code cells (not run) as JSON text, for a Python 3 kernel."""
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": code} for code in codes]  # fmt: skip
    kernel = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return json.dumps({"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4,
                       "nbformat_minor": 4})  # fmt: skip


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


def open_lab_notebook(
    page: object, lab: Server, path: str, timeout_ms: int = 60_000, workspace: str = ""
) -> None:
    """Open path in JupyterLab (in a workspace of that name, if given: a fresh one shows only
    this notebook) and wait until its cells show and its kernel is idle."""
    where = f"/lab/workspaces/{workspace}/tree/{path}" if workspace else f"/lab/tree/{path}"
    page.goto(lab.url(where), wait_until="domcontentloaded")
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


def widget_errors(page: object) -> list[str]:
    """The JavaScript errors of the widgets that failed to show (ipywidgets draws a box saying
    "Click to show javascript error." instead): their messages, first lines."""
    boxes = page.locator(".jupyter-widgets-error-widget")
    errors = []
    for i in range(boxes.count()):
        boxes.nth(i).click()
        lines = [line for line in boxes.nth(i).inner_text().splitlines() if line.strip()]
        errors.append(" / ".join(lines[1:4]))
    return errors


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


# ---------------------------------------------------------------- look and feel (issue 12)


def new_page(browser: object, width: int, height: int, scale: float = 2) -> object:
    """A page of width x height CSS px at device scale factor scale (2: a retina screen), in a
    context of its own; close it with page.context.close()."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=scale)  # fmt: skip
    return context.new_page()


def set_lab_theme(page: object, dark: bool) -> None:
    """Settings → Theme → JupyterLab Dark (or Light) from the menu bar, as a student would; waits
    until the page wears the theme and JupyterLab's splash (shown while it loads) is gone."""
    if page.evaluate("() => document.body.dataset.jpThemeLight") == ("false" if dark else "true"):
        return
    page.click(".lm-MenuBar-itemLabel:text-is('Settings')")
    page.hover(".lm-Menu-itemLabel:text-is('Theme')")
    page.click(f".lm-Menu-itemLabel:text-is('JupyterLab {'Dark' if dark else 'Light'}')")
    page.wait_for_function(
        f"() => document.body.dataset.jpThemeLight === '{'false' if dark else 'true'}'"
        " && !document.querySelector('#jupyterlab-splash')"
    )
    page.wait_for_timeout(300)  # the theme's fonts and colours settle


def screenshot_pixels(page: object, path: Path | None = None) -> object:
    """The page's viewport as it is painted now (saved as a PNG at path, if given): a numpy array
    (height, width, 3) of uint8, in device pixels (CSS px times the device scale factor)."""
    import io

    import numpy as np
    from PIL import Image

    shot = page.screenshot(path=path, animations="disabled", caret="hide")
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"))


def relative_luminance(rgb: object) -> object:
    """WCAG 2 relative luminance of sRGB colours (..., 3) given as 0–255."""
    import numpy as np

    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a: object, b: object) -> object:
    """WCAG 2 contrast ratio between colours a and b (1 to 21; 4.5 is AA for body text)."""
    import numpy as np

    la, lb = relative_luminance(a), relative_luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def crop(pixels: object, box: dict, scale: float) -> object:
    """The device pixels of pixels under box ({x, y, width, height} in CSS px)."""
    top, left = round(box["y"] * scale), round(box["x"] * scale)
    bottom = round((box["y"] + box["height"]) * scale)
    right = round((box["x"] + box["width"]) * scale)
    return pixels[max(top, 0) : bottom, max(left, 0) : right]


def text_contrast(pixels: object, box: dict, scale: float) -> tuple[float, tuple, tuple]:
    """(contrast ratio, ink, paper) of the text painted in box: paper is the commonest colour
    there, ink the colour that stands out most from it (the cores of the glyphs; the top half
    per cent of pixels by contrast, so one stray pixel doesn't count)."""
    import numpy as np

    region = crop(pixels, box, scale).reshape(-1, 3)
    colors, counts = np.unique(region, axis=0, return_counts=True)
    paper = colors[counts.argmax()]
    contrasts = contrast_ratio(region, paper)
    ink = region[np.argsort(contrasts)[int(0.995 * (len(region) - 1))]]
    return (
        float(contrast_ratio(ink, paper)),
        tuple(int(v) for v in ink),
        tuple(int(v) for v in paper),
    )


# Every piece of text inside the elements matching a selector, numbered in document order:
# HTML text by its text node's range, SVG text by its element. _TEXT_BOXES describes each, and
# whether it can be seen now (inside the viewport, nothing over its middle); _SCROLL_TO_TEXT
# scrolls one to the top of its scrolling area.
_TEXTS = """(selector) => {
    const found = [];
    document.querySelectorAll(selector).forEach((root, r) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let n = 0;
        while (walker.nextNode()) {
            const node = walker.currentNode, element = node.parentElement;
            const text = node.textContent.trim();
            if (!text || element.closest('style, script, option')) continue;
            if (getComputedStyle(element).visibility !== 'visible') continue;
            if (element.getClientRects().length === 0) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            const box = element instanceof SVGElement ? element.getBoundingClientRect()
                                                       : range.getBoundingClientRect();
            if (box.width >= 3 && box.height >= 3) found.push({id: `${r}:${n++}`, text, element, box});
        }
    });
    return found;
}"""
_TEXT_BOXES = f"""(selector) => ({_TEXTS})(selector).map(({{id, text, element, box}}) => {{
    const classes = String(element.className.baseVal ?? element.className).trim();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return {{id, text: text.slice(0, 40),
            where: element.tagName.toLowerCase()
                   + (classes ? '.' + classes.split(/\\s+/).join('.') : ''),
            x: box.x, y: box.y, width: box.width, height: box.height,
            inside: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight
                    && box.right <= innerWidth && !!hit
                    && (element.contains(hit) || hit.contains(element))}};
}})"""
_SCROLL_TO_TEXT = f"""([selector, id]) => {{
    const found = ({_TEXTS})(selector).find(t => t.id === id);
    found.element.scrollIntoView({{block: 'start', inline: 'nearest'}});
}}"""


def text_boxes(page: object, selector: str) -> list[dict]:
    """Each text shown inside the elements matching selector: {id, text, where, x, y, width,
    height, inside} (CSS px; inside: within the viewport, nothing painted over its middle)."""
    return page.evaluate(_TEXT_BOXES, selector)


def low_contrast_texts(
    page: object, selector: str, folder: Path, name: str, minimum: float = 4.5
) -> list[str]:
    """Scroll through the elements matching selector, screenshot each screenful into folder
    (name-1.png, ...), and return every text whose ink-to-paper contrast is below minimum, each
    as 'text' (element): ratio, ink on paper, screenshot."""
    scale = page.evaluate("() => devicePixelRatio")
    checked: set[str] = set()
    problems = []
    for shot in range(1, 30):
        waiting = [t for t in text_boxes(page, selector) if t["id"] not in checked]
        if not waiting:
            return problems
        first = waiting[0]
        page.evaluate(_SCROLL_TO_TEXT, [selector, first["id"]])
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}-{shot}.png"
        pixels = screenshot_pixels(page, path)
        visible = [t for t in text_boxes(page, selector) if t["inside"] and t["id"] not in checked]
        if not visible:  # off screen where scrolling can't bring it (cut): say so
            return [*problems, f"{first['text']!r} ({first['where']}) can't be scrolled into view"]
        for text in visible:
            checked.add(text["id"])
            ratio, ink, paper = text_contrast(pixels, text, scale)
            if ratio < minimum:
                problems.append(f"{text['text']!r} ({text['where']}): {ratio:.1f}:1, ink"
                                f" {ink} on {paper}, {path}")  # fmt: skip
    return [*problems, f"more than 30 screenfuls of {selector}"]


def art_brightness(page: object, image: object) -> float:
    """The median relative luminance (0 black – 1 white) of the pixels an <img> is painted in."""
    import numpy as np

    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    scale = page.evaluate("() => devicePixelRatio")
    return float(np.median(relative_luminance(crop(screenshot_pixels(page), box, scale))))


# Where each element matching a selector is, for a person: its own and its closest course
# (nnw-) ancestors' classes, and the text shown beside it.
_PLACES = """(selector) => [...document.querySelectorAll(selector)].map(e => {
    const named = [];
    for (let a = e; a && !a.classList.contains('nnw-widget'); a = a.parentElement) {
        named.push(...[...a.classList].filter(c => c.startsWith('nnw-')));
    }
    const root = e.closest('.nnw-widget, .nnw-figure');
    const kind = root ? [...root.classList].filter(c => c.startsWith('nnw-')).join('.') : '';
    const near = (e.closest('.widget-inline-hbox') ?? e).innerText ?? '';
    return `<${e.tagName.toLowerCase()}> in ${kind}` + (named.length ? ` (${named.join(', ')})` : '')
        + (near.trim() ? ` beside ${JSON.stringify(near.trim().slice(0, 40))}` : '');
})"""


def accessible_names(page: object, selector: str) -> list[dict]:
    """Chromium's accessibility tree for every element matching selector: {role, name, where}
    each (what a screen reader announces; where it is, for a person), hidden ones (ignored by
    the tree) left out."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
        places = page.evaluate(_PLACES, selector)  # the same elements, in the same order
        found = []
        for node, where in zip(nodes, places, strict=True):
            tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node,
                                                               "fetchRelatives": False})  # fmt: skip
            ax = tree["nodes"][0]
            if not ax.get("ignored"):
                found.append({"role": ax.get("role", {}).get("value", ""),
                              "name": ax.get("name", {}).get("value", ""), "where": where})  # fmt: skip
        return found
    finally:
        cdp.detach()


def spoken(name: str) -> str:
    """An accessible name as a screen reader can say it: icon-font glyphs (Unicode's private
    use area, e.g. Font Awesome's) and spaces taken away."""
    return "".join(ch for ch in name if not ("\ue000" <= ch <= "\uf8ff")).strip()


# The children of the closest common ancestor of the first elements matching each selector
# that hold them: the columns of a layout (a row if their tops are level, a column if stacked).
_COLUMNS = """(selectors) => {
    const parts = selectors.map(s => document.querySelector(s));
    if (parts.some(p => !p)) return selectors.filter((s, i) => !parts[i]);
    let common = parts[0];
    while (!parts.every(p => common.contains(p))) common = common.parentElement;
    return parts.map(p => {
        let child = p;
        while (child.parentElement !== common) child = child.parentElement;
        const box = child.getBoundingClientRect();
        return {x: box.x, y: box.y, width: box.width, height: box.height};
    });
}"""


def column_boxes(page: object, selectors: list[str]) -> list[dict]:
    """The boxes of the layout's columns holding the first element matching each selector
    (see _COLUMNS); AssertionError naming the selectors that match nothing."""
    boxes = page.evaluate(_COLUMNS, selectors)
    if boxes and isinstance(boxes[0], str):
        raise AssertionError(f"nothing on the page matches {boxes}")
    return boxes


# What of an element the viewport and the ancestors that clip their content (overflow other
# than visible) cut off: {top, bottom, left, right} in CSS px (0 when nothing is cut). The
# body's overflow is the viewport's.
_CUT = """(element) => {
    const box = element.getBoundingClientRect();
    let top = box.top, bottom = box.bottom, left = box.left, right = box.right, by = [];
    for (let a = element.parentElement; a && a !== document.body; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const clip = a.getBoundingClientRect();
        if (clip.top > top || clip.bottom < bottom || clip.left > left || clip.right < right) {
            by.push(a.tagName.toLowerCase() + '.' + [...a.classList].join('.'));
        }
        if (style.overflowY !== 'visible') {
            top = Math.max(top, clip.top); bottom = Math.min(bottom, clip.bottom);
        }
        if (style.overflowX !== 'visible') {
            left = Math.max(left, clip.left); right = Math.min(right, clip.right);
        }
    }
    bottom = Math.min(bottom, innerHeight); right = Math.min(right, innerWidth);
    return {top: top - box.top, bottom: box.bottom - bottom,
            left: left - box.left, right: box.right - right, by};
}"""


def cut_off(page: object, element: object) -> dict[str, object]:
    """After scrolling element into view: how many CSS px of each side (top, bottom, left, right)
    are still cut off, by the viewport or by an ancestor that clips its content (by: those)."""
    element.scroll_into_view_if_needed()
    return element.evaluate(_CUT)
