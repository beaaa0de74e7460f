"""The comparisons: an answer's type, shape, dtype, keys, length and values against the expected."""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Iterable

import numpy as np

from .failure import CheckFailed, describe, shown, to_numpy
from .hints import (
    DTYPE_HINTS,
    INF,
    NAN,
    keys_hint,
    none_hint,
    number_hint,
    number_type_hint,
    shape_hint,
    tuple_hint,
    type_hint,
    values_hint,
)
from .tally import counted

KINDS = {"bool": "b", "int": "iu", "float": "f", "complex": "c"}  # name -> numpy dtype kinds
REAL = "biuf"  # the dtype kinds compared by value with one another
RTOL, ATOL = 1e-7, 1e-12  # the default tolerances: relative, and absolute for values near 0


def _tolerance(rtol: float, atol: float, exact: bool) -> str:
    """How values were compared."""
    if exact or rtol == atol == 0:
        return "exactly"
    return f"to within rtol={rtol:g} (relative) or atol={atol:g} (absolute)"


def _as_array(got: object, name: str, wanted: str = "a numpy array") -> np.ndarray:
    """got as a numpy array (torch tensors converted); CheckFailed for anything else."""
    got = to_numpy(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailed(
            f"{name} should be a numpy array, but got {describe(got)}",
            name,
            "None" if got is None else "not a numpy array",
            checked="that it is a numpy array",
            expected=wanted,
            got=shown(got),
            hint=type_hint(got, name),
            kind="none" if got is None else "type",
        )
    return got


@counted
def check_shape(got: object, shape: tuple[int, ...], name: str = "result") -> None:
    """Assert that got is an array of the given shape."""
    shape = tuple(shape)
    got = _as_array(got, name, f"a numpy array of shape {shape}")
    if got.shape != shape:
        raise CheckFailed(
            f"{name} should have shape {shape}, but has shape {got.shape}",
            name,
            "wrong shape",
            checked="its shape",
            expected=f"shape {shape}",
            got=f"shape {got.shape}",
            hint=shape_hint(got.shape, shape),
            kind="shape",
        )


@counted
def check_dtype(got: object, kind: str, name: str = "result") -> None:
    """Assert that got is an array of the given kind: 'float', 'int', 'bool' or 'complex'."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    got = _as_array(got, name, f"a numpy array of {kind}s")
    if got.dtype.kind not in KINDS[kind]:
        raise CheckFailed(
            f"{name} should have a dtype of kind '{kind}', but has dtype {got.dtype}",
            name,
            "wrong dtype",
            checked="its dtype",
            expected=f"a dtype of kind '{kind}'",
            got=f"dtype {got.dtype}",
            hint=DTYPE_HINTS[kind],
            kind="dtype",
        )


def _not_real(got: np.ndarray, name: str, wanted: str) -> CheckFailed:
    """The failure for an array that holds something other than real numbers."""
    hint = {
        "c": "complex numbers: a square root (or ** 0.5) of a negative number? Keep to reals.",
        "U": "strings: return the numbers themselves, not text.",
        "S": "strings: return the numbers themselves, not text.",
        "O": "Python objects: np.array of rows of different lengths gives those; build the array"
        " from numbers.",
    }.get(got.dtype.kind, "")
    return CheckFailed(
        f"{name} should hold {wanted}, but has dtype {got.dtype}",
        name,
        "wrong dtype",
        checked="that it holds numbers",
        expected=wanted,
        got=f"dtype {got.dtype}",
        hint=hint,
        kind="dtype",
    )


@counted
def check_real_array(
    got: object, shape: tuple[int, ...], name: str = "result", finite: bool = True
) -> np.ndarray:
    """Assert that got is an array of real numbers (bool, int or float) of the given shape, all
    finite unless finite=False; return it as float64."""
    check_shape(got, shape, name)
    got = _as_array(got, name)
    if got.dtype.kind not in REAL:
        raise _not_real(got, name, "real numbers")
    values = got.astype(np.float64)
    if finite and not np.all(np.isfinite(values)):
        ix = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
        raise CheckFailed(
            f"{name} holds {values[ix]} at index {ix}: finite numbers expected",
            name,
            f"{values[ix]} at index {ix}",
            checked="that every value is finite",
            expected="finite numbers",
            got=shown(got),
            hint=NAN if np.isnan(values[ix]) else INF,
            kind="finite",
        )
    return values


def _unwrapped(value: object) -> object:
    """A numpy scalar, 0-d array or one-element array (or tensor) as the Python value it holds;
    anything else unchanged."""
    value = to_numpy(value)
    if isinstance(value, np.ndarray) and value.size == 1:
        return value.reshape(()).item()
    if isinstance(value, np.generic):
        return value.item()
    return value


@counted
def check_number(
    got: object, name: str = "result", finite: bool = True, integer: bool = False
) -> float | int:
    """Assert that got is one real number (a Python or numpy number, a 0-d or one-element array;
    not a bool, not nan, not inf unless finite=False, an int if integer=True); return it."""
    value = _unwrapped(got)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        what = "a single number" if isinstance(to_numpy(got), np.ndarray) else "a number"
        raise CheckFailed(
            f"{name} should be {what}, but got {describe(got)}",
            name,
            "None" if got is None else f"not {what}",
            checked=f"that it is {what}",
            expected=what,
            got=shown(got),
            hint=number_type_hint(got, name),
            kind="none" if got is None else "type",
        )
    if integer and not isinstance(value, numbers.Integral):
        raise CheckFailed(
            f"{name} should be a whole number (an int), but got {describe(got)}",
            name,
            "not an int",
            checked="that it is a whole number (an int)",
            expected="an int",
            got=shown(got),
            hint="convert it with int(...), e.g. int(np.sum(...)).",
            kind="type",
        )
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    if math.isnan(value):
        raise CheckFailed(
            f"{name} is nan (not a number)",
            name,
            "nan",
            checked="that it is a number",
            expected="a number",
            got="nan",
            hint=NAN,
            kind="finite",
        )
    if finite and math.isinf(value):
        raise CheckFailed(
            f"{name} is {value}: a finite number was expected",
            name,
            "not finite",
            checked="that it is finite",
            expected="a finite number",
            got=repr(value),
            hint=INF,
            kind="finite",
        )
    return value


@counted
def check_numbers(got: object, length: int, name: str = "result") -> np.ndarray:
    """Assert that got is a list, tuple or 1-d array of `length` finite real numbers; return them
    as a float64 array."""
    if isinstance(to_numpy(got), np.ndarray):
        return check_real_array(got, (length,), name)
    if not isinstance(got, (tuple, list)) or len(got) != length:
        if got is None:
            hint = none_hint(name)
        elif isinstance(got, (tuple, list)):
            hint = f"{len(got)} numbers instead of {length}: check how often your loop appends."
        else:
            hint = f"return a list (or 1-d array) of {length} numbers."
        raise CheckFailed(
            f"{name} should be a list of {length} numbers, but got {describe(got)}",
            name,
            "None" if got is None else "wrong length",
            checked=f"that it is a list of {length} numbers",
            expected=f"a list of {length} numbers",
            got=shown(got),
            hint=hint,
            kind="none" if got is None else "length",
        )
    return np.array([check_number(item, f"{name}[{i}]") for i, item in enumerate(got)])


@counted
def check_tuple(got: object, length: int, name: str = "result") -> tuple:
    """Assert that got is a tuple or a list (either will do) of `length` items; return them as a
    tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != length:
        failure = CheckFailed(
            f"{name} should be a tuple (or list) of {length} items, but got {describe(got)}",
            name,
            "None" if got is None else f"not {length} values",
            checked=f"that it is a tuple (or list) of {length} items",
            expected=f"a tuple of {length} items",
            got=shown(got),
            hint=tuple_hint(got, length, name),
            kind="none" if got is None else "tuple",
        )
        failure.rehint = functools.partial(tuple_hint, got, length, name)
        raise failure
    return tuple(got)


@counted
def check_keys(got: object, keys: Iterable, name: str = "result") -> dict:
    """Assert that got is a dict with exactly the given keys; return it."""
    keys = list(keys)
    if not isinstance(got, dict):
        raise CheckFailed(
            f"{name} should be a dict with the keys {keys}, but got {describe(got)}",
            name,
            "None" if got is None else "not a dict",
            checked="that it is a dict",
            expected=f"a dict with the keys {keys}",
            got=shown(got),
            hint=none_hint(name) if got is None else "return a dict, e.g. {'W1': W1, 'b1': b1}.",
            kind="none" if got is None else "type",
        )
    missing = [key for key in keys if key not in got]
    extra = [key for key in got if key not in keys]
    problems = [f"lacks {missing}"] if missing else []
    problems += [f"has the extra keys {extra}"] if extra else []
    if problems:
        raise CheckFailed(
            f"{name} should have the keys {keys}, but it {' and '.join(problems)}",
            name,
            "wrong keys",
            checked="its keys",
            expected=f"the keys {keys}",
            got=f"the keys {list(got)}",
            hint=keys_hint(missing, extra),
            kind="keys",
        )
    return got


@counted
def check_array(
    got: object, expected: object, name: str = "result", rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Assert that got is an array with expected's shape and the same values: bool, int and float
    dtypes compare by value, integers and booleans exactly, floats to within rtol or atol."""
    expected = np.asarray(to_numpy(expected))
    check_shape(got, expected.shape, name)
    got = _as_array(got, name)
    numeric = REAL + "c"
    if expected.dtype.kind in numeric and got.dtype.kind not in (
        numeric if expected.dtype.kind == "c" else REAL
    ):
        raise _not_real(got, name, "numbers" if expected.dtype.kind == "c" else "real numbers")
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
        details = [f"{len(wrong)} of {expected.size} values differ:"] + [
            line.strip() for line in lines[:3]
        ]
        if len(wrong) > 3:
            details.append(f"... and {len(wrong) - 3} more")
        raise CheckFailed(
            f"{name}: {len(wrong)} of {expected.size} values differ (rtol={rtol}, atol={atol}):\n"
            + "\n".join(lines),
            name,
            "wrong values",
            checked=f"each value, {_tolerance(rtol, atol, expected.dtype.kind not in 'fc')}",
            expected=shown(expected),
            got=shown(got),
            details=details,
            hint=values_hint(got, expected, wrong),
            kind="values",
        )


@counted
def check_scalar(
    got: object, expected: object, name: str = "result", rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Assert that got is a single number (not a bool, not nan) within rtol or atol of expected;
    for an expected bool, a bool (or 0/1) equal to it."""
    if isinstance(_unwrapped(expected), bool):
        value = _unwrapped(got)
        if not isinstance(value, numbers.Real) or value != _unwrapped(expected):
            raise CheckFailed(
                f"{name} should be {_unwrapped(expected)}, but got {describe(got)}",
                name,
                "wrong value",
                checked="its value (True or False)",
                expected=repr(_unwrapped(expected)),
                got=shown(got),
                hint=none_hint(name) if got is None else "",
                kind="none" if got is None else "value",
            )
        return
    expected = check_number(expected, f"the expected value of {name}", finite=False)
    value = check_number(got, name, finite=False)
    if not math.isclose(value, expected, rel_tol=0.0, abs_tol=atol + rtol * abs(expected)):
        raise CheckFailed(
            f"{name} should be {expected!r}, but got {value!r} (rtol={rtol}, atol={atol})",
            name,
            "wrong value",
            checked=f"its value, {_tolerance(rtol, atol, False)}",
            expected=repr(expected),
            got=repr(value),
            hint=number_hint(value, expected),
            kind="value",
        )


@counted
def check_result(
    got: object, expected: object, name: str = "result", rtol: float = RTOL, atol: float = ATOL
) -> None:
    """check_array or check_scalar on expected's form, recursing into tuples, lists and dicts."""
    expected = to_numpy(expected)
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
