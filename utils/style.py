"""The course's look: colour-blind-safe colours, readable defaults, figure sizes, projector mode."""

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

# Pictures are laid out at CSS_DPI CSS pixels per inch (a 5.2 x 4 in figure is shown 520 x 400
# CSS px) and drawn at PIXEL_RATIO times that, so they are crisp on retina screens.
CSS_DPI = 100
PIXEL_RATIO = 2
CONTENT_WIDTH_IN = 8.4  # JupyterLab's notebook content at a 1280 px window: about 840 CSS px
PROJECTOR_CONTENT_WIDTH_IN = 14.0  # the same at 1920 px, for projector mode

_projector = False
_retina = True


def use_course_style(projector: bool = False, retina: bool = True) -> None:
    """Set matplotlib's defaults for the course and show figures as course figures (utils.figures).

    projector=True makes everything big for a room; retina=False draws pictures at 1x, not 2x.
    """
    import matplotlib as mpl

    from .figures import show_course_figures

    global _projector, _retina
    _projector, _retina = bool(projector), bool(retina)
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
    show_course_figures()


def projector_mode(on: bool = True) -> None:
    """Switch projector mode (large fonts, thick lines, big markers) on or off."""
    use_course_style(projector=on, retina=_retina)


def is_projector() -> bool:
    """Whether projector mode is on."""
    return _projector


def content_width() -> float:
    """The widest a figure may be, in inches: the notebook's content width (projector mode's)."""
    return PROJECTOR_CONTENT_WIDTH_IN if _projector else CONTENT_WIDTH_IN


def figsize(width: float, height: float) -> tuple[float, float]:
    """A figure size in inches, given for the notebook; projector mode scales it to the room."""
    scale = PROJECTOR_CONTENT_WIDTH_IN / CONTENT_WIDTH_IN if _projector else 1.0
    return min(width * scale, content_width()), height * scale


def class_color(label: int) -> str:
    """The course colour of a class label."""
    return CLASS_COLORS[label % len(CLASS_COLORS)]


def pixel_ratio() -> int:
    """Device pixels drawn per CSS pixel: PIXEL_RATIO, or 1 after use_course_style(retina=False)."""
    return PIXEL_RATIO if _retina else 1
