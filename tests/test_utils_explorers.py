"""utils.explorers: the six lesson explorers, driven through their controls as a student would."""

import io
import math
import statistics
import time

import ipywidgets
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.path import Path
from PIL import Image

import utils
from utils import data, encode, explorers, style, vision
from utils.explorers import base, digit, error, kernel

pytestmark = pytest.mark.usefixtures("fresh_pyplot")

CONTENT_WIDTH = 840  # CSS px of JupyterLab's notebook content at a 1280 x 800 window


def digits_data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    return images, rng.integers(0, 10, size=n), rng.dirichlet(np.ones(10), size=n)


# Each explorer as a lesson makes it, and a change a student makes (one key press).
MAKE = {
    "perceptron": lambda: explorers.perceptron_explorer(*data.admissions()),
    "error": lambda: explorers.error_explorer(p=0.01),
    "learning_rate": lambda: explorers.learning_rate_explorer(),
    "kernel": lambda: explorers.kernel_explorer(vision.letter_o()),
    "gradient": lambda: explorers.gradient_explorer(w2=2.0, n=4),
    "digit": lambda: explorers.digit_explorer(*digits_data()),
}
PRESS = {
    "perceptron": lambda e, i: setattr(e.controls["w2"], "value", 1.0 + 0.1 * (i % 2)),
    "error": lambda e, i: setattr(e.controls["p"], "value", 0.3 + 0.1 * (i % 2)),
    "learning_rate": lambda e, i: setattr(e.controls["lr"], "value", 0.3 + 0.05 * (i % 2)),
    "kernel": lambda e, i: setattr(e.controls["stride"], "value", 1 + i % 2),
    "gradient": lambda e, i: setattr(e.controls["w2"], "value", 2.0 + 0.05 * (i % 2)),
    "digit": lambda e, i: setattr(e.controls["digit"], "value", 1 + i % 2),
}


@pytest.fixture(params=list(MAKE))
def each(request):
    return request.param, MAKE[request.param]()


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def css_size(explorer):
    return tuple(round(base.CSS_DPI * s) for s in explorer.figure.get_size_inches())


# --- what every explorer shares ----------------------------------------------------------------


def test_the_package_exports_the_six_factories_and_the_old_name_still_works():
    for name in ("perceptron", "error", "learning_rate", "kernel", "gradient", "digit"):
        assert callable(getattr(explorers, f"{name}_explorer"))
    assert utils.widgets.perceptron_explorer is explorers.perceptron_explorer
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        explorers.nope  # noqa: B018


def test_every_picture_is_drawn_at_twice_its_css_size_and_never_stretched(each):
    _, explorer = each
    width, height = css_size(explorer)
    assert encode.png_size(explorer.png) == (2 * width, 2 * height)
    assert encode.png_size(explorer._backdrop.value) == (2 * width, 2 * height)
    assert explorer._picture.layout.width == f"{width}px"
    assert explorer._picture.layout.max_width == "100%"
    assert explorer._backdrop.layout.width == "100%"


def test_every_key_press_sends_only_the_moving_region_laid_exactly_over_the_backdrop(each):
    name, explorer = each
    left, top, right, bottom = explorer._blitter.region
    assert all(v % 2 == 0 for v in (left, top, right, bottom)), "whole CSS pixels at 2x"
    assert encode.png_size(explorer._image.value) == (right - left, bottom - top)
    width, height = (2 * v for v in css_size(explorer))
    layout = explorer._image.layout
    edges = [
        (layout.left, left, width),
        (layout.top, top, height),
        (layout.width, right - left, width),
    ]
    for edge, exact, whole in edges:  # a hair past the pixel, less than 1/64 CSS px (see base)
        assert exact < float(edge.rstrip("%")) / 100 * whole < exact + 2 / 64
    for i in range(4):  # the backdrop with the region laid on it is the whole picture
        PRESS[name](explorer, i)
        left, top, right, bottom = explorer._blitter.region
        shown = pixels(explorer._backdrop.value)
        shown[top:bottom, left:right] = pixels(explorer._image.value)
        assert np.array_equal(shown, pixels(explorer.png)), (name, i)


def test_every_explorer_fits_a_1280_by_800_window(each):
    _, explorer = each
    width, height = css_size(explorer)
    beside = width + 16 + base.CONTROLS_WIDTH[False] <= CONTENT_WIDTH
    if beside:  # controls in a column beside the picture
        assert height <= 460, (width, height)
    else:  # controls wrap below: at most five rows of controls and a readout under the picture
        assert width <= CONTENT_WIDTH and height <= 350, (width, height)
    assert explorer.widget.layout.flex_flow == "row wrap"


def test_every_explorer_has_the_themes_classes(each):
    name, explorer = each
    assert {"nnw-widget", "nnw-explorer"} <= set(explorer.widget._dom_classes)
    photo = name in ("kernel", "digit")  # their pixels are data, not ink on paper
    look = "nnw-photo" if photo else "nnw-art"
    assert set(explorer._image._dom_classes) == {"nnw-explorer-figure", look}
    assert set(explorer._backdrop._dom_classes) == {"nnw-explorer-backdrop", look}
    assert set(explorer._picture._dom_classes) == {"nnw-explorer-picture", look}


def test_every_control_has_an_accessible_name_and_a_tooltip(each):
    _, explorer = each
    assert explorer.controls
    for control in explorer.controls.values():
        assert control.description.strip() and control.tooltip.strip(), control
        if isinstance(control, (ipywidgets.FloatSlider, ipywidgets.FloatLogSlider)):
            assert control.continuous_update


def test_a_key_press_redraws_the_picture_its_description_and_the_readout_once(each, monkeypatch):
    name, explorer = each
    before = (explorer.png, explorer._image.tooltip, explorer.readout)
    draws = []
    draw = explorer.draw
    monkeypatch.setattr(explorer, "draw", lambda: draws.append(1) or draw())
    PRESS[name](explorer, 1)
    assert draws == [1]
    after = (explorer.png, explorer._image.tooltip, explorer.readout)
    assert all(b != a for b, a in zip(before, after, strict=True)), name


def test_a_key_press_moves_the_same_artists_on_the_same_figure(each):
    name, explorer = each
    figure, axes = explorer.figure, list(explorer.figure.axes)
    artists = [list(ax.get_children()) for ax in axes]
    for i in range(3):
        PRESS[name](explorer, i)
    assert explorer.figure is figure and figure.axes == axes
    assert [list(ax.get_children()) for ax in axes] == artists


@pytest.fixture(params=[False, True], ids=["matplotlib-style", "course-style"])
def styled(request, fresh_pyplot):
    """Matplotlib's defaults, or the course's (as in every lesson: grid lines on every axes)."""
    if request.param:
        style.use_course_style()


def test_a_blitted_redraw_looks_like_a_fresh_full_drawing(styled, each):
    name, explorer = each
    for i in range(3):
        PRESS[name](explorer, i)
    for artist in explorer._blitter.moving + explorer._blitter.backdrop:
        artist.set_animated(False)
    full = pixels(encode.figure_png(explorer.figure))
    different = np.any(pixels(explorer.png) != full, axis=-1)
    # Moving artists are drawn over the axes' frame, which a full drawing puts on top: a few
    # pixels where they meet may differ, nothing else.
    assert different.mean() < 0.003, (name, int(different.sum()))


def test_the_kernels_redraw_takes_well_under_a_tenth_of_a_second(each):
    name, explorer = each
    times = []  # CPU time of this process: what a redraw costs, however busy the machine
    for i in range(8):
        start = time.process_time()
        PRESS[name](explorer, i)
        times.append(time.process_time() - start)
    assert statistics.median(times) < 0.1, (name, times)


def test_a_cell_ending_in_an_explorer_shows_the_widget_or_a_still_picture(each):
    _, explorer = each
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        explorer.widget.model_id
    )
    assert encode.png_size(__import__("base64").b64decode(bundle["image/png"])) == (
        encode.png_size(explorer.png)
    )


# --- lessons 00 and 01: the perceptron ---------------------------------------------------------

# Three points and the line x1 + x2 - 10 = 0: (1, 1) is below it, (9, 9) above, (1, 9) on it,
# and a point on the line counts as class 1.
X = np.array([[1.0, 1.0], [9.0, 9.0], [1.0, 9.0]])
y = np.array([0, 1, 1])


@pytest.fixture
def perceptron():
    return explorers.perceptron_explorer(X, y, w=(1.0, 1.0), b=-10.0)


def test_the_perceptron_has_three_sliders_and_a_live_count(perceptron):
    sliders = [perceptron.controls[name] for name in ("w1", "w2", "b")]
    assert [(s.description, s.value) for s in sliders] == [("w1", 1.0), ("w2", 1.0), ("b", -10.0)]
    assert perceptron.readout == "misclassified: <b>0</b> of 3"
    perceptron.controls["b"].value = -10.5  # now (1, 9) is just below the line
    assert perceptron.misclassified == 1 and "<b>1</b> of 3" in perceptron.readout
    assert "1 of 3 points are on the wrong side" in perceptron._image.tooltip


def test_perceptron_update_moves_the_sliders_widening_them_and_draws_once(perceptron, monkeypatch):
    draws = []
    draw = perceptron.draw
    monkeypatch.setattr(perceptron, "draw", lambda: draws.append(1) or draw())
    perceptron.update(-1.0, -1.0, 10.0)  # every point is now class 1 exactly where it is not
    assert perceptron.misclassified == 2 and draws == [1]
    perceptron.update(12.0, 1.0, -100.0)
    w1, b = perceptron.controls["w1"], perceptron.controls["b"]
    assert (w1.value, w1.max, b.value, b.min) == (12.0, 12.0, -100.0, -100.0)


def polygon_area(points):
    x, y_ = points[:, 0], points[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y_, -1)) - np.dot(y_, np.roll(x, -1)))


@pytest.mark.parametrize(
    ("w1", "w2", "b"), [(1.0, 1.0, -10.0), (2.0, 1.0, -18.0), (0.0, 1.0, -5.0), (1.0, 0.0, -2.0)]
)
def test_the_shaded_regions_split_the_view_along_the_line(perceptron, w1, w2, b):
    perceptron.update(w1, w2, b)
    areas = []
    for label in (0, 1):
        vertices = perceptron._regions[label].get_xy()
        scores = vertices @ [w1, w2] + b
        assert np.all(scores >= -1e-9) if label == 1 else np.all(scores <= 1e-9)
        areas.append(polygon_area(vertices))
    assert sum(areas) == pytest.approx(polygon_area(perceptron._corners))
    ends = np.column_stack(perceptron._line.get_data())
    np.testing.assert_allclose(ends @ [w1, w2] + b, 0.0, atol=1e-9)
    assert Path(perceptron._regions[1].get_xy()).contains_point((9.0, 9.0)) == (w1 + w2 > 0)


def test_with_w1_and_w2_zero_everything_is_one_class_and_there_is_no_line(perceptron):
    perceptron.update(0.0, 0.0, 1.0)
    assert perceptron.misclassified == 1  # only (1, 1) is class 0
    assert len(perceptron._line.get_xdata()) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X": np.zeros((3, 3))}, r"X must be a numeric array of shape \(n, 2\)"),
        ({"y": np.array([0, 1])}, r"y must have shape \(3,\)"),
        ({"y": np.array([0, 1, 2])}, "y must hold the labels 0 and 1 only"),
        ({"w": (1.0, 2.0, 3.0)}, "w must be two finite numbers"),
        ({"b": [1.0, 2.0]}, "b must be a number"),
    ],
)
def test_the_perceptron_explains_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explorers.perceptron_explorer(**{"X": X, "y": y, **kwargs})


# --- lesson 02: squared error and log error ------------------------------------------------------


@pytest.fixture
def errors():
    return explorers.error_explorer(p=0.5)


@pytest.mark.parametrize("p", [0.01, 0.001, 0.2, 1.0])
def test_the_readout_shows_p_and_both_errors_once_and_live(errors, p):
    errors.update(p)
    assert errors.squared_error == pytest.approx((1 - p) ** 2)
    assert errors.log_error == pytest.approx(-math.log(p)) and errors.log_error >= 0
    text = errors.readout
    assert f"p = <b>{p:.3g}</b>" in text
    assert f"squared error (1 − p)² = <b>{(1 - p) ** 2:.3f}</b>" in text
    assert f"log error −ln p = <b>{-math.log(p) + 0.0:.3f}</b>" in text
    assert text.count("=") == 3  # each number once; the figure carries no copy of them
    np.testing.assert_allclose(errors._squared_marker.get_data(), [[p], [(1 - p) ** 2]])
    np.testing.assert_allclose(errors._log_marker.get_data(), [[p], [-math.log(p)]])


def test_the_p_slider_is_logarithmic_and_crosses_0_01_to_1_in_40_key_presses(errors):
    slider = errors.controls["p"]
    assert isinstance(slider, ipywidgets.FloatLogSlider) and slider.base == 10
    assert (slider.min, slider.max) == (math.log10(error.P_MIN), 0.0)
    presses = (math.log10(1.0) - math.log10(0.01)) / slider.step
    assert presses == pytest.approx(40)  # the old linear slider needed 990 presses of 0.001
    assert 10**slider.step == pytest.approx(1.122, abs=1e-3)  # each press: p times about 1.12


def test_error_update_draws_once_raises_tiny_p_and_refuses_impossible_p(errors, monkeypatch):
    draws = []
    draw = errors.draw
    monkeypatch.setattr(errors, "draw", lambda: draws.append(1) or draw())
    errors.update(0.25)
    assert errors.p == 0.25 and draws == [1]
    errors.update(1e-9)
    assert errors.p == error.P_MIN
    with pytest.raises(ValueError, match=r"p must lie in \(0, 1\]"):
        errors.update(0.0)
    with pytest.raises(ValueError, match=r"p must lie in \(0, 1\]"):
        explorers.error_explorer(p=1.5)
    with pytest.raises(TypeError, match="p must be a number"):
        errors.update("half")


# --- lesson 03: the learning rate ----------------------------------------------------------------


@pytest.fixture(scope="module")
def descent():
    """One explorer for the tests that set every value they read (building one takes a while)."""
    return explorers.learning_rate_explorer()


def test_the_learning_rate_explorer_has_a_log_slider_steps_and_four_presets(descent):
    descent.update(descent.presets["good"], steps=25)
    assert isinstance(descent.controls["lr"], ipywidgets.FloatLogSlider)
    assert isinstance(descent.controls["steps"], ipywidgets.IntSlider)
    presets = [descent.controls[name] for name in utils.descent.REGIMES]
    assert [b.description for b in presets] == ["crawling", "good", "oscillating", "diverging"]
    assert all("λmax" in b.tooltip for b in presets)
    assert descent.readout.startswith("<b>good</b>: loss")
    top = max(np.linalg.eigvalsh(descent.bowl.hessian))
    assert {name: lr * top for name, lr in descent.presets.items()} == pytest.approx(
        {"crawling": 0.02, "good": 1.0, "oscillating": 1.9, "diverging": 2.1}
    )


def test_a_preset_button_sets_the_slider_and_redraws(descent):
    descent.controls["diverging"].click()
    assert descent.controls["lr"].value == pytest.approx(descent.presets["diverging"])
    assert descent.regime == "diverging" and "diverging" in descent._title.get_text()
    np.testing.assert_allclose(
        np.column_stack(descent._path.get_data()), descent.path[: len(descent._path.get_xdata())]
    )


def steep_parts(explorer):
    """Each point's offset from the minimum along the steepest direction."""
    return (explorer.path - explorer.bowl.minimum) @ explorer.bowl.steep


def test_the_four_presets_really_crawl_converge_oscillate_and_diverge(descent):
    behaviour = {}
    for name, lr in descent.presets.items():
        descent.update(lr, steps=25)
        assert descent.regime == name
        behaviour[name] = (descent.losses.copy(), steep_parts(descent))
    losses, _ = behaviour["crawling"]
    assert np.all(np.diff(losses) < 0) and losses[-1] > 0.3 * losses[0]  # downhill, but slowly
    losses, _ = behaviour["good"]
    assert losses[-1] < 1e-6 * losses[0]
    losses, steep = behaviour["oscillating"]
    signs = np.sign(steep[1:])
    assert np.all(signs[1:] == -signs[:-1])  # flips side every step ...
    assert losses[-1] < 0.01 * losses[0]  # ... and still converges
    losses, steep = behaviour["diverging"]
    assert np.all(np.abs(steep[2:]) > np.abs(steep[1:-1]))  # every overshoot is bigger
    assert losses[-1] > 100 * losses[0]


@pytest.mark.parametrize(
    ("factor", "regime"),
    [(0.001, "crawling"), (0.5, "good"), (1.0, "good"), (1.7, "oscillating"), (2.5, "diverging")],
)
def test_any_rate_gets_the_regime_of_its_curvature_factor(descent, factor, regime):
    descent.update(factor / 4.0, steps=25)
    assert descent.regime == regime


def test_the_loss_panel_keeps_its_limits_so_most_presses_only_redraw_a_line(descent):
    descent.update(0.25, steps=25)
    (x_low, x_high), limits = descent._loss_axes.get_xlim(), descent._loss_axes.get_ylim()
    assert (x_low, x_high) == (0, 30)
    assert all(math.log10(v) == round(math.log10(v)) for v in limits)  # whole decades
    assert limits[0] <= 1e-8 * descent.losses[0] and limits[1] >= 2 * descent.losses.max()
    descent.update(0.25 * 10**0.01)  # one key press: the same limits, the axes stay as drawn
    assert descent._loss_axes.get_ylim() == limits and descent._blitter._background is not None
    descent.update(descent.presets["diverging"], steps=40)  # a runaway loss: the panel grows
    assert descent._loss_axes.get_ylim()[1] >= 2 * descent.losses.max()
    assert descent._loss_axes.get_xlim() == (0, 40)


def test_update_widens_the_sliders_and_a_huge_rate_overflows_quietly(descent):
    with np.errstate(all="raise"):
        descent.update(1000.0, steps=200)
    assert descent.controls["lr"].value == pytest.approx(1000.0)
    assert descent.controls["steps"].value == 200 and descent.regime == "diverging"
    assert encode.png_size(descent.png)[0] > 0


def test_a_custom_bowl_start_and_steps():
    explorer = explorers.learning_rate_explorer(
        lr=0.05, steps=5, hessian=[[2.0, 0.0], [0.0, 10.0]], minimum=(0, 0), start=(1, 1)
    )
    assert explorer.presets["good"] == pytest.approx(0.1)
    np.testing.assert_allclose(explorer.path[1], [1 - 0.05 * 2, 1 - 0.05 * 10])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": 0.0}, ValueError, "lr must be a finite number > 0"),
        ({"lr": "fast"}, TypeError, "lr must be a number"),
        ({"steps": 0}, ValueError, "steps must be an int >= 1 and <= 200"),
        ({"steps": 2.5}, TypeError, "steps must be an int"),
        ({"hessian": [[1.0, 0.0], [0.0, -1.0]]}, ValueError, "positive curvatures"),
        ({"start": (1.0, 2.0, 3.0)}, ValueError, "start must be two finite numbers"),
        ({"start": (1.0, 1.0)}, ValueError, "start must differ from minimum"),
    ],
)
def test_the_learning_rate_explorer_explains_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        explorers.learning_rate_explorer(**kwargs)


# --- lesson 05: the kernel ----------------------------------------------------------------------


def torch_conv(image, weights, stride, padding):
    x = torch.from_numpy(np.asarray(image, dtype=np.float64))[None, None]
    w = torch.from_numpy(np.asarray(weights, dtype=np.float64))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


@pytest.mark.parametrize(
    ("shape", "stride", "padding"), [((6, 6), 1, 0), ((9, 7), 2, 1), ((5, 8), 3, 2)]
)
def test_the_kernel_explorers_correlation_and_pooling_match_torch(shape, stride, padding):
    rng = np.random.default_rng(0)
    image, weights = rng.normal(size=shape), rng.normal(size=(3, 3))
    np.testing.assert_allclose(
        kernel._correlate(image, weights, stride, padding),
        torch_conv(image, weights, stride, padding),
        rtol=1e-10,
        atol=1e-12,
    )
    y_ = rng.normal(size=(7, 9))
    want = F.max_pool2d(torch.from_numpy(y_)[None, None], 2)[0, 0].numpy()
    np.testing.assert_array_equal(kernel._max_pool(y_), want)


@pytest.fixture
def kernels():
    return explorers.kernel_explorer(vision.letter_o(), kernel="diagonal /")


def test_changing_the_kernel_controls_changes_the_feature_map(kernels):
    c = kernels.controls
    assert list(c["kernel"].options) == list(vision.KERNELS)
    np.testing.assert_array_equal(
        kernels.feature_map, torch_conv(vision.letter_o(), vision.KERNELS["diagonal /"], 1, 0)
    )
    c["padding"].value = 1
    assert kernels.feature_map.shape == (6, 6)
    c["stride"].value = 2
    assert kernels.feature_map.shape == (3, 3) and "stride 2, padding 1" in kernels.readout
    c["kernel"].value = "blur"
    want = torch_conv(vision.letter_o(), vision.KERNELS["blur"], 2, 1)
    np.testing.assert_allclose(kernels.feature_map, want, atol=1e-12)
    c["kernel"].value = "vertical edge"
    c["relu"].value = True
    assert kernels.feature_map.min() == 0 and "ReLU" in kernels.readout
    c["pool"].value = True
    assert kernels.feature_map.shape == (1, 1) and "max pool" in kernels.readout


def test_kernel_update_sets_every_control_and_draws_once(kernels, monkeypatch):
    draws = []
    draw = kernels.draw
    monkeypatch.setattr(kernels, "draw", lambda: draws.append(1) or draw())
    kernels.update(kernel="outline", stride=1, padding=2, relu=True, pool=True)
    assert draws == [1]
    want = np.maximum(torch_conv(vision.letter_o(), vision.KERNELS["outline"], 1, 2), 0)
    np.testing.assert_array_equal(kernels.feature_map, kernel._max_pool(want))
    kernels.update(stride=5)  # beyond the slider: the slider widens
    assert kernels.controls["stride"].value == 5 and kernels.controls["stride"].max >= 5
    kernels.feature_map[:] = 99  # a copy: the widget's own map is safe
    assert kernels.feature_map.max() < 99


def test_a_digit_sized_image_and_custom_kernels():
    image = np.random.default_rng(0).random((28, 28))
    pair = {"left": np.array([[1.0, -1.0]]), "right": np.array([[-1.0, 1.0]])}
    explorer = explorers.kernel_explorer(image, kernel="right", kernels=pair)
    np.testing.assert_allclose(explorer.feature_map, image[:, 1:] - image[:, :-1])
    explorer.update(kernel="left", stride=2)
    assert explorer.feature_map.shape == (14, 14)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: explorers.kernel_explorer(np.ones(5)), ValueError, "image must be"),
        (lambda: explorers.kernel_explorer(np.ones((5, 5)), "nope"), ValueError, "one of"),
        (lambda: explorers.kernel_explorer(np.ones((5, 5)), kernels={}), TypeError, "kernels"),
        (
            lambda: explorers.kernel_explorer(
                np.ones((5, 5)), "a", kernels={"a": np.ones((3, 3)), "b": np.ones((2, 2))}
            ),
            ValueError,
            "one shape",
        ),
        (lambda: explorers.kernel_explorer(np.ones((5, 5)), stride=0), ValueError, "stride"),
        (lambda: explorers.kernel_explorer(np.ones((5, 5)), stride=1.5), TypeError, "stride"),
        (lambda: explorers.kernel_explorer(np.ones((5, 5)), padding=-1), ValueError, "padding"),
        (lambda: explorers.kernel_explorer(np.ones((2, 2))), ValueError, "smaller than the"),
    ],
)
def test_the_kernel_explorer_explains_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_failed_kernel_update_leaves_the_widget_as_it_was(kernels):
    before = kernels.feature_map
    with pytest.raises(ValueError, match="kernel must be one of"):
        kernels.update(kernel="nope", stride=2)
    with pytest.raises(ValueError, match="padding"):
        kernels.update(padding=-2)
    assert kernels.controls["stride"].value == 1
    np.testing.assert_array_equal(kernels.feature_map, before)


# --- lesson 06: vanishing and exploding gradients ----------------------------------------------


@pytest.fixture
def gradients():
    return explorers.gradient_explorer(w2=2.0, n=4)


@pytest.mark.parametrize(
    ("w2", "n", "factor", "verdict"),
    [(2.0, 4, 16.0, "exploding"), (0.5, 4, 0.0625, "vanishing"), (1.0, 50, 1.0, "steady"),
     (-2.0, 3, -8.0, "steady"), (-2.0, 4, 16.0, "exploding"), (0.0, 1, 0.0, "vanishing")],
)  # fmt: skip
def test_update_gives_w2_to_the_n_and_its_verdict(gradients, w2, n, factor, verdict):
    gradients.update(w2, n)
    assert gradients.factor == pytest.approx(factor) and gradients.verdict == verdict
    assert f"<b>{verdict}</b>" in gradients.readout and verdict in gradients._image.tooltip
    np.testing.assert_allclose(
        gradients._curve.get_ydata(), np.clip(abs(w2) ** np.arange(n + 1), 1e-9, 1e9)
    )


def test_the_end_marker_says_the_verdict_by_its_shape_too(gradients):
    shapes = {}
    for w2, verdict in ((2.0, "exploding"), (0.5, "vanishing"), (1.0, "steady")):
        gradients.update(w2, 4)
        shapes[verdict] = gradients._end.get_marker()
    assert len(set(shapes.values())) == 3


def test_update_widens_the_w2_slider_and_rejects_bad_values(gradients):
    gradients.update(5.0, 2)
    assert gradients.controls["w2"].value == 5.0 and gradients.factor == 25.0
    with pytest.raises(ValueError, match="n must be"):
        gradients.update(2.0, 0)
    with pytest.raises(ValueError, match="<= 50"):
        gradients.update(2.0, 51)
    with pytest.raises(TypeError, match="w2"):
        gradients.update("2", 3)
    with pytest.raises(ValueError, match="n must be"):
        explorers.gradient_explorer(n=60, max_unrolls=50)


# --- lesson 07: the digits ----------------------------------------------------------------------


def test_the_digit_explorer_walks_all_digits_or_the_mistakes():
    images, labels, probs = digits_data(30)
    explorer = explorers.digit_explorer(images, labels, probs)
    first = explorer.png
    explorer.controls["digit"].value = 5  # as a student moving the slider
    assert explorer.index == 5 and explorer.png != first and "digit #5" in explorer.readout
    explorer.controls["mistakes_only"].value = True
    assert explorer.index == explorer.mistakes[0]
    assert explorer.controls["digit"].max == len(explorer.mistakes) - 1
    explorer.update(1)
    assert explorer.index == explorer.mistakes[1]
    explorer.update(2, mistakes_only=False)
    assert explorer.index == 2
    with pytest.raises(ValueError, match="position"):
        explorer.update(30)
    with pytest.raises(ValueError, match="probabilities must be"):
        explorers.digit_explorer(images, labels, probs[:, :9])


def test_right_and_wrong_are_shown_by_a_sign_and_a_hatch_not_by_colour_alone():
    images, labels, probs = digits_data(30)
    explorer = explorers.digit_explorer(images, labels, probs)
    wrong, right = explorer.mistakes[0], np.flatnonzero(explorer.predicted == labels)[0]
    for i, sign, verdict in ((wrong, digit.WRONG, "wrong"), (right, digit.RIGHT, "right")):
        explorer.update(int(i))
        said, true = explorer.predicted[i], labels[i]
        assert explorer.verdict == verdict
        marks = [mark.get_text() for mark in explorer._marks]
        assert marks[said] == sign  # the sign over the net's answer ...
        assert marks.count(digit.TRUE) == (said != true) and marks[true] in (sign, digit.TRUE)
        assert marks.count("") == 8 + (said == true)  # ... and "true" over a missed truth
        hatched = [d for d, bar in enumerate(explorer._bars) if bar.get_hatch()]
        assert hatched == [true]  # the true digit's bar is hatched
        assert f"{sign} {verdict}" in explorer._title.get_text()
        assert f"{sign} {verdict}" in explorer.readout and verdict in explorer._image.tooltip


def test_the_digit_explorer_with_no_mistakes():
    images, _, probs = digits_data(5)
    explorer = explorers.digit_explorer(images, probs.argmax(1), probs)
    explorer.update(0, mistakes_only=True)
    assert explorer.index is None and explorer.verdict is None
    assert explorer.readout.startswith("no mistakes to show")


# --- projector mode -----------------------------------------------------------------------------


def test_projector_mode_draws_bigger_with_bigger_text_and_controls(each):
    name, normal = each
    style.projector_mode(True)
    big = MAKE[name]()
    assert encode.png_size(big.png)[0] > encode.png_size(normal.png)[0]
    assert "nnw-projector" in big.widget._dom_classes
    assert big.font >= 18
    assert big.widget.children[-1].layout.width == f"{base.CONTROLS_WIDTH[True]}px"


def test_the_digit_explorer_shows_pixels_scaled_to_0_1_as_well_as_0_255():
    images, labels, probs = digits_data(5)
    for scale, top in ((1, 255), (1 / 255, 1)):
        explorer = explorers.digit_explorer(images * scale, labels, probs)
        assert explorer._shown.get_clim() == (0, top)
