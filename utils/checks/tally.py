"""Counting the checks that pass in a notebook cell, and passed(): the line that ends the cell."""

from __future__ import annotations

import functools
from collections.abc import Callable

from .failure import CheckFailed, marks
from .session import current_cell

_depth = 0  # how deep in checks the current call is: only the outermost check counts
_passes: list = [None, 0]  # the cell the count belongs to, and how many checks passed in it


def counted(check: Callable) -> Callable:
    """check, counted once for passed() when it passes (not the checks it calls); its failure
    raised afresh from the outermost check, without the frames of the checks inside."""

    @functools.wraps(check)
    def run(*args, **kwargs):
        global _depth
        _depth += 1
        try:
            result = check(*args, **kwargs)
        except CheckFailed as failure:
            if _depth > 1:
                raise
            # The outermost check: a plain traceback shows one frame of this package, not ten.
            raise failure.with_traceback(None) from None  # the check failed: see below
        finally:
            _depth -= 1
        if _depth == 0:
            cell = current_cell()
            if _passes[0] != cell:
                _passes[:] = [cell, 0]
            _passes[1] += 1
        return result

    return run


def passed(message: str) -> None:
    """Print one marked line, "✔ PASSED: message (n checks)": the end of a cell of visible tests
    (n counts the checks that passed in the cell; none is shown outside a notebook's count)."""
    cell = current_cell()
    count = _passes[1] if _passes[0] == cell else 0
    _passes[:] = [cell, 0]
    mark, _ = marks()
    suffix = f" ({count} check{'s' * (count != 1)})" if count else ""
    print(f"{mark}PASSED: {message}{suffix}")
