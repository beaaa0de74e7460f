"""Calling the learner's function on each case: check_function against a reference, check_judged."""

from __future__ import annotations

from collections.abc import Callable

from .compare import ATOL, RTOL, check_result
from .explain import explain
from .failure import CheckFailed
from .tally import counted


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
        explained = explain(error, getattr(fn, "__name__", name))
        note = f"{explained[0]}. hint: {explained[-1]}" if explained else ""
        if note and note not in getattr(error, "__notes__", ()):
            error.add_note(note)
        raise


@counted
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


@counted
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
