"""utils.vision: the letter O, kernels, small-image figures and the kernel explorer widget."""

import ipywidgets
import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from utils import style, vision

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures_and_reset_style():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
    style.use_course_style(projector=False)


def png_size(png):
    """(width, height) in pixels, from the PNG header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def torch_conv(image, kernel, stride, padding):
    x = torch.from_numpy(np.asarray(image, dtype=np.float64))[None, None]
    w = torch.from_numpy(np.asarray(kernel, dtype=np.float64))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


# --- the letter and the kernels --------------------------------------------------------------


def test_letter_o_is_the_lectures_6x6_o():
    o = vision.letter_o()
    assert o.shape == (6, 6) and o.dtype == np.int64
    assert o.sum() == 12
    assert np.array_equal(o, o[::-1]) and np.array_equal(o, o[:, ::-1])  # symmetric
    assert o[0].tolist() == [0, 0, 1, 1, 0, 0] and o[2].tolist() == [1, 0, 0, 0, 0, 1]
    o[0, 0] = 7  # a fresh copy every call
    assert vision.letter_o()[0, 0] == 0


def test_kernels_are_3x3_floats():
    assert {"vertical edge", "horizontal edge", "blur", "sharpen"} <= set(vision.KERNELS)
    for name, kernel in vision.KERNELS.items():
        assert kernel.shape == (3, 3) and kernel.dtype == np.float64, name
    assert vision.KERNELS["blur"].sum() == pytest.approx(1.0)
    assert vision.KERNELS["sharpen"].sum() == pytest.approx(1.0)
    assert vision.KERNELS["vertical edge"].sum() == 0.0


@pytest.mark.parametrize(
    ("shape", "stride", "padding"), [((6, 6), 1, 0), ((9, 7), 2, 1), ((5, 8), 3, 2)]
)
def test_the_widgets_correlation_matches_torch(shape, stride, padding):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=shape), rng.normal(size=(3, 3))
    got = vision._correlate(image, kernel, stride, padding)
    np.testing.assert_allclose(
        got, torch_conv(image, kernel, stride, padding), rtol=1e-10, atol=1e-12
    )


def test_the_widgets_pooling_matches_torch():
    y = np.random.default_rng(1).normal(size=(7, 9))
    want = F.max_pool2d(torch.from_numpy(y)[None, None], 2)[0, 0].numpy()
    np.testing.assert_array_equal(vision._max_pool(y), want)


# --- figures ---------------------------------------------------------------------------------


def test_plot_pixels_writes_each_value_and_frames_highlights():
    import matplotlib.pyplot as plt

    o = vision.letter_o()
    _, ax = plt.subplots()
    assert vision.plot_pixels(o, ax, "O", highlight=o == 1) is ax
    assert sorted(t.get_text() for t in ax.texts) == ["0"] * 24 + ["1"] * 12
    assert len(ax.patches) == 12
    assert ax.get_title() == "O"


def test_plot_pixels_symmetric_centres_the_colours_on_zero():
    image = vision.plot_pixels(np.array([[-1.0, 3.0]]), symmetric=True).images[0]
    assert image.get_clim() == (-3.0, 3.0)


def test_plot_shift_overlap_shows_the_pixels_lit_in_both():
    o = vision.letter_o()
    shifted = np.zeros_like(o)
    shifted[:, 1:] = o[:, :-1]
    fig = vision.plot_shift_overlap(o, shifted)
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["the letter", "shifted", "lit in both"]
    both = fig.axes[2].images[0].get_array()
    assert both.sum() == np.sum(o & shifted) == 2
    assert len(fig.axes[2].patches) == 2


def test_plot_image_grid_filters_and_feature_maps():
    weights = torch.nn.Conv2d(1, 8, 3).weight  # a Parameter that tracks gradients
    fig = vision.plot_filters(weights, suptitle="kernels")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 8 and visible[0].get_title() == "filter 0"
    low, high = visible[0].images[0].get_clim()
    assert low == -high  # purple < 0 < orange
    maps = np.random.default_rng(0).random((5, 14, 14))
    fig = vision.plot_feature_maps(maps, image=np.ones((28, 28)), ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["input"] + [f"map {k}" for k in range(5)]
    assert visible[0].images[0].get_array().shape == (14, 14)  # the input scaled to the maps
    fig = vision.plot_image_grid([np.eye(3), np.ones((3, 3))], titles=["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


def test_figures_grow_in_projector_mode():
    o = vision.letter_o()
    normal = vision.plot_shift_overlap(o, o).get_size_inches()
    style.projector_mode(True)
    big = vision.plot_shift_overlap(o, o)
    assert big.get_size_inches()[0] > normal[0]
    assert min(t.get_fontsize() for ax in big.axes for t in ax.texts) >= 18
    assert vision.plot_filters(np.ones((2, 3, 3))).get_size_inches()[0] > 3


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: vision.plot_pixels(np.ones(3)), ValueError, "2-D"),
        (lambda: vision.plot_pixels(np.array([["a"]])), TypeError, "numbers"),
        (
            lambda: vision.plot_pixels(np.ones((2, 2)), highlight=np.ones(3)),
            ValueError,
            "highlight",
        ),
        (
            lambda: vision.plot_shift_overlap(np.ones((2, 2)), np.ones((3, 3))),
            ValueError,
            "same shape",
        ),
        (lambda: vision.plot_image_grid(np.ones((2, 2))), ValueError, "(n, height, width)"),
        (
            lambda: vision.plot_image_grid([np.ones((2, 2)), np.ones((3, 3))]),
            ValueError,
            "one shape",
        ),
        (lambda: vision.plot_image_grid(np.ones((2, 2, 2)), titles=["a"]), ValueError, "titles"),
        (lambda: vision.plot_image_grid(np.ones((2, 2, 2)), ncols=0), ValueError, "ncols"),
        (lambda: vision.plot_filters(np.ones((2, 3))), ValueError, "weights"),
        (lambda: vision.plot_filters(np.ones((2, 1, 3, 3)), channel=1), ValueError, "channel"),
    ],
)
def test_figures_reject_bad_input_with_clear_errors(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


# --- the kernel explorer ---------------------------------------------------------------------


@pytest.fixture
def explorer():
    return vision.kernel_explorer(vision.letter_o(), kernel="diagonal /")


def controls(explorer):
    (left, right), label, image = (
        explorer.widget.children[0].children,
        *explorer.widget.children[1:],
    )
    kernel, stride, padding = left.children
    relu, pool = right.children
    return kernel, stride, padding, relu, pool, label, image


def test_the_widget_has_its_controls_a_label_and_the_picture(explorer):
    kernel, stride, padding, relu, pool, label, image = controls(explorer)
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert isinstance(kernel, ipywidgets.Dropdown) and kernel.value == "diagonal /"
    assert list(kernel.options) == list(vision.KERNELS)
    assert (stride.value, padding.value, relu.value, pool.value) == (1, 0, False, False)
    assert stride.continuous_update and padding.continuous_update
    assert isinstance(image, ipywidgets.Image) and image.value == explorer.png
    assert png_size(explorer.png)[0] >= 600
    assert "4 x 4 feature map" in label.value
    np.testing.assert_array_equal(
        explorer.feature_map, torch_conv(vision.letter_o(), vision.KERNELS["diagonal /"], 1, 0)
    )


def test_changing_the_controls_changes_the_feature_map_and_picture(explorer):
    kernel, stride, padding, relu, pool, label, _ = controls(explorer)
    before = explorer.png
    padding.value = 1
    assert explorer.feature_map.shape == (6, 6) and explorer.png != before
    stride.value = 2
    assert explorer.feature_map.shape == (3, 3)
    assert "stride 2, padding 1" in label.value
    kernel.value = "blur"
    want = torch_conv(vision.letter_o(), vision.KERNELS["blur"], 2, 1)
    np.testing.assert_allclose(explorer.feature_map, want, atol=1e-12)
    kernel.value = "vertical edge"
    assert explorer.feature_map.min() < 0
    relu.value = True
    assert explorer.feature_map.min() == 0 and "ReLU" in label.value
    pool.value = True
    assert explorer.feature_map.shape == (1, 1) and "max pool" in label.value


def test_update_sets_the_controls_and_redraws_once(explorer, monkeypatch):
    draws = []
    draw = explorer._draw
    monkeypatch.setattr(explorer, "_draw", lambda: draws.append(1) or draw())
    explorer.update(kernel="outline", stride=1, padding=2, relu=True, pool=True)
    assert len(draws) == 1
    kernel, stride, padding, relu, pool, *_ = controls(explorer)
    assert (kernel.value, stride.value, padding.value, relu.value, pool.value) == (
        "outline",
        1,
        2,
        True,
        True,
    )
    want = np.maximum(torch_conv(vision.letter_o(), vision.KERNELS["outline"], 1, 2), 0)
    np.testing.assert_array_equal(explorer.feature_map, vision._max_pool(want))
    explorer.update(stride=5)  # beyond the slider: the slider widens
    assert stride.value == 5 and stride.max >= 5
    explorer.feature_map[:] = 99  # a copy: the widget's own map is safe
    assert explorer.feature_map.max() < 99


def test_controls_move_the_same_artists_on_the_same_figure(explorer):
    figure = explorer._figure
    axes = list(figure.axes)
    artists = [list(ax.get_children()) for ax in axes]
    explorer.update(kernel="sharpen", stride=2, padding=2, relu=True)
    assert explorer._figure is figure and figure.axes == axes
    assert [list(ax.get_children()) for ax in axes] == artists


def test_a_digit_sized_image_and_custom_kernels():
    image = np.random.default_rng(0).random((28, 28))
    kernels = {"left": np.array([[1.0, -1.0]]), "right": np.array([[-1.0, 1.0]])}
    widget = vision.kernel_explorer(image, kernel="right", kernels=kernels)
    assert widget.feature_map.shape == (28, 27)
    np.testing.assert_allclose(widget.feature_map, image[:, 1:] - image[:, :-1])
    widget.update(kernel="left", stride=2)
    assert widget.feature_map.shape == (14, 14)


def test_the_widget_displays_with_a_still_picture(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "image/png" in bundle
    shown = []
    import IPython.display

    original = IPython.display.display
    IPython.display.display = lambda *args, **kw: shown.append((args, kw))
    try:
        explorer._ipython_display_()
    finally:
        IPython.display.display = original
    assert shown and shown[0][1] == {"raw": True} and "image/png" in shown[0][0][0]


def test_projector_mode_makes_a_bigger_widget():
    normal = png_size(vision.kernel_explorer(vision.letter_o()).png)
    style.projector_mode(True)
    big = vision.kernel_explorer(vision.letter_o())
    assert png_size(big.png)[0] > normal[0]
    assert min(t.get_fontsize() for ax in big._figure.axes for t in ax.texts) >= 18
    assert big._stride.layout.width == "560px"


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: vision.kernel_explorer(np.ones(5)), ValueError, "2-D"),
        (
            lambda: vision.kernel_explorer(np.ones((5, 5)), kernel="nope"),
            ValueError,
            "kernel must be one of",
        ),
        (lambda: vision.kernel_explorer(np.ones((5, 5)), kernels={}), TypeError, "kernels"),
        (
            lambda: vision.kernel_explorer(
                np.ones((5, 5)), "a", kernels={"a": np.ones((3, 3)), "b": np.ones((2, 2))}
            ),
            ValueError,
            "one shape",
        ),
        (lambda: vision.kernel_explorer(np.ones((5, 5)), stride=0), ValueError, "stride"),
        (lambda: vision.kernel_explorer(np.ones((5, 5)), stride=1.5), TypeError, "stride"),
        (lambda: vision.kernel_explorer(np.ones((5, 5)), padding=-1), ValueError, "padding"),
        (lambda: vision.kernel_explorer(np.ones((2, 2))), ValueError, "smaller than the kernel"),
    ],
)
def test_the_widget_rejects_bad_input_with_clear_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_failed_update_leaves_the_widget_as_it_was(explorer):
    before = explorer.feature_map
    with pytest.raises(ValueError, match="kernel must be one of"):
        explorer.update(kernel="nope", stride=2)
    with pytest.raises(ValueError, match="padding"):
        explorer.update(padding=-2)
    assert controls(explorer)[1].value == 1
    np.testing.assert_array_equal(explorer.feature_map, before)
