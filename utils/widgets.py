"""Interactive widgets for the lessons (ipywidgets and matplotlib are imported when first used)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ._explorer import Blitter, Explorer
from .plots import _class_color, _points, _weights
from .style import is_projector

if TYPE_CHECKING:
    import ipywidgets


def _clip(corners: np.ndarray, scores: np.ndarray) -> np.ndarray:
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


def _crossings(corners: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The points where the edges of a polygon cross the line score = 0."""
    after, after_scores = np.roll(corners, -1, axis=0), np.roll(scores, -1)
    cross = (scores >= 0) != (after_scores >= 0)
    t = scores[cross] / (scores[cross] - after_scores[cross])
    return corners[cross] + t[:, None] * (after[cross] - corners[cross])


def _slider(name: str, value: float, limit: float) -> ipywidgets.FloatSlider:
    """A continuously updating slider from -limit to limit (widened to hold value)."""
    import ipywidgets as widgets

    limit = max(limit, abs(value))
    width = "640px" if is_projector() else "420px"
    return widgets.FloatSlider(
        value=value,
        min=-limit,
        max=limit,
        step=0.1,
        description=name,
        continuous_update=True,
        layout=widgets.Layout(width=width),
    )


class PerceptronExplorer(Explorer):
    """Sliders for w1, w2 and b that move the line w1*x1 + w2*x2 + b = 0 over the points (X, y)."""

    def __init__(self, X: object, y: object, w: tuple[float, float] = (1.0, 1.0), b: float = -10.0):
        import ipywidgets as widgets

        self.X, self.y = _points(X, y)
        if np.any(self.y > 1):
            raise ValueError(f"y must hold the labels 0 and 1 only, got {np.unique(self.y)}")
        (w1, w2), b = _weights(w, b)
        b_limit = max(math.ceil(3 * np.abs(self.X).max()), 1)  # room to move the line across X
        self._sliders = [_slider("w1", w1, 5.0), _slider("w2", w2, 5.0), _slider("b", b, b_limit)]
        self._label = widgets.Label()
        self._image = widgets.Image(format="png")
        self.widget = widgets.VBox([*self._sliders, self._label, self._image])
        self._build_figure()
        self._moving_sliders = False
        for slider in self._sliders:
            slider.observe(self._on_slide, names="value")
        self._draw()

    def _build_figure(self) -> None:
        """Create the one figure and its artists; later only their data changes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(8, 6) if is_projector() else (5, 3.75), dpi=80)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        low, high = self.X.min(axis=0), self.X.max(axis=0)
        pad = np.where(high > low, 0.05 * (high - low), 1.0)
        (x_lo, y_lo), (x_hi, y_hi) = low - pad, high + pad
        ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="$x_1$", ylabel="$x_2$")
        self._corners = np.array([[x_lo, y_lo], [x_hi, y_lo], [x_hi, y_hi], [x_lo, y_hi]])
        self._regions = [
            ax.fill([], [], color=_class_color(label), alpha=0.2, linewidth=0)[0]
            for label in (0, 1)
        ]
        points = [
            ax.scatter(
                *self.X[self.y == label].T,
                color=_class_color(label),
                edgecolors="white",
                linewidths=0.5,
                zorder=2,
            )
            for label in (0, 1)
        ]
        self._rings = ax.scatter([], [], s=120, facecolors="none", edgecolors="black", zorder=3)
        (self._line,) = ax.plot([], [], color="black", zorder=4)
        self._title = ax.set_title("$w_1 x_1 + w_2 x_2 + b = 0$")  # a stand-in to lay out around
        figure.tight_layout()
        self._figure = figure
        # The points move with the regions' redraw so that the shading stays beneath them.
        self._blitter = Blitter(
            figure, [*self._regions, *points, self._rings, self._line, self._title]
        )

    def _on_slide(self, change: dict) -> None:
        """Redraw when the student moves a slider."""
        if not self._moving_sliders:
            self._draw()

    def update(self, w1: float, w2: float, b: float) -> None:
        """Move the sliders to (w1, w2, b) and redraw once."""
        self._moving_sliders = True
        try:
            for slider, value in zip(self._sliders, (float(w1), float(w2), float(b)), strict=True):
                slider.min, slider.max = min(slider.min, value), max(slider.max, value)
                slider.value = value
        finally:
            self._moving_sliders = False
        self._draw()

    def _draw(self) -> None:
        """Move the line, regions, rings and title to the sliders' weights; re-encode the PNG."""
        w1, w2, b = (slider.value for slider in self._sliders)
        predicted = (self.X @ np.array([w1, w2]) + b >= 0).astype(np.int64)
        wrong = predicted != self.y
        corner_scores = self._corners @ np.array([w1, w2]) + b
        self._regions[0].set_xy(_clip(self._corners, -corner_scores))
        self._regions[1].set_xy(_clip(self._corners, corner_scores))
        self._line.set_data(*_crossings(self._corners, corner_scores).T)
        self._rings.set_offsets(self.X[wrong])
        self._title.set_text(f"${w1:.1f}\\,x_1 {w2:+.1f}\\,x_2 {b:+.1f} = 0$")
        self._misclassified = int(wrong.sum())
        self._label.value = f"misclassified: {self._misclassified} of {len(self.y)}"
        self._image.value = self._blitter.png()

    @property
    def misclassified(self) -> int:
        """How many points the current line puts on the wrong side."""
        return self._misclassified


def perceptron_explorer(
    X: object, y: object, w: tuple[float, float] = (1.0, 1.0), b: float = -10.0
) -> PerceptronExplorer:
    """Sliders for a perceptron's w1, w2, b over the points (X, y); a cell ending in it shows it."""
    return PerceptronExplorer(X, y, w, b)
