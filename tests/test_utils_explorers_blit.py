"""utils.explorers: what a key press redraws stays true to a full drawing when the backdrop moves."""

import io

import numpy as np
import pytest
from PIL import Image

from utils import encode, explorers, style, vision

pytestmark = pytest.mark.usefixtures("fresh_pyplot")


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def full_drawing(explorer):
    """The explorer's figure drawn whole, nothing left to the blitter."""
    artists = explorer._blitter.moving + explorer._blitter.backdrop
    for artist in artists:
        artist.set_animated(False)
    try:
        return pixels(encode.figure_png(explorer.figure))
    finally:
        for artist in artists:
            artist.set_animated(True)


@pytest.mark.parametrize("course_style", [False, True])
def test_the_kernel_explorers_input_is_redrawn_when_the_padding_changes(course_style):
    if course_style:
        style.use_course_style()
    explorer = explorers.kernel_explorer(vision.letter_o())
    for change in (
        {"padding": 1},
        {"stride": 2},
        {"padding": 2},
        {"kernel": "blur"},
        {"padding": 0},
    ):
        before = explorer.png
        explorer.update(**change)
        assert explorer.png != before, change
        different = np.any(pixels(explorer.png) != full_drawing(explorer), axis=-1)
        assert different.mean() < 0.003, (change, int(different.sum()))
