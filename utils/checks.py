"""Checks for the visible tests in the lessons: each passes silently or says what was expected."""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable

import numpy as np

KINDS = {"bool": "b", "int": "iu", "float": "f", "complex": "c"}  # name -> numpy dtype kinds


def _to_numpy(value: object) -> object:
    """A torch tensor as a numpy array; anything else unchanged (torch is never imported here)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def _kind_name(dtype: np.dtype) -> str:
    """'float', 'int', 'bool' or 'complex' for a numpy dtype, else the dtype's own name."""
    return next((name for name, kinds in KINDS.items() if dtype.kind in kinds), str(dtype))


def _describe(value: object) -> str:
    """A short description of what came: an array's shape and dtype, or a value's type."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r:.60}"


def _as_array(got: object, name: str) -> np.ndarray:
    """got as a numpy array (torch tensors converted); AssertionError for anything else."""
    got = _to_numpy(got)
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{name} should be a numpy array, but got {_describe(got)}")
    return got


def check_shape(got: object, shape: tuple[int, ...], name: str = "result") -> None:
    """Assert that got is an array of the given shape."""
    got = _as_array(got, name)
    if got.shape != tuple(shape):
        raise AssertionError(f"{name} should have shape {tuple(shape)}, but has shape {got.shape}")


def check_dtype(got: object, kind: str, name: str = "result") -> None:
    """Assert that got is an array of the given kind: 'float', 'int', 'bool' or 'complex'."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    got = _as_array(got, name)
    if got.dtype.kind not in KINDS[kind]:
        raise AssertionError(
            f"{name} should have a dtype of kind '{kind}', but has dtype {got.dtype}"
        )


def check_array(
    got: object, expected: object, name: str = "result", rtol: float = 1e-7, atol: float = 0.0
) -> None:
    """Assert that got is an array with expected's shape, kind of dtype and (close) values."""
    expected = np.asarray(_to_numpy(expected))
    check_shape(got, expected.shape, name)
    got = _as_array(got, name)
    check_dtype(got, _kind_name(expected.dtype), name)
    if expected.dtype.kind in "fc":
        same = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        same = got == expected
    wrong = [tuple(int(i) for i in ix) for ix in np.argwhere(~same)]
    if wrong:
        lines = [
            f"  at index {ix}: expected {expected[ix].item()!r}, got {got[ix].item()!r}"
            for ix in wrong[:5]
        ]
        raise AssertionError(
            f"{name}: {len(wrong)} of {expected.size} values differ (rtol={rtol}, atol={atol}):\n"
            + "\n".join(lines)
        )


def _python_scalar(value: object) -> object:
    """A numpy scalar, 0-d array or 0-d tensor as the Python number it holds; else unchanged."""
    value = _to_numpy(value)
    if isinstance(value, (np.ndarray, np.generic)) and value.ndim == 0:
        return value.item()
    return value


def check_scalar(
    got: object, expected: float, name: str = "result", rtol: float = 1e-7, atol: float = 0.0
) -> None:
    """Assert that got is a single number (not a bool, not NaN) close to expected."""
    got, expected = _python_scalar(got), _python_scalar(expected)
    if isinstance(expected, bool):
        if not isinstance(got, bool) or got != expected:
            raise AssertionError(f"{name} should be {expected}, but got {_describe(got)}")
        return
    if isinstance(got, bool) or not isinstance(got, numbers.Real):
        raise AssertionError(f"{name} should be a number, but got {_describe(got)}")
    if math.isnan(got):
        raise AssertionError(f"{name} is nan (not a number); expected {expected!r}")
    if not math.isclose(got, expected, rel_tol=0.0, abs_tol=atol + rtol * abs(expected)):
        raise AssertionError(f"{name} should be {expected!r}, but got {got!r}")


def check_result(
    got: object, expected: object, name: str = "result", rtol: float = 1e-7, atol: float = 0.0
) -> None:
    """check_array or check_scalar on expected's form, recursing into tuples, lists and dicts."""
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            raise AssertionError(
                f"{name} should be a dict with keys {sorted(expected)}, but got {_describe(got)}"
            )
        for key in expected:
            check_result(got[key], expected[key], f"{name}[{key!r}]", rtol, atol)
    elif isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise AssertionError(
                f"{name} should be a {type(expected).__name__} of {len(expected)} items,"
                f" but got {_describe(got)}"
            )
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            check_result(g, e, f"{name}[{i}]", rtol, atol)
    elif isinstance(_to_numpy(expected), np.ndarray):
        check_array(got, expected, name, rtol, atol)
    else:
        check_scalar(got, expected, name, rtol, atol)


def _copied(args: tuple) -> tuple:
    """Deep copies of args, so a function that changes its inputs can't change the reference's."""
    import copy

    return copy.deepcopy(args)


def check_function(
    fn: Callable,
    reference: Callable,
    cases: list[tuple],
    name: str,
    rtol: float = 1e-7,
    atol: float = 0.0,
) -> None:
    """Assert fn(*case) matches reference(*case) in type, shape, dtype and value for each case.

    The hidden tests' one comparison: the grading pipeline re-checks these calls in a process
    that never ran student code.
    """
    for i, args in enumerate(cases):
        expected = reference(*_copied(args))
        check_result(fn(*_copied(args)), expected, f"{name} (case {i + 1})", rtol, atol)


def check_judged(fn: Callable, judge: Callable, cases: list[tuple], name: str) -> None:
    """Assert judge(*case, fn(*case)) passes for each case (for answers with many right values).

    judge raises AssertionError with a message when fn's output is not acceptable, e.g. a
    trained model below the stated accuracy on the case's data.
    """
    for i, args in enumerate(cases):
        got = fn(*_copied(args))
        try:
            judge(*_copied(args), got)
        except AssertionError as error:
            raise AssertionError(f"{name} (case {i + 1}): {error}") from None


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient (f(x + eps) - f(x - eps)) / 2 eps of a scalar f at x."""
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array, got {_describe(x)}")
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
    value = _to_numpy(value)
    if np.ndim(value) != 0:
        raise ValueError(f"f must return a single number, but returned {_describe(value)}")
    return float(value)


def relative_error(a: object, b: object) -> float:
    """The largest elementwise |a - b| / max(1e-12, |a| + |b|)."""
    a, b = np.asarray(_to_numpy(a), dtype=float), np.asarray(_to_numpy(b), dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b)), initial=0.0))


def gradient_check(
    f: Callable[[np.ndarray], float], x: np.ndarray, analytic_grad: object, eps: float = 1e-6
) -> float:
    """The relative error between analytic_grad and the numerical gradient of f at x."""
    analytic_grad = np.asarray(_to_numpy(analytic_grad))
    if analytic_grad.shape != np.shape(x):
        raise ValueError(
            f"analytic_grad must have the shape of x {np.shape(x)}, got {analytic_grad.shape}"
        )
    return relative_error(analytic_grad, numerical_gradient(f, x, eps))


def passed(message: str) -> None:
    """Print a green tick and the message: the end of a cell of visible tests."""
    print(f"\033[32m\u2714\033[0m {message}")
