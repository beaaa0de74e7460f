"""Checks for the visible tests in the lessons: each passes silently or says what was expected.

The comparisons are fair to every right answer: a list counts as a tuple and a tuple as a list;
a number may come as a Python number, a numpy scalar, a 0-d or a one-element array; arrays are
compared by value across bool, integer and float dtypes (integers and booleans exactly, floats to
within atol + rtol * |expected|). Shapes, keys and lengths must match.

A failed check raises CheckFailed, an AssertionError whose str() is the check's message (what
plain Python and the grader show). In a notebook the failure shows as one compact block instead
of a traceback: what was checked, what was expected, what came, and a hint. For that, importing
this package inside IPython registers a handler for the errors of a cell (set_custom_exc) that
also names an exercise still raising `NotImplementedError`, explains an `if` on an array, a
matrix product whose shapes do not fit, an answer that is None or has the wrong number of values,
and leaves any other error as IPython shows it, less this package's frames. Set
`utils.checks.FULL_TRACEBACKS = True` for IPython's own tracebacks. passed() ends a cell of
visible tests with one line: "✔ PASSED: ... (n checks)".

The modules: compare (the checks of a value and the tolerances), calls (check_function and
check_judged, which call the learner's function), gradients (gradient checks), failure
(CheckFailed and its block), hints and explain (what a failure or an error tells the learner),
tally (counting passed checks, passed()), notebook and frames (the IPython handler), session
(the running IPython).
"""

from .calls import check_function, check_judged
from .compare import (
    ATOL,
    KINDS,
    REAL,
    RTOL,
    check_array,
    check_dtype,
    check_keys,
    check_number,
    check_numbers,
    check_real_array,
    check_result,
    check_scalar,
    check_shape,
    check_tuple,
)
from .failure import LABEL, WIDTH, CheckFailed
from .gradients import gradient_check, numerical_gradient, relative_error
from .notebook import install
from .tally import passed

FULL_TRACEBACKS = False  # True: IPython shows its own tracebacks, this package's frames included

__all__ = [
    "ATOL",
    "FULL_TRACEBACKS",
    "KINDS",
    "LABEL",
    "REAL",
    "RTOL",
    "WIDTH",
    "CheckFailed",
    "check_array",
    "check_dtype",
    "check_function",
    "check_judged",
    "check_keys",
    "check_number",
    "check_numbers",
    "check_real_array",
    "check_result",
    "check_scalar",
    "check_shape",
    "check_tuple",
    "gradient_check",
    "install",
    "numerical_gradient",
    "passed",
    "relative_error",
]

install()
