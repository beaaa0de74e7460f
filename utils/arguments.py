"""Checking what a caller passed to a utils function: numbers, ints, arrays, with messages that
say what was wanted and what came.

    number(lr, "lr", positive=True)    # 0.1, or "lr must be a number > 0, got str 'fast'"
    integer(n, "n", at_least=1)        # 100, or "n must be a positive int, got bool True"

A bool is never a number here (True is 1 to Python, but no one means it as a count or a rate).
A value of the wrong type raises ArgumentTypeError, a TypeError that is a ValueError too; a
value of the right type out of range raises ValueError.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["ArgumentTypeError", "integer", "is_integer", "is_number", "number"]


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
