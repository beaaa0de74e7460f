"""The package's one PNG encoder: pixels (numpy) or a matplotlib figure to PNG bytes.

Pictures that change at every key press (explorers, the playground's boundary) must encode in a
few milliseconds, so this writes the PNG itself: no row filters and zlib level 1, which is
several times faster than the usual settings and still small for flat-coloured pictures.
"""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type: grey, RGB, RGBA


def _chunk(tag: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, tag, body and the CRC of tag and body."""
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def _rows(pixels: np.ndarray) -> bytes:
    """The image's rows, each behind its filter-type byte 0 (none), as one compressed stream.

    The pixels are copied once, straight into the rows (a view of an RGBA canvas as RGB
    included), and zlib reads that buffer without another copy.
    """
    h = pixels.shape[0]
    raw = np.empty((h, 1 + pixels[0].size), dtype=np.uint8)
    raw[:, 0] = 0
    rows = raw[:, 1:].reshape(pixels.shape)
    if pixels.ndim == 3 and not pixels.flags.c_contiguous:  # e.g. the RGB of an RGBA canvas
        for channel in range(pixels.shape[2]):  # a strided copy per channel is 4x quicker
            rows[..., channel] = pixels[..., channel]
    else:
        rows[...] = pixels
    return zlib.compress(raw, 1)


def png(pixels: np.ndarray) -> bytes:
    """A uint8 picture, (h, w) grey, (h, w, 3) RGB or (h, w, 4) RGBA, as PNG bytes."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8:
        raise TypeError(f"pixels must be uint8, got {pixels.dtype}")
    channels = 1 if pixels.ndim == 2 else pixels.shape[-1] if pixels.ndim == 3 else 0
    if channels not in _COLOR_TYPES or min(pixels.shape[:2], default=0) < 1:
        raise ValueError(f"pixels must be (h, w), (h, w, 3) or (h, w, 4), got {pixels.shape}")
    h, w = pixels.shape[:2]
    header = struct.pack(">IIBBBBB", w, h, 8, _COLOR_TYPES[channels], 0, 0, 0)
    return (
        _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", _rows(pixels)) + _chunk(b"IEND", b"")
    )


def png_indexed(indices: np.ndarray, palette: np.ndarray) -> bytes:
    """A uint8 (h, w) array of indices into palette (k <= 256, 3) as a palette PNG (a third of RGB)."""
    indices, palette = np.asarray(indices), np.asarray(palette)
    if indices.dtype != np.uint8 or indices.ndim != 2 or min(indices.shape) < 1:
        raise ValueError(
            f"indices must be a uint8 (h, w) array, got {indices.dtype} {indices.shape}"
        )
    if palette.ndim != 2 or palette.shape[1] != 3 or not 1 <= len(palette) <= 256:
        raise ValueError(f"palette must be (k, 3) with 1 <= k <= 256, got {palette.shape}")
    h, w = indices.shape
    header = struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", palette.astype(np.uint8).tobytes())
        + _chunk(b"IDAT", _rows(indices))
        + _chunk(b"IEND", b"")
    )


def canvas_png(figure: Figure) -> bytes:
    """What the figure's Agg canvas holds now (no new draw), as RGB PNG bytes."""
    return png(np.asarray(figure.canvas.buffer_rgba())[..., :3])


def figure_png(figure: Figure) -> bytes:
    """A full Agg drawing of the figure at its own size and dpi, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    figure.canvas.draw()
    return canvas_png(figure)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes, read from the header."""
    if data[:8] != _SIGNATURE:
        raise ValueError("not PNG data")
    return struct.unpack(">II", data[16:24])
