"""Lesson 07: browse digits (all, or the mistakes only) beside the net's ten probabilities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..arguments import array
from ..digits import SIDE, as_images, as_labels
from ..style import PALETTE
from .base import Explorer, pixel_image

if TYPE_CHECKING:
    from matplotlib.artist import Artist

RIGHT, WRONG, TRUE = "✓", "✗", "true"  # over the bars, as well as colours: never colour alone


class DigitExplorer(Explorer):
    """Browse digits (all, or the mistakes only) beside the net's ten probabilities for each.

    The true digit's bar is green and hatched, with "true" over it when the net missed it; the
    net's answer has a ✓ over it, or a ✗ (and a red bar) when wrong: never colour alone.
    """

    FIGSIZE = (4.8, 2.6)
    PROJECTOR_FIGSIZE = (7.4, 4.0)
    PICTURE = "nnw-photo"  # the digit's pixels are data: never inverted in a dark theme

    def __init__(self, images: object, labels: object, probabilities: object):
        import ipywidgets as widgets

        super().__init__()
        self.images = as_images(images)
        self.labels = as_labels(labels, len(self.images), "labels")
        self.probabilities = array(probabilities, "probabilities", (len(self.images), 10))
        self.predicted = self.probabilities.argmax(axis=1)
        self.mistakes = np.flatnonzero(self.predicted != self.labels)
        self._slider = self.slider(
            "digit", "digit", "which digit to show (its position in the list)",
            kind=widgets.IntSlider, value=0, min=0, max=len(self.images) - 1, step=1,
        )  # fmt: skip
        self._only_mistakes = self.checkbox(
            "mistakes_only", "mistakes only", "browse only the digits the net gets wrong", False
        )
        self._only_mistakes.unobserve(self._on_change, names="value")
        self._only_mistakes.observe(self._on_mode, names="value")
        self.assemble([self._slider, self._only_mistakes], self._build_figure())

    def _build_figure(self) -> list[Artist]:
        """The digit on the left, ten probability bars on the right; return what moves."""
        left, right = self.figure.subplots(1, 2, width_ratios=[1, 1.6])
        top = 255 if self.images.max() > 1 else 1  # pixels 0-255, or scaled to 0-1
        self._shown = pixel_image(left, (SIDE, SIDE), cmap="gray_r", vmin=0, vmax=top)
        left.set_axis_off()
        self._bars = right.bar(range(10), np.zeros(10), color=PALETTE["blue"], hatchcolor="white")
        self._marks = [
            right.text(digit, 0, "", ha="center", va="bottom", fontsize=self.font + 2)
            for digit in range(10)
        ]
        self._title = right.set_title(" ", fontsize=self.font)
        right.set(xticks=range(10), ylim=(0, 1.18), yticks=[0, 0.5, 1])
        right.set_xlabel("digit", fontsize=self.font)
        right.set_ylabel("probability", fontsize=self.font)
        right.tick_params(labelsize=self.font - 1)
        self.figure.tight_layout()
        return [self._shown, *self._bars, *self._marks, self._title]

    def _indices(self) -> np.ndarray:
        """The digits the slider walks through: all of them or the mistakes."""
        return self.mistakes if self._only_mistakes.value else np.arange(len(self.images))

    def _on_mode(self, change: dict) -> None:
        """Switch between all digits and the mistakes; the slider's range follows."""
        with self.quiet():
            self._slider.value = 0
            self._slider.max = max(len(self._indices()) - 1, 0)

    def update(self, position: int, mistakes_only: bool | None = None) -> None:
        """Show the digit at `position` (among the mistakes when mistakes_only) and redraw once."""
        with self.quiet():
            if mistakes_only is not None:
                self._only_mistakes.value = bool(mistakes_only)
            count = len(self._indices())
            if not isinstance(position, (int, np.integer)) or not 0 <= position < max(count, 1):
                raise ValueError(f"position must be an int from 0 to {count - 1}, got {position!r}")
            self._slider.value = int(position)

    @property
    def index(self) -> int | None:
        """The index (into images) of the digit shown, or None when there is none to show."""
        indices = self._indices()
        return int(indices[self._slider.value]) if len(indices) else None

    @property
    def verdict(self) -> str | None:
        """'right' or 'wrong' for the digit shown (None when there is none)."""
        i = self.index
        return None if i is None else "right" if self.predicted[i] == self.labels[i] else "wrong"

    def draw(self) -> None:
        """Put the current digit and its probabilities into the figure; mark right and wrong."""
        i = self.index
        if i is None:
            self._readout.value = "no mistakes to show: every prediction is right"
            return
        probs, true, said = self.probabilities[i], self.labels[i], self.predicted[i]
        self._shown.set_data(self.images[i])
        for digit, (bar, mark, p) in enumerate(zip(self._bars, self._marks, probs, strict=True)):
            bar.set_height(p)
            color, hatch = PALETTE["blue"], ""
            if digit == true:
                color, hatch = PALETTE["bluish_green"], "///"
            elif digit == said:
                color = PALETTE["vermillion"]
            bar.set_facecolor(color)
            bar.set_edgecolor(color)
            bar.set_hatch(hatch)
            mark.set_position((digit, p + 0.02))
            mark.set_text(self._mark(digit, said, true))
            mark.set_rotation(90 if mark.get_text() == TRUE else 0)  # a word fits a bar upright
        sign = RIGHT if said == true else WRONG
        self._title.set_text(f"true {true}, net says {said}: {sign} {self.verdict}")
        self._readout.value = (
            f"digit #{i}: true <b>{true}</b>, net says <b>{said}</b> ({sign} {self.verdict}),"
            f" confidence {100 * probs[said]:.1f}%<br>{len(self.mistakes)} mistakes among"
            f" {len(self.images)} digits"
        )

    @staticmethod
    def _mark(digit: int, said: int, true: int) -> str:
        """What stands over a bar: ✓ or ✗ over the net's answer, "true" over a missed truth."""
        if digit == said:
            return RIGHT if said == true else WRONG
        return TRUE if digit == true else ""

    def describe(self) -> str:
        """The picture in words: the digit, the net's answer and its confidence."""
        i = self.index
        if i is None:
            return "No digit: the net makes no mistakes to browse."
        said = self.predicted[i]
        return (
            f"Digit #{i}, a handwritten {self.labels[i]}, and the net's probability for each"
            f" digit 0 to 9: it says {said} with {100 * self.probabilities[i, said]:.1f}%,"
            f" {self.verdict}."
        )


def digit_explorer(images: object, labels: object, probabilities: object) -> DigitExplorer:
    """A slider through the digits (or the mistakes) showing the net's ten probabilities."""
    return DigitExplorer(images, labels, probabilities)
