"""Lesson 02: slide the predicted probability p of the true class; compare two errors."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..arguments import number
from ..style import PALETTE
from .base import Explorer

if TYPE_CHECKING:
    from matplotlib.artist import Artist

P_MIN = 0.001  # the slider's smallest p: the log error there is -ln(0.001) = 6.9
STEPS_PER_DECADE = 20  # one arrow key multiplies p by 10 ** (1 / 20), about 1.12


def probability(p: object) -> float:
    """p as a float in (0, 1], or a clear error."""
    p = number(p, "p", finite=False)
    if not 0 < p <= 1:
        raise ValueError(f"p must lie in (0, 1] (the log error of p = 0 is infinite), got {p!r}")
    return p


class ErrorExplorer(Explorer):
    """A slider for the predicted probability p of a point whose label is y = 1.

    The figure shows the squared error (1 - p)^2 and the log error -ln(p) as curves, with a
    marker on each at the slider's p; the readout beside it gives p and both errors. The slider
    is logarithmic: each arrow key multiplies or divides p by about 1.12, so that the region
    near 0, where the log error grows without bound, is as easy to explore as the rest.
    """

    FIGSIZE = (4.6, 3.4)
    PROJECTOR_FIGSIZE = (7.0, 5.2)

    def __init__(self, p: float = 0.5):
        import ipywidgets as widgets

        super().__init__()
        self._p = self.slider(
            "p", "p", "predicted probability p of the true class y = 1 (log scale)",
            kind=widgets.FloatLogSlider, value=max(probability(p), P_MIN), base=10,
            min=math.log10(P_MIN), max=0.0, step=1 / STEPS_PER_DECADE, readout_format=".3g",
        )  # fmt: skip
        self.assemble([self._p], self._build_figure())

    def _build_figure(self) -> list[Artist]:
        """Both curves, a marker on each and a guide line at p; return the moving artists."""
        ax = self.figure.add_subplot()
        width = 3.5 if self.big else 2.0
        p = np.geomspace(P_MIN, 1.0, 400)
        blue, orange = PALETTE["blue"], PALETTE["vermillion"]
        ax.plot(p, (1 - p) ** 2, color=blue, linewidth=width, label="squared error $(1-p)^2$")
        ax.plot(
            p,
            -np.log(p),
            color=orange,
            linewidth=width,
            linestyle="--",
            label="log error $-\\ln p$",
        )
        marker = 3 * width + 3
        (self._squared_marker,) = ax.plot([], [], "o", color=blue, markersize=marker)
        (self._log_marker,) = ax.plot([], [], "s", color=orange, markersize=marker)
        self._guide = ax.axvline(0.5, color="grey", linestyle=":", linewidth=width / 2)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, -math.log(P_MIN) * 1.05)
        ax.set_xlabel("predicted probability $p$ of the true class $y = 1$", fontsize=self.font)
        ax.set_ylabel("error", fontsize=self.font)
        ax.tick_params(labelsize=self.font - 1)
        ax.legend(fontsize=self.font - 1, loc="upper right", frameon=False)
        self.figure.tight_layout()
        return [self._squared_marker, self._log_marker, self._guide]  # in the order drawn

    def update(self, p: float) -> None:
        """Move the slider to p (raised to 0.001 if smaller) and redraw once."""
        p = max(probability(p), P_MIN)
        with self.quiet():
            self._p.value = p

    def draw(self) -> None:
        """Move the markers and the guide line to the slider's p; the readout shows the values."""
        p = self.p
        self._squared_marker.set_data([p], [self.squared_error])
        self._log_marker.set_data([p], [self.log_error])
        self._guide.set_xdata([p, p])
        self._readout.value = (
            f"p = <b>{p:.3g}</b><br>squared error (1 − p)² = <b>{self.squared_error:.3f}</b>"
            f"<br>log error −ln p = <b>{self.log_error:.3f}</b>"
        )

    def describe(self) -> str:
        """The picture in words, with the values at p."""
        return (
            "The squared error (1 − p)² (solid curve) and the log error −ln p (dashed curve) for"
            f" p from 0 to 1, marked at p = {self.p:.3g}: squared error {self.squared_error:.3f},"
            f" log error {self.log_error:.3f}."
        )

    @property
    def p(self) -> float:
        """The probability the slider shows."""
        return float(self._p.value)

    @property
    def squared_error(self) -> float:
        """(1 - p)^2 at the slider's p."""
        return (1.0 - self.p) ** 2

    @property
    def log_error(self) -> float:
        """-ln(p) at the slider's p."""
        return 0.0 - math.log(self.p)  # 0.0, not -0.0, at p = 1


def error_explorer(p: float = 0.5) -> ErrorExplorer:
    """Slide p and compare the squared error (1 - p)^2 with the log error -ln(p) for y = 1."""
    return ErrorExplorer(p)
