"""utils.sequences: sequence data, the unrolled-RNN and prediction plots."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from utils import grading_mode, sequences, style  # noqa: E402
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


# --------------------------------------------------------------------------- the memory task


def test_recall_task_marks_the_first_step_and_asks_for_its_value():
    X, y = sequences.recall_task(50, 7, seed=1)
    assert X.shape == (50, 7, 2) and y.shape == (50,) and X.dtype == y.dtype == np.float64
    np.testing.assert_array_equal(y, X[:, 0, 0])
    np.testing.assert_array_equal(X[:, :, 1], np.tile([1.0, 0, 0, 0, 0, 0, 0], (50, 1)))
    assert np.all(np.abs(X[:, :, 0]) <= 1) and X[:, :, 0].std() > 0.4
    np.testing.assert_array_equal(X, sequences.recall_task(50, 7, seed=1)[0])
    assert not np.array_equal(X, sequences.recall_task(50, 7, seed=2)[0])


def test_recall_task_rejects_bad_sizes_by_name():
    with pytest.raises(ValueError, match="length"):
        sequences.recall_task(5, 0)
    with pytest.raises(ValueError, match="n"):
        sequences.recall_task(0, 5)


class _LastStep(torch.nn.Module):
    """A tiny regressor on a sequence: a linear map of the last step's features."""

    def __init__(self):
        super().__init__()
        self.head = torch.nn.Linear(2, 1)

    def forward(self, x):
        return self.head(x[:, -1]).squeeze(-1)


def test_train_regressor_lowers_the_loss_and_returns_one_loss_a_step(monkeypatch):
    monkeypatch.delenv(grading_mode.GRADING_ENV, raising=False)
    torch.manual_seed(0)
    X = np.random.default_rng(0).normal(size=(256, 3, 2))
    y = 2 * X[:, -1, 0] - X[:, -1, 1] + 0.5
    model = _LastStep()
    before = sequences.mean_squared_error(model, X, y)
    losses = sequences.train_regressor(model, X, y, steps=200, batch_size=32, lr=0.05)
    assert len(losses) == 200 and all(isinstance(v, float) for v in losses)
    after = sequences.mean_squared_error(model, X, y)
    assert after < 1e-3 < before and after == pytest.approx(
        np.mean((model(torch.tensor(X, dtype=torch.float32)).detach().numpy() - y) ** 2), rel=1e-4
    )


def test_train_regressor_trains_a_few_steps_in_grading_mode(monkeypatch, capsys):
    monkeypatch.setenv(grading_mode.GRADING_ENV, "1")
    X, y = sequences.recall_task(40, 4)
    losses = sequences.train_regressor(_LastStep(), X, y, steps=300, batch_size=8)
    assert len(losses) == grading_mode.FIT_BATCHES
    assert "grading mode" in capsys.readouterr().out


def test_train_regressor_rejects_bad_arguments():
    X, y = sequences.recall_task(10, 4)
    with pytest.raises(ValueError, match="y"):
        sequences.train_regressor(_LastStep(), X, y[:5], steps=1)
    with pytest.raises(ValueError, match="lr"):
        sequences.train_regressor(_LastStep(), X, y, lr=0.0)
    with pytest.raises(ValueError, match="steps"):
        sequences.train_regressor(_LastStep(), X, y, steps=0)


def test_plot_recall_example_highlights_the_marked_value_and_fits():
    X, _ = sequences.recall_task(1, 12, seed=3)
    ax = sequences.plot_recall_example(X[0])
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["distractors", "marked value (marker = 1)", "target: the marked value"]
    marked, target = ax.lines[2], ax.lines[3]  # after the zero line and the distractors
    assert marked.get_ydata()[0] == target.get_ydata()[0] == X[0, 0, 0]
    assert ax.figure.get_figwidth() <= style.content_width()
    assert layout_problems(ax.figure) == []
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="X"):
        sequences.plot_recall_example(np.zeros((5, 3)))
