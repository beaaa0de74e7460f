"""Explanations of common mistakes: an unwritten exercise, an `if` on an array, unfit shapes, a
None or a wrong number of values to unpack."""

from __future__ import annotations

import re

from .hints import RETURNS_NONE

NOT_WRITTEN = (
    "replace `raise NotImplementedError()` in the cell defining `{fn}` with your code, run that"
    " cell, then run this one again."
)


def explain(
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
