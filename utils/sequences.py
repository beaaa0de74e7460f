"""Lesson 06 plumbing: sequence data, the unrolled-RNN drawing and prediction plots (matplotlib
is imported when first used; the vanishing/exploding-gradient widget is utils.explorers')."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arguments import array, integer, number
from .style import PALETTE, content_width, is_projector

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# The gradient widget calls a factor "exploding" above this and "vanishing" below its inverse.
EXPLODING = 10.0


# --------------------------------------------------------------------------- data


def noisy_sine(n: int = 600, period: float = 40.0, noise: float = 0.1, seed: int = 0) -> np.ndarray:
    """A sine wave of the given period (in steps) plus Gaussian noise: float64 of shape (n,)."""
    n = integer(n, "n", at_least=1)
    period = number(period, "period")
    noise = number(noise, "noise")
    if period <= 0:
        raise ValueError(f"period must be > 0, got {period}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64)
    return np.sin(2 * np.pi * t / period) + noise * rng.normal(size=n)


def sliding_windows(series: object, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into windows X (m, length) and the value after each window y (m,).

    X[i] = series[i : i + length] and y[i] = series[i + length], float64, m = len - length.
    """
    series = array(series, "series", ("n",))
    length = integer(length, "length", at_least=1)
    if length >= len(series):
        raise ValueError(f"length must be smaller than the series ({len(series)}), got {length}")
    X = np.lib.stride_tricks.sliding_window_view(series, length)[:-1].copy()
    return X, series[length:].copy()


# --------------------------------------------------------------------------- figures


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """ax itself, or a new pyplot figure's axes."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def plot_unrolled(
    inputs: object,
    states: object,
    w1: float,
    b1: float,
    w2: float,
    ax: Axes | None = None,
) -> Axes:
    """Draw a one-unit RNN unrolled over len(inputs) steps, each box labelled with its state.

    Plumbing only: `states` are computed by the caller (one per input, same length).
    """
    inputs, states = array(inputs, "inputs", ("n",)), array(states, "states", ("n",))
    if states.shape != inputs.shape:
        raise ValueError(
            f"states must have one value per input: inputs {inputs.shape}, states {states.shape}"
        )
    w1, b1, w2 = number(w1, "w1"), number(b1, "b1"), number(w2, "w2")
    steps = len(inputs)
    per_step = 3.0 if is_projector() else 1.9
    height = 5.2 if is_projector() else 3.2
    ax = _axes(ax, (min(content_width(), per_step * steps + 0.4), height))
    lw = 3.0 if is_projector() else 1.5
    box = {"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": PALETTE["blue"],
           "linewidth": lw}  # fmt: skip
    for t, (x, h) in enumerate(zip(inputs, states, strict=True)):
        ax.annotate(
            "",
            (t, 0.35),
            (t, -0.55),
            arrowprops={"arrowstyle": "->", "color": "black", "lw": lw},
        )
        ax.text(t, -0.75, f"$x_{t + 1}$ = {x:g}", ha="center", va="top")
        ax.text(t + 0.06, -0.15, f"× {w1:g}", ha="left", va="center", color=PALETTE["vermillion"])
        ax.text(t, 0.62, f"$h_{t + 1}$ = {h:.3g}", ha="center", va="center", bbox=box)
        ax.annotate(
            "",
            (t, 1.45),
            (t, 0.9),
            arrowprops={"arrowstyle": "->", "color": "black", "lw": lw},
        )
        if t + 1 < steps:
            ax.annotate(
                "",
                (t + 0.62, 0.62),
                (t + 0.38, 0.62),
                arrowprops={"arrowstyle": "->", "color": PALETTE["bluish_green"], "lw": 2 * lw},
            )
            ax.text(
                t + 0.5, 0.8, f"× {w2:g}", ha="center", va="bottom", color=PALETTE["bluish_green"]
            )
    ax.set_title(
        f"one unit unrolled over {steps} steps: $w_1$ = {w1:g}, $b_1$ = {b1:g}, $w_2$ = {w2:g}"
    )
    ax.set(xlim=(-0.6, steps - 0.4), ylim=(-1.2, 1.6))
    ax.axis("off")
    return ax


def plot_predictions(
    series: object,
    predictions: object,
    start: int,
    ax: Axes | None = None,
    split: int | None = None,
) -> Axes:
    """Plot a series and one-step-ahead predictions of series[start:], marking a train/test split."""
    series = array(series, "series", ("n",))
    predictions = array(predictions, "predictions", ("n",))
    start = integer(start, "start", at_least=0)
    if start + len(predictions) > len(series):
        raise ValueError(
            f"predictions ({len(predictions)} values from step {start}) run past the series "
            f"({len(series)} values)"
        )
    ax = _axes(ax, (content_width(), 5.5 if is_projector() else 3.6))
    t = np.arange(len(series))
    ax.plot(t, series, color=PALETTE["blue"], alpha=0.5, label="the series")
    ax.plot(
        t[start : start + len(predictions)],
        predictions,
        color=PALETTE["vermillion"],
        label="predicted next value",
    )
    low = min(series.min(), predictions.min())
    high = max(series.max(), predictions.max())
    if split is not None:  # a dashed line from the bottom to the top of the data, not higher
        line = {"color": "black", "linestyle": "--", "linewidth": 1.5}
        ax.plot([split, split], [low, high], label="the test steps start", **line)
    # an empty band above the data holds the legend, so that it never covers a curve
    span = max(high - low, 1e-9)
    ax.set(xlabel="step $t$", ylabel="value", ylim=(low - 0.05 * span, high + 0.35 * span))
    ax.legend(loc="upper left", ncols=3)
    return ax
