"""Figures for lesson 05 (convolutional networks); matplotlib is imported when used.

- `letter_o()`: the 6x6 letter "O" of the lecture; `KERNELS`: a few classic 3x3 kernels.
- `plot_pixels`, `plot_shift_overlap`: small images drawn as grids of numbered pixels.
- `plot_image_grid`, `plot_filters`, `plot_feature_maps`: many small images side by side.
- the widget, `utils.explorers.kernel_explorer(image)`, lives in utils/explorers/kernel.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .arguments import array, integer
from .checks.failure import describe, to_numpy
from .style import PALETTE, content_width, is_projector

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_O = """
0 0 1 1 0 0
0 1 0 0 1 0
1 0 0 0 0 1
1 0 0 0 0 1
0 1 0 0 1 0
0 0 1 1 0 0
"""

KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    "vertical edge": np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
    "horizontal edge": np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "outline": np.array([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0], [-1.0, -1.0, -1.0]]),
    "diagonal /": np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
    "diagonal \\": np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
}
"""Classic 3x3 kernels by name (float64); the two diagonals find the corners of the "O"."""


def letter_o() -> np.ndarray:
    """The lecture's 6x6 letter "O": an int64 array of 0s (dark) and 1s (lit pixels)."""
    return np.array([row.split() for row in _O.split("\n") if row], dtype=np.int64)


def as_image(image: object, name: str = "image") -> np.ndarray:
    """image (a 2-D array or tensor of numbers) as float64, or a clear ValueError/TypeError."""
    return array(image, name, ("height", "width"))


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """ax itself, or a new pyplot axes of the given size."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def _font(small: float = 10.0) -> float:
    """A font size: `small` normally, at least 18 pt in projector mode."""
    return max(18.0, 1.8 * small) if is_projector() else small


def plot_pixels(
    image: object,
    ax: Axes | None = None,
    title: str | None = None,
    numbers: bool = True,
    cmap: str = "Greys",
    highlight: object = None,
    symmetric: bool = False,
) -> Axes:
    """Draw a small 2-D image as a grid of squares, each labelled with its value.

    highlight: an optional boolean array of the image's shape; those pixels get an orange frame.
    symmetric: centre the colours on 0 (for kernels and feature maps with a diverging cmap).
    """
    from matplotlib.patches import Rectangle

    values = as_image(image)
    h, w = values.shape
    size = 0.55 if is_projector() else 0.4
    ax = _axes(ax, (max(2.5, size * w + 0.8), max(2.5, size * h + 0.8)))
    low, high = min(values.min(), 0.0), max(values.max(), 1e-12)
    if symmetric:
        high = max(np.abs(values).max(), 1e-12)
        low = -high
    ax.imshow(values, cmap=cmap, vmin=low, vmax=high)
    if numbers and h * w <= 400:
        for (i, j), value in np.ndenumerate(values):
            dark = (value - low) / (high - low) > 0.5
            text = f"{value:g}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=_font(9),
                color="white" if dark else "black",
            )
    if highlight is not None:
        mask = np.asarray(to_numpy(highlight), dtype=bool)
        if mask.shape != values.shape:
            raise ValueError(
                f"highlight must have the image's shape {values.shape}, got {mask.shape}"
            )
        width = 3.5 if is_projector() else 2.5
        for i, j in zip(*np.nonzero(mask), strict=True):
            frame = Rectangle(
                (j - 0.45, i - 0.45),
                0.9,
                0.9,
                fill=False,
                linewidth=width,
                edgecolor=PALETTE["orange"],
            )
            ax.add_patch(frame)
    ax.set_xticks(np.arange(w))
    ax.set_yticks(np.arange(h))
    ax.set_xticks(np.arange(w + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(h + 1) - 0.5, minor=True)
    ax.grid(which="minor", color=PALETTE["sky_blue"], linewidth=0.6)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="both", length=0, labelsize=_font(8))
    if title:
        ax.set_title(title, fontsize=_font(11))
    return ax


def plot_shift_overlap(
    image: object, shifted: object, titles: Sequence[str] | None = None
) -> Figure:
    """Three panels: an image, its shifted copy, and the pixels lit in both (framed in orange)."""
    import matplotlib.pyplot as plt

    a, b = as_image(image), as_image(shifted, "shifted")
    if a.shape != b.shape:
        raise ValueError(f"image {a.shape} and shifted {b.shape} must have the same shape")
    titles = list(titles) if titles is not None else ["the letter", "shifted", "lit in both"]
    if len(titles) != 3:
        raise ValueError(f"titles must hold 3 strings, got {len(titles)}")
    width = 13 if is_projector() else 8
    fig, axes = plt.subplots(1, 3, figsize=(width, width / 3 + 0.4), layout="constrained")
    both = (a > 0) & (b > 0)
    plot_pixels(a, axes[0], titles[0])
    plot_pixels(b, axes[1], titles[1])
    plot_pixels(both.astype(np.int64), axes[2], titles[2], highlight=both)
    return fig


def plot_image_grid(
    images: object,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "Greys",
    symmetric: bool = False,
    suptitle: str | None = None,
) -> Figure:
    """Many small images (n, height, width) side by side; symmetric=True centres colours on 0."""
    import matplotlib.pyplot as plt

    stack = array(images, "images", ("n", "height", "width"))
    n = len(stack)
    ncols = integer(ncols, "ncols", at_least=1)
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must hold one string per image ({n}), got {len(titles)}")
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    cell = min(2.2 if is_projector() else 1.35, (content_width() - 0.2) / cols)  # fits the page
    fig, axes = plt.subplots(
        rows, cols, figsize=(cell * cols, cell * rows + 0.5), squeeze=False, layout="constrained"
    )
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        ax.spines[:].set(visible=True, color="0.75", linewidth=0.8)  # a thin frame all round
        if k >= n:
            ax.set_visible(False)
            continue
        image = stack[k]
        if symmetric:
            limit = max(np.abs(image).max(), 1e-12)
            ax.imshow(image, cmap=cmap, vmin=-limit, vmax=limit)
        else:
            ax.imshow(image, cmap=cmap)
        if titles is not None:
            ax.set_title(titles[k], fontsize=_font(9))
    if suptitle:
        fig.suptitle(suptitle, fontsize=_font(12))
    return fig


def plot_filters(weights: object, channel: int = 0, suptitle: str | None = None) -> Figure:
    """A conv layer's kernels, weights (out, in, kh, kw) or (out, kh, kw): purple < 0 < orange."""
    array = np.asarray(to_numpy(weights))
    if array.ndim == 4:
        channel = integer(channel, "channel", at_least=0, at_most=array.shape[1] - 1)
        array = array[:, channel]
    if array.ndim != 3:
        raise ValueError(
            f"weights must have shape (out, in, kh, kw) or (out, kh, kw), got {describe(array)}"
        )
    titles = [f"filter {k}" for k in range(len(array))]
    return plot_image_grid(array, titles, cmap="PuOr_r", symmetric=True, suptitle=suptitle)


def plot_feature_maps(
    maps: object, image: object = None, suptitle: str | None = None, ncols: int = 8
) -> Figure:
    """Feature maps (channels, height, width) of one input, with the input image first if given."""
    stack = array(maps, "maps", ("n", "height", "width"))
    titles = [f"map {k}" for k in range(len(stack))]
    if image is not None:
        picture = as_image(image)
        if picture.shape != stack.shape[1:]:  # different sizes: scale the input to the maps'
            rows = np.linspace(0, picture.shape[0] - 1, stack.shape[1]).round().astype(int)
            cols = np.linspace(0, picture.shape[1] - 1, stack.shape[2]).round().astype(int)
            picture = picture[np.ix_(rows, cols)]
        stack = np.concatenate([picture[None], stack])
        titles = ["input", *titles]
    return plot_image_grid(stack, titles, ncols=ncols, cmap="magma", suptitle=suptitle)
