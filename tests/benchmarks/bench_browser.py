"""Widgets as a student sees them (issue 6): timings taken in headless Chromium.

- The perceptron explorer (lesson 01) and the gradient explorer (lesson 06) in JupyterLab: from a
  key press on a focused slider to the redrawn picture decoded and painted (the next animation
  frame after the new PNG decodes).
- The playground in Voila, playing: how many new boundary pictures per second reach the page.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

for _folder in Path(__file__).resolve().parents[1:3]:  # tests/ (browser_helpers), the repo
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

import browser_helpers as bh  # noqa: E402

Row = tuple[str, str, str]
PRESSES = 20


def _notebook(codes: list[str]) -> str:
    """A notebook of these code cells as JSON text."""
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": code} for code in codes]  # fmt: skip
    kernel = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return json.dumps({"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4,
                       "nbformat_minor": 4})  # fmt: skip


def _python_redraw_ms(make: str) -> float:
    """Median milliseconds of a widget's own redraw (artists moved, PNG encoded), no browser."""
    from utils import data, sequences, widgets

    times = []
    if make == "perceptron":
        explorer = widgets.perceptron_explorer(*data.admissions())
        redraw = lambda i: explorer.update(1.0 + 0.1 * (i % 2), 1.0, -10.0)  # noqa: E731
    else:
        explorer = sequences.gradient_explorer()
        redraw = lambda i: explorer.update(2.0 + 0.05 * (i % 2), 4)  # noqa: E731
    for i in range(PRESSES):
        start = time.perf_counter()
        redraw(i)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


# The widgets timed, in the order of the notebook's cells: (name, code of its cell).
WIDGETS = [
    (
        "perceptron",
        "import utils\n\nX, y = utils.data.admissions()\nutils.widgets.perceptron_explorer(X, y)",
    ),
    ("gradient", "utils.sequences.gradient_explorer(w2=2.0, n=4)"),
]
TITLES = {
    "perceptron": "perceptron explorer (lesson 01)",
    "gradient": "vanishing/exploding-gradient explorer (lesson 06)",
}


def explorer_slider_latency() -> list[Row]:
    """Median ms from a slider key press to changed pixels, for each explorer in JupyterLab."""
    target = "≤ 100 ms"
    root = Path(tempfile.mkdtemp(prefix="nnw-bench-browser-"))
    measured: dict[str, list[float]] = {}
    try:
        (root / "notebooks").mkdir()
        notebook = _notebook([code for _, code in WIDGETS])
        (root / "notebooks" / "explorers.ipynb").write_text(notebook)
        with bh.chromium() as browser:
            lab = bh.start_lab(root / "notebooks", root / "lab")
            try:
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                bh.open_lab_notebook(page, lab, "explorers.ipynb")
                bh.run_all_cells(page)
                bh.wait_until_run(page)
                boxes = page.locator(".widget-vbox:has(.widget-hslider):has(img.widget-image)")
                for i, (name, _) in enumerate(WIDGETS):
                    box = boxes.nth(i)
                    image = box.locator("img.widget-image")
                    image.scroll_into_view_if_needed()
                    handle = box.locator(bh.SLIDER_HANDLE).first.element_handle()
                    bh.watch_image(image.element_handle())
                    bh.press_and_time(page, handle, "ArrowRight")  # warm up
                    times = []
                    for press in range(PRESSES):
                        page.wait_for_timeout(150)  # let the previous picture settle
                        key = "ArrowLeft" if press % 2 else "ArrowRight"
                        times.append(bh.press_and_time(page, handle, key))
                    measured[name] = sorted(times)
            finally:
                lab.stop()
    except bh.BrowserMissing as missing:
        return [(f"{TITLES[name]}: slider key press to changed pixels", f"skipped: {missing}",
                 target) for name, _ in WIDGETS]  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = []
    load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    for name, times in measured.items():
        p90 = times[int(0.9 * (len(times) - 1))]
        rows.append(
            (
                f"{TITLES[name]} in JupyterLab, headless Chromium: slider key press to changed"
                f" pixels, median of {PRESSES} presses (min {times[0]:.0f}, p90 {p90:.0f} ms;"
                f" the kernel's redraw alone {_python_redraw_ms(name):.0f} ms; {load})",
                f"{statistics.median(times):.0f} ms",
                target,
            )
        )
    return rows


def playground_browser_fps(seconds: float = 5.0) -> list[Row]:
    """Boundary pictures per second reaching the page while the playground plays in Voila."""
    target = "≥ 15 frames/s"
    what = "playground 2-8-8-1, 500 points, 100x100 boundary, playing in Voila, headless Chromium"
    root = Path(tempfile.mkdtemp(prefix="nnw-bench-browser-"))
    try:
        (root / "notebooks").mkdir()
        code = "import utils\n\nutils.playground.playground(dataset='spiral', hidden=(8, 8), n=500)"
        (root / "notebooks" / "playground.ipynb").write_text(_notebook([code]))
        with bh.chromium() as browser:
            voila = bh.start_voila(root / "notebooks", root / "voila")
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(voila.url("/voila/render/playground.ipynb"), wait_until="load")
                image = page.wait_for_selector("img.nnw-boundary", timeout=90_000)
                page.evaluate(
                    """(img) => { window.__frames = 0; new MutationObserver(() => {
                        window.__frames += 1; }).observe(img, {attributes: true,
                        attributeFilter: ['src']}); }""",
                    image,
                )
                page.click("button.nnw-play")
                page.wait_for_timeout(1000)  # past the first frames
                epoch = int("".join(filter(str.isdigit, page.inner_text(".nnw-epoch"))))
                frames = page.evaluate("() => window.__frames")
                start = time.perf_counter()
                page.wait_for_timeout(1000 * seconds)
                elapsed = time.perf_counter() - start
                frames = page.evaluate("() => window.__frames") - frames
                epochs = int("".join(filter(str.isdigit, page.inner_text(".nnw-epoch")))) - epoch
                page.click("button.nnw-play")
            finally:
                voila.stop()
    except bh.BrowserMissing as missing:
        return [(what, f"skipped: {missing}", target)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [
        (
            f"{what}: new boundary pictures per second seen by the page over {seconds:.0f} s"
            f" ({epochs / elapsed:.0f} epochs/s trained)",
            f"{frames / elapsed:.0f} frames/s",
            target,
        )
    ]


BENCHMARKS = [explorer_slider_latency, playground_browser_fps]

if __name__ == "__main__":
    for benchmark in BENCHMARKS:
        for row in benchmark():
            print(" | ".join(row))
