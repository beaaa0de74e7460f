"""A full-size MNIST stand-in for timing: 60,000 training digits made from the 10,000 real test
digits by small shifts, and the real test split, as the four gzipped IDX files utils.mnist reads.

Accuracy on it means nothing (the training digits are the test digits moved by 1-2 pixels); its
sizes are the canonical ones, so the time a lesson takes on it is the time it takes on MNIST.
Made once (deterministic, numpy default_rng(SEED)) under tests/benchmarks/.scratch/mnist-full
and reused: `.venv/bin/python tests/benchmarks/full_mnist.py` prints the folder.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from utils.mnist import FILES, IMAGES_MAGIC, LABELS_MAGIC, SIDE, SIZES, load_mnist  # noqa: E402

SOURCE = REPO.parent / "shared" / "datasets" / "mnist-test"
FOLDER = Path(__file__).with_name(".scratch") / "mnist-full"
SEED = 0
MAX_SHIFT = 2  # pixels, in each of x and y
VERSION = f"v1 seed {SEED} shift {MAX_SHIFT}"  # a folder made otherwise is made again


def shifted(images: np.ndarray, dy: np.ndarray, dx: np.ndarray) -> np.ndarray:
    """Each image moved by (dy, dx) pixels, the uncovered border left blank (0)."""
    pad = MAX_SHIFT
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad)))
    steps = np.arange(SIDE)
    rows = (pad - dy)[:, None] + steps  # output row r reads padded row r + pad - dy
    cols = (pad - dx)[:, None] + steps
    picked = padded[np.arange(len(images))[:, None, None], rows[:, :, None], cols[:, None, :]]
    return picked.astype(np.uint8)


def training_set(images: np.ndarray, labels: np.ndarray, size: int = SIZES["train"],
                 seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """size digits drawn evenly from images, each moved by 1-2 pixels in x or y, shuffled."""
    rng = np.random.default_rng(seed)
    source = rng.permutation(np.resize(np.arange(len(images)), size))
    offsets = [(y, x) for y in range(-MAX_SHIFT, MAX_SHIFT + 1)
               for x in range(-MAX_SHIFT, MAX_SHIFT + 1) if (y, x) != (0, 0)]  # fmt: skip
    dy, dx = np.array(offsets)[rng.integers(0, len(offsets), size)].T
    return shifted(images[source], dy, dx), labels[source]


def write_idx(path: Path, array: np.ndarray) -> None:
    """array (uint8 images (n, 28, 28) or labels (n,)) as a gzipped IDX file."""
    magic = IMAGES_MAGIC if array.ndim == 3 else LABELS_MAGIC
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    with gzip.open(path, "wb", compresslevel=6) as stream:
        stream.write(header + array.astype(np.uint8).tobytes())


def make(folder: Path) -> None:
    """Write the four files into folder (which must not exist yet), atomically."""
    images, labels = load_mnist("test", SOURCE, download=False)
    train_images, train_labels = training_set(images, labels)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".mnist-full."))
    scratch.chmod(0o755)  # readable by a sandbox that runs as another uid
    try:
        write_idx(scratch / f"{FILES['train'][0]}.gz", train_images)
        write_idx(scratch / f"{FILES['train'][1]}.gz", train_labels)
        for name in FILES["test"]:  # the real test split, byte for byte
            shutil.copyfile(SOURCE / f"{name}.gz", scratch / f"{name}.gz")
        (scratch / "VERSION").write_text(VERSION)
        os.replace(scratch, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def full_mnist(folder: Path = FOLDER) -> Path:
    """The full-size stand-in's folder, made first if it is missing or was made otherwise."""
    stamp = folder / "VERSION"
    if not (stamp.is_file() and stamp.read_text() == VERSION):
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        make(folder)
    return folder


if __name__ == "__main__":
    print(full_mnist())
