"""Plots for the lessons: points, lines, decision boundaries, activation functions, loss curves.

Every function draws on `ax` when given and on pyplot's current axes otherwise, so calls in one
cell layer onto one picture: `plot_points(X, y); plot_line(w, b)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from .arguments import array, integer, points
from .checks.failure import describe, to_numpy
from .style import class_color, figsize

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D


def _axes(ax: Axes | None) -> Axes:
    """ax itself, or pyplot's current axes when ax is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.gca()


def plot_points(X: object, y: object, ax: Axes | None = None, legend: bool = True) -> Axes:
    """Scatter the points X (n, 2) in the colours of their classes y (n,), with a legend beside.

    legend=False leaves it out (for a figure that shows one legend for all its panels).
    """
    X, y = points(X, y)
    ax = _axes(ax)
    for label in np.unique(y):
        mine = y == label
        ax.scatter(
            X[mine, 0],
            X[mine, 1],
            color=class_color(label),
            label=f"class {label}",
            edgecolors="white",
            linewidths=0.5,
        )
    ax.set_xlabel(ax.get_xlabel() or "$x_1$")
    ax.set_ylabel(ax.get_ylabel() or "$x_2$")
    if legend:
        legend_beside(ax)
    return ax


def legend_beside(ax: Axes, **kw: object) -> None:
    """The axes' legend outside them, on the right, where it never covers the data."""
    ax.legend(**{"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "borderaxespad": 0.0, **kw})


def _weights(w: object, b: object) -> tuple[np.ndarray, float]:
    """w as the two floats (w1, w2) and b as one float, or a clear ValueError."""
    w, b = array(w, "w"), array(b, "b")
    if w.size != 2:
        raise ValueError(f"w must hold two numbers (w1, w2), got shape {w.shape}")
    if b.size != 1:
        raise ValueError(f"b must be a single number, got shape {b.shape}")
    return w.ravel(), b.item()


def plot_line(w: object, b: float, ax: Axes | None = None, **kw: object) -> Line2D:
    """Draw the line w1*x1 + w2*x2 + b = 0 across the axes, whatever their limits become."""
    w, b = _weights(w, b)
    if not w.any():
        raise ValueError(f"w1 and w2 are both 0: w1*x1 + w2*x2 + {b} = 0 is no line")
    ax = _axes(ax)
    closest_to_origin = -b * w / (w @ w)
    along = np.array([-w[1], w[0]])
    # transform= keeps the two points out of autoscaling: the line never changes the limits.
    return ax.axline(
        closest_to_origin,
        closest_to_origin + along,
        transform=ax.transData,
        **{"color": "black", **kw},
    )


def _module_outputs(module: object, X: np.ndarray) -> np.ndarray:
    """A torch module's outputs for X, in eval mode, without gradients, on the module's device."""
    import torch

    parameter = next(iter(module.parameters()), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            outputs = module(torch.as_tensor(X, dtype=torch.float32, device=device))
    finally:
        module.train(was_training)
    return outputs.cpu().numpy()


def _predicted_labels(predict: Callable | object, X: np.ndarray) -> np.ndarray:
    """Class labels from predict's outputs for X: argmax of k > 1 columns, else from one value.

    One value per point is read as a label when all are whole numbers >= 0, else as a probability
    (class 1 from 0.5 up) when all lie in [0, 1], else as a score or logit (class 1 from 0 up).
    """
    if hasattr(predict, "parameters"):
        outputs = _module_outputs(predict, X)
    else:
        outputs = np.asarray(to_numpy(predict(X)))
    m = len(X)
    shape_ok = outputs.ndim in (1, 2) and outputs.shape[0] == m and outputs.size > 0
    if outputs.dtype.kind not in "biuf" or not shape_ok:
        raise ValueError(
            f"predict was given X of shape {X.shape} and must return {m} values, shape ({m},), "
            f"({m}, 1) or ({m}, k); it returned {describe(outputs)}"
        )
    if outputs.ndim == 2 and outputs.shape[1] != 1:
        return outputs.argmax(axis=1)
    outputs = outputs.reshape(m).astype(np.float64)
    if np.all(outputs >= 0) and np.all(outputs == np.round(outputs)):
        return outputs.astype(np.int64)
    threshold = 0.5 if np.all((0 <= outputs) & (outputs <= 1)) else 0.0
    return (outputs >= threshold).astype(np.int64)


def plot_decision_boundary(
    predict: Callable | object,
    X: object,
    y: object,
    ax: Axes | None = None,
    resolution: int = 200,
    title: str | None = None,
    legend: bool = True,
) -> Axes:
    """Shade the regions where predict (numpy function or torch module) says each class, over X, y."""
    X, y = points(X, y)
    resolution = integer(resolution, "resolution", at_least=2)
    ax = _axes(ax)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.where(high > low, 0.1 * (high - low), 1.0)
    x1, x2 = np.meshgrid(
        *(np.linspace(lo, hi, resolution) for lo, hi in zip(low - pad, high + pad, strict=True))
    )
    grid = np.column_stack([x1.ravel(), x2.ravel()])
    regions = _predicted_labels(predict, grid).reshape(x1.shape)
    n_classes = int(max(regions.max(), y.max())) + 1
    colors = [class_color(label) for label in range(n_classes)]
    ax.contourf(x1, x2, regions, levels=np.arange(n_classes + 1) - 0.5, colors=colors, alpha=0.25)
    plot_points(X, y, ax, legend=legend)
    if title is not None:
        ax.set_title(title)
    return ax


def _curve(fn: Callable, x: np.ndarray, what: str) -> np.ndarray:
    """fn(x), checked to be one number for each of the inputs x."""
    values = np.asarray(to_numpy(fn(x)))
    if values.shape != x.shape:
        raise ValueError(
            f"{what} must return one value per input: given shape {x.shape}, it returned "
            f"{describe(values)}"
        )
    return values


def plot_activation(
    fn: Callable[[np.ndarray], np.ndarray],
    name: str,
    derivative: Callable[[np.ndarray], np.ndarray] | None = None,
    ax: Axes | None = None,
    x_range: tuple[float, float] = (-5, 5),
    legend: bool = True,
) -> Axes:
    """Plot an activation function fn (and its derivative, dashed) over x_range."""
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    ax = _axes(ax)
    x = np.linspace(low, high, 401)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.plot(x, _curve(fn, x, name), label=name)
    if derivative is not None:
        ax.plot(x, _curve(derivative, x, f"the derivative of {name}"), "--", label=f"{name}'")
        if legend:
            ax.legend(loc="best")
    ax.set_title(name)
    return ax


def plot_activations(
    fns: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    derivatives: Mapping[str, Callable[[np.ndarray], np.ndarray]] | None = None,
) -> Figure:
    """A grid with one panel per activation function in fns (name -> function), one legend."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    derivatives = derivatives or {}
    if not fns:
        raise ValueError("fns must map at least one name to an activation function")
    unknown = sorted(set(derivatives) - set(fns))
    if unknown:
        raise ValueError(f"derivatives names {unknown}, which are not in fns {list(fns)}")
    cols = min(3, len(fns))
    rows = math.ceil(len(fns) / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=figsize(2.8 * cols, 2.2 * rows + 0.4),  # 2.8 x 2.2 in a panel, a legend above
        squeeze=False,
        layout="constrained",
    )
    for ax, (name, fn) in zip(axes.flat, fns.items(), strict=False):
        plot_activation(fn, name, derivatives.get(name), ax=ax, legend=False)
    for ax in axes.flat[len(fns) :]:
        ax.set_visible(False)
    if derivatives:
        kinds = [
            Line2D([], [], color=class_color(0)),
            Line2D([], [], color=class_color(1), ls="--"),
        ]
        fig.legend(kinds, ["function", "derivative"], loc="outside upper center", ncols=2)
    return fig


def _loss_values(losses: Iterable) -> np.ndarray:
    """losses (numbers, numpy scalars or 0-d tensors) as a 1-D float array."""
    try:
        values = np.array([float(to_numpy(loss)) for loss in losses])
    except (TypeError, ValueError) as error:
        raise TypeError(f"losses must be a sequence of numbers, got {describe(losses)}") from error
    if values.size == 0:
        raise ValueError("losses is empty: record at least one loss")
    return values


def plot_loss_curve(
    losses: Iterable, ax: Axes | None = None, label: str = "loss", logy: bool = False
) -> Axes:
    """Plot losses against the epoch 1, 2, ...; logy=True uses a log scale for the loss."""
    from matplotlib.ticker import MaxNLocator

    values = _loss_values(losses)
    if logy and not np.all(values > 0):
        raise ValueError("logy=True needs every loss > 0; got a loss <= 0 (or nan)")
    ax = _axes(ax)
    ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(ax.get_xlabel() or "epoch")
    ax.set_ylabel(ax.get_ylabel() or "loss")
    ax.legend()
    return ax
