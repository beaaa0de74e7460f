"""utils.sequences: sequence data, the unrolled-RNN and prediction plots."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from utils import sequences, style  # noqa: E402
from utils.layout import layout_problems  # noqa: E402

# --------------------------------------------------------------------------- data


def test_noisy_sine_is_deterministic_with_a_seed_and_has_the_asked_shape():
    a = sequences.noisy_sine(n=100, seed=3)
    assert a.shape == (100,) and a.dtype == np.float64
    np.testing.assert_array_equal(a, sequences.noisy_sine(n=100, seed=3))
    assert not np.array_equal(a, sequences.noisy_sine(n=100, seed=4))


def test_noisy_sine_without_noise_is_the_sine_of_its_period():
    wave = sequences.noisy_sine(n=80, period=20, noise=0.0)
    np.testing.assert_allclose(wave, np.sin(2 * np.pi * np.arange(80) / 20), atol=1e-12)
    np.testing.assert_allclose(wave[:60], wave[20:80], atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "word"),
    [
        ({"n": 0}, ValueError, "n"),
        ({"n": 2.5}, ValueError, "n"),
        ({"period": 0.0}, ValueError, "period"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": "lots"}, TypeError, "noise"),
    ],
)
def test_noisy_sine_rejects_bad_arguments_by_name(kwargs, error, word):
    with pytest.raises(error, match=word):
        sequences.noisy_sine(**kwargs)


def test_sliding_windows_pairs_each_window_with_the_next_value():
    X, y = sequences.sliding_windows(np.arange(6.0), 3)
    np.testing.assert_array_equal(X, [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    np.testing.assert_array_equal(y, [3, 4, 5])
    assert X.dtype == y.dtype == np.float64 and X.flags.writeable


def test_sliding_windows_accepts_ints_and_rejects_bad_input():
    X, y = sequences.sliding_windows([1, 2, 3], 1)
    assert X.shape == (2, 1) and y.tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match="length"):
        sequences.sliding_windows(np.arange(3.0), 3)
    with pytest.raises(ValueError, match="length"):
        sequences.sliding_windows(np.arange(3.0), 0)
    with pytest.raises(ValueError, match="series"):
        sequences.sliding_windows(np.zeros((3, 2)), 1)


# --------------------------------------------------------------------------- figures


def test_plot_unrolled_labels_every_state_and_weight():
    fig, ax = plt.subplots()
    sequences.plot_unrolled([0.0, 0.5, 0.25, 1.0], [0.0, 0.9, 0.0, 1.8], 1.8, 0.0, -0.5, ax=ax)
    texts = [t.get_text() for t in ax.texts]
    assert "$h_2$ = 0.9" in texts and "$h_4$ = 1.8" in texts and "$x_3$ = 0.25" in texts
    assert texts.count("× -0.5") == 3 and texts.count("× 1.8") == 4
    plt.close(fig)


def test_plot_unrolled_needs_one_state_per_input():
    with pytest.raises(ValueError, match="states"):
        sequences.plot_unrolled([1.0, 2.0], [1.0], 1.0, 0.0, 1.0)
    with pytest.raises(TypeError, match="w2"):
        sequences.plot_unrolled([1.0], [1.0], 1.0, 0.0, "big")


def test_plot_predictions_draws_both_curves_where_they_belong():
    fig, ax = plt.subplots()
    series = np.arange(10.0)
    sequences.plot_predictions(series, series[3:] + 0.5, start=3, ax=ax, split=6)
    truth, predicted, split_line = ax.lines
    np.testing.assert_array_equal(predicted.get_xdata(), np.arange(3, 10))
    assert split_line.get_xdata()[0] == 6
    plt.close(fig)
    with pytest.raises(ValueError, match="run past"):
        sequences.plot_predictions(series, np.zeros(8), start=3)
    with pytest.raises(ValueError, match="start"):
        sequences.plot_predictions(series, np.zeros(2), start=-1)


def test_plot_predictions_keeps_its_legend_off_the_curves():
    series = sequences.noisy_sine(600)
    ax = sequences.plot_predictions(series, series[24:], start=24, split=450)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["the series", "predicted next value", "the test steps start"]
    assert ax.figure.get_figwidth() <= style.content_width()
    assert layout_problems(ax.figure) == []
    plt.close(ax.figure)


@pytest.mark.parametrize("projector", [False, True])
def test_plot_unrolled_fits_the_notebook(projector):
    style.use_course_style(projector=projector)
    try:
        ax = sequences.plot_unrolled([0.0, 0.5, 0.25, 1.0], [0.0, 0.9, 0.0, 1.8], 1.8, 0.0, -0.5)
        assert ax.figure.get_figwidth() <= style.content_width()
        assert layout_problems(ax.figure) == []
        many = sequences.plot_unrolled(np.ones(12), np.ones(12), 1.0, 0.0, 1.0)
        assert many.figure.get_figwidth() <= style.content_width()
    finally:
        plt.close("all")
        style.use_course_style(projector=False)


def test_importing_the_module_loads_no_plotting_or_widgets():
    code = (
        "import sys, utils.sequences; "
        "print([m for m in ('matplotlib', 'ipywidgets', 'torch') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
