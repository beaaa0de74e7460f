"""What every explorer widget shares: fast redraws, its picture as PNG, its display in Jupyter."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure


def figure_png(figure: Figure) -> bytes:
    """A full drawing of the figure as PNG bytes, compressed lightly (speed over size)."""
    buffer = io.BytesIO()
    figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


class Blitter:
    """Keeps a rendering of the figure without its moving artists; png() adds them on top.

    A full Agg draw of a small figure costs 25-60 ms; restoring the saved background and
    drawing a handful of artists costs a few, which keeps a slider's picture within 100 ms of
    the key press in the browser.
    """

    def __init__(self, figure: Figure, moving: list[Artist]):
        self.figure, self.moving = figure, list(moving)
        for artist in self.moving:
            artist.set_animated(True)  # left out of full draws, so out of the background
        figure.canvas.draw()
        self._background = figure.canvas.copy_from_bbox(figure.bbox)

    def png(self) -> bytes:
        """The background with the moving artists drawn on it, in their order, as PNG bytes."""
        from PIL import Image

        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        pixels = np.asarray(canvas.buffer_rgba())[..., :3]
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


class Explorer:
    """Base of the explorers: `.widget` holds the controls, `._image` the picture they drive."""

    widget: ipywidgets.Widget
    _image: ipywidgets.Image

    @property
    def png(self) -> bytes:
        """The figure as it is now, as PNG bytes."""
        return self._image.value

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        """The live widget for Jupyter, with a still PNG for viewers that cannot run widgets."""
        still = base64.b64encode(self.png).decode("ascii")
        return {**self.widget._repr_mimebundle_(**kwargs), "image/png": still}

    def _ipython_display_(self) -> None:
        """Show the widget (and its still picture) when a cell ends in the explorer."""
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)
