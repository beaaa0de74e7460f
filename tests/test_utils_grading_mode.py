"""utils.grading_mode: in the grader's sandbox MNIST's splits and each epoch of fit are cut short;
without NN_WORKBOOK_GRADING (every student's machine) nothing changes."""

import gzip

import numpy as np
import pytest
import torch

from utils import grading_mode, mnist, training


@pytest.fixture
def twelve(tmp_path):
    """A 12-image train split and a 3-image test split, gzipped, in a temporary folder."""
    magics = (mnist.IMAGES_MAGIC, mnist.LABELS_MAGIC)
    for split, count in (("train", 12), ("test", 3)):
        images = np.arange(count * 28 * 28, dtype=np.uint8).reshape(count, 28, 28)
        labels = np.arange(count, dtype=np.uint8) % 10
        for name, magic, array in zip(mnist.FILES[split], magics, (images, labels), strict=True):
            head = np.array([magic, *array.shape], ">u4").tobytes()
            (tmp_path / f"{name}.gz").write_bytes(gzip.compress(head + array.tobytes()))
    return tmp_path


def trained(**fit_kw):
    """fit a small model on 200 examples in batches of 32 (7 an epoch): its forward passes, losses."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=200)
    X = torch.tensor(rng.normal(size=(200, 3)) + 3 * y[:, None], dtype=torch.float32)
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    calls = []
    model.register_forward_hook(lambda *_: calls.append(1))
    losses = training.fit(model, (X, torch.tensor(y)), batch_size=32, progress=False, **fit_kw)
    return len(calls), losses


@pytest.mark.parametrize(("value", "on"), [("", False), ("0", False), (" ", False), ("1", True),
                                           ("yes", True)])  # fmt: skip
def test_grading_mode_is_on_for_any_value_but_empty_or_0(monkeypatch, value, on):
    monkeypatch.setenv(grading_mode.GRADING_ENV, value)
    assert grading_mode.grading() is on


def test_unset_loads_every_image_and_says_nothing_of_grading(twelve, monkeypatch, capsys):
    monkeypatch.delenv(grading_mode.GRADING_ENV, raising=False)
    monkeypatch.setattr(grading_mode, "IMAGES", {"train": 5, "test": 2})
    images, labels = mnist.load_mnist("train", twelve, download=False)
    assert images.shape == (12, 28, 28) and len(labels) == 12
    assert mnist.load_mnist("test", twelve, download=False)[0].shape == (3, 28, 28)
    assert "grading mode" not in capsys.readouterr().out


@pytest.mark.parametrize(("split", "count"), [("train", 12), ("test", 3)])
def test_grading_mode_keeps_the_first_images_and_says_so(twelve, monkeypatch, capsys, split,
                                                         count):  # fmt: skip
    monkeypatch.setattr(grading_mode, "IMAGES", {"train": 5, "test": 2})
    everything, all_labels = mnist.load_mnist(split, twelve, download=False)
    monkeypatch.setenv(grading_mode.GRADING_ENV, "1")
    images, labels = mnist.load_mnist(split, twelve, download=False)
    keep = grading_mode.IMAGES[split]
    assert np.array_equal(images, everything[:keep]) and np.array_equal(labels, all_labels[:keep])
    said = f"grading mode (NN_WORKBOOK_GRADING is set): the first {keep} of {count} {split} images"
    assert said in capsys.readouterr().out


def test_grading_mode_leaves_a_small_split_whole(twelve, monkeypatch, capsys):
    monkeypatch.setattr(grading_mode, "IMAGES", {"train": 12, "test": 100})
    monkeypatch.setenv(grading_mode.GRADING_ENV, "1")
    assert mnist.load_mnist("train", twelve, download=False)[0].shape == (12, 28, 28)
    assert "grading mode" not in capsys.readouterr().out


def test_unset_fit_trains_on_every_batch_as_before(monkeypatch, capsys):
    monkeypatch.delenv(grading_mode.GRADING_ENV, raising=False)
    monkeypatch.setattr(grading_mode, "FIT_BATCHES", 2)
    calls, losses = trained(epochs=3)
    assert calls == 3 * 7 and len(losses) == 3
    assert "grading mode" not in capsys.readouterr().out


def test_grading_mode_fit_trains_on_a_few_batches_per_epoch(monkeypatch, capsys):
    monkeypatch.setattr(grading_mode, "FIT_BATCHES", 2)
    monkeypatch.setenv(grading_mode.GRADING_ENV, "1")
    calls, losses = trained(epochs=3, schedule="onecycle")
    assert calls == 3 * 2 and len(losses) == 3 and np.isfinite(losses).all()
    assert "2 of the 7 batches in each epoch" in capsys.readouterr().out
