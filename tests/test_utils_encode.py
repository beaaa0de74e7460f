"""utils.encode, the package's one PNG encoder: what it writes decodes to the same pixels."""

import io

import numpy as np
import pytest
from PIL import Image

from utils import encode


def decoded(data: bytes) -> np.ndarray:
    """The pixels of PNG bytes, decoded by Pillow (an independent decoder)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if image.mode == "P":
            image = image.convert("RGB")
        return np.asarray(image)


@pytest.mark.parametrize("shape", [(7, 5), (7, 5, 3), (7, 5, 4), (1, 1, 3)])
def test_png_decodes_to_the_same_pixels(shape):
    pixels = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    data = encode.png(pixels)
    assert np.array_equal(decoded(data), pixels)
    assert encode.png_size(data) == (shape[1], shape[0])


def test_png_of_a_strided_view_writes_the_viewed_pixels():
    rgba = np.random.default_rng(2).integers(0, 256, (6, 5, 4), dtype=np.uint8)
    rgb = rgba[..., :3]  # as canvas_png passes an Agg canvas: not contiguous
    assert not rgb.flags.c_contiguous
    assert np.array_equal(decoded(encode.png(rgb)), rgb)
    assert np.array_equal(decoded(encode.png(rgba[::2, ::2, 0])), rgba[::2, ::2, 0])


def test_png_indexed_decodes_to_the_palette_colors():
    rng = np.random.default_rng(1)
    palette = rng.integers(0, 256, (4, 3), dtype=np.uint8)
    indices = rng.integers(0, 4, (6, 9), dtype=np.uint8)
    data = encode.png_indexed(indices, palette)
    assert np.array_equal(decoded(data), palette[indices])
    assert encode.png_size(data) == (9, 6)


@pytest.mark.parametrize(
    ("pixels", "error", "match"),
    [
        (np.zeros((3, 3), dtype=np.float64), TypeError, "must be uint8, got float64"),
        (np.zeros((3, 3, 2), dtype=np.uint8), ValueError, r"got \(3, 3, 2\)"),
        (np.zeros((0, 3, 3), dtype=np.uint8), ValueError, r"got \(0, 3, 3\)"),
        (np.zeros(4, dtype=np.uint8), ValueError, r"got \(4,\)"),
    ],
)
def test_png_says_what_pixels_it_takes(pixels, error, match):
    with pytest.raises(error, match=match):
        encode.png(pixels)


def test_png_indexed_refuses_a_palette_it_cannot_write():
    with pytest.raises(ValueError, match=r"palette must be \(k, 3\)"):
        encode.png_indexed(np.zeros((2, 2), dtype=np.uint8), np.zeros((300, 3)))
    with pytest.raises(ValueError, match="indices must be a uint8"):
        encode.png_indexed(np.zeros((2, 2), dtype=np.int64), np.zeros((2, 3)))


def test_figure_png_is_the_figure_at_its_size_and_dpi(fresh_pyplot):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2), dpi=50)
    figure.add_subplot().plot([0, 1], [1, 0])
    data = encode.figure_png(figure)
    assert encode.png_size(data) == (150, 100)
    pixels = decoded(data)
    assert pixels.shape == (100, 150, 3)
    assert (pixels < 128).any() and (pixels > 200).any()  # ink on paper
    assert encode.canvas_png(figure) == data  # what the canvas holds, without a new draw


def test_png_size_refuses_what_is_not_png():
    with pytest.raises(ValueError, match="not PNG"):
        encode.png_size(b"GIF89a" + bytes(30))
