"""Checks for the visible tests in the lessons: each passes silently or says what was expected.

The comparisons are fair to every right answer: a list counts as a tuple and a tuple as a list;
a number may come as a Python number, a numpy scalar, a 0-d or a one-element array; arrays are
compared by value across bool, integer and float dtypes (integers and booleans exactly, floats to
within atol + rtol * |expected|). Shapes, keys and lengths must match.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Iterable

import numpy as np

KINDS = {"bool": "b", "int": "iu", "float": "f", "complex": "c"}  # name -> numpy dtype kinds
REAL = "biuf"  # the dtype kinds compared by value with one another
RTOL, ATOL = 1e-7, 1e-12  # the default tolerances: relative, and absolute for values near 0


def _to_numpy(value: object) -> object:
    """A torch tensor as a numpy array; anything else unchanged (torch is never imported here)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def _describe(value: object) -> str:
    """A short description of what came: an array's shape and dtype, a container's size, or a
    value's type."""
    value = _to_numpy(value)
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, dict):
        return f"a dict with the keys {sorted(map(str, value))}"
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


def check_real_array(
    got: object, shape: tuple[int, ...], name: str = "result", finite: bool = True
) -> np.ndarray:
    """Assert that got is an array of real numbers (bool, int or float) of the given shape, all
    finite unless finite=False; return it as float64."""
    check_shape(got, shape, name)
    got = _as_array(got, name)
    if got.dtype.kind not in REAL:
        raise AssertionError(f"{name} should hold real numbers, but has dtype {got.dtype}")
    values = got.astype(np.float64)
    if finite and not np.all(np.isfinite(values)):
        ix = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
        raise AssertionError(f"{name} holds {values[ix]} at index {ix}: finite numbers expected")
    return values


def _unwrapped(value: object) -> object:
    """A numpy scalar, 0-d array or one-element array (or tensor) as the Python value it holds;
    anything else unchanged."""
    value = _to_numpy(value)
    if isinstance(value, np.ndarray) and value.size == 1:
        return value.reshape(()).item()
    if isinstance(value, np.generic):
        return value.item()
    return value


def check_number(
    got: object, name: str = "result", finite: bool = True, integer: bool = False
) -> float | int:
    """Assert that got is one real number (a Python or numpy number, a 0-d or one-element array;
    not a bool, not nan, not inf unless finite=False, an int if integer=True); return it."""
    value = _unwrapped(got)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        what = "a single number" if isinstance(_to_numpy(got), np.ndarray) else "a number"
        raise AssertionError(f"{name} should be {what}, but got {_describe(got)}")
    if integer and not isinstance(value, numbers.Integral):
        raise AssertionError(f"{name} should be a whole number (an int), but got {_describe(got)}")
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    if math.isnan(value):
        raise AssertionError(f"{name} is nan (not a number)")
    if finite and math.isinf(value):
        raise AssertionError(f"{name} is {value}: a finite number was expected")
    return value


def check_numbers(got: object, length: int, name: str = "result") -> np.ndarray:
    """Assert that got is a list, tuple or 1-d array of `length` finite real numbers; return them
    as a float64 array."""
    if isinstance(_to_numpy(got), np.ndarray):
        return check_real_array(got, (length,), name)
    if not isinstance(got, (tuple, list)) or len(got) != length:
        raise AssertionError(
            f"{name} should be a list of {length} numbers, but got {_describe(got)}"
        )
    return np.array([check_number(item, f"{name}[{i}]") for i, item in enumerate(got)])


def check_tuple(got: object, length: int, name: str = "result") -> tuple:
    """Assert that got is a tuple or a list (either will do) of `length` items; return them as a
    tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != length:
        raise AssertionError(
            f"{name} should be a tuple (or list) of {length} items, but got {_describe(got)}"
        )
    return tuple(got)


def check_keys(got: object, keys: Iterable, name: str = "result") -> dict:
    """Assert that got is a dict with exactly the given keys; return it."""
    keys = list(keys)
    if not isinstance(got, dict):
        raise AssertionError(
            f"{name} should be a dict with the keys {keys}, but got {_describe(got)}"
        )
    missing = [key for key in keys if key not in got]
    extra = [key for key in got if key not in keys]
    problems = [f"lacks {missing}"] if missing else []
    problems += [f"has the extra keys {extra}"] if extra else []
    if problems:
        raise AssertionError(f"{name} should have the keys {keys}, but it {' and '.join(problems)}")
    return got


def check_array(
    got: object, expected: object, name: str = "result", rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Assert that got is an array with expected's shape and the same values: bool, int and float
    dtypes compare by value, integers and booleans exactly, floats to within rtol or atol."""
    expected = np.asarray(_to_numpy(expected))
    check_shape(got, expected.shape, name)
    got = _as_array(got, name)
    numeric = REAL + "c"
    if expected.dtype.kind in numeric and got.dtype.kind not in (
        numeric if expected.dtype.kind == "c" else REAL
    ):
        wanted = "numbers" if expected.dtype.kind == "c" else "real numbers"
        raise AssertionError(f"{name} should hold {wanted}, but has dtype {got.dtype}")
    if expected.dtype.kind in "fc":
        values = got.astype(np.float64) if got.dtype.kind == "b" else got
        same = np.isclose(values, expected, rtol=rtol, atol=atol, equal_nan=True)
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


def check_scalar(
    got: object, expected: object, name: str = "result", rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Assert that got is a single number (not a bool, not nan) within rtol or atol of expected;
    for an expected bool, a bool (or 0/1) equal to it."""
    if isinstance(_unwrapped(expected), bool):
        value = _unwrapped(got)
        if not isinstance(value, numbers.Real) or value != _unwrapped(expected):
            raise AssertionError(
                f"{name} should be {_unwrapped(expected)}, but got {_describe(got)}"
            )
        return
    expected = check_number(expected, f"the expected value of {name}", finite=False)
    value = check_number(got, name, finite=False)
    if not math.isclose(value, expected, rel_tol=0.0, abs_tol=atol + rtol * abs(expected)):
        raise AssertionError(
            f"{name} should be {expected!r}, but got {value!r} (rtol={rtol}, atol={atol})"
        )


def check_result(
    got: object, expected: object, name: str = "result", rtol: float = RTOL, atol: float = ATOL
) -> None:
    """check_array or check_scalar on expected's form, recursing into tuples, lists and dicts."""
    expected = _to_numpy(expected)
    if isinstance(expected, dict):
        check_keys(got, expected, name)
        for key in expected:
            check_result(got[key], expected[key], f"{name}[{key!r}]", rtol, atol)
    elif isinstance(expected, (tuple, list)):
        items = check_tuple(got, len(expected), name)
        for i, (g, e) in enumerate(zip(items, expected, strict=True)):
            check_result(g, e, f"{name}[{i}]", rtol, atol)
    elif isinstance(expected, np.ndarray) and expected.ndim > 0:
        check_array(got, expected, name, rtol, atol)
    else:
        check_scalar(got, expected, name, rtol, atol)


def _copied(args: tuple) -> tuple:
    """Deep copies of args, so a function that changes its inputs can't change the reference's."""
    import copy

    return copy.deepcopy(args)


def _could_not_check(name: str, error: Exception) -> AssertionError:
    """The failure for an answer that made the comparison itself fail: the error and its message."""
    return AssertionError(
        f"{name}: the answer could not be checked: {type(error).__name__}: {error}"
    )


def check_function(
    fn: Callable,
    reference: Callable,
    cases: list[tuple],
    name: str,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> None:
    """Assert fn(*case) matches reference(*case) in form, shape and value for each case.

    The hidden tests' one comparison: the grading pipeline re-checks these calls in a process
    that never ran student code.
    """
    for i, args in enumerate(cases):
        label = f"{name} (case {i + 1})"
        expected = reference(*_copied(args))
        got = fn(*_copied(args))
        try:
            check_result(got, expected, label, rtol, atol)
        except AssertionError:
            raise
        except Exception as error:  # noqa: BLE001 - an odd answer gets a clear message
            raise _could_not_check(label, error) from None


def check_judged(fn: Callable, judge: Callable, cases: list[tuple], name: str) -> None:
    """Assert judge(*case, fn(*case)) passes for each case (for answers with many right values).

    judge raises AssertionError with a message when fn's output is not acceptable, e.g. a
    trained model below the stated accuracy on the case's data.
    """
    for i, args in enumerate(cases):
        label = f"{name} (case {i + 1})"
        got = fn(*_copied(args))
        try:
            judge(*_copied(args), got)
        except AssertionError as error:
            raise AssertionError(f"{label}: {error}") from None
        except Exception as error:  # noqa: BLE001 - an odd answer gets a clear message
            raise _could_not_check(label, error) from None


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
