"""utils.logloss: the rotating-line figure of lesson 02 and the squared-vs-log-error widget."""

import base64
import math

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import data, logloss, style

matplotlib.use("Agg")


# Every test starts without figures and leaves matplotlib's settings as they were (conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_pyplot")


# Two points on the x1 axis around the pivot (0, 0): class 0 on the left, class 1 on the right.
X_TWO = np.array([[-1.0, 0.0], [1.0, 0.0]])
y_TWO = np.array([0, 1])


def png_size(png):
    """(width, height) in pixels, from the PNG header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_the_scan_counts_mistakes_and_log_loss_at_each_angle():
    X = np.array([[-1.0, 1.0], [1.0, 1.0]])  # class 0 upper left, class 1 upper right
    scan = logloss.plot_mistakes_vs_log_loss(
        X, y_TWO, angles=[0.0, 90.0, 180.0], pivot=(0.0, 0.0), scale=2.0
    )
    np.testing.assert_array_equal(scan.angles, [0.0, 90.0, 180.0])
    # 0°: normal (1, 0), both right; 90°: normal (0, 1), both called 1; 180°: both wrong.
    np.testing.assert_array_equal(scan.mistakes, [0, 1, 2])
    assert scan.mistakes.dtype == np.int64
    right, wrong = math.log1p(math.exp(-2.0)), math.log1p(math.exp(2.0))
    np.testing.assert_allclose(scan.log_loss, [right, (right + wrong) / 2, wrong], rtol=1e-12)


def test_mistakes_are_a_staircase_and_the_log_loss_is_smooth():
    X, y = data.admissions()
    scan = logloss.plot_mistakes_vs_log_loss(X, y)
    assert scan.angles.shape == scan.mistakes.shape == scan.log_loss.shape == (721,)
    assert np.all(np.isfinite(scan.log_loss)) and np.all(scan.log_loss > 0)
    assert np.all((0 <= scan.mistakes) & (scan.mistakes <= len(y)))
    # The count often stays flat between small turns; the log-loss changes at every turn.
    assert np.mean(np.diff(scan.mistakes) == 0) > 0.3
    assert np.all(np.diff(scan.log_loss) != 0)
    # Both are best near the office's rule 2*x1 + x2 - 18 = 0, whose normal points at 26.6°.
    assert abs(scan.angles[np.argmin(scan.log_loss)] - 26.6) < 10
    assert scan.mistakes.min() <= 0.1 * len(y)


def test_the_figure_shows_the_data_the_staircase_and_the_curve():
    X, y = data.admissions(n=40)
    scan = logloss.plot_mistakes_vs_log_loss(X, y, angles=np.linspace(-90, 90, 181))
    data_ax, count_ax, loss_ax = scan.figure.axes
    assert len(data_ax.collections) >= 2  # the two classes (and the pivot)
    staircase = count_ax.get_lines()[0]
    assert staircase.get_drawstyle() == "steps-mid"
    np.testing.assert_array_equal(staircase.get_ydata(), scan.mistakes)
    np.testing.assert_allclose(loss_ax.get_lines()[0].get_ydata(), scan.log_loss)


def test_huge_scales_give_finite_log_loss():
    scan = logloss.plot_mistakes_vs_log_loss(X_TWO, y_TWO, angles=[0, 180], scale=1e6)
    np.testing.assert_allclose(scan.log_loss, [0.0, 1e6], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"X": np.zeros((2, 3))}, ValueError, r"X must be a numeric array of shape \(n, 2\)"),
        ({"y": np.array([0, 1, 1])}, ValueError, r"y must have shape \(2,\)"),
        ({"y": np.array([0, 2])}, ValueError, "y must hold the labels 0 and 1 only"),
        ({"angles": [10.0]}, ValueError, "angles must be a 1-D array of at least 2 numbers"),
        ({"angles": [0.0, np.nan]}, ValueError, "angles must be finite"),
        ({"pivot": (1.0, 2.0, 3.0)}, ValueError, "pivot must be two finite numbers"),
        ({"scale": 0.0}, ValueError, "scale must be a finite number > 0"),
        ({"scale": "big"}, TypeError, "scale must be a number > 0"),
    ],
)
def test_the_figure_explains_bad_input(kwargs, error, message):
    arguments = {"X": X_TWO, "y": y_TWO, **kwargs}
    with pytest.raises(error, match=message):
        logloss.plot_mistakes_vs_log_loss(**arguments)


def test_projector_mode_makes_the_figure_bigger():
    normal = logloss.plot_mistakes_vs_log_loss(X_TWO, y_TWO).figure.get_size_inches()
    style.projector_mode()
    big = logloss.plot_mistakes_vs_log_loss(X_TWO, y_TWO).figure.get_size_inches()
    assert big[0] > normal[0] and big[1] > normal[1]
    assert plt.rcParams["font.size"] >= 18


@pytest.fixture
def explorer():
    return logloss.error_explorer(p=0.5)


def test_the_explorer_has_a_live_slider_a_label_and_the_picture(explorer):
    slider, label, image = explorer.widget.children
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert isinstance(slider, ipywidgets.FloatSlider) and slider.continuous_update
    assert (slider.description, slider.value, slider.min, slider.max) == ("p", 0.5, 0.001, 1.0)
    assert label.value == "p = 0.500:  squared error 0.250,  log error 0.693"
    assert isinstance(image, ipywidgets.Image) and image.value == explorer.png
    assert png_size(explorer.png)[0] >= 300


@pytest.mark.parametrize(
    ("p", "squared", "log"),
    [(0.01, "0.980", "4.605"), (0.001, "0.998", "6.908"), (1.0, "0.000", "0.000")],
)
def test_moving_the_slider_updates_the_values_the_label_and_the_picture(explorer, p, squared, log):
    before = explorer.png
    explorer.widget.children[0].value = p
    assert explorer.p == p
    assert explorer.squared_error == pytest.approx((1 - p) ** 2)
    assert explorer.log_error == pytest.approx(-math.log(p))
    text = explorer.widget.children[1].value
    assert text == f"p = {p:.3f}:  squared error {squared},  log error {log}"
    assert explorer.png != before and explorer.widget.children[2].value == explorer.png


def test_the_markers_sit_on_the_curves_at_p(explorer):
    explorer.widget.children[0].value = 0.2
    np.testing.assert_allclose(explorer._squared_marker.get_data(), [[0.2], [0.64]])
    np.testing.assert_allclose(explorer._log_marker.get_data(), [[0.2], [-math.log(0.2)]])
    np.testing.assert_allclose(explorer._guide.get_xdata(), [0.2, 0.2])


def test_the_slider_moves_the_same_artists_on_the_same_figure(explorer):
    figure = explorer._figure
    (ax,) = figure.axes
    artists = list(ax.get_children())
    for value in (0.1, 0.7, 0.999):
        explorer.widget.children[0].value = value
    assert explorer._figure is figure and figure.axes == [ax]
    assert list(ax.get_children()) == artists


def test_update_moves_the_slider_and_redraws_once(explorer, monkeypatch):
    draws = []
    draw = explorer._draw
    monkeypatch.setattr(explorer, "_draw", lambda: draws.append(1) or draw())
    explorer.update(0.25)
    assert explorer.widget.children[0].value == 0.25
    assert explorer.log_error == pytest.approx(math.log(4.0))
    assert draws == [1]
    explorer.update(0.25)  # no move, still one redraw
    assert draws == [1, 1]


def test_update_clips_tiny_p_to_the_slider_and_refuses_impossible_p(explorer):
    explorer.update(1e-9)
    assert explorer.p == 0.001
    with pytest.raises(ValueError, match=r"p must lie in \(0, 1\]"):
        explorer.update(0.0)
    with pytest.raises(ValueError, match=r"p must lie in \(0, 1\]"):
        logloss.error_explorer(p=1.5)
    with pytest.raises(TypeError, match="p must be a number"):
        explorer.update("half")


def test_a_cell_ending_in_the_explorer_shows_the_widget_or_a_still_picture(explorer):
    bundle = explorer._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.widget.model_id
    assert base64.b64decode(bundle["image/png"]) == explorer.png


def test_projector_mode_makes_a_bigger_picture_and_a_wider_slider():
    normal = logloss.error_explorer()
    style.projector_mode()
    big = logloss.error_explorer()
    assert png_size(big.png)[0] > png_size(normal.png)[0]
    assert png_size(big.png)[1] > png_size(normal.png)[1]
    assert big.widget.children[0].layout.width > normal.widget.children[0].layout.width
    (ax,) = big._figure.axes
    assert ax.xaxis.label.get_fontsize() >= 18
    assert all(line.get_linewidth() >= 3 for line in ax.get_lines()[:2])


def test_the_module_names_no_exercise():
    public = {name for name in dir(logloss) if not name.startswith("_")}
    for exercise in ("softmax", "sigmoid", "one_hot", "cross_entropy", "likelihood"):
        assert not any(exercise in name for name in public), public


def test_ipython_display_shows_the_same_bundle(explorer, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    explorer._ipython_display_()
    ((bundle, raw),) = shown
    assert raw is True
    assert base64.b64decode(bundle["image/png"]) == explorer.png
    assert "application/vnd.jupyter.widget-view+json" in bundle
