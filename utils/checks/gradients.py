"""Gradient checks: a numerical gradient by central differences, and its error against another."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .failure import describe, to_numpy


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient (f(x + eps) - f(x - eps)) / 2 eps of a scalar f at x."""
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array, got {describe(x)}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        try:
            x[i] = original + eps
            above = _scalar_output(f(x))
            x[i] = original - eps
            below = _scalar_output(f(x))
        finally:
            x[i] = original
        grad[i] = (above - below) / (2 * eps)
    return grad


def _scalar_output(value: object) -> float:
    """f's value as a float; ValueError when f returned something other than one number."""
    value = to_numpy(value)
    if np.ndim(value) != 0:
        raise ValueError(f"f must return a single number, but returned {describe(value)}")
    return float(value)


def relative_error(a: object, b: object) -> float:
    """The largest elementwise |a - b| / max(1e-12, |a| + |b|)."""
    a, b = np.asarray(to_numpy(a), dtype=float), np.asarray(to_numpy(b), dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b)), initial=0.0))


def gradient_check(
    f: Callable[[np.ndarray], float], x: np.ndarray, analytic_grad: object, eps: float = 1e-6
) -> float:
    """The relative error between analytic_grad and the numerical gradient of f at x."""
    analytic_grad = np.asarray(to_numpy(analytic_grad))
    if analytic_grad.shape != np.shape(x):
        raise ValueError(
            f"analytic_grad must have the shape of x {np.shape(x)}, got {analytic_grad.shape}"
        )
    return relative_error(analytic_grad, numerical_gradient(f, x, eps))
