"""utils.training: fit, accuracy, evaluate, train_with_curves, mnist_tensors, shifts, devices."""

import numpy as np
import pytest
import torch

from utils import training


def blobs(n=240, seed=0):
    """Three well separated classes in 5 dimensions: (X float32 tensor, y int64 tensor)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    X = rng.normal(size=(n, 5)) + 4 * np.eye(5)[y]
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y)


def make_model():
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))


def test_fit_lowers_the_loss_and_learns():
    X, y = blobs()
    model = make_model()
    losses = training.fit(model, (X, y), epochs=5, lr=1e-2, batch_size=32, progress=False)
    assert len(losses) == 5 and all(isinstance(v, float) for v in losses)
    assert losses[-1] < losses[0] / 2
    assert training.accuracy(model, X, y) > 0.95
    assert not model.training  # left in eval mode


def test_fit_takes_numpy_arrays_and_is_reproducible():
    X, y = blobs()
    first = training.fit(make_model(), (X.numpy(), y.numpy()), 2, lr=1e-2, progress=False)
    again = training.fit(make_model(), (X.numpy(), y.numpy()), 2, lr=1e-2, progress=False)
    assert first == again


@pytest.mark.parametrize("schedule", ["onecycle", "cosine", "constant"])
def test_schedules_and_augmentation(schedule):
    X, y = blobs()
    losses = training.fit(
        make_model(), (X, y), 3, lr=1e-2, schedule=schedule, augment=lambda b: b, progress=False
    )
    assert len(losses) == 3 and np.isfinite(losses).all()


def test_progress_bar_runs(capsys):
    X, y = blobs(40)
    training.fit(make_model(), (X, y), 1, progress=True)


def test_fit_rejects_bad_input():
    X, y = blobs(40)
    model = make_model()
    with pytest.raises(ValueError, match="epochs"):
        training.fit(model, (X, y), 0)
    with pytest.raises(ValueError, match="batch_size"):
        training.fit(model, (X, y), 1, batch_size=0)
    with pytest.raises(ValueError, match="lr"):
        training.fit(model, (X, y), 1, lr=0)
    with pytest.raises(ValueError, match="schedule"):
        training.fit(model, (X, y), 1, schedule="warm")
    with pytest.raises(TypeError, match="train_data must be a pair"):
        training.fit(model, X, 1)
    with pytest.raises(ValueError, match="one label per row"):
        training.fit(model, (X, y[:-1]), 1)
    with pytest.raises(TypeError, match="integer class labels"):
        training.fit(model, (X, y.float()), 1)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        training.fit(lambda x: x, (X, y), 1)


def test_accuracy_and_predictions_keep_the_mode():
    X, y = blobs(50)
    model = make_model().train()
    predicted = training.predictions(model, X)
    assert predicted.dtype == np.int64 and predicted.shape == (50,)
    expected = model(X).argmax(1).numpy()
    np.testing.assert_array_equal(predicted, expected)
    assert training.accuracy(model, X, y) == pytest.approx(np.mean(expected == y.numpy()))
    assert model.training


def test_mnist_tensors_standardise():
    images = np.zeros((3, 28, 28), np.uint8)
    images[:, 10, 10] = 255
    X, y = training.mnist_tensors(images, [1, 2, 3])
    assert X.shape == (3, 1, 28, 28) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert X[0, 0, 0, 0].item() == pytest.approx(-training.MNIST_MEAN / training.MNIST_STD)
    flat, _ = training.mnist_tensors(images, np.array([1, 2, 3]), flatten=True)
    assert flat.shape == (3, 784)
    with pytest.raises(ValueError, match="uint8"):
        training.mnist_tensors(images.astype(float), [1, 2, 3])
    with pytest.raises(ValueError, match="labels must have shape"):
        training.mnist_tensors(images, [1, 2])


def test_random_shifts_move_whole_images():
    images = np.zeros((4, 28, 28), np.uint8)
    images[:, 14, 14] = 255
    X, _ = training.mnist_tensors(images, [0, 0, 0, 0])
    torch.manual_seed(0)
    shift = training.random_shifts(2)
    seen = set()
    for _ in range(20):
        out = shift(X)
        assert out.shape == X.shape
        row, col = np.argwhere(out[0, 0].numpy() > 0)[0]
        assert abs(row - 14) <= 2 and abs(col - 14) <= 2
        seen.add((row, col))
    assert len(seen) > 3
    flat = X.reshape(4, 784)
    assert shift(flat).shape == (4, 784)
    with pytest.raises(ValueError, match="pixels"):
        training.random_shifts(-1)


def test_compare_devices_without_a_gpu(capsys, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    result = training.compare_devices(make_model, blobs(64), epochs=1)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("No GPU here")
    assert result["cpu_s_per_epoch"] > 0 and result["gpu_s_per_epoch"] is None
    assert result["speedup"] is None and result["device"] == "cpu"
    assert isinstance(result["model"], torch.nn.Module)
    with pytest.raises(TypeError, match="make_model"):
        training.compare_devices(make_model(), blobs(64))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")
def test_compare_devices_with_a_gpu(capsys):
    result = training.compare_devices(make_model, blobs(512), epochs=1)
    assert result["gpu_s_per_epoch"] > 0 and result["speedup"] > 0
    assert "as fast as the CPU" in capsys.readouterr().out


def test_fit_with_shifts_and_the_recipes():
    images = np.random.default_rng(0).integers(0, 256, size=(64, 28, 28), dtype=np.uint8)
    data = training.mnist_tensors(images, np.arange(64) % 10, flatten=True)
    torch.manual_seed(0)
    model = torch.nn.Linear(784, 10)
    losses = training.fit(model, data, 2, shift=1, progress=False)
    assert len(losses) == 2
    with pytest.raises(ValueError, match="shift or augment"):
        training.fit(model, data, 1, shift=1, augment=lambda b: b)
    for recipe in (training.MLP_RECIPE, training.CNN_RECIPE):
        assert {"epochs", "lr", "batch_size", "schedule", "shift"} == set(recipe)


def test_l2_is_lesson_04s_lambda_on_the_weights_only():
    X, y = blobs()
    torch.manual_seed(3)
    no_bias = torch.nn.Sequential(torch.nn.Linear(5, 3, bias=False))
    start = {k: v.clone() for k, v in no_bias.state_dict().items()}
    # lambda / (2 m) * sum W^2 has gradient lambda / m * W: Adam's weight_decay = lambda / m.
    training.fit(no_bias, (X, y), 2, lr=1e-2, l2=24.0, progress=False)
    twin = torch.nn.Sequential(torch.nn.Linear(5, 3, bias=False))
    twin.load_state_dict(start)
    training.fit(twin, (X, y), 2, lr=1e-2, weight_decay=24.0 / len(X), progress=False)
    assert torch.allclose(no_bias[0].weight, twin[0].weight, atol=1e-6)
    with torch.no_grad():
        assert float(training._squared_weights(make_model())) == pytest.approx(
            sum(float((p**2).sum()) for p in make_model().parameters() if p.ndim == 2)
        )
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        training.fit(make_model(), (X, y), 1, l2=-1.0)


def test_on_epoch_is_called_after_each_epoch_and_training_goes_on():
    X, y = blobs()
    model = make_model()
    seen = []

    def record(epoch, loss):
        seen.append((epoch, loss))
        model.eval()  # fit switches back to training mode

    losses = training.fit(model, (X, y), 3, lr=1e-2, on_epoch=record, progress=False)
    assert seen == list(zip([1, 2, 3], losses, strict=True))
    with pytest.raises(TypeError, match="on_epoch must be a function"):
        training.fit(model, (X, y), 1, on_epoch=3)


def test_evaluate_gives_loss_and_accuracy_and_keeps_the_mode():
    X, y = blobs()
    model = make_model()
    model.train()
    loss, accuracy = training.evaluate(model, (X, y), batch_size=7)
    with torch.no_grad():
        scores = model(X)
    assert loss == pytest.approx(float(torch.nn.functional.cross_entropy(scores, y)), rel=1e-5)
    assert accuracy == pytest.approx(training.accuracy(model, X, y))
    assert model.training
    with pytest.raises(ValueError, match="empty"):
        training.evaluate(model, (X[:0], y[:0]))


def test_train_with_curves_measures_every_epoch_and_keeps_the_weights():
    X, y = blobs()
    model = make_model()
    curves = training.train_with_curves(model, (X[:200], y[:200]), (X[200:], y[200:]), 4, lr=1e-2)
    assert [len(curves[k]) for k in curves] == [4, 4, 4, 4]
    assert curves["train_loss"][-1] < curves["train_loss"][0]
    model.load_state_dict(curves["states"][-1])
    assert curves["validation_accuracy"][-1] == training.evaluate(model, (X[200:], y[200:]))[1]
    lean = training.train_with_curves(make_model(), (X, y), (X, y), 2, keep_states=False)
    assert lean["states"] == []
