"""Lesson 03: gradient descent on a quadratic bowl, with a learning-rate slider and presets."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..arguments import integer, number
from ..descent import REGIME_COLORS, REGIMES, Bowl, contours, on_screen, start_point
from .base import Explorer, superscript

if TYPE_CHECKING:
    from matplotlib.artist import Artist

MAX_STEPS = 200
DECADES_SHOWN = 8  # the loss panel shows losses down to 1e-8 times the first one
PRESET_HINTS = {
    "crawling": "a rate far below 1/λmax: tiny steps",
    "good": "the rate 1/λmax: straight to the bottom along the steep direction",
    "oscillating": "a rate just under 2/λmax: the steep direction flips sign each step",
    "diverging": "a rate above 2/λmax: every step overshoots further",
}


def power_of_ten(value: float, _position: int | None = None) -> str:
    """A tick label 10⁻³ for 0.001, in plain text (no mathtext to lay out)."""
    return "10" + superscript(round(math.log10(value)))


class LearningRateExplorer(Explorer):
    """A learning-rate slider (log scale), preset buttons and a steps slider over a contour plot."""

    FIGSIZE = (7.8, 3.5)
    PROJECTOR_FIGSIZE = (11.6, 5.2)

    def __init__(
        self,
        lr: float | None = None,
        steps: int = 25,
        hessian: object = None,
        minimum: object = None,
        start: object = None,
    ) -> None:
        import ipywidgets as widgets

        super().__init__()
        self.bowl = Bowl(hessian, minimum)
        self.start = start_point(start)
        if np.allclose(self.start, self.bowl.minimum):
            raise ValueError("start must differ from minimum, or there is nothing to descend")
        self.presets = self.bowl.presets()
        lr = self.presets["good"] if lr is None else number(lr, "lr", positive=True)
        steps = integer(steps, "steps", at_least=1, at_most=MAX_STEPS)
        top = self.bowl.curvatures[1]
        self._lr = self.slider(
            "lr", "learning rate", "learning rate (log scale)", kind=widgets.FloatLogSlider,
            value=lr, base=10, min=min(math.log10(0.01 / top), math.log10(lr)),
            max=max(math.log10(3.0 / top), math.log10(lr)), step=0.01, readout_format=".3g",
        )  # fmt: skip
        self._steps = self.slider(
            "steps", "steps", "number of gradient-descent steps", kind=widgets.IntSlider,
            value=steps, min=1, max=max(60, steps), step=1,
        )  # fmt: skip
        buttons = [
            self.button(name, name, f"preset {name}: {PRESET_HINTS[name]}", self._preset(name))
            for name in REGIMES
        ]
        row = widgets.HBox(buttons, layout=widgets.Layout(flex_flow="row wrap"))
        moving = self._build_figure()
        self.assemble([self._lr, self._steps, row], moving, backdrop=[self._loss_axes])

    def _preset(self, name: str) -> Callable[[], None]:
        """What the preset button `name` does: set its learning rate."""
        return lambda: self.update(self.presets[name])

    def _build_figure(self) -> list[Artist]:
        """The contour plot and the loss panel; return the artists that move at each change."""
        from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

        landscape, curve = self.figure.subplots(1, 2, width_ratios=(1.1, 1))
        contours(landscape, self.bowl, self.start, self.big)
        width, dot = (3.5, 8) if self.big else (2.0, 4)
        (self._path,) = landscape.plot([], [], "o-", lw=width, ms=dot, zorder=5)  # over the dots
        (self._curve,) = curve.plot([], [], "o-", lw=width, ms=dot)
        curve.set(yscale="log", xlabel="step", ylabel="loss")
        curve.yaxis.set_major_locator(LogLocator(numticks=5))  # few ticks: quick to redraw
        curve.yaxis.set_minor_locator(NullLocator())
        curve.yaxis.set_major_formatter(FuncFormatter(power_of_ten))  # 4x quicker than mathtext
        self._title = landscape.set_title(" ", fontsize=self.font)
        self.figure.tight_layout()
        self._loss_axes = curve
        return [self._path, self._title, self._curve]

    def update(self, lr: float, steps: int | None = None) -> None:
        """Set the learning rate (and the number of steps), widening the sliders; redraw once."""
        lr = number(lr, "lr", positive=True)
        if steps is not None:
            steps = integer(steps, "steps", at_least=1, at_most=MAX_STEPS)
        with self.quiet():
            exponent = math.log10(lr)
            self._lr.min, self._lr.max = min(self._lr.min, exponent), max(self._lr.max, exponent)
            self._lr.value = lr
            if steps is not None:
                self._steps.max = max(self._steps.max, steps)
                self._steps.value = steps

    def draw(self) -> None:
        """Move the path, the loss curve and the title to the sliders' values."""
        lr, steps = float(self._lr.value), int(self._steps.value)
        self.path = self.bowl.path(self.start, lr, steps)
        with np.errstate(over="ignore", invalid="ignore"):
            self.losses = self.bowl.loss(self.path)
        self.regime = self.bowl.regime(lr, steps, self.start)
        color = REGIME_COLORS[self.regime]
        self._path.set_data(*on_screen(self.path, self.start, self.bowl.minimum).T)
        self._path.set_color(color)
        cap = 1e12 * self.losses[0]  # a runaway loss leaves the chart here
        shown = np.isfinite(self.losses) & (self.losses > 0) & (self.losses <= cap)
        self._curve.set_data(np.arange(steps + 1)[shown], self.losses[shown])
        self._curve.set_color(color)
        self._fit_loss_axes(steps, self.losses[shown])
        ratio = lr * self.bowl.curvatures[1]
        self._title.set_text(f"lr = {lr:.3g} = {ratio:.3g}/λmax: {self.regime}")
        self._readout.value = (
            f"<b>{self.regime}</b>: loss {self.losses[0]:.3g} → {self.losses[-1]:.3g}"
            f" after {steps} steps"
        )

    def _fit_loss_axes(self, steps: int, shown: np.ndarray) -> None:
        """Limits that seldom change, so that most key presses redraw a line, not the panel's
        axes and ticks: steps up to the next multiple of 10, losses from DECADES_SHOWN decades
        under the first one (lower ones are off the chart: converged) up to the highest."""
        first = math.floor(math.log10(shown[0]))
        high = max(math.ceil(math.log10(2 * shown.max())), first + 1)
        limits = ((0, 10 * math.ceil(steps / 10)), (10.0 ** (first - DECADES_SHOWN), 10.0**high))
        if limits != (self._loss_axes.get_xlim(), self._loss_axes.get_ylim()):
            self._loss_axes.set(xlim=limits[0], ylim=limits[1])
            self._blitter.invalidate()

    def describe(self) -> str:
        """The picture in words: the rate, its regime and the loss before and after."""
        return (
            f"Contour lines of a bowl-shaped loss with {len(self.path) - 1} gradient-descent"
            f" steps at learning rate {float(self._lr.value):.3g} ({self.regime}), and the loss"
            f" at each step, from {self.losses[0]:.3g} to {self.losses[-1]:.3g}."
        )


def learning_rate_explorer(
    lr: float | None = None,
    steps: int = 25,
    hessian: object = None,
    minimum: object = None,
    start: object = None,
) -> LearningRateExplorer:
    """Gradient descent on a quadratic bowl with a learning-rate slider; a cell ending in it shows it."""
    return LearningRateExplorer(lr, steps, hessian, minimum, start)
