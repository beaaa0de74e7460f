"""The skeleton every explorer shares: its figure, controls, layout, redraws and picture.

A subclass keeps only its own maths and drawing. It sets its figure's size, builds its artists
on `self.figure`, makes its controls with `slider`, `dropdown`, `checkbox` or `button`, and calls
`assemble(...)` once; after that every change of a control calls its `draw()` and the picture is
re-encoded. `update(...)` methods change several controls inside `with self.quiet():` so that the
picture is drawn once, not once per control.

Sizes are CSS pixels at 100 per inch (`utils.style.CSS_DPI`): a figure of 4.6 x 3.6 inches is
shown 460 x 360 CSS px and drawn at `utils.style.pixel_ratio()` times that (dpi 200), so it is
crisp on a retina screen and never stretched. The controls sit in a column beside the figure
(flex row wrap); on a narrow page they wrap below it. At normal size a figure is at most 460 CSS
px tall (350 when it is too wide to have the controls beside it), so that figure and controls
fit in a 1280 x 800 window; projector sizes, and the root's class `nnw-projector` (bigger
controls, from utils.theme), are for 1920 x 1080 rooms.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from .. import encode, theme
from ..accessibility import accessible_names_widget, picture
from ..style import CSS_DPI, is_projector, pixel_ratio

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

CONTROLS_WIDTH = {False: 280, True: 440}  # CSS px of the controls' column: normal, projector
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(n: int) -> str:
    """n in superscript digits, "⁻³" for -3: plain text, which draws 4x quicker than mathtext."""
    return str(n).translate(_SUPERSCRIPTS)


def percent(part: float, whole: float) -> str:
    """part as a CSS percentage of whole, to 1/100,000 of a percent."""
    return f"{100 * part / whole:.5f}%"


def new_figure(size: tuple[float, float]) -> Figure:
    """A matplotlib figure of `size` inches (x CSS_DPI = CSS px) on white, drawn at 2x (retina)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=CSS_DPI * pixel_ratio(), facecolor="white")
    FigureCanvasAgg(figure)
    return figure


@cache
def _pixel_image_class() -> type[AxesImage]:
    """matplotlib's AxesImage, drawn by repeating its coloured cells instead of resampling."""
    import numpy as np
    from matplotlib.image import AxesImage
    from matplotlib.transforms import Bbox, IdentityTransform

    class PixelImage(AxesImage):
        """An AxesImage whose cells are blocks of screen pixels, coloured once, never resampled."""

        def make_image(self, renderer: object, magnification: float = 1.0, unsampled: bool = False):
            """The cells as screen pixels, bottom row first: (rgba, left, bottom, transform)."""
            if unsampled or magnification != 1.0:  # a vector backend or a magnified drawing
                return super().make_image(renderer, magnification, unsampled)
            cells = self.to_rgba(self.get_array(), bytes=True)
            left, right, low, high = self.get_extent()  # row 0 at `high` (origin "upper")
            (x0, y0), (x1, y1) = self.get_transform().transform([(left, high), (right, low)])
            shown = Bbox.intersection(self.axes.bbox, Bbox([[x0, y0], [x1, y1]]))
            if shown is None:
                return None, 0, 0, None
            xs = np.arange(np.floor(shown.x0 + 0.5), np.floor(shown.x1 + 0.5)) + 0.5  # centres
            ys = np.arange(np.floor(shown.y0 + 0.5), np.floor(shown.y1 + 0.5)) + 0.5  # bottom up
            if not (len(xs) and len(ys)):
                return None, 0, 0, None
            h, w = cells.shape[:2]
            cols = np.clip(((xs - x0) / (x1 - x0) * w).astype(int), 0, w - 1)
            rows = np.clip(((ys - y0) / (y1 - y0) * h).astype(int), 0, h - 1)
            words = cells.view(np.uint32)[..., 0]  # one 4-byte word a cell: 20x quicker to index
            pixels = words.take(rows, axis=0).take(cols, axis=1)
            return (
                pixels.view(np.uint8).reshape(*pixels.shape, 4),
                xs[0] - 0.5,
                ys[0] - 0.5,
                IdentityTransform(),
            )

    return PixelImage


def pixel_image(ax: Axes, shape: tuple[int, int], cmap: str, vmin: float, vmax: float) -> AxesImage:
    """An image of `shape` cells on ax, each cell a crisp block of pixels, coloured by numpy.

    It looks like `ax.imshow(..., interpolation="nearest")` and draws several times quicker on a
    2x figure: matplotlib resamples the whole panel in floating point at every draw, this colours
    the small array and repeats its cells.
    """
    import numpy as np

    image = _pixel_image_class()(ax, cmap=cmap, interpolation="nearest")
    image.set_data(np.zeros(shape))
    image.set_clim(vmin, vmax)
    image.set_clip_path(ax.patch)
    image.set_extent(image.get_extent())  # the axes' limits fit the cells, as imshow's do
    ax.add_image(image)
    ax.set_aspect("equal")
    return image


class Blitter:
    """Draws the figure as two layers: a still backdrop, and the moving artists' region on top.

    A full Agg draw of a figure costs tens of milliseconds; restoring the saved background and
    drawing a handful of artists costs a few. Encoding and decoding the PNG cost about as much
    again, in proportion to its pixels, so a key press sends only `region`: the smallest box of
    whole screen pixels that holds every moving artist (an artist clipped to its axes stays in
    them), cut from the finished drawing. The browser lays it over the backdrop, the figure
    without its moving artists, which is sent again only after `invalidate()`. Artists that
    change now and then (an axes whose limits move) are that `backdrop`. With no moving
    artists, the region is the whole figure.
    """

    def __init__(self, figure: Figure, moving: list[Artist], backdrop: list[Artist] = ()):
        self.figure, self.moving, self.backdrop = figure, list(moving), list(backdrop)
        for artist in self.moving + self.backdrop:
            artist.set_animated(True)  # left out of full draws, so out of the background
        self._still = None  # the figure without moving or backdrop artists
        self._background = None  # the same with the backdrop drawn on it
        self._region: tuple[int, int, int, int] | None = None  # see `region`

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the whole figure in screen pixels."""
        return round(self.figure.bbox.width), round(self.figure.bbox.height)

    @property
    def region(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in screen pixels from the figure's top left: what png()
        holds. It only grows, so the browser seldom has to move it."""
        return self._region or (0, 0, *self.size)

    def invalidate(self) -> None:
        """Say that the backdrop changed: the next draw() draws it onto the background again."""
        self._background = None

    def draw(self) -> bytes | None:
        """Draw the moving artists on the background; the background as PNG bytes when it was
        drawn anew (the browser needs it), else None."""
        canvas, background = self.figure.canvas, None
        if not self.moving:  # the region is the whole figure; the backdrop only gives the size
            canvas.draw()
            background = None if self._region else encode.canvas_png(self.figure)
            self._region = (0, 0, *self.size)
            return background
        if self._still is None:
            canvas.draw()
            self._still = canvas.copy_from_bbox(self.figure.bbox)
        if self._background is None:
            canvas.restore_region(self._still)
            for artist in self.backdrop:
                self.figure.draw_artist(artist)
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            background = encode.canvas_png(self.figure)
        canvas.restore_region(self._background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        self._grow_region()
        return background

    def _grow_region(self) -> None:
        """Grow `region` until it holds every moving artist as drawn now."""
        renderer = self.figure.canvas.get_renderer()
        width, height = self.size
        boxes = [box for artist in self.moving if (box := self._extent(artist, renderer))]
        if not boxes:
            return
        left, bottom = (max(0, min(box[i] for box in boxes)) for i in (0, 1))
        right, top = (
            min(size, max(box[i] for box in boxes)) for i, size in ((2, width), (3, height))
        )
        step = max(1, round(pixel_ratio()))  # whole CSS pixels: the layer never sits between two
        found = (
            int(left // step * step),
            int((height - top) // step * step),
            int(min(width, -(-right // step) * step)),
            int(min(height, -(-(height - bottom) // step) * step)),
        )
        if self._region is None:
            self._region = found
        else:
            old = self._region
            self._region = (min(old[0], found[0]), min(old[1], found[1]),
                            max(old[2], found[2]), max(old[3], found[3]))  # fmt: skip

    @staticmethod
    def _extent(artist: Artist, renderer: object) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) in screen pixels, from the bottom, that artist may cover
        (None: it draws nothing)."""
        pad = 3.0  # line caps, markers' edges and antialiasing beyond the geometric extent
        if not artist.get_visible():
            return None
        clip = artist.get_clip_box() if artist.get_clip_on() else None
        if clip is not None:
            box = clip  # clipped (to its axes, mostly): it cannot leave them
        else:
            box = artist.get_tightbbox(renderer)  # a title, a label, an axes with its ticks
        if box is None or not (box.width > 0 or box.height > 0):
            return None
        return box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad

    def png(self) -> bytes:
        """The finished drawing's `region` as PNG bytes (call draw() first)."""
        import numpy as np

        left, top, right, bottom = self.region
        pixels = np.asarray(self.figure.canvas.buffer_rgba())
        return encode.png(pixels[top:bottom, left:right, :3])


class Explorer:
    """Base of the explorers: `widget` is the live widget, `png` its picture now."""

    FIGSIZE: tuple[float, float] = (4.6, 3.6)  # inches at normal size (x 100 = CSS px)
    PROJECTOR_FIGSIZE: tuple[float, float] = (7.0, 5.4)
    PICTURE = "nnw-art"  # or "nnw-photo" when the pixels are data (digits, kernels)

    widget: ipywidgets.Box
    controls: dict[str, ipywidgets.Widget]

    def __init__(self) -> None:
        self.big = is_projector()
        self.figure = new_figure(self.PROJECTOR_FIGSIZE if self.big else self.FIGSIZE)
        self.controls = {}
        self._quiet = True  # the controls stay silent until assemble() draws the first picture

    @property
    def font(self) -> float:
        """The figure's text size in points: readable at 100 CSS px per inch, or in a room."""
        return 18.0 if self.big else 10.0

    def _control(self, name: str, control: ipywidgets.Widget, tooltip: str) -> ipywidgets.Widget:
        """Register a control under `name`: its accessible name and tooltip, and a redraw on change."""
        control.tooltip = tooltip
        control.add_class(f"nnw-{name.replace('_', '-')}")
        self.controls[name] = control
        if hasattr(control, "value"):
            control.observe(self._on_change, names="value")
        return control

    def slider(self, name: str, label: str, tooltip: str, **options: object) -> ipywidgets.Widget:
        """A continuously updating slider: FloatSlider, or the `kind` given (IntSlider, ...)."""
        import ipywidgets as widgets

        kind = options.pop("kind", widgets.FloatSlider)
        slider = kind(
            description=label,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"),
            **options,
        )
        return self._control(name, slider, tooltip)

    def dropdown(
        self, name: str, label: str, tooltip: str, options: list[str], value: str
    ) -> ipywidgets.Dropdown:
        """A drop-down list of `options`."""
        import ipywidgets as widgets

        menu = widgets.Dropdown(
            options=options, value=value, description=label, layout=widgets.Layout(width="100%")
        )
        return self._control(name, menu, tooltip)

    def checkbox(self, name: str, label: str, tooltip: str, value: bool) -> ipywidgets.Checkbox:
        """A tick box with `label` beside it."""
        import ipywidgets as widgets

        box = widgets.Checkbox(
            value=value, description=label, indent=False, layout=widgets.Layout(width="auto")
        )
        return self._control(name, box, tooltip)

    def button(
        self, name: str, label: str, tooltip: str, action: Callable[[], None]
    ) -> ipywidgets.Button:
        """A button with the text `label` that calls action() when pressed."""
        import ipywidgets as widgets

        button = widgets.Button(description=label, layout=widgets.Layout(width="auto"))
        button.on_click(lambda _button: action())
        return self._control(name, button, tooltip)

    def assemble(
        self, rows: list[ipywidgets.Widget], moving: list[Artist], backdrop: list[Artist] = ()
    ) -> None:
        """Lay out the picture and the controls (`rows`, top to bottom) and draw once.

        `moving` lists the artists that draw() changes: they are redrawn on a saved background
        at each change (empty: the whole figure is redrawn); `backdrop` those it changes now and
        then, after which it calls `self._blitter.invalidate()` (see Blitter).
        """
        import ipywidgets as widgets

        width = round(CSS_DPI * self.figure.get_size_inches()[0])
        self._backdrop = picture(layout=widgets.Layout(width="100%", height="auto"))
        self._image = picture()  # the moving region: laid over the backdrop by _place_region()
        self._backdrop.add_class("nnw-explorer-backdrop")
        self._image.add_class("nnw-explorer-figure")
        self._picture = widgets.Box(
            [self._backdrop, self._image],
            layout=widgets.Layout(width=f"{width}px", max_width="100%", margin="0 16px 8px 0"),
        )
        for layer in (self._backdrop, self._image, self._picture):
            layer.add_class(self.PICTURE)
        self._picture.add_class("nnw-explorer-picture")
        self._readout = widgets.HTML()
        self._readout.add_class("nnw-readout")
        column = widgets.VBox(
            [*rows, self._readout],
            layout=widgets.Layout(width=f"{CONTROLS_WIDTH[self.big]}px", max_width="100%"),
        )
        column.add_class("nnw-explorer-controls")
        self.widget = widgets.Box(
            [theme.style_widget(), accessible_names_widget(), self._picture, column],
            layout=widgets.Layout(display="flex", flex_flow="row wrap", align_items="flex-start"),
        )
        for name in ("nnw-widget", "nnw-explorer", *(["nnw-projector"] if self.big else [])):
            self.widget.add_class(name)
        for ax in self.figure.axes:  # grid lines under every artist, as blitted pictures have
            ax.set_axisbelow(True)
        self._blitter = Blitter(self.figure, moving, backdrop)
        self._region = None
        self._quiet = False
        self.redraw()

    def _on_change(self, change: dict) -> None:
        """Redraw when the student changes a control (not while update() sets several)."""
        if not self._quiet:
            self.redraw()

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Change several controls inside `with explorer.quiet():`; the picture is drawn once after."""
        if self._quiet:  # nested: the outer block draws
            yield
            return
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False
            self.redraw()

    def redraw(self) -> None:
        """Move the artists to the controls' values, re-encode the picture and its description.

        The moving region and its description reach the browser first, as one message, and the
        readout after them: the browser starts decoding the picture sooner. The backdrop goes
        before them, and only when it changed.
        """
        with self._readout.hold_sync():
            self.draw()
            background = self._blitter.draw()
            self._png = None
            if background is not None:
                self._backdrop.value = background
            if self._blitter.region != self._region:
                self._place_region(self._blitter.region)
            with self._image.hold_sync():
                self._image.value = self._blitter.png()
                self._image.tooltip = self.describe()

    def _place_region(self, region: tuple[int, int, int, int]) -> None:
        """Lay the moving region's picture over the backdrop at `region` (screen pixels), in
        percentages of the figure, so that it stays in place at any width of the page.

        Browsers lay out in 1/64 CSS px and round down, so each edge is nudged 1/100 CSS px
        outwards: it then lands on the very pixel it names, not 1/64 px before it.
        """
        width, height = self._blitter.size
        left, top, right, bottom = region
        nudge = 0.01 * pixel_ratio()
        self._image.layout.left = percent(left + nudge, width)
        self._image.layout.top = percent(top + nudge, height)
        self._image.layout.width = percent(right - left + nudge, width)
        self._region = region

    def draw(self) -> None:
        """Move the figure's artists and the readout to the controls' values (each explorer's own)."""
        raise NotImplementedError

    def describe(self) -> str:
        """What the picture shows now, in words: its text alternative (each explorer's own)."""
        raise NotImplementedError

    @property
    def png(self) -> bytes:
        """The whole picture as it is now, as PNG bytes (at style.pixel_ratio() times its CSS size)."""
        if self._png is None:
            self._png = encode.canvas_png(self.figure)
        return self._png

    @property
    def readout(self) -> str:
        """The live readout under the controls (HTML)."""
        return self._readout.value

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        """The live widget for Jupyter, with a still PNG for viewers that cannot run widgets."""
        still = base64.b64encode(self.png).decode("ascii")
        return {**self.widget._repr_mimebundle_(**kwargs), "image/png": still}
