"""Lessons 00 and 01: sliders for a perceptron's w1, w2 and b move its line over the points."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..arguments import array, number, points
from ..style import CLASS_COLORS
from .base import Explorer

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.artist import Artist


def clip(corners: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The part of a convex polygon where a linear score (given at its corners) is >= 0."""
    part = []
    for p, q, sp, sq in zip(
        corners, np.roll(corners, -1, axis=0), scores, np.roll(scores, -1), strict=True
    ):
        if sp >= 0:
            part.append(p)
        if (sp >= 0) != (sq >= 0):  # the edge p -> q crosses the line score = 0
            part.append(p + sp / (sp - sq) * (q - p))
    return np.array(part).reshape(-1, 2)


def tint(color: str, strength: float) -> tuple[float, float, float]:
    """color mixed with white: what color at opacity `strength` looks like on white paper."""
    from matplotlib.colors import to_rgb

    return tuple(1 - strength * (1 - channel) for channel in to_rgb(color))


def crossings(corners: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The points where the edges of a polygon cross the line score = 0."""
    after, after_scores = np.roll(corners, -1, axis=0), np.roll(scores, -1)
    cross = (scores >= 0) != (after_scores >= 0)
    t = scores[cross] / (scores[cross] - after_scores[cross])
    return corners[cross] + t[:, None] * (after[cross] - corners[cross])


class PerceptronExplorer(Explorer):
    """Sliders for w1, w2 and b that move the line w1*x1 + w2*x2 + b = 0 over the points (X, y)."""

    FIGSIZE = (4.6, 3.8)
    PROJECTOR_FIGSIZE = (7.0, 5.6)

    def __init__(self, X: object, y: object, w: object = (1.0, 1.0), b: float = -10.0):
        super().__init__()
        self.X, self.y = points(X, y, classes=2)
        w1, w2 = array(w, "w", (2,), finite=True)
        b = number(b, "b")
        b_limit = max(math.ceil(3 * np.abs(self.X).max()), 1)  # room to move the line across X
        self._sliders = [
            self._weight("w1", "weight w1 of the input x1", w1, 5.0),
            self._weight("w2", "weight w2 of the input x2", w2, 5.0),
            self._weight("b", "bias b", b, b_limit),
        ]
        moving = self._build_figure()
        self.assemble(self._sliders, moving)

    def _weight(
        self, name: str, tooltip: str, value: float, limit: float
    ) -> ipywidgets.FloatSlider:
        """A slider from -limit to limit (widened to hold value) in steps of 0.1."""
        limit = max(limit, abs(value))
        return self.slider(name, name, tooltip, value=value, min=-limit, max=limit, step=0.1)

    def _build_figure(self) -> list[Artist]:
        """Create the axes and the artists that move; return those (drawn at every change)."""
        ax = self.figure.add_subplot()
        low, high = self.X.min(axis=0), self.X.max(axis=0)
        pad = np.where(high > low, 0.05 * (high - low), 1.0)
        (x_lo, y_lo), (x_hi, y_hi) = low - pad, high + pad
        ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi))
        ax.set_xlabel("$x_1$", fontsize=self.font)
        ax.set_ylabel("$x_2$", fontsize=self.font)
        ax.tick_params(labelsize=self.font - 1)
        self._corners = np.array([[x_lo, y_lo], [x_hi, y_lo], [x_hi, y_hi], [x_lo, y_hi]])
        self._regions = [  # opaque tints: 7x quicker to draw than translucent colours
            ax.fill([], [], color=tint(CLASS_COLORS[label], 0.2), linewidth=0, zorder=0.4)[0]
            for label in (0, 1)
        ]
        size = 50 if self.big else 20
        dots = [
            ax.scatter(
                *self.X[self.y == label].T,
                s=size,
                color=CLASS_COLORS[label],
                marker="os"[label],
                edgecolors="white",
                linewidths=0.5,
                zorder=2,
            )  # fmt: skip
            for label in (0, 1)
        ]
        self._rings = ax.scatter(
            [], [], s=6 * size, facecolors="none", edgecolors="black", zorder=3
        )
        (self._line,) = ax.plot([], [], color="black", linewidth=2.5 if self.big else 1.5, zorder=4)
        self._title = ax.set_title("w₁·x₁ + w₂·x₂ + b = 0", fontsize=self.font)
        for spine in ax.spines.values():
            spine.set_zorder(1.5)  # over the shading and the grid, under the points
        self.figure.tight_layout()
        # The grid lines, the frame and the points are redrawn over the regions at each change,
        # so that the opaque shading stays beneath them, as in a full drawing.
        grid = [*ax.xaxis.get_gridlines(), *ax.yaxis.get_gridlines()]
        frame = list(ax.spines.values())
        return [*self._regions, *grid, *frame, *dots, self._rings, self._line, self._title]

    def update(self, w1: float, w2: float, b: float) -> None:
        """Move the sliders to (w1, w2, b), widening them if needed, and redraw once."""
        values = [number(w1, "w1"), number(w2, "w2"), number(b, "b")]
        with self.quiet():
            for slider, value in zip(self._sliders, values, strict=True):
                slider.min, slider.max = min(slider.min, value), max(slider.max, value)
                slider.value = value

    def draw(self) -> None:
        """Move the line, the regions, the rings and the title to the sliders' weights."""
        w1, w2, b = (slider.value for slider in self._sliders)
        predicted = (self.X @ np.array([w1, w2]) + b >= 0).astype(np.int64)
        wrong = predicted != self.y
        corner_scores = self._corners @ np.array([w1, w2]) + b
        self._regions[0].set_xy(clip(self._corners, -corner_scores))
        self._regions[1].set_xy(clip(self._corners, corner_scores))
        self._line.set_data(*crossings(self._corners, corner_scores).T)
        self._rings.set_offsets(self.X[wrong])
        self._title.set_text(f"{w1:.1f}·x₁ {w2:+.1f}·x₂ {b:+.1f} = 0".replace("-", "−"))
        self._misclassified = int(wrong.sum())
        self._readout.value = f"misclassified: <b>{self._misclassified}</b> of {len(self.y)}"

    def describe(self) -> str:
        """The picture in words: the line and how many points it puts on the wrong side."""
        w1, w2, b = (slider.value for slider in self._sliders)
        return (
            f"The points of class 0 (circles) and class 1 (squares) and the line"
            f" {w1:.1f} x1 {w2:+.1f} x2 {b:+.1f} = 0; {self._misclassified} of {len(self.y)}"
            " points are on the wrong side (ringed)."
        )

    @property
    def misclassified(self) -> int:
        """How many points the current line puts on the wrong side."""
        return self._misclassified


def perceptron_explorer(
    X: object, y: object, w: object = (1.0, 1.0), b: float = -10.0
) -> PerceptronExplorer:
    """Sliders for a perceptron's w1, w2, b over the points (X, y); a cell ending in it shows it."""
    return PerceptronExplorer(X, y, w, b)
