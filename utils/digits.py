"""Figures for lesson 07 (MNIST): digit grids, first-layer weights, a confusion matrix, mistakes,
learning curves.

matplotlib is imported inside the functions (the digit explorer is in utils.explorers). Images are (n, 28, 28) arrays (or
(n, 784) rows); labels and predictions are int arrays of n classes 0-9.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import arguments
from .style import PALETTE, content_width, figsize, is_projector

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SIDE = 28


def as_images(images: object, name: str = "images") -> np.ndarray:
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


def as_labels(labels: object, n: int, name: str) -> np.ndarray:
    """labels as an int64 array of n classes 0-9."""
    return arguments.labels(labels, name, n, classes=10)


def _grid(n: int, cols: int) -> tuple[Figure, np.ndarray]:
    """A pyplot figure with n small image panels in rows of `cols` (extra panels hidden)."""
    import matplotlib.pyplot as plt

    cols = max(1, min(cols, n))
    rows = max(1, math.ceil(n / cols))
    size = min(1.6 if is_projector() else 0.95, (content_width() - 0.2) / cols)  # fits the page
    fig, axes = plt.subplots(
        rows, cols, figsize=(cols * size, rows * size * 1.2), squeeze=False, layout="constrained"
    )
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
    images = as_images(images)
    n = len(images)
    if n == 0:
        raise ValueError("images is empty: nothing to show")
    labels = None if labels is None else as_labels(labels, n, "labels")
    predicted = None if predicted is None else as_labels(predicted, n, "predicted")
    fig, axes = _grid(n, cols)
    for i, ax in zip(range(n), axes, strict=False):
        ax.imshow(images[i], cmap="gray_r")
        if labels is not None and predicted is not None:
            wrong = labels[i] != predicted[i]
            colour = PALETTE["vermillion"] if wrong else PALETTE["black"]
            ax.set_title(f"{labels[i]}→{predicted[i]}", color=colour, fontsize=_font())
        elif labels is not None:
            ax.set_title(str(labels[i]), fontsize=_font())
    return fig


def plot_weights(
    weights: object, n: int | None = None, cols: int = 10, marked: Iterable[int] = ()
) -> Figure:
    """First-layer weights as 28x28 images, blue positive, red negative, one per hidden unit.

    marked: units (row numbers) titled with their number in vermillion, e.g. dead units.
    """
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
    marked = {int(i) for i in marked}
    fig, axes = _grid(n, cols)
    for i, (unit, ax) in enumerate(zip(units[:n], axes, strict=False)):
        limit = np.abs(unit).max() or 1.0
        ax.imshow(unit.reshape(SIDE, SIDE), cmap="RdBu", vmin=-limit, vmax=limit)
        if i in marked:
            ax.set_title(f"unit {i}", color=PALETTE["vermillion"], fontsize=_font())
    fig.suptitle("first-layer weights, one image per hidden unit (blue +, red −)")
    return fig


def _confusion(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """counts[i, j]: how many digits of class i were predicted as j."""
    counts = np.zeros((10, 10), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def confusions(labels: object, predicted: object) -> list[tuple[int, int, int]]:
    """Every kind of mistake as (true, predicted, count), most frequent first (ties by digit)."""
    labels = as_labels(labels, len(labels), "labels")
    counts = _confusion(labels, as_labels(predicted, len(labels), "predicted"))
    np.fill_diagonal(counts, 0)
    pairs = [(int(i), int(j), int(counts[i, j])) for i, j in np.argwhere(counts > 0)]
    return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))


def plot_confusion(labels: object, predicted: object, ax: Axes | None = None) -> Axes:
    """The 10x10 confusion matrix (rows: true digit, columns: prediction) with its counts."""
    import matplotlib.pyplot as plt

    labels = as_labels(labels, len(labels), "labels")
    predicted = as_labels(predicted, len(labels), "predicted")
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
        size = 13 if is_projector() else 8.5
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
    images = as_images(images)
    labels = as_labels(labels, len(images), "labels")
    predicted = as_labels(predicted, len(images), "predicted")
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
    return fig


def _epochs(values: Sequence[float]) -> range:
    """The epoch numbers 1, 2, ... of a per-epoch list."""
    return range(1, len(values) + 1)


def plot_learning_curves(
    curves: dict[str, list], chosen: int | None = None, title: str = "learning curves"
) -> Figure:
    """Training and validation loss (left) and validation accuracy (right) per epoch, one figure.

    chosen: an epoch (from 1) to mark with a dashed line, e.g. the one early stopping keeps.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    for key in ("train_loss", "validation_loss", "validation_accuracy"):
        if not curves.get(key):
            raise ValueError(f"curves must hold a non-empty list '{key}', got {curves.get(key)!r}")
    n = len(curves["validation_loss"])
    if chosen is not None and not 1 <= chosen <= n:
        raise ValueError(f"chosen must be an epoch from 1 to {n}, got {chosen!r}")
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize(9, 3.4), layout="constrained")
    left.plot(_epochs(curves["train_loss"]), curves["train_loss"], label="training loss",
              color=PALETTE["blue"])  # fmt: skip
    left.plot(_epochs(curves["validation_loss"]), curves["validation_loss"],
              label="validation loss", color=PALETTE["vermillion"])  # fmt: skip
    left.set(xlabel="epoch", ylabel="mean cross-entropy", title="loss")
    accuracy = curves["validation_accuracy"]
    right.plot(
        _epochs(accuracy), accuracy, label="validation accuracy", color=PALETTE["vermillion"]
    )
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.set(xlabel="epoch", ylabel="accuracy", title="validation accuracy")
    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if chosen is not None:
            ax.axvline(chosen, color=PALETTE["black"], linestyle="--", linewidth=1,
                       label=f"epoch {chosen} (kept)")  # fmt: skip
        ax.legend()
    fig.suptitle(title)
    return fig
