"""Lesson 03's pictures: a learning-rate explorer on a loss landscape and batch vs stochastic.

`learning_rate_explorer()` runs gradient descent on a quadratic bowl (the shape of every smooth
loss near its minimum) and draws the path on the contour plot; `compare_batch_sizes(...)` trains
one model with batch, mini-batch and stochastic gradient descent and draws the three loss curves
in one figure. matplotlib and ipywidgets are imported only when a picture is made.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from ._explorer import Explorer, figure_png
from .arguments import integer, number
from .checks.failure import describe
from .style import PALETTE, is_projector

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

REGIMES = ("crawling", "good", "oscillating", "diverging")
# Each preset as a multiple of 1 / (the largest curvature of the bowl).
_PRESET_FACTORS = {"crawling": 0.02, "good": 1.0, "oscillating": 1.9, "diverging": 2.1}
_REGIME_COLORS = {
    "crawling": PALETTE["sky_blue"],
    "good": PALETTE["bluish_green"],
    "oscillating": PALETTE["orange"],
    "diverging": PALETTE["vermillion"],
}
# The default bowl: curvatures 1 and 4 along axes turned by 30 degrees, minimum at (1, 1).
_COS, _SIN = math.cos(math.pi / 6), math.sin(math.pi / 6)
_TURN = np.array([[_COS, -_SIN], [_SIN, _COS]])
_HESSIAN = _TURN @ np.diag([1.0, 4.0]) @ _TURN.T
_MINIMUM = (1.0, 1.0)
_START = (-2.0, 2.5)


def _pair(value: object, name: str) -> np.ndarray:
    """value as a finite float64 array of shape (2,), or a ValueError naming it."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be two finite numbers, got {describe(value)}") from None
    if array.shape != (2,) or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be two finite numbers, got {describe(array)}")
    return array


def _hessian(value: object) -> np.ndarray:
    """value as a symmetric positive definite float64 (2, 2) matrix, or a ValueError."""
    try:
        H = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"hessian must be a 2x2 matrix of numbers, got {describe(value)}"
        ) from None
    if H.shape != (2, 2) or not np.all(np.isfinite(H)):
        raise ValueError(f"hessian must be a finite 2x2 matrix, got {describe(H)}")
    if not np.allclose(H, H.T) or np.linalg.eigvalsh(H)[0] <= 0:
        raise ValueError(
            f"hessian must be symmetric with positive curvatures (eigenvalues), got {H.tolist()}"
        )
    return H


class Bowl:
    """The quadratic loss L(p) = 1/2 (p - minimum)^T H (p - minimum) over two parameters p."""

    def __init__(self, hessian: object = None, minimum: object = None) -> None:
        self.hessian = _hessian(_HESSIAN if hessian is None else hessian)
        self.minimum = _pair(_MINIMUM if minimum is None else minimum, "minimum")
        self.curvatures = np.linalg.eigvalsh(self.hessian)  # smallest first
        self.steep = np.linalg.eigh(self.hessian)[1][:, 1]  # direction of the largest curvature

    def loss(self, p: np.ndarray) -> np.ndarray:
        """The loss at points p of shape (..., 2)."""
        d = np.asarray(p, dtype=np.float64) - self.minimum
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)

    def path(self, start: np.ndarray, lr: float, steps: int) -> np.ndarray:
        """The steps + 1 points p_0 = start, p_k+1 = p_k - lr * gradient(p_k), shape (steps+1, 2)."""
        points = [np.asarray(start, dtype=np.float64)]
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                p = points[-1]
                points.append(p - lr * self.hessian @ (p - self.minimum))
        return np.array(points)

    def presets(self) -> dict[str, float]:
        """A learning rate for each regime, computed from the largest curvature."""
        top = self.curvatures[1]
        return {name: float(factor / top) for name, factor in _PRESET_FACTORS.items()}

    def regime(self, lr: float, steps: int, start: np.ndarray) -> str:
        """'crawling', 'good', 'oscillating' or 'diverging' for lr (and steps from start).

        Along each principal axis one step multiplies the distance to the minimum by
        1 - lr * curvature. Any factor beyond +-1: diverging. The slowest factor negative (the
        steep axis overshoots and flips sign every step): oscillating. Otherwise crawling when
        the loss after `steps` steps is still above 10 % of the starting loss, else good.
        """
        shallow, steep = 1 - lr * self.curvatures
        if max(abs(shallow), abs(steep)) > 1 + 1e-12:
            return "diverging"
        if steep < 0 and abs(steep) > abs(shallow):
            return "oscillating"
        end = self.path(start, lr, steps)[-1]
        return "crawling" if self.loss(end) > 0.1 * self.loss(start) else "good"


def _on_screen(path: np.ndarray, start: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """The first points of a path that stay within a million view widths (to draw safely)."""
    far = 1e6 * max(np.abs(start - minimum).max(), 1e-3)
    with np.errstate(invalid="ignore"):
        near = np.all(np.abs(path - minimum) <= far, axis=1)
    stop = len(path) if near.all() else int(np.argmin(near))
    return path[: max(stop, 1)]


def _contours(ax: Axes, bowl: Bowl, start: np.ndarray, big: bool) -> None:
    """Draw the bowl's contour lines around the minimum and the start, and mark both."""
    reach = 1.5 * max(np.abs(start - bowl.minimum).max(), 1e-3)
    (x_lo, y_lo), (x_hi, y_hi) = bowl.minimum - reach, bowl.minimum + reach
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, 120), np.linspace(y_lo, y_hi, 120))
    heights = bowl.loss(np.stack([gx, gy], axis=-1))
    levels = bowl.loss(start) * np.geomspace(1e-3, 4.0, 12)
    ax.contour(gx, gy, heights, levels=levels, colors="0.6", linewidths=1.5 if big else 0.8)
    ax.scatter(*bowl.minimum, marker="*", s=400 if big else 180, color="black", zorder=4)
    ax.scatter(*start, s=160 if big else 60, color="black", zorder=4)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="$w_1$", ylabel="$w_2$")
    ax.set_aspect("equal")
    ax.grid(False)


def _title(bowl: Bowl, lr: float, regime: str, losses: np.ndarray) -> str:
    """A title: the learning rate, its regime and the loss at the start and the end."""
    ratio = lr * bowl.curvatures[1]
    return (
        f"lr = {lr:.3g} = {ratio:.3g}/$\\lambda_{{max}}$: {regime}\n"
        f"loss {losses[0]:.3g} → {losses[-1]:.3g} after {len(losses) - 1} steps"
    )


class LearningRateExplorer(Explorer):
    """A learning-rate slider (log scale), preset buttons and a steps slider over a contour plot."""

    def __init__(
        self,
        lr: float | None = None,
        steps: int = 25,
        hessian: object = None,
        minimum: object = None,
        start: object = None,
    ) -> None:
        import ipywidgets as widgets

        self.bowl = Bowl(hessian, minimum)
        self.start = _pair(_START if start is None else start, "start")
        if np.allclose(self.start, self.bowl.minimum):
            raise ValueError("start must differ from minimum, or there is nothing to descend")
        self.presets = self.bowl.presets()
        lr = self.presets["good"] if lr is None else number(lr, "lr", positive=True)
        steps = integer(steps, "steps", at_least=1, at_most=200)
        top = self.bowl.curvatures[1]
        width = "640px" if is_projector() else "420px"
        self._lr = widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=min(math.log10(0.01 / top), math.log10(lr)),
            max=max(math.log10(3.0 / top), math.log10(lr)),
            step=0.01,
            description="learning rate",
            readout_format=".3g",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width=width),
        )
        self._steps = widgets.IntSlider(
            value=steps,
            min=1,
            max=max(60, steps),
            description="steps",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width=width),
        )
        self._buttons = {name: widgets.Button(description=name) for name in REGIMES}
        for name, button in self._buttons.items():
            button.on_click(lambda _button, name=name: self.update(self.presets[name]))
        self._label = widgets.Label()
        self._image = widgets.Image(format="png")
        self.widget = widgets.VBox(
            [
                self._lr,
                self._steps,
                widgets.HBox(list(self._buttons.values())),
                self._label,
                self._image,
            ]
        )
        self._build_figure()
        self._moving = False
        for slider in (self._lr, self._steps):
            slider.observe(self._on_slide, names="value")
        self._draw()

    def _build_figure(self) -> None:
        """Create the figure, its contour plot, loss panel and empty path once."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import LogLocator, NullLocator

        big = is_projector()
        figure = Figure(figsize=(14, 6.5) if big else (9, 4.2), dpi=80)
        FigureCanvasAgg(figure)
        landscape, curve = figure.subplots(1, 2, width_ratios=(1.1, 1))
        _contours(landscape, self.bowl, self.start, big)
        width = 3.5 if big else 2.0
        (self._path,) = landscape.plot([], [], "o-", lw=width, ms=8 if big else 4, zorder=3)
        (self._curve,) = curve.plot([], [], "o-", lw=width, ms=8 if big else 4)
        curve.set(yscale="log", xlabel="step", ylabel="loss")
        curve.yaxis.set_major_locator(LogLocator(numticks=5))  # few ticks: quick to redraw
        curve.yaxis.set_minor_locator(NullLocator())
        self._title = figure.suptitle(" \n ", fontsize=20 if big else 12)
        figure.tight_layout()
        self._figure, self._landscape, self._loss_axes = figure, landscape, curve

    def _on_slide(self, change: dict) -> None:
        """Redraw when the student moves a slider."""
        if not self._moving:
            self._draw()

    def update(self, lr: float, steps: int | None = None) -> None:
        """Set the learning rate (and the number of steps) and redraw once."""
        lr = number(lr, "lr", positive=True)
        steps = (
            self._steps.value if steps is None else integer(steps, "steps", at_least=1, at_most=200)
        )
        self._moving = True
        try:
            exponent = math.log10(lr)
            self._lr.min, self._lr.max = min(self._lr.min, exponent), max(self._lr.max, exponent)
            self._lr.value = lr
            self._steps.max = max(self._steps.max, steps)
            self._steps.value = steps
        finally:
            self._moving = False
        self._draw()

    def _draw(self) -> None:
        """Move the path, the loss curve and the title to the sliders' values; re-encode the PNG."""
        lr, steps = float(self._lr.value), int(self._steps.value)
        self.path = self.bowl.path(self.start, lr, steps)
        with np.errstate(over="ignore", invalid="ignore"):
            self.losses = self.bowl.loss(self.path)
        self.regime = self.bowl.regime(lr, steps, self.start)
        title = _title(self.bowl, lr, self.regime, self.losses)
        color = _REGIME_COLORS[self.regime]
        self._path.set_data(*_on_screen(self.path, self.start, self.bowl.minimum).T)
        self._path.set_color(color)
        cap = 1e12 * self.losses[0]  # a runaway loss leaves the chart here
        shown = np.isfinite(self.losses) & (self.losses > 0) & (self.losses <= cap)
        self._curve.set_data(np.arange(steps + 1)[shown], self.losses[shown])
        self._curve.set_color(color)
        low, high = self.losses[shown].min(), self.losses[shown].max()
        self._loss_axes.set_xlim(0, steps)
        self._loss_axes.set_ylim(min(low, high / 10) / 2, high * 2)  # at least two decades
        self._title.set_text(title)
        self._label.value = f"{self.regime}: loss {self.losses[0]:.3g} → {self.losses[-1]:.3g}"
        self._image.value = figure_png(self._figure)


def learning_rate_explorer(
    lr: float | None = None,
    steps: int = 25,
    hessian: object = None,
    minimum: object = None,
    start: object = None,
) -> LearningRateExplorer:
    """Gradient descent on a quadratic bowl with a learning-rate slider; a cell ending in it shows it."""
    return LearningRateExplorer(lr, steps, hessian, minimum, start)


def plot_learning_rates(
    steps: int = 25, hessian: object = None, minimum: object = None, start: object = None
) -> Figure:
    """Four contour plots side by side: the preset crawling, good, oscillating, diverging rates."""
    import matplotlib.pyplot as plt

    bowl = Bowl(hessian, minimum)
    start = _pair(_START if start is None else start, "start")
    steps = integer(steps, "steps", at_least=1, at_most=200)
    big = is_projector()
    figure, axes = plt.subplots(1, 4, figsize=(20, 6) if big else (13, 3.8))
    for ax, (name, lr) in zip(axes, bowl.presets().items(), strict=True):
        _contours(ax, bowl, start, big)
        path = _on_screen(bowl.path(start, lr, steps), start, bowl.minimum)
        ax.plot(*path.T, "o-", color=_REGIME_COLORS[name], lw=3.5 if big else 2, ms=4)
        ax.set_title(f"{name}\nlr = {lr:.3g}", fontsize=20 if big else 12)
    figure.tight_layout()
    return figure


def _data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """X as float64 (n, d) and y as float64 (n,), or a ValueError naming the shapes."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.dtype.kind not in "biuf" or len(X) == 0:
        raise ValueError(f"X must be a numeric array of shape (n, d), got {describe(X)}")
    if y.shape != (len(X),) or y.dtype.kind not in "biuf":
        raise ValueError(f"y must be numbers of shape ({len(X)},) to match X, got {describe(y)}")
    return X.astype(np.float64), y.astype(np.float64)


def compare_batch_sizes(
    gradients: Callable,
    loss: Callable,
    X: object,
    y: object,
    lr: float = 0.1,
    epochs: int = 20,
    batch_sizes: Mapping[str, int] | None = None,
    seed: int = 0,
    ax: Axes | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Train (w, b) from zeros with each batch size; draw the loss over epochs in one figure.

    gradients(X_batch, y_batch, w, b) -> (dw, db) and loss(X, y, w, b) -> float come from the
    notebook. Default batch sizes: batch (all n points), mini-batch (16) and stochastic (1).
    The loss on all of X is recorded after every update. Returns {name: (epoch, loss)} where
    epoch counts passes over the data (fractions for updates inside an epoch).
    """
    if not callable(gradients) or not callable(loss):
        raise TypeError(
            f"gradients and loss must be functions, got {describe(gradients)} and {describe(loss)}"
        )
    X, y = _data(X, y)
    n, d = X.shape
    lr = number(lr, "lr", positive=True)
    epochs = integer(epochs, "epochs", at_least=1)
    if batch_sizes is None:
        batch_sizes = {"batch": n, "mini-batch": min(16, n), "stochastic": 1}
    if not isinstance(batch_sizes, Mapping) or not batch_sizes:
        raise TypeError(f"batch_sizes must be a dict name -> size, got {describe(batch_sizes)}")
    sizes = {
        str(name): integer(size, f"batch_sizes[{name!r}]", at_least=1, at_most=n)
        for name, size in batch_sizes.items()
    }
    rng = np.random.default_rng(seed)
    results = {}
    for name, size in sizes.items():
        w, b = np.zeros(d), 0.0
        seen, losses = [0.0], [float(loss(X, y, w, b))]
        for epoch in range(epochs):
            order = np.arange(n) if size == n else rng.permutation(n)
            for first in range(0, n, size):
                rows = order[first : first + size]
                dw, db = gradients(X[rows], y[rows], w, b)
                w, b = w - lr * np.asarray(dw, dtype=np.float64), b - lr * float(db)
                seen.append(epoch + min(first + size, n) / n)
                losses.append(float(loss(X, y, w, b)))
        results[name] = (np.array(seen), np.array(losses))
    _draw_comparison(results, sizes, ax)
    return results


def _draw_comparison(
    results: dict[str, tuple[np.ndarray, np.ndarray]], sizes: dict[str, int], ax: Axes | None
) -> None:
    """The loss curves of compare_batch_sizes on one axes (pyplot's current one by default)."""
    if ax is None:
        import matplotlib.pyplot as plt

        big = is_projector()
        ax = plt.figure(figsize=(12, 7) if big else (7.5, 4.5)).add_subplot()
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["bluish_green"], PALETTE["vermillion"]]
    for i, (name, (seen, losses)) in enumerate(results.items()):
        updates = len(losses) - 1
        ax.plot(
            seen,
            losses,
            "o-" if updates <= 60 else "-",
            color=colors[i % len(colors)],
            alpha=0.9 if updates <= 60 else 0.7,
            label=f"{name} (batch of {sizes[name]}, {updates} updates)",
        )
    ax.set(xlabel="epoch (passes over the data)", ylabel="loss on all the data")
    ax.legend()
