"""Screenshots of every lesson and of the demo, for a person to look at (not a test).

Each lesson's solved notebook runs in JupyterLab (Run All Cells, in headless Chromium); then, in
JupyterLab's light and dark themes at 1280x800 and 1920x1080, the notebook is photographed one
screenful at a time: OUT/<lesson>/<theme>-<size>-<nn>.png; and audited:
OUT/<lesson>/<theme>-<size>-audit.txt lists pictures without alt text or caption, soft (not
drawn at twice the size they are shown) or light in the dark theme, and course text below 4.5:1
contrast. The playground demo in Voila, in both
themes and sizes, is photographed whole: OUT/demo/<theme>-<size>.png.

    .venv/bin/python tests/screenshots.py                  # every lesson and the demo, /tmp/look
    .venv/bin/python tests/screenshots.py 01 05 --scale 2  # lessons 01 and 05 at retina scale

By default the lessons are the instructor notebooks (solutions/, every answer written);
--student takes the student notebooks of lessons/ with the answers put in, as tests do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import browser_helpers as bh  # noqa: E402

from grading.course import lesson_ids, lesson_notebook  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MNIST_MINI = REPO.parent / "shared" / "datasets" / "mnist-mini"
SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}
THEMES = ("light", "dark")
RUN_TIMEOUT_MS = 300_000  # lessons 05 and 07 train networks


def copy_lessons(lessons: list[str], folder: Path, student: bool) -> list[str]:
    """Put each lesson's solved notebook in folder/<lesson>/; their paths relative to folder."""
    paths = []
    for lesson in lessons:
        if student:
            target = bh.solved_lesson_copy(lesson, folder)
        else:
            source = lesson_notebook(lesson)
            target = folder / lesson / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        paths.append(str(target.relative_to(folder)))
    return paths


def screenfuls(page: object, out: Path, name: str) -> int:
    """Photograph the open notebook one screenful at a time (a tenth of each overlapping the
    last) into out/name-01.png, ...; returns how many."""
    scroller = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer")
    height, total = scroller.evaluate("e => [e.clientHeight, e.scrollHeight]")
    shots = 0
    for top in range(0, max(total - height, 0) + int(0.9 * height), int(0.9 * height)):
        scroller.evaluate("(e, top) => { e.scrollTop = top; }", top)
        page.wait_for_timeout(150)  # images decode, widgets lay out
        shots += 1
        page.screenshot(path=str(out / f"{name}-{shots:02d}.png"), animations="disabled")
    return shots


PICTURES = ".jp-OutputArea-output img:not([hidden])"
# Each output picture of the open notebook: its cell, classes, sizes, alt/title and caption.
_PICTURES = """(selector) => [...document.querySelectorAll(selector)].map(img => {
    const cell = img.closest('.jp-CodeCell');
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
    const figure = img.closest('figure');
    return {cell: cells.indexOf(cell) + 1, classes: [...img.classList].join(' '),
            natural: [img.naturalWidth, img.naturalHeight], shown: [img.width, img.height],
            alt: img.alt || img.title || '', pixelated: getComputedStyle(img).imageRendering
                                                         === 'pixelated',
            caption: figure?.querySelector('figcaption')?.innerText ?? ''};
})"""


def audit(page: object, folder: Path, name: str) -> list[str]:
    """What a person should look at in the open notebook, as it is shown now: pictures without
    a text alternative or a caption, not drawn at twice the size shown (nor pixelated), light
    slabs in a dark theme; course widget and figure text below 4.5:1 contrast (screenshots in
    folder)."""
    dark = page.evaluate("() => document.body.dataset.jpThemeLight") == "false"
    found = []
    pictures = page.locator(PICTURES)
    for i, picture in enumerate(page.evaluate(_PICTURES, PICTURES)):
        where = f"cell {picture['cell']} picture ({picture['classes'] or 'no class'})"
        ratio = picture["natural"][0] / max(picture["shown"][0], 1)
        if "widget-image" not in picture["classes"] and not picture["caption"]:
            found.append(f"{where}: no caption")
        if not picture["alt"]:
            found.append(f"{where}: no alt text or title")
        if ratio < 1.95 and not picture["pixelated"]:
            found.append(f"{where}: {picture['natural']} px shown at {picture['shown']} CSS px"
                         f" ({ratio:.2f}x, not 2x): soft on a retina screen")  # fmt: skip
        photo = "nnw-photo" in picture["classes"]  # data, meant to sit on a light card
        if dark and not photo and bh.art_brightness(page, pictures.nth(i)) > 0.5:
            found.append(f"{where}: a light slab in the dark theme")
    roots = ".jp-Notebook .nnw-widget, .jp-Notebook .nnw-figure"
    found += bh.low_contrast_texts(page, roots, folder, f"{name}-contrast")
    return found


def shut_down_kernels(lab: bh.Server) -> None:
    """End every kernel the Lab runs (one lesson's kernel is not needed by the next)."""
    import json

    for session in json.loads(bh.get(lab.url("/api/sessions"))):
        request = urllib.request.Request(lab.url(f"/api/sessions/{session['id']}"), method="DELETE")
        urllib.request.urlopen(request, timeout=10).close()


def photograph_lesson(page: object, lab: bh.Server, path: str, folder: Path) -> None:
    """Run one lesson in JupyterLab, then photograph and audit it in both themes at both sizes."""
    lesson = path.split("/")[0]
    bh.open_lab_notebook(page, lab, path, workspace=lesson)
    bh.run_all_cells(page)
    bh.wait_until_run(page, RUN_TIMEOUT_MS)
    errors = bh.code_cell_report(page)["errors"]
    if errors:
        print(f"{lesson}: {len(errors)} error outputs, e.g. {errors[0][:300]}")
    for theme in THEMES:
        bh.set_lab_theme(page, dark=theme == "dark")
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(300)
            shots = screenfuls(page, folder, f"{theme}-{size}")
            found = audit(page, folder, f"{theme}-{size}")
            report = folder / f"{theme}-{size}-audit.txt"
            report.write_text("".join(f"{line}\n" for line in found))
            pictures = page.locator(PICTURES).count()
            print(f"{lesson} {theme} {size}: {shots} screenshots, {pictures} pictures,"
                  f" {len(found)} things to look at in {report}", flush=True)  # fmt: skip
    bh.set_lab_theme(page, dark=False)


def photograph_lessons(browser: object, paths: list[str], root: Path, out: Path, scale: float):
    """Photograph each lesson (a lesson that fails says why, and the next one goes on)."""
    lab = bh.start_lab(root / "notebooks", root / "lab")
    try:
        for path in paths:
            folder = out / path.split("/")[0]
            folder.mkdir(parents=True, exist_ok=True)
            page = bh.new_page(browser, *SIZES["1280x800"], scale=scale)
            try:
                with bh.screenshot_on_failure(page, folder, "failed"):
                    photograph_lesson(page, lab, path, folder)
            except AssertionError as failure:
                print(f"{path} FAILED: {failure}", flush=True)
            page.context.close()
            shut_down_kernels(lab)
    finally:
        lab.stop()


def photograph_demo(browser: object, root: Path, out: Path, scale: float) -> None:
    """The playground demo in Voila, whole, in both themes at both sizes."""
    (out / "demo").mkdir(parents=True, exist_ok=True)
    voila = bh.start_voila(bh.demos_copy(root), root / "voila")
    try:
        for theme in THEMES:
            for size, (width, height) in SIZES.items():
                page = bh.new_page(browser, width, height, scale=scale)
                page.goto(voila.url(f"/voila/render/playground.ipynb?theme={theme}"))
                page.wait_for_selector("img.nnw-boundary", timeout=90_000)
                page.wait_for_timeout(500)
                shot = out / "demo" / f"{theme}-{size}.png"
                page.screenshot(path=str(shot), full_page=True, animations="disabled")
                print(f"demo {theme} {size}: {shot}", flush=True)
                page.context.close()
    finally:
        voila.stop()


def main(argv: list[str] | None = None) -> int:
    """Photograph the lessons named (default: all) and the demo into --out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers or ids (default: all)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/look"))
    parser.add_argument("--scale", type=float, default=1, help="device scale factor (2: retina)")
    parser.add_argument("--student", action="store_true", help="lessons/ with answers put in")
    parser.add_argument("--no-demo", action="store_true", help="leave out the Voila demo")
    options = parser.parse_args(argv)
    every = lesson_ids()
    lessons = [
        i for i in every if not options.lessons or any(i.startswith(n) for n in options.lessons)
    ]
    if MNIST_MINI.is_dir():  # lessons 05 and 07 read MNIST offline
        os.environ.setdefault("NN_WORKBOOK_DATA", str(MNIST_MINI))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    root = Path(tempfile.mkdtemp(prefix="nnw-screenshots-"))
    try:
        paths = copy_lessons(lessons, root / "notebooks", options.student)
        with bh.chromium() as browser:
            if paths:
                photograph_lessons(browser, paths, root, options.out, options.scale)
            if not options.no_demo:
                photograph_demo(browser, root, options.out, options.scale)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"screenshots in {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
