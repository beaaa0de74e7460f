"""Lesson 03's pictures: gradient descent on a loss landscape and batch vs stochastic.

`Bowl` is a quadratic loss (the shape of every smooth loss near its minimum) on which
`plot_learning_rates()` draws four learning rates' paths (utils.explorers.learning_rate_explorer
is its widget), `plot_paths(...)` any optimisers' paths on it, `stretched(bowl, steep)` a steeper
copy and `steps_to_reach(...)` how soon a path settles near the minimum; `compare_batch_sizes(...)`
trains one model with batch, mini-batch and stochastic gradient descent and draws the three loss
curves in one figure. matplotlib is imported only when a picture is made.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from .arguments import array, integer, number
from .checks.failure import describe
from .plots import legend_beside
from .style import PALETTE, figsize, is_projector

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

REGIMES = ("crawling", "good", "oscillating", "diverging")
# Each preset as a multiple of 1 / (the largest curvature of the bowl).
_PRESET_FACTORS = {"crawling": 0.02, "good": 1.0, "oscillating": 1.9, "diverging": 2.1}
REGIME_COLORS = {
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


def _hessian(value: object) -> np.ndarray:
    """value as a symmetric positive definite float64 (2, 2) matrix, or a ValueError."""
    H = array(value, "hessian", (2, 2), finite=True)
    if not np.allclose(H, H.T) or np.linalg.eigvalsh(H)[0] <= 0:
        raise ValueError(
            f"hessian must be symmetric with positive curvatures (eigenvalues), got {H.tolist()}"
        )
    return H


class Bowl:
    """The quadratic loss L(p) = 1/2 (p - minimum)^T H (p - minimum) over two parameters p."""

    def __init__(self, hessian: object = None, minimum: object = None) -> None:
        self.hessian = _hessian(_HESSIAN if hessian is None else hessian)
        self.minimum = array(_MINIMUM if minimum is None else minimum, "minimum", (2,), finite=True)
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


def start_point(start: object = None) -> np.ndarray:
    """Where descent starts: (-2, 2.5) by default, else `start` as two finite numbers."""
    return array(_START if start is None else start, "start", (2,), finite=True)


def on_screen(path: np.ndarray, start: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """The first points of a path that stay within a million view widths (to draw safely)."""
    far = 1e6 * max(np.abs(start - minimum).max(), 1e-3)
    with np.errstate(invalid="ignore"):
        near = np.all(np.abs(path - minimum) <= far, axis=1)
    stop = len(path) if near.all() else int(np.argmin(near))
    return path[: max(stop, 1)]


def contours(ax: Axes, bowl: Bowl, start: np.ndarray, big: bool) -> None:
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


def plot_learning_rates(
    steps: int = 25, hessian: object = None, minimum: object = None, start: object = None
) -> Figure:
    """Four contour plots, two by two: the preset crawling, good, oscillating, diverging rates."""
    import matplotlib.pyplot as plt

    bowl = Bowl(hessian, minimum)
    start = start_point(start)
    steps = integer(steps, "steps", at_least=1, at_most=200)
    big = is_projector()
    figure, axes = plt.subplots(
        2,
        2,
        figsize=figsize(6.4, 5.6),
        sharex=True,
        sharey=True,
        layout="constrained",
    )
    for ax, (name, lr) in zip(axes.flat, bowl.presets().items(), strict=True):
        contours(ax, bowl, start, big)
        path = on_screen(bowl.path(start, lr, steps), start, bowl.minimum)
        ax.plot(*path.T, "o-", color=REGIME_COLORS[name], lw=3.5 if big else 2, ms=4)
        ax.set_title(f"{name}: lr = {lr:.3g}")
        ax.label_outer()
    return figure


def stretched(bowl: Bowl, steep: float) -> Bowl:
    """The same bowl (axes, minimum, shallow curvature) with its steep curvature set to steep."""
    steep = number(steep, "steep", positive=True)
    axes = np.linalg.eigh(bowl.hessian)[1]  # columns: shallow axis, steep axis
    curvatures = np.array([bowl.curvatures[0], steep])
    return Bowl(axes @ np.diag(curvatures) @ axes.T, bowl.minimum)


def steps_to_reach(path: object, minimum: object, tol: float) -> int | None:
    """The first step k from which every point path[k:] stays within tol of minimum, else None."""
    path = array(path, "path", ("steps + 1", "d"))
    minimum = array(minimum, "minimum", (path.shape[1],))
    tol = number(tol, "tol", positive=True)
    with np.errstate(invalid="ignore", over="ignore"):
        near = np.linalg.norm(path - minimum, axis=1) <= tol  # nan (diverged) counts as far
    if not near[-1]:
        return None
    far = np.flatnonzero(~near)
    return int(far[-1] + 1) if far.size else 0


def plot_paths(
    paths: Mapping[str, object],
    bowl: Bowl | None = None,
    start: object = None,
    ax: Axes | None = None,
) -> Axes:
    """Paths {name: points (steps + 1, 2)} overlaid on the bowl's contours, the legend beside."""
    import matplotlib.pyplot as plt

    bowl = Bowl() if bowl is None else bowl
    start = start_point(start)
    if not isinstance(paths, Mapping) or not paths:
        raise TypeError(f"paths must be a dict name -> points, got {describe(paths)}")
    if ax is None:
        ax = plt.figure(figsize=figsize(6.4, 4.4), layout="constrained").add_subplot()
    big = is_projector()
    contours(ax, bowl, start, big)
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["bluish_green"], PALETTE["vermillion"]]
    for i, (name, points) in enumerate(paths.items()):
        points = on_screen(array(points, f"paths[{name!r}]", ("steps + 1", 2)), start, bowl.minimum)
        width = 3 if big else 1.5
        ax.plot(*points.T, "o-", color=colors[i % len(colors)], lw=width, ms=3, label=str(name))
    legend_beside(ax)
    return ax


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
    X = array(X, "X", ("n", "d"))
    y = array(y, "y", (len(X),))
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

        ax = plt.figure(figsize=figsize(8.0, 4.0)).add_subplot()
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["bluish_green"], PALETTE["vermillion"]]
    for i, (name, (seen, losses)) in enumerate(results.items()):
        updates = len(losses) - 1
        ax.plot(
            seen,
            losses,
            "o-" if updates <= 60 else "-",
            color=colors[i % len(colors)],
            alpha=0.9 if updates <= 60 else 0.7,
            label=f"{name}: {sizes[name]} per batch,\n{updates} updates",
        )
    ax.set(xlabel="epoch (passes over the data)", ylabel="loss on all the data")
    legend_beside(ax, labelspacing=0.9)
