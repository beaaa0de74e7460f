"""Lesson 05: pick a kernel, a stride and a padding; see the input, the kernel and the feature map."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..arguments import array, integer
from ..checks.failure import describe
from ..style import PALETTE
from ..vision import KERNELS
from .base import Explorer, pixel_image


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


def _kernels(kernels: object) -> dict[str, np.ndarray]:
    """The kernels as 2-D float arrays of one shape, or a clear error."""
    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError(
            f"kernels must be a non-empty dict name -> 2-D array, got {describe(kernels)}"
        )
    arrays = {
        str(name): array(k, f"kernels[{name!r}]", ("height", "width"))
        for name, k in kernels.items()
    }
    shapes = {k.shape for k in arrays.values()}
    if len(shapes) != 1:
        raise ValueError(f"kernels must all have one shape, got {sorted(shapes)}")
    return arrays


class KernelExplorer(Explorer):
    """Pick a kernel, a stride and a padding; see the input, the kernel and the feature map."""

    FIGSIZE = (7.8, 3.0)
    PROJECTOR_FIGSIZE = (11.6, 4.4)
    PICTURE = "nnw-photo"  # pixels are data: never inverted in a dark theme

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

        super().__init__()
        self.image = array(image, "image", ("height", "width"))
        self.kernels = _kernels(KERNELS if kernels is None else kernels)
        if kernel not in self.kernels:
            raise ValueError(f"kernel must be one of {list(self.kernels)}, got {kernel!r}")
        self._kernel = self.dropdown(
            "kernel", "kernel", "the 3x3 kernel slid over the image", list(self.kernels), kernel
        )
        self._stride = self.slider(
            "stride", "stride", "stride: how far the kernel moves between positions",
            kind=widgets.IntSlider, value=1, min=1, max=3, step=1,
        )  # fmt: skip
        self._padding = self.slider(
            "padding", "padding", "padding: rings of zeros around the image",
            kind=widgets.IntSlider, value=0, min=0, max=2, step=1,
        )  # fmt: skip
        self._relu = self.checkbox("relu", "ReLU", "apply ReLU to the feature map", False)
        self._pool = self.checkbox("pool", "2x2 max pool", "max-pool the feature map 2x2", False)
        self._build_figure()
        row = widgets.HBox([self._relu, self._pool], layout=widgets.Layout(flex_flow="row wrap"))
        self.update(kernel, stride, padding, relu, pool)  # quiet: assemble() draws first
        # The output and the kernel's positions change at every move; the padded input and the
        # kernel only with the padding or the kernel's choice (then the backdrop is redrawn).
        ax_in, ax_k, ax_out = self.figure.axes
        self.assemble(
            [self._kernel, self._stride, self._padding, row],
            [*self._windows, ax_out],
            [ax_in, ax_k],
        )

    def _build_figure(self) -> None:
        """The three panels and their artists; later only the artists' data change."""
        from matplotlib.patches import Rectangle

        ax_in, ax_k, ax_out = self.figure.subplots(1, 3, width_ratios=[1, 0.6, 1])
        for ax in (ax_in, ax_k, ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
        h, w = self.image.shape
        self._padding_drawn = None  # the padding the input panel shows
        self._input = pixel_image(
            ax_in,
            (h, w),
            cmap="Greys",
            vmin=min(self.image.min(), 0),
            vmax=max(self.image.max(), 1e-12),
        )
        line = 3.5 if self.big else 2.0
        self._windows = [  # the kernel's first position (solid) and its next one (dashed)
            ax_in.add_patch(
                Rectangle(
                    (0, 0), 1, 1, fill=False, linewidth=line, linestyle=style, edgecolor=color
                )
            )
            for color, style in ((PALETTE["orange"], "-"), (PALETTE["sky_blue"], "--"))
        ]
        self._frame = ax_in.add_patch(
            Rectangle(
                (-0.5, -0.5), w, h, fill=False, linewidth=line / 2, linestyle=":",
                edgecolor=PALETTE["vermillion"],
            )
        )  # fmt: skip
        kh, kw = next(iter(self.kernels.values())).shape
        self._kernel_image = pixel_image(ax_k, (kh, kw), cmap="PuOr_r", vmin=-1, vmax=1)
        self._kernel_text = [
            [ax_k.text(j, i, "", ha="center", va="center", fontsize=self.font) for j in range(kw)]
            for i in range(kh)
        ]
        self._output = pixel_image(ax_out, (1, 1), cmap="PuOr_r", vmin=-1, vmax=1)
        self._titles = [  # y given: no search for tick labels to clear at each draw (none here)
            ax.set_title(" ", fontsize=self.font, y=1.0) for ax in (ax_in, ax_k, ax_out)
        ]
        self.figure.subplots_adjust(left=0.02, right=0.98, bottom=0.03, top=0.88, wspace=0.12)

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
        kh, kw = next(iter(self.kernels.values())).shape
        p = values.get(self._padding, self._padding.value)
        if min(self.image.shape) + 2 * p < max(kh, kw):
            raise ValueError(
                f"padding {p} leaves the image {self.image.shape} smaller than the kernel"
            )
        with self.quiet():
            if kernel is not None:
                self._kernel.value = kernel
            for control, value in values.items():
                control.max = max(control.max, value)
                control.value = value
            if relu is not None:
                self._relu.value = bool(relu)
            if pool is not None:
                self._pool.value = bool(pool)

    def _feature(self) -> tuple[np.ndarray, list[str]]:
        """The feature map the controls ask for, and the steps that made it, in words."""
        kernel = self.kernels[self._kernel.value]
        feature = _correlate(self.image, kernel, self._stride.value, self._padding.value)
        steps = [f"{feature.shape[0]} x {feature.shape[1]} feature map"]
        if self._relu.value:
            feature = np.maximum(feature, 0.0)
            steps.append("ReLU")
        if self._pool.value:
            feature = _max_pool(feature, 2)
            steps.append(f"2x2 max pool → {feature.shape[0]} x {feature.shape[1]}")
        return feature, steps

    def draw(self) -> None:
        """Recompute the feature map and move the artists to it."""
        kernel = self.kernels[self._kernel.value]
        stride, padding = self._stride.value, self._padding.value
        self._feature_map, steps = self._feature()
        self._draw_input(kernel.shape, stride, padding)
        self._draw_kernel(kernel)
        self._draw_output(self._feature_map)
        low, high = self._feature_map.min(), self._feature_map.max()
        self._readout.value = (
            f"stride {stride}, padding {padding}: {', then '.join(steps)};"
            f" values from {low:.2f} to {high:.2f}"
        )

    def _draw_input(self, shape: tuple[int, int], stride: int, padding: int) -> None:
        """The input with its zero padding, and the kernel's first two positions on it."""
        h, w = (side + 2 * padding for side in self.image.shape)
        if padding != self._padding_drawn:
            self._draw_padding(padding)
        kh, kw = shape
        # the next position is one stride to the right, else one stride down, else there is none
        after = (stride, 0) if stride + kw <= w else (0, stride) if stride + kh <= h else None
        self._windows[1].set_visible(after is not None)
        for window, (x, y) in zip(self._windows, [(0, 0), after or (0, 0)], strict=True):
            window.set_bounds(x - 0.5, y - 0.5, kw, kh)

    def _draw_padding(self, padding: int) -> None:
        """The input with `padding` rings of zeros, framed, and its title (part of the backdrop)."""
        padded = np.pad(self.image, padding)
        h, w = padded.shape
        self._padding_drawn = padding
        self._input.set_data(padded)
        self._input.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
        self._input.axes.set(xlim=(-0.5, w - 0.5), ylim=(h - 0.5, -0.5))
        self._frame.set_xy((padding - 0.5, padding - 0.5))
        self._frame.set_visible(padding > 0)
        padded_text = f", padded to {h} x {w}" if padding else ""
        self._titles[0].set_text(
            f"input {self.image.shape[0]} x {self.image.shape[1]}{padded_text}"
        )
        if hasattr(self, "_blitter"):  # not before the first drawing
            self._blitter.invalidate()

    def _draw_kernel(self, kernel: np.ndarray) -> None:
        """The kernel's weights as colours and numbers (redrawn only when the kernel changes)."""
        if self._titles[1].get_text() == f"kernel: {self._kernel.value}":
            return
        limit = max(np.abs(kernel).max(), 1e-12)
        self._kernel_image.set_data(kernel)
        self._kernel_image.set_clim(-limit, limit)
        for (i, j), value in np.ndenumerate(kernel):
            text = f"{value:g}" if abs(value - round(value)) < 1e-9 else f"{value:.2f}"
            self._kernel_text[i][j].set_text(text)
            self._kernel_text[i][j].set_color("white" if abs(value) > 0.6 * limit else "black")
        self._titles[1].set_text(f"kernel: {self._kernel.value}")
        if hasattr(self, "_blitter"):  # not before the first drawing
            self._blitter.invalidate()

    def _draw_output(self, feature: np.ndarray) -> None:
        """The feature map, coloured from purple (negative) through white (0) to orange."""
        fh, fw = feature.shape
        limit = max(np.abs(feature).max(), 1e-12)
        self._output.set_data(feature)
        self._output.set_extent((-0.5, fw - 0.5, fh - 0.5, -0.5))
        self._output.set_clim(-limit, limit)
        self._output.axes.set(xlim=(-0.5, fw - 0.5), ylim=(fh - 0.5, -0.5))
        self._titles[2].set_text(f"output {fh} x {fw}")

    def describe(self) -> str:
        """The picture in words: input, kernel and output sizes and the output's range."""
        fh, fw = self._feature_map.shape
        return (
            f"Left: the input image ({self._titles[0].get_text()}) with the kernel's first"
            f" position framed; middle: the kernel '{self._kernel.value}' with its weights;"
            f" right: the {fh} x {fw} output, values from {self._feature_map.min():.2f}"
            f" (purple) to {self._feature_map.max():.2f} (orange)."
        )

    @property
    def feature_map(self) -> np.ndarray:
        """The output shown now (after ReLU and pooling when they are ticked), a copy."""
        return self._feature_map.copy()


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
