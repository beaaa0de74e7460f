"""What makes the course's widgets usable with a keyboard and a screen reader, where ipywidgets
8.1 falls short: pictures with a text alternative, and sliders with accessible names.

The visible keyboard focus is CSS, in utils.theme.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ipywidgets

# ipywidgets 8.1 gives a slider's handle (the focusable role="slider" element) no accessible
# name: its <label> is not tied to it, and the front end passes noUiSlider no handleAttributes.
# This script names each handle in the widget after its label (the tooltip when there is one),
# gives the explorers' backdrop pictures (the still layer under the named picture) an empty alt
# so that screen readers skip them, and keeps doing so as the front end redraws the widget. It runs from an image that fails to load
# (src "data:,", no request leaves the page) because widgets' HTML runs no <script> elements.
# It is a constant: nothing from a notebook or a student is ever put into it.
_NAME_SLIDERS = (
    "var root=this.closest('.nnw-widget')||document.body;"
    "function name(){root.querySelectorAll('.widget-slider').forEach(function(s){"
    "var h=s.querySelector('.noUi-handle'),l=s.querySelector('.widget-label');"
    "if(h&&l)h.setAttribute('aria-label',l.title||l.textContent)});"
    "root.querySelectorAll('img.nnw-explorer-backdrop').forEach(function(i){"
    "i.setAttribute('alt','')})}"
    "name();new MutationObserver(name).observe(root,{childList:true,subtree:true})"
)


def accessible_names_widget() -> ipywidgets.HTML:
    """An invisible widget that names the sliders of the `nnw-widget` it sits in and hides its
    decorative backdrop pictures from screen readers."""
    import ipywidgets as widgets

    script = f'<img alt="" hidden src="data:," onerror="{_NAME_SLIDERS}">'
    return widgets.HTML(script, layout=widgets.Layout(display="none"))


@cache
def _picture_class() -> type[ipywidgets.Image]:
    """ipywidgets' Image with a (never shown) synced `description`, so that its tooltip works.

    ipywidgets 8.1's front end reads `description` when it sets a tooltip; an Image has none, so
    a plain Image with a tooltip fails to render at all ("Could not create a view").
    """
    import ipywidgets
    import traitlets

    class Picture(ipywidgets.Image):
        """An Image whose tooltip is its <img>'s title, which Chromium reads as its name."""

        description = traitlets.Unicode("").tag(sync=True)

    return Picture


def picture(**kwargs: Any) -> ipywidgets.Image:
    """A PNG Image widget whose `tooltip` (its text alternative) reaches the page as its title."""
    return _picture_class()(**{"format": "png", **kwargs})
