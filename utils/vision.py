"""Figures and a widget for lesson 05 (convolutional networks); matplotlib is imported when used.

- `letter_o()`: the 6x6 letter "O" of the lecture; `KERNELS`: a few classic 3x3 kernels.
- `plot_pixels`, `plot_shift_overlap`: small images drawn as grids of numbered pixels.
- `plot_image_grid`, `plot_filters`, `plot_feature_maps`: many small images side by side.
- `kernel_explorer(image)`: pick a kernel, a stride and a padding and see the feature map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._explorer import Explorer, figure_png
from .arguments import integer
from .checks.failure import describe, to_numpy
from .style import PALETTE, is_projector

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


def _image(image: object, name: str = "image") -> np.ndarray:
    """image (a 2-D array or tensor of numbers) as float64, or a clear ValueError/TypeError."""
    array = np.asarray(to_numpy(image))
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of numbers, got {describe(array)}")
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (height, width), got {describe(array)}"
        )
    return array.astype(np.float64)


def _stack(images: object, name: str) -> np.ndarray:
    """images as a float64 array of shape (n, height, width), or a clear ValueError/TypeError."""
    if isinstance(images, (list, tuple)):
        images = [np.asarray(to_numpy(image)) for image in images]
        if len({image.shape for image in images}) > 1:
            raise ValueError(f"{name} must all have one shape, got {[i.shape for i in images]}")
    array = np.asarray(to_numpy(images))
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got {describe(array)}")
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(f"{name} must have shape (n, height, width), got {describe(array)}")
    return array.astype(np.float64)


def _correlate(image: np.ndarray, kernel: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """The cross-correlation of a 2-D image with a 2-D kernel (as torch's conv2d computes it)."""
    padded = np.pad(image, padding)
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _max_pool(image: np.ndarray, size: int = 2) -> np.ndarray:
    """Max pooling of a 2-D array over size x size blocks with stride size (leftovers dropped)."""
    h, w = image.shape[0] // size, image.shape[1] // size
    if h == 0 or w == 0:
        return image.max(keepdims=True)
    return image[: h * size, : w * size].reshape(h, size, w, size).max(axis=(1, 3))


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

    values = _image(image)
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

    a, b = _image(image), _image(shifted, "shifted")
    if a.shape != b.shape:
        raise ValueError(f"image {a.shape} and shifted {b.shape} must have the same shape")
    titles = list(titles) if titles is not None else ["the letter", "shifted", "lit in both"]
    if len(titles) != 3:
        raise ValueError(f"titles must hold 3 strings, got {len(titles)}")
    width = 15 if is_projector() else 10
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

    stack = _stack(images, "images")
    n = len(stack)
    ncols = integer(ncols, "ncols", at_least=1)
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must hold one string per image ({n}), got {len(titles)}")
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    cell = 2.2 if is_projector() else 1.35
    fig, axes = plt.subplots(
        rows, cols, figsize=(cell * cols, cell * rows + 0.5), squeeze=False, layout="constrained"
    )
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
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
    stack = _stack(maps, "maps")
    titles = [f"map {k}" for k in range(len(stack))]
    if image is not None:
        picture = _image(image)
        if picture.shape != stack.shape[1:]:  # different sizes: scale the input to the maps'
            rows = np.linspace(0, picture.shape[0] - 1, stack.shape[1]).round().astype(int)
            cols = np.linspace(0, picture.shape[1] - 1, stack.shape[2]).round().astype(int)
            picture = picture[np.ix_(rows, cols)]
        stack = np.concatenate([picture[None], stack])
        titles = ["input", *titles]
    return plot_image_grid(stack, titles, ncols=ncols, cmap="magma", suptitle=suptitle)


class KernelExplorer(Explorer):
    """Pick a kernel, a stride and a padding; see the input, the kernel and the feature map."""

    def __init__(
        self,
        image: object,
        kernel: str = "vertical edge",
        stride: int = 1,
        padding: int = 0,
        relu: bool = False,
        pool: bool = False,
        kernels: Mapping[str, object] | None = None,
    ):
        import ipywidgets as widgets

        self.image = _image(image)
        self.kernels = self._kernels(KERNELS if kernels is None else kernels)
        if kernel not in self.kernels:
            raise ValueError(f"kernel must be one of {list(self.kernels)}, got {kernel!r}")
        width = "560px" if is_projector() else "380px"
        style = {"description_width": "80px"}
        layout = widgets.Layout(width=width)
        self._kernel = widgets.Dropdown(
            options=list(self.kernels),
            value=kernel,
            description="kernel",
            style=style,
            layout=layout,
        )
        self._stride = widgets.IntSlider(
            value=1,
            min=1,
            max=3,
            description="stride",
            continuous_update=True,
            style=style,
            layout=layout,
        )
        self._padding = widgets.IntSlider(
            value=0,
            min=0,
            max=2,
            description="padding",
            continuous_update=True,
            style=style,
            layout=layout,
        )
        self._relu = widgets.Checkbox(value=False, description="ReLU", indent=False)
        self._pool = widgets.Checkbox(value=False, description="2x2 max pool", indent=False)
        self._label = widgets.Label()
        self._image = widgets.Image(format="png")
        controls = widgets.HBox(
            [
                widgets.VBox([self._kernel, self._stride, self._padding]),
                widgets.VBox([self._relu, self._pool]),
            ]
        )
        self.widget = widgets.VBox([controls, self._label, self._image])
        self._build_figure()
        self._quiet = True
        self.update(kernel, stride, padding, relu, pool)
        self._quiet = False
        for control in (self._kernel, self._stride, self._padding, self._relu, self._pool):
            control.observe(self._on_change, names="value")

    def _kernels(self, kernels: Mapping[str, object]) -> dict[str, np.ndarray]:
        """The kernels as 2-D float arrays of one shape, or a clear error."""
        if not isinstance(kernels, Mapping) or not kernels:
            raise TypeError(
                f"kernels must be a non-empty dict name -> 2-D array, got {describe(kernels)}"
            )
        arrays = {str(name): _image(k, f"kernels[{name!r}]") for name, k in kernels.items()}
        shapes = {k.shape for k in arrays.values()}
        if len(shapes) != 1:
            raise ValueError(f"kernels must all have one shape, got {sorted(shapes)}")
        (self._kernel_shape,) = shapes
        return arrays

    def _build_figure(self) -> None:
        """Create the one figure with its three panels; later only the artists' data change."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Rectangle

        big = is_projector()
        figure = Figure(figsize=(15, 5.6) if big else (10, 3.9), dpi=80)
        FigureCanvasAgg(figure)
        ax_in, ax_k, ax_out = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.6, 1]})
        for ax in (ax_in, ax_k, ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
        h, w = self.image.shape
        self._input = ax_in.imshow(
            np.zeros((h, w)),
            cmap="Greys",
            vmin=min(self.image.min(), 0),
            vmax=max(self.image.max(), 1e-12),
        )
        line = 3.5 if big else 2.0
        self._windows = [
            ax_in.add_patch(Rectangle((0, 0), 1, 1, fill=False, linewidth=line, edgecolor=colour))
            for colour in (PALETTE["orange"], PALETTE["sky_blue"])
        ]
        self._frame = ax_in.add_patch(
            Rectangle(
                (-0.5, -0.5),
                w,
                h,
                fill=False,
                linewidth=line / 2,
                linestyle="--",
                edgecolor=PALETTE["vermillion"],
            )
        )
        kh, kw = self._kernel_shape
        self._kernel_image = ax_k.imshow(np.zeros((kh, kw)), cmap="PuOr_r", vmin=-1, vmax=1)
        self._kernel_text = [
            [ax_k.text(j, i, "", ha="center", va="center", fontsize=_font(10)) for j in range(kw)]
            for i in range(kh)
        ]
        self._output = ax_out.imshow(np.zeros((1, 1)), cmap="PuOr_r", vmin=-1, vmax=1)
        self._titles = [ax.set_title(" ", fontsize=_font(11)) for ax in (ax_in, ax_k, ax_out)]
        figure.subplots_adjust(left=0.02, right=0.98, bottom=0.04, top=0.86, wspace=0.12)
        self._figure = figure

    def _on_change(self, change: dict) -> None:
        """Redraw when the student changes a control."""
        if not self._quiet:
            self._draw()

    def update(
        self,
        kernel: str | None = None,
        stride: int | None = None,
        padding: int | None = None,
        relu: bool | None = None,
        pool: bool | None = None,
    ) -> None:
        """Set any of the controls (None leaves one as it is) and redraw once."""
        if kernel is not None and kernel not in self.kernels:
            raise ValueError(f"kernel must be one of {list(self.kernels)}, got {kernel!r}")
        values = {}
        if stride is not None:
            values[self._stride] = integer(stride, "stride", at_least=1)
        if padding is not None:
            values[self._padding] = integer(padding, "padding", at_least=0)
        kh, kw = self._kernel_shape
        p = values.get(self._padding, self._padding.value)
        if min(self.image.shape) + 2 * p < max(kh, kw):
            raise ValueError(
                f"padding {p} leaves the image {self.image.shape} smaller than the kernel"
            )
        quiet, self._quiet = self._quiet, True
        try:
            if kernel is not None:
                self._kernel.value = kernel
            for control, value in values.items():
                control.max = max(control.max, value)
                control.value = value
            if relu is not None:
                self._relu.value = bool(relu)
            if pool is not None:
                self._pool.value = bool(pool)
        finally:
            self._quiet = quiet
        self._draw()

    def _draw(self) -> None:
        """Recompute the feature map, move the artists to it and re-encode the PNG."""
        kernel = self.kernels[self._kernel.value]
        stride, padding = self._stride.value, self._padding.value
        padded = np.pad(self.image, padding)
        feature = _correlate(self.image, kernel, stride, padding)
        steps = [f"{feature.shape[0]} x {feature.shape[1]} feature map"]
        if self._relu.value:
            feature = np.maximum(feature, 0.0)
            steps.append("ReLU")
        if self._pool.value:
            feature = _max_pool(feature, 2)
            steps.append(f"2x2 max pool -> {feature.shape[0]} x {feature.shape[1]}")
        self._feature = feature
        # the input with its zero padding, and the first two positions of the kernel
        h, w = padded.shape
        self._input.set_data(padded)
        self._input.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
        self._input.axes.set(xlim=(-0.5, w - 0.5), ylim=(h - 0.5, -0.5))
        self._frame.set_xy((padding - 0.5, padding - 0.5))
        self._frame.set_visible(padding > 0)
        kh, kw = kernel.shape
        # the next position is one stride to the right, else one stride down, else there is none
        after = (stride, 0) if stride + kw <= w else (0, stride) if stride + kh <= h else None
        self._windows[1].set_visible(after is not None)
        for window, (x, y) in zip(self._windows, [(0, 0), after or (0, 0)], strict=True):
            window.set_bounds(x - 0.5, y - 0.5, kw, kh)
        # the kernel with its numbers
        limit = max(np.abs(kernel).max(), 1e-12)
        self._kernel_image.set_data(kernel)
        self._kernel_image.set_clim(-limit, limit)
        for (i, j), value in np.ndenumerate(kernel):
            text = f"{value:g}" if abs(value - round(value)) < 1e-9 else f"{value:.2f}"
            self._kernel_text[i][j].set_text(text)
            self._kernel_text[i][j].set_color("white" if abs(value) > 0.6 * limit else "black")
        # the feature map, coloured from blue (negative) through white (0) to orange (positive)
        fh, fw = feature.shape
        limit = max(np.abs(feature).max(), 1e-12)
        self._output.set_data(feature)
        self._output.set_extent((-0.5, fw - 0.5, fh - 0.5, -0.5))
        self._output.set_clim(-limit, limit)
        self._output.axes.set(xlim=(-0.5, fw - 0.5), ylim=(fh - 0.5, -0.5))
        self._titles[0].set_text(
            f"input {self.image.shape[0]} x {self.image.shape[1]}"
            + (f", padded to {h} x {w}" if padding else "")
        )
        self._titles[1].set_text(f"kernel: {self._kernel.value}")
        self._titles[2].set_text(f"output {fh} x {fw}")
        self._label.value = (
            f"stride {stride}, padding {padding}: "
            + ", then ".join(steps)
            + f"; values from {feature.min():.2f} to {feature.max():.2f}"
        )
        self._image.value = figure_png(self._figure)

    @property
    def feature_map(self) -> np.ndarray:
        """The output shown now (after ReLU and pooling when they are ticked), a copy."""
        return self._feature.copy()


def kernel_explorer(
    image: object,
    kernel: str = "vertical edge",
    stride: int = 1,
    padding: int = 0,
    relu: bool = False,
    pool: bool = False,
    kernels: Mapping[str, object] | None = None,
) -> KernelExplorer:
    """A widget: choose a kernel (from KERNELS or your own dict), stride, padding, ReLU, pooling."""
    return KernelExplorer(image, kernel, stride, padding, relu, pool, kernels)
