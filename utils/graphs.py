"""Drawing a scalar computational graph (lesson 04's Value engine) with matplotlib, no graphviz.

A node is anything with `data`, `grad` and `_prev` (the Values it was computed from). Inputs sit
one column to the left of the first node that uses them, in the rows above the main chain;
every other node sits in the column of its longest path from an input, on the bottom row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def nodes_in_order(root: object) -> list:
    """Every node root depends on, root included, each once, parents before children."""
    order: list = []
    seen: set[int] = set()
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent in reversed(tuple(node._prev)))
    return order


def layout(root: object) -> dict[int, tuple[float, float]]:
    """(column, row) of every node by id: inner nodes on row 0, inputs in the rows above."""
    order = nodes_in_order(root)
    column: dict[int, int] = {}
    for node in order:  # longest path from an input
        parents = tuple(node._prev)
        column[id(node)] = 1 + max((column[id(p)] for p in parents), default=-1)
    users: dict[int, list[int]] = {}
    for node in order:
        for parent in node._prev:
            users.setdefault(id(parent), []).append(column[id(node)])
    rows_used: dict[int, int] = {}
    place: dict[int, tuple[float, float]] = {}
    for node in order:
        if tuple(node._prev) or id(node) == id(root):
            place[id(node)] = (float(column[id(node)]), 0.0)
    for node in order:
        if id(node) in place:
            continue
        col = min(users.get(id(node), [1])) - 1
        rows_used[col] = rows_used.get(col, 0) + 1
        place[id(node)] = (float(col), float(rows_used[col]))
    return place


def draw_graph(root: object, names: Mapping | None = None, ax: Axes | None = None) -> Axes:
    """Draw root's graph: a box per node with its name, data and grad; arrows parent -> child.

    names maps nodes to labels; an unnamed input is a "constant", an unnamed inner node
    shows its data.
    """
    import matplotlib.pyplot as plt

    from .style import PALETTE

    names = {id(node): label for node, label in (names or {}).items()}
    ax = ax if ax is not None else plt.gca()
    place = layout(root)
    order = nodes_in_order(root)
    boxes = {}
    for node in order:
        x, y = place[id(node)]
        inner = bool(tuple(node._prev))
        label = names.get(id(node), f"{node.data:g}" if inner else "constant")
        boxes[id(node)] = ax.text(
            x,
            y,
            f"{label}\ndata {node.data:g}\ngrad {node.grad:g}",
            ha="center",
            va="center",
            fontsize="small",
            bbox={
                "boxstyle": "round,pad=0.3",
                "facecolor": "white",
                "edgecolor": PALETTE["blue"] if inner else PALETTE["orange"],
            },
        )
    for node in order:  # arrows from the right edge of a parent's box to the left of its child's
        for parent in node._prev:
            ax.annotate(
                "",
                xy=(0, 0.5),
                xycoords=boxes[id(node)],
                xytext=(1, 0.5),
                textcoords=boxes[id(parent)],
                arrowprops={"arrowstyle": "-|>", "color": "gray", "shrinkA": 2, "shrinkB": 2},
            )
    columns = [x for x, _ in place.values()]
    rows = [y for _, y in place.values()]
    ax.set(xlim=(min(columns) - 0.5, max(columns) + 0.5), ylim=(min(rows) - 0.6, max(rows) + 0.6))
    ax.axis("off")
    return ax
