"""Small 2-D data sets for the lessons: each returns X (n, 2) float64 and y (n,) int64 in {0, 1}."""

from __future__ import annotations

import numpy as np

from .arguments import integer, number

TOY_DATASETS = ("blobs", "xor", "circles", "moons", "spirals")


def _check_n_and_noise(n: int, noise: float) -> None:
    """Raise a ValueError unless n is a positive int and noise a finite number >= 0."""
    integer(n, "n", at_least=1)
    number(noise, "noise", at_least=0)


def _balanced_labels(n: int, rng: np.random.Generator) -> np.ndarray:
    """n labels, half 0 and half 1, in random order."""
    return rng.permutation(np.arange(n) % 2)


def admissions(n: int = 100, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Test score x1 and grades x2 (0..10) of applicants; 1 = accepted: 2*x1 + x2 - 18 + noise*N(0,1) > 0."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    group_centres = np.array([[3.5, 4.0], [8.0, 7.0]])  # weaker and stronger applicants
    group = _balanced_labels(n, rng)
    X = np.clip(group_centres[group] + rng.normal(0.0, 1.5, size=(n, 2)), 0.0, 10.0)
    score = 2 * X[:, 0] + X[:, 1] - 18 + noise * rng.normal(size=n)
    return X, (score > 0).astype(np.int64)


def blobs(n: int = 200, noise: float = 1.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two round Gaussian clouds around (-1.5, -1.5) and (1.5, 1.5) with standard deviation noise."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    centres = np.array([[-1.5, -1.5], [1.5, 1.5]])
    return centres[y] + noise * rng.normal(size=(n, 2)), y


def xor(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square [-1, 1]^2; class 1 where x1 and x2 have opposite signs."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + noise * rng.normal(size=(n, 2)), y


def circles(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """An outer circle of radius 1 (class 0) around an inner circle of radius 0.5 (class 1)."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    radius = np.where(y == 1, 0.5, 1.0)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.normal(size=(n, 2)), y


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 arches up, class 1 arches down, shifted right."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    angle = rng.uniform(0.0, np.pi, size=n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.where(y[:, None] == 1, lower, upper)
    return X + noise * rng.normal(size=(n, 2)), y


def spirals(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two spirals of two turns each, the second (class 1) the first turned by half a turn."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    t = rng.uniform(0.05, 1.0, size=n)  # distance from the centre
    angle = 4 * np.pi * t + np.pi * y
    X = t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.normal(size=(n, 2)), y


def toy(
    name: str, n: int = 200, noise: float | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The toy data set called name (one of TOY_DATASETS); noise=None keeps its default noise."""
    makers = {"blobs": blobs, "xor": xor, "circles": circles, "moons": moons, "spirals": spirals}
    if not isinstance(name, str) or name not in makers:
        raise ValueError(f"name must be one of {', '.join(TOY_DATASETS)}; got {name!r}")
    if noise is None:
        return makers[name](n=n, seed=seed)
    return makers[name](n=n, noise=noise, seed=seed)
