"""Training torch models on MNIST-sized data: fit, accuracy, learning curves and the GPU cell.

torch is imported inside the functions, so `import utils.training` stays cheap. Data come as an
(X, y) pair of tensors or numpy arrays; `mnist_tensors` turns load_mnist's uint8 images into
standardised float32 tensors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import arguments, grading_mode

if TYPE_CHECKING:
    import torch

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # pixel mean and spread of the MNIST training set, in 0..1
SCHEDULES = (None, "constant", "onecycle", "cosine")

# Recipes measured on mnist-mini (8,000 training digits) by tests/benchmarks/bench_mnist.py:
# fit(model, data, **MLP_RECIPE) for the 784-100-50-10 MLP, **CNN_RECIPE for the small CNN
# (bench_mnist.make_cnn: conv 16, pool, conv 32, pool, fc 64); 1-2 points above the targets.
MLP_RECIPE = {"epochs": 10, "lr": 5e-3, "batch_size": 64, "schedule": "onecycle", "shift": 1}
CNN_RECIPE = {"epochs": 10, "lr": 5e-3, "batch_size": 64, "schedule": "onecycle", "shift": 1}


def _tensors(data: object, name: str = "train_data") -> tuple[torch.Tensor, torch.Tensor]:
    """(X, y) as a float32 tensor and an int64 tensor with as many rows; clear errors otherwise."""
    import torch

    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (X, y), got {type(data).__name__}")
    X, y = (torch.as_tensor(np.asarray(v) if isinstance(v, list) else v) for v in data)
    if X.ndim < 2:
        raise ValueError(f"{name}: X must have one row per example, got shape {tuple(X.shape)}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"{name}: y must be 1-d with one label per row of X {tuple(X.shape)},"
            f" got shape {tuple(y.shape)}"
        )
    if y.dtype.is_floating_point or y.dtype == torch.bool:
        raise TypeError(f"{name}: y must hold integer class labels, got dtype {y.dtype}")
    return X.float(), y.long()


def mnist_tensors(
    images: object, labels: object, flatten: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 images (n, 28, 28) as standardised float32 (n, 1, 28, 28) or (n, 784); labels int64."""
    import torch

    images = np.asarray(images)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"images must be uint8 of shape (n, 28, 28), got {images.shape} {images.dtype}"
        )
    X = (torch.from_numpy(images.astype(np.float32)) / 255 - MNIST_MEAN) / MNIST_STD
    X = X.reshape(len(X), -1) if flatten else X.unsqueeze(1)
    y = arguments.labels(labels, "labels", len(X), classes=10)
    return X, torch.from_numpy(y)


def random_shifts(pixels: int = 2) -> Callable[[torch.Tensor], torch.Tensor]:
    """An augmentation for fit: moves each 28x28 image by up to `pixels` in x and y (padded)."""
    if not isinstance(pixels, int) or pixels < 0:
        raise ValueError(f"pixels must be an int >= 0, got {pixels!r}")

    def shift(X: torch.Tensor) -> torch.Tensor:
        import torch
        import torch.nn.functional as F

        if pixels == 0:
            return X
        n, side = len(X), 28
        images = X.reshape(n, -1, side, side)
        # The background after standardising is -mean/std, so pad with that, not with 0.
        padded = F.pad(images, (pixels,) * 4, value=float(images.amin()))
        dy, dx = torch.randint(0, 2 * pixels + 1, (2, n, 1), device=X.device)  # one per image
        steps = torch.arange(side, device=X.device)
        rows, cols = (dy + steps)[:, None, :, None], (dx + steps)[:, None, None, :]
        picked = padded[torch.arange(n, device=X.device)[:, None, None, None],
                        torch.arange(images.shape[1], device=X.device)[None, :, None, None],
                        rows, cols]  # fmt: skip
        return picked.reshape(X.shape)

    return shift


def _device_of(model: torch.nn.Module, device: object) -> torch.device:
    """The device to train on: the argument, else where the model's parameters are."""
    import torch

    if device is not None:
        return torch.device(device)
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def _batches_per_epoch(n: int, batch_size: int) -> int:
    """Batches in one epoch of n examples: all, or at most FIT_BATCHES in grading mode (said so)."""
    batches = (n + batch_size - 1) // batch_size
    if not grading_mode.grading() or batches <= grading_mode.FIT_BATCHES:
        return batches
    print(
        f"Note: grading mode ({grading_mode.GRADING_ENV} is set): {grading_mode.FIT_BATCHES} of the"
        f" {batches} batches in each epoch, so that training takes a moment."
    )
    return grading_mode.FIT_BATCHES


def fit(
    model: torch.nn.Module,
    train_data: object,
    epochs: int,
    lr: float = 1e-3,
    batch_size: int = 128,
    device: object = None,
    progress: bool = True,
    *,
    weight_decay: float = 0.0,
    schedule: str | None = None,
    shift: int = 0,
    augment: Callable | None = None,
    seed: int | None = 0,
    l2: float = 0.0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Train with Adam on cross-entropy for `epochs` passes; returns each epoch's mean loss.

    schedule: None/"constant", "onecycle" (warm up to lr, then anneal) or "cosine".
    shift: move each batch of 28x28 images by up to this many pixels (augmentation).
    augment: any function applied to each batch of inputs instead.
    l2: lesson 04's lambda: each batch's loss gets + l2 / (2 m) times the sum of the squared
    weights (parameters with 2 or more axes; biases are not penalised), m = len(train_data).
    on_epoch: called as on_epoch(epoch, mean_loss) after each epoch (epochs count from 1).
    In the grader's sandbox (grading mode, utils.grading_mode) each epoch is cut to a few batches.
    """
    import torch
    from tqdm.auto import tqdm

    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not l2 >= 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be a function (epoch, loss) or None, got {on_epoch!r}")
    if shift and augment is not None:
        raise ValueError("give shift or augment, not both")
    if shift:
        augment = random_shifts(shift)
    X, y = _tensors(train_data)
    device = _device_of(model, device)
    model.to(device)
    X, y = X.to(device), y.to(device)
    if seed is not None:
        torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    batches = _batches_per_epoch(len(X), batch_size)
    scheduler = None
    if schedule == "onecycle":
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=lr, total_steps=epochs * batches
        )
    elif schedule == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * batches)
    losses = []
    model.train()
    with tqdm(total=epochs * batches, desc="training", unit="batch", disable=not progress) as bar:
        for epoch in range(epochs):
            order = torch.randperm(len(X), device=device)[: batches * batch_size]
            total = torch.zeros((), device=device)
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                inputs = X[rows] if augment is None else augment(X[rows])
                loss = torch.nn.functional.cross_entropy(model(inputs), y[rows])
                objective = loss if not l2 else loss + l2 / (2 * len(X)) * _squared_weights(model)
                optimizer.zero_grad(set_to_none=True)
                objective.backward()
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
                total += loss.detach() * len(rows)
                bar.update()
            losses.append(float(total) / len(order))
            bar.set_postfix(epoch=epoch + 1, loss=f"{losses[-1]:.4f}")
            if on_epoch is not None:
                on_epoch(epoch + 1, losses[-1])
                model.train()  # in case on_epoch evaluated the model
    model.eval()
    return losses


def _squared_weights(model: torch.nn.Module) -> torch.Tensor:
    """The sum of the squares of the model's weights (parameters with 2+ axes), not its biases."""
    return sum((p.pow(2).sum() for p in model.parameters() if p.ndim >= 2), start=0.0)


def predictions(
    model: torch.nn.Module, X: object, device: object = None, batch_size: int = 1000
) -> np.ndarray:
    """The class the model scores highest for each row of X, as an int64 numpy array."""
    import torch

    X = torch.as_tensor(np.asarray(X) if isinstance(X, list) else X).float()
    device = _device_of(model, device)
    model.to(device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = [
                model(X[i : i + batch_size].to(device)).argmax(dim=1).cpu()
                for i in range(0, len(X), batch_size)
            ]
    finally:
        model.train(was_training)
    return torch.cat(out).numpy().astype(np.int64) if out else np.zeros(0, np.int64)


def accuracy(model: torch.nn.Module, X: object, y: object, device: object = None) -> float:
    """The fraction of rows of X whose highest-scoring class is the label in y."""
    X, y = _tensors((X, y), "(X, y)")
    return float(np.mean(predictions(model, X, device) == y.numpy())) if len(y) else 0.0


def _seconds_per_epoch(
    make_model: Callable, train_data: tuple, epochs: int, device: torch.device, **fit_kw: object
) -> tuple[float, torch.nn.Module]:
    """Mean seconds per epoch of fit on device, after one untimed warm-up batch."""
    import torch

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        elif device.type == "mps":
            torch.mps.synchronize()

    X, y = train_data
    fit(make_model().to(device), (X[:256], y[:256]), 1, progress=False, device=device)  # warm up
    model = make_model().to(device)
    sync()
    start = time.perf_counter()
    fit(model, train_data, epochs, device=device, progress=False, **fit_kw)
    sync()
    return (time.perf_counter() - start) / epochs, model


def compare_devices(
    make_model: Callable[[], torch.nn.Module], train_data: object, epochs: int = 1, **fit_kw: object
) -> dict:
    """Train fresh models on the CPU and on the GPU if there is one; print seconds per epoch."""
    import torch

    from .device import pick_device

    if isinstance(make_model, torch.nn.Module) or not callable(make_model):
        raise TypeError(f"make_model must be a function returning a new model, got {make_model!r}")
    data = _tensors(train_data)
    gpu = pick_device(verbose=False)
    result = {"device": str(gpu), "gpu_name": None, "gpu_s_per_epoch": None, "speedup": None}
    cpu_s, model = _seconds_per_epoch(make_model, data, epochs, torch.device("cpu"), **fit_kw)
    result["cpu_s_per_epoch"] = cpu_s
    if gpu.type == "cpu":
        print(
            f"No GPU here (torch finds no CUDA or Apple MPS device), so this trained on the CPU"
            f" only: {cpu_s:.2f} s per epoch."
        )
    else:
        name = torch.cuda.get_device_name(gpu) if gpu.type == "cuda" else "Apple GPU (MPS)"
        gpu_s, model = _seconds_per_epoch(make_model, data, epochs, gpu, **fit_kw)
        result.update(gpu_name=name, gpu_s_per_epoch=gpu_s, speedup=cpu_s / gpu_s)
        print(f"{'device':<34}{'seconds per epoch':>18}")
        print(f"{'CPU':<34}{cpu_s:>18.3f}")
        print(f"{gpu.type.upper() + ' (' + name + ')':<34}{gpu_s:>18.3f}")
        print(f"The GPU trains {cpu_s / gpu_s:.1f}x as fast as the CPU here.")
    result["model"] = model
    return result


def evaluate(model: torch.nn.Module, data: object, batch_size: int = 2000) -> tuple[float, float]:
    """The model's mean cross-entropy and accuracy on data (X, y), in evaluation mode."""
    import torch

    X, y = _tensors(data, "data")
    if len(y) == 0:
        raise ValueError("data is empty: no examples to evaluate on")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    loss, right = 0.0, 0
    try:
        with torch.no_grad():
            for start in range(0, len(X), batch_size):
                inputs = X[start : start + batch_size].to(device)
                labels = y[start : start + batch_size].to(device)
                scores = model(inputs)
                loss += float(torch.nn.functional.cross_entropy(scores, labels, reduction="sum"))
                right += int((scores.argmax(dim=1) == labels).sum())
    finally:
        model.train(was_training)
    return loss / len(y), right / len(y)


def train_with_curves(
    model: torch.nn.Module,
    train_data: object,
    validation_data: object,
    epochs: int,
    keep_states: bool = True,
    **fit_kw: object,
) -> dict[str, list]:
    """utils.training.fit, measuring training and validation loss and accuracy after each epoch."""
    train = _tensors(train_data)
    validation = _tensors(validation_data, "validation_data")
    curves: dict[str, list] = {
        "train_loss": [], "validation_loss": [], "validation_accuracy": [], "states": []
    }  # fmt: skip

    def measure(epoch: int, mean_loss: float) -> None:
        curves["train_loss"].append(evaluate(model, train)[0])
        loss, accuracy = evaluate(model, validation)
        curves["validation_loss"].append(loss)
        curves["validation_accuracy"].append(accuracy)
        if keep_states:
            state = {name: value.detach().clone() for name, value in model.state_dict().items()}
            curves["states"].append(state)

    fit(model, train, epochs, on_epoch=measure, progress=fit_kw.pop("progress", False), **fit_kw)
    return curves
