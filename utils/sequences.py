"""Lesson 06 plumbing: sequence data, the unrolled-RNN drawing, prediction plots and the
vanishing/exploding-gradient widget (matplotlib and ipywidgets are imported when first used)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._explorer import Blitter, Explorer
from .arguments import integer, number
from .checks.failure import describe, to_numpy
from .style import PALETTE, is_projector

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# The gradient widget calls a factor "exploding" above this and "vanishing" below its inverse.
EXPLODING = 10.0


def _series(values: object, name: str) -> np.ndarray:
    """values as a 1-d float64 array, or a ValueError naming the argument."""
    array = np.asarray(to_numpy(values))
    if array.ndim != 1 or array.dtype.kind not in "biuf" or len(array) == 0:
        raise ValueError(f"{name} must be a non-empty 1-d array of numbers, got {describe(array)}")
    return array.astype(np.float64)


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
    series = _series(series, "series")
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
    inputs, states = _series(inputs, "inputs"), _series(states, "states")
    if states.shape != inputs.shape:
        raise ValueError(
            f"states must have one value per input: inputs {inputs.shape}, states {states.shape}"
        )
    w1, b1, w2 = number(w1, "w1"), number(b1, "b1"), number(w2, "w2")
    steps = len(inputs)
    ax = _axes(ax, (2.0 * steps + 1, 3.4))
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
    series = _series(series, "series")
    predictions = _series(predictions, "predictions")
    start = integer(start, "start", at_least=0)
    if start + len(predictions) > len(series):
        raise ValueError(
            f"predictions ({len(predictions)} values from step {start}) run past the series "
            f"({len(series)} values)"
        )
    ax = _axes(ax, (10, 4))
    t = np.arange(len(series))
    ax.plot(t, series, color=PALETTE["blue"], alpha=0.5, label="the series")
    ax.plot(
        t[start : start + len(predictions)],
        predictions,
        color=PALETTE["vermillion"],
        label="predicted next value",
    )
    if split is not None:
        ax.axvline(split, color="black", linestyle="--", linewidth=1.5)
        ax.text(split, ax.get_ylim()[1], " test →", va="top", ha="left")
    ax.set(xlabel="step $t$", ylabel="value")
    ax.legend(loc="best")
    return ax


# --------------------------------------------------------------------------- the widget


def _verdict(factor: float) -> str:
    """'exploding', 'vanishing' or 'steady' for a gradient factor."""
    size = abs(factor)
    if size > EXPLODING:
        return "exploding"
    if size < 1 / EXPLODING:
        return "vanishing"
    return "steady"


class GradientExplorer(Explorer):
    """Sliders for the feedback weight w2 and the number of unrolls n; the plot shows the factor
    w2**k that multiplies the first input after k = 0..n unrolls, on a log scale."""

    Y_LIMITS = (1e-8, 1e8)

    def __init__(self, w2: float = 2.0, n: int = 4, max_unrolls: int = 50):
        import ipywidgets as widgets

        w2 = number(w2, "w2")
        n = integer(n, "n", at_least=1)
        self.max_unrolls = integer(max_unrolls, "max_unrolls", at_least=1)
        if n > self.max_unrolls:
            raise ValueError(f"n must be at most max_unrolls = {self.max_unrolls}, got {n}")
        limit = max(3.0, abs(w2))
        width = "640px" if is_projector() else "420px"
        self._w2 = widgets.FloatSlider(
            value=w2, min=-limit, max=limit, step=0.05, description="w2",
            continuous_update=True, layout=widgets.Layout(width=width),
        )  # fmt: skip
        self._n = widgets.IntSlider(
            value=n, min=1, max=self.max_unrolls, step=1, description="n",
            continuous_update=True, layout=widgets.Layout(width=width),
        )  # fmt: skip
        self._label = widgets.Label()
        self._image = widgets.Image(format="png")
        self.widget = widgets.VBox([self._w2, self._n, self._label, self._image])
        self._build_figure()
        self._moving_sliders = False
        for slider in (self._w2, self._n):
            slider.observe(self._on_slide, names="value")
        self._draw()

    def _build_figure(self) -> None:
        """Create the one figure and its artists; later only their data changes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        big = is_projector()
        figure = Figure(figsize=(9, 6) if big else (5.6, 3.6), dpi=80)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        low, high = self.Y_LIMITS
        font = 18 if big else 10
        ax.set_yscale("log")
        ax.set(xlim=(-0.5, self.max_unrolls + 0.5), ylim=(low, high))
        ax.set_xlabel("unrolls $k$", fontsize=font)
        ax.set_ylabel("$|w_2|^k$", fontsize=font)
        ax.tick_params(labelsize=font)
        ax.axhspan(EXPLODING, high, color=PALETTE["vermillion"], alpha=0.12, linewidth=0)
        ax.axhspan(low, 1 / EXPLODING, color=PALETTE["blue"], alpha=0.12, linewidth=0)
        ax.axhline(1.0, color="black", linewidth=3 if big else 1)
        ax.text(0.5, high / 10, "exploding", color=PALETTE["vermillion"], va="top", fontsize=font)
        ax.text(0.5, low * 10, "vanishing", color=PALETTE["blue"], va="bottom", fontsize=font)
        (self._curve,) = ax.plot(
            [], [], color=PALETTE["black"], marker="o", markersize=6 if big else 3,
            linewidth=3 if big else 1.5,
        )  # fmt: skip
        (self._end,) = ax.plot([], [], marker="o", markersize=16 if big else 9, linestyle="none")
        self._title = ax.set_title("$w_2^n$", fontsize=font)
        figure.tight_layout()
        # Blitting: the axes, bands and labels are drawn once; a redraw draws only what moves.
        self._blitter = Blitter(figure, [self._curve, self._end, self._title])
        self._ax = ax
        self._figure = figure

    def _on_slide(self, change: dict) -> None:
        """Redraw when the student moves a slider."""
        if not self._moving_sliders:
            self._draw()

    def update(self, w2: float, n: int) -> None:
        """Move the sliders to (w2, n) and redraw once."""
        w2 = number(w2, "w2")
        n = integer(n, "n", at_least=1)
        if n > self.max_unrolls:
            raise ValueError(f"n must be at most max_unrolls = {self.max_unrolls}, got {n}")
        self._moving_sliders = True
        try:
            self._w2.min, self._w2.max = min(self._w2.min, w2), max(self._w2.max, w2)
            self._w2.value = w2
            self._n.value = n
        finally:
            self._moving_sliders = False
        self._draw()

    @property
    def factor(self) -> float:
        """w2**n for the sliders' values: what the first input is multiplied by."""
        return float(self._w2.value) ** int(self._n.value)

    @property
    def verdict(self) -> str:
        """'exploding' (|w2**n| > 10), 'vanishing' (< 0.1) or 'steady'."""
        return _verdict(self.factor)

    def _draw(self) -> None:
        """Move the curve, the end marker and the title to the sliders' values; re-encode the PNG."""
        w2, n = float(self._w2.value), int(self._n.value)
        k = np.arange(n + 1)
        with np.errstate(over="ignore", under="ignore"):
            sizes = np.abs(w2) ** k.astype(np.float64)
        low, high = self.Y_LIMITS
        shown = np.clip(sizes, low / 10, high * 10)  # off the axes, never 0 or inf on a log scale
        self._curve.set_data(k, shown)
        verdict = self.verdict
        colour = {"exploding": "vermillion", "vanishing": "blue", "steady": "bluish_green"}
        self._end.set_data([n], [np.clip(sizes[-1], low, high)])  # on the edge when off the axes
        self._end.set_color(PALETTE[colour[verdict]])
        text = f"first input × {w2:.2f}$^{{{n}}}$ = {self.factor:.3g}: {verdict}"
        self._title.set_text(text)
        self._label.value = (
            f"w2 = {w2:.2f}, n = {n}: the first input is scaled by {self.factor:.4g} ({verdict})"
        )
        self._image.value = self._blitter.png()


def gradient_explorer(w2: float = 2.0, n: int = 4, max_unrolls: int = 50) -> GradientExplorer:
    """Sliders for w2 and n showing how w2**n scales the first input; a cell ending in it shows it."""
    return GradientExplorer(w2, n, max_unrolls)
