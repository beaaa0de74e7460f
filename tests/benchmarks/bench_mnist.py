"""MNIST benchmarks (issue 4): accuracy and training time of the course's recipes.

On mnist-mini (the offline stand-in: 8,000 training and 2,000 test digits) with 2 CPU threads:
the torch MLP 784-100-50-10 and a small CNN trained with utils.training's recipes, and the numpy
MLP of lesson 07. On the full MNIST only when the canonical files are in utils.mnist.data_dir().
Times are wall-clock seconds and the process's CPU seconds (a fairer figure on a shared machine).
Each torch training runs in a fresh process with OMP_WAIT_POLICY=PASSIVE: with the default
(spinning) policy, 2 torch threads on 2 cores shared with other work were measured 15x slower
(45 s instead of 3 s for the MLP), which says nothing about the recipe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
MNIST_MINI = REPO.parent / "shared" / "datasets" / "mnist-mini"
Row = tuple[str, str, str]


def make_mlp():
    """The 784-100-50-10 ReLU network of lesson 07."""
    import torch

    nn = torch.nn
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 50), nn.ReLU(),
        nn.Linear(50, 10),
    )  # fmt: skip


def make_cnn():
    """A small CNN: two 3x3 conv layers (16, 32 channels) with max-pooling, then 64 units."""
    import torch

    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
    )  # fmt: skip


def _mnist(folder: Path) -> tuple:
    """(train, test) image/label pairs from folder."""
    from utils.mnist import load_mnist

    return load_mnist("train", folder, download=False), load_mnist("test", folder, download=False)


def _train_torch(make_model, recipe: dict, train: tuple, test: tuple, seed: int = 0) -> tuple:
    """Test accuracy, wall seconds and CPU seconds of training one model with a recipe."""
    import torch

    from utils.training import accuracy, fit, mnist_tensors

    torch.set_num_threads(2)
    torch.manual_seed(seed)
    model = make_model()
    data = mnist_tensors(*train)
    wall, cpu = time.perf_counter(), time.process_time()
    fit(model, data, progress=False, seed=seed, **recipe)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return accuracy(model, *mnist_tensors(*test)), wall, cpu


def _train_elsewhere(kind: str, folder: Path) -> tuple:
    """_train_torch of 'mlp' or 'cnn' on folder's MNIST in a fresh process (passive OpenMP)."""
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    command = [sys.executable, __file__, "--train", kind, str(folder)]
    out = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=True)
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


def numpy_mlp(train: tuple, test: tuple, lr=0.15, batch=32, epochs=10, seed=0) -> tuple:
    """Lesson 07's numpy 784-100-50-10 network with mini-batch SGD: test accuracy and seconds."""
    X = train[0].reshape(len(train[0]), -1) / 255.0
    y = train[1]
    rng = np.random.default_rng(seed)
    sizes = (784, 100, 50, 10)
    p = {}
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        p[f"W{i}"], p[f"b{i}"] = rng.normal(0, np.sqrt(2 / a), (a, b)), np.zeros(b)

    def forward(X):
        z1 = X @ p["W1"] + p["b1"]
        z2 = np.maximum(z1, 0) @ p["W2"] + p["b2"]
        return z1, z2, np.maximum(z2, 0) @ p["W3"] + p["b3"]

    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch):
            rows = order[start : start + batch]
            Xb, yb = X[rows], y[rows]
            z1, z2, s = forward(Xb)
            h1, h2 = np.maximum(z1, 0), np.maximum(z2, 0)
            P = np.exp(s - s.max(1, keepdims=True))
            P /= P.sum(1, keepdims=True)
            P[np.arange(len(yb)), yb] -= 1
            d = P / len(yb)
            g = {"W3": h2.T @ d, "b3": d.sum(0)}
            d = (d @ p["W3"].T) * (z2 > 0)
            g["W2"], g["b2"] = h1.T @ d, d.sum(0)
            d = (d @ p["W2"].T) * (z1 > 0)
            g["W1"], g["b1"] = Xb.T @ d, d.sum(0)
            p = {k: p[k] - lr * g[k] for k in p}
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    X_test = test[0].reshape(len(test[0]), -1) / 255.0
    return float(np.mean(forward(X_test)[2].argmax(1) == test[1])), wall, cpu


def _figure(acc: float, wall: float, cpu: float) -> str:
    """Accuracy and training time, with the machine's load (others' work slows the wall time)."""
    load = os.getloadavg()[0]
    return f"{acc:.2%}; trained in {wall:.1f} s wall, {cpu:.1f} s CPU (load average {load:.1f})"


def mnist_mini() -> list[Row]:
    """The three networks on mnist-mini with 2 CPU threads."""
    from utils.training import CNN_RECIPE, MLP_RECIPE

    if not MNIST_MINI.is_dir():
        return [("MNIST on mnist-mini", "not measured: ../shared/datasets/mnist-mini is missing",
                 "—")]  # fmt: skip
    mlp = _train_elsewhere("mlp", MNIST_MINI)
    cnn = _train_elsewhere("cnn", MNIST_MINI)
    numpy = numpy_mlp(*_mnist(MNIST_MINI))
    return [
        (f"torch MLP 784-100-50-10 on mnist-mini, 2 threads, {MLP_RECIPE}", _figure(*mlp),
         "≥ 95.5%"),
        (f"torch CNN (conv 16, conv 32, fc 64) on mnist-mini, 2 threads, {CNN_RECIPE}",
         _figure(*cnn), "≥ 98.0%, training < 20 s"),
        ("numpy MLP 784-100-50-10 on mnist-mini, SGD lr 0.15, batch 32, 10 epochs",
         _figure(*numpy), "≥ 94%"),
    ]  # fmt: skip


def full_mnist() -> list[Row]:
    """The two torch networks on the canonical MNIST, when its files are in the data folder."""
    from utils.mnist import data_dir, is_canonical
    from utils.training import CNN_RECIPE, MLP_RECIPE

    folder = data_dir()
    if folder.resolve() == MNIST_MINI.resolve():  # the offline stand-in: look in the default folder
        folder = REPO / "data" / "mnist"
    if not (is_canonical("train", folder) and is_canonical("test", folder)):
        why = (f"not measured: the canonical MNIST files are not in {folder} (this machine is"
               " offline; run utils.mnist.download_mnist() where there is internet)")  # fmt: skip
        return [("torch MLP on full MNIST", why, "≥ 98.0%"),
                ("torch CNN on full MNIST", why, "≥ 99.2%")]  # fmt: skip
    return [
        (f"torch MLP 784-100-50-10 on full MNIST, 2 threads, {MLP_RECIPE}",
         _figure(*_train_elsewhere("mlp", folder)), "≥ 98.0%"),
        (f"torch CNN on full MNIST, 2 threads, {CNN_RECIPE}",
         _figure(*_train_elsewhere("cnn", folder)), "≥ 99.2%"),
    ]  # fmt: skip


BENCHMARKS = [mnist_mini, full_mnist]  # the notebooks' times: run.py's notebook_times

if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    if sys.argv[1:2] == ["--train"]:  # one training run, for _train_elsewhere
        from utils.training import CNN_RECIPE, MLP_RECIPE

        kind, folder = sys.argv[2], Path(sys.argv[3])
        make, recipe = (make_mlp, MLP_RECIPE) if kind == "mlp" else (make_cnn, CNN_RECIPE)
        print(json.dumps(_train_torch(make, recipe, *_mnist(folder))))
    else:
        for bench in BENCHMARKS if len(sys.argv) < 2 else [globals()[n] for n in sys.argv[1:]]:
            for row in bench():
                print(" | ".join(row), flush=True)
