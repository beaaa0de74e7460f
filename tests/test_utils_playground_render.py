"""utils.playground.render (pictures as pure functions) and the layout facts of its controls."""

import asyncio
import base64
import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from utils import style
from utils.encode import png_size
from utils.playground import GRID, Playground, controls, render

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg):
    """The SVG text as an XML tree (it must be well formed)."""
    return ET.fromstring(svg)


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_ticks_are_round_numbers_covering_the_range():
    assert render.ticks(0, 1, 3).tolist() == [0, 0.5, 1]
    assert render.ticks(0, 0.73, 3).tolist() == [0, 0.5]  # at most 3 steps: 0.5, not 0.2
    assert render.ticks(0, 0.6, 3).tolist() == pytest.approx([0, 0.2, 0.4, 0.6])
    assert render.ticks(0, 240, 4).tolist() == [0, 100, 200]
    assert render.ticks(3, 5, 4, smallest=1).tolist() == [3, 4, 5]  # never half an epoch
    assert render.nice_step(7, 4) == 2 and render.nice_step(0.03, 3) == 0.01


def test_the_loss_chart_has_axes_ticks_a_legend_and_two_kinds_of_line():
    history = [(e, 0.7 * 0.97**e, 0.72 * 0.975**e) for e in range(0, 121)]
    root = parsed(render.loss_svg(np.array(history)))
    words = texts(root)
    assert {"epoch", "loss", "train", "test"} <= set(words)
    assert {"0", "50", "100"} <= set(words)  # epoch ticks
    assert {"0", "0.5", "1"} <= set(words)  # loss ticks: 0 to the first round value above 0.72
    lines = {line.get("class"): line for line in root.iter(f"{SVG}polyline")}
    assert set(lines) == {"nnw-loss-train", "nnw-loss-test"}
    assert lines["nnw-loss-train"].get("stroke-dasharray") is None  # solid
    assert lines["nnw-loss-test"].get("stroke-dasharray")  # dashed
    assert len(lines["nnw-loss-train"].get("points").split()) == len(history)
    _, train, test = history[-1]
    assert f"training {train:.3f} (solid line), test {test:.3f} (dashed" in root.get("aria-label")


def test_the_loss_chart_of_one_epoch_and_of_a_diverged_run_still_draws():
    assert "0.693" in render.loss_svg(np.array([(0, 0.693, 0.694)]))
    root = parsed(render.loss_svg(np.array([(0, 0.7, 0.7), (1, np.nan, np.inf)])))
    assert "nan" not in "".join(line.get("points") for line in root.iter(f"{SVG}polyline"))


def test_a_long_history_is_thinned_to_about_300_points():
    history = np.column_stack(
        [np.arange(5000), np.linspace(1, 0.1, 5000), np.linspace(1, 0.2, 5000)]
    )
    root = parsed(render.loss_svg(history))
    assert all(len(line.get("points").split()) == 300 for line in root.iter(f"{SVG}polyline"))
    assert {"0", "2000", "4000"} <= set(texts(root))
    last_x = float(root.find(f"{SVG}polyline").get("points").split()[-1].split(",")[0])
    assert last_x == pytest.approx(render.OUTPUT_WIDTH - 40)  # the last epoch at the axis' end


@pytest.mark.parametrize("svg", [*render.boundary_axes(), render.loss_svg(np.zeros((1, 3)))])
def test_svg_text_and_axes_take_the_theme_colour(svg):
    """No hard-coded ink: text fills and axis strokes are currentColor, the theme's text colour."""
    root = parsed(svg)
    assert root.get("fill") == "currentColor"
    assert all(t.get("fill") is None for t in root.iter(f"{SVG}text"))
    strokes = {p.get("stroke") for p in root.iter(f"{SVG}path")}
    assert strokes == {"currentColor"}
    assert not re.search(r"#000|black|#fff|white", svg)


def test_the_boundary_axes_have_a_tick_at_every_whole_number_from_minus_4_to_4():
    left, below = (parsed(svg) for svg in render.boundary_axes())
    numbers = ["−4", "−3", "−2", "−1", "0", "1", "2", "3", "4"]
    assert texts(left) == [*numbers, "x₂"] and texts(below) == [*numbers, "x₁"]
    assert len(list(left.iter(f"{SVG}path"))) == 1 + 9  # the axis line and nine ticks
    # ticks line up with the picture: -4 at its left (bottom) edge, 4 at its right (top) edge
    x_ticks = [float(p.get("d")[1:].split(",")[0]) for p in list(below.iter(f"{SVG}path"))[1:]]
    assert x_ticks[0] == render.AXIS and x_ticks[-1] == render.AXIS + render.BOARD


def test_svg_sizes_follow_the_page_scale():
    for svg in (*render.boundary_axes(), render.loss_svg(np.zeros((1, 3)))):
        assert f"var({render.SCALE_VAR}, 1)" in parsed(svg).get("style")


def test_the_heatmap_is_one_pixel_per_cell_blue_to_orange():
    p = np.tile(np.linspace(0, 1, GRID), (GRID, 1))  # class 1 to the right
    rgb = pixels(render.heatmap_png(p, discretize=False))
    assert rgb.shape == (GRID, GRID, 3)
    left, middle, right = rgb[0, 0].astype(int), rgb[0, GRID // 2], rgb[0, -1].astype(int)
    assert left[2] > left[0] and right[0] > right[2]  # blue (class 0) ... orange (class 1)
    assert middle.min() > 240  # white where the network can't tell
    two = pixels(render.heatmap_png(p, discretize=True))
    assert len(np.unique(two.reshape(-1, 3), axis=0)) == 2


def test_the_still_picture_is_twice_the_css_size_and_has_the_points():
    X = np.array([[0.0, 0.0], [2.0, 2.0]])
    y = np.array([0, 1])
    scale = render.PIXEL_RATIO * render.BOARD // GRID
    dots = render.dots(X, y, GRID * scale, 4, render.WHITE)
    png = render.boundary_png(np.full((GRID, GRID), 0.5), scale, [dots], discretize=False)
    assert png_size(png) == (2 * render.BOARD, 2 * render.BOARD)
    rgb = pixels(png)
    centre, corner = rgb[250, 250], rgb[125, 375]  # (0, 0) and (2, 2): x2 grows upwards
    assert tuple(centre) == tuple(render.BOUNDARY_PALETTE[render.DOT])
    assert tuple(corner) == tuple(render.BOUNDARY_PALETTE[render.DOT + 1])


def test_the_points_overlay_puts_x2_upwards_in_class_colours():
    X = np.array([[1.0, 2.0], [-3.0, -1.0], [0.5, 0.5]])
    y = np.array([1, 0, 1])
    root = parsed(render.points_svg([(X, y, render.RIM_COLORS[0])]))
    assert root.get("viewBox") == "-4.0 -4.0 8.0 8.0" and root.get("aria-hidden") == "true"
    groups = {g.get("fill"): g for g in root.iter(f"{SVG}g")}
    assert set(groups) == set(style.CLASS_COLORS[:2])
    orange = [(float(c.get("cx")), float(c.get("cy"))) for c in groups[style.CLASS_COLORS[1]]]
    assert orange == [(1.0, -2.0), (0.5, -0.5)]


def test_the_network_fits_its_width_and_labels_its_layers():
    geometry = render.network_geometry([2, 8, 8, 6, 1])
    assert geometry.width <= render.NETWORK_WIDTH
    assert geometry.spacing >= render.NODE + 2 * render.FONT  # room for "8 neurons" and +/-
    images = [[render.node_images(np.zeros((GRID * GRID, 1)))[0]] * k for k in (2, 8, 8, 6, 1)]
    weights = [np.ones((a, b)) for a, b in [(2, 8), (8, 8), (8, 6), (6, 1)]]
    root = parsed(render.network_svg(images, weights, ("x1", "x2")))
    assert texts(root) == ["x₁", "x₂", "8 neurons", "8 neurons", "6 neurons", "output"]
    assert len(list(root.iter(f"{SVG}image"))) == 25
    assert len(list(root.iter(f"{SVG}path"))) == 2 * 8 + 8 * 8 + 8 * 6 + 6
    assert root.get("role") == "img" and "2-8-8-6-1" in root.get("aria-label")


def test_neuron_maps_are_25_pixel_pngs_enlarged_pixelated():
    uri = render.node_images(np.linspace(-1, 1, GRID * GRID)[:, None])[0]
    assert uri.startswith("data:image/png;base64,")
    assert png_size(base64.b64decode(uri.split(",")[1])) == (25, 25)
    svg = render.network_svg([[uri], [uri]], [np.ones((1, 1))], ("x1",))
    assert "image-rendering:pixelated" in svg


def test_the_columns_wrap_stack_on_a_narrow_screen_and_grow_on_a_projector():
    css = controls.CSS
    assert ".nnw-playground .nnw-pg-columns { flex-wrap: wrap;" in css
    assert (
        "@media (max-width: 899px) { .nnw-playground .nnw-pg-columns { flex-direction: column; }"
        in css
    )
    scale = "@media (min-width: 1600px) {\n  .nnw-widget.nnw-playground.nnw-projector { --nnw-pg-scale: 1.6; }"
    assert scale in css
    assert "image-rendering: pixelated" in css  # the heatmap is enlarged, its cells stay sharp
    # side by side needs data + network + output (and two gaps) in JupyterLab's ~840 px
    assert controls.DATA_WIDTH + render.NETWORK_WIDTH + render.OUTPUT_WIDTH + 2 * 12 <= 820


def test_play_and_pause_take_the_same_width_and_the_root_follows_the_theme():
    p = Playground()
    play = p.controls["play"]
    width = play.layout.width
    assert width == controls.scaled(controls.PLAY_WIDTH)  # fixed, not "auto"

    async def press_play():
        play.click()
        shown = play.description, play.layout.width
        play.click()
        return shown

    assert asyncio.run(press_play()) == ("Pause", width)
    assert {"nnw-widget", "nnw-playground"} <= set(p.widget._dom_classes)
    sheets = [child.value for child in p.widget.children[:2]]
    assert ".nnw-widget" in sheets[0] and "--jp-ui-font-color1" in sheets[0]  # utils.theme
    assert ".nnw-playground" in sheets[1]


def test_every_control_has_an_accessible_name():
    p = Playground()
    c = p.controls
    for name in ("lr", "activation", "regularization", "reg_rate", "train_fraction", "noise"):
        assert c[name].description, name  # a <label> tied to the <select>
    for name in ("add_layer", "remove_layer"):
        assert not c[name].description and c[name].tooltip  # the title names an icon button
    neuron_buttons = [b for group in c["neurons"].children[1:] for b in group.children]
    assert len(neuron_buttons) == 4 and all(b.tooltip for b in neuron_buttons)
    assert "+" not in "".join(b.description for b in neuron_buttons)  # the sign is CSS, alt ""
    assert 'content: "+" / ""' in controls.CSS
    assert c["boundary"].tooltip.startswith("The network's output over x₁ and x₂")
    assert c["boundary"].get_state()["description"] == ""  # ipywidgets 8.1 needs it for title
