"""The running IPython session, seen without importing IPython: its shell and the cell it runs."""

from __future__ import annotations

import sys


def running_shell() -> object | None:
    """The running IPython shell, or None (IPython is never imported here)."""
    ipython = sys.modules.get("IPython")
    try:
        return ipython.get_ipython() if ipython is not None else None
    except Exception:  # noqa: BLE001 - a half-imported IPython is no shell
        return None


def current_cell() -> object:
    """The notebook cell that runs now (its execution count), or None outside IPython."""
    return getattr(running_shell(), "execution_count", None)


def full_tracebacks() -> bool:
    """Whether utils.checks.FULL_TRACEBACKS asks for IPython's own tracebacks (read when used)."""
    return bool(getattr(sys.modules.get(__package__), "FULL_TRACEBACKS", False))
