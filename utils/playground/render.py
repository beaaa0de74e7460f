"""The playground's pictures as pure functions of numbers: the decision boundary as a PNG, the
network and the loss curve as SVG, the boundary's axes as SVG.

No matplotlib, so that a frame is cheap: the boundary is a numpy array of colour indices written
as a palette PNG (utils.encode); the network's neuron maps are tiny PNGs inside its SVG.

Sizes are CSS pixels at the normal size (`scale` 1); the page multiplies them by the CSS
variable --nnw-pg-scale (bigger in projector mode on a wide screen), so SVG text and lines stay
sharp at any size. PNGs are drawn at PIXEL_RATIO times the largest size they are shown at.
Text and axes take `currentColor`, the theme's text colour, so they read on light and dark pages.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..encode import png, png_indexed
from ..style import CLASS_COLORS
from .settings import DOMAIN, FEATURE_LABELS

GRID = 100  # the decision boundary is computed on GRID x GRID points
PIXEL_RATIO = 2  # PNG pixels per CSS pixel, as the course's other pictures
PROJECTOR_SCALE = 1.6  # how much bigger projector mode shows everything on a wide screen
BOARD = 250  # the boundary picture's side, CSS px
AXIS = 40  # room for the boundary's x2 axis (left of it)
AXIS_BELOW = 34  # and its x1 axis (below it)
OUTPUT_WIDTH = AXIS + BOARD  # the output column: axes and boundary, and the loss chart above
LOSS_HEIGHT = 90
NETWORK_WIDTH = 300  # the network drawing's usual width (a deep network takes more)
NODE = 30  # a neuron's square
FONT = 12
SCALE_VAR = "--nnw-pg-scale"
_NODE_STEP = 4  # neuron maps sample every 4th grid point: 25 x 25 pixels


@dataclass(frozen=True)
class Dots:
    """Where a set of points sits in the boundary picture: rim and fill pixels, and colours."""

    rim: np.ndarray  # flat pixel indices of the discs' rims (a disc one pixel larger)
    rim_color: int  # palette index of the rim
    fill: np.ndarray  # flat pixel indices of the discs
    fill_colors: np.ndarray  # palette index of each fill pixel (its point's class)


def _hex_rgb(color: str) -> np.ndarray:
    """'#RRGGBB' as three floats 0..255."""
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def diverging(strength: float, levels: int = 256) -> np.ndarray:
    """levels RGB colours from class 0's colour (first) through white to class 1's (last)."""
    t = np.linspace(-1.0, 1.0, levels)[:, None]
    white = np.full(3, 255.0)
    toward = np.where(t < 0, _hex_rgb(CLASS_COLORS[0]), _hex_rgb(CLASS_COLORS[1]))
    return np.round(white + strength * np.abs(t) * (toward - white)).astype(np.uint8)


RIM_COLORS = ("#ffffff", "#282828")  # around training points, around test points
LEVELS = 251  # the boundary's background: 251 light colours, so the points stand out,
WHITE, DARK, DOT = 251, 252, 253  # then the dots' rims and fills (DOT + class) in one palette
BOUNDARY_PALETTE = np.vstack(
    [
        diverging(0.6, LEVELS),
        *(_hex_rgb(color) for color in (*RIM_COLORS, *CLASS_COLORS[:2])),
    ]
).astype(np.uint8)
_NODE_COLORS = diverging(1.0)  # neuron maps: full colour


def grid_points(grid: int = GRID) -> np.ndarray:
    """The (grid * grid, 2) points the boundary is computed at: cell centres, row 0 at the top."""
    centres = -DOMAIN + (np.arange(grid) + 0.5) * (2 * DOMAIN / grid)
    gx, gy = np.meshgrid(centres, centres[::-1])
    return np.column_stack([gx.ravel(), gy.ravel()])


def color_index(t: np.ndarray, levels: int = 256) -> np.ndarray:
    """Values t in [-1, 1] (clipped; NaN -> 0) as indices 0..levels-1 into a diverging table."""
    t = np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=-1.0)
    return np.round((np.clip(t, -1.0, 1.0) + 1.0) * (levels - 1) / 2).astype(np.intp)


def _disc(radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel offsets (dy, dx) of a filled disc."""
    r = np.arange(-radius, radius + 1)
    dy, dx = np.meshgrid(r, r, indexing="ij")
    inside = dy**2 + dx**2 <= radius**2 + radius * 0.8
    return dy[inside], dx[inside]


def _disc_pixels(X: np.ndarray, size: int, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat pixel indices of discs around the points X in a size x size picture, and which point."""
    col = np.round((X[:, 0] + DOMAIN) / (2 * DOMAIN) * size - 0.5).astype(np.intp)
    row = np.round((DOMAIN - X[:, 1]) / (2 * DOMAIN) * size - 0.5).astype(np.intp)
    dy, dx = _disc(radius)
    rows, cols = row[:, None] + dy, col[:, None] + dx
    which = np.broadcast_to(np.arange(len(X))[:, None], rows.shape)
    keep = (rows >= 0) & (rows < size) & (cols >= 0) & (cols < size)
    return (rows * size + cols)[keep], which[keep]


def dots(X: np.ndarray, y: np.ndarray, size: int, radius: int, rim_color: int) -> Dots:
    """The points X with labels y as discs of this radius in a size x size boundary picture."""
    rim, _ = _disc_pixels(X, size, radius + 1)
    fill, which = _disc_pixels(X, size, radius)
    return Dots(rim, rim_color, fill, (DOT + y[which]).astype(np.uint8))


def _heat_indices(p: np.ndarray, discretize: bool) -> np.ndarray:
    """Probabilities p of class 1 as indices into BOUNDARY_PALETTE's light diverging colours
    (only its two ends if discretize)."""
    t = np.where(p >= 0.5, 1.0, -1.0) if discretize else 2.0 * p - 1.0
    return color_index(t, LEVELS).astype(np.uint8)


def heatmap_png(p: np.ndarray, discretize: bool) -> bytes:
    """The probabilities p (GRID, GRID) of class 1 as a light heatmap, one pixel a cell: what a
    playing frame sends (the page enlarges it with `image-rendering: pixelated`, the points lie
    over it as SVG)."""
    return png_indexed(_heat_indices(p, discretize), BOUNDARY_PALETTE)


def boundary_png(p: np.ndarray, scale: int, points: Sequence[Dots], discretize: bool) -> bytes:
    """The heatmap of p (GRID, GRID) with each cell scale x scale pixels and the points on top,
    as one palette PNG (the still picture)."""
    small = _heat_indices(p, discretize)
    h, w = small.shape
    picture = np.empty((h, scale, w, scale), dtype=np.uint8)
    picture[...] = small[:, None, :, None]
    flat = picture.reshape(-1)
    for layer in points:
        flat[layer.rim] = layer.rim_color
        flat[layer.fill] = layer.fill_colors
    return png_indexed(flat.reshape(h * scale, w * scale), BOUNDARY_PALETTE)


def points_svg(groups: Sequence[tuple[np.ndarray, np.ndarray, str]]) -> str:
    """Points as dots to lay over the boundary picture (BOARD CSS px, [-DOMAIN, DOMAIN]^2): for
    each (X, y, rim color), discs in their class's colour with that rim."""
    parts = []
    for X, y, rim in groups:
        for label in (0, 1):
            dots = "".join(
                f"<circle cx='{a:.2f}' cy='{-b:.2f}' r='.09'/>" for a, b in X[y == label]
            )
            parts.append(
                f"<g fill='{CLASS_COLORS[label]}' stroke='{rim}' stroke-width='.035'>{dots}</g>"
            )
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='nnw-points-svg' aria-hidden='true'"
        f" viewBox='{-DOMAIN} {-DOMAIN} {2 * DOMAIN} {2 * DOMAIN}' width='{BOARD}' height='{BOARD}'"
        f" style='width:calc({BOARD}px * var({SCALE_VAR}, 1));height:auto;max-width:100%'>"
        f"{''.join(parts)}</svg>"
    )


def node_images(values: np.ndarray) -> list[str]:
    """Each column of values (GRID * GRID, k) in [-1, 1] as a small PNG data URI (a neuron map)."""
    grid = math.isqrt(len(values))
    small = values.reshape(grid, grid, -1)[::_NODE_STEP, ::_NODE_STEP]
    rgb = _NODE_COLORS[color_index(small)]
    return [
        "data:image/png;base64," + base64.b64encode(png(rgb[:, :, j])).decode("ascii")
        for j in range(values.shape[1])
    ]


def _svg(width: float, height: float, body: str, label: str, css_class: str) -> str:
    """An SVG of this size in CSS px (times the page's scale), text in the theme's colour."""
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='{css_class}' role='img'"
        f" aria-label='{html.escape(label)}' viewBox='0 0 {width:.0f} {height:.0f}'"
        f" width='{width:.0f}' height='{height:.0f}'"
        f" style='width:calc({width:.0f}px * var({SCALE_VAR}, 1));height:auto;max-width:100%'"
        f" fill='currentColor' font-family='sans-serif' font-size='{FONT}'>{body}</svg>"
    )


@dataclass(frozen=True)
class Geometry:
    """Where the network's columns of nodes go: x of each column's left edge, node spacing."""

    columns: tuple[int, ...]  # nodes per column: inputs, hidden layers, output
    x: tuple[float, ...]
    spacing: float
    width: float
    height: float

    @staticmethod
    def y(j: int) -> float:
        """The top of the j-th node of a column."""
        return 2.2 * FONT + j * 1.3 * NODE


def network_geometry(columns: Sequence[int]) -> Geometry:
    """The layout of a network with these numbers of nodes per column, about NETWORK_WIDTH wide."""
    left = 3.4 * FONT  # room for the feature names
    gaps = max(1, len(columns) - 1)
    spacing = max(NODE + 2 * FONT, min(3 * NODE, (NETWORK_WIDTH - left - NODE - 4) / gaps))
    x = tuple(left + i * spacing for i in range(len(columns)))
    width = x[-1] + NODE + 4
    return Geometry(tuple(columns), x, spacing, width, Geometry.y(max(columns)))


def _links(geometry: Geometry, weights: Sequence[np.ndarray]) -> list[str]:
    """A curve per weight, orange if positive, blue if negative, thicker if larger."""
    parts = []
    for layer, W in enumerate(weights):
        x0, x1 = geometry.x[layer] + NODE, geometry.x[layer + 1]
        mid = (x0 + x1) / 2
        for (i, j), wij in np.ndenumerate(W):
            if wij == 0 or not math.isfinite(wij):
                continue
            ya, yb = geometry.y(i) + NODE / 2, geometry.y(j) + NODE / 2
            color = CLASS_COLORS[1] if wij > 0 else CLASS_COLORS[0]
            parts.append(
                f"<path d='M{x0:.1f},{ya:.1f} C{mid:.1f},{ya:.1f} {mid:.1f},{yb:.1f}"
                f" {x1:.1f},{yb:.1f}' stroke='{color}' stroke-width='{min(0.5 + 3 * abs(wij), 9):.2f}'"
                f" fill='none' opacity='0.75'><title>weight {wij:.3f}</title></path>"
            )
    return parts


def network_svg(
    images: Sequence[Sequence[str]], weights: Sequence[np.ndarray], features: Sequence[str]
) -> str:
    """The network: a column of neuron maps per layer (images: data URIs, inputs first) joined by
    its weights, the inputs named after features."""
    geometry = network_geometry([len(column) for column in images])
    parts = _links(geometry, weights)
    for layer, column in enumerate(images):
        x = geometry.x[layer]
        for j, href in enumerate(column):
            y = geometry.y(j)
            parts.append(
                f"<image x='{x:.1f}' y='{y:.1f}' width='{NODE}' height='{NODE}' href='{href}'"
                " preserveAspectRatio='none' style='image-rendering:pixelated'/>"
                f"<rect x='{x:.1f}' y='{y:.1f}' width='{NODE}' height='{NODE}' fill='none'"
                " stroke='currentColor' stroke-opacity='0.6'/>"
            )
            if layer == 0:
                parts.append(
                    f"<text x='{x - 4:.1f}' y='{y + NODE / 2 + FONT / 3:.1f}'"
                    f" text-anchor='end'>{FEATURE_LABELS[features[j]]}</text>"
                )
        if layer > 0:
            k = len(column)
            name = "output" if layer == len(images) - 1 else f"{k} neuron{'' if k == 1 else 's'}"
            parts.append(
                f"<text x='{x + NODE / 2:.1f}' y='{FONT * 1.3:.1f}' text-anchor='middle'"
                f" font-size='{FONT * 0.8:.1f}'>{name}</text>"
            )
    sizes = "-".join(str(k) for k in geometry.columns)
    label = f"The network {sizes}: a map of each neuron's output; lines are weights"
    return _svg(geometry.width, geometry.height, "".join(parts), label, "nnw-network-svg")


def nice_step(span: float, count: int, smallest: float = 0.0) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts span into at most about count."""
    raw = max(span / count, smallest, 1e-12)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))


def ticks(low: float, high: float, count: int = 4, smallest: float = 0.0) -> np.ndarray:
    """Round values from low to high (both included when round), about count of them."""
    step = nice_step(high - low, count, smallest)
    first = math.ceil(low / step - 1e-9) * step
    return np.arange(first, high + step * 1e-6, step)


def _label(value: float) -> str:
    """A tick label: '0.5', '200', '-4' (with a true minus sign)."""
    return f"{value:g}".replace("-", "−")


def loss_svg(history: np.ndarray, width: float = OUTPUT_WIDTH, height: float = LOSS_HEIGHT) -> str:
    """Training (solid) and test (dashed) loss against epoch, with axes, ticks and a legend.

    history: rows (epoch, training loss, test loss), oldest first."""
    history = np.asarray(history, dtype=np.float64).reshape(-1, 3)
    if len(history) > 300:  # keep the drawing small: about 300 points
        history = history[np.linspace(0, len(history) - 1, 300).round().astype(int)]
    epochs = history[:, 0]
    losses = np.nan_to_num(history[:, 1:], nan=0.0, posinf=0.0, neginf=0.0)
    left, right, top, bottom = 34.0, width - 40.0, 18.0, height - 18.0  # the plot's box
    y_step = nice_step(max(float(losses.max()), 1e-6), 3)
    y_top = y_step * math.ceil(max(float(losses.max()), 1e-6) / y_step - 1e-9)
    first, last = float(epochs[0]), max(float(epochs[-1]), float(epochs[0]) + 1)

    def px(epoch: np.ndarray | float) -> np.ndarray | float:
        return left + (epoch - first) / (last - first) * (right - left)

    def py(loss: np.ndarray | float) -> np.ndarray | float:
        return bottom - loss / y_top * (bottom - top)

    parts = [
        f"<path d='M{left},{top} V{bottom} H{right}' fill='none' stroke='currentColor'"
        " stroke-opacity='0.7'/>"
    ]
    for t in ticks(0.0, y_top, 3):
        parts.append(
            f"<path d='M{left - 4},{py(t):.1f} H{left}' stroke='currentColor'/>"
            f"<text x='{left - 6}' y='{py(t) + 4:.1f}' text-anchor='end'>{_label(t)}</text>"
        )
    for t in ticks(first, last, 4, smallest=1.0):
        parts.append(
            f"<path d='M{px(t):.1f},{bottom} v4' stroke='currentColor'/>"
            f"<text x='{px(t):.1f}' y='{bottom + 15}' text-anchor='middle'>{_label(t)}</text>"
        )
    parts.append(f"<text x='{right + 4}' y='{bottom + 4}'>epoch</text>")
    parts.append(f"<text x='{left - 6}' y='{top - 6}' text-anchor='end'>loss</text>")
    styles = {"train": "stroke-opacity='0.6'", "test": "stroke-dasharray='5 3'"}
    for column, (name, style) in enumerate(styles.items()):
        xs, ys = px(epochs), py(losses[:, column])
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True))
        line = f"fill='none' stroke='currentColor' stroke-width='1.8' {style}"
        parts.append(f"<polyline class='nnw-loss-{name}' points='{points}' {line}/>")
        key = right - 120 + 64 * column  # the legend: a stretch of each line and its name
        parts.append(
            f"<path d='M{key},{top - 10} h18' {line}/><text x='{key + 22}' y='{top - 6}'>{name}</text>"
        )
    train, test = losses[-1]
    label = f"Loss against epoch: training {train:.3f} (solid line), test {test:.3f} (dashed line)"
    return _svg(width, height, "".join(parts), label, "nnw-loss-svg")


def boundary_axes(size: float = BOARD) -> tuple[str, str]:
    """The boundary picture's axes as two SVGs: x₂ (to put left of it) and x₁ (below it), with
    a tick at every whole number from -DOMAIN to DOMAIN."""
    values = np.arange(-DOMAIN, DOMAIN + 0.5)
    at = (values + DOMAIN) / (2 * DOMAIN) * size
    left = [f"<path d='M{AXIS - 1},0 V{size}' stroke='currentColor' stroke-opacity='0.7'/>"]
    below = [f"<path d='M{AXIS},1 H{AXIS + size}' stroke='currentColor' stroke-opacity='0.7'/>"]
    for value, offset in zip(values, at, strict=True):
        y, x = size - offset, AXIS + offset
        left.append(
            f"<path d='M{AXIS - 5},{y:.1f} H{AXIS}' stroke='currentColor'/>"
            f"<text x='{AXIS - 7}' y='{min(max(y + 4, 10), size):.1f}'"
            f" text-anchor='end'>{_label(value)}</text>"
        )
        below.append(
            f"<path d='M{x:.1f},0 v5' stroke='currentColor'/>"
            f"<text x='{min(x, AXIS + size - 6):.1f}' y='17' text-anchor='middle'>{_label(value)}</text>"
        )
    left.append(f"<text x='2' y='{size / 2 + 4:.1f}'>x₂</text>")
    below.append(f"<text x='{AXIS + size / 2:.1f}' y='31' text-anchor='middle'>x₁</text>")
    return (
        _svg(AXIS, size, "".join(left), "x₂ axis from −4 to 4", "nnw-boundary-y"),
        _svg(AXIS + size, AXIS_BELOW, "".join(below), "x₁ axis from −4 to 4", "nnw-boundary-x"),
    )


def _loss_text(loss: float) -> str:
    """A loss as shown: 3 decimals, or 'nan'."""
    return f"{loss:.3f}" if math.isfinite(loss) else "nan"


def losses_html(train: float, test: float) -> str:
    """The test and training losses as two lines of HTML."""
    return (
        f"Test loss <b class='nnw-test-loss'>{_loss_text(test)}</b><br>"
        f"Training loss <b class='nnw-train-loss'>{_loss_text(train)}</b>"
    )


def epoch_html(epoch: int) -> str:
    """The epoch counter, always seven digits wide (it sits in the toolbar)."""
    return f"Epoch <b>{epoch:07,d}</b>"


def boundary_text(with_test: bool) -> str:
    """The boundary picture's text alternative (it changes only with what is shown: a new text
    makes the page set the picture again)."""
    which = "training and test points (test points ringed dark)" if with_test else "training points"
    return (
        f"The network's output over x₁ and x₂ from −4 to 4: blue where it predicts class 0,"
        f" orange class 1; dots: the {which}"
    )


def message_html(message: str) -> str:
    """A message (an error, a hint) behind a warning sign, in the theme's text colour."""
    return f"<b aria-hidden='true'>⚠</b> {message}" if message else ""
