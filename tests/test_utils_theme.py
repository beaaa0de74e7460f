"""utils.theme: one style sheet that follows JupyterLab's light and dark themes."""

import re

from utils import theme


def rules(css: str) -> dict[str, str]:
    """Each selector of the style sheet with its declarations."""
    return {
        selector.strip(): body
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css.replace("\n", " "))
    }


def test_text_takes_the_theme_colour_with_a_fallback():
    css = rules(theme.CSS)
    assert "var(--jp-ui-font-color1" in css[".nnw-widget"]
    assert "fill: currentColor" in css[".nnw-widget svg text"]


def test_in_a_dark_theme_art_is_inverted_and_photos_are_not():
    css = rules(theme.CSS)
    art = css[f"{theme.DARK} img.nnw-art"]
    assert "invert(" in art and "hue-rotate(180deg)" in art
    photo = css[f"{theme.DARK} img.nnw-photo"]
    assert "invert" not in photo and "background" in photo


def test_keyboard_focus_is_visible_on_widgets_and_slider_handles():
    focus = [body for selector, body in rules(theme.CSS).items() if ":focus" in selector]
    assert focus and all("outline: 3px solid" in body for body in focus)
    assert any(".noUi-handle:focus" in s for s in rules(theme.CSS))


def test_the_style_widget_carries_the_sheet_and_takes_no_room():
    widget = theme.style_widget()
    assert widget.value == theme.style_html() == f"<style>{theme.CSS}</style>"
    assert widget.layout.display == "none"
