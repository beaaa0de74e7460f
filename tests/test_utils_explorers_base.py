"""utils.explorers.base: the skeleton every explorer shares, tried on a one-slider explorer."""

import base64
import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from utils import encode, style, theme
from utils.explorers.base import CONTROLS_WIDTH, Blitter, Explorer, new_figure, pixel_image

pytestmark = pytest.mark.usefixtures("fresh_pyplot")


class Dot(Explorer):
    """The smallest explorer: a slider x moves a dot along a line."""

    FIGSIZE = (3.0, 2.0)
    PROJECTOR_FIGSIZE = (6.0, 4.0)

    def __init__(self):
        super().__init__()
        self.draws = 0
        self.x = self.slider("x", "x", "where the dot is", value=0.5, min=0.0, max=1.0, step=0.1)
        self.y = self.slider("y", "y", "how high the dot is", value=0.5, min=0.0, max=1.0, step=0.1)
        ax = self.figure.add_subplot()
        ax.plot([0, 1], [0, 1], color="grey")
        ax.set(xlim=(0, 1), ylim=(0, 1))
        (self.dot,) = ax.plot([], [], "o", color="black")
        self.assemble([self.x, self.y], [self.dot])

    def draw(self):
        self.draws += 1
        self.dot.set_data([self.x.value], [self.y.value])
        self._readout.value = f"x = {self.x.value:.1f}"

    def describe(self):
        return f"A dot at x = {self.x.value:.1f}, y = {self.y.value:.1f}."

    def update(self, x, y):
        with self.quiet():
            self.x.value, self.y.value = x, y


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_the_picture_is_drawn_at_twice_its_css_size_and_shown_at_that_size():
    dot = Dot()
    assert encode.png_size(dot.png) == (2 * 300, 2 * 200)
    assert style.pixel_ratio() == 2
    assert encode.png_size(dot._backdrop.value) == (2 * 300, 2 * 200)
    assert (dot._picture.layout.width, dot._picture.layout.max_width) == ("300px", "100%")
    assert (dot._backdrop.layout.width, dot._backdrop.layout.height) == ("100%", "auto")


def test_only_the_dots_axes_are_sent_at_a_key_press_and_the_backdrop_once():
    dot = Dot()
    backdrop, sent = dot._backdrop.value, []
    dot._image.observe(lambda change: sent.append(change["new"]), names="value")
    dot._backdrop.observe(lambda change: sent.append("backdrop"), names="value")
    dot.update(0.2, 0.9)
    dot.update(0.7, 0.1)
    assert len(sent) == 2 and "backdrop" not in sent and dot._backdrop.value == backdrop
    left, top, right, bottom = dot._blitter.region  # the axes (the dot is clipped to them)
    ax = dot.figure.axes[0].bbox
    assert left <= ax.x0 and right >= ax.x1 and right - left < 2 * 300
    assert encode.png_size(sent[-1]) == (right - left, bottom - top)


def test_the_picture_is_the_package_encoders_png_of_the_canvas():
    dot = Dot()
    assert dot.png == encode.canvas_png(dot.figure)


def test_the_controls_sit_in_a_column_beside_the_picture_and_wrap_below_it_when_narrow():
    dot = Dot()
    style_sheet, names, picture, column = dot.widget.children
    assert isinstance(style_sheet, ipywidgets.HTML) and theme.CSS in style_sheet.value
    assert names.layout.display == "none" and "aria-label" in names.value
    assert picture.children == (dot._backdrop, dot._image)
    assert column.children == (dot.x, dot.y, dot._readout)
    assert dot.widget.layout.display == "flex" and dot.widget.layout.flex_flow == "row wrap"
    assert column.layout.width == f"{CONTROLS_WIDTH[False]}px"
    assert all(slider.layout.width == "100%" for slider in (dot.x, dot.y))


def test_the_root_and_the_picture_carry_the_themes_classes():
    dot = Dot()
    assert {"nnw-widget", "nnw-explorer"} <= set(dot.widget._dom_classes)
    assert "nnw-projector" not in dot.widget._dom_classes
    assert set(dot._image._dom_classes) == {"nnw-explorer-figure", "nnw-art"}
    assert "nnw-x" in dot.x._dom_classes  # each control is findable by its name


def test_projector_mode_draws_bigger_and_widens_the_controls():
    style.projector_mode(True)
    big = Dot()
    assert "nnw-projector" in big.widget._dom_classes
    assert encode.png_size(big.png) == (2 * 600, 2 * 400)
    assert big.widget.children[-1].layout.width == f"{CONTROLS_WIDTH[True]}px"
    assert CONTROLS_WIDTH[True] > CONTROLS_WIDTH[False]
    assert big.font >= 18


def test_a_control_moved_by_the_student_redraws_once():
    dot = Dot()
    before, draws = dot.png, dot.draws
    dot.x.value = 0.8
    assert dot.draws == draws + 1 and dot.png != before
    assert dot.readout == "x = 0.8"


def test_the_quiet_guard_draws_once_after_several_changes_even_when_nested():
    dot = Dot()
    draws = dot.draws
    dot.update(0.1, 0.9)
    assert dot.draws == draws + 1
    with dot.quiet():
        dot.update(0.2, 0.3)
        dot.x.value = 0.4
    assert dot.draws == draws + 2
    np.testing.assert_allclose(dot.dot.get_data(), [[0.4], [0.3]])


def test_the_quiet_guard_still_redraws_when_an_update_fails_half_way():
    dot = Dot()
    draws = dot.draws
    with pytest.raises(ZeroDivisionError), dot.quiet():
        dot.x.value = 0.7
        1 / 0  # noqa: B018
    assert dot.draws == draws + 1 and dot.dot.get_data()[0] == [0.7]  # the picture matches


def test_every_control_and_the_picture_say_what_they_are():
    dot = Dot()
    for name, control in dot.controls.items():
        assert control.description == name and control.tooltip
    assert dot._image.tooltip == "A dot at x = 0.5, y = 0.5."
    dot.update(0.3, 0.2)
    assert dot._image.tooltip == dot.describe() == "A dot at x = 0.3, y = 0.2."


def test_the_pictures_tooltip_can_render_in_ipywidgets_8_1():
    # The front end reads `description` to set a tooltip; an Image without one fails to render
    # (seen in Chromium with Voila). The picture syncs an empty one.
    dot = Dot()
    assert "description" in dot._image.keys and dot._image.description == ""
    assert isinstance(dot._image, ipywidgets.Image) and dot._image.tooltip


def test_buttons_checkboxes_and_dropdowns_get_a_name_a_tooltip_and_a_redraw():
    dot = Dot()
    pressed = []
    button = dot.button("go", "Go", "go somewhere", lambda: pressed.append(1))
    box = dot.checkbox("grid", "grid", "show a grid", False)
    menu = dot.dropdown("colour", "colour", "the dot's colour", ["black", "red"], "black")
    button.click()
    draws = dot.draws
    box.value = True
    menu.value = "red"
    assert pressed == [1] and dot.draws == draws + 2
    assert [(c.description, c.tooltip) for c in (button, box, menu)] == [
        ("Go", "go somewhere"),
        ("grid", "show a grid"),
        ("colour", "the dot's colour"),
    ]


def test_a_cell_ending_in_an_explorer_shows_the_live_widget_and_a_still_picture():
    dot = Dot()
    bundle = dot._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == dot.widget.model_id
    assert base64.b64decode(bundle["image/png"]) == dot.png


def test_a_blitted_picture_is_the_full_drawing_and_redraws_its_backdrop_when_told():
    figure = new_figure((4.0, 2.0))
    still, changing = figure.subplots(1, 2)
    (line,) = still.plot([0.1, 0.9], [0.2, 0.8], color="red")  # off the frame, which is drawn first
    blitter = Blitter(figure, [line], backdrop=[changing])
    line.set_ydata([0.8, 0.2])
    first = blitter.draw()  # the background, to send to the browser once
    assert encode.png_size(first) == blitter.size == (800, 400)
    left, top, right, bottom = blitter.region  # the line is clipped to the left axes
    assert right <= 420 and encode.png_size(blitter.png()) == (right - left, bottom - top)
    blitted = pixels(encode.canvas_png(figure))
    for artist in (line, changing):
        artist.set_animated(False)
    np.testing.assert_array_equal(blitted, pixels(encode.figure_png(figure)))
    for artist in (line, changing):
        artist.set_animated(True)
    changing.set_ylim(0, 10)  # the backdrop changed: without invalidate() the picture is stale
    assert blitter.draw() is None and np.array_equal(pixels(encode.canvas_png(figure)), blitted)
    blitter.invalidate()
    assert blitter.draw() is not None  # a new background to send
    fresh = pixels(encode.canvas_png(figure))
    changing.set_animated(False)
    line.set_animated(False)
    np.testing.assert_array_equal(fresh, pixels(encode.figure_png(figure)))
    assert not np.array_equal(fresh, blitted)


def test_a_subclass_must_draw_and_describe_itself():
    with pytest.raises(NotImplementedError):
        Explorer().draw()
    with pytest.raises(NotImplementedError):
        Explorer().describe()


@pytest.mark.parametrize("shape", [(28, 28), (30, 30), (5, 9)])
def test_a_pixel_image_looks_like_imshow_nearest_row_0_at_the_top(shape):
    cells = np.random.default_rng(0).random(shape)
    figure = new_figure((6.0, 3.0))
    ours, theirs = figure.subplots(1, 2)
    pixel_image(ours, shape, cmap="viridis", vmin=0, vmax=1).set_data(cells)
    theirs.imshow(cells, cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
    for ax in (ours, theirs):
        ax.set_axis_off()
    drawn = pixels(encode.figure_png(figure)).astype(int)
    height = drawn.shape[0]
    halves = []
    for ax in (ours, theirs):
        box = ax.get_window_extent()
        assert (box.width, box.height) == pytest.approx(
            (theirs.get_window_extent().width, theirs.get_window_extent().height)
        )
        x0, y0 = round(box.x0), round(height - box.y1)
        halves.append(drawn[y0 : y0 + int(box.height), x0 : x0 + int(box.width)])
    different = np.any(halves[0] != halves[1], axis=-1)
    # A cell edge that falls near a pixel's centre may round either way: at most one line of
    # pixels along each edge differs, nothing else.
    edges = shape[0] / different.shape[0] + shape[1] / different.shape[1]
    assert different.mean() <= edges, (different.mean(), edges)
