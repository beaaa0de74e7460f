"""utils.vision: the letter O, kernels and the small-image figures."""

import matplotlib
import numpy as np
import pytest
import torch

from utils import style, vision
from utils.layout import layout_problems

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures_and_reset_style():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
    style.use_course_style(projector=False)


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


@pytest.mark.parametrize("projector", [False, True])
def test_figures_fit_the_notebook_and_pass_the_layout_lint(projector):
    style.use_course_style(projector=projector)
    rng = np.random.default_rng(0)
    o = vision.letter_o()
    for fig in (
        vision.plot_shift_overlap(o, np.roll(o, 1, axis=1)),
        vision.plot_filters(rng.normal(size=(16, 1, 3, 3)), suptitle="kernels"),
        vision.plot_feature_maps(rng.random((16, 28, 28)), image=rng.random((28, 28)), ncols=9),
        vision.plot_image_grid(rng.random((20, 5, 5)), ncols=20),  # one long row, squeezed in
    ):
        assert fig.get_figwidth() <= style.content_width()
        assert layout_problems(fig) == []


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
