"""Checking what a caller passed to a utils function: numbers, ints, arrays, with messages that
say what was wanted and what came.

    number(lr, "lr", positive=True)    # 0.1, or "lr must be a number > 0, got str 'fast'"
    integer(n, "n", at_least=1)        # 100, or "n must be a positive int, got bool True"
    array(X, "X", ("n", 2))            # float64 (n, 2), or "X must be a numeric array of
                                       # shape (n, 2), got an array of shape (5, 3) and ..."
    labels(y, "y", len(X), classes=2)  # int64 (n,), or "y must hold the labels 0 and 1 only"
    points(X, y)                       # both at once, as every scatter plot takes them

Arrays come as numpy arrays, torch tensors (torch is never imported here) or lists of either.
A shape is a tuple of sizes: an int is fixed, a str names a free size, so ("n", 2) is n points
and (2,) is two numbers. An array is never empty unless asked (empty=True).
A bool is never a number here (True is 1 to Python, but no one means it as a count or a rate);
only as a class label does it count, as 0 or 1.
A value of the wrong type raises ArgumentTypeError, a TypeError that is a ValueError too; a
value of the right type out of range raises ValueError.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "ArgumentTypeError",
    "array",
    "integer",
    "is_integer",
    "is_number",
    "labels",
    "number",
    "points",
]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type: a TypeError, and a ValueError for code that catches that."""


def is_number(value: object, *, finite: bool = True) -> bool:
    """Whether value is a real number (a finite one unless finite=False) and not a bool."""
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    return real and (not finite or math.isfinite(value))


def is_integer(value: object) -> bool:
    """Whether value is an int (numpy's included) and not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _describe(value: object) -> str:
    """What came, as utils.checks.failure.describe says it (imported only when a check fails)."""
    from .checks.failure import describe

    return describe(value)


def _bounds(at_least: float | None, at_most: float | None, above_0: bool = False) -> str:
    """The range wanted, as " > 0", " >= 1", " <= 5" or " >= 1 and <= 5" (empty for none)."""
    parts = [" > 0"] if above_0 else []
    parts += [f" >= {at_least}"] if at_least is not None else []
    parts += [f" <= {at_most}"] if at_most is not None else []
    return " and".join(parts)


def number(
    value: object,
    name: str,
    *,
    positive: bool = False,
    at_least: float | None = None,
    at_most: float | None = None,
    finite: bool = True,
) -> float:
    """value as a float in the range asked for, or an error naming `name`, what was wanted and
    what came."""
    bounds = _bounds(at_least, at_most, positive)
    if not is_number(value, finite=False):
        raise ArgumentTypeError(f"{name} must be a number{bounds}, got {_describe(value)}")
    result = float(value)
    if (
        (finite and not math.isfinite(result))
        or math.isnan(result)
        or (positive and not result > 0)
        or (at_least is not None and not result >= at_least)
        or (at_most is not None and not result <= at_most)
    ):
        kind = "a finite number" if finite else "a number"
        raise ValueError(f"{name} must be {kind}{bounds}, got {result!r}")
    return result


def integer(
    value: object, name: str, *, at_least: int | None = None, at_most: int | None = None
) -> int:
    """value as an int in [at_least, at_most], or an error naming `name`, what was wanted and
    what came."""
    if at_least == 1 and at_most is None:
        wanted = "a positive int"
    else:
        wanted = "an int" + _bounds(at_least, at_most)
    if not is_integer(value):
        raise ArgumentTypeError(f"{name} must be {wanted}, got {_describe(value)}")
    if (at_least is not None and value < at_least) or (at_most is not None and value > at_most):
        raise ValueError(f"{name} must be {wanted}, got {int(value)}")
    return int(value)


_COUNTS = {1: "one", 2: "two", 3: "three", 4: "four"}


def _wanted(shape: tuple[int | str, ...] | None, finite: bool) -> str:
    """The array asked for, in words: "two finite numbers", "a 2x2 matrix", "a numeric array of
    shape (n, 2)"."""
    adjective = "finite " if finite else ""
    if shape is None:
        return f"an array of {adjective}numbers"
    fixed = all(isinstance(size, int) for size in shape)
    if fixed and len(shape) == 1 and shape[0] in _COUNTS:
        return f"{_COUNTS[shape[0]]} {adjective}number" + "s" * (shape[0] > 1)
    if fixed and len(shape) == 2:
        return f"a {adjective}{shape[0]}x{shape[1]} matrix"
    sizes = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
    return f"a {adjective}numeric array of shape ({sizes})"


def _numpy(value: object, name: str, wanted: str) -> np.ndarray:
    """value (an array, a tensor, a list) as a numpy array; a ragged list is refused by name."""
    from .checks.failure import to_numpy

    if not isinstance(value, (list, tuple)):
        return np.asarray(to_numpy(value))
    items = [to_numpy(item) for item in value]  # a list of tensors too
    try:
        return np.asarray(items)
    except ValueError:  # numpy refuses lists whose items have different shapes
        shapes = ", ".join(str(np.shape(item)) for item in items[:4])
        raise ArgumentTypeError(
            f"{name} must be {wanted}, got a ragged {type(value).__name__} whose items do not"
            f" all have one shape: {shapes}"
        ) from None


def array(
    value: object,
    name: str,
    shape: tuple[int | str, ...] | None = None,
    *,
    finite: bool = False,
    empty: bool = False,
) -> np.ndarray:
    """value (array, tensor or list of real numbers, no bools) as float64 of the shape asked for."""
    wanted = _wanted(shape, finite)
    result = _numpy(value, name, wanted)
    if result.dtype.kind not in "iuf":
        not_bools = " (not bools: write .astype(float) for 0 and 1)" * (result.dtype.kind == "b")
        if result.dtype.kind == "O" or result.ndim == 0:  # None, a dict, a str, ...
            raise ArgumentTypeError(f"{name} must be {wanted}, got {_describe(value)}")
        raise ArgumentTypeError(
            f"{name} must hold real numbers{not_bools}, got {_describe(result)}"
        )
    if shape is not None and result.ndim != len(shape):
        dims = f" ({result.ndim}-D, not {len(shape)}-D)"
        raise ValueError(f"{name} must be {wanted}, got {_describe(result)}{dims}")
    if shape is not None and any(
        isinstance(size, int) and size != got for size, got in zip(shape, result.shape, strict=True)
    ):
        raise ValueError(f"{name} must be {wanted}, got {_describe(result)}")
    if not empty and result.size == 0:
        raise ValueError(f"{name} must not be empty: wanted {wanted}, got {_describe(result)}")
    if finite and not np.all(np.isfinite(result)):
        bad = int(np.sum(~np.isfinite(result)))
        raise ValueError(
            f"{name} must be finite numbers, got {bad} nan or inf in {_describe(result)}"
        )
    return result.astype(np.float64)


def _labels_wanted(name: str, classes: int | None) -> str:
    """The labels wanted, as "y must hold the labels 0 and 1 only" or "... the classes 0 to 9 only"."""
    if classes is None:
        return f"{name} must hold class labels 0, 1, 2, ..."
    if classes == 2:
        return f"{name} must hold the labels 0 and 1 only"
    return f"{name} must hold the classes 0 to {classes - 1} only"


def labels(
    value: object,
    name: str,
    n: int | None = None,
    *,
    classes: int | None = None,
    match: str = "",
) -> np.ndarray:
    """value as n int64 class labels 0, 1, ... below `classes`; `match` names what n counts."""
    result = _numpy(value, name, "class labels")
    if n is not None and result.shape != (n,):
        matching = f" to match {match}" if match else ""
        raise ValueError(f"{name} must have shape ({n},){matching}, got shape {result.shape}")
    if result.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got {_describe(result)}")
    if result.dtype.kind not in "biuf":
        raise ArgumentTypeError(f"{name} must hold class labels (ints), got {_describe(result)}")
    whole = result.dtype.kind != "f" or np.all(np.isfinite(result) & (result == np.round(result)))
    if not whole or np.any(result < 0) or (classes is not None and np.any(result >= classes)):
        got = np.unique(result)
        few = got.size <= 6
        shown = f"the values {got}" if few else f"{got.size} values from {got[0]} to {got[-1]}"
        raise ValueError(f"{_labels_wanted(name, classes)}; got {shown}")
    return result.astype(np.int64)


def points(
    X: object, y: object, *, width: int = 2, classes: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Points X as float64 (n, width) and their class labels y as int64 (n,), checked together."""
    X = array(X, "X", ("n", width))
    return X, labels(y, "y", len(X), classes=classes, match=f"X {X.shape}")
