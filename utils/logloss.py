"""Lesson 02's figure and widget: mistakes vs log-loss for a rotating line, squared vs log error.

numpy only at import; matplotlib and ipywidgets are imported inside the functions that draw.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ._explorer import Explorer, figure_png
from .arguments import is_number, number
from .checks.failure import describe, to_numpy
from .plots import _class_color, _points
from .style import PALETTE, is_projector

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
    values = np.asarray(to_numpy(angles))
    if values.ndim != 1 or values.size < 2 or values.dtype.kind not in "iuf":
        raise ValueError(
            f"angles must be a 1-D array of at least 2 numbers, got {describe(values)}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("angles must be finite numbers (degrees); got nan or inf")
    return values.astype(np.float64)


def _pivot(pivot: object, X: np.ndarray) -> np.ndarray:
    """The point the line turns around: the mean of X by default."""
    if pivot is None:
        return X.mean(axis=0)
    point = np.asarray(to_numpy(pivot))
    if point.shape != (2,) or point.dtype.kind not in "iuf" or not np.all(np.isfinite(point)):
        raise ValueError(f"pivot must be two finite numbers (x1, x2), got {describe(point)}")
    return point.astype(np.float64)


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

    X, y = _points(X, y)
    if np.any(y > 1):
        raise ValueError(f"y must hold the labels 0 and 1 only, got {np.unique(y)}")
    angles = _angles(angles)
    centre = _pivot(pivot, X)
    scale = number(scale, "scale", positive=True)

    radians = np.deg2rad(angles)
    normals = np.column_stack([np.cos(radians), np.sin(radians)])  # (m, 2)
    scores = (X - centre) @ normals.T  # (n, m): signed distance of each point to each line
    mistakes = np.sum((scores >= 0).astype(np.int64) != y[:, None], axis=0).astype(np.int64)
    log_loss = _mean_log_loss(scale * scores.T, y)

    big = is_projector()
    line_width = 3.5 if big else 2.0
    fig, (data_ax, count_ax, loss_ax) = plt.subplots(
        1, 3, figsize=(20, 6.5) if big else (13, 4.2), layout="constrained"
    )
    best = int(np.argmin(log_loss))
    for label in (0, 1):
        mine = y == label
        data_ax.scatter(
            *X[mine].T,
            color=_class_color(label),
            edgecolors="white",
            linewidths=0.5,
            label=f"class {label}",
        )
    direction = np.array([-normals[best, 1], normals[best, 0]])
    data_ax.axline(centre, centre + direction, color="black", linewidth=line_width)
    data_ax.scatter(*centre, marker="+", s=200, color="black", zorder=3, label="pivot")
    data_ax.set(xlabel="$x_1$", ylabel="$x_2$", title=f"least log-loss: {angles[best]:.0f}°")
    data_ax.legend(loc="best")

    count_ax.plot(angles, mistakes, drawstyle="steps-mid", color=PALETTE["vermillion"])
    count_ax.set(xlabel="angle of the line (°)", ylabel="misclassified points")
    count_ax.set_title("counting mistakes: a staircase")
    loss_ax.plot(angles, log_loss, color=PALETTE["blue"])
    loss_ax.set(xlabel="angle of the line (°)", ylabel="mean log-loss")
    loss_ax.set_title("log-loss: smooth")
    for ax in (count_ax, loss_ax):
        ax.axvline(angles[best], color="grey", linestyle="--", linewidth=line_width / 2)
    return RotationScan(angles, mistakes, log_loss, fig)


def _probability(p: object) -> float:
    """p as a float in (0, 1], or a clear error."""
    if not is_number(p, finite=False):
        raise TypeError(f"p must be a number in (0, 1], got {describe(p)}")
    if not 0 < p <= 1:
        raise ValueError(f"p must lie in (0, 1] (the log error of p = 0 is infinite), got {p!r}")
    return float(p)


class ErrorExplorer(Explorer):
    """A slider for the predicted probability p of a point whose label is y = 1.

    The figure shows the squared error (1 - p)^2 and the log error -ln(p) as curves, with a
    marker on each at the slider's p; the label line prints both values.
    """

    P_MIN = 0.001

    def __init__(self, p: float = 0.5):
        import ipywidgets as widgets

        p = max(_probability(p), self.P_MIN)
        self._slider = widgets.FloatSlider(
            value=p,
            min=self.P_MIN,
            max=1.0,
            step=0.001,
            readout_format=".3f",
            description="p",
            continuous_update=True,
            layout=widgets.Layout(width="640px" if is_projector() else "420px"),
        )
        self._label = widgets.Label()
        self._image = widgets.Image(format="png")
        self.widget = widgets.VBox([self._slider, self._label, self._image])
        self._build_figure()
        self._slider.observe(self._on_slide, names="value")
        self._draw()

    def _build_figure(self) -> None:
        """Create the one figure: both curves, a marker on each and a guide line at p."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        big = is_projector()
        font, width = (20, 3.5) if big else (11, 2.0)
        figure = Figure(figsize=(9, 6.5) if big else (5.5, 3.75), dpi=80)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        p = np.linspace(self.P_MIN, 1.0, 500)
        blue, orange = PALETTE["blue"], PALETTE["vermillion"]
        ax.plot(p, (1 - p) ** 2, color=blue, linewidth=width, label="squared error $(1-p)^2$")
        ax.plot(p, -np.log(p), color=orange, linewidth=width, label="log error $-\\ln p$")
        (self._squared_marker,) = ax.plot([], [], "o", color=blue, markersize=3 * width + 4)
        (self._log_marker,) = ax.plot([], [], "o", color=orange, markersize=3 * width + 4)
        self._guide = ax.axvline(0.5, color="grey", linestyle="--", linewidth=width / 2)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, -math.log(self.P_MIN) * 1.05)
        ax.set_xlabel("predicted probability $p$ of class 1 (the truth: $y = 1$)", fontsize=font)
        ax.set_ylabel("error", fontsize=font)
        ax.tick_params(labelsize=font - 2)
        ax.legend(fontsize=font - 2, loc="upper right", frameon=False)
        self._title = ax.set_title("p = 0.500", fontsize=font)
        figure.tight_layout()
        self._figure = figure

    def _on_slide(self, change: dict) -> None:
        """Redraw when the student moves the slider."""
        self._draw()

    def update(self, p: float) -> None:
        """Move the slider to p (clipped to [0.001, 1]) and redraw."""
        p = min(max(_probability(p), self.P_MIN), 1.0)
        if p == self._slider.value:
            self._draw()
        else:
            self._slider.value = p  # the observer redraws

    def _draw(self) -> None:
        """Move the markers, guide line and texts to the slider's p; re-encode the PNG."""
        p = float(self._slider.value)
        self._squared_error = (1.0 - p) ** 2
        self._log_error = 0.0 - math.log(p)  # 0.0, not -0.0, at p = 1
        self._squared_marker.set_data([p], [self._squared_error])
        self._log_marker.set_data([p], [self._log_error])
        self._guide.set_xdata([p, p])
        text = (
            f"p = {p:.3f}:  squared error {self._squared_error:.3f},  "
            f"log error {self._log_error:.3f}"
        )
        self._title.set_text(text)
        self._label.value = text
        self._image.value = figure_png(self._figure)

    @property
    def p(self) -> float:
        """The probability the slider shows."""
        return float(self._slider.value)

    @property
    def squared_error(self) -> float:
        """(1 - p)^2 at the slider's p."""
        return self._squared_error

    @property
    def log_error(self) -> float:
        """-ln(p) at the slider's p."""
        return self._log_error


def error_explorer(p: float = 0.5) -> ErrorExplorer:
    """Slide p and compare the squared error (1 - p)^2 with the log error -ln(p) for y = 1."""
    return ErrorExplorer(p)
