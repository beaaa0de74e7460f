"""Real-browser tests (issue 6): headless Chromium drives JupyterLab and the Voila demo.

JupyterLab and Voila run on 127.0.0.1 with a token, on throwaway copies of the notebooks, so
autosave never writes outputs into the repository. A failing test names a screenshot of the
page. Without Chromium or playwright every test here is skipped with how to install them.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import browser_helpers as bh
import pytest

# One browser and one server of each kind for the module: under pytest-xdist, one worker.
pytestmark = pytest.mark.xdist_group("browser")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """A scratch folder holding a solved copy of lesson 01 (and, later, the servers' state)."""
    root = tmp_path_factory.mktemp("browser")
    bh.solved_lesson_copy("01-perceptron", root / "notebooks")
    return root


@pytest.fixture(scope="module")
def lab(copies, browser):
    server = bh.start_lab(copies / "notebooks", copies / "lab")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def lesson_01(lab, browser, copies):
    """Lesson 01, every exercise answered, opened in JupyterLab and run with Run All Cells."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    with bh.screenshot_on_failure(page, copies / "screenshots", "lesson-01-run-all"):
        bh.open_lab_notebook(page, lab, "01-perceptron/perceptron.ipynb")
        bh.run_all_cells(page)
        bh.wait_until_run(page)
    yield page
    page.close()


def explorer_parts(page):
    """The perceptron explorer's box, its three slider handles, count label and picture."""
    box = page.locator(".nnw-explorer").first
    return box, box.locator(bh.SLIDER_HANDLE), box.locator("img.nnw-explorer-figure")


def test_lesson_01_runs_every_cell_in_jupyterlab_and_its_tests_pass(lesson_01, tmp_path):
    with bh.screenshot_on_failure(lesson_01, tmp_path, "lesson-01-cells"):
        report = bh.code_cell_report(lesson_01)
        assert not report["errors"], f"error outputs: {report['errors']}"
        assert report["cells"] > 10 and report["ran"] == report["cells"], report
        ticks = lesson_01.locator(".jp-OutputArea-output:has-text('\u2714')").count()
        assert ticks >= 5, f"only {ticks} visible-test cells printed their tick"


def test_the_perceptron_explorer_renders_three_sliders_and_a_picture(lesson_01, tmp_path):
    with bh.screenshot_on_failure(lesson_01, tmp_path, "explorer-renders"):
        box, handles, image = explorer_parts(lesson_01)
        box.scroll_into_view_if_needed()
        names = box.locator(".widget-hslider .widget-label").all_inner_texts()
        assert names == ["w1", "w2", "b"], names
        assert handles.count() == 3
        assert box.get_by_text(re.compile(r"misclassified: \d+ of \d+")).count() == 1
        width = image.evaluate("img => img.complete ? img.naturalWidth : 0")
        assert width >= 300, f"the explorer's picture is {width} px wide"


def test_an_arrow_key_on_a_slider_moves_the_line_in_the_picture(lesson_01, tmp_path):
    with bh.screenshot_on_failure(lesson_01, tmp_path, "explorer-slider"):
        box, handles, image = explorer_parts(lesson_01)
        image.scroll_into_view_if_needed()
        readout = box.locator(".widget-readout").first
        value_before, src_before = readout.inner_text(), image.get_attribute("src")
        pixels_before = image.screenshot()
        bh.watch_image(image.element_handle())
        for _ in range(3):  # w1 up by three steps of 0.1
            bh.press_and_time(lesson_01, handles.nth(0).element_handle(), "ArrowRight")
        assert readout.inner_text() != value_before, "the w1 slider did not move"
        assert image.get_attribute("src") != src_before, "the picture was not replaced"
        assert image.screenshot() != pixels_before, "the picture's pixels did not change"


# ---------------------------------------------------------------- the Voila demo and playground


@pytest.fixture(scope="module")
def voila(copies, browser):
    server = bh.start_voila(bh.demos_copy(copies), copies / "voila")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_and_log(voila, browser, copies):
    """The playground demo as Voila serves it (as `make demo` does), with the network off: every
    request off the machine is aborted and logged, as are console errors and warnings."""
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    seen = bh.watch_offline(page)
    with bh.screenshot_on_failure(page, copies / "screenshots", "voila-demo"):
        page.goto(voila.url("/voila/render/playground.ipynb"), wait_until="load")
        page.wait_for_selector("img.nnw-boundary", timeout=90_000)
    yield page, seen
    page.close()


@pytest.fixture(scope="module")
def demo(demo_and_log):
    return demo_and_log[0]


def code_lines(notebook: Path) -> list[str]:
    """The non-empty source lines of a notebook's code cells."""
    import json

    cells = json.loads(notebook.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return [line.strip() for source in sources for line in source.splitlines() if line.strip()]


def test_the_voila_demo_shows_widgets_and_no_code(demo, tmp_path):
    with bh.screenshot_on_failure(demo, tmp_path, "voila-no-code"):
        editors = demo.locator(
            ".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-Editor, .cm-editor, .CodeMirror,"
            " .highlight, .jp-CodeMirrorEditor"
        )
        assert editors.count() == 0, f"{editors.count()} code inputs in the page"
        html, text = demo.content(), demo.inner_text("body")
        shown = [line for line in code_lines(REPO / "demos" / "playground.ipynb")
                 if line in html or line in text]  # fmt: skip
        assert not shown, f"code visible in the demo: {shown}"
        assert demo.locator("button.nnw-play").is_visible()
        width = demo.locator("img.nnw-boundary").evaluate("img => img.clientWidth")
        assert width >= 300, f"the decision boundary is shown {width} CSS px wide"


def losses(page) -> tuple[float, float, int]:
    """(test loss, training loss, epoch) as the playground shows them."""
    text = page.inner_text(".nnw-losses")
    test, train = (float(re.search(rf"{k} loss\s*([\d.]+)", text).group(1))
                   for k in ("Test", "Training"))  # fmt: skip
    epoch = int(re.sub(r"\D", "", page.inner_text(".nnw-epoch")))
    return test, train, epoch


def test_the_playground_plays_its_loss_goes_down_and_its_boundary_changes(demo, tmp_path):
    with bh.screenshot_on_failure(demo, tmp_path, "playground-plays"):
        play, boundary = demo.locator("button.nnw-play"), demo.locator("img.nnw-boundary")
        test_before, train_before, epoch_before = losses(demo)
        pixels_before = boundary.screenshot()
        play.click()
        demo.wait_for_function(  # 60 epochs, as the page shows them
            "() => parseInt(document.querySelector('.nnw-epoch').innerText.replace(/\\D/g, ''))"
            " >= 60",
            timeout=30_000,
        )
        assert "Pause" in play.inner_text(), "the button should offer Pause while playing"
        play.click()
        demo.wait_for_function(
            "() => document.querySelector('button.nnw-play').innerText.includes('Play')",
            timeout=10_000,
        )
        test_after, train_after, epoch_after = losses(demo)
        assert epoch_after >= epoch_before + 60
        assert train_after < train_before, f"training loss {train_before} -> {train_after}"
        assert test_after < test_before, f"test loss {test_before} -> {test_after}"
        assert boundary.screenshot() != pixels_before, "the decision boundary did not change"
        demo.wait_for_timeout(300)
        assert losses(demo)[2] == epoch_after, "the playground kept training after Pause"


# ---------------------------------------------------------------- the demo is offline and clean


def report_warnings(where: str, found: list[str]) -> None:
    """Console warnings fail nothing; the run names how many there were and the first one."""
    if found:
        warnings.warn(
            f"{where}: {len(found)} console warnings, e.g. {found[0][:160]}", stacklevel=2
        )


def test_the_voila_demo_asks_nothing_off_the_machine_and_logs_no_error(demo_and_log, tmp_path):
    page, seen = demo_and_log
    with bh.screenshot_on_failure(page, tmp_path, "voila-offline"):
        page.wait_for_timeout(1000)  # late requests and messages (fonts, extensions) come in
        assert seen["outside"] == [], f"{len(seen['outside'])} requests off the machine"
        assert seen["errors"] == [], f"console errors: {seen['errors']}"
        unloadable = [w for w in seen["warnings"] if "Failed to create module" in w]
        assert not unloadable, f"Lab extensions Voila cannot load: {unloadable}"
        report_warnings("the Voila demo", seen["warnings"])
        # Font Awesome comes from Voila's own bundle now: the Play button still has its icon.
        icon = page.locator("button.nnw-play i.fa").first
        family = icon.evaluate("i => getComputedStyle(i, '::before').fontFamily")
        assert "Font Awesome" in family, family
        assert page.evaluate("() => document.fonts.check('900 16px \"Font Awesome 5 Free\"')"), (
            "the Font Awesome font did not load"
        )
        assert page.locator("mjx-container").count() > 0, "the maths was not typeset"


def test_the_list_of_demos_asks_nothing_off_the_machine_and_logs_no_error(voila, browser, tmp_path):
    page = browser.new_page()
    seen = bh.watch_offline(page)
    with bh.screenshot_on_failure(page, tmp_path, "voila-tree"):
        page.goto(voila.url("/"), wait_until="load")
        page.get_by_text("playground.ipynb").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        assert seen["outside"] == [], f"{len(seen['outside'])} requests off the machine"
        assert seen["errors"] == [], f"console errors: {seen['errors']}"
        report_warnings("the list of demos", seen["warnings"])
    page.close()
