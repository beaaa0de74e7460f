"""A failed check, CheckFailed, and how a failure reads: values shown, one compact marked block."""

from __future__ import annotations

import numbers
import re
import sys
from collections.abc import Callable, Iterable

import numpy as np

from .session import full_tracebacks, running_shell

WIDTH = 96  # the width a failure's block is wrapped to
LABEL = 12  # the indent of a block's values: "  expected: "


def to_numpy(value: object) -> object:
    """A torch tensor as a numpy array; anything else unchanged (torch is never imported here)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def describe(value: object) -> str:
    """A short description of what came: an array's shape and dtype, a container's size, or a
    value's type."""
    value = to_numpy(value)
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, dict):
        return f"a dict with the keys {sorted(map(str, value))}"
    return f"{type(value).__name__} {value!r:.60}"


def marks() -> tuple[str, str]:
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


def block(headline: str, fields: list[tuple[str, object]], hint: str = "") -> str:
    """One compact block: a marked headline, then `label: value` lines, then the hint."""
    _, fail = marks()
    lines = [f"{fail}{headline}"]
    for label, text in fields:
        lines += _field(label, text) if label else [" " * LABEL + str(text)]
    return "\n".join(lines + _field("hint", hint))


def shown(value: object) -> str:
    """A value as a block shows it: numbers and small arrays in full, anything else described."""
    value = to_numpy(value)
    if isinstance(value, np.ndarray):
        if value.size <= 12 and value.ndim <= 2 and value.dtype.kind in "biufc":
            return np.array2string(value, separator=", ", max_line_width=WIDTH - LABEL)
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None or isinstance(value, (bool, np.bool_)):
        return repr(value)
    if isinstance(value, (numbers.Number, np.generic)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    return describe(value)


class CheckFailed(AssertionError):
    """A failed check. str() is its message, as plain Python and the grader show it; report() is
    the compact block a notebook shows: what was checked, what was expected, what came, a hint."""

    __module__ = "utils.checks"  # where it is imported from, as tracebacks and pickles name it

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
        return block(headline, fields + [("", line) for line in self.details], self.hint)

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for this error (when our handler does not show it first)."""
        shell = running_shell()
        if full_tracebacks() and shell is not None:
            return shell.InteractiveTB.structured_traceback(type(self), self, self.__traceback__)
        return self.report().splitlines()
