"""Figures for lesson 07 (MNIST): digit grids, first-layer weights, a confusion matrix, mistakes.

matplotlib and ipywidgets are imported inside the functions. Images are (n, 28, 28) arrays (or
(n, 784) rows); labels and predictions are int arrays of n classes 0-9.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ._explorer import Explorer, figure_png
from .style import PALETTE, is_projector

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SIDE = 28


def _images(images: object, name: str = "images") -> np.ndarray:
    """images as a float array (n, 28, 28); (n, 784) rows and torch tensors accepted."""
    if hasattr(images, "detach"):
        images = images.detach().cpu().numpy()
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim == 2 and images.shape[1] == SIDE * SIDE:
        images = images.reshape(-1, SIDE, SIDE)
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE) or images.dtype.kind not in "uif":
        raise ValueError(
            f"{name} must be numbers of shape (n, 28, 28) or (n, 784), got {images.shape}"
            f" {images.dtype}"
        )
    return images.astype(np.float64)


def _labels(labels: object, n: int, name: str) -> np.ndarray:
    """labels as an int64 array of n classes 0-9."""
    if hasattr(labels, "detach"):
        labels = labels.detach().cpu().numpy()
    labels = np.asarray(labels)
    if labels.shape != (n,) or labels.dtype.kind not in "iu":
        raise ValueError(f"{name} must be {n} integer labels, got {labels.shape} {labels.dtype}")
    if n and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{name} must hold classes 0 to 9, got {labels.min()}..{labels.max()}")
    return labels.astype(np.int64)


def _grid(n: int, cols: int, scale: float = 1.0) -> tuple[Figure, np.ndarray]:
    """A pyplot figure with n small image panels in rows of `cols` (extra panels hidden)."""
    import matplotlib.pyplot as plt

    cols = max(1, min(cols, n))
    rows = max(1, math.ceil(n / cols))
    size = (1.6 if is_projector() else 0.95) * scale
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size * 1.2), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    return fig, axes.flat


def _font() -> float:
    """The font size of the small titles over digits."""
    return 18 if is_projector() else 9


def plot_digits(
    images: object, labels: object = None, predicted: object = None, cols: int = 10
) -> Figure:
    """A grid of digits, titled with their label (and the prediction, red when it is wrong)."""
    images = _images(images)
    n = len(images)
    if n == 0:
        raise ValueError("images is empty: nothing to show")
    labels = None if labels is None else _labels(labels, n, "labels")
    predicted = None if predicted is None else _labels(predicted, n, "predicted")
    fig, axes = _grid(n, cols)
    for i, ax in zip(range(n), axes, strict=False):
        ax.imshow(images[i], cmap="gray_r")
        if labels is not None and predicted is not None:
            wrong = labels[i] != predicted[i]
            colour = PALETTE["vermillion"] if wrong else PALETTE["black"]
            ax.set_title(f"{labels[i]}→{predicted[i]}", color=colour, fontsize=_font())
        elif labels is not None:
            ax.set_title(str(labels[i]), fontsize=_font())
    fig.tight_layout()
    return fig


def plot_weights(weights: object, n: int | None = None, cols: int = 10) -> Figure:
    """First-layer weights as 28x28 images, blue positive, red negative, one per hidden unit."""
    if hasattr(weights, "detach"):
        weights = weights.detach().cpu().numpy()
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or SIDE * SIDE not in weights.shape:
        raise ValueError(
            f"weights must be (784, units) or (units, 784), got shape {np.shape(weights)}"
        )
    units = weights if weights.shape[1] == SIDE * SIDE else weights.T  # one row per unit
    n = len(units) if n is None else n
    if not isinstance(n, int) or not 1 <= n <= len(units):
        raise ValueError(f"n must be an int from 1 to {len(units)}, got {n!r}")
    fig, axes = _grid(n, cols)
    for unit, ax in zip(units[:n], axes, strict=False):
        limit = np.abs(unit).max() or 1.0
        ax.imshow(unit.reshape(SIDE, SIDE), cmap="RdBu", vmin=-limit, vmax=limit)
    fig.suptitle("first-layer weights, one image per hidden unit (blue +, red −)")
    fig.tight_layout()
    return fig


def _confusion(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """counts[i, j]: how many digits of class i were predicted as j."""
    counts = np.zeros((10, 10), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def plot_confusion(labels: object, predicted: object, ax: Axes | None = None) -> Axes:
    """The 10x10 confusion matrix (rows: true digit, columns: prediction) with its counts."""
    import matplotlib.pyplot as plt

    labels = _labels(labels, len(labels), "labels")
    predicted = _labels(predicted, len(labels), "predicted")
    counts = _confusion(labels, predicted)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 8) if is_projector() else (6, 5.2))
    off = counts.astype(float)
    np.fill_diagonal(off, np.nan)  # colour the mistakes; the diagonal would swamp them
    ax.imshow(off, cmap="Oranges")
    ax.grid(False)
    top = np.nanmax(off) if np.isfinite(off).any() else 1.0
    for (i, j), count in np.ndenumerate(counts):
        colour = "white" if i != j and count > 0.6 * top else "black"
        weight = "bold" if i == j else "normal"
        size = 13 if is_projector() else 7.5
        ax.text(j, i, str(count), ha="center", va="center", color=colour, fontsize=size,
                fontweight=weight)  # fmt: skip
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit")
    ax.set_title("confusion matrix (mistakes shaded)")
    return ax


def plot_mistakes(
    images: object,
    labels: object,
    predicted: object,
    probabilities: object = None,
    n: int = 20,
    cols: int = 10,
) -> Figure:
    """A gallery of the first n misclassified digits: 'true→predicted' (and the confidence)."""
    images = _images(images)
    labels = _labels(labels, len(images), "labels")
    predicted = _labels(predicted, len(images), "predicted")
    wrong = np.flatnonzero(labels != predicted)[:n]
    if len(wrong) == 0:
        raise ValueError("there are no mistakes to show: every prediction is right")
    fig, axes = _grid(len(wrong), cols)
    for i, ax in zip(wrong, axes, strict=False):
        ax.imshow(images[i], cmap="gray_r")
        title = f"{labels[i]}→{predicted[i]}"
        if probabilities is not None:
            title += f" {100 * np.asarray(probabilities)[i, predicted[i]]:.0f}%"
        ax.set_title(title, color=PALETTE["vermillion"], fontsize=_font())
    fig.suptitle("mistakes: true digit → prediction (confidence)")
    fig.tight_layout()
    return fig


class DigitExplorer(Explorer):
    """Browse digits (all, or the mistakes only) beside the net's ten probabilities for each."""

    def __init__(self, images: object, labels: object, probabilities: object):
        import ipywidgets as widgets

        self.images = _images(images)
        self.labels = _labels(labels, len(self.images), "labels")
        if hasattr(probabilities, "detach"):
            probabilities = probabilities.detach().cpu().numpy()
        self.probabilities = np.asarray(probabilities, dtype=np.float64)
        if self.probabilities.shape != (len(self.images), 10):
            raise ValueError(
                f"probabilities must have shape ({len(self.images)}, 10), got"
                f" {self.probabilities.shape}"
            )
        self.predicted = self.probabilities.argmax(axis=1)
        self.mistakes = np.flatnonzero(self.predicted != self.labels)
        width = "640px" if is_projector() else "420px"
        self._slider = widgets.IntSlider(
            value=0, min=0, max=len(self.images) - 1, description="digit",
            continuous_update=True, layout=widgets.Layout(width=width),
        )  # fmt: skip
        self._only_mistakes = widgets.Checkbox(value=False, description="mistakes only")
        self._label = widgets.Label()
        self._image = widgets.Image(format="png")
        self.widget = widgets.VBox(
            [widgets.HBox([self._slider, self._only_mistakes]), self._label, self._image]
        )
        self._build_figure()
        self._busy = False
        self._slider.observe(self._on_change, names="value")
        self._only_mistakes.observe(self._on_mode, names="value")
        self._draw()

    def _build_figure(self) -> None:
        """One figure: the digit on the left, ten probability bars on the right."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        big = is_projector()
        figure = Figure(figsize=(10, 4.5) if big else (6.4, 2.8), dpi=80)
        FigureCanvasAgg(figure)
        left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
        self._shown = left.imshow(np.zeros((SIDE, SIDE)), cmap="gray_r", vmin=0, vmax=255)
        left.set_axis_off()
        self._bars = right.bar(range(10), np.zeros(10), color=PALETTE["blue"])
        self._title = right.set_title(" ", fontsize=20 if big else 11)
        right.set(xticks=range(10), ylim=(0, 1), xlabel="digit", ylabel="probability")
        figure.tight_layout()
        self._figure = figure

    def _indices(self) -> np.ndarray:
        """The digits the slider walks through: all of them or the mistakes."""
        return self.mistakes if self._only_mistakes.value else np.arange(len(self.images))

    def _on_mode(self, change: dict) -> None:
        """Switch between all digits and the mistakes; the slider's range follows."""
        count = len(self._indices())
        self._busy = True
        try:
            self._slider.value = 0
            self._slider.max = max(count - 1, 0)
        finally:
            self._busy = False
        self._draw()

    def _on_change(self, change: dict) -> None:
        """Redraw when the slider moves."""
        if not self._busy:
            self._draw()

    def update(self, position: int, mistakes_only: bool | None = None) -> None:
        """Show the digit at `position` (among the mistakes when mistakes_only) and redraw."""
        if mistakes_only is not None and bool(mistakes_only) != self._only_mistakes.value:
            self._only_mistakes.value = bool(mistakes_only)
        count = len(self._indices())
        if not isinstance(position, (int, np.integer)) or not 0 <= position < max(count, 1):
            raise ValueError(f"position must be an int from 0 to {count - 1}, got {position!r}")
        self._busy = True
        try:
            self._slider.value = int(position)
        finally:
            self._busy = False
        self._draw()

    @property
    def index(self) -> int | None:
        """The index (into images) of the digit shown, or None when there is none to show."""
        indices = self._indices()
        return int(indices[self._slider.value]) if len(indices) else None

    def _draw(self) -> None:
        """Put the current digit and its probabilities into the figure; re-encode the PNG."""
        i = self.index
        if i is None:
            self._label.value = "no mistakes to show"
            return
        probs, true, said = self.probabilities[i], self.labels[i], self.predicted[i]
        self._shown.set_data(self.images[i])
        for digit, (bar, p) in enumerate(zip(self._bars, probs, strict=True)):
            bar.set_height(p)
            colour = PALETTE["bluish_green"] if digit == true else PALETTE["blue"]
            bar.set_color(PALETTE["vermillion"] if digit == said != true else colour)
        verdict = "right" if said == true else "WRONG"
        self._title.set_text(f"true {true}, net says {said} ({verdict})")
        self._label.value = (
            f"digit #{i}: net's confidence in {said} is {100 * probs[said]:.1f}%;"
            f" {len(self.mistakes)} mistakes among {len(self.images)} digits"
        )
        self._image.value = figure_png(self._figure)


def digit_explorer(images: object, labels: object, probabilities: object) -> DigitExplorer:
    """A slider through the digits (or the mistakes) showing the net's ten probabilities."""
    return DigitExplorer(images, labels, probabilities)
