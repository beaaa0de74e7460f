"""What the grading tests share: a loud skip where bubblewrap cannot make a sandbox."""

import warnings

import pytest

from grading import sandbox


def need_bwrap(what: str) -> None:
    """Skip, loudly and with the reason, where the bubblewrap sandbox cannot run."""
    how = sandbox.probe()
    if how.kind != "bwrap":
        message = f"!!!!!!!! NO BUBBLEWRAP SANDBOX ({how.reason}): {what} SKIP"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
