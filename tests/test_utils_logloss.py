"""utils.logloss: the rotating-line figure of lesson 02."""

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import data, layout, logloss, style

matplotlib.use("Agg")


# Every test starts without figures and leaves matplotlib's settings as they were (conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_pyplot")


# Two points on the x1 axis around the pivot (0, 0): class 0 on the left, class 1 on the right.
X_TWO = np.array([[-1.0, 0.0], [1.0, 0.0]])
y_TWO = np.array([0, 1])


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


def test_the_figure_fits_the_notebook_with_its_legend_off_the_data():
    X, y = data.admissions(n=40)
    scan = logloss.plot_mistakes_vs_log_loss(X, y)
    assert scan.figure.get_figwidth() <= style.CONTENT_WIDTH_IN
    (legend,) = scan.figure.legends  # one legend, above the panels
    assert [t.get_text() for t in legend.get_texts()] == ["class 0", "class 1", "pivot"]
    assert layout.layout_problems(scan.figure) == []


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


def test_the_module_names_no_exercise():
    public = {name for name in dir(logloss) if not name.startswith("_")}
    for exercise in ("softmax", "sigmoid", "one_hot", "cross_entropy", "likelihood"):
        assert not any(exercise in name for name in public), public
