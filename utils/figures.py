"""How a course figure is shown: one retina PNG, a caption under it, and alt text.

`utils.style.use_course_style()` calls `show_course_figures()`: from then on IPython shows each
matplotlib figure as ONE Agg render at `PIXEL_RATIO` times its CSS size (100 CSS px per inch),
in two forms that share the PNG's bytes: `image/png` (with its CSS width and height as metadata,
as matplotlib-inline's 'retina' format does; graders and nbgrader feedback keep this one) and
`text/html`, a `<figure class="nnw-figure">` whose `<img>` has alt text and the class `nnw-art`
(ink on white: inverted in a dark theme) or `nnw-photo` (axes that hold images: digits, kernels),
with the caption as `<figcaption>`. A figure without a layout of its own gets matplotlib's
constrained layout when shown, so labels and legends beside the axes are never cut off.

Set the environment variable `NN_WORKBOOK_FIGURE_PROBLEMS` to a file's path and every figure
shown appends its problems (`utils.layout.layout_problems`, and a missing caption) to that file:
the notebook tests do.
"""

from __future__ import annotations

import base64
import html
import os
import weakref
from typing import TYPE_CHECKING

from . import encode, layout, style, theme

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PROBLEMS_ENV = "NN_WORKBOOK_FIGURE_PROBLEMS"
INLINE_BACKENDS = ("inline", "module://matplotlib_inline.backend_inline")

_captions: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def _figure_of(figure: Figure | Axes | None) -> Figure:
    """The figure itself, an axes' figure, or pyplot's current figure (which must exist)."""
    if figure is None:
        import matplotlib.pyplot as plt

        if not plt.get_fignums():
            raise ValueError(
                "caption() labels the figure this cell drew, but no figure is open: call it "
                "after the plotting calls, in the same cell (or pass figure=fig)"
            )
        return plt.gcf()
    from matplotlib.axes import Axes

    if isinstance(figure, Axes):
        return figure.get_figure(root=True)
    if not hasattr(figure, "canvas"):
        raise TypeError(f"figure must be a matplotlib Figure or Axes, got {type(figure).__name__}")
    return figure


def caption(text: str, figure: Figure | Axes | None = None) -> None:
    """Show text as the caption under figure (default: pyplot's current figure)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty sentence, got {text!r}")
    _captions[_figure_of(figure)] = text.strip()


def caption_of(figure: Figure) -> str | None:
    """The caption given to figure, or None."""
    return _captions.get(figure)


def _describe_panel(ax: Axes) -> str:
    """One panel in words: its title, axis labels, legend entries, and whether it is an image."""
    parts = [f'"{layout.plain(ax.get_title())}"'] if ax.get_title() else []
    if ax.images:
        parts.append("an image")
    axis_labels = [layout.plain(label) for label in (ax.get_xlabel(), ax.get_ylabel()) if label]
    if axis_labels:
        parts.append(
            " against ".join(reversed(axis_labels)) if len(axis_labels) == 2 else axis_labels[0]
        )
    legend = ax.get_legend()
    if legend is not None:
        entries = [layout.plain(t.get_text()) for t in legend.get_texts() if t.get_text()]
        parts.append("legend: " + ", ".join(entries))
    return "; ".join(parts) or "no labels"


def alt_text(figure: Figure) -> str:
    """A text alternative for figure: its titles, axis labels, legend entries, panels and caption."""
    panels = layout.panels(figure)
    suptitle = figure.get_suptitle()
    head = f'Figure "{layout.plain(suptitle)}"' if suptitle else "Figure"
    if len(panels) == 1:
        words = [f"{head}: {_describe_panel(panels[0])}."]
    else:
        words = [f"{head} with {len(panels)} panels."]
        words += [f"Panel {k}: {_describe_panel(ax)}." for k, ax in enumerate(panels, 1)]
    for legend in figure.legends:
        words.append(
            "Legend: " + ", ".join(layout.plain(t.get_text()) for t in legend.get_texts()) + "."
        )
    text = caption_of(figure)
    if text:
        words.append(text if text.endswith(".") else text + ".")
    return " ".join(words)


def is_photo(figure: Figure) -> bool:
    """Whether figure's pixels are data (an axes holds an image: digits, kernels, matrices)."""
    return bool(figure.images) or any(ax.images for ax in layout.panels(figure))


def render(figure: Figure) -> tuple[bytes, tuple[int, int]]:
    """One Agg render of figure at its CSS size times the pixel ratio: (PNG bytes, CSS size)."""
    dpi = figure.dpi
    layout.settle_layout(figure)
    figure.set_dpi(style.CSS_DPI * style.pixel_ratio())
    try:
        data = encode.figure_png(figure)
        _report_problems(figure)
    finally:
        figure.set_dpi(dpi)
    width, height = encode.png_size(data)
    return data, (round(width / style.pixel_ratio()), round(height / style.pixel_ratio()))


def figure_html(figure: Figure, data: bytes, size: tuple[int, int]) -> str:
    """The <figure> element that shows the PNG data at its CSS size, with alt text and caption."""
    kind = "nnw-photo" if is_photo(figure) else "nnw-art"
    source = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    image = (
        f'<img class="{kind}" src="{source}" alt="{html.escape(alt_text(figure))}" '
        f'width="{size[0]}" height="{size[1]}">'
    )
    text = caption_of(figure)
    below = f"<figcaption>{html.escape(text)}</figcaption>" if text else ""
    return f'{theme.style_html()}<figure class="nnw-figure">{image}{below}</figure>'


def figure_bundle(figure: Figure) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """IPython's display data for figure: the PNG and the HTML <figure>, from one render."""
    data, size = render(figure)
    bundle = {
        "image/png": base64.b64encode(data).decode("ascii"),
        "text/html": figure_html(figure, data, size),
    }
    return bundle, {"image/png": {"width": size[0], "height": size[1]}}


def show_course_figures() -> None:
    """Make IPython show matplotlib figures as course figures (does nothing outside IPython)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    # Importing the inline backend registers its own PNG formatter (once, when pyplot's backend
    # first activates): import it first, then take that formatter's place.
    import matplotlib
    import matplotlib.pyplot as plt
    import matplotlib_inline.backend_inline  # noqa: F401
    from matplotlib.figure import Figure

    formatter = shell.display_formatter
    formatter.formatters["image/png"].pop(Figure, None)
    formatter.mimebundle_formatter.for_type(Figure, figure_bundle)
    if matplotlib.get_backend(auto_select=False) in INLINE_BACKENDS:
        # pyplot redraws every changed figure after each cell, for windows the inline backend
        # doesn't have; the display draws them anyway: once is enough.
        plt.uninstall_repl_displayhook()


def _report_problems(figure: Figure) -> None:
    """Append figure's problems to the file named by NN_WORKBOOK_FIGURE_PROBLEMS, if it is set."""
    path = os.environ.get(PROBLEMS_ENV)
    if not path:
        return
    problems = layout.drawn_layout_problems(figure)
    if caption_of(figure) is None:
        problems.append("it has no caption: end the cell with utils.figures.caption('...')")
    if problems:
        titles = [figure.get_suptitle()] + [ax.get_title() for ax in layout.panels(figure)]
        name = next((f'The figure "{layout.plain(t)}"' for t in titles if t), "A figure")
        with open(path, "a", encoding="utf-8") as file:
            file.writelines(f"{name}: {problem}\n" for problem in problems)
