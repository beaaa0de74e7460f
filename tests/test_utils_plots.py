"""utils.plots and utils.style, drawn with the Agg backend."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.colors import to_hex
from matplotlib.contour import ContourSet

from utils import layout, plots, style

matplotlib.use("Agg")


# Every test starts without figures and leaves matplotlib's settings as they were (conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_pyplot")


def four_points():
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    return X, np.array([0, 0, 1, 1])


def region_at(ax, point):
    """The class whose shaded region (from plot_decision_boundary) contains point."""
    (regions,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    inside = [k for k, path in enumerate(regions.get_paths()) if path.contains_point(point)]
    assert len(inside) == 1, f"{point} lies in the regions {inside}"
    return inside[0]


def test_plot_points_draws_each_class_in_its_colour_with_a_legend():
    X, y = four_points()
    ax = plots.plot_points(X, y)
    assert len(ax.collections) == 2
    for label, points in enumerate(ax.collections):
        np.testing.assert_array_equal(points.get_offsets(), X[y == label])
        assert to_hex(points.get_facecolor()[0]) == style.CLASS_COLORS[label].lower()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_plot_points_puts_its_legend_beside_the_axes_or_leaves_it_out():
    X, y = four_points()
    figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    plots.plot_points(X, y, ax=left)
    plots.plot_points(X, y, ax=right, legend=False)
    figure.canvas.draw()
    assert left.get_legend().get_window_extent().x0 >= left.bbox.x1
    assert right.get_legend() is None
    assert layout.layout_problems(figure) == []


def test_plot_points_draws_on_the_current_axes_or_the_given_ones():
    X, y = four_points()
    assert plots.plot_points(X, y) is plt.gca()
    _, (left, right) = plt.subplots(1, 2)
    assert plots.plot_points(X, y, ax=right) is right
    assert not left.collections


def test_plot_points_accepts_torch_tensors():
    X, y = four_points()
    ax = plots.plot_points(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    assert len(ax.collections) == 2


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (
            np.zeros((4, 3)),
            np.zeros(4),
            r"X must be a numeric array of shape \(n, 2\), got an array of shape \(4, 3\)",
        ),
        (np.zeros(4), np.zeros(4), r"X must be a numeric array of shape \(n, 2\)"),
        (
            np.zeros((4, 2)),
            np.zeros(3),
            r"y must have shape \(4,\) to match X \(4, 2\), got shape \(3,\)",
        ),
        (np.zeros((4, 2)), np.zeros((4, 1)), r"y must have shape \(4,\)"),
        (np.zeros((2, 2)), np.array([0.5, 1.0]), "y must hold class labels 0, 1, 2"),
        (np.zeros((2, 2)), np.array([-1, 1]), "y must hold class labels 0, 1, 2"),
    ],
)
def test_plot_points_explains_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_points(X, y)


def on_line(w, b, point):
    return np.isclose(w[0] * point[0] + w[1] * point[1] + b, 0.0)


@pytest.mark.parametrize(("w", "b"), [((2.0, 1.0), -18.0), ((1.0, -1.0), 0.5), ((0.0, 3.0), 6.0)])
def test_plot_line_goes_through_two_points_of_the_line(w, b):
    line = plots.plot_line(w, b)
    assert not np.allclose(line.get_xy1(), line.get_xy2())
    assert on_line(w, b, line.get_xy1()) and on_line(w, b, line.get_xy2())


def test_plot_line_with_w2_0_is_vertical():
    line = plots.plot_line([2.0, 0.0], -3.0)
    assert line.get_xy1()[0] == line.get_xy2()[0] == 1.5


def test_plot_line_takes_the_weights_of_a_torch_linear_layer():
    layer = torch.nn.Linear(2, 1)
    line = plots.plot_line(layer.weight, layer.bias)
    w, b = layer.weight.detach().numpy().ravel(), layer.bias.item()
    assert on_line(w, b, line.get_xy1()) and on_line(w, b, line.get_xy2())


def test_plot_line_keeps_the_axes_limits_and_spans_them():
    X, y = four_points()
    ax = plots.plot_points(X, y)
    before = ax.get_xlim(), ax.get_ylim()
    line = plots.plot_line([1.0, 1.0], -100.0, color="red")  # far away from the points
    ax.figure.canvas.draw()
    assert (ax.get_xlim(), ax.get_ylim()) == before
    assert line.get_color() == "red"
    xs, _ = line.get_transform().transform([[0, 0], [1, 1]]).T  # drawn ends, in pixels
    assert xs[1] - xs[0] > 0


@pytest.mark.parametrize(
    ("w", "b", "message"),
    [
        ((0.0, 0.0), 1.0, "w1 and w2 are both 0"),
        ((1.0, 2.0, 3.0), 1.0, r"w must hold two numbers \(w1, w2\), got shape \(3,\)"),
        ((1.0, 2.0), (1.0, 2.0), r"b must be a single number, got shape \(2,\)"),
    ],
)
def test_plot_line_explains_bad_input(w, b, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_line(w, b)


def right_half_labels(X):
    return (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize(
    "predict",
    [
        right_half_labels,
        lambda X: X[:, 0] > 0,  # booleans
        lambda X: 1 / (1 + np.exp(-5 * X[:, :1])),  # probabilities, shape (m, 1)
        lambda X: 3 * X[:, 0],  # scores: class 1 where >= 0
        lambda X: np.column_stack([-X[:, 0], X[:, 0]]),  # two columns: argmax
    ],
    ids=["labels", "bools", "probabilities", "scores", "two-columns"],
)
def test_plot_decision_boundary_shades_what_a_numpy_function_predicts(predict):
    X, y = four_points()
    ax = plots.plot_decision_boundary(predict, X, y)
    assert region_at(ax, (0.8, 0.3)) == 1
    assert region_at(ax, (-0.8, 0.3)) == 0
    assert len(ax.collections) == 3  # the regions and the two classes of points


def test_plot_decision_boundary_with_three_classes():
    X = np.array([[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    y = np.array([0, 1, 2])

    def nearest(points):
        return np.abs(points[:, :1] - X[:, 0]).argmin(axis=1)

    ax = plots.plot_decision_boundary(nearest, X, y)
    assert [region_at(ax, (x, 0.1)) for x in (-0.9, 0.1, 0.9)] == [0, 1, 2]


def test_plot_decision_boundary_passes_float64_points_to_a_numpy_function():
    seen = []

    def spy(X):
        seen.append((X.shape, X.dtype))
        return np.zeros(len(X))

    X, y = four_points()
    plots.plot_decision_boundary(spy, X, y, resolution=30)
    assert seen == [((900, 2), np.float64)]


class Threshold(torch.nn.Module):
    """x1 as a logit, with dropout to show whether eval mode is used."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([[1.0, 0.0]]))
            self.linear.bias.zero_()
        self.dropout = torch.nn.Dropout(0.9)

    def forward(self, x):
        assert x.dtype == torch.float32
        return self.dropout(self.linear(x))


def test_plot_decision_boundary_runs_a_torch_module_in_eval_mode_without_gradients():
    X, y = four_points()
    net = Threshold()
    ax = plots.plot_decision_boundary(net, X, y, title="net")
    assert region_at(ax, (0.8, 0.3)) == 1 and region_at(ax, (-0.8, -0.3)) == 0
    assert net.training, "plot_decision_boundary must give the module back in training mode"
    assert all(p.grad is None for p in net.parameters())
    assert ax.get_title() == "net"


def test_plot_decision_boundary_with_a_sigmoid_module_thresholds_at_one_half():
    net = torch.nn.Sequential(Threshold().linear, torch.nn.Sigmoid())
    X, y = four_points()
    ax = plots.plot_decision_boundary(net, X + [0.5, 0.0], y)
    assert region_at(ax, (0.1, 0.0)) == 1 and region_at(ax, (-0.1, 0.0)) == 0


@pytest.mark.parametrize(
    ("predict", "returned"),
    [
        (lambda X: np.zeros(5), r"an array of shape \(5,\)"),
        (lambda X: 0.0, r"an array of shape \(\)"),
        (lambda X: np.zeros((len(X), 2, 2)), r"shape \(1600, 2, 2\)"),
        (lambda X: None, "dtype object"),
        (lambda X: np.zeros((len(X), 0)), r"shape \(1600, 0\)"),
    ],
)
def test_plot_decision_boundary_explains_predictions_of_the_wrong_shape(predict, returned):
    X, y = four_points()
    with pytest.raises(
        ValueError, match=r"given X of shape \(1600, 2\) and must return 1600 values"
    ) as e:
        plots.plot_decision_boundary(predict, X, y, resolution=40)
    assert e.match(returned)


@pytest.mark.parametrize("resolution", [1, 2.5, True])
def test_plot_decision_boundary_wants_an_int_resolution_of_at_least_2(resolution):
    X, y = four_points()
    with pytest.raises(ValueError, match="resolution must be an int >= 2"):
        plots.plot_decision_boundary(right_half_labels, X, y, resolution=resolution)


def test_plot_activation_draws_the_function_and_its_derivative_dashed():
    ax = plots.plot_activation(
        np.tanh, "tanh", derivative=lambda x: 1 - np.tanh(x) ** 2, x_range=(-2, 3)
    )
    curve, slope = [line for line in ax.lines if line.get_label() in ("tanh", "tanh'")]
    x, y = curve.get_data()
    assert (x[0], x[-1]) == (-2, 3)
    np.testing.assert_allclose(y, np.tanh(x))
    assert slope.get_linestyle() == "--"
    assert ax.get_title() == "tanh"


def test_plot_activation_wants_one_value_per_input():
    with pytest.raises(
        ValueError, match=r"relu must return one value per input: given shape \(401,\)"
    ):
        plots.plot_activation(lambda x: 0.0, "relu")
    with pytest.raises(ValueError, match="the derivative of relu must return one value per input"):
        plots.plot_activation(lambda x: np.maximum(x, 0), "relu", derivative=lambda x: 1.0)


def test_plot_activation_wants_an_increasing_range():
    with pytest.raises(ValueError, match="x_range must be"):
        plots.plot_activation(np.tanh, "tanh", x_range=(5, -5))


def test_plot_activations_draws_one_panel_per_function():
    fns = {
        "tanh": np.tanh,
        "relu": lambda x: np.maximum(x, 0),
        "identity": lambda x: x,
        "abs": np.abs,
    }
    fig = plots.plot_activations(fns, derivatives={"tanh": lambda x: 1 - np.tanh(x) ** 2})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == list(fns)
    assert len(fig.axes) == 6  # a 2 x 3 grid, two panels hidden
    assert not any(ax.get_legend() for ax in fig.axes)  # one legend for all panels, above them
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["function", "derivative"]


@pytest.mark.parametrize("projector", [False, True])
def test_plot_activations_fits_the_notebook_without_layout_problems(projector):
    style.use_course_style(projector=projector)
    fns = {name: np.tanh for name in ("a", "b", "c", "d", "e", "f")}
    fig = plots.plot_activations(fns, {name: np.cos for name in fns})
    assert fig.get_figwidth() <= style.content_width()
    assert layout.layout_problems(fig) == []


def test_plot_activations_explains_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_activations({})
    with pytest.raises(ValueError, match=r"derivatives names \['sigmoid'\]"):
        plots.plot_activations({"tanh": np.tanh}, derivatives={"sigmoid": np.tanh})


def test_plot_loss_curve_plots_losses_against_epochs_from_1():
    ax = plots.plot_loss_curve([3.0, 2.0, 1.5], label="train")
    (line,) = ax.lines
    x, y = line.get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [3.0, 2.0, 1.5])
    assert line.get_label() == "train" and ax.get_yscale() == "linear"


def test_plot_loss_curve_layers_curves_and_can_use_a_log_scale():
    plots.plot_loss_curve([3.0, 2.0], label="train")
    ax = plots.plot_loss_curve(np.array([3.5, 2.5]), label="validation", logy=True)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    assert ax.get_yscale() == "log"


def test_plot_loss_curve_accepts_torch_losses_that_carry_gradients():
    weight = torch.tensor(2.0, requires_grad=True)
    ax = plots.plot_loss_curve([weight * 1.5, weight * 1.0])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [3.0, 2.0])


def test_plot_loss_curve_explains_bad_input():
    with pytest.raises(ValueError, match="losses is empty"):
        plots.plot_loss_curve([])
    with pytest.raises(TypeError, match="losses must be a sequence of numbers"):
        plots.plot_loss_curve([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="losses must be a sequence of numbers"):
        plots.plot_loss_curve(3.0)
    with pytest.raises(ValueError, match="logy=True needs every loss > 0"):
        plots.plot_loss_curve([1.0, 0.0], logy=True)


def test_palette_is_okabe_ito_and_class_colours_differ():
    assert style.PALETTE["orange"] == "#E69F00" and style.PALETTE["blue"] == "#0072B2"
    assert len(set(style.CLASS_COLORS)) == len(style.CLASS_COLORS) >= 2
    assert set(style.CLASS_COLORS) <= set(style.PALETTE.values())


def test_projector_mode_makes_text_lines_and_markers_big_and_switches_back():
    style.use_course_style()
    small = {key: plt.rcParams[key] for key in ("font.size", "lines.linewidth", "lines.markersize")}
    assert not style.is_projector()
    style.projector_mode()
    assert style.is_projector()
    assert plt.rcParams["font.size"] >= 18 and plt.rcParams["lines.linewidth"] >= 3
    assert plt.rcParams["lines.markersize"] > small["lines.markersize"]
    style.projector_mode(False)
    assert not style.is_projector()
    assert {key: plt.rcParams[key] for key in small} == small


def test_course_style_cycles_through_the_class_colours():
    style.use_course_style()
    (line,) = plt.gca().plot([0, 1])
    assert line.get_color() == style.CLASS_COLORS[0]


def test_class_colours_repeat_after_the_palette():
    assert style.class_color(1) == style.CLASS_COLORS[1]
    assert style.class_color(len(style.CLASS_COLORS)) == style.CLASS_COLORS[0]


def test_figure_sizes_fit_the_notebook_and_grow_for_the_projector():
    style.use_course_style()
    assert style.figsize(6.0, 4.0) == (6.0, 4.0)
    assert style.content_width() == 8.4
    style.projector_mode()
    width, height = style.figsize(6.0, 4.0)
    assert width / 6.0 == pytest.approx(height / 4.0) and width > 9
    assert style.figsize(8.4, 3.0)[0] == style.content_width() == 14.0


def test_retina_is_the_default_and_survives_projector_mode():
    style.use_course_style()
    assert style.pixel_ratio() == style.PIXEL_RATIO == 2
    style.use_course_style(retina=False)
    try:
        style.projector_mode()
        assert style.pixel_ratio() == 1
    finally:
        style.use_course_style()
