"""The course's look: colour-blind-safe colours, readable defaults and a projector mode."""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
CLASS_COLORS = tuple(PALETTE.values())  # label 0 is blue, 1 orange, 2 bluish green, ...

_projector = False


def use_course_style(projector: bool = False) -> None:
    """Set matplotlib's defaults for the course; projector=True makes everything big for a room."""
    import matplotlib as mpl

    global _projector
    _projector = bool(projector)
    big = _projector
    mpl.rcParams.update(
        {
            "figure.figsize": (10, 6.5) if big else (6.4, 4.4),
            "font.size": 20 if big else 11,
            "axes.titlesize": 22 if big else 12,
            "axes.labelsize": 20 if big else 11,
            "legend.fontsize": 18 if big else 10,
            "xtick.labelsize": 18 if big else 10,
            "ytick.labelsize": 18 if big else 10,
            "lines.linewidth": 3.5 if big else 2.0,
            "lines.markersize": 11 if big else 6,
            "axes.prop_cycle": mpl.cycler(color=CLASS_COLORS),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


def projector_mode(on: bool = True) -> None:
    """Switch projector mode (large fonts, thick lines, big markers) on or off."""
    use_course_style(projector=on)


def is_projector() -> bool:
    """Whether projector mode is on."""
    return _projector
