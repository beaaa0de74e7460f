"""utils.sequences: sequence data, the unrolled-RNN and prediction plots, the gradient widget."""

import subprocess
import sys

import ipywidgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from utils import sequences, style  # noqa: E402


def png_size(png):
    """(width, height) in pixels, from the PNG header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


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


# --------------------------------------------------------------------------- the widget


@pytest.fixture
def explorer():
    return sequences.gradient_explorer(w2=2.0, n=4)


def test_the_widget_has_two_live_sliders_a_label_and_the_picture(explorer):
    w2, n, label, image = explorer.widget.children
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert isinstance(w2, ipywidgets.FloatSlider) and isinstance(n, ipywidgets.IntSlider)
    assert (w2.value, n.value) == (2.0, 4) and w2.continuous_update and n.continuous_update
    assert explorer.factor == 16.0 and explorer.verdict == "exploding"
    assert "16" in label.value and "exploding" in label.value
    assert isinstance(image, ipywidgets.Image) and image.value == explorer.png
    assert png_size(explorer.png)[0] >= 300


@pytest.mark.parametrize(
    ("w2", "n", "factor", "verdict"),
    [(2.0, 4, 16.0, "exploding"), (0.5, 4, 0.0625, "vanishing"), (1.0, 50, 1.0, "steady"),
     (-2.0, 3, -8.0, "steady"), (-2.0, 4, 16.0, "exploding"), (0.0, 1, 0.0, "vanishing")],
)  # fmt: skip
def test_update_gives_w2_to_the_n_and_its_verdict(explorer, w2, n, factor, verdict):
    explorer.update(w2, n)
    assert explorer.factor == pytest.approx(factor) and explorer.verdict == verdict
    assert verdict in explorer.widget.children[2].value


def test_moving_a_slider_redraws_the_picture_and_the_curve(explorer):
    w2, n, label, image = explorer.widget.children
    before, curve = explorer.png, explorer._curve
    n.value = 10
    assert explorer.png != before and image.value == explorer.png
    assert len(curve.get_xdata()) == 11 and explorer.factor == 1024.0
    before = explorer.png
    w2.value = 0.5
    assert explorer.png != before and explorer.verdict == "vanishing"
    np.testing.assert_allclose(curve.get_ydata(), 0.5 ** np.arange(11))


def test_sliders_move_the_same_artists_on_the_same_figure(explorer):
    figure = explorer._figure
    (ax,) = figure.axes
    artists = list(ax.get_children())
    explorer.widget.children[0].value = 1.5
    explorer.widget.children[1].value = 30
    assert explorer._figure is figure and figure.axes == [ax]
    assert list(ax.get_children()) == artists


def test_a_blitted_redraw_looks_exactly_like_a_fresh_full_drawing(explorer):
    explorer.update(0.5, 10)
    explorer.update(1.5, 30)
    assert explorer.png == sequences.gradient_explorer(w2=1.5, n=30).png


def test_update_redraws_once(explorer, monkeypatch):
    draws = []
    draw = explorer._draw
    monkeypatch.setattr(explorer, "_draw", lambda: draws.append(1) or draw())
    explorer.update(0.9, 20)
    assert draws == [1]


def test_huge_and_tiny_factors_stay_on_a_finite_plot(explorer):
    explorer.update(3.0, 50)
    assert np.all(np.isfinite(explorer._curve.get_ydata()))
    explorer.update(0.0, 50)
    assert np.all(explorer._curve.get_ydata() > 0)  # a log scale has no room for 0


def test_update_widens_the_w2_slider_and_rejects_bad_values(explorer):
    explorer.update(5.0, 2)
    assert explorer.widget.children[0].value == 5.0 and explorer.factor == 25.0
    with pytest.raises(ValueError, match="n"):
        explorer.update(2.0, 0)
    with pytest.raises(ValueError, match="max_unrolls"):
        explorer.update(2.0, 51)
    with pytest.raises(TypeError, match="w2"):
        explorer.update("2", 3)
    with pytest.raises(ValueError, match="n"):
        sequences.gradient_explorer(n=60, max_unrolls=50)


def test_the_widget_displays_live_with_a_still_picture(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "image/png" in bundle


def test_projector_mode_makes_a_bigger_picture():
    small = png_size(sequences.gradient_explorer().png)
    style.use_course_style(projector=True)
    try:
        big_explorer = sequences.gradient_explorer()
        big = png_size(big_explorer.png)
        assert big_explorer._title.get_fontsize() >= 18
    finally:
        style.use_course_style(projector=False)
    assert big[0] > small[0] and big[1] > small[1]


def test_importing_the_module_loads_no_plotting_or_widgets():
    code = (
        "import sys, utils.sequences; "
        "print([m for m in ('matplotlib', 'ipywidgets', 'torch') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
