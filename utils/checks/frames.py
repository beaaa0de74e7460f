"""What a traceback's frames hold: which are the notebook's cells, their lines and statements, and
the shapes of a product's operands."""

from __future__ import annotations

import numpy as np

from .failure import to_numpy


def is_cell(shell: object, filename: str) -> bool:
    """Whether filename names a notebook cell's code."""
    try:
        if shell.compile.format_code_name(filename) is not None:
            return True
    except Exception:  # noqa: BLE001 - another compiler: go by the name
        pass
    return filename.startswith("<ipython-input-")


def location(shell: object, frame: object, lineno: int) -> str:
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


def statement_at(frame: object, lineno: int) -> object:
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


def operand_shapes(statement: object, frame: object) -> str:
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
        value = to_numpy(_looked_up(node, frame))
        if isinstance(value, np.ndarray):
            shapes.setdefault(ast.unparse(node), f"{ast.unparse(node)} has shape {value.shape}")
    return ", ".join(list(shapes.values())[:4])


def checked_function(frame: object, lineno: int) -> str | None:
    """The function whose answer the check on this line was given: `step` in
    `check_array(step(z), ...)`."""
    import ast

    statement = statement_at(frame, lineno)
    for node in ast.walk(statement) if statement is not None else ():
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).rpartition(".")[2].startswith("check_")
            and node.args
            and isinstance(node.args[0], ast.Call)
        ):
            return ast.unparse(node.args[0].func)
    return None


def entries(tb: object) -> list:
    """The traceback's entries, outermost first."""
    found = []
    while tb is not None:
        found.append(tb)
        tb = tb.tb_next
    return found
