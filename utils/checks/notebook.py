"""The IPython handler for a cell's errors: a failed check or a common mistake as one block, any
other error as IPython shows it, less this package's frames."""

from __future__ import annotations

from .explain import explain
from .failure import CheckFailed, block
from .frames import checked_function, entries, is_cell, location, operand_shapes, statement_at
from .hints import function_in, none_hint
from .session import full_tracebacks, running_shell


def _friendly(shell: object, value: BaseException, tb: object) -> str | None:
    """The block for a failed check or a common mistake in the notebook's code; None for any
    other error."""
    frames = [(entry.tb_frame, entry.tb_lineno) for entry in entries(tb)]
    cells = [(f, n) for f, n in frames if is_cell(shell, f.f_code.co_filename)]
    if isinstance(value, CheckFailed):
        if value.kind in ("none", "tuple") and not function_in(value.subject) and cells:
            fn = checked_function(*cells[-1])
            if fn and value.kind == "none":
                value.hint = none_hint(value.subject, fn)
            elif fn and value.rehint is not None:
                value.hint = value.rehint(fn)
        return value.report()
    if not cells or frames[-1][0] is not cells[-1][0]:
        return None  # raised outside the notebook's own code
    frame, lineno = cells[-1]
    name = frame.f_code.co_name
    where = "this cell" if name == "<module>" else name
    statement = statement_at(frame, lineno)
    places = [
        ("at" if i == 0 else "", location(shell, f, n)) for i, (f, n) in enumerate(cells[-3:])
    ]
    if isinstance(value, AssertionError):
        import ast

        reason = str(value).splitlines() or [""]
        checked = ast.unparse(statement.test) if isinstance(statement, ast.Assert) else ""
        headline = f"FAILED: {reason[0]}" if reason[0] else "FAILED: an assert"
        fields = [("checked", checked)] + [("", line) for line in reason[1:]]
        return block(headline, [*fields, ("at", location(shell, frame, lineno))])
    import linecache

    explained = explain(
        value, where, linecache.getline(frame.f_code.co_filename, lineno), statement
    )
    if explained is None:
        return None
    headline, fields, hint = explained
    if isinstance(value, NotImplementedError):
        if where != "this cell" and len(cells) > 1 and cells[-2][0].f_code.co_name != "<module>":
            fields = [("used by", cells[-2][0].f_code.co_name), *fields]
        return block(headline, fields, hint)
    if "matrix product" in headline:
        fields = [*fields, ("shapes", operand_shapes(statement, frame))]
    return block(headline, places + fields, hint)


def _without_own_frames(tb: object) -> object:
    """The traceback less the frames of this package."""
    import types

    rebuilt = None
    for entry in reversed(entries(tb)):
        module = entry.tb_frame.f_globals.get("__name__") or ""
        if module != __package__ and not module.startswith(f"{__package__}."):
            rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


def _handler(
    shell: object, etype: type, value: BaseException, tb: object, tb_offset: int | None = None
) -> None:
    """IPython's handler for the errors of a cell: a failed check as its block, a common mistake
    explained, and any other error as IPython shows it, less this package's frames."""
    full = full_tracebacks()
    shown_block = None
    if not full:
        try:
            shown_block = _friendly(shell, value, tb)
        except Exception:  # noqa: BLE001 - explaining must never hide the error itself
            shown_block = None
    if shown_block is None:
        parsing = tb is not None and tb.tb_frame.f_code.co_name != "run_code"
        if parsing and issubclass(etype, (OverflowError, ValueError, TypeError, MemoryError)):
            shell.showsyntaxerror()  # the cell itself could not be compiled, as IPython does
        else:
            shown = tb if full else _without_own_frames(tb)
            shell.showtraceback(
                (etype, value, shown), tb_offset=tb_offset, running_compiled_code=True
            )
        return None
    shell._get_exc_info((etype, value, tb))  # sys.last_traceback, for %debug
    shell._showtraceback(etype, value, shown_block.splitlines())
    if getattr(shell, "call_pdb", False):
        shell.debugger(force=True)
    return None


CAUGHT = (  # every kind of Exception but SyntaxError, which IPython shows before the cell runs
    ArithmeticError, AssertionError, AttributeError, BufferError, EOFError, ImportError,
    LookupError, MemoryError, NameError, OSError, ReferenceError, RuntimeError, StopIteration,
    SystemError, TypeError, ValueError, Warning,
)  # fmt: skip


def install() -> None:
    """Register _handler with the running IPython, unless another handler is registered."""
    shell = running_shell()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    if getattr(shell, "custom_exceptions", ()) and not getattr(shell, "_utils_checks", False):
        return
    shell.set_custom_exc(CAUGHT, _handler)
    shell._utils_checks = True
