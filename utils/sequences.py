"""Lesson 06 plumbing: sequence data, the unrolled-RNN drawing and prediction plots, and the
memory task (recall the first value of a long sequence) with a small training loop for sequence
regressors (matplotlib and torch are imported when first used; the vanishing/exploding-gradient
widget is utils.explorers')."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import grading_mode
from .arguments import array, integer, number
from .style import PALETTE, content_width, is_projector

if TYPE_CHECKING:
    import torch
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


def recall_task(n: int, length: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n sequences of `length` steps whose target is their first value: X (n, length, 2), y (n,).

    Channel 0 holds values drawn uniformly from -1 ... 1; channel 1 is a marker, 1 at the first
    step and 0 after it. y[i] = X[i, 0, 0]. float64, the same for the same seed.
    """
    n = integer(n, "n", at_least=1)
    length = integer(length, "length", at_least=1)
    rng = np.random.default_rng(seed)
    X = np.zeros((n, length, 2))
    X[:, :, 0] = rng.uniform(-1.0, 1.0, size=(n, length))
    X[:, 0, 1] = 1.0
    return X, X[:, 0, 0].copy()


# --------------------------------------------------------------------------- training


def train_regressor(
    model: torch.nn.Module,
    X: object,
    y: object,
    steps: int = 300,
    batch_size: int = 64,
    lr: float = 0.01,
    device: torch.device | str = "cpu",
) -> list[float]:
    """Train model (sequences (batch, time, features) -> one number each) with Adam on the mean
    squared error, one mini-batch a step, X's rows taken in order; return each step's loss.

    In grading mode (utils.grading_mode) it trains FIT_BATCHES steps and says so.
    """
    import torch

    steps = integer(steps, "steps", at_least=1)
    batch_size = integer(batch_size, "batch_size", at_least=1)
    lr = number(lr, "lr", positive=True)
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(y), dtype=torch.float32)
    if X.ndim != 3 or y.shape != (len(X),):
        raise ValueError(
            f"X must be (n, time, features) and y (n,), got {tuple(X.shape)} and {tuple(y.shape)}"
        )
    if grading_mode.grading() and steps > grading_mode.FIT_BATCHES:
        print(
            f"Note: grading mode ({grading_mode.GRADING_ENV} is set): {grading_mode.FIT_BATCHES}"
            f" of the {steps} training steps."
        )
        steps = grading_mode.FIT_BATCHES
    model = model.to(device)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        rows = torch.arange(step * batch_size, (step + 1) * batch_size) % len(X)
        xb, yb = X[rows].to(device), y[rows].to(device)
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def mean_squared_error(
    model: torch.nn.Module, X: object, y: object, device: torch.device | str = "cpu"
) -> float:
    """The model's mean squared error on (X, y), computed without gradients."""
    import torch

    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(y), dtype=torch.float32)
    model = model.to(device)
    model.eval()
    with torch.no_grad():
        predicted = model(X.to(device)).cpu()
    return float(torch.mean((predicted - y) ** 2))


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


def plot_recall_example(X: object, ax: Axes | None = None) -> Axes:
    """Draw one sequence of recall_task (X of shape (length, 2)): its values as stems, the
    marked first value highlighted, and the target (that value) after the last step."""
    X = array(X, "X", ("length", 2))
    ax = _axes(ax, (content_width(), 4.6 if is_projector() else 3.0))
    steps = np.arange(1, len(X) + 1)
    marked = X[:, 1] > 0
    ax.axhline(0, color="black", linewidth=1)
    ax.vlines(steps, 0, X[:, 0], color=PALETTE["blue"], alpha=0.6)
    ax.plot(steps[~marked], X[~marked, 0], "o", color=PALETTE["blue"], label="distractors")
    ax.plot(steps[marked], X[marked, 0], "s", color=PALETTE["vermillion"], markersize=9,
            label="marked value (marker = 1)")  # fmt: skip
    target = X[marked, 0][0] if marked.any() else np.nan
    ax.plot([len(X) + 1.5], [target], "*", color=PALETTE["vermillion"], markersize=14,
            label="target: the marked value")  # fmt: skip
    ax.set(xlabel="step $t$", ylabel="value", ylim=(-1.15, 1.9), xlim=(0, len(X) + 2.5))
    ax.legend(loc="upper center", ncols=3)
    return ax
