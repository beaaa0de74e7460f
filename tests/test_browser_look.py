"""Look and feel in a real browser (issue 12, items 1–3 and 7): headless Chromium at device scale
factor 2 (a retina screen) drives JupyterLab and the Voila demo.

- Both themes: two explorers, a static figure and the playground in JupyterLab's light and dark
  themes at 1280x800 and 1920x1080: every label, readout, heading, SVG text and caption has a
  contrast of at least 4.5:1 (WCAG AA) against what is painted behind it, measured on the
  screenshot's pixels; in the dark theme a matplotlib picture (`nnw-art`) is dark, not a white
  slab. The screenshots are kept in the module's scratch folder; a failure names them.
- Sizes: explorer pictures are shown at their natural size (crisp, never stretched), the
  explorer fits on one screen, its controls beside the picture at 1280 px and below at 800 px.
- The playground in Voila: data, network and output side by side at 1280x720 and 1280x800, one
  column at 860 px, nothing cut at 1920x1080, a toolbar that stays put when Play turns to Pause.
- Accessibility: every slider, dropdown, button, check box and picture of the course's widgets
  has a name in Chromium's accessibility tree; keyboard focus on a slider is visible.

Without Chromium or playwright every test here is skipped with how to install them.
"""

from __future__ import annotations

import browser_helpers as bh
import pytest

# One browser and one server of each kind for the module: under pytest-xdist, one worker.
pytestmark = pytest.mark.xdist_group("browser")

SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}
FIGURE = """import matplotlib.pyplot as plt

utils.style.use_course_style()
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot([0, 1, 2, 3], [0, 1, 4, 9], marker="o", label="x squared")
ax.set(xlabel="x", ylabel="y", title="A parabola")
ax.legend(loc="upper left")
utils.figures.caption("The parabola climbs faster and faster.")"""
# The notebook the JupyterLab checks open: (what, selector of its root on the page, code).
CELLS = [
    ("perceptron explorer", "nnw-explorer",
     "import utils\n\nX, y = utils.data.admissions()\nutils.explorers.perceptron_explorer(X, y)"),
    ("log-loss explorer", "nnw-explorer", "utils.explorers.error_explorer(p=0.2)"),
    ("static figure", "nnw-figure", FIGURE),
    ("playground", "nnw-playground", "utils.playground.playground()"),
    ("projector explorer", "nnw-projector",
     "utils.style.projector_mode(True)\nutils.explorers.perceptron_explorer(X, y)"),
]  # fmt: skip
# The root of each on the page: the course element in the output of the cell that made it.
ROOTS = {what: f".jp-Notebook .jp-CodeCell:nth-child({i}) .{root}"
         for i, (what, root, _) in enumerate(CELLS, start=1)}  # fmt: skip
EXPLORERS = [ROOTS["perceptron explorer"], ROOTS["log-loss explorer"]]
# What a student or a screen reader can operate or read in a course widget.
CONTROLS = ", ".join(
    f".nnw-widget {part}"
    for part in ("[role=slider]", "select", "button", "input", "img", "[role=combobox]")
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """The module's scratch folder: the notebooks, the servers' state, the screenshots."""
    root = tmp_path_factory.mktemp("look")
    (root / "notebooks").mkdir()
    (root / "notebooks" / "look.ipynb").write_text(bh.notebook([code for *_, code in CELLS]))
    return root


@pytest.fixture(scope="module")
def lab(scratch, browser):
    server = bh.start_lab(scratch / "notebooks", scratch / "lab")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def look(lab, browser, scratch):
    """The notebook, run in JupyterLab at 1280x800 and device scale 2, every widget drawn."""
    page = bh.new_page(browser, 1280, 800)
    with bh.screenshot_on_failure(page, scratch / "screenshots", "look-run-all"):
        bh.open_lab_notebook(page, lab, "look.ipynb")
        bh.run_all_cells(page)
        bh.wait_until_run(page)
        report = bh.code_cell_report(page)
        assert not report["errors"], f"the notebook failed: {report['errors']}"
        page.wait_for_selector(f"{ROOTS['playground']} img.nnw-boundary", timeout=30_000)
        broken = bh.widget_errors(page)
        assert not broken, f"widgets failed to show in JupyterLab: {broken}"
        for selector in [*EXPLORERS, ROOTS["static figure"], ROOTS["projector explorer"]]:
            page.wait_for_selector(f"{selector} img:not([hidden])", timeout=10_000)
    yield page
    page.context.close()


def show(page, theme: str, size: tuple[int, int]) -> None:
    """Put JupyterLab's page in theme ('light' or 'dark') at size (CSS px)."""
    bh.set_lab_theme(page, dark=theme == "dark")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(300)  # the layout settles


# ---------------------------------------------------------------- both themes, both sizes


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_of_the_widgets_and_figures_reads_at_4_5_to_1(look, scratch, theme, size):
    show(look, theme, SIZES[size])
    problems = []
    for what, selector in ROOTS.items():
        name = f"{theme}-{size}-{what.replace(' ', '-')}"
        found = bh.low_contrast_texts(look, selector, scratch / "screenshots", name)
        problems += [f"{what}: {problem}" for problem in found]
    assert not problems, "text below 4.5:1 against its background:\n" + "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
def test_matplotlib_pictures_are_dark_in_the_dark_theme(look, scratch, size):
    show(look, "dark", SIZES[size])
    pictures = look.locator(".jp-Notebook img.nnw-art")
    assert pictures.count() >= 3, "expected the two explorers' and the figure's pictures"
    with bh.screenshot_on_failure(look, scratch / "screenshots", f"dark-art-{size}"):
        for i in range(pictures.count()):
            brightness = bh.art_brightness(look, pictures.nth(i))
            assert brightness < 0.3, (
                f"picture {i + 1} of {pictures.count()} is a light slab in the dark theme"
                f" (median luminance {brightness:.2f})"
            )


# ---------------------------------------------------------------- sizes (item 1)


def test_explorer_pictures_are_shown_at_their_natural_size_at_device_scale_2(look, scratch):
    show(look, "light", SIZES["1280x800"])
    with bh.screenshot_on_failure(look, scratch / "screenshots", "explorer-natural-size"):
        for selector in EXPLORERS:
            for layer in ("img.nnw-explorer-backdrop", "img.nnw-explorer-figure"):
                picture = look.locator(f"{selector} {layer}")
                natural, shown = picture.evaluate(
                    "img => [[img.naturalWidth, img.naturalHeight], [img.width, img.height]]"
                )
                assert (
                    abs(natural[0] - 2 * shown[0]) <= 1 and abs(natural[1] - 2 * shown[1]) <= 1
                ), (
                    f"{selector} {layer}: a {natural[0]}x{natural[1]} picture shown at"
                    f" {shown[0]}x{shown[1]} CSS px: at device scale 2 it should be drawn at twice"
                    " the size it is shown"
                )


def test_the_moving_region_sits_on_whole_device_pixels_exactly_over_its_backdrop(look, scratch):
    import base64
    import io

    import numpy as np
    from PIL import Image

    show(look, "light", SIZES["1280x800"])
    with bh.screenshot_on_failure(look, scratch / "screenshots", "explorer-layers"):
        for selector in EXPLORERS:
            root = look.locator(f"{selector} .nnw-explorer-picture")
            root.scroll_into_view_if_needed()
            look.wait_for_timeout(300)
            composed, offset = root.evaluate(
                """(root) => {
                    const back = root.querySelector('img.nnw-explorer-backdrop');
                    const top = root.querySelector('img.nnw-explorer-figure');
                    const r = root.getBoundingClientRect(), q = top.getBoundingClientRect();
                    const ratio = window.devicePixelRatio, x = (q.left - r.left) * ratio;
                    const y = (q.top - r.top) * ratio, canvas = document.createElement('canvas');
                    canvas.width = back.naturalWidth;
                    canvas.height = back.naturalHeight;
                    const context = canvas.getContext('2d');
                    context.drawImage(back, 0, 0);
                    context.drawImage(top, Math.round(x), Math.round(y));
                    return [canvas.toDataURL('image/png'), [x, y]];
                }"""
            )
            assert all(abs(v - round(v)) < 0.01 for v in offset), (
                f"{selector}: the moving region sits at {offset} device px, between two pixels"
            )
            expected = np.asarray(Image.open(io.BytesIO(base64.b64decode(composed.split(",")[1]))))
            box = root.locator("img.nnw-explorer-backdrop").bounding_box()
            shown = bh.crop(bh.screenshot_pixels(look), box, 2)
            assert shown.shape[:2] == expected.shape[:2], (shown.shape, expected.shape)
            off = np.abs(shown.astype(int) - expected[..., :3].astype(int)).max(axis=-1) > 8
            assert off.mean() < 0.001, (
                f"{selector}: {off.sum()} of the painted picture's pixels differ from its backdrop"
                " with the moving region laid on it: the layers are misaligned"
            )


def test_an_explorer_fits_in_the_notebook_at_1280x800(look, scratch):
    show(look, "light", SIZES["1280x800"])
    with bh.screenshot_on_failure(look, scratch / "screenshots", "explorer-fits"):
        room = look.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").evaluate(
            "e => e.clientHeight"
        )
        for selector in EXPLORERS:
            height = look.locator(selector).evaluate("e => e.getBoundingClientRect().height")
            assert height <= room, (
                f"{selector} is {height:.0f} CSS px tall, the notebook shows {room} px at"
                " 1280x800: picture and controls should fit on one screen"
            )


def test_projector_mode_enlarges_an_explorers_controls_and_it_fits_1920x1080(look, scratch):
    show(look, "light", SIZES["1920x1080"])
    sizes = {}
    with bh.screenshot_on_failure(look, scratch / "screenshots", "explorer-projector"):
        for what in ("perceptron explorer", "projector explorer"):
            root = look.locator(ROOTS[what])
            sizes[what] = root.locator(".widget-label, .widget-readout").evaluate_all(
                "labels => labels.map(e => parseFloat(getComputedStyle(e).fontSize))"
            )
            assert sizes[what], f"the {what} shows no slider labels"
        assert min(sizes["projector explorer"]) >= 18, (
            f"projector mode's slider labels and readouts are {sizes['projector explorer']} px"
            " CSS px: under 18 px they are hard to read from the back of a lecture room"
        )
        assert min(sizes["projector explorer"]) > max(sizes["perceptron explorer"]), sizes
        room = look.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").evaluate(
            "e => e.clientHeight"
        )
        height = look.locator(ROOTS["projector explorer"]).evaluate("e => e.clientHeight")
        assert height <= room, f"in projector mode the explorer is {height} px tall, {room} shown"


def controls_and_picture(page, selector: str) -> tuple[dict, list[dict]]:
    """The box of an explorer's picture and those of its slider handles' tracks."""
    root = page.locator(selector)
    root.scroll_into_view_if_needed()
    picture = root.locator(".nnw-explorer-picture").bounding_box()
    sliders = root.locator(".widget-slider, .widget-dropdown, .widget-toggle-buttons")
    return picture, [sliders.nth(i).bounding_box() for i in range(sliders.count())]


def test_explorer_controls_sit_beside_the_picture_at_1280_and_below_it_at_800(look, scratch):
    for width, side in ((1280, "beside"), (800, "below")):
        show(look, "light", (width, 800))
        with bh.screenshot_on_failure(look, scratch / "screenshots", f"explorer-{side}"):
            for selector in EXPLORERS:
                picture, controls = controls_and_picture(look, selector)
                assert controls, f"{selector} has no sliders or dropdowns"
                for box in controls:
                    if side == "beside":
                        ok = box["x"] >= picture["x"] + picture["width"] - 1
                    else:
                        ok = box["y"] >= picture["y"] + picture["height"] - 1
                    assert ok, (
                        f"{selector} at {width} px: a control at {box} should sit {side} the"
                        f" picture at {picture}"
                    )


@pytest.mark.parametrize("size", SIZES)
def test_no_label_or_button_text_is_cut_off(look, scratch, size):
    show(look, "light", SIZES[size])
    cut = look.evaluate(
        """() => [...document.querySelectorAll('.nnw-widget button, .nnw-widget label')]
            .filter(e => e.innerText.trim() && e.scrollWidth > e.clientWidth + 1)
            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
                      + ` ${JSON.stringify(e.innerText)}: ${e.scrollWidth} px of text`
                      + ` in ${e.clientWidth} px`)"""
    )
    assert not cut, f"text cut off (shown with an ellipsis) at {size}:\n" + "\n".join(cut)


# ---------------------------------------------------------------- accessibility (item 7)


def test_every_control_and_picture_has_an_accessible_name(look, scratch):
    show(look, "light", SIZES["1280x800"])
    found = bh.accessible_names(look, f"{CONTROLS}, .nnw-figure img")
    roles = {item["role"] for item in found}
    assert {"slider", "button", "image"} <= roles, f"too few controls found: roles {roles}"
    nameless = [f"{item['role']} {item['name']!r}: {item['where']}" for item in found
                if not bh.spoken(item["name"])]  # fmt: skip
    assert not nameless, "no accessible name (what a screen reader says):\n" + "\n".join(nameless)


def test_keyboard_focus_on_a_slider_shows_an_outline(look, scratch):
    show(look, "light", SIZES["1280x800"])
    handle = look.locator(f"{EXPLORERS[0]} [role=slider]").first
    with bh.screenshot_on_failure(look, scratch / "screenshots", "slider-focus"):
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        around = {"x": box["x"] - 8, "y": box["y"] - 8,
                  "width": box["width"] + 16, "height": box["height"] + 16}  # fmt: skip
        look.evaluate("() => document.activeElement && document.activeElement.blur()")
        unfocused = look.screenshot(clip=around)
        handle.focus()
        look.keyboard.press("Tab")  # on to the next control, and back as a keyboard user would
        look.keyboard.press("Shift+Tab")
        assert handle.evaluate("e => e === document.activeElement"), "Shift+Tab did not return"
        outline = handle.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert outline[0] != "none" and float(outline[1].rstrip("px")) >= 2, (
            f"the focused slider's outline is {outline}: keyboard focus must show"
        )
        assert look.screenshot(clip=around) != unfocused, "focus changed no pixel around it"


# ---------------------------------------------------------------- the playground in Voila (item 2)


@pytest.fixture(scope="module")
def voila(scratch, browser):
    server = bh.start_voila(bh.demos_copy(scratch), scratch / "voila")
    yield server
    server.stop()


def open_demo(browser, voila, theme: str = "light") -> object:
    """The playground demo in Voila at 1280x800, device scale 2, drawn."""
    page = bh.new_page(browser, 1280, 800)
    page.goto(voila.url(f"/voila/render/playground.ipynb?theme={theme}"), wait_until="load")
    page.wait_for_selector(".nnw-playground img.nnw-boundary", timeout=90_000)
    return page


@pytest.fixture(scope="module")
def demo(voila, browser):
    page = open_demo(browser, voila)
    yield page
    page.context.close()


COLUMNS = [".nnw-playground .nnw-dataset", ".nnw-playground .nnw-network",
           ".nnw-playground img.nnw-boundary"]  # fmt: skip


@pytest.mark.parametrize("size", [(1280, 720), (1280, 800)], ids=["1280x720", "1280x800"])
def test_the_playground_shows_data_network_and_output_side_by_side(demo, scratch, size):
    demo.set_viewport_size({"width": size[0], "height": size[1]})
    with bh.screenshot_on_failure(demo, scratch / "screenshots", f"playground-{size[1]}"):
        data, network, output = bh.column_boxes(demo, COLUMNS)
        assert data["x"] + data["width"] <= network["x"] + 1, (data, network)
        assert network["x"] + network["width"] <= output["x"] + 1, (network, output)
        tops = [round(box["y"]) for box in (data, network, output)]
        assert max(tops) - min(tops) <= 2, f"the columns' tops are not level: {tops}"


def test_the_playground_is_one_column_at_860_px(demo, scratch):
    demo.set_viewport_size({"width": 860, "height": 800})
    with bh.screenshot_on_failure(demo, scratch / "screenshots", "playground-860"):
        data, network, output = bh.column_boxes(demo, COLUMNS)
        assert data["y"] + data["height"] <= network["y"] + 1, (data, network)
        assert network["y"] + network["height"] <= output["y"] + 1, (network, output)


def test_nothing_of_the_playground_is_cut_at_1920x1080(demo, scratch):
    demo.set_viewport_size({"width": 1920, "height": 1080})
    with bh.screenshot_on_failure(demo, scratch / "screenshots", "playground-1920"):
        for part in ("img.nnw-boundary", ".nnw-loss-plot", ".nnw-network", "button.nnw-play"):
            cut = bh.cut_off(demo, demo.locator(f".nnw-playground {part}").first)
            sides = {side: px for side, px in cut.items() if side != "by" and px > 0.5}
            assert not sides, f"{part}: CSS px cut off {sides}, by {cut['by'] or 'the window'}"


def test_the_boundary_is_crisp_drawn_at_twice_its_size_or_pixelated(demo, scratch):
    demo.set_viewport_size({"width": 1280, "height": 800})
    natural, shown, rendering = demo.locator("img.nnw-boundary").evaluate(
        "img => [img.naturalWidth, img.clientWidth, getComputedStyle(img).imageRendering]"
    )
    assert natural >= 2 * shown or rendering == "pixelated", (
        f"a {natural} px boundary picture shown {shown} CSS px wide with image-rendering"
        f" {rendering}: blurred on a retina screen (draw it at 2x, or show its cells as squares)"
    )


def test_the_toolbar_stays_put_when_play_turns_to_pause(demo, scratch):
    demo.set_viewport_size({"width": 1280, "height": 800})
    buttons = demo.locator(".nnw-playground button")
    play = demo.locator("button.nnw-play")
    with bh.screenshot_on_failure(demo, scratch / "screenshots", "playground-toolbar"):
        before = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
        play.click()
        demo.wait_for_function(
            "() => document.querySelector('button.nnw-play').innerText.includes('Pause')"
        )
        after = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
        play.click()
        demo.wait_for_function(
            "() => document.querySelector('button.nnw-play').innerText.includes('Play')"
        )
        moved = [(i, a, b) for i, (a, b) in enumerate(zip(before, after, strict=True))
                 if any(abs(a[k] - b[k]) > 0.5 for k in a)]  # fmt: skip
        assert not moved, f"buttons moved when Play became Pause (index, before, after): {moved}"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_playground_reads_in_voila_in_both_themes(voila, browser, scratch, theme):
    page = open_demo(browser, voila, theme)
    try:
        light = page.evaluate("() => document.body.dataset.jpThemeLight")
        assert light == ("false" if theme == "dark" else "true"), (
            f"?theme={theme} gave data-jp-theme-light={light!r}"
        )
        found = bh.low_contrast_texts(page, ".nnw-playground", scratch / "screenshots",
                                      f"voila-{theme}")  # fmt: skip
        assert not found, "text below 4.5:1 against its background:\n" + "\n".join(found)
    finally:
        page.context.close()
