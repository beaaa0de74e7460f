"""Lesson 02's figure: mistakes vs log-loss for a rotating line (its widget, squared vs log error,
is utils.explorers.error_explorer).

numpy only at import; matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .arguments import array, number, points
from .checks.failure import describe
from .plots import plot_points
from .style import PALETTE, figsize, is_projector

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _mean_log_loss(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean binary log-loss of sigmoid(scores) against labels y, along the last axis.

    -ln(sigmoid(z)) = ln(1 + e^-z) and -ln(1 - sigmoid(z)) = ln(1 + e^z), both computed by
    logaddexp, so no exp overflows and no log of 0 is taken however large |z| is.
    """
    return np.mean(np.where(y == 1, np.logaddexp(0.0, -scores), np.logaddexp(0.0, scores)), axis=-1)


class RotationScan(NamedTuple):
    """What plot_mistakes_vs_log_loss computed, one value per angle, and the figure it drew."""

    angles: np.ndarray  # degrees, float64 (m,)
    mistakes: np.ndarray  # int64 (m,): misclassified points
    log_loss: np.ndarray  # float64 (m,): mean binary log-loss per point
    figure: Figure


def _angles(angles: object) -> np.ndarray:
    """The angles in degrees as a 1-D float64 array of at least two finite values."""
    if angles is None:
        return np.linspace(0.0, 360.0, 721)
    values = array(angles, "angles", ("n",), finite=True)
    if values.size < 2:
        raise ValueError(
            f"angles must be a 1-D array of at least 2 numbers, got {describe(values)}"
        )
    return values


def plot_mistakes_vs_log_loss(
    X: object,
    y: object,
    angles: object = None,
    pivot: object = None,
    scale: float = 1.0,
) -> RotationScan:
    """Turn a line around pivot; plot the mistakes (a staircase) beside the log-loss (smooth).

    At angle t (degrees) the line is w.x + b = 0 with the unit normal w = (cos t, sin t) through
    pivot; points with w.x + b >= 0 are predicted as class 1 and get the probability
    sigmoid(scale * (w.x + b)). Returns the angles, the mistake counts, the mean log-loss and
    the figure: the data with the line of least log-loss, then both curves against the angle.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MultipleLocator

    X, y = points(X, y, classes=2)
    angles = _angles(angles)
    centre = X.mean(axis=0) if pivot is None else array(pivot, "pivot", (2,), finite=True)
    scale = number(scale, "scale", positive=True)

    radians = np.deg2rad(angles)
    normals = np.column_stack([np.cos(radians), np.sin(radians)])  # (m, 2)
    scores = (X - centre) @ normals.T  # (n, m): signed distance of each point to each line
    mistakes = np.sum((scores >= 0).astype(np.int64) != y[:, None], axis=0).astype(np.int64)
    log_loss = _mean_log_loss(scale * scores.T, y)

    big = is_projector()
    line_width = 3.5 if big else 2.0
    fig, axes = plt.subplot_mosaic(
        [["data", "count"], ["data", "loss"]],
        figsize=figsize(8.4, 4.6),
        layout="constrained",
        width_ratios=[1.0, 1.2],
    )
    data_ax, count_ax, loss_ax = axes["data"], axes["count"], axes["loss"]
    best = int(np.argmin(log_loss))
    plot_points(X, y, data_ax, legend=False)
    direction = np.array([-normals[best, 1], normals[best, 0]])
    data_ax.axline(centre, centre + direction, color="black", linewidth=line_width)
    data_ax.scatter(*centre, marker="+", s=200, color="black", zorder=3, label="pivot")
    data_ax.set_title(f"least log-loss: {angles[best]:.0f}°")
    fig.legend(*data_ax.get_legend_handles_labels(), loc="outside upper center", ncols=3)

    count_ax.plot(angles, mistakes, drawstyle="steps-mid", color=PALETTE["vermillion"])
    count_ax.set(ylabel="misclassified points", title="counting mistakes: a staircase")
    loss_ax.plot(angles, log_loss, color=PALETTE["blue"])
    loss_ax.set(xlabel="angle of the line (°)", ylabel="mean log-loss", title="log-loss: smooth")
    loss_ax.xaxis.set_major_locator(MultipleLocator(90))
    count_ax.sharex(loss_ax)
    count_ax.tick_params(labelbottom=False)
    for ax in (count_ax, loss_ax):
        ax.axvline(angles[best], color="grey", linestyle="--", linewidth=line_width / 2)
    return RotationScan(angles, mistakes, log_loss, fig)
