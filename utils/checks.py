"""Checks for the visible tests in the lessons: each passes silently or says what was expected.

The comparisons are fair to every right answer: a list counts as a tuple and a tuple as a list;
a number may come as a Python number, a numpy scalar, a 0-d or a one-element array; arrays are
compared by value across bool, integer and float dtypes (integers and booleans exactly, floats to
within atol + rtol * |expected|). Shapes, keys and lengths must match.

A failed check raises CheckFailed, an AssertionError whose str() is the check's message (what
plain Python and the grader show). In a notebook the failure shows as one compact block instead
of a traceback: what was checked, what was expected, what came, and a hint. For that, importing
this module inside IPython registers a handler for the errors of a cell (set_custom_exc) that
also names an exercise still raising `NotImplementedError`, explains an `if` on an array, a
matrix product whose shapes do not fit, an answer that is None or has the wrong number of values,
and leaves any other error as IPython shows it, less this module's frames. Set
`utils.checks.FULL_TRACEBACKS = True` for IPython's own tracebacks. passed() ends a cell of
visible tests with one line: "✔ PASSED: ... (n checks)".
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import sys
from collections.abc import Callable, Iterable

import numpy as np

KINDS = {"bool": "b", "int": "iu", "float": "f", "complex": "c"}  # name -> numpy dtype kinds
REAL = "biuf"  # the dtype kinds compared by value with one another
RTOL, ATOL = 1e-7, 1e-12  # the default tolerances: relative, and absolute for values near 0
FULL_TRACEBACKS = False  # True: IPython shows its own tracebacks, this module's frames included
WIDTH = 96  # the width a failure's block is wrapped to
LABEL = 12  # the indent of a block's values: "  expected: "


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


# ---------------------------------------------------------------- how a failure reads


def _marks() -> tuple[str, str]:
    """The pass and fail marks, or none where the output cannot show them (ASCII only)."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "\u2714\u2718".encode(encoding)
    except (LookupError, UnicodeError):
        return "", ""
    return "\u2714 ", "\u2718 "


def _field(label: str, text: object) -> list[str]:
    """A block's line `  label: text`, continued lines indented under the text; a hint and an
    error message wrapped (never inside `code`)."""
    if text is None or text == "":
        return []
    head = f"  {label + ':':<{LABEL - 2}}"
    lines = str(text).splitlines() or [""]
    if label in ("hint", "error"):
        import textwrap

        lines = [
            piece.replace("\u00a0", " ")
            for line in lines
            for piece in textwrap.wrap(
                re.sub(r"`[^`]*`", lambda code: code.group(0).replace(" ", "\u00a0"), line),
                WIDTH - LABEL,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        ]
    return [(head if i == 0 else " " * LABEL) + line for i, line in enumerate(lines)]


def _block(headline: str, fields: list[tuple[str, object]], hint: str = "") -> str:
    """One compact block: a marked headline, then `label: value` lines, then the hint."""
    _, fail = _marks()
    lines = [f"{fail}{headline}"]
    for label, text in fields:
        lines += _field(label, text) if label else [" " * LABEL + str(text)]
    return "\n".join(lines + _field("hint", hint))


def _shown(value: object) -> str:
    """A value as a block shows it: numbers and small arrays in full, anything else described."""
    value = _to_numpy(value)
    if isinstance(value, np.ndarray):
        if value.size <= 12 and value.ndim <= 2 and value.dtype.kind in "biufc":
            return np.array2string(value, separator=", ", max_line_width=WIDTH - LABEL)
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None or isinstance(value, (bool, np.bool_)):
        return repr(value)
    if isinstance(value, (numbers.Number, np.generic)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    return _describe(value)


class CheckFailed(AssertionError):
    """A failed check. str() is its message, as plain Python and the grader show it; report() is
    the compact block a notebook shows: what was checked, what was expected, what came, a hint."""

    def __init__(
        self,
        message: str,
        subject: str = "result",
        problem: str = "",
        *,
        checked: str = "",
        expected: str = "",
        got: str = "",
        details: Iterable[str] = (),
        hint: str = "",
        kind: str = "",
    ) -> None:
        super().__init__(message)
        self.subject, self.problem, self.kind = subject, problem, kind
        self.checked, self.expected, self.got = checked, expected, got
        self.details, self.hint = list(details), hint
        self.rehint: Callable[[str], str] | None = None  # the hint once the function is known
        if hint:
            self.add_note(f"hint: {hint}")  # plain Python's traceback shows it after the message

    def report(self) -> str:
        """The failure as one compact block."""
        headline = f"FAILED: {self.subject}" + (f": {self.problem}" if self.problem else "")
        fields = [("checked", self.checked), ("expected", self.expected), ("got", self.got)]
        return _block(headline, fields + [("", line) for line in self.details], self.hint)

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for this error (when our handler does not show it first)."""
        shell = _shell()
        if FULL_TRACEBACKS and shell is not None:
            return shell.InteractiveTB.structured_traceback(type(self), self, self.__traceback__)
        return self.report().splitlines()


def _function_in(name: str) -> str | None:
    """The function a check's name starts with: "step" in "step([-2, 0])", "train's answer"."""
    match = re.match(r"([A-Za-z_]\w*)(?=\(| \(|'s )", name)
    return match.group(1) if match else None


RETURNS_NONE = (
    "A function without a `return` statement returns None: end {fn} with `return <your answer>`"
    " (print() only shows a value, it does not return it)."
)


def _none_hint(name: str, fn: str | None = None) -> str:
    """The hint for an answer that is None."""
    fn = fn or _function_in(name)
    who = f"`{fn}`" if fn else "the function"
    return f"{who} returned nothing (None). " + RETURNS_NONE.format(fn=who)


def _type_hint(got: object, name: str) -> str:
    """The hint for an answer of another type than a numpy array."""
    if got is None:
        return _none_hint(name)
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


def _shape_hint(got: tuple[int, ...], want: tuple[int, ...]) -> str:
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


def _values_hint(got: np.ndarray, expected: np.ndarray, wrong: list) -> str:
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


def _number_hint(value: float, expected: float) -> str:
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


def _tolerance(rtol: float, atol: float, exact: bool) -> str:
    """How values were compared."""
    if exact or rtol == atol == 0:
        return "exactly"
    return f"to within rtol={rtol:g} (relative) or atol={atol:g} (absolute)"


# ---------------------------------------------------------------- counting passed checks

_depth = 0  # how deep in checks the current call is: only the outermost check counts
_passes: list = [None, 0]  # the cell the count belongs to, and how many checks passed in it


def _shell() -> object | None:
    """The running IPython shell, or None (IPython is never imported here)."""
    ipython = sys.modules.get("IPython")
    try:
        return ipython.get_ipython() if ipython is not None else None
    except Exception:  # noqa: BLE001 - a half-imported IPython is no shell
        return None


def _cell() -> object:
    """The notebook cell that runs now (its execution count), or None outside IPython."""
    return getattr(_shell(), "execution_count", None)


def _counted(check: Callable) -> Callable:
    """check, counted once for passed() when it passes (not the checks it calls); its failure
    raised afresh from the outermost check, without the frames of the checks inside."""

    @functools.wraps(check)
    def counted(*args, **kwargs):
        global _depth
        _depth += 1
        try:
            result = check(*args, **kwargs)
        except CheckFailed as failure:
            if _depth > 1:
                raise
            # The outermost check: a plain traceback shows one frame of this module, not ten.
            raise failure.with_traceback(None) from None  # the check failed: see below
        finally:
            _depth -= 1
        if _depth == 0:
            cell = _cell()
            if _passes[0] != cell:
                _passes[:] = [cell, 0]
            _passes[1] += 1
        return result

    return counted


# ---------------------------------------------------------------- the checks


def _as_array(got: object, name: str, wanted: str = "a numpy array") -> np.ndarray:
    """got as a numpy array (torch tensors converted); CheckFailed for anything else."""
    got = _to_numpy(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailed(
            f"{name} should be a numpy array, but got {_describe(got)}",
            name,
            "None" if got is None else "not a numpy array",
            checked="that it is a numpy array",
            expected=wanted,
            got=_shown(got),
            hint=_type_hint(got, name),
            kind="none" if got is None else "type",
        )
    return got


@_counted
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
            hint=_shape_hint(got.shape, shape),
            kind="shape",
        )


DTYPE_HINTS = {
    "int": ".astype(np.int64) turns a bool or float array into integers (a comparison such as"
    " z >= 0 gives bools).",
    "float": ".astype(np.float64) turns it into floats; or start from float inputs, e.g."
    " np.asarray(z, dtype=np.float64).",
    "bool": "a comparison such as z > 0 gives a bool array; .astype(bool) converts 0 / 1.",
    "complex": ".astype(np.complex128) converts it.",
}


@_counted
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


@_counted
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
            got=_shown(got),
            hint=NAN if np.isnan(values[ix]) else INF,
            kind="finite",
        )
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


def _number_type_hint(got: object, name: str) -> str:
    """The hint for something other than one number where one is expected."""
    got = _to_numpy(got)
    if got is None:
        return _none_hint(name)
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


@_counted
def check_number(
    got: object, name: str = "result", finite: bool = True, integer: bool = False
) -> float | int:
    """Assert that got is one real number (a Python or numpy number, a 0-d or one-element array;
    not a bool, not nan, not inf unless finite=False, an int if integer=True); return it."""
    value = _unwrapped(got)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        what = "a single number" if isinstance(_to_numpy(got), np.ndarray) else "a number"
        raise CheckFailed(
            f"{name} should be {what}, but got {_describe(got)}",
            name,
            "None" if got is None else f"not {what}",
            checked=f"that it is {what}",
            expected=what,
            got=_shown(got),
            hint=_number_type_hint(got, name),
            kind="none" if got is None else "type",
        )
    if integer and not isinstance(value, numbers.Integral):
        raise CheckFailed(
            f"{name} should be a whole number (an int), but got {_describe(got)}",
            name,
            "not an int",
            checked="that it is a whole number (an int)",
            expected="an int",
            got=_shown(got),
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


@_counted
def check_numbers(got: object, length: int, name: str = "result") -> np.ndarray:
    """Assert that got is a list, tuple or 1-d array of `length` finite real numbers; return them
    as a float64 array."""
    if isinstance(_to_numpy(got), np.ndarray):
        return check_real_array(got, (length,), name)
    if not isinstance(got, (tuple, list)) or len(got) != length:
        if got is None:
            hint = _none_hint(name)
        elif isinstance(got, (tuple, list)):
            hint = f"{len(got)} numbers instead of {length}: check how often your loop appends."
        else:
            hint = f"return a list (or 1-d array) of {length} numbers."
        raise CheckFailed(
            f"{name} should be a list of {length} numbers, but got {_describe(got)}",
            name,
            "None" if got is None else "wrong length",
            checked=f"that it is a list of {length} numbers",
            expected=f"a list of {length} numbers",
            got=_shown(got),
            hint=hint,
            kind="none" if got is None else "length",
        )
    return np.array([check_number(item, f"{name}[{i}]") for i, item in enumerate(got)])


def _tuple_hint(got: object, length: int, name: str, fn: str | None = None) -> str:
    """The hint for an answer that is not a tuple of `length` items."""
    fn = fn or _function_in(name)
    who = f"`{fn}`" if fn else "the function"
    names = re.search(r"\(([A-Za-z_]\w*(?:, [A-Za-z_]\w*)+)\)$", name)
    example = names.group(1) if names else ", ".join("abcdefgh"[:length])
    if got is None:
        return f"{who} returned nothing (None). " + RETURNS_NONE.format(fn=who)
    if isinstance(_to_numpy(got), np.ndarray):
        return f"return the {length} values as a tuple, `return {example}`, not as one array."
    if isinstance(got, dict):
        return f"return a tuple, `return {example}`, not a dict."
    if isinstance(got, (tuple, list)):
        return (
            f"{who} should return exactly {length} values, separated by commas: `return {example}`."
        )
    return f"{who} should return {length} values, separated by commas: `return {example}`."


@_counted
def check_tuple(got: object, length: int, name: str = "result") -> tuple:
    """Assert that got is a tuple or a list (either will do) of `length` items; return them as a
    tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != length:
        failure = CheckFailed(
            f"{name} should be a tuple (or list) of {length} items, but got {_describe(got)}",
            name,
            "None" if got is None else f"not {length} values",
            checked=f"that it is a tuple (or list) of {length} items",
            expected=f"a tuple of {length} items",
            got=_shown(got),
            hint=_tuple_hint(got, length, name),
            kind="none" if got is None else "tuple",
        )
        failure.rehint = functools.partial(_tuple_hint, got, length, name)
        raise failure
    return tuple(got)


def _keys_hint(missing: list, extra: list) -> str:
    """The hint for a dict with other keys than expected."""
    lower = {str(key).lower(): key for key in missing}
    near = [(key, lower[str(key).lower()]) for key in extra if str(key).lower() in lower]
    if near:
        return f"keys must match exactly, capitals included: {near[0][0]!r} is not {near[0][1]!r}."
    return "the keys are part of the answer: use exactly the names the exercise gives."


@_counted
def check_keys(got: object, keys: Iterable, name: str = "result") -> dict:
    """Assert that got is a dict with exactly the given keys; return it."""
    keys = list(keys)
    if not isinstance(got, dict):
        raise CheckFailed(
            f"{name} should be a dict with the keys {keys}, but got {_describe(got)}",
            name,
            "None" if got is None else "not a dict",
            checked="that it is a dict",
            expected=f"a dict with the keys {keys}",
            got=_shown(got),
            hint=_none_hint(name) if got is None else "return a dict, e.g. {'W1': W1, 'b1': b1}.",
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
            hint=_keys_hint(missing, extra),
            kind="keys",
        )
    return got


@_counted
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
            expected=_shown(expected),
            got=_shown(got),
            details=details,
            hint=_values_hint(got, expected, wrong),
            kind="values",
        )


@_counted
def check_scalar(
    got: object, expected: object, name: str = "result", rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Assert that got is a single number (not a bool, not nan) within rtol or atol of expected;
    for an expected bool, a bool (or 0/1) equal to it."""
    if isinstance(_unwrapped(expected), bool):
        value = _unwrapped(got)
        if not isinstance(value, numbers.Real) or value != _unwrapped(expected):
            raise CheckFailed(
                f"{name} should be {_unwrapped(expected)}, but got {_describe(got)}",
                name,
                "wrong value",
                checked="its value (True or False)",
                expected=repr(_unwrapped(expected)),
                got=_shown(got),
                hint=_none_hint(name) if got is None else "",
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
            hint=_number_hint(value, expected),
            kind="value",
        )


@_counted
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


def _could_not_check(name: str, error: Exception) -> CheckFailed:
    """The failure for an answer that made the comparison itself fail: the error and its message."""
    return CheckFailed(
        f"{name}: the answer could not be checked: {type(error).__name__}: {error}",
        name,
        "the answer could not be checked",
        details=[f"{type(error).__name__}: {error}"],
        hint="return numbers, numpy arrays, or tuples, lists or dicts of them.",
        kind="odd",
    )


def _called(fn: Callable, args: tuple, name: str) -> object:
    """fn(*args); an error it raises goes on as it is, with a note on a common cause."""
    try:
        return fn(*args)
    except Exception as error:
        explained = _explain(error, getattr(fn, "__name__", name))
        note = f"{explained[0]}. hint: {explained[-1]}" if explained else ""
        if note and note not in getattr(error, "__notes__", ()):
            error.add_note(note)
        raise


@_counted
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
        got = _called(fn, _copied(args), name)
        try:
            check_result(got, expected, label, rtol, atol)
        except AssertionError:
            raise
        except Exception as error:  # noqa: BLE001 - an odd answer gets a clear message
            raise _could_not_check(label, error) from None


def _judged(label: str, error: AssertionError) -> CheckFailed:
    """A judge's verdict on one case as the case's failure."""
    message = f"{label}: {error}"
    if isinstance(error, CheckFailed):
        failure = CheckFailed(
            message,
            f"{label}: {error.subject}",
            error.problem,
            checked=error.checked,
            expected=error.expected,
            got=error.got,
            details=error.details,
            hint=error.hint,
            kind=error.kind,
        )
        failure.rehint = error.rehint
        return failure
    reason = str(error).splitlines() or ["the answer was not accepted"]
    return CheckFailed(message, label, reason[0], details=reason[1:], kind="judged")


@_counted
def check_judged(fn: Callable, judge: Callable, cases: list[tuple], name: str) -> None:
    """Assert judge(*case, fn(*case)) passes for each case (for answers with many right values).

    judge raises AssertionError with a message when fn's output is not acceptable, e.g. a
    trained model below the stated accuracy on the case's data.
    """
    for i, args in enumerate(cases):
        label = f"{name} (case {i + 1})"
        got = _called(fn, _copied(args), name)
        try:
            judge(*_copied(args), got)
        except AssertionError as error:
            raise _judged(label, error) from None
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
    """Print one marked line, "✔ PASSED: message (n checks)": the end of a cell of visible tests
    (n counts the checks that passed in the cell; none is shown outside a notebook's count)."""
    cell = _cell()
    count = _passes[1] if _passes[0] == cell else 0
    _passes[:] = [cell, 0]
    mark, _ = _marks()
    suffix = f" ({count} check{'s' * (count != 1)})" if count else ""
    print(f"{mark}PASSED: {message}{suffix}")


# ---------------------------------------------------------------- errors in a notebook

NOT_WRITTEN = (
    "replace `raise NotImplementedError()` in the cell defining `{fn}` with your code, run that"
    " cell, then run this one again."
)


def _explain(
    error: BaseException, where: str, line: str = "", statement: object = None
) -> tuple[str, list[tuple[str, str]], str] | None:
    """(headline, fields, hint) for a common mistake that raised error in `where` (a function's
    name, or "this cell") at the source `line` (statement: its ast node); None for others."""
    text = str(error)
    shown = [("error", f"{type(error).__name__}: {text}".splitlines()[0][:300])]
    if isinstance(error, NotImplementedError):
        if where == "this cell":
            hint = "replace `raise NotImplementedError()` in this cell with your code and run it."
            return "NOT DONE YET: this cell still raises NotImplementedError", [], hint
        fields = [("error", f"NotImplementedError: {text}")] if text else []
        return (
            f"NOT DONE YET: `{where}` is not written yet (it still raises NotImplementedError)",
            fields,
            NOT_WRITTEN.format(fn=where),
        )
    place = "" if where == "this cell" else f" in {where}"
    if isinstance(error, ValueError) and "truth value of an array" in text:
        return f"ERROR{place}: a whole array used as one True / False", shown, _truth_hint(line)
    if isinstance(error, ValueError) and (text.startswith("matmul:") or "not aligned" in text):
        return (
            f"ERROR{place}: the shapes of a matrix product do not fit",
            shown,
            "A @ B needs the last axis of A to match the first axis of B (the second-to-last if B"
            " has two or more axes): (n, k) @ (k,) gives (n,) and (n, k) @ (k, m) gives (n, m)."
            " Check the order of the operands (X @ w, not w @ X) and whether a .T is missing or"
            " one too many.",
        )
    if isinstance(error, ValueError) and "could not be broadcast together" in text:
        return (
            f"ERROR{place}: arrays whose shapes do not broadcast",
            shown,
            "elementwise + - * / need equal shapes, or axes of length 1 where they differ:"
            " (n, 3) and (3,) work, (n, 3) and (n,) do not (x[:, None] makes that (n, 1))."
            " Print the shapes to see which one is off.",
        )
    unpack = re.match(
        r"cannot unpack non-iterable (\w+) object|not enough values to unpack \(expected (\d+),"
        r" got (\d+)\)|too many values to unpack \(expected (\d+)",
        text,
    )
    if isinstance(error, (TypeError, ValueError)) and unpack:
        return _unpack(unpack, statement, shown)
    if isinstance(error, (TypeError, AttributeError)) and "NoneType" in text:
        return (
            f"ERROR{place}: a value on this line is None",
            shown,
            "None is what a function without a `return` gives (or one that prints its result"
            " instead of returning it): find which one on this line returned None and end it with"
            " `return <its answer>`.",
        )
    return None


def _truth_hint(line: str) -> str:
    """The hint for an array where Python needs one True or False, from the line that did it."""
    line = line.strip()
    branch = re.match(r"(if|elif|while)\s+(.+?)\s*:\s*(#.*)?$", line)
    if branch and not re.search(r"\b(and|or|not)\b", branch.group(2)):
        keyword, condition = branch.groups()[:2]
        return (
            f"`{keyword}` needs one True or False, but `{condition}` on an array gives one per"
            f" element: use `np.where({condition}, 1, 0)` or `({condition}).astype(int)` instead"
            f" of `{keyword} {condition}:` (`np.where(cond, a, b)` takes a where cond holds and b"
            " elsewhere; `.any()` or `.all()` if you mean any or all of the elements)."
        )
    if re.search(r"(?<![\w.])(max|min)\(", line):
        return (
            "Python's max() and min() compare single numbers: on arrays use `np.maximum(0, z)` or"
            " `np.minimum(...)`, elementwise (`np.max(z)` is the largest element)."
        )
    if re.search(r"\b(and|or|not)\b", line):
        return (
            "`and`, `or` and `not` need single True / False values: on arrays use `&`, `|` and"
            " `~`, with brackets: `(a > 0) & (b > 0)`."
        )
    return (
        "this line needs one True or False but got an array of them: work elementwise with"
        " `np.where(cond, a, b)`, or use `.any()` / `.all()` if you mean any or all elements."
    )


def _unpack(match: re.Match, statement: object, shown: list) -> tuple[str, list, str]:
    """The explanation of an answer that did not unpack into the names on the left."""
    import ast

    none_or_type, expected, got, too_many = match.groups()
    n = int(expected or too_many or 2)
    targets, source, verb = "", "the value", "is"
    if isinstance(statement, ast.Assign) and isinstance(
        statement.targets[0], (ast.Tuple, ast.List)
    ):
        targets = ast.unparse(statement.targets[0]).strip("()[]")
        value = statement.value
        called = isinstance(value, ast.Call)
        source = f"`{ast.unparse(value.func if called else value)}`"
        verb = "returned" if called else "is"
    into = f" into {targets}" if targets else ""
    example = targets or ", ".join("abcdefgh"[:n])
    if none_or_type == "NoneType":
        who = source if verb == "returned" else "the function that made it"
        return (
            f"ERROR: {source} {verb} None, so there is nothing to unpack{into}",
            shown,
            RETURNS_NONE.format(fn=who).replace("`return <your answer>`", f"`return {example}`"),
        )
    if none_or_type:
        return (
            f"ERROR: {source} {verb} one {none_or_type}, not {n} values to unpack{into}",
            shown,
            f"return all {n} values, separated by commas: `return {example}`.",
        )
    count = f"{got} values" if got else f"more than {n} values"
    return (
        f"ERROR: {source} {verb} {count}, but this line unpacks {n}{into}",
        shown,
        f"return exactly {n} values, separated by commas: `return {example}` (a numpy array"
        " unpacks into its rows: return a tuple, not one array).",
    )


def _is_cell(shell: object, filename: str) -> bool:
    """Whether filename names a notebook cell's code."""
    try:
        if shell.compile.format_code_name(filename) is not None:
            return True
    except Exception:  # noqa: BLE001 - another compiler: go by the name
        pass
    return filename.startswith("<ipython-input-")


def _where(shell: object, frame: object, lineno: int) -> str:
    """A frame's place as "Cell In[5], line 2, in step: <the line>"."""
    import linecache

    filename = frame.f_code.co_filename
    try:
        label = " ".join(shell.compile.format_code_name(filename) or ())
    except Exception:  # noqa: BLE001
        label = ""
    place = f"{label or filename}, line {lineno}"
    if frame.f_code.co_name != "<module>":
        place += f", in {frame.f_code.co_name}"
    line = linecache.getline(filename, lineno).strip()
    line = line if len(line) <= 72 else line[:69] + "..."
    return f"{place}: {line}" if line else place


def _statement(frame: object, lineno: int) -> object:
    """The innermost statement of the frame's source at lineno (an ast node), or None."""
    import ast
    import linecache

    try:
        tree = ast.parse("".join(linecache.getlines(frame.f_code.co_filename)))
    except (SyntaxError, ValueError):
        return None
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.stmt) and node.lineno <= lineno <= (node.end_lineno or 0)
    ]
    return min(found, key=lambda node: node.end_lineno - node.lineno, default=None)


MISSING = object()


def _looked_up(node: object, frame: object) -> object:
    """The value of a name, name.T or name["key"] in the frame (nothing else is evaluated)."""
    import ast
    import builtins

    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals, vars(builtins)):
            if node.id in scope:
                return scope[node.id]
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        value = _looked_up(node.value, frame)
        if isinstance(value, np.ndarray):
            return value.T
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        value = _looked_up(node.value, frame)
        if type(value) is dict:
            return value.get(node.slice.value, MISSING)
    return MISSING


def _operand_shapes(statement: object, frame: object) -> str:
    """ "X has shape (3, 2), w has shape (3,)" for the operands of the statement's products."""
    import ast

    operands = []
    for node in ast.walk(statement) if statement is not None else ():
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            operands += [node.left, node.right]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("dot", "matmul") and ast.unparse(node.func.value) in (
                "np",
                "numpy",
            ):
                operands += node.args[:2]
            elif node.func.attr == "dot":
                operands += [node.func.value, *node.args[:1]]
    shapes = {}
    for node in operands:
        value = _to_numpy(_looked_up(node, frame))
        if isinstance(value, np.ndarray):
            shapes.setdefault(ast.unparse(node), f"{ast.unparse(node)} has shape {value.shape}")
    return ", ".join(list(shapes.values())[:4])


def _check_argument(frame: object, lineno: int) -> str | None:
    """The function whose answer the check on this line was given: `step` in
    `check_array(step(z), ...)`."""
    import ast

    statement = _statement(frame, lineno)
    for node in ast.walk(statement) if statement is not None else ():
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).rpartition(".")[2].startswith("check_")
            and node.args
            and isinstance(node.args[0], ast.Call)
        ):
            return ast.unparse(node.args[0].func)
    return None


def _entries(tb: object) -> list:
    """The traceback's entries, outermost first."""
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    return entries


def _friendly(shell: object, value: BaseException, tb: object) -> str | None:
    """The block for a failed check or a common mistake in the notebook's code; None for any
    other error."""
    frames = [(entry.tb_frame, entry.tb_lineno) for entry in _entries(tb)]
    cells = [(f, n) for f, n in frames if _is_cell(shell, f.f_code.co_filename)]
    if isinstance(value, CheckFailed):
        if value.kind in ("none", "tuple") and not _function_in(value.subject) and cells:
            fn = _check_argument(*cells[-1])
            if fn and value.kind == "none":
                value.hint = _none_hint(value.subject, fn)
            elif fn and value.rehint is not None:
                value.hint = value.rehint(fn)
        return value.report()
    if not cells or frames[-1][0] is not cells[-1][0]:
        return None  # raised outside the notebook's own code
    frame, lineno = cells[-1]
    name = frame.f_code.co_name
    where = "this cell" if name == "<module>" else name
    statement = _statement(frame, lineno)
    places = [("at" if i == 0 else "", _where(shell, f, n)) for i, (f, n) in enumerate(cells[-3:])]
    if isinstance(value, AssertionError):
        import ast

        reason = str(value).splitlines() or [""]
        checked = ast.unparse(statement.test) if isinstance(statement, ast.Assert) else ""
        headline = f"FAILED: {reason[0]}" if reason[0] else "FAILED: an assert"
        fields = [("checked", checked)] + [("", line) for line in reason[1:]]
        return _block(headline, [*fields, ("at", _where(shell, frame, lineno))])
    import linecache

    explained = _explain(
        value, where, linecache.getline(frame.f_code.co_filename, lineno), statement
    )
    if explained is None:
        return None
    headline, fields, hint = explained
    if isinstance(value, NotImplementedError):
        if where != "this cell" and len(cells) > 1 and cells[-2][0].f_code.co_name != "<module>":
            fields = [("used by", cells[-2][0].f_code.co_name), *fields]
        return _block(headline, fields, hint)
    if "matrix product" in headline:
        fields = [*fields, ("shapes", _operand_shapes(statement, frame))]
    return _block(headline, places + fields, hint)


def _without_own_frames(tb: object) -> object:
    """The traceback less the frames of this module."""
    import types

    rebuilt = None
    for entry in reversed(_entries(tb)):
        if entry.tb_frame.f_globals.get("__name__") != __name__:
            rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


def _handler(
    shell: object, etype: type, value: BaseException, tb: object, tb_offset: int | None = None
) -> None:
    """IPython's handler for the errors of a cell: a failed check as its block, a common mistake
    explained, and any other error as IPython shows it, less this module's frames."""
    block = None
    if not FULL_TRACEBACKS:
        try:
            block = _friendly(shell, value, tb)
        except Exception:  # noqa: BLE001 - explaining must never hide the error itself
            block = None
    if block is None:
        parsing = tb is not None and tb.tb_frame.f_code.co_name != "run_code"
        if parsing and issubclass(etype, (OverflowError, ValueError, TypeError, MemoryError)):
            shell.showsyntaxerror()  # the cell itself could not be compiled, as IPython does
        else:
            shown = tb if FULL_TRACEBACKS else _without_own_frames(tb)
            shell.showtraceback(
                (etype, value, shown), tb_offset=tb_offset, running_compiled_code=True
            )
        return None
    shell._get_exc_info((etype, value, tb))  # sys.last_traceback, for %debug
    shell._showtraceback(etype, value, block.splitlines())
    if getattr(shell, "call_pdb", False):
        shell.debugger(force=True)
    return None


CAUGHT = (  # every kind of Exception but SyntaxError, which IPython shows before the cell runs
    ArithmeticError, AssertionError, AttributeError, BufferError, EOFError, ImportError,
    LookupError, MemoryError, NameError, OSError, ReferenceError, RuntimeError, StopIteration,
    SystemError, TypeError, ValueError, Warning,
)  # fmt: skip


def _install() -> None:
    """Register _handler with the running IPython, unless another handler is registered."""
    shell = _shell()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    if getattr(shell, "custom_exceptions", ()) and not getattr(shell, "_utils_checks", False):
        return
    shell.set_custom_exc(CAUGHT, _handler)
    shell._utils_checks = True


_install()
