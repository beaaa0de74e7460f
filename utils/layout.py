"""The layout lint: what is wrong with a figure's layout, in words that say how to fix it.

A figure wider than the notebook, a legend over data points or lines, texts that overlap (tick
labels), markers cut by the axes' edge, text under MIN_TEXT_PX at the size shown, or text cut
by the figure's edge. Measures are taken in the figure's display pixels, reported in CSS pixels.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from . import style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

MIN_TEXT_PX = 8  # smaller text is unreadable at the size shown


def plain(text: str) -> str:
    """A label without mathtext markup: '$x_1$' reads 'x_1'."""
    return re.sub(r"\s+", " ", text.replace("$", "").replace("\\", "")).strip()


def panels(figure: Figure) -> list[Axes]:
    """The figure's visible axes: its panels (colour bars included)."""
    return [ax for ax in figure.axes if ax.get_visible()]


def settle_layout(figure: Figure) -> None:
    """Give figure matplotlib's constrained layout unless it has a layout (so nothing is cut)."""
    if figure.get_layout_engine() is None:
        figure.set_layout_engine("constrained")


def layout_problems(figure: Figure) -> list[str]:
    """What is wrong with figure's layout, one sentence each (none when nothing is)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    settle_layout(figure)
    figure.canvas.draw()
    return drawn_layout_problems(figure)


def drawn_layout_problems(figure: Figure) -> list[str]:
    """layout_problems of a figure its Agg canvas has just drawn (no new draw)."""
    renderer = figure.canvas.get_renderer()
    problems = _too_wide(figure)
    problems += _texts_too_small(figure)
    problems += _texts_cut_off(figure, renderer)
    problems += _texts_colliding(figure, renderer)
    for ax in panels(figure):
        problems += _markers_clipped(ax)
        problems += _legend_over_data(ax, renderer)
    return problems


def _too_wide(figure: Figure) -> list[str]:
    """The figure is wider than the notebook's content."""
    width, limit = figure.get_figwidth(), style.content_width()
    if width <= limit:
        return []
    return [
        f"it is {width:g} in wide ({width * style.CSS_DPI:.0f} CSS px), wider than the notebook's "
        f"{limit * style.CSS_DPI:.0f} px: make it at most {limit:g} in wide"
    ]


def _shown_texts(figure: Figure) -> list:
    """The texts that are drawn: visible, non-empty, in a visible panel, ticks inside the view."""
    from matplotlib.text import Text

    axes = [(ax.xaxis, ax.yaxis) for ax in figure.axes]
    ticks = {id(t) for pair in axes for axis in pair for t in _all_ticklabels(axis)}
    ticks -= {id(t) for pair in axes for axis in pair for t in _ticklabels(axis)}
    return [
        text
        for text in figure.findobj(Text)
        if text.get_visible()
        and text.get_text().strip()
        and id(text) not in ticks
        and (text.axes is None or text.axes.get_visible())
    ]


def _texts_too_small(figure: Figure) -> list[str]:
    """Texts smaller than MIN_TEXT_PX at the size shown."""
    small = {}
    for text in _shown_texts(figure):
        px = text.get_fontsize() * style.CSS_DPI / 72
        if px < MIN_TEXT_PX:
            small.setdefault(round(px, 1), []).append(plain(text.get_text()))
    return [
        f"text {names[:3]} is {px:g} CSS px high, under {MIN_TEXT_PX} px: use a larger font"
        for px, names in small.items()
    ]


def _texts_cut_off(figure: Figure, renderer: RendererBase) -> list[str]:
    """Texts that stick out of the figure, so the picture cuts them."""
    box = figure.bbox
    cut = []
    for text in _shown_texts(figure):
        extent = text.get_window_extent(renderer)
        if (
            extent.x0 < box.x0 - 1
            or extent.y0 < box.y0 - 1
            or extent.x1 > box.x1 + 1
            or extent.y1 > box.y1 + 1
        ):
            cut.append(plain(text.get_text()))
    if not cut:
        return []
    return [
        f"text {cut[:3]} is cut off by the figure's edge: use layout='constrained' or a bigger figure"
    ]


def _all_ticklabels(axis: Axis) -> list:
    """Every tick label an axis holds, drawn or not."""
    ticks = axis.get_major_ticks() + axis.get_minor_ticks()
    return [label for tick in ticks for label in (tick.label1, tick.label2)]


def _ticklabels(axis: Axis) -> list:
    """The tick labels an axis draws: visible, non-empty, their ticks inside the view."""
    if not (axis.axes.axison and axis.get_visible()):
        return []
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    return [
        label
        for tick in axis.get_major_ticks() + axis.get_minor_ticks()
        if low - span <= tick.get_loc() <= high + span
        for label in (tick.label1, tick.label2)
        if label.get_visible() and label.get_text()
    ]


def _texts_colliding(figure: Figure, renderer: RendererBase) -> list[str]:
    """Texts that overlap each other (tick labels, titles, labels, notes), by more than 1 CSS px."""
    texts = _shown_texts(figure)
    if len(texts) < 2:
        return []
    boxes = np.array([t.get_window_extent(renderer).extents for t in texts])  # x0, y0, x1, y1
    legend_of = {
        id(text): k
        for k, legend in enumerate(_legends(figure))
        for text in [*legend.get_texts(), legend.get_title()]
    }
    legends = [legend_of.get(id(t)) for t in texts]
    x0, y0, x1, y1 = (boxes[:, k] for k in range(4))
    wide = np.minimum(x1[:, None], x1[None]) - np.maximum(x0[:, None], x0[None])
    high = np.minimum(y1[:, None], y1[None]) - np.maximum(y0[:, None], y0[None])
    margin = figure.dpi / style.CSS_DPI
    pairs = [
        (i, j)
        for i, j in zip(*np.nonzero(np.triu((wide > margin) & (high > margin), k=1)), strict=True)
        if legends[i] is None or legends[i] != legends[j]
    ]
    if not pairs:
        return []
    i, j = pairs[0]
    return [
        f"{len(pairs)} pair(s) of texts overlap, such as the texts {plain(texts[i].get_text())!r} "
        f"and {plain(texts[j].get_text())!r}: use fewer ticks (ax.locator_params(nbins=4)), "
        "shorter labels or a bigger panel"
    ]


def _legends(figure: Figure) -> list:
    """The figure's legends: each axes' own and the figure's."""
    return [ax.get_legend() for ax in figure.axes if ax.get_legend()] + list(figure.legends)


def _where(ax: Axes) -> str:
    """The panel named by its title, for messages."""
    return f'the panel "{plain(ax.get_title())}"' if ax.get_title() else "a panel"


def _data_artists(ax: Axes) -> list:
    """The axes' visible lines (reference lines such as axhline too) and point collections."""
    from matplotlib.collections import PathCollection

    lines = [line for line in ax.lines if line.get_visible()]
    points = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_visible()]
    return lines + points


def _marker_centres(artist: object) -> tuple[np.ndarray, np.ndarray]:
    """Display coordinates of an artist's markers and their radii in display pixels."""
    from matplotlib.lines import Line2D

    dpi = artist.figure.dpi
    if isinstance(artist, Line2D):
        if artist.get_marker() in (None, "None", "", " ") or not len(artist.get_xydata()):
            return np.empty((0, 2)), np.empty(0)
        centres = artist.get_transform().transform(artist.get_xydata())
        return centres, np.full(len(centres), artist.get_markersize() / 2 * dpi / 72)
    offsets = np.asarray(artist.get_offsets(), dtype=float)
    if not len(offsets):
        return np.empty((0, 2)), np.empty(0)
    centres = artist.get_offset_transform().transform(offsets)
    sizes = np.resize(np.asarray(artist.get_sizes(), dtype=float), len(centres))
    return centres, np.sqrt(sizes) / 2 * dpi / 72


def _markers_clipped(ax: Axes) -> list[str]:
    """Markers that the axes' edge cuts (their centre closer to the edge than their radius)."""
    box = ax.bbox
    cut = 0
    for artist in _data_artists(ax):
        if not artist.get_clip_on():
            continue
        centres, radii = _marker_centres(artist)
        if not len(centres):
            continue
        x, y = centres[:, 0], centres[:, 1]
        gap = np.minimum.reduce([x - box.x0, box.x1 - x, y - box.y0, box.y1 - y])
        cut += int(np.sum((gap < radii - 0.5) & (gap > -radii)))
    if not cut:
        return []
    return [
        f"{_where(ax)}: {cut} marker(s) are cut by the axes' edge: widen the limits "
        "(e.g. ax.set_xlim(-0.5, 10.5)) or leave them to autoscaling"
    ]


def _data_marks(ax: Axes) -> tuple[np.ndarray, np.ndarray]:
    """The axes' data in display coordinates, clipped to them: points (n, 2) (markers and line
    vertices) and the pieces (m, 2, 2) of its drawn lines."""
    from matplotlib.lines import Line2D
    from matplotlib.path import Path

    box = ax.bbox
    points, pieces = [np.empty((0, 2))], [np.empty((0, 2, 2))]
    for artist in _data_artists(ax):
        if not isinstance(artist, Line2D):
            points.append(_marker_centres(artist)[0])
            continue
        path = artist.get_transform().transform_path(artist.get_path())
        clipped = path.cleaned(clip=tuple(box.extents), remove_nans=True)
        keep = clipped.codes != Path.STOP
        vertices, codes = clipped.vertices[keep], clipped.codes[keep]
        points.append(vertices)
        if artist.get_linestyle() not in ("None", "", " "):
            joined = codes[1:] == Path.LINETO  # a MOVETO starts a new piece
            pieces.append(np.stack([vertices[:-1][joined], vertices[1:][joined]], axis=1))
    points = np.concatenate(points)
    x, y = points[:, 0], points[:, 1]
    inside = (x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)
    return points[inside], np.concatenate(pieces)


def _covers(box: Bbox, points: np.ndarray, pieces: np.ndarray) -> bool:
    """Whether box (shrunk by 1 px) holds one of the points or crosses one of the pieces."""
    low, high = np.array([box.x0 + 1, box.y0 + 1]), np.array([box.x1 - 1, box.y1 - 1])
    if np.any(np.all((points > low) & (points < high), axis=1)):
        return True
    start, step = pieces[:, 0], pieces[:, 1] - pieces[:, 0]
    within = (start > low) & (start < high)  # where a piece runs parallel to a side
    with np.errstate(divide="ignore", invalid="ignore"):
        t0, t1 = (low - start) / step, (high - start) / step
    enter = np.where(step == 0, np.where(within, -np.inf, np.inf), np.minimum(t0, t1))
    leave = np.where(step == 0, np.where(within, np.inf, -np.inf), np.maximum(t0, t1))
    return bool(np.any(np.maximum(enter.max(axis=1), 0) < np.minimum(leave.min(axis=1), 1)))


def _legend_over_data(ax: Axes, renderer: RendererBase) -> list[str]:
    """A legend (the axes' own, or the figure's) whose box covers the axes' data."""
    legends = [ax.get_legend(), *ax.get_figure(root=True).legends]
    points, pieces = _data_marks(ax)
    return [
        f"{_where(ax)}: the legend covers data (markers or lines): move it to an empty corner "
        "(loc='upper left', ...) or beside the axes (utils.plots.legend_beside)"
        for legend in legends
        if legend is not None
        and legend.get_visible()
        and _covers(legend.get_window_extent(renderer), points, pieces)
    ]
