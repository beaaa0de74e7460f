"""utils._grading: in the grader's sandbox MNIST's splits and fit's epochs are cut short; without
NN_WORKBOOK_GRADING (every student's machine) nothing changes."""

import gzip

import numpy as np
import pytest
import torch

from utils import _grading, mnist, training


@pytest.fixture
def twelve(tmp_path):
    """A 12-image train split and a 3-image test split in a temporary folder."""
    for split, count in (("train", 12), ("test", 3)):
        images = np.arange(count * 28 * 28, dtype=np.uint8).reshape(count, 28, 28)
        arrays = {True: images, False: np.arange(count, dtype=np.uint8) % 10}
        for name, is_images in zip(mnist.FILES[split], (True, False), strict=True):
            array = arrays[is_images]
            magic = mnist.IMAGES_MAGIC if is_images else mnist.LABELS_MAGIC
            head = np.array([magic, *array.shape], ">u4").tobytes()
            (tmp_path / f"{name}.gz").write_bytes(gzip.compress(head + array.tobytes()))
    return tmp_path


def blobs(n=200):
    """Two separable classes in 3 dimensions."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=n)
    return torch.tensor(
        rng.normal(size=(n, 3)) + 3 * y[:, None], dtype=torch.float32
    ), torch.tensor(y)


def model():
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2)


@pytest.mark.parametrize(("value", "on"), [("", False), ("0", False), (" ", False), ("1", True),
                                           ("yes", True)])  # fmt: skip
def test_grading_mode_is_on_for_any_value_but_empty_or_0(monkeypatch, value, on):
    monkeypatch.setenv(_grading.GRADING_ENV, value)
    assert _grading.grading() is on


def test_unset_loads_every_image_and_says_nothing_of_grading(twelve, monkeypatch, capsys):
    monkeypatch.delenv(_grading.GRADING_ENV, raising=False)
    monkeypatch.setattr(_grading, "IMAGES", {"train": 5, "test": 2})
    images, labels = mnist.load_mnist("train", twelve, download=False)
    assert images.shape == (12, 28, 28) and len(labels) == 12
    assert mnist.load_mnist("test", twelve, download=False)[0].shape == (3, 28, 28)
    assert "grading mode" not in capsys.readouterr().out


@pytest.mark.parametrize(("split", "count"), [("train", 12), ("test", 3)])
def test_grading_mode_keeps_the_first_images_and_says_so(twelve, monkeypatch, capsys, split,
                                                         count):  # fmt: skip
    monkeypatch.setattr(_grading, "IMAGES", {"train": 5, "test": 2})
    everything, all_labels = mnist.load_mnist(split, twelve, download=False)
    monkeypatch.setenv(_grading.GRADING_ENV, "1")
    images, labels = mnist.load_mnist(split, twelve, download=False)
    keep = _grading.IMAGES[split]
    assert np.array_equal(images, everything[:keep]) and np.array_equal(labels, all_labels[:keep])
    said = f"grading mode (NN_WORKBOOK_GRADING is set): the first {keep} of {count} {split} images"
    assert said in capsys.readouterr().out


def test_grading_mode_leaves_a_small_split_whole(twelve, monkeypatch, capsys):
    monkeypatch.setattr(_grading, "IMAGES", {"train": 12, "test": 100})
    monkeypatch.setenv(_grading.GRADING_ENV, "1")
    assert mnist.load_mnist("train", twelve, download=False)[0].shape == (12, 28, 28)
    assert "grading mode" not in capsys.readouterr().out


def test_unset_fit_trains_on_every_batch_as_before(monkeypatch, capsys):
    monkeypatch.delenv(_grading.GRADING_ENV, raising=False)
    monkeypatch.setattr(_grading, "FIT_BATCHES", 2)
    X, y = blobs()
    steps = []
    net = model()
    net.register_forward_hook(lambda *_: steps.append(1))
    losses = training.fit(net, (X, y), epochs=3, batch_size=32, progress=False)
    assert len(steps) == 3 * 7 and len(losses) == 3  # 200 examples: 7 batches of 32
    assert "grading mode" not in capsys.readouterr().out


def test_grading_mode_fit_trains_on_a_few_batches_per_epoch(monkeypatch, capsys):
    monkeypatch.setattr(_grading, "FIT_BATCHES", 2)
    monkeypatch.setenv(_grading.GRADING_ENV, "1")
    X, y = blobs()
    steps = []
    net = model()
    net.register_forward_hook(lambda *_: steps.append(1))
    losses = training.fit(net, (X, y), epochs=3, batch_size=32, schedule="onecycle",
                          progress=False)  # fmt: skip
    assert len(steps) == 3 * 2 and len(losses) == 3 and np.isfinite(losses).all()
    assert "2 of the 7 batches in each epoch" in capsys.readouterr().out
