"""The hints a failed check gives: why an answer may be None, of another shape, type or value."""

from __future__ import annotations

import math
import numbers
import re

import numpy as np

from .failure import to_numpy


def function_in(name: str) -> str | None:
    """The function a check's name starts with: "step" in "step([-2, 0])", "train's answer"."""
    match = re.match(r"([A-Za-z_]\w*)(?=\(| \(|'s )", name)
    return match.group(1) if match else None


RETURNS_NONE = (
    "A function without a `return` statement returns None: end {fn} with `return <your answer>`"
    " (print() only shows a value, it does not return it)."
)


def none_hint(name: str, fn: str | None = None) -> str:
    """The hint for an answer that is None."""
    fn = fn or function_in(name)
    who = f"`{fn}`" if fn else "the function"
    return f"{who} returned nothing (None). " + RETURNS_NONE.format(fn=who)


def type_hint(got: object, name: str) -> str:
    """The hint for an answer of another type than a numpy array."""
    if got is None:
        return none_hint(name)
    if isinstance(got, (tuple, list)):
        return (
            "a Python list is not a numpy array: convert it with np.array(...), or compute with"
            " numpy on whole arrays instead of building a list."
        )
    if isinstance(got, (numbers.Number, np.generic)):
        return (
            "one number where an array is expected: Python's `if`, max() and math.exp() work on"
            " one number at a time; np.where, np.maximum and np.exp work on whole arrays."
        )
    return ""


NAN = (
    "nan comes from 0 / 0, inf - inf, 0 * inf or np.log / np.sqrt of a negative number; an np.exp"
    " that overflowed to inf is often where it starts."
)


INF = (
    "inf comes from an overflow (np.exp of a number above about 709) or from a division by 0"
    " (and np.log(0) is -inf)."
)


def shape_hint(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """The hint for an array of another shape than expected."""
    if len(got) == 2 and got != want and got == want[::-1]:
        return (
            "the transpose of the expected shape: swap the operands of a product (A @ B vs B @ A),"
            " or add or remove a .T."
        )
    if len(want) == 1 and got == (want[0], want[0]) and want[0] > 1:
        return (
            f"an {got} array where {want} is expected: an (n,) and an (n, 1) array were combined and"
            " broadcast to (n, n). Make both of shape (n,), e.g. with .ravel()."
        )
    if got != want and [d for d in got if d != 1] == [d for d in want if d != 1]:
        if len(got) > len(want):
            return (
                "an extra axis of length 1, e.g. (n, 1) where (n,) is expected: it comes from"
                " keepdims=True, a column vector or X[:, [j]]; flatten it with .ravel()."
            )
        return (
            "an axis of length 1 is missing: keep it with keepdims=True (in np.sum, np.mean,"
            " np.max) or add it with [:, None]."
        )
    if got == ():
        return (
            "one number where an array is expected: did np.sum, np.mean or max() reduce the whole"
            " array? Keep one value per element (or per row, with axis=...)."
        )
    if math.prod(got) == math.prod(want):
        return (
            "the right number of values, arranged in another shape: check a reshape or transpose."
        )
    return (
        "check the axis= of each np.sum / np.mean / np.max (axis=0 gives one value per column,"
        " axis=1 one per row), and the shapes of the arrays you combine (print(x.shape))."
    )


def values_hint(got: np.ndarray, expected: np.ndarray, wrong: list) -> str:
    """The hint for an array of the right form with wrong values: a pattern in how they differ,
    if there is one."""
    if expected.dtype.kind in "fc" and got.dtype.kind in "fc":
        bad = ~np.isfinite(got) & np.isfinite(expected)
        if np.any(np.isnan(got) & bad):
            return NAN
        if np.any(bad):
            return INF
        if got.dtype.kind == "f" and expected.dtype.kind == "f" and np.all(np.isfinite(got)):
            pattern = _pattern(got.astype(np.float64).ravel(), expected.astype(np.float64).ravel())
            if pattern:
                return pattern
    return (
        f"the type and the shape are right, the values are not: work out the value at index"
        f" {wrong[0]} by hand and print your function's intermediate results for this input."
    )


def _pattern(got: np.ndarray, expected: np.ndarray) -> str:
    """What wrong floats have in common with the right ones: a flipped sign, a factor, an offset."""
    nonzero = np.abs(expected) > 1e-300
    if nonzero.sum() >= 1 and np.allclose(got, -expected, rtol=1e-6, atol=1e-12):
        return (
            "every value has the wrong sign: look for a minus too many or too few (p - y vs y - p)."
        )
    if nonzero.sum() >= 2 and np.allclose(got[~nonzero], 0.0, atol=1e-12):
        ratio = got[nonzero] / expected[nonzero]
        if np.allclose(ratio, ratio[0], rtol=1e-6) and not math.isclose(
            ratio[0], 1.0, rel_tol=1e-6
        ):
            return (
                f"every value is {ratio[0]:.6g} times the expected one: a constant factor is missing"
                " or extra (the 1 / n of a mean, a 2, the learning rate?)."
            )
    if np.allclose(got, expected, rtol=1e-3, atol=1e-9):
        return (
            "close, but not within the tolerance: a float32 somewhere instead of float64, or a"
            " formula that loses precision (subtracting nearly equal numbers, an overflow)?"
        )
    offset = got - expected
    if got.size >= 2 and np.allclose(offset, offset[0], rtol=1e-6, atol=1e-12):
        return (
            f"every value is off by the same {offset[0]:+.6g}: a constant term is missing or extra"
            " (the bias b?)."
        )
    return ""


def number_hint(value: float, expected: float) -> str:
    """The hint for a wrong number: nan, inf, a flipped sign or a whole-number factor."""
    if math.isnan(value):
        return NAN
    if math.isinf(value) and not math.isinf(expected):
        return INF
    if expected != 0 and math.isclose(value, -expected, rel_tol=1e-6):
        return "the sign is wrong: look for a minus too many or too few."
    if expected != 0 and value != 0 and math.isfinite(value):
        for ratio, what in ((value / expected, "{} times"), (expected / value, "1/{} of")):
            if ratio >= 1.5 and abs(ratio - round(ratio)) < 1e-6 * ratio:
                return (
                    f"{what.format(round(ratio))} the expected value: a sum where a mean is wanted"
                    " (or the other way round), or a constant factor missing or extra?"
                )
    return ""


DTYPE_HINTS = {
    "int": ".astype(np.int64) turns a bool or float array into integers (a comparison such as"
    " z >= 0 gives bools).",
    "float": ".astype(np.float64) turns it into floats; or start from float inputs, e.g."
    " np.asarray(z, dtype=np.float64).",
    "bool": "a comparison such as z > 0 gives a bool array; .astype(bool) converts 0 / 1.",
    "complex": ".astype(np.complex128) converts it.",
}


def number_type_hint(got: object, name: str) -> str:
    """The hint for something other than one number where one is expected."""
    got = to_numpy(got)
    if got is None:
        return none_hint(name)
    if isinstance(got, np.ndarray):
        if got.size == 0:
            return "an empty array: did a selection match nothing?"
        return (
            "one value per element (or per sample): reduce it to one number with np.sum or"
            " np.mean, or pick the element you mean."
        )
    if isinstance(got, (bool, np.bool_)):
        return "a bool (True / False) is not a number here: convert it with float(...) or int(...)."
    if isinstance(got, str):
        return "a string: return the number itself, not text."
    if isinstance(got, (tuple, list)) and len(got) == 1:
        return "a list holding one number: return the number itself."
    return ""


def tuple_hint(got: object, length: int, name: str, fn: str | None = None) -> str:
    """The hint for an answer that is not a tuple of `length` items."""
    fn = fn or function_in(name)
    who = f"`{fn}`" if fn else "the function"
    names = re.search(r"\(([A-Za-z_]\w*(?:, [A-Za-z_]\w*)+)\)$", name)
    example = names.group(1) if names else ", ".join("abcdefgh"[:length])
    if got is None:
        return f"{who} returned nothing (None). " + RETURNS_NONE.format(fn=who)
    if isinstance(to_numpy(got), np.ndarray):
        return f"return the {length} values as a tuple, `return {example}`, not as one array."
    if isinstance(got, dict):
        return f"return a tuple, `return {example}`, not a dict."
    if isinstance(got, (tuple, list)):
        return (
            f"{who} should return exactly {length} values, separated by commas: `return {example}`."
        )
    return f"{who} should return {length} values, separated by commas: `return {example}`."


def keys_hint(missing: list, extra: list) -> str:
    """The hint for a dict with other keys than expected."""
    lower = {str(key).lower(): key for key in missing}
    near = [(key, lower[str(key).lower()]) for key in extra if str(key).lower() in lower]
    if near:
        return f"keys must match exactly, capitals included: {near[0][0]!r} is not {near[0][1]!r}."
    return "the keys are part of the answer: use exactly the names the exercise gives."
