"""The course's widgets and figures in the browser: one style sheet for JupyterLab's light and
dark themes (and Voila's), a visible keyboard focus, and projector-sized controls.

Text and backgrounds take JupyterLab's theme variables, so they follow the theme. Pictures drawn
by matplotlib (black ink on white) carry the class `nnw-art`: in a dark theme the browser shows
them inverted with their hues turned back (dark paper, light ink, the same class colours), at
no cost to the kernel. Pictures whose pixels are data (digits, kernels, feature maps) carry
`nnw-photo` instead: never inverted, they sit on a light card that reads on either theme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ipywidgets

DARK = 'body[data-jp-theme-light="false"]'  # JupyterLab and Voila mark a dark theme this way

CSS = f"""
.nnw-widget {{ color: var(--jp-ui-font-color1, #1a1a1a); }}
.nnw-widget svg text {{ fill: currentColor; }}
.nnw-widget .nnw-muted {{ color: var(--jp-ui-font-color2, #555); }}
img.nnw-art, img.nnw-photo {{ max-width: 100%; height: auto; }}
{DARK} img.nnw-art {{ filter: invert(0.93) hue-rotate(180deg); }}
{DARK} img.nnw-photo {{ background: #f4f4f4; padding: 4px; border-radius: 4px; }}
.nnw-explorer-picture {{ position: relative; display: block; }}
.nnw-explorer-picture > img {{ display: block; margin: 0; max-width: none; }}
.nnw-explorer-picture > img.nnw-explorer-figure {{ position: absolute; height: auto; }}
{DARK} .nnw-explorer-picture > img.nnw-photo {{ background: none; padding: 0; border-radius: 0; }}
{DARK} .nnw-explorer-picture.nnw-photo {{ box-shadow: 0 0 0 4px #f4f4f4; border-radius: 4px; }}
.nnw-figure {{ margin: 0; }}
.nnw-figure figcaption {{ color: var(--jp-ui-font-color1, #1a1a1a); font-size: 0.95em;
  margin-top: 0.3em; max-width: 60em; }}
.nnw-widget :focus-visible, .nnw-widget .noUi-handle:focus {{
  outline: 3px solid var(--jp-brand-color1, #0072B2); outline-offset: 2px; }}
.nnw-projector {{ --jp-widgets-font-size: 20px; --jp-widgets-inline-height: 42px;
  --jp-widgets-inline-label-width: 120px; font-size: 20px; }}
"""


def style_html() -> str:
    """The course's style sheet as an HTML <style> element."""
    return f"<style>{CSS}</style>"


def style_widget() -> ipywidgets.HTML:
    """An invisible widget that puts the course's style sheet on the page (one per widget)."""
    import ipywidgets as widgets

    return widgets.HTML(style_html(), layout=widgets.Layout(display="none"))
