"""Lesson 06: how the feedback weight w2 of an RNN scales the first input after n unrolls."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..arguments import integer, number
from ..sequences import EXPLODING
from ..style import PALETTE
from .base import Explorer, superscript

if TYPE_CHECKING:
    from matplotlib.artist import Artist

Y_LIMITS = (1e-8, 1e8)  # the plot's range of |w2|^k; larger and smaller sizes sit on its edge
VERDICT_COLORS = {"exploding": "vermillion", "vanishing": "blue", "steady": "bluish_green"}


def verdict(factor: float) -> str:
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

    FIGSIZE = (4.6, 3.4)
    PROJECTOR_FIGSIZE = (7.0, 5.2)

    def __init__(self, w2: float = 2.0, n: int = 4, max_unrolls: int = 50):
        import ipywidgets as widgets

        super().__init__()
        w2 = number(w2, "w2")
        self.max_unrolls = integer(max_unrolls, "max_unrolls", at_least=1)
        n = integer(n, "n", at_least=1, at_most=self.max_unrolls)
        limit = max(3.0, abs(w2))
        self._w2 = self.slider(
            "w2", "w2", "feedback weight w2", value=w2, min=-limit, max=limit, step=0.05
        )
        self._n = self.slider(
            "n", "n", "number of unrolls n", kind=widgets.IntSlider,
            value=n, min=1, max=self.max_unrolls, step=1,
        )  # fmt: skip
        self.assemble([self._w2, self._n], self._build_figure())

    def _build_figure(self) -> list[Artist]:
        """The log-scale axes with their bands; return the curve, its end marker and the title."""
        ax = self.figure.add_subplot()
        low, high = Y_LIMITS
        font = self.font
        ax.set_yscale("log")
        ax.set(xlim=(-0.5, self.max_unrolls + 0.5), ylim=(low, high))
        ax.set_xlabel("unrolls $k$", fontsize=font)
        ax.set_ylabel("$|w_2|^k$", fontsize=font)
        ax.tick_params(labelsize=font - 1)
        ax.axhspan(EXPLODING, high, color=PALETTE["vermillion"], alpha=0.12, linewidth=0)
        ax.axhspan(low, 1 / EXPLODING, color=PALETTE["blue"], alpha=0.12, linewidth=0)
        ax.axhline(1.0, color="black", linewidth=2.5 if self.big else 1)
        ax.text(0.5, high / 10, "exploding", color=PALETTE["vermillion"], va="top", fontsize=font)
        ax.text(0.5, low * 10, "vanishing", color=PALETTE["blue"], va="bottom", fontsize=font)
        (self._curve,) = ax.plot(
            [], [], color=PALETTE["black"], marker="o", markersize=6 if self.big else 3,
            linewidth=3 if self.big else 1.5,
        )  # fmt: skip
        (self._end,) = ax.plot([], [], markersize=16 if self.big else 9, linestyle="none")
        self._title = ax.set_title(" ", fontsize=font)
        self.figure.tight_layout()
        return [self._curve, self._end, self._title]

    def update(self, w2: float, n: int) -> None:
        """Move the sliders to (w2, n), widening the w2 slider if needed, and redraw once."""
        w2 = number(w2, "w2")
        n = integer(n, "n", at_least=1, at_most=self.max_unrolls)
        with self.quiet():
            self._w2.min, self._w2.max = min(self._w2.min, w2), max(self._w2.max, w2)
            self._w2.value = w2
            self._n.value = n

    @property
    def factor(self) -> float:
        """w2**n for the sliders' values: what the first input is multiplied by."""
        return float(self._w2.value) ** int(self._n.value)

    @property
    def verdict(self) -> str:
        """'exploding' (|w2**n| > 10), 'vanishing' (< 0.1) or 'steady'."""
        return verdict(self.factor)

    def draw(self) -> None:
        """Move the curve, the end marker and the title to the sliders' values."""
        w2, n = float(self._w2.value), int(self._n.value)
        k = np.arange(n + 1)
        with np.errstate(over="ignore", under="ignore"):
            sizes = np.abs(w2) ** k.astype(np.float64)
        low, high = Y_LIMITS
        shown = np.clip(sizes, low / 10, high * 10)  # off the axes, never 0 or inf on a log scale
        self._curve.set_data(k, shown)
        self._end.set_data([n], [np.clip(sizes[-1], low, high)])  # on the edge when off the axes
        self._end.set_color(PALETTE[VERDICT_COLORS[self.verdict]])
        self._end.set_marker({"exploding": "^", "vanishing": "v", "steady": "o"}[self.verdict])
        base = f"({w2:.2f})" if w2 < 0 else f"{w2:.2f}"
        self._title.set_text(f"first input × {base}{superscript(n)} = {self.factor:.3g}")
        self._readout.value = (
            f"w2 = {w2:.2f}, n = {n}: the first input is scaled by <b>{self.factor:.4g}</b>"
            f" (<b>{self.verdict}</b>)"
        )

    def describe(self) -> str:
        """The picture in words: the factor after n unrolls and its verdict."""
        return (
            f"The factor |w2|^k for k = 0 to {int(self._n.value)} on a log scale, with w2 ="
            f" {float(self._w2.value):.2f}: after {int(self._n.value)} unrolls the first input is"
            f" scaled by {self.factor:.3g}, {self.verdict}."
        )


def gradient_explorer(w2: float = 2.0, n: int = 4, max_unrolls: int = 50) -> GradientExplorer:
    """Sliders for w2 and n showing how w2**n scales the first input; a cell ending in it shows it."""
    return GradientExplorer(w2, n, max_unrolls)
