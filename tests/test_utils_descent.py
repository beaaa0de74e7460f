"""utils.descent: the bowl, the four learning rates side by side, and the batch comparison."""

import matplotlib
import numpy as np
import pytest

from utils import checks, descent, layout, style

matplotlib.use("Agg")


def test_the_bowl_gradient_is_the_derivative_of_its_loss():
    bowl = descent.Bowl()
    p, lr = np.array([0.3, -1.2]), 1e-3
    analytic = (p - bowl.path(p, lr, 1)[1]) / lr  # one step moves by lr * gradient
    assert checks.gradient_check(lambda q: float(bowl.loss(q)), p.copy(), analytic) < 1e-7


def test_projector_mode_makes_bigger_pictures():
    normal_four = descent.plot_learning_rates().get_size_inches()
    style.projector_mode()
    try:
        big_four = descent.plot_learning_rates().get_size_inches()
        assert matplotlib.rcParams["font.size"] >= 18
    finally:
        style.projector_mode(False)
    assert big_four[0] > normal_four[0]


def test_plot_learning_rates_draws_the_four_regimes():
    figure = descent.plot_learning_rates(steps=10)
    titles = [ax.get_title().split(":")[0] for ax in figure.axes]
    assert titles == ["crawling", "good", "oscillating", "diverging"]


def test_plot_learning_rates_fits_the_notebook_in_two_rows():
    figure = descent.plot_learning_rates(steps=10)
    rows = {round(ax.get_position().y0, 2) for ax in figure.axes}
    assert len(rows) == 2
    assert layout.layout_problems(figure) == []


# compare_batch_sizes with a small logistic regression written here (not the exercise's code).
def gradients(X, y, w, b):
    error = 1 / (1 + np.exp(-(X @ w + b))) - y
    return error @ X / len(y), float(np.mean(error))


def loss(X, y, w, b):
    z = X @ w + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def data(n=40):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    return X, (X @ [2.0, -1.0] > 0).astype(np.int64)


def test_compare_batch_sizes_records_every_update_and_draws_one_figure():
    import matplotlib.pyplot as plt

    X, y = data()
    figure, ax = plt.subplots()
    runs = descent.compare_batch_sizes(gradients, loss, X, y, lr=0.5, epochs=3, ax=ax)
    assert list(runs) == ["batch", "mini-batch", "stochastic"]
    updates = {name: len(losses) - 1 for name, (_, losses) in runs.items()}
    assert updates == {"batch": 3, "mini-batch": 3 * 3, "stochastic": 3 * 40}
    for seen, losses in runs.values():
        assert seen[0] == 0 and seen[-1] == pytest.approx(3.0)
        assert losses[0] == pytest.approx(np.log(2)) and losses[-1] < losses[0]
    assert len(ax.get_lines()) == 3 and len(ax.get_legend().get_texts()) == 3
    plt.close(figure)


def test_compare_batch_sizes_draws_a_figure_whose_legend_is_off_the_curves():
    import matplotlib.pyplot as plt

    X, y = data()
    descent.compare_batch_sizes(gradients, loss, X, y, lr=0.5, epochs=3)
    figure = plt.gcf()
    (ax,) = figure.axes
    assert ax.get_legend().get_window_extent().x0 > ax.bbox.x1  # beside the axes
    assert layout.layout_problems(figure) == []
    plt.close(figure)


def test_compare_batch_sizes_follows_gradient_descent_exactly_for_the_full_batch():
    X, y = data()
    runs = descent.compare_batch_sizes(
        gradients, loss, X, y, lr=0.3, epochs=4, batch_sizes={"all": 40}
    )
    w, b = np.zeros(2), 0.0
    for _ in range(4):
        dw, db = gradients(X, y, w, b)
        w, b = w - 0.3 * dw, b - 0.3 * db
    assert runs["all"][1][-1] == pytest.approx(loss(X, y, w, b))


def test_compare_batch_sizes_is_reproducible_with_a_seed():
    X, y = data()
    first = descent.compare_batch_sizes(gradients, loss, X, y, epochs=2, seed=5)
    again = descent.compare_batch_sizes(gradients, loss, X, y, epochs=2, seed=5)
    np.testing.assert_array_equal(first["stochastic"][1], again["stochastic"][1])


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"gradients": None}, TypeError, "gradients and loss must be functions"),
        ({"X": np.zeros(5)}, ValueError, r"X must be a numeric array of shape \(n, d\)"),
        ({"y": np.zeros(3)}, ValueError, r"y must be a numeric array of shape \(40,\)"),
        ({"lr": -1.0}, ValueError, "lr must be a finite number > 0"),
        ({"epochs": 0}, ValueError, "epochs must be a positive int"),
        (
            {"batch_sizes": {"huge": 41}},
            ValueError,
            "batch_sizes\\['huge'\\] must be an int >= 1 and <= 40",
        ),
        ({"batch_sizes": [1, 2]}, TypeError, "batch_sizes must be a dict"),
    ],
)
def test_compare_batch_sizes_explains_bad_input(change, error, message):
    X, y = data()
    kwargs = {"gradients": gradients, "loss": loss, "X": X, "y": y, **change}
    with pytest.raises(error, match=message):
        descent.compare_batch_sizes(**kwargs)


# The optimisers' pictures: a steeper copy of the bowl, when a path settles, paths on contours.
def test_stretched_keeps_the_axes_minimum_and_shallow_curvature():
    bowl = descent.Bowl()
    steep = descent.stretched(bowl, 25.0)
    np.testing.assert_allclose(steep.curvatures, [1.0, 25.0])
    np.testing.assert_allclose(steep.minimum, bowl.minimum)
    np.testing.assert_allclose(np.abs(steep.steep @ bowl.steep), 1.0)  # the same steep axis
    with pytest.raises(ValueError, match="steep must be a finite number > 0"):
        descent.stretched(bowl, 0.0)


def test_steps_to_reach_counts_until_the_path_stays_near():
    minimum = np.zeros(2)
    path = np.array([[3.0, 0.0], [0.005, 0.0], [0.5, 0.0], [0.001, 0.0], [0.0, 0.002]])
    assert descent.steps_to_reach(path, minimum, 0.01) == 3  # it left again after step 1
    assert descent.steps_to_reach(path, minimum, 10.0) == 0
    assert descent.steps_to_reach(path[:3], minimum, 0.01) is None  # not near at the end
    with np.errstate(over="ignore"):
        diverged = np.array([[1.0, 1.0], [1e308, -1e308], [np.inf, np.nan]])
    assert descent.steps_to_reach(diverged, minimum, 0.01) is None


def test_plot_paths_overlays_each_path_with_its_legend_beside():
    import matplotlib.pyplot as plt

    bowl = descent.Bowl()
    start = descent.start_point()
    paths = {"slow": bowl.path(start, 0.05, 20), "fast": bowl.path(start, 0.25, 20)}
    ax = descent.plot_paths(paths, bowl, start)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["slow", "fast"]
    assert ax.get_legend().get_window_extent().x0 > ax.bbox.x1
    assert layout.layout_problems(ax.figure) == []
    plt.close(ax.figure)
    with pytest.raises(TypeError, match="paths must be a dict"):
        descent.plot_paths([])
