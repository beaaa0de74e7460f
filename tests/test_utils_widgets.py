"""utils.widgets.perceptron_explorer, driven through its sliders as a student would."""

import base64
import statistics
import time

import ipywidgets
import numpy as np
import pytest
from matplotlib.path import Path

from utils import data, style, widgets

# Three points and the line x1 + x2 - 10 = 0: (1, 1) is below it, (9, 9) above, (1, 9) on it,
# and a point on the line counts as class 1.
X = np.array([[1.0, 1.0], [9.0, 9.0], [1.0, 9.0]])
y = np.array([0, 1, 1])


@pytest.fixture
def explorer():
    return widgets.perceptron_explorer(X, y, w=(1.0, 1.0), b=-10.0)


def sliders(explorer):
    w1, w2, b, *_ = explorer.widget.children
    return w1, w2, b


def png_size(png):
    """(width, height) in pixels, from the PNG header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_the_widget_has_three_live_sliders_a_count_and_the_picture(explorer):
    w1, w2, b, label, image = explorer.widget.children
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert [(s.description, s.value) for s in (w1, w2, b)] == [
        ("w1", 1.0),
        ("w2", 1.0),
        ("b", -10.0),
    ]
    assert all(isinstance(s, ipywidgets.FloatSlider) and s.continuous_update for s in (w1, w2, b))
    assert label.value == "misclassified: 0 of 3"
    assert isinstance(image, ipywidgets.Image) and image.value == explorer.png
    assert png_size(explorer.png)[0] >= 300


def test_a_point_on_the_line_counts_as_class_1(explorer):
    assert explorer.misclassified == 0
    sliders(explorer)[2].value = -10.5  # now (1, 9) is just below the line
    assert explorer.misclassified == 1


def test_moving_a_slider_updates_the_count_the_label_and_the_picture(explorer):
    w1, w2, b = sliders(explorer)
    before = explorer.png
    w1.value = -1.0  # -x1 + x2 - 10: all three points below the line
    assert explorer.misclassified == 2
    assert explorer.widget.children[3].value == "misclassified: 2 of 3"
    assert explorer.png != before
    assert explorer.widget.children[4].value == explorer.png


def test_sliders_move_the_same_artists_on_the_same_figure(explorer):
    figure = explorer._figure
    (ax,) = figure.axes
    artists = list(ax.get_children())
    for slider, value in zip(sliders(explorer), (2.0, -0.5, 3.0), strict=True):
        slider.value = value
    assert explorer._figure is figure and figure.axes == [ax]
    assert list(ax.get_children()) == artists


def test_update_moves_the_sliders_and_redraws_once(explorer, monkeypatch):
    draws = []
    draw = explorer._draw
    monkeypatch.setattr(explorer, "_draw", lambda: draws.append(1) or draw())
    explorer.update(-1.0, -1.0, 10.0)  # every point is now class 1 exactly where it is not
    assert [s.value for s in sliders(explorer)] == [-1.0, -1.0, 10.0]
    assert explorer.misclassified == 2
    assert draws == [1]


def test_update_widens_a_slider_to_reach_its_value(explorer):
    explorer.update(12.0, 1.0, -100.0)
    w1, _, b = sliders(explorer)
    assert (w1.value, w1.max) == (12.0, 12.0)
    assert (b.value, b.min) == (-100.0, -100.0)


def region_polygon(explorer, label):
    return Path(explorer._regions[label].get_xy())


def polygon_area(points):
    x, y_ = points[:, 0], points[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y_, -1)) - np.dot(y_, np.roll(x, -1)))


@pytest.mark.parametrize(
    ("w1", "w2", "b"), [(1.0, 1.0, -10.0), (2.0, 1.0, -18.0), (0.0, 1.0, -5.0), (1.0, 0.0, -2.0)]
)
def test_the_shaded_regions_split_the_view_along_the_line(explorer, w1, w2, b):
    explorer.update(w1, w2, b)
    corners = explorer._corners
    box_area = polygon_area(corners)
    areas = []
    for label in (0, 1):
        vertices = explorer._regions[label].get_xy()
        scores = vertices @ [w1, w2] + b
        assert np.all(scores >= -1e-9) if label == 1 else np.all(scores <= 1e-9)
        areas.append(polygon_area(vertices))
    assert sum(areas) == pytest.approx(box_area)
    ends = np.column_stack(explorer._line.get_data())
    assert ends.shape == (2, 2)
    np.testing.assert_allclose(ends @ [w1, w2] + b, 0.0, atol=1e-9)


def test_with_w1_and_w2_zero_everything_is_one_class_and_there_is_no_line(explorer):
    explorer.update(0.0, 0.0, 1.0)
    assert explorer.misclassified == 1  # only (1, 1) is class 0
    assert len(explorer._line.get_xdata()) == 0
    assert len(explorer._regions[0].get_xy()) <= 1


def test_a_cell_ending_in_the_explorer_shows_the_widget_or_a_still_picture(explorer):
    bundle = explorer._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.widget.model_id
    assert base64.b64decode(bundle["image/png"]) == explorer.png


def test_projector_mode_makes_a_bigger_picture():
    normal = png_size(widgets.perceptron_explorer(X, y).png)
    style.projector_mode()
    try:
        big = png_size(widgets.perceptron_explorer(X, y).png)
    finally:
        style.projector_mode(False)
    assert big[0] > normal[0] and big[1] > normal[1]


@pytest.mark.parametrize(
    ("X_bad", "y_bad", "message"),
    [
        (np.zeros((3, 3)), y, r"X must be a numeric array of shape \(n, 2\)"),
        (X, np.array([0, 1]), r"y must have shape \(3,\)"),
        (X, np.array([0, 1, 2]), "y must hold the labels 0 and 1 only"),
    ],
)
def test_the_explorer_explains_bad_input(X_bad, y_bad, message):
    with pytest.raises(ValueError, match=message):
        widgets.perceptron_explorer(X_bad, y_bad)


def test_the_explorer_wants_two_weights_and_one_bias():
    with pytest.raises(ValueError, match=r"w must hold two numbers \(w1, w2\), got shape \(3,\)"):
        widgets.perceptron_explorer(X, y, w=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="b must be a single number"):
        widgets.perceptron_explorer(X, y, b=[1.0, 2.0])


def test_a_slider_update_takes_well_under_a_tenth_of_a_second():
    explorer = widgets.perceptron_explorer(*data.admissions())
    w1, w2, b = sliders(explorer)
    times = []  # CPU time of this process: what an update costs, however busy the machine
    for value in np.linspace(-3.0, 3.0, 12):
        start = time.process_time()
        w2.value = float(value)
        times.append(time.process_time() - start)
    assert statistics.median(times) < 0.1
