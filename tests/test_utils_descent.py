"""utils.descent: the learning-rate explorer driven through its sliders, and the batch comparison."""

import base64

import ipywidgets
import matplotlib
import numpy as np
import pytest

from utils import checks, descent, style

matplotlib.use("Agg")


@pytest.fixture
def explorer():
    return descent.learning_rate_explorer()


@pytest.fixture(scope="module")
def shared():
    """One explorer for the tests that set every value they read (building one takes a while)."""
    return descent.learning_rate_explorer()


def controls(explorer):
    lr, steps, buttons, label, image = explorer.widget.children
    return lr, steps, dict(zip(descent.REGIMES, buttons.children, strict=True)), label, image


def png_size(png):
    """(width, height) in pixels, from the PNG header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_the_widget_has_a_log_slider_a_steps_slider_presets_a_label_and_the_picture(explorer):
    lr, steps, buttons, label, image = controls(explorer)
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert isinstance(lr, ipywidgets.FloatLogSlider) and lr.continuous_update
    assert isinstance(steps, ipywidgets.IntSlider) and steps.value == 25
    assert list(buttons) == ["crawling", "good", "oscillating", "diverging"]
    assert lr.value == pytest.approx(explorer.presets["good"])
    assert label.value.startswith("good: loss")
    assert isinstance(image, ipywidgets.Image) and image.value == explorer.png
    assert png_size(explorer.png)[0] >= 500


def test_the_presets_come_from_the_largest_curvature(explorer):
    top = max(np.linalg.eigvalsh(explorer.bowl.hessian))
    assert top == pytest.approx(4.0)
    assert {name: lr * top for name, lr in explorer.presets.items()} == pytest.approx(
        {"crawling": 0.02, "good": 1.0, "oscillating": 1.9, "diverging": 2.1}
    )
    assert all(type(lr) is float for lr in explorer.presets.values())


def test_moving_the_slider_redraws_the_path_title_and_picture_on_the_same_figure(explorer):
    lr, steps, _, label, image = controls(explorer)
    figure, artists = explorer._figure, [list(ax.get_children()) for ax in explorer._figure.axes]
    before, path_before = explorer.png, explorer.path.copy()
    lr.value = explorer.presets["oscillating"]
    assert explorer.regime == "oscillating"
    assert "oscillating" in explorer._title.get_text() and label.value.startswith("oscillating")
    assert not np.array_equal(explorer.path, path_before)
    np.testing.assert_allclose(np.column_stack(explorer._path.get_data()), explorer.path)
    assert explorer.png != before and image.value == explorer.png
    steps.value = 40
    assert explorer.path.shape == (41, 2) and len(explorer.losses) == 41
    assert explorer._figure is figure
    assert [list(ax.get_children()) for ax in figure.axes] == artists


def test_a_preset_button_sets_the_slider(shared):
    lr, _, buttons, _, _ = controls(shared)
    buttons["diverging"].click()
    assert lr.value == pytest.approx(shared.presets["diverging"])
    assert shared.regime == "diverging"


def test_update_sets_both_sliders_and_redraws_once(explorer, monkeypatch):
    draws = []
    draw = explorer._draw
    monkeypatch.setattr(explorer, "_draw", lambda: draws.append(1) or draw())
    explorer.update(0.1, steps=10)
    lr, steps, *_ = controls(explorer)
    assert lr.value == pytest.approx(0.1) and steps.value == 10
    assert draws == [1]


def test_update_widens_the_sliders_to_reach_their_values(explorer):
    explorer.update(5.0, steps=150)
    lr, steps, *_ = controls(explorer)
    assert lr.value == pytest.approx(5.0) and steps.value == 150
    assert explorer.regime == "diverging"


def steep_parts(explorer):
    """Each point's offset from the minimum along the steepest direction."""
    return (explorer.path - explorer.bowl.minimum) @ explorer.bowl.steep


def test_the_four_presets_really_crawl_converge_oscillate_and_diverge(shared):
    behaviour = {}
    for name, lr in shared.presets.items():
        shared.update(lr, steps=25)
        assert shared.regime == name
        behaviour[name] = (shared.losses.copy(), steep_parts(shared))
    losses, _ = behaviour["crawling"]
    assert np.all(np.diff(losses) < 0) and losses[-1] > 0.3 * losses[0]  # downhill, but slowly
    losses, _ = behaviour["good"]
    assert losses[-1] < 1e-6 * losses[0]
    losses, steep = behaviour["oscillating"]
    signs = np.sign(steep[1:])
    assert np.all(signs[1:] == -signs[:-1])  # flips side every step ...
    assert losses[-1] < 0.01 * losses[0]  # ... and still converges
    losses, steep = behaviour["diverging"]
    assert np.all(np.abs(steep[2:]) > np.abs(steep[1:-1]))  # every overshoot is bigger
    assert losses[-1] > 100 * losses[0]


@pytest.mark.parametrize(
    ("factor", "regime"),
    [(0.001, "crawling"), (0.5, "good"), (1.0, "good"), (1.7, "oscillating"), (2.5, "diverging")],
)
def test_any_rate_gets_the_regime_of_its_curvature_factor(shared, factor, regime):
    shared.update(factor / 4.0, steps=25)
    assert shared.regime == regime


def test_a_huge_rate_overflows_quietly_and_still_draws(shared):
    with np.errstate(all="raise"):
        shared.update(1000.0, steps=200)
    assert shared.regime == "diverging"
    assert png_size(shared.png)[0] > 0


def test_the_bowl_gradient_is_the_derivative_of_its_loss():
    bowl = descent.Bowl()
    p, lr = np.array([0.3, -1.2]), 1e-3
    analytic = (p - bowl.path(p, lr, 1)[1]) / lr  # one step moves by lr * gradient
    assert checks.gradient_check(lambda q: float(bowl.loss(q)), p.copy(), analytic) < 1e-7


def test_a_custom_bowl_start_and_steps():
    explorer = descent.learning_rate_explorer(
        lr=0.05, steps=5, hessian=[[2.0, 0.0], [0.0, 10.0]], minimum=(0, 0), start=(1, 1)
    )
    assert explorer.presets["good"] == pytest.approx(0.1)
    assert explorer.path.shape == (6, 2)
    np.testing.assert_allclose(explorer.path[1], [1 - 0.05 * 2, 1 - 0.05 * 10])


def test_a_cell_ending_in_the_explorer_shows_the_widget_or_a_still_picture(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        explorer.widget.model_id
    )
    assert base64.b64decode(bundle["image/png"]) == explorer.png
    assert callable(explorer._ipython_display_)


def test_projector_mode_makes_bigger_pictures():
    normal = png_size(descent.learning_rate_explorer().png)
    normal_four = descent.plot_learning_rates().get_size_inches()
    style.projector_mode()
    try:
        big = png_size(descent.learning_rate_explorer().png)
        big_four = descent.plot_learning_rates().get_size_inches()
        assert matplotlib.rcParams["font.size"] >= 18
    finally:
        style.projector_mode(False)
    assert big[0] > normal[0] and big[1] > normal[1]
    assert big_four[0] > normal_four[0]


def test_plot_learning_rates_draws_the_four_regimes():
    figure = descent.plot_learning_rates(steps=10)
    titles = [ax.get_title().split("\n")[0] for ax in figure.axes]
    assert titles == ["crawling", "good", "oscillating", "diverging"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": 0.0}, ValueError, "lr must be a finite number > 0"),
        ({"lr": "fast"}, TypeError, "lr must be a number"),
        ({"steps": 0}, ValueError, "steps must be an int >= 1 and <= 200"),
        ({"steps": 2.5}, TypeError, "steps must be an int"),
        ({"hessian": [[1.0, 0.0], [0.0, -1.0]]}, ValueError, "positive curvatures"),
        ({"hessian": [[1.0, 2.0, 3.0]]}, ValueError, "hessian must be a finite 2x2 matrix"),
        ({"start": (1.0, 2.0, 3.0)}, ValueError, "start must be two finite numbers"),
        ({"start": (1.0, 1.0)}, ValueError, "start must differ from minimum"),
    ],
)
def test_the_explorer_explains_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        descent.learning_rate_explorer(**kwargs)


def test_update_explains_a_bad_rate(shared):
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        shared.update(-0.1)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        shared.update(float("nan"))


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
        ({"y": np.zeros(3)}, ValueError, r"y must be numbers of shape \(40,\)"),
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
