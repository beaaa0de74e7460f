"""utils.digits: the lesson-07 figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from utils import digits, style  # noqa: E402
from utils.layout import layout_problems  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
    style.use_course_style(False)


def data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n)
    probs = rng.dirichlet(np.ones(10), size=n)
    return images, labels, probs


def test_plot_digits_titles_and_colours():
    images, labels, probs = data(12)
    predicted = labels.copy()
    predicted[3] = (labels[3] + 1) % 10
    fig = digits.plot_digits(images, labels, predicted, cols=6)
    axes = [ax for ax in fig.axes if ax.images]
    assert len(axes) == 12
    assert axes[3].get_title() == f"{labels[3]}→{predicted[3]}"
    assert axes[3].title.get_color() == style.PALETTE["vermillion"]
    fig = digits.plot_digits(images.reshape(12, 784), labels)
    assert [ax.get_title() for ax in fig.axes if ax.images][:2] == [str(v) for v in labels[:2]]
    digits.plot_digits(torch.tensor(images, dtype=torch.float32).unsqueeze(1))


def test_plot_digits_bad_input():
    images, labels, _ = data(4)
    with pytest.raises(ValueError, match=r"images must be numbers of shape \(n, 28, 28\)"):
        digits.plot_digits(images[:, :20])
    with pytest.raises(ValueError, match=r"labels must have shape \(4,\)"):
        digits.plot_digits(images, labels[:3])
    with pytest.raises(ValueError, match="classes 0 to 9"):
        digits.plot_digits(images, labels + 10)
    with pytest.raises(ValueError, match="empty"):
        digits.plot_digits(images[:0])


def test_plot_weights_accepts_both_orientations_and_tensors():
    W = np.random.default_rng(1).normal(size=(784, 12))
    assert len([ax for ax in digits.plot_weights(W).axes if ax.images]) == 12
    assert len([ax for ax in digits.plot_weights(W.T, n=5).axes if ax.images]) == 5
    layer = torch.nn.Linear(784, 7)
    assert len([ax for ax in digits.plot_weights(layer.weight).axes if ax.images]) == 7
    with pytest.raises(ValueError, match="weights must be"):
        digits.plot_weights(np.zeros((10, 10)))
    with pytest.raises(ValueError, match="n must be"):
        digits.plot_weights(W, n=13)


def test_confusion_counts_and_plot():
    labels = np.array([0, 0, 1, 2, 2, 2])
    predicted = np.array([0, 1, 1, 2, 0, 2])
    counts = digits._confusion(labels, predicted)
    assert counts.sum() == 6 and counts[0, 1] == 1 and counts[2, 0] == 1 and counts[2, 2] == 2
    ax = digits.plot_confusion(labels, torch.tensor(predicted))
    texts = {t.get_text() for t in ax.texts}
    assert {"0", "1", "2"} <= texts and len(ax.texts) == 100
    with pytest.raises(ValueError, match=r"predicted must have shape \(6,\)"):
        digits.plot_confusion(labels, predicted[:5])


@pytest.mark.parametrize("projector", [False, True])
def test_figures_fit_the_notebook_and_pass_the_layout_lint(projector):
    style.use_course_style(projector=projector)
    images, labels, probs = data(40)
    predicted = probs.argmax(1)
    weights = np.random.default_rng(2).normal(size=(784, 40))
    for fig in (
        digits.plot_digits(images, labels, predicted),
        digits.plot_weights(weights),
        digits.plot_confusion(labels, predicted).figure,
        digits.plot_mistakes(images, labels, predicted, probs, n=20),
    ):
        assert fig.get_figwidth() <= style.content_width()
        assert layout_problems(fig) == []


def test_plot_mistakes_shows_only_mistakes():
    images, labels, probs = data(30)
    predicted = probs.argmax(1)
    fig = digits.plot_mistakes(images, labels, predicted, probs, n=8)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == min(8, int((labels != predicted).sum()))
    assert all("→" in ax.get_title() and "%" in ax.get_title() for ax in shown)
    with pytest.raises(ValueError, match="no mistakes"):
        digits.plot_mistakes(images, labels, labels)


def test_plot_weights_marks_units_by_number():
    W = np.random.default_rng(1).normal(size=(12, 784))
    axes = [ax for ax in digits.plot_weights(W, marked=[2, 7]).axes if ax.images]
    assert [ax.get_title() for ax in axes[:3]] == ["", "", "unit 2"]
    assert axes[7].title.get_color() == style.PALETTE["vermillion"]


def test_confusions_most_frequent_first_with_ties_in_digit_order():
    labels = np.array([3, 3, 5, 5, 7, 7, 1, 0, 0])
    predicted = np.array([2, 2, 3, 3, 1, 1, 7, 0, 6])
    assert digits.confusions(labels, predicted) == [(3, 2, 2), (5, 3, 2), (7, 1, 2), (0, 6, 1),
                                                    (1, 7, 1)]  # fmt: skip
    assert digits.confusions(labels, labels) == []


def curves(n=6):
    loss = list(np.linspace(1.0, 0.1, n))
    return {"train_loss": loss, "validation_loss": [v + 0.2 for v in loss],
            "validation_accuracy": list(np.linspace(0.8, 0.95, n))}  # fmt: skip


@pytest.mark.parametrize("projector", [False, True])
def test_plot_learning_curves_two_panels_and_the_kept_epoch(projector):
    style.use_course_style(projector=projector)
    fig = digits.plot_learning_curves(curves(), chosen=4, title="a run")
    left, right = fig.axes
    assert [line.get_label() for line in left.lines] == [
        "training loss", "validation loss", "epoch 4 (kept)"
    ]  # fmt: skip
    assert list(left.lines[0].get_xdata()) == [1, 2, 3, 4, 5, 6]
    assert right.lines[-1].get_xdata()[0] == 4
    assert fig.get_figwidth() <= style.content_width()
    assert layout_problems(fig) == []
    digits.plot_learning_curves(curves())


def test_plot_learning_curves_bad_input():
    with pytest.raises(ValueError, match="non-empty list 'validation_loss'"):
        digits.plot_learning_curves({**curves(), "validation_loss": []})
    with pytest.raises(ValueError, match="chosen must be an epoch from 1 to 6"):
        digits.plot_learning_curves(curves(), chosen=0)
