"""Projector mode reaches every widget the course draws: each one's picture grows with it."""

import io

import numpy as np
import pytest
from PIL import Image

import utils

EXPLORERS = {
    "perceptron": lambda: utils.explorers.perceptron_explorer(*utils.data.admissions()),
    "log-loss": lambda: utils.explorers.error_explorer(),
    "learning rate": lambda: utils.explorers.learning_rate_explorer(),
    "unrolling": lambda: utils.explorers.gradient_explorer(),
    "kernel": lambda: utils.explorers.kernel_explorer(utils.vision.letter_o()),
    "digits": lambda: utils.explorers.digit_explorer(
        np.zeros((3, 28, 28), dtype=np.uint8), np.array([0, 1, 2]), np.full((3, 10), 0.1)
    ),
    "playground": lambda: utils.playground.playground(n=100),
}


def picture_size(explorer) -> tuple[int, int]:
    return Image.open(io.BytesIO(explorer.png)).size


@pytest.fixture
def projector():
    utils.style.projector_mode(True)
    yield
    utils.style.projector_mode(False)


@pytest.mark.parametrize("name", EXPLORERS)
def test_projector_mode_draws_the_widget_bigger(name, projector):
    utils.style.projector_mode(False)
    width, height = picture_size(EXPLORERS[name]())
    utils.style.projector_mode(True)
    big_width, big_height = picture_size(EXPLORERS[name]())
    assert big_width > width and big_height >= height, (width, height, big_width, big_height)


def test_projector_mode_sets_large_fonts_and_thick_lines(projector):
    import matplotlib as mpl

    assert mpl.rcParams["font.size"] >= 18
    assert mpl.rcParams["lines.linewidth"] >= 3
